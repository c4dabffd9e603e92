"""The measures every report row shares: waits, service times, satisfaction, wait target.

Definitions (README "Reports"):
- wait = called_at - created_at: from the moment the ticket entered this service's queue (issue, or
  the transfer for a follow-up ticket) to its (last) call. Only called tickets have a wait.
- service time = finished_at - started_at of `done` tickets (started_at = called_at when the teller
  did not press start).
- within target: called tickets whose wait <= their service's target, out of the called tickets plus
  the tickets that left uncalled (cancelled, abandoned) or are still waiting after the target passed.
- median: the middle value (mean of the two middle ones); p90: nearest rank, the smallest wait that at
  least 90% of waits do not exceed.
"""
from __future__ import annotations

import datetime as dt
import math
import statistics

from ..models import CANCELLED, DONE, WAITING, ABANDONED
from .dataset import Dataset, TicketRow

SCORES = ("1", "2", "3", "4", "5")


def wait_s(ticket: TicketRow) -> float | None:
    if ticket.called_at is None:
        return None
    return (ticket.called_at - ticket.created_at).total_seconds()


def service_s(ticket: TicketRow) -> float | None:
    if ticket.status != DONE or ticket.started_at is None or ticket.finished_at is None:
        return None
    return (ticket.finished_at - ticket.started_at).total_seconds()


def nearest_rank(sorted_values: list[float], pct: float) -> float:
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def describe(values: list[float], with_tail: bool = True) -> dict:
    if not values:
        empty = {"count": 0, "mean_s": None, "median_s": None}
        return {**empty, "p90_s": None, "max_s": None} if with_tail else empty
    ordered = sorted(values)
    out = {"count": len(ordered), "mean_s": _r(statistics.fmean(ordered)), "median_s": _r(statistics.median(ordered))}
    if with_tail:
        out.update(p90_s=_r(nearest_rank(ordered, 90)), max_s=_r(ordered[-1]))
    return out


def left_after_target(ds: Dataset, ticket: TicketRow, now: dt.datetime) -> bool:
    """An uncalled ticket that has already waited past its target: it counts as a miss."""
    if ticket.called_at is not None:
        return False
    if ticket.status in (CANCELLED, ABANDONED) and ticket.finished_at is not None:
        end = ticket.finished_at
    elif ticket.status == WAITING:
        end = now
    else:
        return False
    return (end - ticket.created_at).total_seconds() > ds.wait_target_s(ticket)


def within_target(ds: Dataset, tickets: list[TicketRow], now: dt.datetime) -> dict:
    met = called = misses = 0
    for t in tickets:
        w = wait_s(t)
        if w is not None:
            called += 1
            met += w <= ds.wait_target_s(t)
        elif left_after_target(ds, t, now):
            misses += 1
    total = called + misses
    return {"met": met, "of": total, "share": round(met / total, 4) if total else None}


def satisfaction(ds: Dataset, tickets: list[TicketRow]) -> dict:
    scores = [ds.ratings[t.id] for t in tickets if t.id in ds.ratings]
    served = sum(1 for t in tickets if t.status == DONE)
    distribution = {s: 0 for s in SCORES}
    for score in scores:
        distribution[str(score)] = distribution.get(str(score), 0) + 1
    return {
        "rated": len(scores),
        "mean": round(statistics.fmean(scores), 2) if scores else None,
        "distribution": distribution,
        "response_rate": round(len(scores) / served, 4) if served else None,
    }


def measures(ds: Dataset, tickets: list[TicketRow], now: dt.datetime) -> dict:
    return {
        "wait": describe([w for w in map(wait_s, tickets) if w is not None]),
        "within_target": within_target(ds, tickets, now),
        "service_time": describe([s for s in map(service_s, tickets) if s is not None], with_tail=False),
        "satisfaction": satisfaction(ds, tickets),
    }
