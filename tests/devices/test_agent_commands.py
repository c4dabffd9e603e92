"""The agent's side of the command wire, without a hub: a repeated command id is answered from
memory (a ticket never prints twice), commands run in the hub's order even when Socket.IO hands
them over out of order, and a print deadline is moved onto the agent's clock. Real drivers against
the simulators (docs/device-manager.md, "Branch agents")."""
from __future__ import annotations

import threading
import time

import pytest

from server.devices.agent_client import Agent
from server.devices.protocol import DeviceConfig
from tests.devices.conftest import FAST
from tests.devices.test_manager_printers import TICKET

LED = 1


@pytest.fixture
def agent():
    # Never connected: the hub here is this test, calling the handler Socket.IO would call.
    agent = Agent("http://127.0.0.1:9", "unused", timing=FAST)
    agent.manager.start()
    yield agent
    agent.manager.stop()


def command(agent: Agent, command_id: str, n: int, body: dict, link: str = "link-1", sent_at: float | None = None):
    return agent._on_command({"id": command_id, "link": link, "n": n, "sent_at": sent_at or time.time(),
                              "command": body})


def test_a_repeated_print_is_answered_not_printed_again(agent, printer_sim):
    config = DeviceConfig(id=7, kind="printer", name="p", url=printer_sim.url)
    assert command(agent, "c1", 1, {"op": "configure", "devices": [config.as_dict()]})["reply"]["ok"]
    body = {"op": "print_ticket", "device": 7, "ticket": TICKET, "deadline": time.time() + 5}
    first = command(agent, "c2", 2, body)
    again = command(agent, "c2", 2, body)
    assert first == again and first["reply"]["ok"] is True
    time.sleep(0.5)
    assert len(printer_sim.tickets) == 1
    assert agent.stats["duplicate_commands"] == 1


def test_commands_run_in_the_hubs_order(agent, bus_sim):
    config = DeviceConfig(id=LED, kind="led", name="led", url=f"{bus_sim.url}&unit=1")
    assert command(agent, "c1", 1, {"op": "configure", "devices": [config.as_dict()]})["reply"]["ok"]
    # Number 3 reaches the agent before number 2 (each Socket.IO message runs in its own thread).
    late = threading.Thread(target=command, args=(agent, "c3", 3, {"op": "led", "device": LED, "action": "show",
                                                                    "ticket": "A002", "counter": 1}))
    late.start()
    time.sleep(0.3)
    assert command(agent, "c2", 2, {"op": "led", "device": LED, "action": "show", "ticket": "A001",
                                    "counter": 1})["reply"]["ok"]
    late.join(5)
    deadline = time.monotonic() + 3
    while bus_sim.display(1).shown != "A002" and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    assert bus_sim.display(1).shown == "A002"


def test_a_print_deadline_follows_the_agents_clock(agent, printer_sim):
    config = DeviceConfig(id=7, kind="printer", name="p", url=printer_sim.url)
    command(agent, "c1", 1, {"op": "configure", "devices": [config.as_dict()]})
    # The hub's clock is an hour behind this PC: read as this PC's time its deadline (hub time + 5 s)
    # passed long ago, and the ticket would be skipped; moved onto this clock it is 5 s away.
    hub_now = time.time() - 3600
    answer = command(agent, "c2", 2, {"op": "print_ticket", "device": 7, "ticket": TICKET, "deadline": hub_now + 5},
                     sent_at=hub_now)
    assert answer["reply"]["ok"] is True, answer
    assert len(printer_sim.wait_for_tickets(1)) == 1
