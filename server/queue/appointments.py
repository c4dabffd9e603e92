"""Appointments: booking a slot, cancelling it, checking in (which issues the ticket), and the sweep
that marks no-shows and purges contact data (docs/architecture.md, "Appointments").

One unit of work per operation. Double booking is impossible by construction: each booking takes a
free seat of its slot, and the unique constraint on (branch, service, slot start, seat) refuses a
second row for the same seat on SQLite and PostgreSQL alike; a booking that loses that race retries
with the next seat inside a savepoint, and gets `slot_full` when none is left.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Appointment, AppointmentPolicy, AppointmentService, Branch, Service
from . import appointment_slots as slots
from . import estimates
from . import ticket_store as store
from .actors import Actor
from .clock import business_day, iso_utc
from .errors import Conflict, DomainError, Invalid, NotFound
from .numbering import format_number, next_seq
from .states import TicketAction, TicketStatus, target
from .uow import EventName, UnitOfWork

BOOKED, ARRIVED, CANCELLED, NO_SHOW = "booked", "arrived", "cancelled", "no_show"
CHANNEL = "appointment"  # tickets.channel of an appointment's ticket: screens mark it by this
CHECK_IN_OPENS_MIN = 60  # a customer may check in from an hour before the slot (not from home at dawn)
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: typed at a kiosk
CODE_LENGTH = 6
SEAT_ATTEMPTS = 5

POLICY_LIMITS = {"early_min": (0, 120), "late_min": (0, 240), "keep_contact_days": (0, 90),
                 "bookings_per_contact_day": (1, 20), "horizon_days": (0, 90)}
_PHONE = re.compile(r"^\+?[0-9]{6,20}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class TooMany(DomainError):
    kind = "too_many"  # 429 over HTTP


@dataclass(frozen=True)
class Policy:
    early_min: int = 5
    late_min: int = 10
    keep_contact_days: int = 0
    bookings_per_contact_day: int = 3
    horizon_days: int = 14
    prefix: str = "P"

    def view(self) -> dict:
        return dict(self.__dict__)


def policy_of(session: Session, branch_id: int) -> Policy:
    row = session.get(AppointmentPolicy, branch_id)
    if row is None:
        return Policy()
    return Policy(row.early_min, row.late_min, row.keep_contact_days, row.bookings_per_contact_day,
                  row.horizon_days, row.prefix)


def clean_contact(name: str, phone: str | None, email: str | None) -> tuple[str, str | None, str | None]:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise Invalid("invalid_name", "give a name of 1 to 80 characters")
    phone = re.sub(r"[\s\-()]", "", phone or "") or None
    email = (email or "").strip().lower() or None
    if phone is None and email is None:
        raise Invalid("contact_required", "give a phone number or an e-mail address")
    if phone is not None and not _PHONE.match(phone):
        raise Invalid("invalid_phone", "a phone number is 6 to 20 digits, optionally starting with +")
    if email is not None and (len(email) > 120 or not _EMAIL.match(email)):
        raise Invalid("invalid_email", "that is not an e-mail address")
    return name, phone, email


def contact_key(branch_id: int, phone: str | None, email: str | None) -> str:
    """A hash of the phone (else the e-mail): enough to count a contact's bookings, not to call them."""
    return hashlib.sha256(f"{branch_id}:{phone or email}".encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code or "").upper()


def appointment_view(a: Appointment, service: Service, timezone: str, *, contact: bool = False) -> dict:
    """The appointment for its own page (no contact) or for staff (`contact`: name, phone, e-mail)."""
    local = a.slot_start.replace(tzinfo=dt.UTC).astimezone(slots.ZoneInfo(timezone))
    view = {
        "id": a.id, "code": a.code, "status": a.status, "service": service.code,
        "service_name_zh": service.name_zh, "service_name_en": service.name_en,
        "service_name_zh_hans": service.name_zh_hans,
        "business_day": a.business_day.isoformat(), "time": local.strftime("%H:%M"),
        "slot_start": iso_utc(a.slot_start), "slot_end": iso_utc(a.slot_end),
        "checked_in_at": iso_utc(a.checked_in_at), "ticket_id": a.ticket_id,
    }
    if contact:
        view.update(name=a.name, phone=a.phone, email=a.email, booked_at=iso_utc(a.booked_at),
                    contact_purged=a.contact_purged_at is not None)
    return view


class AppointmentOperations:
    def __init__(self, uow_factory, catalog, service_times):
        self._uow = uow_factory
        self.catalog = catalog
        self.service_times = service_times

    # ------------------------------------------------------------------ set-up (supervisor)
    def update_policy(self, branch_code: str, changes: dict, actor: Actor) -> dict:
        with self._uow() as uow:
            branch = _branch(uow.session, branch_code)
            row = uow.session.get(AppointmentPolicy, branch.id, with_for_update=True)
            if row is None:
                row = AppointmentPolicy(branch_id=branch.id, **Policy().view())
                uow.session.add(row)
            for key, value in changes.items():
                if key == "prefix":
                    if not re.fullmatch(r"[A-Z]{1,2}", value or ""):
                        raise Invalid("invalid_prefix", "the appointment prefix is one or two capital letters")
                else:
                    lo, hi = POLICY_LIMITS[key]
                    if not lo <= value <= hi:
                        raise Invalid(f"invalid_{key}", f"{key} must be between {lo} and {hi}")
                setattr(row, key, value)
            uow.session.flush()
            view = policy_of(uow.session, branch.id).view()
            uow.emit("appointment.settings", branch, {"policy": view, "by": actor.label})
            return view

    def update_service(self, branch_code: str, service_code: str, counters: int | None, slot_min: int | None,
                       actor: Actor, *, clear_slot: bool = False) -> dict:
        """Counters set aside for appointments of a service, and its slot length (None: from its time)."""
        if counters is not None and not 0 <= counters <= 50:
            raise Invalid("invalid_counters", "counters set aside is between 0 and 50")
        if slot_min is not None and not slots.MIN_SLOT_MIN <= slot_min <= slots.MAX_SLOT_MIN:
            raise Invalid("invalid_slot_min", f"a slot lasts {slots.MIN_SLOT_MIN} to {slots.MAX_SLOT_MIN} minutes")
        with self._uow() as uow:
            branch = _branch(uow.session, branch_code)
            service = _service(uow.session, branch, service_code)
            row = uow.session.get(AppointmentService, service.id, with_for_update=True)
            if row is None:
                row = AppointmentService(service_id=service.id, branch_id=branch.id, counters=0, slot_min=None)
                uow.session.add(row)
            if counters is not None:
                row.counters = counters
            if slot_min is not None or clear_slot:
                row.slot_min = slot_min
            uow.session.flush()
            view = service_setting_view(service, row)
            uow.emit("appointment.settings", branch, {"service": view, "by": actor.label})
            return view

    # ------------------------------------------------------------------ the customer
    def book(self, branch_code: str, service_code: str, day: dt.date, time: str, name: str,
             phone: str | None = None, email: str | None = None) -> dict:
        """Book the first free seat of the slot starting at local `time` on `day`. Returns the
        appointment's view with its `code` and `token` (the key to its page)."""
        name, phone, email = clean_contact(name, phone, email)
        with self._uow() as uow:
            s = uow.session
            branch = _branch(s, branch_code)
            service = _service(s, branch, service_code)
            if not service.active or service.staff_only:
                raise Conflict("appointments_unavailable", f"service {service_code} takes no appointments")
            setting = s.get(AppointmentService, service.id)
            if setting is None or setting.counters <= 0:
                raise Conflict("appointments_unavailable", f"service {service_code} takes no appointments")
            policy = policy_of(s, branch.id)
            today = business_day(uow.now, branch.timezone)
            if not today <= day <= today + dt.timedelta(days=policy.horizon_days):
                raise Invalid("day_out_of_range", f"book from today up to {policy.horizon_days} days ahead")
            config = self.catalog.get(uow.connection, branch.id, branch.config_version)
            if day in config.closed_days:
                raise Conflict("day_closed", f"business day {day.isoformat()} is closed")
            length = slots.slot_minutes(setting.slot_min, service.default_service_s)
            slot = slots.find_slot(slots.slots_of_day(branch.opening_hours, branch.timezone, day, length,
                                                      setting.counters), time)
            if slot is None:
                raise NotFound("slot_not_found", f"no slot starts at {time} on {day.isoformat()}")
            if slot.start <= uow.now:
                raise Conflict("slot_past", f"the {time} slot has already begun")
            key = contact_key(branch.id, phone, email)
            made = s.execute(select(func.count()).select_from(Appointment).where(
                Appointment.branch_id == branch.id, Appointment.contact_key == key,
                Appointment.business_day == day)).scalar_one()
            if made >= policy.bookings_per_contact_day:
                raise TooMany("too_many_bookings", f"at most {policy.bookings_per_contact_day} bookings per "
                                                   "phone or e-mail and day")
            appointment = self._take_seat(s, slot, dict(
                branch_id=branch.id, service_id=service.id, business_day=day, slot_start=slot.start,
                slot_end=slot.end, status=BOOKED, name=name, phone=phone, email=email, contact_key=key,
                booked_at=uow.now))
            view = appointment_view(appointment, service, branch.timezone)
            uow.emit("appointment.booked", branch, {"appointment": view})
            return dict(view, token=appointment.public_token)

    @staticmethod
    def _take_seat(s: Session, slot: slots.Slot, values: dict) -> Appointment:
        for _ in range(SEAT_ATTEMPTS):
            taken = set(s.execute(select(Appointment.seat).where(
                Appointment.branch_id == values["branch_id"], Appointment.service_id == values["service_id"],
                Appointment.slot_start == slot.start, Appointment.seat.is_not(None))).scalars())
            free = [seat for seat in range(1, slot.seats + 1) if seat not in taken]
            if not free:
                break
            row = Appointment(seat=free[0], code=new_code(), public_token=secrets.token_urlsafe(24), **values)
            try:
                # A savepoint: losing the race for a seat (or a code) undoes this insert alone.
                with s.begin_nested():
                    s.add(row)
                    s.flush()
                return row
            except IntegrityError:
                s.expunge(row) if row in s else None
        raise Conflict("slot_full", f"the {slot.local_start} slot is fully booked")

    def cancel(self, token: str) -> dict:
        """The customer cancels from the appointment page: the seat is free again, the contact purged."""
        with self._uow() as uow:
            a = _by_token(uow.session, token)
            if a.status != BOOKED:
                raise Conflict("appointment_not_booked", f"this appointment is {a.status}")
            branch = uow.session.get(Branch, a.branch_id)
            a.status, a.cancelled_at, a.seat = CANCELLED, uow.now, None
            _purge(a, uow.now)
            view = appointment_view(a, uow.session.get(Service, a.service_id), branch.timezone)
            uow.emit("appointment.cancelled", branch, {"appointment": view})
            return view

    # ------------------------------------------------------------------ arrival
    def check_in(self, actor: Actor, *, token: str | None = None, branch_code: str | None = None,
                 code: str | None = None) -> dict:
        """Turn the appointment into its waiting ticket (one TicketEvent), found by its page's token or by
        its code at a branch. Checking in twice answers with the same ticket."""
        with self._uow() as uow:
            s, conn = uow.session, uow.connection
            if token is not None:
                a = _by_token(s, token, lock=True)
            else:
                branch_id = _branch(s, branch_code or "").id
                a = s.execute(select(Appointment).where(Appointment.branch_id == branch_id,
                                                        Appointment.code == normalise_code(code or ""))
                              .with_for_update()).scalar_one_or_none()
                if a is None:
                    raise NotFound("appointment_not_found", "no appointment with that code here")
            branch = s.get(Branch, a.branch_id)
            config = self.catalog.get(conn, branch.id, branch.config_version)
            service = config.services[a.service_id]
            if a.status == ARRIVED:
                ticket = dict(store.locked_ticket(conn, a.ticket_id)._mapping)
                return self._arrival_view(a, ticket, config, branch)
            if a.status != BOOKED:
                raise Conflict(f"appointment_{a.status}", f"this appointment is {a.status}")
            policy = policy_of(s, branch.id)
            today = business_day(uow.now, branch.timezone)
            if a.business_day != today:
                raise Conflict("not_today", f"this appointment is on {a.business_day.isoformat()}")
            if today in config.closed_days:
                raise Conflict("day_closed", f"business day {today.isoformat()} is closed")
            opens = a.slot_start - dt.timedelta(minutes=CHECK_IN_OPENS_MIN)
            window_end = a.slot_start + dt.timedelta(minutes=policy.late_min)
            if uow.now < opens:
                raise Conflict("too_early", "check-in opens an hour before the appointment",
                               detail={"opens_at": iso_utc(opens)})
            if uow.now >= window_end:
                raise Conflict("appointment_missed", "the appointment's time has passed; please take a ticket")
            seq = next_seq(conn, service.id, today)
            ticket = {
                "branch_id": branch.id, "service_id": service.id, "business_day": today, "seq": seq,
                # Its own prefix, its service's sequence: the day's numbers still reconcile per service.
                "number": policy.prefix + format_number(service.code, seq), "priority": 2, "channel": CHANNEL,
                "status": TicketStatus.WAITING, "public_token": secrets.token_urlsafe(24),
                "created_at": uow.now, "arrived_at": uow.now, "issued_by": actor.label,
                "called_at": None, "started_at": None, "finished_at": None, "counter_id": None,
                "staff_id": None, "target_counter_id": None, "recall_count": 0, "requeue_count": 0,
                "transferred_from_id": None, "transfer_gen": 0, "printed": None, "printer_id": None,
                "appointment_window_start": a.slot_start - dt.timedelta(minutes=policy.early_min),
                "appointment_window_end": window_end,
            }
            ticket["id"] = store.insert_ticket(conn, ticket)
            store.record_events(conn, [{
                "ticket_id": ticket["id"], "at": uow.now, "action": TicketAction.ISSUE, "from_status": None,
                "to_status": target(TicketAction.ISSUE), "actor": actor.label, "counter_id": None,
                "detail": {"channel": CHANNEL, "appointment": a.code, "slot_start": iso_utc(a.slot_start)}}])
            a.status, a.checked_in_at, a.checked_in_by, a.ticket_id = ARRIVED, uow.now, actor.label, ticket["id"]
            result = self._arrival_view(a, ticket, config, branch)
            # Inside its window it heads its service's queue; before, it waits by arrival like a walk-in.
            ahead = store.people_ahead(conn, ticket, uow.now)
            load = estimates.service_load(conn, service.id, service.default_service_s, uow.now, self.service_times)
            result["ticket"].update(people_ahead=ahead, estimated_wait_s=estimates.estimate_wait_s(ahead, load))
            uow.emit(EventName.TICKET_ISSUED, config, {"ticket": dict(result["ticket"])})
            uow.emit(EventName.QUEUE_CHANGED, config, {"services": [service.id]})
            uow.emit("appointment.arrived", branch, {"appointment": result["appointment"]})
            return result

    @staticmethod
    def _arrival_view(a: Appointment, ticket: dict, config, branch: Branch) -> dict:
        view = store.ticket_dict(ticket, config)
        service = config.services[a.service_id]
        return {"appointment": appointment_view(a, service, branch.timezone), "ticket": view,
                "tracking_token": ticket["public_token"]}

    # ------------------------------------------------------------------ no-shows and privacy
    def sweep(self, branch_code: str) -> dict:
        """Mark as no-show the booked appointments whose window has ended, and purge the contact data
        the branch keeps no longer (a periodic check; the day close does the same for its day)."""
        with self._uow() as uow:
            branch = _branch(uow.session, branch_code)
            return sweep_branch(uow, branch)


def sweep_branch(uow: UnitOfWork, branch: Branch, closing_day: dt.date | None = None) -> dict:
    """In the caller's unit of work: no-shows past their window (every booked one of `closing_day`),
    and the purge of contacts past the branch's keep_contact_days."""
    s = uow.session
    policy = policy_of(s, branch.id)
    late = dt.timedelta(minutes=policy.late_min)
    booked = s.execute(select(Appointment).where(Appointment.branch_id == branch.id, Appointment.status == BOOKED,
                                                 Appointment.slot_start < uow.now - late)).scalars().all()
    if closing_day is not None:
        booked += s.execute(select(Appointment).where(
            Appointment.branch_id == branch.id, Appointment.status == BOOKED,
            Appointment.business_day == closing_day, Appointment.slot_start >= uow.now - late)).scalars().all()
    for a in booked:
        a.status, a.no_show_at = NO_SHOW, uow.now
    today = business_day(uow.now, branch.timezone)
    # keep_contact_days 0: until the day close (or, with no close, until the day is over); N: N days more.
    last_kept = today - dt.timedelta(days=policy.keep_contact_days)
    due = Appointment.business_day < last_kept
    if closing_day is not None and policy.keep_contact_days == 0:
        due = due | (Appointment.business_day == closing_day)
    purged = s.execute(select(Appointment).where(Appointment.branch_id == branch.id,
                                                 Appointment.contact_purged_at.is_(None), due)).scalars().all()
    for a in purged:
        _purge(a, uow.now)
    if booked or purged:
        uow.emit("appointment.swept", branch, {"no_shows": [a.code for a in booked], "purged": len(purged)})
    return {"no_shows": len(booked), "purged": len(purged)}


def service_setting_view(service: Service, row: AppointmentService | None) -> dict:
    counters = row.counters if row else 0
    slot_min = row.slot_min if row else None
    return {"service": service.code, "counters": counters, "slot_min": slot_min,
            "slot_length_min": slots.slot_minutes(slot_min, service.default_service_s)}


def _purge(a: Appointment, now: dt.datetime) -> None:
    a.name = a.phone = a.email = a.contact_key = None
    a.contact_purged_at = a.contact_purged_at or now


def _branch(s: Session, code: str) -> Branch:
    branch = s.execute(select(Branch).where(Branch.code == code)).scalar_one_or_none()
    if branch is None:
        raise NotFound("branch_not_found", f"no branch with code {code!r}")
    return branch


def _service(s: Session, branch: Branch, code: str) -> Service:
    service = s.execute(select(Service).where(Service.branch_id == branch.id, Service.code == code)
                        ).scalar_one_or_none()
    if service is None:
        raise NotFound("service_not_found", f"branch {branch.code} has no service {code!r}")
    return service


def _by_token(s: Session, token: str, *, lock: bool = False) -> Appointment:
    stmt = select(Appointment).where(Appointment.public_token == (token or "")[:64])
    a = s.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if a is None:
        raise NotFound("appointment_not_found", "no such appointment")
    return a
