"""Administration: branches, services, counters, staff, device tokens; supervisor branch controls."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from .. import auth
from ..models import Branch, Service, User
from ..queue import queries, setup
from ..queue.clock import utc_now
from ..queue.views import service_view
from .core import ApiError, hub, json_body, principal, route

BRANCH_BODY = {"code": (str, True, ""), "name_zh": (str, True, ""), "name_en": (str, True, ""),
               "timezone": (str, False, "IANA zone, default Asia/Taipei")}
SERVICE_BODY = {"code": (str, True, "A-Z"), "name_zh": (str, True, ""), "name_en": (str, True, ""),
                "wait_target_min": (int, False, ""), "wait_warning_min": (int, False, ""),
                "default_service_s": (int, False, "")}
SERVICE_PATCH = {"name_zh": (str, False, ""), "name_en": (str, False, ""), "wait_target_min": (int, False, ""),
                 "wait_warning_min": (int, False, ""), "active": (bool, False, "")}
COUNTER_BODY = {"number": (int, True, ""), "services": (list, True, "service codes in rank order"),
                "policy": (str, False, "strict | longest_wait"), "name": (str, False, "")}
COUNTER_PATCH = {"services": (list, False, ""), "policy": (str, False, ""), "name": (str, False, "")}
USER_BODY = {"username": (str, True, ""), "password": (str, True, ""), "role": (str, True, ""),
             "branch": (str, False, "branch code (not for admins)"), "display_name": (str, False, "")}
TOKEN_BODY = {"name": (str, True, ""), "kind": (str, True, "kiosk | display | agent | pad"),
              "branch": (str, True, "")}


def _admin():
    p = principal()
    auth.require_role(p, "admin")
    return p


def _branch(session, code: str) -> Branch:
    return queries.branch_by_code(session, code)


def _strings_list(value: list, field: str) -> list[str]:
    if not all(isinstance(v, str) for v in value):
        raise ApiError(400, "invalid_type", f"field {field!r} must be a list of strings")
    return value


@route("/branches", summary="List branches", tag="admin")
def list_branches():
    p = principal()
    with hub().db.read() as session:
        stmt = select(Branch).order_by(Branch.code)
        if not p.is_admin:
            stmt = stmt.where(Branch.id == p.branch_id)
        return jsonify(branches=[{"code": b.code, "name_zh": b.name_zh, "name_en": b.name_en,
                                  "timezone": b.timezone} for b in session.execute(stmt).scalars()])


@route("/branches", ["POST"], summary="Create a branch (admin)", body=BRANCH_BODY, tag="admin", success=201)
def create_branch():
    data = json_body(BRANCH_BODY)
    _admin()
    view = hub().setup.create_branch(data["code"], data["name_zh"], data["name_en"],
                                     data.get("timezone") or "Asia/Taipei")
    return jsonify(view), 201


@route("/branches/<code>/services", ["POST"], summary="Add a service (admin)", body=SERVICE_BODY, tag="admin",
       success=201)
def create_service(code: str):
    data = json_body(SERVICE_BODY)
    _admin()
    view = hub().setup.add_service(code, data["code"], data["name_zh"], data["name_en"],
                                   data.get("wait_target_min", 20), data.get("wait_warning_min", 15),
                                   data.get("default_service_s", 300))
    return jsonify(view), 201


@route("/branches/<code>/services/<service_code>", ["PATCH"], summary="Change a service (admin)",
       body=SERVICE_PATCH, tag="admin")
def update_service(code: str, service_code: str):
    data = json_body(SERVICE_PATCH)
    _admin()
    return jsonify(hub().setup.update_service(code, service_code, data))


@route("/branches/<code>/counters", ["POST"], summary="Add a counter (admin)", body=COUNTER_BODY, tag="admin",
       success=201)
def create_counter(code: str):
    data = json_body(COUNTER_BODY)
    _admin()
    counter_id = hub().setup.add_counter(code, data["number"], _strings_list(data["services"], "services"),
                                         data.get("policy") or "strict", data.get("name") or "")
    with hub().db.read() as session:
        return jsonify(queries.counter_detail(session, counter_id)), 201


@route("/counters/<int:counter_id>", ["PATCH"], summary="Change a counter's services, policy or name (admin)",
       body=COUNTER_PATCH, tag="admin")
def update_counter(counter_id: int):
    data = json_body(COUNTER_PATCH)
    _admin()
    services = _strings_list(data["services"], "services") if "services" in data else None
    hub().setup.update_counter(counter_id, services=services, policy=data.get("policy"), name=data.get("name"))
    with hub().db.read() as session:
        return jsonify(queries.counter_detail(session, counter_id))


@route("/users", summary="List staff accounts (admin)", tag="admin")
def list_users():
    _admin()
    with hub().db.read() as session:
        rows = session.execute(select(User, Branch.code).outerjoin(Branch, Branch.id == User.branch_id)
                               .order_by(User.username)).all()
        return jsonify(users=[{"username": u.username, "display_name": u.display_name, "role": u.role,
                               "branch": code, "active": u.active} for u, code in rows])


@route("/users", ["POST"], summary="Create a staff account (admin)", body=USER_BODY, tag="admin", success=201)
def create_user():
    data = json_body(USER_BODY)
    _admin()
    with hub().db.write() as session:
        branch_id = _branch(session, data["branch"]).id if data.get("branch") else None
        user = auth.create_user(session, data["username"], data["password"], data["role"], branch_id,
                                data.get("display_name") or "")
        return jsonify(username=user.username, role=user.role, branch=data.get("branch")), 201


@route("/device-tokens", ["POST"], summary="Create a device token for a kiosk, display or agent (admin)",
       body=TOKEN_BODY, tag="admin", success=201)
def create_device_token():
    data = json_body(TOKEN_BODY)
    _admin()
    with hub().db.write() as session:
        branch = _branch(session, data["branch"])
        token = auth.create_device_token(session, data["name"], data["kind"], branch.id, utc_now())
    return jsonify(token=token, name=data["name"], kind=data["kind"], branch=data["branch"]), 201


# ---------------------------------------------------------------------------- supervisor controls
def _supervisor_of(code: str):
    p = principal()
    auth.require_role(p, "supervisor")
    with hub().db.read() as session:
        auth.require_branch(p, _branch(session, code).id)
    return p


@route("/branches/<code>/emergency", summary="The branch's emergency mode, if on", tag="alerts")
def get_emergency(code: str):
    from ..models import EmergencyMode
    from ..queue.engine import emergency_view

    with hub().db.read() as session:
        branch = _branch(session, code)
        auth.require_branch(principal(), branch.id)
        mode = session.execute(select(EmergencyMode).where(EmergencyMode.branch_id == branch.id,
                                                           EmergencyMode.ended_at.is_(None))).scalar_one_or_none()
        return jsonify(emergency=emergency_view(mode, session) if mode else None)


@route("/branches/<code>/emergency/start", ["POST"], summary="Start emergency mode (supervisor)",
       body={"reason": (str, False, "")}, tag="alerts", success=201)
def start_emergency(code: str):
    data = json_body({"reason": (str, False, "")})
    p = _supervisor_of(code)
    return jsonify(emergency=hub().engine.start_emergency(code, p.actor, data.get("reason", ""))), 201


@route("/branches/<code>/emergency/end", ["POST"], summary="End emergency mode: whoever started it, or an admin",
       tag="alerts")
def end_emergency(code: str):
    json_body({})
    p = _supervisor_of(code)
    return jsonify(emergency=hub().engine.end_emergency(code, p.actor))


@route("/branches/<code>/display-message", ["PUT"], summary="Set the lobby display's message line (supervisor)",
       body={"message": (str, True, "")}, tag="alerts")
def set_display_message(code: str):
    data = json_body({"message": (str, True, "")})
    p = _supervisor_of(code)
    return jsonify(hub().engine.set_display_message(code, data["message"], p.actor))
