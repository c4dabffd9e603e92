"""The demo branch's devices, on simulators: `counterflow run --demo --simulate-devices`.

One ticket printer for the demo kiosk (also the default for staff-issued tickets), and on one
RS-485 bus an LED display and a satisfaction pad per counter plus a caller keypad on counter 1.
Unit ids follow `python -m hardware_sim`: displays 1.., pads 101.., keypads 201...
"""
from __future__ import annotations

from sqlalchemy import select

from ..demo import COUNTERS, DEMO_BRANCH
from ..demo_tokens import DEMO_DEVICES
from ..models import Branch, Counter, Device

DEMO_KIOSK = dict((kind, name) for kind, name in DEMO_DEVICES)["kiosk"]


def demo_devices() -> list[dict]:
    devices = [{"kind": "printer", "name": "printer-1", "url": "sim://printer/1", "counter": None,
                "kiosk": DEMO_KIOSK, "settings": {"default": True, "encoding": "big5"}}]
    for number in sorted(COUNTERS):
        devices.append({"kind": "led", "name": f"led-{number}", "url": f"sim://bus/1?unit={number}",
                        "counter": number, "kiosk": None, "settings": {}})
        devices.append({"kind": "pad", "name": f"pad-{number}", "url": f"sim://bus/1?unit={100 + number}",
                        "counter": number, "kiosk": None, "settings": {}})
    devices.append({"kind": "keypad", "name": "keypad-1", "url": "sim://bus/1?unit=201", "counter": 1,
                    "kiosk": None, "settings": {}})
    return devices


def ensure_demo_devices(db) -> int:
    """Register the demo devices that are missing (by name); returns how many were added."""
    added = 0
    with db.write() as session:
        branch = session.execute(select(Branch).where(Branch.code == DEMO_BRANCH)).scalar_one_or_none()
        if branch is None:
            return 0
        names = set(session.execute(select(Device.name).where(Device.branch_id == branch.id)).scalars())
        counters = dict(session.execute(select(Counter.number, Counter.id).where(Counter.branch_id == branch.id)).all())
        for spec in demo_devices():
            if spec["name"] in names or (spec["counter"] is not None and spec["counter"] not in counters):
                continue
            session.add(Device(branch_id=branch.id, kind=spec["kind"], name=spec["name"], url=spec["url"],
                               counter_id=counters.get(spec["counter"]), kiosk=spec["kiosk"],
                               settings=spec["settings"], enabled=True, state="unknown"))
            added += 1
    return added
