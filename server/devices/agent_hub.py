"""The hub's end of the branch agents (`counterflow agent`): Socket.IO namespace `/agent`.

A device whose settings say {"agent": "<agent token name>"} is driven by that agent, not by the
in-hub manager: DeviceService.send hands its commands here. The wire (docs/device-manager.md,
"Branch agents"):

    agent -> hub   connect  auth {token, version}     an `agent` device token, else refused
                   hello    {version}                 -> {ok, agent}; the hub then sends `configure`
                   report   {id, report}              -> {ok, duplicate?, dropped?, queued?}; acked once handled
    hub -> agent   command  {id, link, n, sent_at, command} -> {id, reply}

Exactly once: commands carry an id and a per-link number `n` (the agent runs them in n order and
answers a repeated id from its memory); reports carry an id, the hub acknowledges only once the
bridge has handled one and answers a repeated id as a duplicate without acting again (key presses
also across hub restarts: agent_receipts.py). The hub never re-sends a command after a reconnect:
displays are re-synced from the database instead, and a print that was not confirmed in time stays
`printed: false` (the kiosk shows the ticket and its QR).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import request
from socketio.exceptions import ConnectionRefusedError  # noqa: A004 - the one Socket.IO turns into a refusal

from ..auth import authenticate
from ..queue.clock import utc_now
from ..queue.errors import DomainError
from . import agent_offline, agent_receipts
from .directory import DeviceInfo
from .protocol import Pending, reply

log = logging.getLogger(__name__)

NAMESPACE = "/agent"
SEEN_REPORTS = 5000  # report ids remembered per agent, for de-duplication
HANDLE_TIMEOUT_S = 10.0

AgentKey = tuple[int, str]  # (branch id, agent token name)


def agent_of(device: DeviceInfo | None) -> AgentKey | None:
    """Which agent drives `device` (None: the in-hub manager)."""
    if device is None:
        return None
    name = device.settings.get("agent")
    return (device.branch_id, name) if isinstance(name, str) and name else None


@dataclass
class AgentLink:
    key: AgentKey
    sid: str
    version: str
    connected_at: dt.datetime
    last_seen_at: dt.datetime
    n: int = 0
    pending: dict[str, tuple[float, Pending]] = field(default_factory=dict)


class AgentHub:
    def __init__(self, service):
        self.service = service  # DeviceService: directory, bridge, settings, db
        self.socketio = None
        self._lock = threading.Lock()
        self._principals: dict[str, object] = {}  # sid -> Principal, between connect and hello
        self._links: dict[AgentKey, AgentLink] = {}
        self._last: dict[AgentKey, dict] = {}  # what the supervisor panel shows of agents seen since start
        self._seen: dict[AgentKey, OrderedDict] = {}
        self._timers: dict[AgentKey, threading.Timer] = {}
        self._pruned_at = 0.0  # agent_receipts: old ids dropped at most hourly

    # -- wiring -----------------------------------------------------------------------------------
    def install(self, socketio) -> None:
        self.socketio = socketio
        socketio.on_event("connect", self._on_connect, namespace=NAMESPACE)
        socketio.on_event("disconnect", self._on_disconnect, namespace=NAMESPACE)
        socketio.on_event("hello", self._on_hello, namespace=NAMESPACE)
        socketio.on_event("report", self._on_report, namespace=NAMESPACE)

    def start(self) -> None:
        """At hub start: an agent that does not come back within the bound is reported offline."""
        for key in self._known_agents():
            if key not in self._links:
                self._arm_offline(key)

    def stop(self) -> None:
        with self._lock:
            timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            timer.cancel()

    # -- commands (DeviceService.send) ------------------------------------------------------------
    def submit(self, key: AgentKey, command: dict) -> Pending:
        pending = Pending()
        with self._lock:
            link = self._links.get(key)
            if link is None:
                pending.resolve(reply(False, f"branch agent {key[1]} is offline"))
                return pending
            link.n += 1
            command_id = uuid.uuid4().hex
            payload = {"id": command_id, "link": link.sid, "n": link.n, "sent_at": time.time(), "command": command}
            link.pending[command_id] = (time.monotonic(), pending)
            self._prune(link)
            sid = link.sid

        def acked(answer=None) -> None:
            with self._lock:
                link.pending.pop(command_id, None)
            result = answer.get("reply") if isinstance(answer, dict) else None
            pending.resolve(result if isinstance(result, dict) else reply(False, "bad answer from the agent"))

        self.socketio.emit("command", payload, to=sid, namespace=NAMESPACE, callback=acked)
        return pending

    @staticmethod
    def _prune(link: AgentLink) -> None:
        # A command never answered (the link dropped) is forgotten after a minute; its sender has long
        # stopped waiting (a print then stays printed: false, never re-sent).
        cutoff = time.monotonic() - 60
        for command_id in [c for c, (at, _) in link.pending.items() if at < cutoff]:
            del link.pending[command_id]

    def configs_for(self, key: AgentKey) -> list[dict]:
        return [d.config().as_dict() for d in self.service.directory.all() if agent_of(d) == key]

    def reconfigure(self) -> None:
        """The device table changed: every connected agent gets its (new) list at once."""
        with self._lock:
            keys = list(self._links)
            unlinked = [k for k in self._known_agents() if k not in self._links and k not in self._timers]
        for key in keys:
            self.submit(key, {"op": "configure", "devices": self.configs_for(key)})
        for key in unlinked:  # named by a new device but not (yet) linked: reported if it never comes
            self._arm_offline(key)

    def agents(self, branch_id: int | None = None) -> list[dict]:
        """Every agent named by a device or seen since start: online, version, last seen, devices."""
        keys = set(self._known_agents()) | set(self._last)
        rows = []
        for key in sorted(keys, key=lambda k: (k[0], k[1])):
            if branch_id is not None and key[0] != branch_id:
                continue
            with self._lock:
                link, last = self._links.get(key), dict(self._last.get(key, {}))
            rows.append({"name": key[1], "branch_id": key[0], "online": link is not None,
                         "version": last.get("version"), "last_seen_at": last.get("last_seen_at"),
                         "devices": [d["name"] for d in self.configs_for(key)]})
        return rows

    def _known_agents(self) -> set[AgentKey]:
        return {key for key in map(agent_of, self.service.directory.all()) if key is not None}

    # -- socket handlers --------------------------------------------------------------------------
    def _on_connect(self, auth=None):
        if not self.service.running:
            # Devices are driven by the one hub process that runs the device manager; refused here,
            # the agent retries and (behind a balancer) lands on that one (docs/architecture.md, "Scaling out").
            raise ConnectionRefusedError("no_device_manager")
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not 0 < len(token) <= 256:
            raise ConnectionRefusedError("an agent token is required")
        try:
            with self.service.hub.db.read() as session:
                principal = authenticate(session, token, utc_now())
        except DomainError as err:
            log.info("agent refused", extra={"code": err.code})
            raise ConnectionRefusedError(err.code) from None
        if principal.kind != "device" or principal.device_kind != "agent":
            log.info("agent refused", extra={"code": "not_an_agent", "name": principal.name})
            raise ConnectionRefusedError("not_an_agent")
        with self._lock:
            self._principals[request.sid] = principal
        return True

    def _on_hello(self, payload=None):
        sid = request.sid
        with self._lock:
            principal = self._principals.get(sid)
        if principal is None:
            return {"ok": False, "error": {"code": "not_connected", "message": "connect with a token first"}}
        version = str((payload or {}).get("version") or "?")[:40] if isinstance(payload, dict) else "?"
        key: AgentKey = (principal.branch_id, principal.name)
        now = utc_now()
        with self._lock:
            old = self._links.get(key)
            self._links[key] = AgentLink(key=key, sid=sid, version=version, connected_at=now, last_seen_at=now)
            self._last[key] = {"version": version, "last_seen_at": now.isoformat() + "Z"}
            timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        if old is not None and old.sid != sid:
            log.info("agent replaced an older link", extra={"agent": key[1]})
        log.info("agent connected", extra={"agent": key[1], "branch_id": key[0], "version": version})
        self.submit(key, {"op": "configure", "devices": self.configs_for(key)})
        bridge = self.service.bridge
        if bridge is not None:
            bridge.call(lambda: self._back_online(key))
            mine = {d.id for d in self.service.directory.all() if agent_of(d) == key}
            # Its displays and keypads to what their counters do now (instead of re-sending commands).
            bridge.call(lambda: bridge.sync_displays(mine))
        return {"ok": True, "agent": key[1]}

    def _back_online(self, key: AgentKey) -> None:
        s = self.service
        if agent_offline.clear_offline(s.hub.db, s.clock, s.hub.bus.publish, branch_id=key[0], agent=key[1]):
            log.info("agent fault cleared", extra={"agent": key[1]})

    def _on_disconnect(self, *_reason):
        sid = request.sid
        with self._lock:
            self._principals.pop(sid, None)
            key = next((k for k, link in self._links.items() if link.sid == sid), None)
            if key is None:
                return
            del self._links[key]
        log.warning("agent disconnected", extra={"agent": key[1], "branch_id": key[0]})
        self._arm_offline(key)

    def _on_report(self, payload=None):
        sid = request.sid
        with self._lock:
            link = next((lk for lk in self._links.values() if lk.sid == sid), None)
        if link is None:
            return {"ok": False, "error": {"code": "not_connected", "message": "say hello first"}}
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str) \
                or not isinstance(payload.get("report"), dict):
            return {"ok": False, "error": {"code": "invalid_report", "message": "expected {id, report}"}}
        key, report_id, report = link.key, payload["id"][:64], payload["report"]
        now = utc_now()
        link.last_seen_at = now
        with self._lock:
            self._last.setdefault(key, {})["last_seen_at"] = now.isoformat() + "Z"
            seen = self._seen.setdefault(key, OrderedDict())
            if report_id in seen:
                return {"ok": True, "duplicate": True}
            seen[report_id] = True
            while len(seen) > SEEN_REPORTS:
                seen.popitem(last=False)
        why = self._refusal(key, report)
        if why is not None:
            log.info("agent report dropped", extra={"agent": key[1], "event": report.get("event"),
                                                    "device": report.get("device"), "reason": why})
            return {"ok": True, "dropped": why}
        if report.get("event") == "device.key":
            try:
                fresh = self._first_time(key, report_id, now)
            except Exception:  # noqa: BLE001 - database away: not recorded, so not acted on; the agent retries
                with self._lock:
                    seen.pop(report_id, None)
                log.warning("agent key press not recorded", extra={"agent": key[1]}, exc_info=True)
                return {"ok": False, "error": {"code": "database_unavailable", "message": "send it again"}}
            if not fresh:
                return {"ok": True, "duplicate": True}
        if not self._handle(report):
            # Still queued on the bridge, which will act on it: a re-send would count it twice.
            log.warning("agent report still queued", extra={"agent": key[1], "event": report.get("event")})
            return {"ok": True, "queued": True}
        return {"ok": True}

    def _first_time(self, key: AgentKey, report_id: str, now: dt.datetime) -> bool:
        db = self.service.hub.db
        if time.monotonic() - self._pruned_at > 3600:
            self._pruned_at = time.monotonic()
            agent_receipts.prune(db, now)
        return agent_receipts.first_time(db, branch_id=key[0], agent=key[1], report_id=report_id, now=now)

    def _refusal(self, key: AgentKey, report: dict) -> str | None:
        """Why a report is not acted on: another agent's device, or a key press too old to mean anything."""
        event = report.get("event")
        if event == "device.seen":
            report["devices"] = [d for d in report.get("devices") or []
                                 if agent_of(self.service.directory.get(d)) == key]
            return None
        if agent_of(self.service.directory.get(report.get("device"))) != key:
            return "not_this_agents_device"
        if event == "device.key" and report.get("kind") == "keypad":
            # A call-next from minutes ago would call someone who is no longer expected; a pad rating
            # is judged by the key handler (it must be for the ticket just served).
            at = _parse(report.get("at"))
            if at is not None and (utc_now() - at).total_seconds() > self.service.settings.agent_stale_key_s:
                return "stale"
        return None

    def _handle(self, report: dict) -> bool:
        bridge = self.service.bridge
        if bridge is None:
            return False
        done = threading.Event()
        bridge.on_report(report)
        bridge.call(done.set)  # the bridge runs in order: once this runs, the report is handled
        return done.wait(HANDLE_TIMEOUT_S)

    # -- offline ----------------------------------------------------------------------------------
    def _arm_offline(self, key: AgentKey) -> None:
        after = self.service.settings.agent_offline_after_s
        timer = threading.Timer(after, self._offline, args=(key,))
        timer.daemon = True
        with self._lock:
            old = self._timers.pop(key, None)
            self._timers[key] = timer
        if old is not None:
            old.cancel()
        timer.start()

    def _offline(self, key: AgentKey) -> None:
        with self._lock:
            if key in self._links or self._timers.get(key) is None:
                return
            self._timers.pop(key, None)
        s = self.service
        if s.bridge is None:
            return
        device_ids = [d.id for d in s.directory.all() if agent_of(d) == key]
        if not device_ids:
            return  # an agent with no devices (any more): nothing in the hall depends on it
        after = s.settings.agent_offline_after_s
        s.bridge.call(lambda: agent_offline.mark_offline(
            s.hub.db, s.clock, s.hub.bus.publish, branch_id=key[0], agent=key[1], device_ids=device_ids,
            after_s=after) and log.warning("agent offline", extra={"agent": key[1], "devices": len(device_ids)}))


def _parse(text) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "")).replace(tzinfo=None)
    except ValueError:
        return None
