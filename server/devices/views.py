"""Plain-dict views of devices, faults and openings, for the API and for `device.*` events."""
from __future__ import annotations

from ..models import BranchOpening, Device, DeviceFault
from ..queue.clock import iso_utc


def device_view(device: Device, counter_number: int | None, branch_code: str) -> dict:
    detail = device.state_detail or {}
    return {
        "id": device.id,
        "branch": branch_code,
        "name": device.name,
        "kind": device.kind,
        "url": device.url,
        "counter": counter_number,
        "counter_id": device.counter_id,
        "kiosk": device.kiosk,
        "settings": device.settings or {},
        "enabled": device.enabled,
        "state": device.state,
        "detail": detail.get("detail"),
        "flags": detail.get("flags", []),
        "last_seen_at": iso_utc(device.last_seen_at),
    }


def fault_view(fault: DeviceFault, device_name: str | None, branch_code: str, device_kind: str | None = None) -> dict:
    return {
        "id": fault.id,
        "branch": branch_code,
        "device_id": fault.device_id,
        "device": device_name,
        "device_kind": device_kind,
        "code": fault.code,
        "severity": fault.severity,
        "source": fault.source,
        "message": fault.message,
        "open": fault.resolved_at is None,
        "raised_at": iso_utc(fault.raised_at),
        "raised_by": fault.raised_by,
        "acknowledged_at": iso_utc(fault.acknowledged_at),
        "acknowledged_by": fault.acknowledged_by,
        "ack_note": fault.ack_note,
        "contingency": fault.contingency,
        "resolved_at": iso_utc(fault.resolved_at),
        "resolved_by": fault.resolved_by,
        "resolve_note": fault.resolve_note,
        "override_reason": fault.override_reason,
        "cause": fault.cause,
        "responsibility": fault.responsibility,
        "follow_up": fault.follow_up,
        "investigated_at": iso_utc(fault.investigated_at),
        "investigated_by": fault.investigated_by,
    }


def fault_timeline(fault: DeviceFault) -> list[dict]:
    """Raised -> acknowledged -> resolved, each with who, when and what was said (docs/architecture.md, "Devices")."""
    steps = [{"step": "raised", "at": iso_utc(fault.raised_at), "by": fault.raised_by, "note": fault.message}]
    if fault.acknowledged_at is not None:
        steps.append({"step": "acknowledged", "at": iso_utc(fault.acknowledged_at), "by": fault.acknowledged_by,
                      "note": fault.ack_note, "contingency": fault.contingency})
    if fault.resolved_at is not None:
        steps.append({"step": "resolved", "at": iso_utc(fault.resolved_at), "by": fault.resolved_by,
                      "note": fault.resolve_note, "override_reason": fault.override_reason})
    if fault.investigated_at is not None:
        steps.append({"step": "investigated", "at": iso_utc(fault.investigated_at), "by": fault.investigated_by,
                      "cause": fault.cause, "responsibility": fault.responsibility, "follow_up": fault.follow_up})
    return steps


def opening_view(opening: BranchOpening, branch_code: str) -> dict:
    return {
        "id": opening.id,
        "branch": branch_code,
        "business_day": opening.business_day.isoformat(),
        "opened_by": opening.opened_by,
        "opened_at": iso_utc(opening.opened_at),
        "checklist": opening.checklist or [],
        "outstanding_faults": opening.outstanding_faults or [],
    }
