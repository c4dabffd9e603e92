"""Ticket and counter states, and the one table of ticket transitions.

The engine, day close and the reconciliation checks all read `TRANSITIONS`, so "which status may
become which" is written once (docs/architecture.md, "The domain"). This module imports nothing, so
the ORM models can use it too.
"""
from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"
    ABANDONED = "abandoned"


class CounterState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class TicketAction(StrEnum):
    """What happened to a ticket; stored as TicketEvent.action."""

    ISSUE = "issue"
    CALL = "call"
    RECALL = "recall"
    START = "start"
    COMPLETE = "complete"
    NO_SHOW = "no_show"
    REQUEUE = "requeue"
    TRANSFER = "transfer"
    TRANSFER_IN = "transfer_in"
    CANCEL = "cancel"
    ABANDON = "abandon"
    MOVE = "move"  # a supervisor moves a waiting ticket on to another service or counter (as a transfer)
    REPRIORITISE = "reprioritise"
    CHECK_IN = "check_in"  # a remote ticket's customer arrived: it may be called now (remote.py)
    REJOIN = "rejoin"  # a missed customer took a new ticket from the ticket page (remote.py)


S = TicketStatus
OPEN_STATUSES = (S.WAITING, S.CALLED, S.SERVING)
FINAL_STATUSES = (S.DONE, S.NO_SHOW, S.CANCELLED, S.TRANSFERRED, S.ABANDONED)

# action -> (statuses it may start from, status it leaves). None as a source: the ticket is new.
TRANSITIONS: dict[TicketAction, tuple[tuple[TicketStatus | None, ...], TicketStatus]] = {
    TicketAction.ISSUE: ((None,), S.WAITING),
    TicketAction.TRANSFER_IN: ((None,), S.WAITING),
    TicketAction.CALL: ((S.WAITING,), S.CALLED),
    TicketAction.RECALL: ((S.CALLED,), S.CALLED),
    TicketAction.START: ((S.CALLED,), S.SERVING),
    TicketAction.COMPLETE: ((S.CALLED, S.SERVING), S.DONE),
    TicketAction.NO_SHOW: ((S.CALLED,), S.NO_SHOW),
    TicketAction.REQUEUE: ((S.CALLED,), S.WAITING),
    TicketAction.TRANSFER: ((S.CALLED, S.SERVING), S.TRANSFERRED),
    TicketAction.CANCEL: ((S.WAITING, S.CALLED), S.CANCELLED),
    TicketAction.ABANDON: (OPEN_STATUSES, S.ABANDONED),
    TicketAction.MOVE: ((S.WAITING,), S.TRANSFERRED),
    TicketAction.REPRIORITISE: ((S.WAITING,), S.WAITING),
    TicketAction.CHECK_IN: ((S.WAITING,), S.WAITING),
    TicketAction.REJOIN: ((S.NO_SHOW,), S.NO_SHOW),
}


def sources(action: TicketAction) -> tuple[TicketStatus | None, ...]:
    return TRANSITIONS[action][0]


def target(action: TicketAction) -> TicketStatus:
    return TRANSITIONS[action][1]


def allows(action: TicketAction, status: str | None) -> bool:
    return status in TRANSITIONS[action][0]
