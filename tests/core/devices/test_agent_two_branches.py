"""One central hub (PostgreSQL when COUNTERFLOW_TEST_DATABASE_URL is set) drives two branches'
devices through two agents, each in its own process with its own simulators: every ticket prints
at its own branch, every call lights its own branch's display, and neither agent is sent the
other's commands (docs/device-manager.md, "Branch agents")."""
from __future__ import annotations

from hardware_sim.modbus_bus import ModbusBusSimulator
from hardware_sim.printer import PrinterSimulator
from tests.core.devices.device_helpers import eventually
from tests.support.live_agent import AgentProcess, Api
from tests.support.live_hub import LiveHub

BRANCHES = ("demo", "east")


class Branch:
    def __init__(self, code: str):
        self.code = code
        self.printer = PrinterSimulator().start()
        self.bus = ModbusBusSimulator()
        self.bus.add_device("led_display", 1)
        self.bus.start()
        self.agent: AgentProcess | None = None

    def stop(self) -> None:
        if self.agent:
            self.agent.stop()
        self.bus.stop()
        self.printer.stop()


def set_up_branch(admin: Api, hub: LiveHub, branch: Branch, log_dir) -> None:
    if branch.code != "demo":
        admin.ok("POST", "/branches", {"code": branch.code, "name_zh": "東區分行", "name_en": "East"})
        admin.ok("POST", f"/branches/{branch.code}/services", {"code": "A", "name_zh": "個人業務", "name_en": "Personal"})
        admin.ok("POST", f"/branches/{branch.code}/counters", {"number": 1, "services": ["A"]})
    name = f"{branch.code}-pc"
    token = admin.ok("POST", "/device-tokens", {"name": name, "kind": "agent", "branch": branch.code})["token"]
    admin.ok("POST", "/devices", {"branch": branch.code, "kind": "printer", "name": "printer", "url": branch.printer.url,
                                  "settings": {"default": True, "agent": name}})
    admin.ok("POST", "/devices", {"branch": branch.code, "kind": "led", "name": "led-1", "counter": 1,
                                  "url": f"{branch.bus.url}&unit=1", "settings": {"agent": name}})
    branch.agent = AgentProcess(hub.base_url, token, log_dir / f"agent-{branch.code}.log").start()


def test_one_hub_drives_two_branches_through_two_agents(database_url, tmp_path):
    branches = [Branch(code) for code in BRANCHES]
    hub = LiveHub(database_url, log_path=tmp_path / "hub.log").start()
    try:
        admin = Api(hub, "admin")
        for branch in branches:
            set_up_branch(admin, hub, branch, tmp_path)
        for branch in branches:
            eventually(lambda b=branch: (b.agent.health() or {}).get("connected"), 20, what=f"{branch.code} agent")
            eventually(lambda b=branch: all(d["state"] == "online" for d in
                                            admin.ok("GET", f"/devices?branch={b.code}")["devices"]), 15,
                       what=f"{branch.code} devices online")

        issued = {}
        for branch in branches:
            ticket = admin.ok("POST", f"/branches/{branch.code}/tickets", {"service": "A"})
            assert ticket["printed"] is True, ticket
            issued[branch.code] = ticket
            counter = next(c for c in admin.ok("GET", f"/branches/{branch.code}/counters")["counters"]
                           if c["number"] == 1)
            admin.ok("POST", f"/counters/{counter['id']}/open")
            admin.ok("POST", f"/counters/{counter['id']}/call-next")
        for branch in branches:
            eventually(lambda b=branch: b.bus.display(1).shown == issued[b.code]["number"], 5,
                       what=f"{branch.code} LED shows its own call")
            [paper] = branch.printer.tickets
            assert issued[branch.code]["number"] in paper.render(48)
            agents = {a["name"]: a for a in admin.ok("GET", f"/branches/{branch.code}/agents")["agents"]}
            assert list(agents) == [f"{branch.code}-pc"] and agents[f"{branch.code}-pc"]["online"] is True
        # Both branches number from A001: each printer got exactly its own branch's one ticket.
        assert [len(b.printer.tickets) for b in branches] == [1, 1]
    finally:
        for branch in branches:
            branch.stop()
        hub.stop()
