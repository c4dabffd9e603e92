"""The simulator adds appointment arrivals to a scenario: booked before opening through the real engine,
checked in around their slot, called ahead of walk-ins inside their window (docs/architecture.md,
"Appointments")."""
from __future__ import annotations

from sqlalchemy import select

from server.db import Database
from server.models import Appointment, Ticket
from server.simulation import scenario, simulate


def busy_branch(appointments_per_hour: float) -> scenario.Scenario:
    return scenario.from_dict({
        "hours": 3, "seed": 4, "start": "2026-03-02T09:00",
        "services": [{"code": "A", "arrivals_per_hour": 22, "mean_service_min": 5, "distribution": "exponential",
                      "appointments_per_hour": appointments_per_hour, "appointment_seats": 1}],
        "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A"]}],
    })


def test_appointment_customers_check_in_and_wait_less_than_walk_ins(tmp_path):
    path = tmp_path / "sim.db"
    result = simulate(busy_branch(4), keep_db=str(path))
    booked = result["appointments"]
    assert booked["checked_in"] >= 6  # ~4 an hour over 3 hours
    assert booked["wait"]["mean_s"] < booked["walk_in_wait"]["mean_s"]
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as s:
            tickets = s.execute(select(Ticket.number, Ticket.channel).where(Ticket.channel == "appointment")).all()
            arrived = s.execute(select(Appointment.status)).scalars().all()
    finally:
        db.dispose()
    assert len(tickets) == booked["checked_in"] and all(n.startswith("PA") for n, _ in tickets)
    assert arrived.count("arrived") == booked["checked_in"]


def test_walk_ins_arrive_the_same_with_or_without_appointments():
    without = simulate(busy_branch(0))
    assert "appointments" not in without
    assert simulate(busy_branch(4))["services"]["A"]["arrived"] > without["services"]["A"]["arrived"]
