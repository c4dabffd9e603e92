"""Real-time audiences: who may join which room, what each may see, and the snapshot a joiner gets.

Audiences (docs/architecture.md, "Real-time"):
- `display` and `kiosk` (room `display:<branch>` / `kiosk:<branch>`): public data, no token needed.
- `supervisor` (room `supervisor:<branch>`): may_watch_hall (server/permissions.py): supervisors,
  guides and admins of the branch.
- `counter` (room `counter:<id>`): may_watch_counter: tellers, supervisors and admins of the counter's
  branch, and device agents bound to that counter.
- `ticket` (rooms `ticket:<id>` and `service:<id>`): the customer's own ticket, by its QR token.

Staff audiences see the engine's event data as it is; public audiences see a whitelist of fields, so
a field added to a view later stays private until someone decides otherwise here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from . import permissions
from .auth import Principal, Unauthorized
from .models import Branch, Counter, Ticket
from .queue import event_log, queries
from .queue.clock import utc_now
from .queue.errors import Invalid, NotFound
from .queue.wall_star import star_view

# Fields of a ticket anyone in the hall may see: it is on the wall display anyway.
# `channel` and `awaiting_check_in`: the screens mark appointment and remote tickets (and remote ones not checked in).
PUBLIC_TICKET = ("number", "service", "service_name_zh", "service_name_en", "service_name_zh_hans", "status", "counter",
                 "recall_count", "called_at", "channel", "awaiting_check_in")
# The customer's own ticket page adds its place in the queue.
OWN_TICKET = PUBLIC_TICKET + ("people_ahead", "estimated_wait_s", "created_at", "business_day")
# counters_open and guide_only (a staff-only service) let a kiosk say "currently unavailable" and keep
# staff-only services for guide mode.
PUBLIC_QUEUE = ("service", "name_zh", "name_en", "name_zh_hans", "waiting", "estimated_wait_s", "counters_open",
                "guide_only")
# Events after which the hall may take tickets differently (day close, opening, hours or policies).
HALL_EVENTS = ("day.closed", "branch.opened", "branch.updated")
MAX_TRACKING_TOKEN = 64
# A display catching up announces the calls it missed within this long (all of them, in order), and
# only the newest when its gap reaches further back (docs/ui.md, "Protocol").
MISSED_CALLS_WINDOW_S = 60.0

# How a client must read the stream of one audience: "full" rooms get every branch event (seq has no
# holes, a hole means a lost message); "sparse" rooms get only their own, so each message is a nudge.
FULL, SPARSE = "full", "sparse"
MAX_ID = 2**31 - 1  # ids are INTEGER columns (32-bit on PostgreSQL): a larger one would be an error, not a miss


# ---------------------------------------------------------------------------- public shapes
def pick(view: dict | None, fields: tuple[str, ...]) -> dict | None:
    return None if view is None else {k: view.get(k) for k in fields}


def public_counter(view: dict) -> dict:
    """A counter as the hall sees it: no staff names, no pause reason, no ids."""
    current = view.get("current_ticket")
    return {
        "number": view["number"],
        "name": view.get("name") or "",
        "state": view["state"],
        "services": list(view.get("services") or []),
        "current": pick(current, ("number", "service", "status")) if current else None,
    }


def public_queue(rows: list[dict]) -> list[dict]:
    return [pick(row, PUBLIC_QUEUE) for row in rows]


def branch_info(branch: Branch) -> dict:
    return {"code": branch.code, "name_zh": branch.name_zh, "name_en": branch.name_en,
            "name_zh_hans": branch.name_zh_hans, "timezone": branch.timezone}


def public_event_data(name: str, data: dict, queue_rows: list[dict] | None) -> dict | None:
    """What a display or kiosk may see of one event; None means only its seq number."""
    if name.startswith("ticket.") and isinstance(data.get("ticket"), dict):
        shaped = {"ticket": pick(data["ticket"], PUBLIC_TICKET)}
        if isinstance(data.get("follow_up"), dict):
            shaped["follow_up"] = pick(data["follow_up"], PUBLIC_TICKET)
        return shaped
    if name == "queue.changed":
        return {"queue": public_queue(queue_rows or [])}
    if name.startswith("counter.") and isinstance(data.get("counter"), dict):
        return {"counter": public_counter(data["counter"])}
    # A set-up change (admin console): public anyway; clients re-join for a fresh snapshot (docs/ui.md).
    if name == "branch.updated" and isinstance(data.get("branch"), dict):
        return {"branch": pick(data["branch"], ("code", "name_zh", "name_en", "name_zh_hans", "timezone"))}
    if name == "service.updated" and isinstance(data.get("service"), dict):
        return {"service": pick(data["service"], ("code", "name_zh", "name_en", "name_zh_hans", "active"))}
    if name == "display.message":
        return {"message": data.get("message", "")}
    if name == "day.closed" and isinstance(data.get("day_close"), dict):
        # The screens end the day too: no call of a closed day stays up (docs/architecture.md, "Real-time").
        return {"day_closed": {"business_day": data["day_close"].get("business_day")}}
    if name == "display.star":  # the service star on the display's rotation (queue/wall_star.py)
        return {"star": data.get("star")}
    if name in ("emergency.started", "emergency.ended"):
        return {"emergency": {"active": name == "emergency.started"}}
    if name in HALL_EVENTS:
        return {}  # the name alone: the kiosk asks again whether the hall takes tickets (kiosk_states.js)
    return None


# ---------------------------------------------------------------------------- snapshots
def staff_snapshot(session: Session, branch: Branch) -> dict:
    return {
        "branch": branch_info(branch),
        "services": queries.queue_snapshot(session, branch, utc_now()),
        "counters": queries.counters(session, branch),
        "recent_calls": queries.recent_calls(session, branch),
        "alerts": queries.alerts(session, branch),
        "message": branch.display_message or "",
        "emergency": queries.active_emergency(session, branch),
    }


def public_snapshot(session: Session, branch: Branch) -> dict:
    return {
        "branch": branch_info(branch),
        "services": public_queue(queries.queue_snapshot(session, branch, utc_now())),
        "counters": [public_counter(c) for c in queries.counters(session, branch)],
        "recent_calls": [pick(t, PUBLIC_TICKET) for t in queries.recent_calls(session, branch)],
        "message": branch.display_message or "",
        "star": star_view(branch),
        "emergency": {"active": queries.active_emergency(session, branch) is not None},
        "hall": queries.hall_state(session, branch, utc_now()),
    }


# ---------------------------------------------------------------------------- joining
Snapshot = Callable[[Session], tuple[int, dict]]
CatchUp = Callable[[Session, int, int], list[dict]]


def missed_calls(branch_id: int, code: str) -> CatchUp:
    """The public `ticket.called`/`ticket.recalled` messages with since < seq <= upto, by the rule above."""

    def catch_up(session: Session, since: int, upto: int) -> list[dict]:
        if since >= upto:
            return []
        rows, complete = event_log.missed_calls(session, branch_id, since, upto, utc_now(), MISSED_CALLS_WINDOW_S)
        messages = [{"event": row.name, "seq": row.seq, "branch": code,
                     "data": public_event_data(row.name, row.data, None)} for row in rows]
        return messages if complete else messages[-1:]

    return catch_up


@dataclass
class Joined:
    """An authorised join: the rooms to enter, then `snapshot` to call once the socket is in them.

    Entering the rooms first and reading the snapshot second means no event can fall between the
    two: anything committed meanwhile arrives as a message, and seq tells the client which of those
    the snapshot already contains.
    """

    audience: str
    branch: str
    rooms: list[str]
    snapshot: Snapshot
    stream: str = FULL
    key: str = ""  # identifies this join for a later `leave`
    catch_up: CatchUp | None = None  # displays: the calls missed since the client's last seq

    def ack(self, session: Session, since: int | None = None) -> dict:
        seq, data = self.snapshot(session)
        ack = {"ok": True, "audience": self.audience, "branch": self.branch, "seq": seq, "stream": self.stream,
               "key": self.key, "snapshot": data}
        if self.catch_up is not None and since is not None:
            ack["missed_calls"] = self.catch_up(session, since, seq)
        return ack


def _branch_snapshot(code: str, build: Callable[[Session, Branch], dict]) -> Snapshot:
    def snapshot(session: Session) -> tuple[int, dict]:
        # The seq is read first, in the same session: the data below is at least this new.
        branch = queries.branch_by_code(session, code)
        return branch.event_seq or 0, build(session, branch)

    return snapshot


PrincipalLoader = Callable[[], Principal]


def _text(request: dict, name: str, limit: int = 64) -> str:
    value = request.get(name)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise Invalid("invalid_join", f"join needs {name!r} as a string")
    return value


def _branch(session: Session, request: dict) -> Branch:
    return queries.branch_by_code(session, _text(request, "branch"))


def _public(audience: str) -> Callable:
    def join(session: Session, request: dict, _principal: PrincipalLoader) -> Joined:
        branch = _branch(session, request)
        code = branch.code
        return Joined(audience, code, [f"{audience}:{code}"], _branch_snapshot(code, public_snapshot),
                      key=f"{audience}:{code}",
                      catch_up=missed_calls(branch.id, code) if audience == "display" else None)

    return join


def _join_supervisor(session: Session, request: dict, principal: PrincipalLoader) -> Joined:
    branch = _branch(session, request)
    permissions.require("may_watch_hall", principal(), branch_id=branch.id)
    return Joined("supervisor", branch.code, [f"supervisor:{branch.code}"],
                  _branch_snapshot(branch.code, staff_snapshot), key=f"supervisor:{branch.code}")


def _join_counter(session: Session, request: dict, principal: PrincipalLoader) -> Joined:
    counter_id = request.get("counter_id")
    if not isinstance(counter_id, int) or isinstance(counter_id, bool) or not 0 < counter_id <= MAX_ID:
        raise Invalid("invalid_join", "join needs 'counter_id' as a positive id")
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound("counter_not_found", f"no counter with id {counter_id}")
    p = principal()
    bound = permissions.bound_counter_ids(session, p)  # an agent watches only the counters of its devices
    permissions.require("may_watch_counter", p, counter=counter, bound_counters=bound)

    def build(s: Session, branch: Branch) -> dict:
        return dict(staff_snapshot(s, branch), counter=queries.counter_detail(s, counter_id))

    code = session.get(Branch, counter.branch_id).code
    return Joined("counter", code, [f"counter:{counter_id}"], _branch_snapshot(code, build),
                  key=f"counter:{counter_id}")


def _join_ticket(session: Session, request: dict, _principal: PrincipalLoader) -> Joined:
    token = request.get("token")
    if not isinstance(token, str) or not token or len(token) > MAX_TRACKING_TOKEN:
        raise NotFound("ticket_not_found", "no such ticket")
    view = queries.ticket_by_token(session, token)  # follows a transfer to the follow-up ticket
    ticket = session.get(Ticket, view["id"])
    code = session.get(Branch, ticket.branch_id).code

    def snapshot(s: Session) -> tuple[int, dict]:
        branch = queries.branch_by_code(s, code)
        own = queries.ticket_by_token(s, token)
        return branch.event_seq or 0, {"branch": branch_info(branch), "ticket": pick(own, OWN_TICKET)}

    # The key names the ticket id, never the token: keys and room names may end up in logs.
    return Joined("ticket", code, [f"ticket:{ticket.id}", f"service:{ticket.service_id}"], snapshot,
                  stream=SPARSE, key=f"ticket:{ticket.id}")


AUDIENCES: dict[str, Callable[[Session, dict, PrincipalLoader], Joined]] = {
    "display": _public("display"),
    "kiosk": _public("kiosk"),
    "supervisor": _join_supervisor,
    "counter": _join_counter,
    "ticket": _join_ticket,
}


def authorize(session: Session, request: object, principal: PrincipalLoader) -> Joined:
    """Check a join request and name its rooms; raises DomainError subclasses when refused."""
    if not isinstance(request, dict) or request.get("audience") not in AUDIENCES:
        raise Invalid("invalid_join", f"join needs 'audience', one of {', '.join(AUDIENCES)}")
    return AUDIENCES[request["audience"]](session, request, principal)


def no_principal() -> Principal:
    raise Unauthorized("auth_required", "connect with auth {token: <bearer token>} to join this room")
