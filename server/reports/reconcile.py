"""Day-end settlement (日清日結): every ticket issued is accounted for, and every ticket is consistent.

A ticket is consistent when its status is known and its timestamps fit that status (a `done` ticket
was called, started and finished, in that order; a `waiting` one was never called ...), when a
`transferred` ticket has exactly one follow-up and every follow-up comes from a `transferred` ticket,
and when the numbers handed out per service and day (number_sequences) match the tickets that exist.
"""
from __future__ import annotations

from collections import Counter as Tally, defaultdict

from ..models import ABANDONED, CALLED, CANCELLED, DONE, NO_SHOW, SERVING, TRANSFERRED, WAITING
from ..queue.numbering import format_number
from ..queue.states import FINAL_STATUSES, OPEN_STATUSES
from .dataset import Dataset, TicketRow

# The statuses come from the engine's transition table (server/queue/states.py).
OPEN = OPEN_STATUSES
OUTCOMES = FINAL_STATUSES
# Which fields a status needs, and which it must not have yet.
REQUIRED = {
    WAITING: (),
    CALLED: ("called_at", "counter_id"),
    SERVING: ("called_at", "started_at", "counter_id"),
    DONE: ("called_at", "started_at", "finished_at", "counter_id"),
    NO_SHOW: ("called_at", "finished_at", "counter_id"),
    # Transferred from a counter (called there) or moved on by a supervisor while waiting (never called):
    # called_at and counter_id come together or not at all (checked in ticket_problems).
    TRANSFERRED: ("finished_at",),
    CANCELLED: ("finished_at",),
    ABANDONED: ("finished_at",),
}
FORBIDDEN = {
    WAITING: ("called_at", "started_at", "finished_at", "counter_id"),
    CALLED: ("started_at", "finished_at"),
    SERVING: ("finished_at",),
}


def ticket_problems(ticket: TicketRow, follow_ups: int, origin_status: str | None) -> list[str]:
    """What is wrong with one ticket ([] when nothing). `follow_ups`: tickets transferred from it;
    `origin_status`: status of the ticket it was transferred from (None for a new ticket)."""
    if ticket.status not in REQUIRED:
        return ["unknown_status"]
    problems = [f"missing_{name}" for name in REQUIRED[ticket.status] if getattr(ticket, name) is None]
    problems += [f"unexpected_{name}" for name in FORBIDDEN.get(ticket.status, ()) if getattr(ticket, name) is not None]
    if ticket.status == TRANSFERRED and (ticket.called_at is None) != (ticket.counter_id is None):
        problems.append("missing_counter_id" if ticket.counter_id is None else "missing_called_at")
    times = [t for t in (ticket.created_at, ticket.called_at, ticket.started_at, ticket.finished_at) if t is not None]
    if times != sorted(times):
        problems.append("times_out_of_order")
    if ticket.status == TRANSFERRED and follow_ups != 1:
        problems.append("transfer_without_follow_up" if follow_ups == 0 else "transfer_with_several_follow_ups")
    if ticket.status != TRANSFERRED and follow_ups:
        problems.append("follow_up_of_untransferred_ticket")
    if ticket.transferred_from_id is not None and origin_status != TRANSFERRED:
        problems.append("follow_up_without_transfer")
    return problems


def find_problems(ds: Dataset) -> tuple[dict[int, list[str]], list[dict]]:
    """Problem codes by ticket id, and the numbers handed out that have no ticket."""
    follow_ups = Tally(t.transferred_from_id for t in ds.tickets if t.transferred_from_id is not None)
    by_ticket: dict[int, list[str]] = {}
    for ticket in ds.tickets:
        origin = ds.ticket(ticket.transferred_from_id) if ticket.transferred_from_id is not None else None
        problems = ticket_problems(ticket, follow_ups.get(ticket.id, 0),
                                   origin.status if origin else None)
        if problems:
            by_ticket[ticket.id] = problems
    seqs: dict[tuple[int, object], set[int]] = defaultdict(set)
    for ticket in ds.tickets:
        if ticket.transferred_from_id is None:
            key = (ticket.service_id, ticket.business_day)
            seqs[key].add(ticket.seq)
            if ticket.seq > ds.numbered.get(key, 0):
                by_ticket.setdefault(ticket.id, []).append("number_not_handed_out")
    missing = []
    for (service_id, day), last in sorted(ds.numbered.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        code = ds.services[service_id].code
        for seq in sorted(set(range(1, last + 1)) - seqs.get((service_id, day), set())):
            missing.append({"service": code, "business_day": day.isoformat(), "number": format_number(code, seq)})
    return by_ticket, missing


def outcome_counts(tickets: list[TicketRow]) -> dict[str, int]:
    """Final and open statuses of a group of tickets; `unknown` counts statuses that are neither."""
    tally = Tally(t.status for t in tickets)
    counts = {"done": tally[DONE], "no_show": tally[NO_SHOW], "cancelled": tally[CANCELLED],
              "transferred_out": tally[TRANSFERRED], "abandoned": tally[ABANDONED],
              "open": tally[WAITING] + tally[CALLED] + tally[SERVING]}
    counts["unknown"] = len(tickets) - sum(counts.values())
    return counts


def accounted(counts: dict[str, int]) -> int:
    """done + no-show + cancelled + transferred out + abandoned (+ still open, before the day closes)."""
    return sum(counts[k] for k in ("done", "no_show", "cancelled", "transferred_out", "abandoned", "open"))


def problem_list(ds: Dataset, by_ticket: dict[int, list[str]]) -> list[dict]:
    rows = []
    for ticket_id in sorted(by_ticket):
        t = ds.ticket(ticket_id)
        rows.append({"ticket_id": t.id, "number": t.number, "service": ds.services[t.service_id].code,
                     "business_day": t.business_day.isoformat(), "status": t.status,
                     "problems": by_ticket[ticket_id]})
    return rows
