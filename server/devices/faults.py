"""Device faults: raised automatically from health or by staff, acknowledged, resolved; each with an alert.

Lifecycle (docs/architecture.md, "Devices"): raised (who, when, what) -> acknowledged by a
supervisor (note + the contingency started, e.g. "backup printer", "QR tickets on the kiosk
screen") -> resolved (who, when, note). An automatic fault resolves itself ("system") when its
device is healthy again; the record stays for audit either way.

Every open fault has one Alert (kind `device_fault`) that clears when the fault is resolved.
Events (after commit, with the branch seq): `device.fault`, `device.fault_acknowledged`,
`device.fault_cleared`, plus `alert.raised` / `alert.cleared` for the alert.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..models import Alert, Branch, Counter, Device, DeviceFault, Ticket
from ..queue.actors import Actor
from ..queue.errors import Conflict, Invalid, NotFound
from ..queue.uow import UnitOfWork, unit_of_work
from ..queue.views import alert_view
from .views import device_view, fault_timeline, fault_view

SYSTEM = "system"
# A printer reports several flags at once (paper out also sets "offline"); the first that is set names it.
PRIMARY_FLAGS = ("paper_end", "cover_open", "cutter_error", "mechanical_error", "unrecoverable_error",
                 "auto_recoverable_error", "paper_end_stop", "error", "offline")
DESCRIPTIONS = {
    "paper_end": "paper out", "cover_open": "cover open", "cutter_error": "cutter error",
    "mechanical_error": "mechanical error", "unrecoverable_error": "unrecoverable error",
    "auto_recoverable_error": "recoverable error", "paper_end_stop": "stopped at paper end", "error": "error",
    "offline": "offline", "not_responding": "not responding", "paper_near_end": "paper near end",
    "device_fault": "device fault",
}
SEVERITIES = ("degraded", "fault")
MAX_NOTE = 2000

# A printer fault is raised by the health report that follows the failed print: the tickets that
# revealed it were issued a few seconds before it (the report covers them too).
FAULT_DISCOVERY = dt.timedelta(seconds=30)


def not_printed_filter(fault: DeviceFault, end: dt.datetime):
    """The tickets its printer failed to print while the fault stood (shared by the fault and period reports)."""
    return (Ticket.printer_id == fault.device_id, Ticket.printed.is_(False),
            Ticket.created_at >= fault.raised_at - FAULT_DISCOVERY, Ticket.created_at <= end)


def wanted_auto_fault(state: str, flags: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """(code, severity) of the automatic fault a device state calls for, or None when healthy."""
    if state == "not_responding":
        return "not_responding", "fault"
    if state == "fault":
        return next((f for f in PRIMARY_FLAGS if f in flags), "device_fault"), "fault"
    if state == "degraded":
        return ("paper_near_end" if "paper_near_end" in flags else "degraded"), "degraded"
    return None


def still_reported(device: Device | None, fault: DeviceFault) -> str | None:
    """The code the device still reports that keeps this fault open, or None when it may be resolved.

    An automatic fault stands while its device reports the same condition; a fault reported by staff
    against a device stands while that device reports any fault (docs/architecture.md, "Devices").
    """
    if device is None or not device.enabled or device.state in ("unknown", "disabled"):
        return None
    wanted = wanted_auto_fault(device.state, (device.state_detail or {}).get("flags", []))
    if wanted is None:
        return None
    if fault.source == "auto":
        return wanted[0] if wanted[0] == fault.code else None
    return wanted[0] if wanted[1] == "fault" else None


def device_view_of(session, device: Device, branch: Branch) -> dict:
    number = session.get(Counter, device.counter_id).number if device.counter_id else None
    return device_view(device, number, branch.code)


def fault_view_of(session, fault: DeviceFault, branch: Branch) -> dict:
    device = session.get(Device, fault.device_id) if fault.device_id else None
    return fault_view(fault, device.name if device else None, branch.code, device.kind if device else None)


def _alert_for(session, fault: DeviceFault) -> Alert | None:
    return session.execute(
        select(Alert).where(Alert.device_fault_id == fault.id, Alert.cleared_at.is_(None))
    ).scalars().first()


# ---------------------------------------------------------------------------- inside a unit of work
def raise_fault(uow: UnitOfWork, branch: Branch, *, device: Device | None, code: str, severity: str, source: str,
                message: str, by: str) -> DeviceFault:
    s = uow.session
    fault = DeviceFault(branch_id=branch.id, device_id=device.id if device else None, code=code[:48],
                        severity=severity, source=source, message=message[:500], raised_at=uow.now, raised_by=by)
    s.add(fault)
    s.flush()
    alert = Alert(branch_id=branch.id, kind="device_fault", level="warning" if severity == "degraded" else "critical",
                  device_fault_id=fault.id, message=message[:300], raised_at=uow.now)
    s.add(alert)
    s.flush()
    data = {"fault": fault_view_of(s, fault, branch), "device": device_view_of(s, device, branch) if device else None}
    uow.emit("device.fault", branch, data)
    uow.emit("alert.raised", branch, {"alert": alert_view(alert)})
    return fault


def resolve_fault(uow: UnitOfWork, branch: Branch, fault: DeviceFault, *, by: str, note: str) -> None:
    s = uow.session
    fault.resolved_at = uow.now
    fault.resolved_by = by
    fault.resolve_note = note[:MAX_NOTE]
    alert = _alert_for(s, fault)
    device = s.get(Device, fault.device_id) if fault.device_id else None
    uow.emit("device.fault_cleared", branch, {"fault": fault_view_of(s, fault, branch),
                                             "device": device_view_of(s, device, branch) if device else None})
    if alert is not None:
        alert.cleared_at = uow.now
        uow.emit("alert.cleared", branch, {"alert": alert_view(alert)})


def reconcile_auto_faults(uow: UnitOfWork, branch: Branch, device: Device) -> None:
    """Make the device's open automatic fault match its state: raise, keep, replace or resolve."""
    detail = device.state_detail or {}
    if device.state == "unknown":
        return
    wanted = None if not device.enabled else wanted_auto_fault(device.state, detail.get("flags", []))
    open_auto = uow.session.execute(
        select(DeviceFault).where(DeviceFault.device_id == device.id, DeviceFault.source == "auto",
                                  DeviceFault.resolved_at.is_(None)).order_by(DeviceFault.id)
    ).scalars().all()
    kept = False
    for fault in open_auto:
        if wanted is not None and fault.code == wanted[0] and not kept:
            kept = True
            continue
        if device.state == "disabled":
            note = "device disabled by an administrator"
        elif wanted is None:
            note = f"device healthy again ({device.state})"
        else:
            note = f"superseded: the device now reports {DESCRIPTIONS.get(wanted[0], wanted[0])}"
        resolve_fault(uow, branch, fault, by=SYSTEM, note=note)
    if wanted is not None and not kept:
        code, severity = wanted
        # The code is what screens translate; the message is the plain English for logs and exports,
        # without the device name (views carry it) or the driver's raw flags.
        raise_fault(uow, branch, device=device, code=code, severity=severity, source="auto",
                    message=DESCRIPTIONS.get(code, code), by=SYSTEM)


# ---------------------------------------------------------------------------- staff actions
class FaultBook:
    """Fault records for the API: staff raise, acknowledge, resolve, list and report."""

    def __init__(self, db, clock, publish):
        self.db, self.clock, self.publish = db, clock, publish

    def _uow(self):
        return unit_of_work(self.db, self.clock, self.publish)

    @staticmethod
    def _locked_fault(uow: UnitOfWork, fault_id: int, branch_id: int | None) -> tuple[DeviceFault, Branch]:
        fault = uow.session.get(DeviceFault, fault_id, with_for_update=True)
        if fault is None or (branch_id is not None and fault.branch_id != branch_id):
            raise NotFound("fault_not_found", f"no device fault with id {fault_id}")
        return fault, uow.session.get(Branch, fault.branch_id)

    def report_by_staff(self, branch_code: str, actor: Actor, *, message: str, device_ref: int | str | None = None,
                        code: str | None = None, severity: str = "fault") -> dict:
        message = (message or "").strip()
        if not message:
            raise Invalid("message_required", "say what is wrong, e.g. 'ticket machine jammed'")
        if severity not in SEVERITIES:
            raise Invalid("invalid_severity", f"severity must be one of {', '.join(SEVERITIES)}")
        with self._uow() as uow:
            s = uow.session
            branch = s.execute(select(Branch).where(Branch.code == branch_code)).scalar_one_or_none()
            if branch is None:
                raise NotFound("branch_not_found", f"no branch with code {branch_code!r}")
            device = None
            if device_ref is not None:
                column = Device.id if isinstance(device_ref, int) else Device.name
                device = s.execute(select(Device).where(Device.branch_id == branch.id, column == device_ref)
                                   ).scalar_one_or_none()
                if device is None:
                    raise NotFound("device_not_found", f"branch {branch_code} has no device {device_ref!r}")
            fault = raise_fault(uow, branch, device=device, code=(code or "reported").strip() or "reported",
                                severity=severity, source="staff", message=message, by=actor.label)
            return fault_view_of(s, fault, branch)

    def acknowledge(self, fault_id: int, actor: Actor, branch_id: int | None, *, note: str = "",
                    contingency: str = "") -> dict:
        note, contingency = (note or "").strip(), (contingency or "").strip()
        with self._uow() as uow:
            s = uow.session
            fault, branch = self._locked_fault(uow, fault_id, branch_id)
            if fault.resolved_at is not None:
                raise Conflict("fault_resolved", f"fault {fault_id} is already resolved")
            # The procedure asks the supervisor to say what they saw and what the hall does meanwhile.
            if not note:
                raise Invalid("ack_note_required", "say what you found, e.g. 'paper roll empty, vendor called'")
            if not contingency:
                raise Invalid("contingency_required", "say what is done meanwhile, e.g. 'backup printer'")
            if fault.acknowledged_at is not None:
                raise Conflict("fault_acknowledged", f"fault {fault_id} was already acknowledged by "
                                                     f"{fault.acknowledged_by}")
            fault.acknowledged_at = uow.now
            fault.acknowledged_by = actor.label
            fault.ack_note = note[:MAX_NOTE]
            fault.contingency = contingency[:300]
            alert = _alert_for(s, fault)
            if alert is not None and alert.acknowledged_at is None:
                alert.acknowledged_at = uow.now
                alert.acknowledged_by = actor.label
                uow.emit("alert.acknowledged", branch, {"alert": alert_view(alert)})
            view = fault_view_of(s, fault, branch)
            device = s.get(Device, fault.device_id) if fault.device_id else None
            uow.emit("device.fault_acknowledged", branch,
                     {"fault": view, "device": device_view_of(s, device, branch) if device else None})
            return view

    def resolve(self, fault_id: int, actor: Actor, branch_id: int | None, *, note: str = "",
                override_reason: str = "") -> dict:
        """Close a fault. Refused while its device still reports it, unless the supervisor overrides
        with a reason (kept on the record): a closed fault must mean a working device."""
        note, override_reason = (note or "").strip(), (override_reason or "").strip()
        with self._uow() as uow:
            fault, branch = self._locked_fault(uow, fault_id, branch_id)
            if fault.resolved_at is not None:
                raise Conflict("fault_resolved", f"fault {fault_id} is already resolved")
            if not note:
                raise Invalid("note_required", "say how the fault was resolved")
            if fault.acknowledged_at is None:
                raise Conflict("fault_not_acknowledged", f"acknowledge fault {fault_id} (note and contingency) "
                                                         "before resolving it")
            device = uow.session.get(Device, fault.device_id) if fault.device_id else None
            reported = still_reported(device, fault)
            if reported is not None and not override_reason:
                raise Conflict("fault_still_reported",
                               f"{device.name} still reports {DESCRIPTIONS.get(reported, reported)}; fix it, or "
                               "override with a reason", detail={"device_state": device.state, "code": reported})
            fault.override_reason = override_reason[:MAX_NOTE] if reported is not None else None
            resolve_fault(uow, branch, fault, by=actor.label, note=note)
            return fault_view_of(uow.session, fault, branch)

    def investigate(self, fault_id: int, actor: Actor, branch_id: int | None, *, cause: str,
                    responsibility: str, follow_up: str) -> dict:
        """The investigation of a resolved fault (seed 4-8): its cause, who is responsible, what follows.

        It may be amended (the findings grow); the last author and time are kept.
        """
        fields = {"cause": (cause or "").strip(), "responsibility": (responsibility or "").strip(),
                  "follow_up": (follow_up or "").strip()}
        missing = [name for name, value in fields.items() if not value]
        if missing:
            raise Invalid("investigation_incomplete", f"say the {', '.join(missing)}", detail={"missing": missing})
        with self._uow() as uow:
            s = uow.session
            fault, branch = self._locked_fault(uow, fault_id, branch_id)
            if fault.resolved_at is None:
                raise Conflict("fault_open", f"fault {fault_id} is still open: resolve it before the investigation")
            for name, value in fields.items():
                setattr(fault, name, value[:MAX_NOTE])
            fault.investigated_at = uow.now
            fault.investigated_by = actor.label
            view = fault_view_of(s, fault, branch)
            device = s.get(Device, fault.device_id) if fault.device_id else None
            uow.emit("device.fault_investigated", branch,
                     {"fault": view, "device": device_view_of(s, device, branch) if device else None})
            return view

    def list(self, branch_id: int | None, *, open_only: bool, limit: int = 200) -> list[dict]:
        with self.db.read() as session:
            stmt = select(DeviceFault).order_by(DeviceFault.raised_at.desc(), DeviceFault.id.desc()).limit(limit)
            if branch_id is not None:
                stmt = stmt.where(DeviceFault.branch_id == branch_id)
            if open_only:
                stmt = stmt.where(DeviceFault.resolved_at.is_(None))
            branches: dict[int, Branch] = {}
            out = []
            for fault in session.execute(stmt).scalars():
                branch = branches.get(fault.branch_id) or branches.setdefault(
                    fault.branch_id, session.get(Branch, fault.branch_id))
                out.append(fault_view_of(session, fault, branch))
            return out

    def report(self, fault_id: int, branch_id: int | None) -> dict:
        """One fault for audit: the record, its timeline, its alert, and what it cost (tickets not printed)."""
        with self.db.read() as session:
            fault = session.get(DeviceFault, fault_id)
            if fault is None or (branch_id is not None and fault.branch_id != branch_id):
                raise NotFound("fault_not_found", f"no device fault with id {fault_id}")
            branch = session.get(Branch, fault.branch_id)
            view = fault_view_of(session, fault, branch)
            end = fault.resolved_at or self.clock()
            alerts = session.execute(select(Alert).where(Alert.device_fault_id == fault.id).order_by(Alert.id)
                                     ).scalars().all()
            not_printed = session.execute(
                select(Ticket.number).where(*not_printed_filter(fault, end)).order_by(Ticket.id)
            ).scalars().all()
            device = session.get(Device, fault.device_id) if fault.device_id else None

            def seconds(later):
                return int((later - fault.raised_at).total_seconds()) if later else None

            return {
                **view,
                "device_detail": device_view_of(session, device, branch) if device else None,
                "timeline": fault_timeline(fault),
                "alerts": [alert_view(a) for a in alerts],
                "time_to_acknowledge_s": seconds(fault.acknowledged_at),
                "time_to_resolve_s": seconds(fault.resolved_at),
                "duration_s": seconds(end),
                "tickets_not_printed": list(not_printed),
            }
