"""Socket.IO: turns committed bus events into room messages, and answers joins with a snapshot.

Protocol (docs/ui.md has the client side):
- connect with `auth: {token}` (optional; a staff bearer token or a device token);
- emit `join` {audience, branch | counter_id | token}; the ack is {ok, seq, stream, snapshot} or
  {ok: false, error: {code, message}}. `join` is idempotent: a client re-joins to get a fresh snapshot.
- every message is emitted under the event's dotted name as {event, seq, branch, data}. A "full"
  audience that has no business with an event gets {event: "tick", seq, branch} instead, so its seq
  stream has no holes and a hole really means a lost message.

Emission runs on the publishing thread right after the commit (EventBus), so a refused engine call,
which commits nothing, emits nothing.
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
from .models import Counter
from .queue import queries
from .queue.clock import utc_now
from .queue.errors import DomainError
from .queue.uow import DomainEvent

log = logging.getLogger(__name__)

TICK = "tick"
COUNTER_CACHE_S = 30.0


class _CounterRooms:
    """Counter ids per branch, so a staff message reaches every `counter:<id>` room of the branch."""

    def __init__(self, db):
        self.db = db
        self._ids: dict[int, tuple[float, set[int]]] = {}
        self._lock = threading.Lock()

    def rooms(self, event: DomainEvent) -> list[str]:
        counter = event.data.get("counter")
        mentioned = counter.get("id") if isinstance(counter, dict) else None
        with self._lock:
            loaded_at, ids = self._ids.get(event.branch_id, (0.0, set()))
        if time.monotonic() - loaded_at > COUNTER_CACHE_S or (mentioned is not None and mentioned not in ids):
            with self.db.read() as session:
                ids = set(session.execute(select(Counter.id).where(Counter.branch_id == event.branch_id)).scalars())
            with self._lock:
                self._ids[event.branch_id] = (time.monotonic(), ids)
        return [f"counter:{cid}" for cid in sorted(ids)]


class Realtime:
    def __init__(self, app: Flask, hub):
        self.hub = hub
        self.socketio = SocketIO(
            app,
            async_mode="threading",
            message_queue=hub.settings.socketio_message_queue,
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
        self._register_handlers()
        hub.bus.subscribe(self.publish)

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
            with self.hub.db.read() as session:
                ack = joined.ack(session)
        except DomainError as err:
            log.info("realtime join refused", extra={"code": err.code, "audience": _audience(payload)})
            return {"ok": False, "error": {"code": err.code, "message": err.message}}
        except Exception:  # noqa: BLE001 - the client gets an answer and retries; the trace goes to the log
            log.exception("realtime join failed", extra={"audience": _audience(payload)})
            return {"ok": False, "error": {"code": "internal_error", "message": "an unexpected error occurred"}}
        log.debug("realtime join", extra={"audience": joined.audience, "branch": joined.branch, "seq": ack["seq"]})
        return ack

    # ------------------------------------------------------------------ bus events -> rooms
    def publish(self, event: DomainEvent) -> None:
        """EventBus subscriber: one committed event to every audience of its branch, shaped for each."""
        code = event.branch_code
        queue_rows = None
        if event.name == "queue.changed":
            # Enrich once per event, not per client: the waiting counts the event stands for.
            with self.hub.db.read() as session:
                queue_rows = queries.queue_snapshot(session, queries.branch_by_code(session, code), utc_now())

        staff_data = dict(event.data, queue=queue_rows) if queue_rows is not None else event.data
        self._emit(event, staff_data, [f"supervisor:{code}", *self._counter_rooms.rooms(event)])

        public = audiences.public_event_data(event.name, event.data, queue_rows)
        self._emit(event, public, [f"display:{code}", f"kiosk:{code}"])

        # The customer's own ticket page: its ticket's events, and a nudge when its queue moved.
        if public is not None and event.name.startswith("ticket.") and isinstance(event.data.get("ticket"), dict):
            self._emit(event, public, [f"ticket:{event.data['ticket']['id']}"])
        if event.name == "queue.changed":
            self._emit(event, {}, [f"service:{sid}" for sid in event.data.get("services", [])])

    def _emit(self, event: DomainEvent, data: dict | None, rooms: list[str]) -> None:
        if not rooms:
            return
        name = event.name if data is not None else TICK
        message = {"event": name, "seq": event.seq, "branch": event.branch_code}
        if data is not None:
            message["data"] = data
        self.socketio.emit(name, message, to=rooms)


def _audience(payload) -> str | None:
    return payload.get("audience") if isinstance(payload, dict) else None


def init_realtime(app: Flask, hub) -> Realtime:
    realtime = Realtime(app, hub)
    app.extensions["counterflow_realtime"] = realtime
    return realtime
