"""Socket.IO: turns committed bus events into room messages, and answers joins with a snapshot.

Protocol (docs/ui.md has the client side):
- connect with `auth: {token}` (optional; a staff bearer token or a device token);
- emit `join` {audience, branch | counter_id | token}; the ack is {ok, seq, stream, snapshot} or
  {ok: false, error: {code, message}}. `join` is idempotent: a client re-joins to get a fresh snapshot.
- every message is emitted under the event's dotted name as {event, seq, branch, data}. A "full"
  audience that has no business with an event gets {event: "tick", seq, branch} instead, so its seq
  stream has no holes and a hole really means a lost message. Several messages for the same rooms
  that are ready together go as one `batch` packet: a list of such messages, in seq order.

- every few seconds each branch room gets `heartbeat` {event: "heartbeat", seq, branch}: the last seq this
  process delivered to the branch. A full-stream client whose seq is behind it missed a message and
  re-joins. A display may join with `since` (the last seq it applied) and gets `missed_calls` in the ack.

Events come from the event log, not from memory: server/delivery.py reads what was committed, in seq
order, and calls `emit_events` here, so a refused engine call, which commits nothing, emits nothing and
the request that caused an event never waits for the fan-out (docs/architecture.md, "Real-time").
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, request
from flask_socketio import SocketIO, join_room, leave_room
from sqlalchemy import select

from . import audiences
from .auth import authenticate
from .delivery import DeliveryLoop
from .models import Counter
from .outage import is_database_unavailable
from .queue import queries
from .queue.clock import utc_now
from .queue.errors import DomainError
from .queue.uow import DomainEvent
from .realtime_tokens import ENDED, STAFF_KEYS, TokenWatch
from .serve import current_async_mode

log = logging.getLogger(__name__)

TICK = "tick"
BATCH = "batch"
HEARTBEAT = "heartbeat"
COUNTER_CACHE_S = 30.0


class _CounterRooms:
    """Counter ids per branch, so a staff message reaches every `counter:<id>` room of the branch."""

    def __init__(self, db):
        self.db = db
        self._ids: dict[int, tuple[float, set[int]]] = {}
        self._lock = threading.Lock()

    def rooms(self, event: DomainEvent) -> list[str]:
        counter = event.data.get("counter")
        return self.of_branch(event.branch_id, counter.get("id") if isinstance(counter, dict) else None)

    def of_branch(self, branch_id: int, mentioned: int | None = None) -> list[str]:
        with self._lock:
            loaded_at, ids = self._ids.get(branch_id, (0.0, set()))
        if time.monotonic() - loaded_at > COUNTER_CACHE_S or (mentioned is not None and mentioned not in ids):
            with self.db.read() as session:
                ids = set(session.execute(select(Counter.id).where(Counter.branch_id == branch_id)).scalars())
            with self._lock:
                self._ids[branch_id] = (time.monotonic(), ids)
        return [f"counter:{cid}" for cid in sorted(ids)]


class Realtime:
    def __init__(self, app: Flask, hub):
        self.hub = hub
        self.socketio = SocketIO(
            app,
            # gevent under `counterflow run` (server/serve.py patched the process), else threading:
            # the test client, scripts, and COUNTERFLOW_ASYNC_MODE=threading (gunicorn threads).
            async_mode=current_async_mode(),
            # No message_queue: every process delivers the event log to its own sockets
            # (docs/architecture.md, "Scaling out"); a Redis hop would only add latency and a failure mode.
            manage_session=False,  # no Flask session over sockets: auth is the bearer token
            ping_interval=15,  # notice a half-open connection within ~25 s
            ping_timeout=10,
            max_http_buffer_size=16 * 1024,  # clients only ever send small join requests
            logger=False,
            engineio_logger=False,
        )
        self._tokens: dict[str, str | None] = {}
        self._joined: dict[str, dict[str, list[str]]] = {}
        self._lock = threading.Lock()
        self._counter_rooms = _CounterRooms(hub.db)
        if hub.settings.socketio_message_queue:
            log.warning("socketio_message_queue is no longer used: every hub process delivers from the "
                        "database's event log (docs/architecture.md, \"Scaling out\")")
        settings = hub.settings
        self.delivery = DeliveryLoop(hub.db, self.emit_events, self.heartbeat, poll_s=settings.realtime_poll_s,
                                     heartbeat_s=settings.realtime_heartbeat_s,
                                     keep_hours=settings.event_log_keep_hours,
                                     outage=getattr(hub, "outage", None))
        self.token_watch = TokenWatch(self, hub.db, hub.settings.socket_token_check_s)
        self._register_handlers()
        hub.bus.subscribe(self.delivery.wake)  # own commits: deliver now rather than at the next poll

    def start(self) -> None:
        self.delivery.start()

    def stop(self, timeout: float = 2.0) -> None:
        self.token_watch.stop()
        self.delivery.stop(timeout)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every committed event so far has gone out to the rooms."""
        return self.delivery.flush(timeout)

    # ------------------------------------------------------------------ client requests
    def _register_handlers(self) -> None:
        sio = self.socketio

        @sio.on("connect")
        def _connect(auth=None):
            token = auth.get("token") if isinstance(auth, dict) else None
            with self._lock:
                self._tokens[request.sid] = token if isinstance(token, str) and 0 < len(token) <= 256 else None
                self._joined[request.sid] = {}

        @sio.on("disconnect")
        def _disconnect(*_reason):
            with self._lock:
                self._tokens.pop(request.sid, None)
                self._joined.pop(request.sid, None)

        @sio.on("join")
        def _join(payload=None):
            return self.join(request.sid, payload)

        @sio.on("leave")
        def _leave(payload=None):
            key = payload.get("key") if isinstance(payload, dict) else None
            with self._lock:
                rooms = self._joined.get(request.sid, {}).pop(key, [])
            for room in rooms:
                leave_room(room)
            return {"ok": True, "left": bool(rooms)}

    def join(self, sid: str, payload) -> dict:
        with self._lock:
            token = self._tokens.get(sid)
        try:
            with self.hub.db.read() as session:
                def principal():
                    if not token:
                        return audiences.no_principal()
                    # Checked at every join, not only at connect: a revoked token stops working.
                    return authenticate(session, token, utc_now())

                joined = audiences.authorize(session, payload, principal)
            for room in joined.rooms:  # rooms first, snapshot second: nothing falls in between
                join_room(room, sid=sid)
            with self._lock:
                self._joined.setdefault(sid, {})[joined.key] = joined.rooms
            if token and joined.key.startswith(STAFF_KEYS):
                self.token_watch.ensure_running()
            with self.hub.db.read() as session:
                ack = joined.ack(session, since=_since(payload))
        except DomainError as err:
            log.info("realtime join refused", extra={"code": err.code, "audience": _audience(payload)})
            return {"ok": False, "error": {"code": err.code, "message": err.message}}
        except Exception as err:  # noqa: BLE001 - the client gets an answer and retries; the trace goes to the log
            if is_database_unavailable(err):  # logged once per outage (server/outage.py); the client retries
                self.hub.outage.refused(err, "realtime join")
                return {"ok": False, "error": {"code": "database_unavailable", "message": "database unavailable"}}
            log.exception("realtime join failed", extra={"audience": _audience(payload)})
            return {"ok": False, "error": {"code": "internal_error", "message": "an unexpected error occurred"}}
        log.debug("realtime join", extra={"audience": joined.audience, "branch": joined.branch, "seq": ack["seq"]})
        return ack

    # ------------------------------------------------------------------ token checks (realtime_tokens.py)
    def staff_sockets(self) -> dict[str, list[str]]:
        """token -> sids of the sockets that hold a staff room with it."""
        found: dict[str, list[str]] = {}
        with self._lock:
            for sid, joins in self._joined.items():
                token = self._tokens.get(sid)
                if token and any(key.startswith(STAFF_KEYS) for key in joins):
                    found.setdefault(token, []).append(sid)
        return found

    def drop_token(self, token: str) -> None:
        """Sign-out in this process: the token's sockets leave their staff rooms now."""
        self.drop_sids(self.staff_sockets().get(token, []), "invalid_token")

    def drop_sids(self, sids: list[str], code: str) -> None:
        for sid in sids:
            with self._lock:
                joins = self._joined.get(sid, {})
                dropped = [joins.pop(key) for key in list(joins) if key.startswith(STAFF_KEYS)]
            for rooms in dropped:
                for room in rooms:
                    self.socketio.server.leave_room(sid, room, namespace="/")
            if dropped:
                self.socketio.emit(ENDED, {"code": code}, to=sid)
                log.info("socket dropped from staff rooms", extra={"code": code})

    # ------------------------------------------------------------------ event log -> rooms
    def emit_events(self, events: list[DomainEvent]) -> None:
        """Committed events to every audience of their branch, shaped for each (delivery loop).

        Every read (enrichment, counter rooms) happens before the first emit, so a failed read raises
        with nothing sent and the loop can try the same events again.

        Each room set gets its messages in order, in one packet: the message itself when there is
        one, else a `batch` (a list of messages). Fewer packets is what keeps hundreds of screens fast.
        """
        devices = getattr(self.hub, "devices", None)
        if devices is not None:
            devices.on_logged(events)  # a device change committed by another process (CLI) reaches the devices
        outbox: dict[tuple[str, ...], list[dict]] = {}
        listening: dict[str, bool] = {}
        for event in events:
            code = event.branch_code
            if code not in listening:
                listening[code] = self._anyone_listening(code)
            if not listening[code]:
                continue  # nobody to tell: a client that joins later starts from a snapshot
            for rooms, message in self._shape(event):
                if rooms:
                    outbox.setdefault(tuple(rooms), []).append(message)
        for rooms, messages in outbox.items():
            if len(messages) == 1:
                self.socketio.emit(messages[0]["event"], messages[0], to=list(rooms))
            else:
                self.socketio.emit(BATCH, messages, to=list(rooms))

    def _shape(self, event: DomainEvent):
        """(rooms, message) for each audience of one event."""
        code = event.branch_code
        queue_rows = None
        if event.name == "queue.changed":
            # Enrich once per event, not per client, and only the services the event names: clients
            # merge these rows into their table by service code.
            with self.hub.db.read() as session:
                _, queue_rows = self.hub.snapshots.get(session, code, utc_now(),
                                                       service_ids=set(event.data.get("services", [])))

        staff_data = dict(event.data, queue=queue_rows) if queue_rows is not None else event.data
        yield [f"supervisor:{code}", *self._counter_rooms.rooms(event)], _message(event, staff_data)

        public = audiences.public_event_data(event.name, event.data, queue_rows)
        yield [f"display:{code}", f"kiosk:{code}"], _message(event, public)

        # The customer's own ticket page: its ticket's events, and a nudge when its queue moved.
        if public is not None and event.name.startswith("ticket.") and isinstance(event.data.get("ticket"), dict):
            yield [f"ticket:{event.data['ticket']['id']}"], _message(event, public)
        if event.name == "queue.changed":
            yield [f"service:{sid}" for sid in event.data.get("services", [])], _message(event, {})

    def heartbeat(self, branch_id: int, code: str, seq: int) -> None:
        """The last seq delivered to a branch, to its full-stream rooms (ticket rooms are sparse)."""
        if not code or not self._anyone_listening(code):
            return
        rooms = [f"display:{code}", f"kiosk:{code}", f"supervisor:{code}", *self._counter_rooms.of_branch(branch_id)]
        self.socketio.emit(HEARTBEAT, {"event": HEARTBEAT, "seq": seq, "branch": code}, to=rooms)

    def _anyone_listening(self, code: str) -> bool:
        """False only when we know no client of this branch is connected to this process."""
        rooms = self.socketio.server.manager.rooms.get("/", {})
        suffix = f":{code}"
        # Branch rooms end in the code; counter, ticket and service rooms are by id, so any of those
        # counts (rare enough not to matter, and always safe).
        return any(members and (name.endswith(suffix) or name.startswith(("counter:", "ticket:", "service:")))
                   for name, members in list(rooms.items()) if isinstance(name, str))


def _message(event: DomainEvent, data: dict | None) -> dict:
    """The wire form of one event for one audience; no data means a bare tick with the seq."""
    message = {"event": event.name if data is not None else TICK, "seq": event.seq, "branch": event.branch_code}
    if data is not None:
        message["data"] = data
    return message


def _since(payload) -> int | None:
    since = payload.get("since") if isinstance(payload, dict) else None
    return since if isinstance(since, int) and not isinstance(since, bool) and since >= 0 else None


def _audience(payload) -> str | None:
    return payload.get("audience") if isinstance(payload, dict) else None


def init_realtime(app: Flask, hub) -> Realtime:
    realtime = Realtime(app, hub)
    app.extensions["counterflow_realtime"] = realtime
    return realtime
