"""A branch agent end to end: the real hub and a real `counterflow agent` in separate processes over
loopback, the simulators speaking the real bytes (ESC/POS over TCP, Modbus RTU over a pty).

The hub and the agent are killed and restarted; nothing prints twice, no press counts twice, the
agent's one fault is raised and cleared (docs/device-manager.md, "Branch agents").
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from hardware_sim.modbus_bus import ModbusBusSimulator
from hardware_sim.printer import PrinterSimulator
from tests.core.devices.device_helpers import eventually
from tests.support.live_agent import AgentProcess, Api
from tests.support.live_hub import LiveHub

AGENT = "branch-pc-1"
HUB_ENV = {"COUNTERFLOW_AGENT_OFFLINE_AFTER_S": "1.5", "COUNTERFLOW_DEVICE_PRINT_TIMEOUT_S": "3",
           "COUNTERFLOW_LOG_FORMAT": "json"}
LED, PAD, KEYPAD = 1, 101, 201


@pytest.fixture
def rig(database_url, tmp_path):
    printer = PrinterSimulator().start()
    bus = ModbusBusSimulator()
    for kind, unit in (("led_display", LED), ("pad", PAD), ("keypad", KEYPAD)):
        bus.add_device(kind, unit)
    bus.start()
    hub = LiveHub(database_url, env=HUB_ENV, log_path=tmp_path / "hub.log").start()
    admin = Api(hub, "admin")
    token = admin.ok("POST", "/device-tokens", {"name": AGENT, "kind": "agent", "branch": "demo"})["token"]
    at_agent = {"agent": AGENT}
    admin.ok("POST", "/devices", {"branch": "demo", "kind": "printer", "name": "kiosk-printer", "url": printer.url,
                                  "settings": {"default": True, **at_agent}})
    for kind, unit in (("led", LED), ("pad", PAD), ("keypad", KEYPAD)):
        admin.ok("POST", "/devices", {"branch": "demo", "kind": kind, "name": f"{kind}-1", "counter": 1,
                                      "url": f"{bus.url}&unit={unit}", "settings": at_agent})
    agent = AgentProcess(hub.base_url, token, tmp_path / "agent.log").start()
    sql = create_engine(database_url)
    yield hub, agent, printer, bus, admin, sql
    agent.stop()
    hub.stop()
    bus.stop()
    printer.stop()
    sql.dispose()


def device_states(admin: Api) -> dict[str, str]:
    return {d["name"]: d["state"] for d in admin.ok("GET", "/devices?branch=demo")["devices"]}


def all_online(admin: Api) -> bool:
    states = device_states(admin)
    return len(states) == 4 and all(s == "online" for s in states.values())


def agent_faults(admin: Api, open_only: bool = True) -> list[dict]:
    faults = admin.ok("GET", "/faults?branch=demo" + ("&open=1" if open_only else ""))["faults"]
    return [f for f in faults if f["code"] == "agent_offline"]


def scalar(sql, query: str, **params):
    with sql.connect() as conn:
        return conn.execute(text(query), params).scalar()


def test_an_agent_drives_the_branch_devices_and_survives_both_ends_restarting(rig):
    hub, agent, printer, bus, admin, sql = rig
    eventually(lambda: (agent.health() or {}).get("connected"), 20, what="agent connected")
    eventually(lambda: all_online(admin), 15, what="the agent's devices online")

    # Printing through the agent: the ticket is on paper once, and the hub knows it.
    teller = Api(hub, "teller1")
    counter_id = next(c["id"] for c in teller.ok("GET", "/branches/demo/counters")["counters"] if c["number"] == 1)
    first = teller.ok("POST", "/branches/demo/tickets", {"service": "A"})
    assert first["printed"] is True and first["printed_on"] == "kiosk-printer", first
    [paper] = printer.wait_for_tickets(1)
    assert first["number"] in paper.render(48)

    # Call: the LED at counter 1 shows the number; complete: the pad asks; a rating counts once.
    teller.ok("POST", f"/counters/{counter_id}/open")
    teller.ok("POST", f"/counters/{counter_id}/call-next")
    eventually(lambda: bus.display(LED).shown == first["number"], what="LED shows the called number")
    teller.ok("POST", f"/counters/{counter_id}/start")
    teller.ok("POST", f"/counters/{counter_id}/complete")
    eventually(lambda: bus.device(PAD).prompt[0] != 0, what="pad prompt")
    bus.press(PAD, 5)
    eventually(lambda: scalar(sql, "SELECT count(*) FROM ratings") == 1, what="rating stored")

    # Keypad call-next through the agent, then a ticket waiting for the next steps.
    second = teller.ok("POST", "/branches/demo/tickets", {"service": "A"})
    bus.press(KEYPAD, "call_next")
    eventually(lambda: bus.display(LED).shown == second["number"], what="keypad call shows on the LED")
    assert scalar(sql, "SELECT status FROM tickets WHERE id = :id", id=second["id"]) == "called"

    # The hub is killed: the displays say service is interrupted; a rating made meanwhile arrives once.
    teller.ok("POST", f"/counters/{counter_id}/start")
    teller.ok("POST", f"/counters/{counter_id}/complete")
    eventually(lambda: bus.device(PAD).prompt[0] != 0, what="pad prompt for the second ticket")
    hub.kill()
    eventually(lambda: (agent.health() or {}).get("connected") is False, 10, what="agent notices")
    eventually(lambda: "暫停服務" in bus.display(LED).shown, 10, what="LED shows service interrupted")
    bus.press(PAD, 4)
    hub.start()
    eventually(lambda: (agent.health() or {}).get("connected"), 30, what="agent reconnected after hub restart")
    eventually(lambda: scalar(sql, "SELECT count(*) FROM ratings") == 2, 10, what="offline rating delivered")
    eventually(lambda: "暫停服務" not in bus.display(LED).shown, 10, what="LED back from service interrupted")
    eventually(lambda: all_online(admin), 15, what="devices online again")

    # The agent is killed: one fault for the agent, devices not responding, a print says not printed.
    agent.kill()
    faults = eventually(lambda: agent_faults(admin), 10, what="agent fault raised")
    assert len(faults) == 1 and faults[0]["device"] is None, faults
    assert set(device_states(admin).values()) == {"not_responding"}
    per_device = [f for f in admin.ok("GET", "/faults?branch=demo&open=1")["faults"] if f["code"] == "not_responding"]
    assert per_device == []
    offline = teller.ok("POST", "/branches/demo/tickets", {"service": "A"})
    assert offline["printed"] is False and "offline" in offline["print_error"], offline

    agent.start()
    eventually(lambda: (agent.health() or {}).get("connected"), 20, what="agent back")
    eventually(lambda: not agent_faults(admin), 10, what="agent fault resolved")
    eventually(lambda: all_online(admin), 15, what="devices online after the agent restart")
    # (The hub restart may have raised one too, if the agent's backoff outlasted the bound.)
    records = agent_faults(admin, open_only=False)
    assert records and all(f["resolved_at"] is not None for f in records), records

    # Nothing happened twice: two tickets on paper, two ratings, one keypad call.
    time.sleep(1.0)
    assert len(printer.tickets) == 2
    assert scalar(sql, "SELECT count(*) FROM ratings") == 2
    assert scalar(sql, "SELECT count(*) FROM ticket_events WHERE action = 'call'") == 2
    assert scalar(sql, "SELECT printed FROM tickets WHERE id = :id", id=offline["id"]) in (0, False)
