"""Operations on a branch as a whole: issuing and cancelling tickets, wait alerts, emergency mode and
the display message. One unit of work each; issuing is on the hot path and uses Core statements."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Alert, Branch, EmergencyMode, Service, User
from . import emergency, estimates, hall_hours, ticket_store as store, wait_monitor
from .actors import SYSTEM, Actor
from .catalog import BranchConfig
from .clock import business_day, iso_utc
from .counter_ops import CounterContext, transition
from .errors import Conflict, Forbidden, Invalid, NotFound
from .numbering import format_number, next_seq
from .repository import branch_by_code
from .states import TicketAction, TicketStatus, allows, target
from .ticket_store import PRIORITY_VALUES
from .uow import EventName, UnitOfWork

CHANNELS = ("kiosk", "guide", "mobile", "api", "remote")
PUBLIC_CHANNELS = ("kiosk", "mobile", "remote")  # customers by themselves; guides and the API are staff


class BranchOperations:
    def __init__(self, uow_factory, catalog, service_times):
        self._uow = uow_factory
        self.catalog = catalog
        self.service_times = service_times

    def _config(self, uow: UnitOfWork, branch_code: str, *, lock: bool = False) -> BranchConfig:
        conn = uow.connection
        row = conn.execute(store.BRANCH_FOR_UPDATE if lock else store.BRANCH_BY_CODE, {"code": branch_code}).first()
        if row is None:
            raise NotFound("branch_not_found", f"no branch with code {branch_code!r}")
        return self.catalog.get(conn, row.id, row.config_version)

    # ------------------------------------------------------------------ tickets
    def issue(self, branch_code: str, service_code: str, actor: Actor = SYSTEM, *, priority: str = "normal",
              channel: str = "kiosk", guard=None, on_issue=None) -> dict:
        """`guard(branch_id)` authorises the caller inside the transaction (no separate read first);
        `on_issue(uow, config, ticket)` adds to the same transaction after the insert (remote.py)."""
        if priority not in PRIORITY_VALUES:
            raise Invalid("invalid_priority", f"priority must be one of {', '.join(PRIORITY_VALUES)}")
        if channel not in CHANNELS:
            raise Invalid("invalid_channel", f"channel must be one of {', '.join(CHANNELS)}")
        with self._uow() as uow:
            conn = uow.connection
            config = self._config(uow, branch_code)
            if guard is not None:
                guard(config.id)
            service = config.services_by_code.get(service_code)
            if service is None:
                raise NotFound("service_not_found", f"branch {branch_code} has no service {service_code!r}")
            if not service.active:
                raise Conflict("service_inactive", f"service {service_code} is not taking tickets now")
            # A customer by themselves: a kiosk or phone, not staff (who may issue for a customer any time
            # the day is open, staff-only services too).
            public = channel in PUBLIC_CHANNELS and actor.kind != "user"
            if public and service.staff_only:
                raise Forbidden("staff_only_service", f"service {service_code} is issued by staff only")
            day = business_day(uow.now, config.timezone)
            self._ensure_day_open(config, day)
            # Kiosk states (docs/architecture.md, "Kiosk states"): no public ticket outside opening hours,
            # and none for a service no open counter serves unless the branch chose to warn instead.
            if public:
                hall = hall_hours.hall_state(config.opening_hours, config.closed_days, config.timezone, uow.now)
                if not hall["open"]:
                    raise Conflict("hall_closed", f"branch {config.code} is not taking tickets now", detail=hall)
            load = estimates.service_load(conn, service.id, service.default_service_s, uow.now, self.service_times)
            if load.counters_open == 0 and public and config.unavailable_policy == "refuse":
                raise Conflict("service_unavailable", f"no open counter serves {service_code} now")
            seq = next_seq(conn, service.id, day)
            if conn.dialect.name == "postgresql" and store.day_is_closed(conn, config.id, day):
                # A day close locks the day's number rows: an issue that waited for one looks again, and
                # (READ COMMITTED) now sees the DayClose. SQLite serialises writers.
                self._ensure_day_open(config, day, closed=True)
            ticket = {
                "branch_id": config.id, "service_id": service.id, "business_day": day, "seq": seq,
                "number": format_number(service.code, seq), "priority": PRIORITY_VALUES[priority],
                "channel": channel, "status": TicketStatus.WAITING, "public_token": secrets.token_urlsafe(24),
                "created_at": uow.now, "arrived_at": uow.now, "issued_by": actor.label,
                "called_at": None, "started_at": None, "finished_at": None, "counter_id": None,
                "staff_id": None, "target_counter_id": None, "recall_count": 0, "requeue_count": 0,
                "transferred_from_id": None, "transfer_gen": 0, "printed": None, "printer_id": None,
            }
            ticket["id"] = store.insert_ticket(conn, ticket)
            if on_issue is not None:
                on_issue(uow, config, ticket)
            store.record_events(conn, [{
                "ticket_id": ticket["id"], "at": uow.now, "action": TicketAction.ISSUE, "from_status": None,
                "to_status": target(TicketAction.ISSUE), "actor": actor.label, "counter_id": None,
                "detail": {"channel": channel, "priority": priority}}])
            ahead = store.people_ahead(conn, ticket, uow.now)
            view = store.ticket_dict(ticket, config)
            view.update(people_ahead=ahead, estimated_wait_s=estimates.estimate_wait_s(ahead, load))
            if load.counters_open == 0:
                view["warning"] = "no_counter_open"  # issued anyway: the customer is told, not promised a time
            uow.emit(EventName.TICKET_ISSUED, config, {"ticket": dict(view)})
            view["tracking_token"] = ticket["public_token"]
            uow.emit(EventName.QUEUE_CHANGED, config, {"services": [service.id]})
        return view

    @staticmethod
    def _ensure_day_open(config: BranchConfig, day, closed: bool = False) -> None:
        if closed or day in config.closed_days:
            raise Conflict("day_closed", f"business day {day.isoformat()} is closed for branch {config.code}")

    def mark_printed(self, ticket_id: int, printed: bool, printer_id: int | None = None) -> None:
        """`printer_id`: the printer that printed it or, when none did, the first that failed."""
        with self._uow() as uow:
            if store.locked_ticket(uow.connection, ticket_id) is None:
                raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
            store.update_ticket(uow.connection, ticket_id, printed=printed, printer_id=printer_id)

    def cancel(self, ticket_id: int, actor: Actor, reason: str = "") -> dict:
        with self._uow() as uow:
            conn = uow.connection
            seen = conn.execute(store.TICKET_COUNTER, {"ticket_id": ticket_id}).first()
            if seen is None:
                raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
            # Lock order as everywhere: the counter first, then the ticket (no deadlock with a teller's
            # call or complete on PostgreSQL). A called ticket's counter is locked the teller's way.
            cx = CounterContext(self, uow, seen.counter_id) if seen.counter_id is not None else None
            ticket = dict(store.locked_ticket(conn, ticket_id)._mapping)
            if ticket["counter_id"] != (cx.id if cx is not None else None):
                raise Conflict("ticket_changed", f"ticket {ticket['number']} moved while being cancelled; try again")
            branch_row = conn.execute(select(Branch.config_version).where(Branch.id == ticket["branch_id"])).one()
            config = self.catalog.get(conn, ticket["branch_id"], branch_row.config_version)
            if ticket["business_day"] in config.closed_days:
                raise Conflict("day_closed", f"ticket {ticket['number']} belongs to business day "
                                             f"{ticket['business_day'].isoformat()}, which is closed")
            if not allows(TicketAction.CANCEL, ticket["status"]):
                raise Conflict("illegal_transition",
                               f"ticket {ticket['number']} is {ticket['status']} and cannot be cancelled")
            detail = {"reason": reason} if reason else None
            if ticket["status"] == TicketStatus.CALLED and cx is not None:
                cx.set_counter(current_ticket_id=None)
                cx.move(ticket, TicketAction.CANCEL, actor, detail, finished_at=uow.now)
                cx.flush_events()
                view = cx.emit_ticket(EventName.TICKET_CANCELLED, ticket)
            else:
                store.record_events(conn, [transition(conn, ticket, TicketAction.CANCEL, actor, uow.now,
                                                      ticket["counter_id"], detail, finished_at=uow.now)])
                view = store.ticket_dict(ticket, config)
                uow.emit(EventName.TICKET_CANCELLED, config, {"ticket": view})
            uow.emit(EventName.QUEUE_CHANGED, config, {"services": [ticket["service_id"]]})
        return view

    # ------------------------------------------------------------------ alerts and emergency mode
    def check_wait_times(self, branch_code: str) -> list[dict]:
        with self._uow() as uow:
            return wait_monitor.evaluate(uow, branch_by_code(uow.session, branch_code), self.service_times)

    def acknowledge_alert(self, alert_id: int, actor: Actor, branch_id: int | None = None) -> dict:
        from .views import alert_view

        with self._uow() as uow:
            alert = uow.session.get(Alert, alert_id, with_for_update=True)
            if alert is None or (branch_id is not None and alert.branch_id != branch_id):
                raise NotFound("alert_not_found", f"no alert with id {alert_id}")
            if alert.acknowledged_at is None:
                alert.acknowledged_at = uow.now
                alert.acknowledged_by = actor.label
            code = uow.session.get(Service, alert.service_id).code if alert.service_id else None
            view = alert_view(alert, code)
            uow.emit(EventName.ALERT_ACKNOWLEDGED, uow.session.get(Branch, alert.branch_id), {"alert": view})
            return view

    def start_emergency(self, branch_code: str, actor: Actor, reason: str, instruction: str = "") -> dict:
        """The plan runs with the branch's emergency call policy as it is now (emergency.py)."""
        reason, instruction = (reason or "").strip(), (instruction or "").strip()
        if not reason:
            raise Invalid("reason_required", "say why the emergency plan starts")
        if len(reason) > 300 or len(instruction) > 300:
            raise Invalid("text_too_long", "the reason and the instruction are at most 300 characters each")
        with self._uow() as uow:
            s = uow.session
            branch = branch_by_code(s, branch_code, lock=True)
            if active_emergency(s, branch.id) is not None:
                raise Conflict("emergency_active", "emergency mode is already on")
            mode = EmergencyMode(branch_id=branch.id, reason=reason, instruction=instruction,
                                 policy=branch.emergency_policy or emergency.DEFAULT_POLICY,
                                 started_by_id=actor.user_id, started_at=uow.now)
            s.add(mode)
            s.flush()
            view = emergency_view(mode, s)
            uow.emit(EventName.EMERGENCY_STARTED, branch, {"emergency": view})
            return view

    def end_emergency(self, branch_code: str, actor: Actor) -> dict:
        """Whoever started the emergency ends it (誰啟動，誰結束); an admin may too."""
        with self._uow() as uow:
            s = uow.session
            branch = branch_by_code(s, branch_code)
            mode = active_emergency(s, branch.id)
            if mode is None:
                raise Conflict("no_emergency", "emergency mode is not on")
            if actor.user_id != mode.started_by_id and actor.role != "admin":
                starter = s.get(User, mode.started_by_id)
                raise Forbidden("not_emergency_owner",
                                f"only {starter.username if starter else 'its starter'} or an admin can end this "
                                "emergency")
            mode.ended_by_id = actor.user_id
            mode.ended_at = uow.now
            view = emergency_view(mode, s)
            uow.emit(EventName.EMERGENCY_ENDED, branch, {"emergency": view})
            return view

    def set_display_message(self, branch_code: str, message: str, actor: Actor) -> dict:
        message = (message or "").strip()
        if len(message) > 500:
            raise Invalid("message_too_long", "the display message is at most 500 characters")
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            branch.display_message = message
            uow.emit(EventName.DISPLAY_MESSAGE, branch, {"message": message, "by": actor.label})
            return {"message": message}


def active_emergency(session: Session, branch_id: int) -> EmergencyMode | None:
    return session.execute(
        select(EmergencyMode).where(EmergencyMode.branch_id == branch_id, EmergencyMode.ended_at.is_(None))
    ).scalar_one_or_none()


def emergency_view(mode: EmergencyMode, session: Session) -> dict:
    starter = session.get(User, mode.started_by_id)
    ender = session.get(User, mode.ended_by_id) if mode.ended_by_id else None
    return {
        "id": mode.id,
        "reason": mode.reason,
        "instruction": mode.instruction or "",
        "policy": mode.policy,
        "started_by": starter.username if starter else None,
        "started_at": iso_utc(mode.started_at),
        "ended_by": ender.username if ender else None,
        "ended_at": iso_utc(mode.ended_at),
    }
