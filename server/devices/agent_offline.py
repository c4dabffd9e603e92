"""An agent's link down for too long: its devices `not_responding` and ONE fault for the agent.

A branch PC that loses the hub takes every device behind it along; one fault per device would
bury the supervisor in alerts for what is one problem. So the devices change state without their
automatic faults, and the agent gets one fault (no device) that resolves itself when the agent
is back (docs/device-manager.md, "Branch agents").
"""
from __future__ import annotations

from sqlalchemy import select

from ..models import Branch, Device, DeviceFault
from ..queue.uow import unit_of_work
from .faults import SYSTEM, device_view_of, raise_fault, resolve_fault

FAULT_CODE = "agent_offline"
FAULT_SOURCE = "agent"


def raised_by(agent: str) -> str:
    return f"agent:{agent}"


def _open_fault(session, branch_id: int, agent: str) -> DeviceFault | None:
    return session.execute(
        select(DeviceFault).where(DeviceFault.branch_id == branch_id, DeviceFault.code == FAULT_CODE,
                                  DeviceFault.raised_by == raised_by(agent), DeviceFault.resolved_at.is_(None))
    ).scalars().first()


def mark_offline(db, clock, publish, *, branch_id: int, agent: str, device_ids: list[int], after_s: float) -> bool:
    """The agent's enabled devices to not_responding and its one fault; False when already raised."""
    with unit_of_work(db, clock, publish) as uow:
        branch = uow.session.get(Branch, branch_id, with_for_update=True)
        if branch is None or _open_fault(uow.session, branch_id, agent) is not None:
            return False
        detail = {"detail": f"agent {agent} not connected", "flags": ["agent_offline"]}
        count = 0
        for device_id in device_ids:
            device = uow.session.get(Device, device_id, with_for_update=True)
            if device is None or not device.enabled:
                continue
            count += 1
            if (device.state, device.state_detail) != ("not_responding", detail):
                device.state, device.state_detail = "not_responding", detail
                uow.emit("device.state", branch, {"device": device_view_of(uow.session, device, branch)})
        raise_fault(uow, branch, device=None, code=FAULT_CODE, severity="fault", source=FAULT_SOURCE,
                    message=f"branch agent {agent} offline for {after_s:g} s: {count} devices not responding",
                    by=raised_by(agent))
    return True


def clear_offline(db, clock, publish, *, branch_id: int, agent: str) -> bool:
    """The agent is back: resolve its fault (its devices report their own states again)."""
    with unit_of_work(db, clock, publish) as uow:
        branch = uow.session.get(Branch, branch_id, with_for_update=True)
        fault = _open_fault(uow.session, branch_id, agent) if branch is not None else None
        if fault is None:
            return False
        resolve_fault(uow, branch, fault, by=SYSTEM, note=f"agent {agent} reconnected")
    return True
