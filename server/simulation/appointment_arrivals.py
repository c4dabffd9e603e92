"""Appointment arrivals in a simulated day (docs/architecture.md, "Appointments"): before opening, each
service with `appointments_per_hour` books seats of its slots through the real engine; each booked
customer then arrives around their slot (uniformly from `appointment_early_min` before to
`appointment_late_min` after) and checks in, which issues their P ticket. Draws come from a random
stream of the service's own, so walk-in arrivals stay the same with or without appointments."""
from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from ..queue import appointment_slots as slots
from ..queue.actors import Actor
from ..queue.clock import business_day
from .sandbox import BRANCH

SUPERVISOR = Actor(kind="system", name="sim-supervisor")


@dataclass(frozen=True)
class Booking:
    arrive_s: float  # seconds since opening
    service: str
    token: str


def book_day(engine, scenario, clock, opening_utc: dt.datetime) -> list[Booking]:
    """Book the day's appointments with the clock an hour before opening; returns their arrivals."""
    bookings: list[Booking] = []
    phones = itertools.count()
    saved = clock.t
    clock.t = -3600.0  # bookings are made before the day starts: every slot is still ahead
    day = business_day(clock(), scenario.timezone)
    for index, service in enumerate(scenario.services):
        if service.appointments_per_hour <= 0:
            continue
        rng = random.Random(scenario.seed * 1009 + index * 7919 + 3)
        engine.appointments.update_service(BRANCH, service.code, service.appointment_seats, None, SUPERVISOR)
        length = slots.slot_minutes(None, max(1, round(service.mean_service_min * 60)))
        # Each seat of a slot is booked with the chance that gives the asked rate per hour.
        chance = min(1.0, service.appointments_per_hour * length / 60.0 / service.appointment_seats)
        for slot in slots.slots_of_day(None, scenario.timezone, day, length, service.appointment_seats):
            for seat in range(service.appointment_seats):
                if rng.random() >= chance:
                    continue
                made = engine.appointments.book(BRANCH, service.code, day, slot.local_start, "sim",
                                                phone=f"+{index:02d}{next(phones):09d}")  # one per customer
                offset = rng.uniform(-service.appointment_early_min, service.appointment_late_min) * 60.0
                at = (slot.start - opening_utc).total_seconds() + offset
                if 0 <= at < scenario.hours * 3600.0:
                    bookings.append(Booking(at, service.code, made["token"]))
    clock.t = saved
    return bookings
