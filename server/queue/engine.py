"""QueueEngine: every state change of tickets and counters, one transaction each.

Each public method runs in its own unit of work, records a TicketEvent for every ticket
transition, and returns plain dicts. Illegal transitions raise DomainError subclasses.
Authorisation (who may act on which counter) is the caller's job; the engine records the actor.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import (
    Alert,
    EmergencyMode,
    CALLED,
    CANCELLED,
    COUNTER_CLOSED,
    COUNTER_OPEN,
    COUNTER_PAUSED,
    DONE,
    NO_SHOW,
    SERVING,
    TRANSFERRED,
    WAITING,
    Branch,
    Counter,
    CounterPause,
    CounterService,
    DayClose,
    Rating,
    Service,
    Ticket,
    TicketEvent,
    User,
)
from . import estimates, wait_monitor
from .actors import SYSTEM, Actor
from .clock import Clock, business_day, iso_utc, utc_now
from .errors import Conflict, Forbidden, Invalid, NotFound
from .numbering import format_number, next_seq
from .selection import POLICIES, pick_next
from .uow import Publisher, UnitOfWork, unit_of_work
from .views import PRIORITY_VALUES, alert_view, counter_view, ticket_view

CHANNELS = ("kiosk", "guide", "mobile", "api")
MAX_REQUEUES = 1
MAX_PAUSE_REASON = 120


class QueueEngine:
    def __init__(self, db, publish: Publisher | None = None, clock: Clock = utc_now):
        self.db = db
        self.publish = publish
        self.clock = clock

    def _uow(self):
        return unit_of_work(self.db, self.clock, self.publish)

    # ------------------------------------------------------------------ loading helpers
    @staticmethod
    def _branch(session: Session, code: str) -> Branch:
        branch = session.execute(select(Branch).where(Branch.code == code)).scalar_one_or_none()
        if branch is None:
            raise NotFound("branch_not_found", f"no branch with code {code!r}")
        return branch

    @staticmethod
    def _locked_counter(session: Session, counter_id: int) -> Counter:
        # One statement: the counter (locked), its branch and its ranked services.
        counter = session.execute(
            select(Counter)
            .where(Counter.id == counter_id)
            .options(
                joinedload(Counter.branch),
                joinedload(Counter.service_links).joinedload(CounterService.service),
            )
            .with_for_update(of=Counter)
        ).unique().scalar_one_or_none()
        if counter is None:
            raise NotFound("counter_not_found", f"no counter with id {counter_id}")
        return counter

    @staticmethod
    def _current(session: Session, counter: Counter) -> Ticket | None:
        if counter.current_ticket_id is None:
            return None
        return session.get(Ticket, counter.current_ticket_id, with_for_update=True)

    @staticmethod
    def _require_current(session: Session, counter: Counter, allowed: tuple[str, ...]) -> Ticket:
        ticket = QueueEngine._current(session, counter)
        if ticket is None:
            raise Conflict("no_current_ticket", f"counter {counter.number} has no current ticket")
        QueueEngine._ensure_ticket_day_open(session, ticket)
        if ticket.status not in allowed:
            raise Conflict(
                "illegal_transition",
                f"ticket {ticket.number} is {ticket.status}; this needs {' or '.join(allowed)}",
            )
        return ticket

    @staticmethod
    def _record(uow: UnitOfWork, ticket: Ticket, action: str, from_status: str | None, actor: Actor,
                counter: Counter | None = None, detail: dict | None = None) -> None:
        uow.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                at=uow.now,
                action=action,
                from_status=from_status,
                to_status=ticket.status,
                actor=actor.label,
                counter_id=counter.id if counter else ticket.counter_id,
                detail=detail,
            )
        )

    @staticmethod
    def _ensure_day_open(session: Session, branch: Branch, day) -> None:
        closed = session.execute(
            select(DayClose.id).where(DayClose.branch_id == branch.id, DayClose.business_day == day)
        ).first()
        if closed:
            raise Conflict("day_closed", f"business day {day.isoformat()} is closed for branch {branch.code}")

    @staticmethod
    def _ensure_ticket_day_open(session: Session, ticket: Ticket) -> None:
        """A closed business day is settled: none of its tickets may change any more."""
        closed = session.execute(
            select(DayClose.id).where(DayClose.branch_id == ticket.branch_id,
                                      DayClose.business_day == ticket.business_day)
        ).first()
        if closed:
            raise Conflict("day_closed", f"ticket {ticket.number} belongs to business day "
                                         f"{ticket.business_day.isoformat()}, which is closed")

    def _emit_ticket(self, uow: UnitOfWork, name: str, ticket: Ticket, counter: Counter | None, **extra) -> dict:
        view = ticket_view(ticket, counter.number if counter else None)
        uow.emit(name, counter.branch if counter else ticket.service.branch, {"ticket": view, **extra})
        return view

    def _emit_queue_changed(self, uow: UnitOfWork, branch: Branch, service_ids: set[int]) -> None:
        uow.emit("queue.changed", branch, {"services": sorted(service_ids)})

    def _emit_counter(self, uow: UnitOfWork, name: str, counter: Counter, extra: dict | None = None) -> dict:
        view = counter_view(counter, self._current(uow.session, counter))
        uow.emit(name, counter.branch, {"counter": view, **(extra or {})})
        return view

    # ------------------------------------------------------------------ tickets
    def issue(self, branch_code: str, service_code: str, actor: Actor = SYSTEM, *, priority: str = "normal",
              channel: str = "kiosk") -> dict:
        if priority not in PRIORITY_VALUES:
            raise Invalid("invalid_priority", f"priority must be one of {', '.join(PRIORITY_VALUES)}")
        if channel not in CHANNELS:
            raise Invalid("invalid_channel", f"channel must be one of {', '.join(CHANNELS)}")
        with self._uow() as uow:
            s = uow.session
            branch = self._branch(s, branch_code)
            service = s.execute(
                select(Service).where(Service.branch_id == branch.id, Service.code == service_code)
            ).scalar_one_or_none()
            if service is None:
                raise NotFound("service_not_found", f"branch {branch_code} has no service {service_code!r}")
            if not service.active:
                raise Conflict("service_inactive", f"service {service_code} is not taking tickets now")
            day = business_day(uow.now, branch.timezone)
            self._ensure_day_open(s, branch, day)
            seq = next_seq(s, service.id, day)
            if s.get_bind().dialect.name == "postgresql":
                # A day close locks the day's number rows: an issue that waited for one looks again, and
                # (READ COMMITTED) now sees the DayClose. SQLite serialises writers with BEGIN IMMEDIATE.
                self._ensure_day_open(s, branch, day)
            ticket = Ticket(
                branch_id=branch.id,
                service_id=service.id,
                service=service,
                business_day=day,
                seq=seq,
                number=format_number(service.code, seq),
                priority=PRIORITY_VALUES[priority],
                channel=channel,
                status=WAITING,
                public_token=secrets.token_urlsafe(24),
                created_at=uow.now,
                arrived_at=uow.now,
                issued_by=actor.label,
            )
            s.add(ticket)
            s.flush()
            self._record(uow, ticket, "issue", None, actor, detail={"channel": channel, "priority": priority})
            ahead = estimates.people_ahead_of(s, ticket)
            load = estimates.service_load(s, service.id, service.default_service_s, uow.now)
            view = ticket_view(ticket)
            view.update(people_ahead=ahead, estimated_wait_s=estimates.estimate_wait_s(ahead, load))
            uow.emit("ticket.issued", branch, {"ticket": dict(view)})
            view["tracking_token"] = ticket.public_token
            self._emit_queue_changed(uow, branch, {service.id})
        return view

    def mark_printed(self, ticket_id: int, printed: bool) -> None:
        with self._uow() as uow:
            ticket = uow.session.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
            ticket.printed = printed

    def cancel(self, ticket_id: int, actor: Actor, reason: str = "") -> dict:
        with self._uow() as uow:
            s = uow.session
            ticket = s.get(Ticket, ticket_id, with_for_update=True)
            if ticket is None:
                raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
            self._ensure_ticket_day_open(s, ticket)
            if ticket.status not in (WAITING, CALLED):
                raise Conflict("illegal_transition", f"ticket {ticket.number} is {ticket.status} and cannot be cancelled")
            counter = None
            if ticket.status == CALLED and ticket.counter_id:
                counter = self._locked_counter(s, ticket.counter_id)
                counter.current_ticket_id = None
            before = ticket.status
            ticket.status = CANCELLED
            ticket.finished_at = uow.now
            self._record(uow, ticket, "cancel", before, actor, counter, {"reason": reason} if reason else None)
            view = self._emit_ticket(uow, "ticket.cancelled", ticket, counter)
            self._emit_queue_changed(uow, ticket.service.branch, {ticket.service_id})
        return view

    # ------------------------------------------------------------------ counter: calling
    def call_next(self, counter_id: int, actor: Actor, *, complete_current: bool = False) -> dict:
        """Hand the counter its next ticket. Returns {"ticket": view|None, "completed": view|None}."""
        with self._uow() as uow:
            s = uow.session
            counter = self._locked_counter(s, counter_id)
            self._require_open(counter)
            completed = None
            current = self._current(s, counter)
            if current is not None:
                if not complete_current:
                    raise Conflict(
                        "counter_busy",
                        f"counter {counter.number} is still on ticket {current.number}; complete it first "
                        "or send complete_current",
                        detail={"current_ticket": current.number},
                    )
                self._ensure_ticket_day_open(s, current)
                completed = self._finish(uow, counter, current, actor)
            ticket = pick_next(s, counter)
            if ticket is None:
                if completed is None:
                    raise Conflict("queue_empty", f"no customer is waiting for counter {counter.number}")
                return {"ticket": None, "completed": completed}
            before = ticket.status
            ticket.status = CALLED
            ticket.called_at = uow.now
            ticket.counter_id = counter.id
            ticket.staff_id = counter.staff_id
            counter.current_ticket_id = ticket.id
            self._record(uow, ticket, "call", before, actor, counter)
            view = self._emit_ticket(uow, "ticket.called", ticket, counter)
            self._emit_queue_changed(uow, counter.branch, {ticket.service_id})
        return {"ticket": view, "completed": completed}

    def recall(self, counter_id: int, actor: Actor) -> dict:
        with self._uow() as uow:
            counter = self._locked_counter(uow.session, counter_id)
            ticket = self._require_current(uow.session, counter, (CALLED,))
            ticket.recall_count += 1
            self._record(uow, ticket, "recall", CALLED, actor, counter, {"recall_count": ticket.recall_count})
            return self._emit_ticket(uow, "ticket.recalled", ticket, counter)

    def start(self, counter_id: int, actor: Actor) -> dict:
        with self._uow() as uow:
            counter = self._locked_counter(uow.session, counter_id)
            ticket = self._require_current(uow.session, counter, (CALLED,))
            ticket.status = SERVING
            ticket.started_at = uow.now
            self._record(uow, ticket, "start", CALLED, actor, counter)
            return self._emit_ticket(uow, "ticket.started", ticket, counter)

    def complete(self, counter_id: int, actor: Actor) -> dict:
        with self._uow() as uow:
            counter = self._locked_counter(uow.session, counter_id)
            ticket = self._require_current(uow.session, counter, (CALLED, SERVING))
            return self._finish(uow, counter, ticket, actor)

    def _finish(self, uow: UnitOfWork, counter: Counter, ticket: Ticket, actor: Actor) -> dict:
        before = ticket.status
        if ticket.started_at is None:
            # Served without pressing start: the service began when the customer was called.
            ticket.started_at = ticket.called_at
        ticket.status = DONE
        ticket.finished_at = uow.now
        counter.current_ticket_id = None
        self._record(uow, ticket, "complete", before, actor, counter)
        return self._emit_ticket(uow, "ticket.completed", ticket, counter)

    def no_show(self, counter_id: int, actor: Actor, *, requeue: bool = False) -> dict:
        with self._uow() as uow:
            s = uow.session
            counter = self._locked_counter(s, counter_id)
            ticket = self._require_current(s, counter, (CALLED,))
            counter.current_ticket_id = None
            if requeue:
                if ticket.requeue_count >= MAX_REQUEUES:
                    raise Conflict("requeue_limit", f"ticket {ticket.number} was already put back once")
                ticket.status = WAITING
                ticket.requeue_count += 1
                ticket.arrived_at = uow.now  # back of the queue, not straight back to this counter
                ticket.counter_id = None
                ticket.called_at = None
                self._record(uow, ticket, "requeue", CALLED, actor, counter)
                view = self._emit_ticket(uow, "ticket.requeued", ticket, counter)
            else:
                ticket.status = NO_SHOW
                ticket.finished_at = uow.now
                self._record(uow, ticket, "no_show", CALLED, actor, counter)
                view = self._emit_ticket(uow, "ticket.no_show", ticket, counter)
            self._emit_queue_changed(uow, counter.branch, {ticket.service_id})
            return view

    def transfer(self, counter_id: int, actor: Actor, *, to_service: str | None = None,
                 to_counter: int | None = None, keep_arrival: bool = True) -> dict:
        """End the current ticket as `transferred` and queue its follow-up with the same number."""
        if not to_service and to_counter is None:
            raise Invalid("transfer_target_missing", "give to_service, to_counter or both")
        with self._uow() as uow:
            s = uow.session
            counter = self._locked_counter(s, counter_id)
            ticket = self._require_current(s, counter, (CALLED, SERVING))
            service = ticket.service
            if to_service:
                service = s.execute(
                    select(Service).where(Service.branch_id == counter.branch_id, Service.code == to_service)
                ).scalar_one_or_none()
                if service is None:
                    raise NotFound("service_not_found", f"branch has no service {to_service!r}")
            target = None
            if to_counter is not None:
                target = s.execute(
                    select(Counter).where(Counter.branch_id == counter.branch_id, Counter.number == to_counter)
                ).scalar_one_or_none()
                if target is None:
                    raise NotFound("counter_not_found", f"branch has no counter {to_counter}")
                if target.id == counter.id:
                    raise Invalid("transfer_to_self", "a ticket cannot be transferred to its own counter")
            before = ticket.status
            ticket.status = TRANSFERRED
            ticket.finished_at = uow.now
            counter.current_ticket_id = None
            follow_up = Ticket(
                branch_id=ticket.branch_id,
                service_id=service.id,
                service=service,
                business_day=ticket.business_day,
                seq=ticket.seq,
                number=ticket.number,
                priority=ticket.priority,
                channel=ticket.channel,
                status=WAITING,
                public_token=secrets.token_urlsafe(24),
                created_at=uow.now,
                arrived_at=ticket.arrived_at if keep_arrival else uow.now,
                target_counter_id=target.id if target else None,
                transferred_from_id=ticket.id,
                transfer_gen=ticket.transfer_gen + 1,
                issued_by=actor.label,
            )
            s.add(follow_up)
            s.flush()
            detail = {"to_service": service.code, "to_counter": to_counter, "follow_up_id": follow_up.id}
            self._record(uow, ticket, "transfer", before, actor, counter, detail)
            self._record(uow, follow_up, "transfer_in", None, actor, counter, {"from_ticket_id": ticket.id})
            view = self._emit_ticket(uow, "ticket.transferred", ticket, counter, follow_up=ticket_view(follow_up))
            self._emit_queue_changed(uow, counter.branch, {ticket.service_id, service.id})
            return {"ticket": view, "follow_up": ticket_view(follow_up)}

    # ------------------------------------------------------------------ counter: state
    @staticmethod
    def _require_open(counter: Counter) -> None:
        if counter.state == COUNTER_PAUSED:
            raise Conflict("counter_paused", f"counter {counter.number} is paused ({counter.pause_reason}); resume first")
        if counter.state != COUNTER_OPEN:
            raise Conflict("counter_closed", f"counter {counter.number} is closed; open it first")

    def open_counter(self, counter_id: int, actor: Actor, staff_id: int | None) -> dict:
        with self._uow() as uow:
            s = uow.session
            counter = self._locked_counter(s, counter_id)
            if counter.state != COUNTER_CLOSED:
                if counter.staff_id == staff_id:
                    return counter_view(counter, self._current(s, counter))  # already signed in here
                raise Conflict("counter_in_use", f"counter {counter.number} is already open for someone else")
            if staff_id is not None:
                elsewhere = s.execute(
                    select(Counter.number).where(Counter.staff_id == staff_id, Counter.state != COUNTER_CLOSED)
                ).first()
                if elsewhere:
                    raise Conflict("already_at_counter", f"you are still signed in at counter {elsewhere[0]}; close it first")
                counter.staff = s.get(User, staff_id)
            counter.state = COUNTER_OPEN
            counter.staff_id = staff_id
            view = self._emit_counter(uow, "counter.opened", counter)
            self._emit_queue_changed(uow, counter.branch, {link.service_id for link in counter.service_links})
            return view

    def close_counter(self, counter_id: int, actor: Actor) -> dict:
        with self._uow() as uow:
            s = uow.session
            counter = self._locked_counter(s, counter_id)
            if counter.current_ticket_id is not None:
                raise Conflict("counter_busy", f"counter {counter.number} still has a customer; complete or transfer first")
            if counter.state == COUNTER_PAUSED:
                self._end_pause(uow, counter)
            counter.state = COUNTER_CLOSED
            counter.staff_id = None
            counter.staff = None
            view = self._emit_counter(uow, "counter.closed", counter)
            self._emit_queue_changed(uow, counter.branch, {link.service_id for link in counter.service_links})
            return view

    def pause(self, counter_id: int, actor: Actor, reason: str) -> dict:
        reason = (reason or "").strip()
        if not reason:
            raise Invalid("pause_reason_required", "pausing a counter needs a reason")
        if len(reason) > MAX_PAUSE_REASON:
            raise Invalid("pause_reason_too_long", f"reason must be at most {MAX_PAUSE_REASON} characters")
        with self._uow() as uow:
            counter = self._locked_counter(uow.session, counter_id)
            if counter.state == COUNTER_PAUSED:
                raise Conflict("counter_paused", f"counter {counter.number} is already paused")
            if counter.state != COUNTER_OPEN:
                raise Conflict("counter_closed", f"counter {counter.number} is closed")
            counter.state = COUNTER_PAUSED
            counter.pause_reason = reason
            counter.paused_at = uow.now
            uow.session.add(CounterPause(counter_id=counter.id, staff_id=counter.staff_id, reason=reason, started_at=uow.now))
            view = self._emit_counter(uow, "counter.paused", counter)
            self._emit_queue_changed(uow, counter.branch, {link.service_id for link in counter.service_links})
            return view

    def resume(self, counter_id: int, actor: Actor) -> dict:
        with self._uow() as uow:
            counter = self._locked_counter(uow.session, counter_id)
            if counter.state != COUNTER_PAUSED:
                raise Conflict("counter_not_paused", f"counter {counter.number} is not paused")
            self._end_pause(uow, counter)
            counter.state = COUNTER_OPEN
            view = self._emit_counter(uow, "counter.resumed", counter)
            self._emit_queue_changed(uow, counter.branch, {link.service_id for link in counter.service_links})
            return view

    @staticmethod
    def _end_pause(uow: UnitOfWork, counter: Counter) -> None:
        open_pause = uow.session.execute(
            select(CounterPause).where(CounterPause.counter_id == counter.id, CounterPause.ended_at.is_(None))
        ).scalars().all()
        for pause in open_pause:
            pause.ended_at = uow.now
        counter.pause_reason = None
        counter.paused_at = None

    def set_policy(self, counter_id: int, policy: str, actor: Actor) -> dict:
        if policy not in POLICIES:
            raise Invalid("invalid_policy", f"policy must be one of {', '.join(POLICIES)}")
        with self._uow() as uow:
            counter = self._locked_counter(uow.session, counter_id)
            counter.policy = policy
            return self._emit_counter(uow, "counter.updated", counter)

    # ------------------------------------------------------------------ ratings
    def rate(self, counter_id: int, score: int, actor: Actor, source: str = "pad") -> dict:
        """Store a 1-5 rating against the ticket served last at this counter."""
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise Invalid("invalid_score", "a rating is a whole number from 1 to 5")
        with self._uow() as uow:
            s = uow.session
            counter = self._locked_counter(s, counter_id)
            ticket = s.execute(
                select(Ticket)
                .where(Ticket.counter_id == counter.id, Ticket.status == DONE)
                .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            if ticket is None:
                raise Conflict("nothing_to_rate", f"counter {counter.number} has served nobody yet")
            self._ensure_ticket_day_open(s, ticket)
            if s.execute(select(Rating.id).where(Rating.ticket_id == ticket.id)).first():
                raise Conflict("already_rated", f"ticket {ticket.number} is already rated")
            rating = Rating(ticket_id=ticket.id, counter_id=counter.id, staff_id=ticket.staff_id, score=score,
                            at=uow.now, source=source)
            s.add(rating)
            result = {"ticket_id": ticket.id, "number": ticket.number, "counter": counter.number, "score": score}
            uow.emit("rating.recorded", counter.branch, result)
            return result

    # ------------------------------------------------------------------ alerts and emergency mode
    def check_wait_times(self, branch_code: str) -> list[dict]:
        with self._uow() as uow:
            return wait_monitor.evaluate(uow, self._branch(uow.session, branch_code))

    def acknowledge_alert(self, alert_id: int, actor: Actor, branch_id: int | None = None) -> dict:
        with self._uow() as uow:
            alert = uow.session.get(Alert, alert_id, with_for_update=True)
            if alert is None or (branch_id is not None and alert.branch_id != branch_id):
                raise NotFound("alert_not_found", f"no alert with id {alert_id}")
            if alert.acknowledged_at is None:
                alert.acknowledged_at = uow.now
                alert.acknowledged_by = actor.label
            code = uow.session.get(Service, alert.service_id).code if alert.service_id else None
            view = alert_view(alert, code)
            uow.emit("alert.acknowledged", uow.session.get(Branch, alert.branch_id), {"alert": view})
            return view

    def start_emergency(self, branch_code: str, actor: Actor, reason: str) -> dict:
        with self._uow() as uow:
            s = uow.session
            branch = self._branch(s, branch_code)
            s.execute(select(Branch).where(Branch.id == branch.id).with_for_update())
            if self._active_emergency(s, branch) is not None:
                raise Conflict("emergency_active", "emergency mode is already on")
            mode = EmergencyMode(branch_id=branch.id, reason=(reason or "").strip()[:300],
                                 started_by_id=actor.user_id, started_at=uow.now)
            s.add(mode)
            s.flush()
            view = emergency_view(mode, s)
            uow.emit("emergency.started", branch, {"emergency": view})
            return view

    def end_emergency(self, branch_code: str, actor: Actor) -> dict:
        """Whoever started the emergency ends it (誰啟動，誰結束); an admin may too."""
        with self._uow() as uow:
            s = uow.session
            branch = self._branch(s, branch_code)
            mode = self._active_emergency(s, branch)
            if mode is None:
                raise Conflict("no_emergency", "emergency mode is not on")
            if actor.user_id != mode.started_by_id and actor.role != "admin":
                starter = s.get(User, mode.started_by_id)
                raise Forbidden("not_emergency_owner",
                                f"only {starter.username if starter else 'its starter'} or an admin can end this emergency")
            mode.ended_by_id = actor.user_id
            mode.ended_at = uow.now
            view = emergency_view(mode, s)
            uow.emit("emergency.ended", branch, {"emergency": view})
            return view

    @staticmethod
    def _active_emergency(session: Session, branch: Branch) -> EmergencyMode | None:
        return session.execute(
            select(EmergencyMode).where(EmergencyMode.branch_id == branch.id, EmergencyMode.ended_at.is_(None))
        ).scalar_one_or_none()

    def set_display_message(self, branch_code: str, message: str, actor: Actor) -> dict:
        message = (message or "").strip()
        if len(message) > 500:
            raise Invalid("message_too_long", "the display message is at most 500 characters")
        with self._uow() as uow:
            branch = self._branch(uow.session, branch_code)
            branch.display_message = message
            uow.emit("display.message", branch, {"message": message, "by": actor.label})
            return {"message": message}


def emergency_view(mode: EmergencyMode, session: Session) -> dict:
    starter = session.get(User, mode.started_by_id)
    ender = session.get(User, mode.ended_by_id) if mode.ended_by_id else None
    return {
        "id": mode.id,
        "reason": mode.reason,
        "started_by": starter.username if starter else None,
        "started_at": iso_utc(mode.started_at),
        "ended_by": ender.username if ender else None,
        "ended_at": iso_utc(mode.ended_at),
    }
