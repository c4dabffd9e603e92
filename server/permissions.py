"""Who may do what: named capabilities, one table, used by REST routes, Socket.IO joins and pages.

docs/architecture.md, "Security", explains the capabilities, the token kinds and their scopes.

A capability is checked in two steps:
- `admits(cap, principal)`: the kind of caller (role, device kind), with no resource at hand; the
  route registry checks this before the handler runs, so a refused caller never reaches body parsing.
- `require(cap, principal, branch_id=..., counter=...)`: the same rule against the resource (branch,
  counter). The engine's guards call it again on the row as locked, so no race falls between check and act.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import Principal
from .models import Device
from .queue.errors import Forbidden

STAFF = ("teller", "guide", "supervisor", "admin")


@dataclass(frozen=True)
class Capability:
    name: str
    roles: tuple[str, ...] = ()  # staff roles admitted (admin is always admitted when any role is)
    devices: tuple[str, ...] = ()  # device-token kinds admitted
    anyone: bool = False  # no token needed
    any_token: bool = False  # any valid token, no branch involved
    description: str = ""


CAPABILITIES: dict[str, Capability] = {c.name: c for c in (
    Capability("public", anyone=True, description="no token: public data only"),
    Capability("signed_in", any_token=True, description="any valid token (who am I, sign out)"),
    Capability("may_watch_branch", roles=STAFF, devices=("kiosk", "display", "agent", "pad"),
               description="read a branch's queue; devices get the public fields only"),
    Capability("may_read_staff_data", roles=STAFF,
               description="staff names, pause reasons, alerts, faults, the opening record"),
    Capability("may_watch_hall", roles=("guide", "supervisor"),
               description="the supervisor room: the hall live with staff names, alerts and faults"),
    Capability("may_watch_counter", roles=("teller", "supervisor"), devices=("agent",),
               description="a counter room: its branch's tellers and supervisors, agents at their bound counters"),
    Capability("may_issue_ticket", roles=STAFF, devices=("kiosk",),
               description="issue a ticket; priority classes and the guide channel need a guide"),
    Capability("may_operate_counter", roles=("teller", "supervisor"), devices=("agent",),
               description="a teller at the counter they opened; supervisors; agents at their bound counters"),
    Capability("may_rate", devices=("pad",),
               description="the rating pad bound to the counter (the ticket page rates by its own token)"),
    Capability("may_guide", roles=("guide", "supervisor"),
               description="cancel tickets, acknowledge alerts"),
    Capability("may_check_devices", roles=("guide", "supervisor"),
               description="see devices, self-test them, run the opening check"),
    Capability("may_report_fault", roles=STAFF, description="report a device fault"),
    Capability("may_supervise", roles=("supervisor",),
               description="emergency mode, the display message, faults, opening the branch"),
    Capability("may_read_reports", roles=("supervisor",), description="reports, charts, staffing advice"),
    Capability("may_close_day", roles=("supervisor",), description="close a business day (日結)"),
    Capability("may_administer", roles=("admin",), description="branches, services, counters, users, devices"),
)}


def capability(name: str) -> Capability:
    return CAPABILITIES[name]


def admits(name: str, p: Principal | None) -> bool:
    """The caller's kind may hold this capability somewhere (no resource checked yet)."""
    cap = CAPABILITIES[name]
    if cap.anyone:
        return True
    if p is None:
        return False
    if cap.any_token:
        return True
    if p.kind == "device":
        return p.device_kind in cap.devices
    return p.is_admin and bool(cap.roles) or p.role in cap.roles


def require_admitted(name: str, p: Principal) -> None:
    if not admits(name, p):
        cap = CAPABILITIES[name]
        raise Forbidden("forbidden", f"this needs {name}: {cap.description}", detail={"capability": name})


def require_branch(p: Principal, branch_id: int) -> None:
    if not p.in_branch(branch_id):
        raise Forbidden("wrong_branch", "you do not belong to this branch")


def require(name: str, p: Principal, *, branch_id: int | None = None, counter=None,
            bound_counters: Iterable[int] | None = None, action: str = "") -> None:
    """The full check against a resource. `counter`: anything with id, branch_id, staff_id, number
    (the engine passes the locked row). `bound_counters`: a device token's counters (bound_counter_ids).
    `action` "open": a teller may sign in at any free counter of the branch (the engine refuses a busy one)."""
    require_admitted(name, p)
    if counter is not None:
        branch_id = counter.branch_id
    if branch_id is not None:
        require_branch(p, branch_id)
    if counter is None:
        return
    if p.kind == "device":
        # Agents and pads act only at the counters their devices are bound to.
        if counter.id not in set(bound_counters or ()):
            raise Forbidden("not_your_counter", f"this device is not bound to counter {counter.number}")
        return
    if name == "may_operate_counter" and p.role == "teller" and action != "open" and counter.staff_id != p.user_id:
        raise Forbidden("not_your_counter", f"you are not signed in at counter {counter.number}")


def bound_counter_ids(session: Session, p: Principal) -> set[int]:
    """The counters a device token acts for: those of the branch's devices named like the token, or
    whose settings name it as their `agent` (docs/architecture.md, "Security")."""
    if p.kind != "device":
        return set()
    rows = session.execute(select(Device.name, Device.counter_id, Device.settings, Device.kind)
                           .where(Device.branch_id == p.branch_id, Device.counter_id.is_not(None))).all()
    ids = set()
    for name, counter_id, settings, kind in rows:
        if p.device_kind == "pad" and kind != "pad":
            continue  # a pad token rates only where a pad is
        if name == p.name or (isinstance(settings, dict) and settings.get("agent") == p.name):
            ids.add(counter_id)
    return ids


def may_issue(p: Principal, branch_id: int, priority: str, channel: str) -> None:
    """Kiosks and staff issue tickets; only a guide or above hands out priority classes or uses the
    guide channel; a kiosk labels its tickets `kiosk`."""
    require("may_issue_ticket", p, branch_id=branch_id)
    if p.kind == "device":
        if channel != "kiosk":
            raise Forbidden("channel_not_allowed", "a kiosk issues tickets on the kiosk channel")
        if priority != "normal":
            raise Forbidden("priority_needs_staff", "priority tickets are issued by a guide")
        return
    elevated = p.role in ("guide", "supervisor", "admin")
    if priority != "normal" and not elevated:
        raise Forbidden("priority_needs_staff", "priority tickets are issued by a guide")
    if channel == "guide" and not elevated:
        raise Forbidden("channel_not_allowed", "the guide channel is for guides")


def sees_staff_data(p: Principal | None) -> bool:
    """Staff see views as they are; devices and the public get the whitelisted shapes (audiences)."""
    return p is not None and p.kind == "user"
