"""The emergency plans of a period for the day report: who started and ended each, why, with which call
policy, and how many calls the plan made possible (calls whose TicketEvent says `emergency`).
docs/architecture.md, "Emergency plan"."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Counter, EmergencyMode, TicketEvent, User
from ..queue.clock import iso_utc
from ..queue.states import TicketAction
from .periods import Period, to_local_naive


def rows(session: Session, branch_id: int, period: Period, now) -> list[dict]:
    start, end = period.utc_bounds()
    modes = session.execute(
        select(EmergencyMode).where(EmergencyMode.branch_id == branch_id, EmergencyMode.started_at < end,
                                    EmergencyMode.ended_at.is_(None) | (EmergencyMode.ended_at > start))
        .order_by(EmergencyMode.started_at, EmergencyMode.id)).scalars().all()
    if not modes:
        return []
    names = dict(session.execute(select(User.id, User.username).where(
        User.id.in_({m.started_by_id for m in modes} | {m.ended_by_id for m in modes if m.ended_by_id}))).all())
    calls = session.execute(
        select(TicketEvent.at, TicketEvent.detail).join(Counter, Counter.id == TicketEvent.counter_id)
        .where(Counter.branch_id == branch_id, TicketEvent.action == TicketAction.CALL,
               TicketEvent.at >= min(m.started_at for m in modes))).all()
    zone = ZoneInfo(period.timezone)

    def local(at):  # the printed report reads in the branch's time
        return to_local_naive(at, zone).strftime("%Y-%m-%d %H:%M") if at else None

    result = []
    for m in modes:
        until = m.ended_at or now
        by_plan = sum(1 for at, detail in calls
                      if isinstance(detail, dict) and detail.get("emergency") and m.started_at <= at <= until)
        result.append({
            "started_at": iso_utc(m.started_at), "ended_at": iso_utc(m.ended_at),
            "started_local": local(m.started_at), "ended_local": local(m.ended_at),
            "started_by": names.get(m.started_by_id), "ended_by": names.get(m.ended_by_id),
            "reason": m.reason, "instruction": m.instruction or "", "policy": m.policy,
            "duration_s": round((until - m.started_at).total_seconds(), 1), "calls_by_plan": by_plan,
        })
    return result
