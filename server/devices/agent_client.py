"""`counterflow agent`: the device manager on a branch PC, linked to the central hub over Socket.IO.

    counterflow agent --hub https://hub.example --token <agent device token> [--health-port 8790]

The hub sends commands (namespace /agent, `command` {id, link, n, sent_at, command}); this process
runs them on its own DeviceManager and answers each with {id, reply}. The manager's reports go
back as `report` {id, report}, one at a time and in order, each kept until the hub acknowledges it:
reports made while the link is down (key presses, ratings, health) are sent after the reconnect, in
order; the hub de-duplicates by id and drops what is too old to mean anything. The wire and the
rules are in server/devices/agent_hub.py and docs/device-manager.md ("Branch agents").

While the link is down the LED displays show 暫停服務 (the display's pause mode), so nobody waits
for a number that cannot be called; the hub re-syncs them when the link is back.
"""
from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections import OrderedDict, deque
from importlib import metadata

import socketio

from .agent_health import HealthServer
from .manager import DeviceManager
from .protocol import Pending, reply
from .worker import Timing

log = logging.getLogger(__name__)

NAMESPACE = "/agent"
MAX_OUTBOX = 10_000  # reports kept while offline; the oldest go first (logged) past this
DONE_COMMANDS = 2_000  # command ids remembered, for de-duplication
INTERRUPTED_AFTER_S = 3.0  # link down this long: displays to 暫停服務


def version() -> str:
    try:
        return metadata.version("counterflow")
    except metadata.PackageNotFoundError:
        return "dev"


class Agent:
    def __init__(self, hub_url: str, token: str, *, timing: Timing | None = None, backoff_max_s: float = 5.0,
                 interrupted_after_s: float = INTERRUPTED_AFTER_S):
        self.hub_url, self.token = hub_url.rstrip("/"), token
        self.backoff_max_s = backoff_max_s
        self.interrupted_after_s = interrupted_after_s
        self.version = version()
        self.manager = DeviceManager(self._on_report, timing=timing)
        # python-socketio reconnects by itself after a drop, with exponential backoff and jitter.
        self.sio = socketio.Client(reconnection=True, reconnection_attempts=0, reconnection_delay=0.5,
                                   reconnection_delay_max=backoff_max_s, randomization_factor=0.5,
                                   logger=False, engineio_logger=False)
        self.sio.on("connect", self._on_connect, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self.sio.on("command", self._on_command, namespace=NAMESPACE)
        self._lock = threading.Condition()
        self._outbox: deque[tuple[str, dict]] = deque()
        self._done: OrderedDict[str, Pending] = OrderedDict()
        self._expected: dict[str, int] = {}  # link -> next command number to run
        self._states: dict[int, dict] = {}  # device -> last device.state report, replayed on reconnect
        self._devices: list[dict] = []
        self._online = threading.Event()
        self._stopping = threading.Event()
        self._interrupt: threading.Timer | None = None
        self.stats = {"connects": 0, "commands": 0, "duplicate_commands": 0, "reports_sent": 0,
                      "reports_dropped_by_hub": 0, "outbox_overflow": 0}
        self.last_connected_at: float | None = None
        self.health: HealthServer | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self, health_port: int | None = None) -> "Agent":
        self.manager.start()
        threading.Thread(target=self._send_loop, name="agent-reports", daemon=True).start()
        threading.Thread(target=self._connect_loop, name="agent-connect", daemon=True).start()
        if health_port is not None:
            self.health = HealthServer(self.status, port=health_port).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 - stopping anyway
            pass
        self.manager.stop()
        if self.health is not None:
            self.health.stop()

    def _connect_loop(self) -> None:
        """The first connection (python-socketio retries by itself only after one has succeeded)."""
        delay = 0.5
        while not self._stopping.is_set() and not self.sio.connected:
            try:
                self.sio.connect(self.hub_url, auth={"token": self.token, "version": self.version},
                                 namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=10)
                return
            except socketio.exceptions.ConnectionError as err:
                wait = delay * (0.5 + random.random())  # jitter: 200 agents do not knock at once
                log.warning("hub not reachable", extra={"hub": self.hub_url, "error": str(err),
                                                        "retry_in_s": round(wait, 2)})
                self._stopping.wait(wait)
                delay = min(delay * 2, self.backoff_max_s)

    def status(self) -> dict:
        """What --health-port answers."""
        with self._lock:
            outbox = len(self._outbox)
            devices = [d["name"] for d in self._devices]
            states = {str(k): v.get("state") for k, v in self._states.items()}
        return {"status": "ok" if self._online.is_set() else "hub_unreachable", "hub": self.hub_url,
                "connected": self._online.is_set(), "version": self.version, "devices": devices,
                "states": states, "outbox": outbox, "manager_alive": self.manager.alive,
                "last_connected_at": self.last_connected_at, **self.stats}

    # -- the link ---------------------------------------------------------------------------------
    def _on_connect(self) -> None:
        answer = self.sio.call("hello", {"version": self.version}, namespace=NAMESPACE, timeout=10)
        if not (isinstance(answer, dict) and answer.get("ok")):
            log.error("hub refused the agent", extra={"answer": answer})
            return
        self.stats["connects"] += 1
        self.last_connected_at = time.time()
        if self._interrupt is not None:
            self._interrupt.cancel()
        with self._lock:
            # The hub marked our devices not_responding while we were away: tell it what they are now.
            for state in self._states.values():
                self._outbox.append((uuid.uuid4().hex, dict(state)))
            self._online.set()
            self._lock.notify_all()
        log.info("connected to the hub", extra={"hub": self.hub_url, "agent": answer.get("agent"),
                                                "outbox": len(self._outbox)})

    def _on_disconnect(self, *_reason) -> None:
        self._online.clear()
        log.warning("hub link lost", extra={"hub": self.hub_url})
        if not self._stopping.is_set():
            self._interrupt = threading.Timer(self.interrupted_after_s, self._show_interrupted)
            self._interrupt.daemon = True
            self._interrupt.start()

    def _show_interrupted(self) -> None:
        if self._online.is_set():
            return
        for device in self._devices:
            if device["kind"] == "led":
                self.manager.submit({"op": "led", "device": device["id"], "action": "pause"})
        log.warning("displays show service interrupted", extra={"hub": self.hub_url})

    # -- commands ---------------------------------------------------------------------------------
    def _on_command(self, payload=None) -> dict:
        if not isinstance(payload, dict) or not isinstance(payload.get("command"), dict):
            return {"id": None, "reply": reply(False, "bad command")}
        command_id, link, n = str(payload.get("id")), str(payload.get("link")), payload.get("n")
        command = self._localised(payload["command"], payload.get("sent_at"))
        with self._lock:
            # Socket.IO runs each message in its own thread: take them in the hub's order.
            deadline = time.monotonic() + 5
            while isinstance(n, int) and self._expected.get(link, 1) < n and time.monotonic() < deadline:
                self._lock.wait(0.1)
            pending = self._done.get(command_id)
            if pending is None:
                pending = self.manager.submit(command)
                self._done[command_id] = pending
                while len(self._done) > DONE_COMMANDS:
                    self._done.popitem(last=False)
                self.stats["commands"] += 1
                if command.get("op") == "configure":
                    self._devices = list(command.get("devices") or [])
                    known = {d["id"] for d in self._devices}
                    self._states = {k: v for k, v in self._states.items() if k in known}
            else:
                self.stats["duplicate_commands"] += 1  # answered from memory, not run again
            if isinstance(n, int):
                self._expected[link] = max(self._expected.get(link, 1), n + 1)
            self._lock.notify_all()
        result = pending.wait(30) or reply(False, "no result on the agent within 30 s")
        return {"id": command_id, "reply": result}

    @staticmethod
    def _localised(command: dict, sent_at) -> dict:
        """A print deadline is the hub's clock: move it to ours (the branch PC's clock may be off)."""
        if "deadline" in command and isinstance(sent_at, (int, float)):
            return dict(command, deadline=time.time() + (float(command["deadline"]) - float(sent_at)))
        return command

    # -- reports ----------------------------------------------------------------------------------
    def _on_report(self, report: dict) -> None:
        with self._lock:
            if report.get("event") == "device.state":
                self._states[report.get("device")] = report
            elif report.get("event") == "device.seen" and not self._online.is_set():
                return  # a heartbeat means nothing later; the state replay covers it
            if len(self._outbox) >= MAX_OUTBOX:
                dropped = self._outbox.popleft()
                self.stats["outbox_overflow"] += 1
                log.warning("report outbox full: oldest dropped", extra={"event": dropped[1].get("event")})
            self._outbox.append((uuid.uuid4().hex, report))
            self._lock.notify_all()

    def _send_loop(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                while not self._stopping.is_set() and not (self._outbox and self._online.is_set()):
                    self._lock.wait(1.0)
                if self._stopping.is_set():
                    return
                report_id, report = self._outbox[0]
            try:
                answer = self.sio.call("report", {"id": report_id, "report": report}, namespace=NAMESPACE,
                                       timeout=15)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.SocketIOError) as err:
                log.info("report not acknowledged yet", extra={"error": str(err) or type(err).__name__})
                self._stopping.wait(0.5)
                continue  # the same id again: the hub tells a repeat apart
            if isinstance(answer, dict) and answer.get("ok"):
                with self._lock:
                    if self._outbox and self._outbox[0][0] == report_id:
                        self._outbox.popleft()
                self.stats["reports_sent"] += 1
                if answer.get("dropped"):
                    self.stats["reports_dropped_by_hub"] += 1
                    log.info("hub dropped a report", extra={"event": report.get("event"),
                                                            "reason": answer["dropped"]})
            else:
                self._stopping.wait(0.5)


def run(hub_url: str, token: str, *, health_port: int | None = None, timing: Timing | None = None) -> int:
    """The CLI's `counterflow agent`: run until SIGTERM/SIGINT."""
    import signal

    agent = Agent(hub_url, token, timing=timing).start(health_port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("agent started", extra={"hub": hub_url, "version": agent.version, "health_port": health_port})
    stop.wait()
    agent.stop()
    log.info("agent stopped")
    return 0
