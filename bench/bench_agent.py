"""Branch agent benchmark (run: python -m bench bench_agent [--agents 200]).

1. Issue-to-printed and call-to-LED latency, the same devices driven by the hub itself and through a
   `counterflow agent` process: the real hub (`counterflow run --demo`, SQLite, gevent) on loopback,
   the printer simulator on TCP and the Modbus bus simulator on a pty in this process. Issue-to-printed:
   from sending the kiosk's POST to the last byte of the ticket at the printer. Call-to-LED: from
   sending call-next to the display's registers showing the number (polled every millisecond).
2. Reconnect time after a hub restart (kill -9, start): from the new hub answering /healthz to the
   agent saying it is linked again (its --health-port).
3. Many agents: N simulated agents (protocol level: one python-socketio client each over websocket,
   hello, every command acknowledged, each device's state reported, a heartbeat every 30 s as the
   real workers send; no device I/O), each with a printer, an LED and a pad. The hub's RSS and CPU
   (from /proc) idle without agents, and with all N linked: per agent.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
import socketio  # noqa: E402

from hardware_sim.modbus_bus import ModbusBusSimulator  # noqa: E402
from hardware_sim.printer import PrinterSimulator  # noqa: E402
from server import migrate  # noqa: E402
from tests.support.live_agent import AgentProcess, Api  # noqa: E402
from tests.support.live_hub import LiveHub  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait(probe, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.005)
    raise RuntimeError(f"{what}: not within {timeout} s")


def agent_linked(agent: AgentProcess) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{agent.health_port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


# ---------------------------------------------------------------------------- 1 + 2: latency, reconnect
def latency(through_agent: bool, rounds: int, tmp: Path) -> dict:
    printer = PrinterSimulator().start()
    bus = ModbusBusSimulator()
    bus.add_device("led_display", 1)
    bus.start()
    url = f"sqlite:///{tmp}/latency-{through_agent}.db"
    migrate.upgrade(url)
    hub = LiveHub(url, log_path=tmp / "hub.log").start(timeout=90)
    agent = None
    try:
        admin = Api(hub, "admin")
        settings = {"agent": "bench-pc"} if through_agent else {}
        token = admin.ok("POST", "/device-tokens", {"name": "bench-pc", "kind": "agent", "branch": "demo"})["token"]
        admin.ok("POST", "/devices", {"branch": "demo", "kind": "printer", "name": "p", "url": printer.url,
                                      "settings": {"default": True, **settings}})
        admin.ok("POST", "/devices", {"branch": "demo", "kind": "led", "name": "led", "counter": 1,
                                      "url": f"{bus.url}&unit=1", "settings": settings})
        if through_agent:
            agent = AgentProcess(hub.base_url, token, tmp / "agent.log").start()
            wait(lambda: agent_linked(agent), 20, "agent linked")
        wait(lambda: all(d["state"] == "online" for d in admin.ok("GET", "/devices?branch=demo")["devices"]), 20,
             "devices online")
        teller = Api(hub, "teller1")
        counter = next(c["id"] for c in teller.ok("GET", "/branches/demo/counters")["counters"] if c["number"] == 1)
        teller.ok("POST", f"/counters/{counter}/open")
        printed, lit = [], []
        session = requests.Session()
        headers = {"Authorization": f"Bearer {teller.token}"}
        for i in range(rounds):
            before = len(printer.tickets)
            t0 = time.monotonic()
            r = session.post(hub.base_url + "/api/v1/branches/demo/tickets", json={"service": "A"}, headers=headers)
            number = r.json()["number"]
            paper = wait(lambda: len(printer.tickets) > before and printer.tickets[before], 10, "printed")
            printed.append((paper.last_byte_at - t0) * 1000)
            t0 = time.monotonic()
            session.post(hub.base_url + f"/api/v1/counters/{counter}/call-next", headers=headers)
            wait(lambda: bus.display(1).shown == number, 10, "LED")
            lit.append((time.monotonic() - t0) * 1000)
            session.post(hub.base_url + f"/api/v1/counters/{counter}/complete", headers=headers)
            time.sleep(0.05)
        result = {"printed": printed, "led": lit}
        if through_agent:
            reconnects = []
            for _ in range(3):
                hub.kill()
                hub.start(timeout=90)
                t_up = time.monotonic()
                wait(lambda: agent_linked(agent), 60, "agent relinked")
                reconnects.append(time.monotonic() - t_up)
            result["reconnect"] = reconnects
        return result
    finally:
        if agent:
            agent.stop()
        hub.stop()
        bus.stop()
        printer.stop()


# ---------------------------------------------------------------------------- 3: many agents
class FakeAgent:
    """The agent's wire protocol without devices: what the hub pays per linked branch PC."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.sio = socketio.Client(reconnection=False)
        self.devices: list[int] = []
        self.sio.on("command", self._command, namespace="/agent")

    def _command(self, payload):
        command = payload["command"]
        if command.get("op") == "configure":
            self.devices = [d["id"] for d in command["devices"]]
            for device in self.devices:
                self.sio.emit("report", {"id": os.urandom(8).hex(), "report": {
                    "event": "device.state", "device": device, "state": "online", "detail": "", "flags": [],
                    "info": {}, "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"}}, namespace="/agent")
        return {"id": payload["id"], "reply": {"ok": True, "error": None}}

    def start(self) -> "FakeAgent":
        self.sio.connect(self.url, auth={"token": self.token}, namespaces=["/agent"], transports=["websocket"],
                         wait_timeout=30)
        self.sio.call("hello", {"version": "bench"}, namespace="/agent", timeout=30)
        return self

    def heartbeat(self) -> None:
        self.sio.emit("report", {"id": os.urandom(8).hex(), "report": {
            "event": "device.seen", "devices": self.devices,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"}}, namespace="/agent")


def many_agents(count: int, tmp: Path, window_s: float = 30.0) -> dict:
    url = f"sqlite:///{tmp}/many.db"
    migrate.upgrade(url)
    hub = LiveHub(url, log_path=tmp / "hub-many.log", env={"COUNTERFLOW_LOG_LEVEL": "WARNING"}).start(timeout=90)
    agents: list[FakeAgent] = []
    try:
        admin = Api(hub, "admin")
        tokens = []
        for i in range(count):
            name = f"pc-{i:03d}"
            tokens.append(admin.ok("POST", "/device-tokens", {"name": name, "kind": "agent", "branch": "demo"})["token"])
            for kind, url in (("printer", f"serial:///dev/ttyBENCH{i}"), ("led", f"serial:///dev/ttyBENCH{i}?unit=1"),
                              ("pad", f"serial:///dev/ttyBENCH{i}?unit=101")):
                body = {"branch": "demo", "kind": kind, "name": f"{name}-{kind}", "url": url, "settings": {"agent": name}}
                if kind != "printer":
                    body["counter"] = 1 + i % 4
                admin.ok("POST", "/devices", body)
        pid = hub.proc.pid
        time.sleep(2)
        rss0, c0 = rss_mb(pid), cpu_s(pid)
        time.sleep(window_s)
        idle_cpu = (cpu_s(pid) - c0) / window_s
        t0 = time.monotonic()
        for token in tokens:
            agents.append(FakeAgent(hub.base_url, token).start())
        connect_s = time.monotonic() - t0
        wait(lambda: all(d["state"] == "online" for d in admin.ok("GET", "/devices?branch=demo")["devices"]), 120,
             "every device online")
        time.sleep(2)
        rss1, c1 = rss_mb(pid), cpu_s(pid)
        # Steady state: every agent's heartbeat once in the window, spread over it (30 s cadence).
        gap = window_s / max(1, len(agents))
        for agent in agents:
            agent.heartbeat()
            time.sleep(gap)
        linked_cpu = (cpu_s(pid) - c1) / window_s
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return {"count": count, "connect_s": connect_s, "rss0": rss0, "rss1": rss1, "idle_cpu": idle_cpu,
                "linked_cpu": linked_cpu, "fds": fds}
    finally:
        for agent in agents:
            try:
                agent.sio.disconnect()
            except Exception:  # noqa: BLE001 - tearing down
                pass
        hub.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--agents", type=int, default=200)
    args = parser.parse_known_args(argv)[0]  # `python -m bench bench_agent --agents 50` passes its name too
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        print(f"| path | issue-to-printed p50 / p99 (ms) | call-to-LED p50 / p99 (ms) |  ({args.rounds} rounds)")
        print("| --- | --- | --- |")
        for through_agent in (False, True):
            r = latency(through_agent, args.rounds, tmp_path)
            print(f"| {'through the agent' if through_agent else 'in the hub'} | "
                  f"{statistics.median(r['printed']):.1f} / {pct(r['printed'], 99):.1f} | "
                  f"{statistics.median(r['led']):.1f} / {pct(r['led'], 99):.1f} |")
            if through_agent:
                print("reconnect after hub restart (s, from /healthz up to agent linked): "
                      + ", ".join(f"{s:.2f}" for s in r["reconnect"]))
        if args.agents:
            m = many_agents(args.agents, tmp_path)
            per = m["count"]
            print(f"{per} simulated agents (3 devices each): linked in {m['connect_s']:.1f} s; hub RSS "
                  f"{m['rss0']:.0f} -> {m['rss1']:.0f} MB ({(m['rss1'] - m['rss0']) * 1024 / per:.0f} kB per agent); "
                  f"hub CPU idle {m['idle_cpu'] * 100:.2f} % -> {m['linked_cpu'] * 100:.2f} % of a core "
                  f"({(m['linked_cpu'] - m['idle_cpu']) * 1000 / per:.3f} ms/s per agent); {m['fds']} fds")


if __name__ == "__main__":
    main()
