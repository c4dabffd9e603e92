"""The demo branch that `counterflow run --demo` creates when it is missing."""
from __future__ import annotations

from sqlalchemy import select

from .auth import create_user
from .models import AppointmentService, Branch, User
from .queue import setup

DEMO_BRANCH = "demo"
DEMO_PASSWORD = "demo"
SERVICES = [
    ("A", "個人業務", "Personal", 240),
    ("B", "對公業務", "Corporate", 480),
    ("C", "理財", "Wealth", 600),
    ("V", "貴賓", "VIP", 420),
]
APPOINTMENT_SERVICE = "A"  # the demo books appointments for personal banking (docs/architecture.md, "Appointments")
STAFF_ONLY = {"V"}  # VIP customers are brought to the kiosk's guide mode by staff, never self-served
# Counter number -> services in rank order: two personal counters, a corporate one, a wealth/VIP one.
COUNTERS = {1: ["A", "B"], 2: ["A", "C"], 3: ["B", "A"], 4: ["V", "C", "A"]}
ACCOUNTS = [("teller1", "teller"), ("teller2", "teller"), ("teller3", "teller"), ("teller4", "teller"),
            ("guide", "guide"), ("supervisor", "supervisor"), ("admin", "admin")]


def ensure_demo(db) -> bool:
    """Create the demo branch and accounts if missing; returns True when it created them."""
    with db.write() as session:
        if session.execute(select(Branch.id).where(Branch.code == DEMO_BRANCH)).first():
            return False
        branch = setup.create_branch(session, DEMO_BRANCH, "示範分行", "Demo Branch", "Asia/Taipei")
        for code, zh, en, service_s in SERVICES:
            service = setup.add_service(session, branch, code, zh, en, default_service_s=service_s)
            service.staff_only = code in STAFF_ONLY
            if code == APPOINTMENT_SERVICE:  # one counter's worth of 15-minute appointments (/b/demo/book)
                session.flush()
                session.add(AppointmentService(service_id=service.id, branch_id=branch.id, counters=1, slot_min=15))
        for number, codes in COUNTERS.items():
            setup.add_counter(session, branch, number, codes, policy="strict")
        for username, role in ACCOUNTS:
            if not session.execute(select(User.id).where(User.username == username)).first():
                create_user(session, username, DEMO_PASSWORD, role, None if role == "admin" else branch.id,
                            display_name=username.capitalize())
        return True
