"""The emergency plan's effect on calling (docs/architecture.md, "Emergency plan").

The seed: when waits grow long or the ticket machine fails, the supervisor starts the plan so that no
customer waits over 20 minutes. While it is on, each open counter calls by the policy the plan was
started with (copied from the branch, so a change of setting does not alter a running plan):

- `breached_longest_wait` (default): every open counter also serves the services whose first waiting
  customer is past the service's wait target, and takes the longest wait first across all of them;
- `all_longest_wait`: every open counter serves every active service, longest wait first;
- `unchanged`: calling stays as configured (the plan is then only notices and prompts).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from ..models import EmergencyMode, Ticket
from .catalog import BranchConfig
from .states import TicketStatus

POLICIES = ("breached_longest_wait", "all_longest_wait", "unchanged")
DEFAULT_POLICY = POLICIES[0]

E = EmergencyMode.__table__
_ACTIVE_POLICY = select(E.c.policy).where(E.c.branch_id == bindparam("branch_id"), E.c.ended_at.is_(None))
T = Ticket.__table__
_OLDEST_WAITING = select(func.min(T.c.arrived_at)).where(T.c.service_id == bindparam("service_id"),
                                                         T.c.status == TicketStatus.WAITING)


def active_policy(conn: Connection, branch_id: int) -> str | None:
    """The running plan's call policy, or None when no plan is on."""
    return conn.execute(_ACTIVE_POLICY, {"branch_id": branch_id}).scalar()


def breached_services(conn: Connection, config: BranchConfig, now: dt.datetime) -> list[int]:
    """Active services where someone has waited past the service's target (as the wait monitor's
    `critical`). A plain read, not the locking head-of-queue read: nothing is taken here."""
    breached = []
    for service in config.services.values():
        if not service.active:
            continue
        oldest = conn.execute(_OLDEST_WAITING, {"service_id": service.id}).scalar()
        if oldest is not None and now - oldest > dt.timedelta(minutes=service.wait_target_min):
            breached.append(service.id)
    return breached


def call_scope(conn: Connection, config: BranchConfig, counter_id: int, counter_policy: str,
               now: dt.datetime) -> tuple[tuple[int, ...], str, bool]:
    """(services the counter calls from, selection policy, whether the plan widened them)."""
    own = config.counters[counter_id].service_ids
    policy = active_policy(conn, config.id)
    if policy is None or policy == "unchanged":
        return own, counter_policy, False
    if policy == "all_longest_wait":
        extra = [s.id for s in config.services.values() if s.active and s.id not in own]
    else:
        extra = [sid for sid in breached_services(conn, config, now) if sid not in own]
    return own + tuple(extra), "longest_wait", True
