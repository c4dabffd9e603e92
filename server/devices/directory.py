"""The hub's in-memory copy of the device table: which device sits at which counter or kiosk.

Routing a domain event to a display, or a ticket to a printer, must not cost a database read
per event; the table changes only through the device API/CLI, which reload it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from ..models import Branch, Counter, Device
from .protocol import DeviceConfig


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    branch_id: int
    branch_code: str
    branch_name: str
    timezone: str
    kind: str
    name: str
    url: str
    counter_id: int | None
    counter_number: int | None
    kiosk: str | None
    enabled: bool
    settings: dict = field(default_factory=dict)
    branch_name_zh_hans: str = ""  # for printers whose tickets are Simplified (printing.py)

    def config(self) -> DeviceConfig:
        return DeviceConfig(id=self.id, kind=self.kind, name=self.name, url=self.url, settings=dict(self.settings),
                            enabled=self.enabled, timezone=self.timezone)


class Directory:
    def __init__(self) -> None:
        self._devices: dict[int, DeviceInfo] = {}
        self._lock = threading.Lock()

    def load(self, db) -> None:
        with db.read() as session:
            rows = session.execute(
                select(Device, Branch, Counter.number)
                .join(Branch, Branch.id == Device.branch_id)
                .outerjoin(Counter, Counter.id == Device.counter_id)
                .order_by(Device.id)
            ).all()
            devices = {
                d.id: DeviceInfo(id=d.id, branch_id=b.id, branch_code=b.code, branch_name=b.name_zh,
                                 timezone=b.timezone, kind=d.kind, name=d.name, url=d.url, counter_id=d.counter_id,
                                 counter_number=number, kiosk=d.kiosk, enabled=d.enabled,
                                 settings=dict(d.settings or {}), branch_name_zh_hans=b.name_zh_hans)
                for d, b, number in rows
            }
        with self._lock:
            self._devices = devices

    def all(self) -> list[DeviceInfo]:
        with self._lock:
            return list(self._devices.values())

    def get(self, device_id: int) -> DeviceInfo | None:
        with self._lock:
            return self._devices.get(device_id)

    def at_counter(self, counter_id: int | None, kind: str) -> list[DeviceInfo]:
        if counter_id is None:
            return []
        return [d for d in self.all() if d.counter_id == counter_id and d.kind == kind and d.enabled]

    def in_branch(self, branch_id: int, kind: str | None = None) -> list[DeviceInfo]:
        return [d for d in self.all() if d.branch_id == branch_id and (kind is None or d.kind == kind)]

    def printers(self, branch_code: str) -> list[DeviceInfo]:
        """The branch's enabled printers: a disabled one is never chosen, nor counted as the only one."""
        return [d for d in self.all() if d.branch_code == branch_code and d.kind == "printer" and d.enabled]

    def configs(self) -> list[dict]:
        return [d.config().as_dict() for d in self.all()]
