"""The device table: add, change, remove and list devices, with their settings checked.

Device settings (Device.settings, JSON):
    printer   encoding "gb18030"|"big5", paper_mm 80|58, qr_mode "native"|"image", footer "...",
              header ["line", ...] (at most 3 lines above the branch name),
              default true (staff-issued tickets print here), backup_for "<kiosk or printer name>"
              | [names] | "*" (prints when that one cannot; see printing.py)
    led, pad, keypad   none yet
A display, pad or keypad sits at a counter (`counter`, its number); a printer may serve a kiosk
(`kiosk`, the kiosk's device-token name).
"""
from __future__ import annotations

import ipaddress
import re

from sqlalchemy import select

from drivers import BadDeviceUrl
from drivers.urls import SerialUrl, TcpUrl, parse_device_url

from ..models import Branch, Counter, Device, DeviceFault
from ..queue.actors import Actor
from ..queue import setup_audit
from ..queue.errors import Conflict, Invalid, NotFound
from ..queue.uow import unit_of_work
from .faults import SYSTEM, device_view_of, resolve_fault
from .protocol import BUS_KINDS, KINDS
from .sim_urls import parse_sim_url

MAX_HEADER_LINES = 3  # the ticket's own lines above the branch name
PRINTER_SETTINGS = {"encoding": ("gb18030", "big5"), "paper_mm": (80, 58), "qr_mode": ("native", "image")}


def check_place(spec, allow_local: bool) -> None:
    """Where a device may be (docs/architecture.md, "Security"): a serial port is a device file under
    /dev/ (or COMn on Windows), never an arbitrary file; a network printer is not on this machine or
    on a link-local address (cloud metadata services live there) unless this is a demo with simulators."""
    if isinstance(spec, SerialUrl):
        path = spec.path
        windows_port = re.fullmatch(r"COM[1-9][0-9]{0,2}", path) is not None
        if not windows_port and (not path.startswith("/dev/") or "/../" in path + "/" or "//" in path[1:]):
            raise Invalid("invalid_url", "a serial port is a device under /dev/, e.g. serial:///dev/ttyUSB0")
    if isinstance(spec, TcpUrl) and not allow_local:
        try:
            address = ipaddress.ip_address(spec.host)
        except ValueError:
            address = None  # a host name: resolved by the device manager, on the branch's network
        local = spec.host.lower() in ("localhost", "localhost.localdomain") or (
            address is not None and (address.is_loopback or address.is_link_local or address.is_unspecified))
        if local:
            raise Invalid("invalid_url", "a network device is not on this machine or a link-local address "
                                         "(allowed only in demo mode)")


def check_url(kind: str, url: str, allow_local: bool = False) -> str:
    url = (url or "").strip()
    if not url or len(url) > 300:
        raise Invalid("invalid_url", "a device URL has 1-300 characters")
    try:
        if url.startswith("sim:"):
            what, _, _ = parse_sim_url(url)
            if (what == "printer") != (kind == "printer"):
                raise Invalid("invalid_url", f"a {kind} cannot be at {url} (sim://printer/N for printers, "
                                             "sim://bus/N?unit=U for the rest)")
            return url
        spec = parse_device_url(url)
    except (BadDeviceUrl, ValueError) as exc:
        raise Invalid("invalid_url", str(exc)) from None
    if kind in BUS_KINDS and (not isinstance(spec, SerialUrl) or spec.unit is None):
        raise Invalid("invalid_url", f"a {kind} is a Modbus unit on a bus: serial:///dev/ttyUSB0?baud=9600&unit=N")
    check_place(spec, allow_local)
    return url


def check_settings(kind: str, settings) -> dict:
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise Invalid("invalid_settings", "settings must be an object")
    if kind != "printer":
        return settings
    for key, allowed in PRINTER_SETTINGS.items():
        if key in settings and settings[key] not in allowed:
            raise Invalid("invalid_settings", f"settings.{key} must be one of {', '.join(map(str, allowed))}")
    if "default" in settings and not isinstance(settings["default"], bool):
        raise Invalid("invalid_settings", "settings.default must be true or false")
    backup = settings.get("backup_for")
    if backup is not None and not (isinstance(backup, str) or (isinstance(backup, list)
                                                                and all(isinstance(b, str) for b in backup))):
        raise Invalid("invalid_settings", "settings.backup_for is a name or a list of names")
    if "footer" in settings and not isinstance(settings["footer"], str):
        raise Invalid("invalid_settings", "settings.footer must be text")
    header = settings.get("header")
    if header is not None and not (isinstance(header, list) and len(header) <= MAX_HEADER_LINES
                                   and all(isinstance(line, str) and len(line) <= 64 for line in header)):
        raise Invalid("invalid_settings", f"settings.header is a list of at most {MAX_HEADER_LINES} lines of "
                                          "at most 64 characters")
    return settings


class DeviceRegistry:
    def __init__(self, db, clock, publish, *, allow_local: bool = False):
        self.db, self.clock, self.publish = db, clock, publish
        self.allow_local = allow_local  # loopback / link-local tcp hosts: demo mode and the local CLI

    def _uow(self):
        return unit_of_work(self.db, self.clock, self.publish)

    @staticmethod
    def _branch(session, code: str) -> Branch:
        branch = session.execute(select(Branch).where(Branch.code == code)).scalar_one_or_none()
        if branch is None:
            raise NotFound("branch_not_found", f"no branch with code {code!r}")
        return branch

    @staticmethod
    def _counter_id(session, branch: Branch, number) -> int | None:
        if number is None:
            return None
        counter_id = session.execute(
            select(Counter.id).where(Counter.branch_id == branch.id, Counter.number == number)
        ).scalar_one_or_none()
        if counter_id is None:
            raise NotFound("counter_not_found", f"branch {branch.code} has no counter {number}")
        return counter_id

    @staticmethod
    def _check_place(kind: str, counter_id: int | None, kiosk: str | None) -> None:
        if kind in BUS_KINDS and counter_id is None:
            raise Invalid("counter_required", f"a {kind} belongs to a counter: give its number")
        if kind != "printer" and kiosk:
            raise Invalid("kiosk_for_printers", "only a printer serves a kiosk")

    def list(self, branch_id: int | None = None) -> list[dict]:
        with self.db.read() as session:
            stmt = select(Device, Branch).join(Branch, Branch.id == Device.branch_id).order_by(Branch.code, Device.id)
            if branch_id is not None:
                stmt = stmt.where(Device.branch_id == branch_id)
            return [device_view_of(session, d, b) for d, b in session.execute(stmt).all()]

    @staticmethod
    def _free_name(session, branch: Branch, name: str | None, device_id: int | None = None) -> str:
        """A valid device name not used by another device of the branch."""
        name = (name or "").strip()
        if not 1 <= len(name) <= 120:
            raise Invalid("invalid_name", "a device name has 1-120 characters")
        clash = select(Device.id).where(Device.branch_id == branch.id, Device.name == name)
        if device_id is not None:
            clash = clash.where(Device.id != device_id)
        if session.execute(clash).first():
            raise Conflict("device_exists", f"branch {branch.code} already has a device named {name!r}")
        return name

    def get(self, device_id: int) -> tuple[dict, int]:
        """(view, branch id) of one device."""
        with self.db.read() as session:
            device = session.get(Device, device_id)
            if device is None:
                raise NotFound("device_not_found", f"no device with id {device_id}")
            return device_view_of(session, device, session.get(Branch, device.branch_id)), device.branch_id

    def add(self, branch_code: str, *, kind: str, name: str, url: str, counter: int | None = None,
            kiosk: str | None = None, settings: dict | None = None, enabled: bool = True, by: str = "") -> dict:
        if kind not in KINDS:
            raise Invalid("invalid_kind", f"kind must be one of {', '.join(KINDS)}")
        url = check_url(kind, url, self.allow_local)
        settings = check_settings(kind, settings)
        with self._uow() as uow:
            s = uow.session
            branch = self._branch(s, branch_code)
            name = self._free_name(s, branch, name)
            counter_id = self._counter_id(s, branch, counter)
            kiosk = (kiosk or "").strip()[:60] or None
            self._check_place(kind, counter_id, kiosk)
            device = Device(branch_id=branch.id, kind=kind, name=name, url=url, counter_id=counter_id, kiosk=kiosk,
                            settings=settings, enabled=enabled, state="unknown")
            s.add(device)
            s.flush()
            view = device_view_of(s, device, branch)
            setup_audit.record(s, uow.now, by, branch.id, "device", name, "created", after=_audit_view(device))
            uow.emit("device.added", branch, {"device": view})
            return view

    def update(self, device_id: int, changes: dict, by: str = "") -> dict:
        with self._uow() as uow:
            s = uow.session
            device = s.get(Device, device_id, with_for_update=True)
            if device is None:
                raise NotFound("device_not_found", f"no device with id {device_id}")
            branch = s.get(Branch, device.branch_id)
            before = _audit_view(device)
            if "name" in changes:
                device.name = self._free_name(s, branch, changes["name"], device.id)
            if "url" in changes:
                device.url = check_url(device.kind, changes["url"], self.allow_local)
            if "counter" in changes:
                device.counter_id = self._counter_id(s, branch, changes["counter"])
            if "kiosk" in changes:
                device.kiosk = (changes["kiosk"] or "").strip()[:60] or None
            if "settings" in changes:
                device.settings = check_settings(device.kind, changes["settings"])
            if "enabled" in changes:
                device.enabled = bool(changes["enabled"])
            self._check_place(device.kind, device.counter_id, device.kiosk)
            s.flush()
            view = device_view_of(s, device, branch)
            setup_audit.record(s, uow.now, by, branch.id, "device", device.name, "changed", before,
                               _audit_view(device))
            uow.emit("device.updated", branch, {"device": view})
            return view

    def remove(self, device_id: int, actor: Actor) -> dict:
        """Delete a device. Its fault records stay (detached, named in their message) for audit."""
        with self._uow() as uow:
            s = uow.session
            device = s.get(Device, device_id, with_for_update=True)
            if device is None:
                raise NotFound("device_not_found", f"no device with id {device_id}")
            branch = s.get(Branch, device.branch_id)
            view = device_view_of(s, device, branch)
            for fault in s.execute(select(DeviceFault).where(DeviceFault.device_id == device.id)).scalars():
                if fault.resolved_at is None:
                    resolve_fault(uow, branch, fault, by=actor.label or SYSTEM, note="device removed")
                if not fault.message.startswith(f"{device.name}:"):
                    fault.message = f"[{device.name}] {fault.message}"[:500]
                fault.device_id = None
            s.flush()
            setup_audit.record(s, uow.now, actor.name, branch.id, "device", device.name, "removed",
                               before=_audit_view(device))
            s.delete(device)
            uow.emit("device.removed", branch, {"device": dict(view, state="removed")})
            return view


def _audit_view(device: Device) -> dict:
    """What the set-up audit keeps of a device: its set-up, not its live state."""
    return {"kind": device.kind, "name": device.name, "url": device.url, "counter_id": device.counter_id,
            "kiosk": device.kiosk, "settings": dict(device.settings or {}), "enabled": device.enabled}
