"""The hub's end of the agent link (`/agent` namespace) in one process, through Flask-SocketIO's test
client: who may connect, which devices an agent gets, exactly-once reports, stale presses, the one
agent fault, and prints for an agent that is offline. The live two-process run is test_agent_live.py.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from server import device_tokens
from server.app import create_app
from server.devices.agent_hub import NAMESPACE
from server.models import Branch, Device, Rating, TicketEvent
from server.queue.clock import utc_now
from tests.core.devices.conftest import device_settings
from tests.core.devices.device_helpers import eventually

AGENT, OTHER = "branch-pc-1", "branch-pc-2"


@pytest.fixture
def app(database_url):
    application = create_app(device_settings(database_url, simulate_devices=False, agent_offline_after_s=0.3))
    hub = application.extensions["counterflow"]
    registry = hub.devices.registry
    # Serial ports the hub never opens: these devices belong to agents.
    registry.add("demo", kind="printer", name="kiosk-printer", url="serial:///dev/ttyAGENT0",
                 settings={"default": True, "agent": AGENT})
    registry.add("demo", kind="keypad", name="keypad-1", url="serial:///dev/ttyAGENT1?unit=201", counter=1,
                 settings={"agent": AGENT})
    registry.add("demo", kind="pad", name="pad-2", url="serial:///dev/ttyAGENT2?unit=102", counter=2,
                 settings={"agent": OTHER})
    hub.devices.start()
    yield application
    hub.devices.stop()
    hub.db.dispose()


def token_for(hub, name: str, kind: str = "agent") -> str:
    with hub.db.write() as session:
        branch = session.execute(select(Branch).where(Branch.code == "demo")).scalar_one()
        token, _ = device_tokens.create(session, name, kind, branch, utc_now())
    return token


def connect(app, hub, name: str = AGENT):
    client = hub.realtime.socketio.test_client(app, namespace=NAMESPACE, auth={"token": token_for(hub, name)})
    assert client.is_connected(NAMESPACE)
    assert client.emit("hello", {"version": "test"}, namespace=NAMESPACE, callback=True) == {"ok": True,
                                                                                            "agent": name}
    return client


def device_id(hub, name: str) -> int:
    return next(d.id for d in hub.devices.directory.all() if d.name == name)


def report(client, report_id: str, body: dict) -> dict:
    return client.emit("report", {"id": report_id, "report": body}, namespace=NAMESPACE, callback=True)


def key_report(device: int, action: str, at: dt.datetime | None = None) -> dict:
    at = at or utc_now()
    return {"event": "device.key", "device": device, "kind": "keypad", "key": 1, "seq": 1, "action": action,
            "ticket": None, "at": at.isoformat() + "Z"}


def test_only_agent_tokens_connect(app, hub):
    refused = hub.realtime.socketio.test_client(app, namespace=NAMESPACE, auth={"token": token_for(hub, "tv",
                                                                                                   "display")})
    assert not refused.is_connected(NAMESPACE)
    nobody = hub.realtime.socketio.test_client(app, namespace=NAMESPACE)
    assert not nobody.is_connected(NAMESPACE)


def test_an_agent_gets_only_its_own_devices(app, hub):
    client = connect(app, hub)
    [command] = [m["args"][0] for m in client.get_received(NAMESPACE) if m["name"] == "command"][:1]
    assert command["command"]["op"] == "configure" and command["n"] == 1
    assert sorted(d["name"] for d in command["command"]["devices"]) == ["keypad-1", "kiosk-printer"]
    # Its report about another agent's pad is not acted on.
    answer = report(client, "r-x", {"event": "device.state", "device": device_id(hub, "pad-2"), "state": "online",
                                    "detail": "", "flags": [], "info": {}, "at": utc_now().isoformat() + "Z"})
    assert answer == {"ok": True, "dropped": "not_this_agents_device"}
    with hub.db.read() as session:
        assert session.get(Device, device_id(hub, "pad-2")).state == "unknown"


def test_a_repeated_report_counts_once_and_an_old_press_is_dropped(app, hub, signed_in):
    teller = signed_in("teller1")
    counter = next(c for c in teller.get("/api/v1/branches/demo/counters").get_json()["counters"] if c["number"] == 1)
    assert teller.post(f"/api/v1/counters/{counter['id']}/open").status_code == 200
    for _ in range(3):
        assert teller.post("/api/v1/branches/demo/tickets", json={"service": "A"}).status_code == 201
    client = connect(app, hub)
    keypad = device_id(hub, "keypad-1")

    assert report(client, "press-1", key_report(keypad, "call_next")) == {"ok": True}
    assert report(client, "press-1", key_report(keypad, "call_next")) == {"ok": True, "duplicate": True}
    # A restarted hub has forgotten the ids it saw; the database has not (agent_receipts.py).
    hub.devices.agents._seen.clear()
    assert report(client, "press-1", key_report(keypad, "call_next")) == {"ok": True, "duplicate": True}
    ten_minutes_ago = utc_now() - dt.timedelta(minutes=10)
    assert report(client, "press-2", key_report(keypad, "call_next", ten_minutes_ago)) == {"ok": True,
                                                                                           "dropped": "stale"}
    with hub.db.read() as session:
        calls = session.execute(select(func.count()).select_from(TicketEvent)
                                .where(TicketEvent.action == "call")).scalar_one()
        ratings = session.execute(select(func.count()).select_from(Rating)).scalar_one()
    assert (calls, ratings) == (1, 0)


def test_a_lost_agent_raises_one_fault_and_clears_it_when_back(app, hub, signed_in):
    client = connect(app, hub)
    client.disconnect(NAMESPACE)
    admin = signed_in("admin")

    def agent_faults(open_only=True):
        faults = admin.get("/api/v1/faults?branch=demo" + ("&open=1" if open_only else "")).get_json()["faults"]
        return [f for f in faults if f["code"] in ("agent_offline", "not_responding")]

    # One fault per agent (both agents are away: branch-pc-2 never came), none per device.
    faults = eventually(lambda: len(agent_faults()) == 2 and agent_faults(), 5, what="agent faults")
    [fault] = [f for f in faults if AGENT in f["message"]]
    assert fault["code"] == "agent_offline" and fault["device"] is None and "2 devices" in fault["message"]
    states = {d["name"]: d["state"] for d in admin.get("/api/v1/devices?branch=demo").get_json()["devices"]}
    assert states["kiosk-printer"] == states["keypad-1"] == "not_responding"
    assert states["pad-2"] == "not_responding"  # its agent (never seen since start) is offline too
    assert {f["code"] for f in faults} == {"agent_offline"}

    # A ticket issued meanwhile is issued, not printed, and says why.
    ticket = admin.post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    assert ticket["printed"] is False and "offline" in ticket["print_error"]

    connect(app, hub)
    eventually(lambda: [f for f in agent_faults() if AGENT in f["message"]] == [], 5, what="fault cleared")
    # (On a slow machine the fault armed at hub start may have come and gone before the first hello.)
    records = [f for f in agent_faults(open_only=False) if AGENT in f["message"]]
    assert records and all(r["resolved_at"] is not None and r["resolved_by"] == "system" for r in records)


def test_the_supervisor_sees_each_agent(app, hub, signed_in):
    connect(app, hub)
    body = signed_in("supervisor").get("/api/v1/branches/demo/agents").get_json()
    agents = {a["name"]: a for a in body["agents"]}
    assert agents[AGENT]["online"] is True and agents[AGENT]["version"] == "test"
    assert sorted(agents[AGENT]["devices"]) == ["keypad-1", "kiosk-printer"]
    assert agents[OTHER]["online"] is False and agents[OTHER]["last_seen_at"] is None


def test_a_device_added_through_the_api_reaches_its_agent_at_once(app, hub, signed_in):
    client = connect(app, hub)
    client.get_received(NAMESPACE)
    admin = signed_in("admin")
    response = admin.post("/api/v1/devices", json={"branch": "demo", "kind": "led", "name": "led-1", "counter": 1,
                                                   "url": "serial:///dev/ttyAGENT1?unit=1",
                                                   "settings": {"agent": AGENT}})
    assert response.status_code == 201, response.get_json()
    commands = [m["args"][0]["command"] for m in client.get_received(NAMESPACE) if m["name"] == "command"]
    configure = [c for c in commands if c["op"] == "configure"]
    # (A second, identical list may follow from the event log: harmless, the manager keeps what did not change.)
    assert configure and {tuple(sorted(d["name"] for d in c["devices"])) for c in configure} == {
        ("keypad-1", "kiosk-printer", "led-1")}
    # ... and the new display is brought in line with its counter (closed: blank) in the same breath.
    led = device_id(hub, "led-1")
    eventually(lambda: any(c.get("device") == led for c in
                           [m["args"][0]["command"] for m in client.get_received(NAMESPACE)]
                           + [c for c in commands if c.get("device") == led]), 3, what="LED synced")


def test_a_hub_process_without_the_device_manager_refuses_agents(database_url):
    application = create_app(device_settings(database_url, simulate_devices=False, device_manager=False))
    hub = application.extensions["counterflow"]
    try:
        client = hub.realtime.socketio.test_client(application, namespace=NAMESPACE,
                                                   auth={"token": token_for(hub, AGENT)})
        assert not client.is_connected(NAMESPACE)
    finally:
        hub.db.dispose()


def test_a_device_added_by_another_process_reaches_its_agent(app, hub):
    """`counterflow devices add` writes the table from its own process: the hub hears of it from the
    event log (its delivery loop), not from a request, and reconfigures the agent."""
    from server.devices.registry import DeviceRegistry

    hub.realtime.start()
    try:
        client = connect(app, hub)
        client.get_received(NAMESPACE)
        elsewhere = DeviceRegistry(hub.db, hub.devices.clock, lambda events: None)  # publishes to no bus here
        elsewhere.add("demo", kind="pad", name="pad-1", url="serial:///dev/ttyAGENT1?unit=101", counter=1,
                      settings={"agent": AGENT})

        def configured():
            return [sorted(d["name"] for d in m["args"][0]["command"]["devices"])
                    for m in client.get_received(NAMESPACE)
                    if m["name"] == "command" and m["args"][0]["command"]["op"] == "configure"]
        assert eventually(configured, 5, what="configure after the log")[-1] == ["keypad-1", "kiosk-printer", "pad-1"]
    finally:
        hub.realtime.stop()
