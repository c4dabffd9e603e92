"""Read-only views of appointments: the free slots a customer can pick, one appointment by its page's
token, the day's bookings for staff, and the branch's appointment settings (docs/architecture.md,
"Appointments"). No writes here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Appointment, AppointmentService, Branch, Service
from . import appointment_slots as slots
from .appointments import (ARRIVED, BOOKED, CANCELLED, NO_SHOW, appointment_view, policy_of,
                           service_setting_view)
from .clock import business_day, iso_utc
from .errors import NotFound


def bookable_services(session: Session, branch: Branch) -> list[dict]:
    """Services taking appointments: active, public, with counters set aside."""
    rows = session.execute(select(Service, AppointmentService).join(
        AppointmentService, AppointmentService.service_id == Service.id).where(
        Service.branch_id == branch.id, Service.active.is_(True), Service.staff_only.is_(False),
        AppointmentService.counters > 0).order_by(Service.code)).all()
    return [{"service": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "name_zh_hans": s.name_zh_hans,
             "slot_length_min": slots.slot_minutes(a.slot_min, s.default_service_s)} for s, a in rows]


def bookable_days(session: Session, branch: Branch, now: dt.datetime) -> list[str]:
    today = business_day(now, branch.timezone)
    policy = policy_of(session, branch.id)
    return [(today + dt.timedelta(days=n)).isoformat() for n in range(policy.horizon_days + 1)]


def free_slots(session: Session, branch: Branch, service_code: str, day: dt.date, now: dt.datetime) -> list[dict]:
    """Every slot of the day not yet begun, with its free places (0 = fully booked)."""
    service = session.execute(select(Service).where(Service.branch_id == branch.id, Service.code == service_code)
                              ).scalar_one_or_none()
    if service is None:
        raise NotFound("service_not_found", f"branch {branch.code} has no service {service_code!r}")
    setting = session.get(AppointmentService, service.id)
    if setting is None or setting.counters <= 0 or not service.active or service.staff_only:
        return []
    length = slots.slot_minutes(setting.slot_min, service.default_service_s)
    day_slots = slots.slots_of_day(branch.opening_hours, branch.timezone, day, length, setting.counters)
    taken = dict(session.execute(
        select(Appointment.slot_start, func.count()).where(
            Appointment.branch_id == branch.id, Appointment.service_id == service.id,
            Appointment.business_day == day, Appointment.seat.is_not(None)).group_by(Appointment.slot_start)).all())
    return [{"time": s.local_start, "starts_at": iso_utc(s.start), "free": max(0, s.seats - taken.get(s.start, 0))}
            for s in day_slots if s.start > now]


def by_token(session: Session, token: str) -> tuple[dict, Branch]:
    a = session.execute(select(Appointment).where(Appointment.public_token == (token or "")[:64])
                        ).scalar_one_or_none()
    if a is None:
        raise NotFound("appointment_not_found", "no such appointment")
    branch = session.get(Branch, a.branch_id)
    return appointment_view(a, session.get(Service, a.service_id), branch.timezone), branch


def day_bookings(session: Session, branch: Branch, day: dt.date, *, contact: bool = True) -> list[dict]:
    """The day's appointments in time order, for staff (with name, phone and e-mail unless purged)."""
    services = {s.id: s for s in session.execute(select(Service).where(Service.branch_id == branch.id)).scalars()}
    rows = session.execute(select(Appointment).where(Appointment.branch_id == branch.id,
                                                     Appointment.business_day == day)
                           .order_by(Appointment.slot_start, Appointment.id)).scalars()
    return [appointment_view(a, services[a.service_id], branch.timezone, contact=contact) for a in rows]


def day_counts(session: Session, branch_id: int, first: dt.date, last: dt.date,
               late_min: int | None = None) -> dict:
    """For the day report: booked (not cancelled), arrived, no-show, cancelled, and on time (checked in
    by the end of the early window, i.e. before the slot's start)."""
    rows = session.execute(select(Appointment.status, Appointment.slot_start, Appointment.checked_in_at).where(
        Appointment.branch_id == branch_id, Appointment.business_day >= first,
        Appointment.business_day <= last)).all()
    counts = {"booked": 0, "arrived": 0, "no_show": 0, "cancelled": 0, "on_time": 0}
    for status, start, checked_in in rows:
        if status == CANCELLED:
            counts["cancelled"] += 1
            continue
        counts["booked"] += 1
        if status == ARRIVED:
            counts["arrived"] += 1
            counts["on_time"] += int(checked_in is not None and checked_in <= start)
        elif status == NO_SHOW:
            counts["no_show"] += 1
    return counts


def settings_view(session: Session, branch: Branch) -> dict:
    services = session.execute(select(Service).where(Service.branch_id == branch.id).order_by(Service.code)
                               ).scalars().all()
    return {"policy": policy_of(session, branch.id).view(),
            "services": [service_setting_view(s, session.get(AppointmentService, s.id)) for s in services]}


__all__ = ["bookable_services", "bookable_days", "free_slots", "by_token", "day_bookings", "day_counts",
           "settings_view", "BOOKED"]
