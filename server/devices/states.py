"""A device's reported state into its database row, a `device.state` event and its automatic faults."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from ..models import Branch, Device
from ..queue.uow import unit_of_work
from .faults import device_view_of, reconcile_auto_faults
from .protocol import STATES


def parse_at(text: str | None, fallback: dt.datetime) -> dt.datetime:
    if not text:
        return fallback
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "")).replace(tzinfo=None)
    except ValueError:
        return fallback


def apply_state(db, clock, publish, report: dict) -> bool:
    """Store one `device.state` report; True when the row changed (and events were published)."""
    state = report.get("state")
    if state not in STATES:
        return False
    with unit_of_work(db, clock, publish) as uow:
        device = uow.session.get(Device, report.get("device"), with_for_update=True)
        if device is None:
            return False  # removed meanwhile
        detail = {"detail": report.get("detail") or "", "flags": list(report.get("flags") or [])}
        if report.get("info"):
            detail["info"] = report["info"]
        if (device.state, device.state_detail) == (state, detail):
            return False
        device.state = state
        device.state_detail = detail
        if state in ("online", "degraded", "fault"):  # it answered
            device.last_seen_at = parse_at(report.get("at"), uow.now)
        branch = uow.session.get(Branch, device.branch_id)
        uow.emit("device.state", branch, {"device": device_view_of(uow.session, device, branch)})
        reconcile_auto_faults(uow, branch, device)
    return True


def mark_seen(db, device_ids: list[int], at: dt.datetime) -> None:
    """Heartbeat: last_seen_at only, no event (nothing a person needs to be told)."""
    if not device_ids:
        return
    with db.write() as session:
        session.execute(update(Device).where(Device.id.in_(device_ids)).values(last_seen_at=at))
