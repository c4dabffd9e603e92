"""Administration: branches, services, counters, staff, device tokens; supervisor branch controls."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from .. import auth, device_tokens, staff_accounts
from ..models import ROLES, Branch, User
from ..queue import queries, setup
from ..queue.clock import utc_now
from ..queue.views import service_view
from ..queue.setup import MAX_SERVICE_S
from .core import ApiError, hub, json_body, principal, route

# Constraints (server/api/core.py FieldSpec) match the columns and the checks in queue/setup.py.
NAME = {"minLength": 1, "maxLength": 120}
WAIT_MIN = {"minimum": 1, "maximum": 1440}
SERVICE_S = {"minimum": 1, "maximum": MAX_SERVICE_S}
POLICY = {"enum": ["strict", "longest_wait"]}
# name_zh_hans: Simplified Chinese; left out (or empty), it is made from name_zh by OpenCC (server/queue/names.py).
HANS = (str, False, "Simplified Chinese name; default: converted from name_zh", {"maxLength": 120})
BRANCH_BODY = {"code": (str, True, "", {"minLength": 1, "maxLength": 32}), "name_zh": (str, True, "", NAME),
               "name_en": (str, True, "", NAME), "name_zh_hans": HANS,
               "timezone": (str, False, "IANA zone, default Asia/Taipei", {"minLength": 1, "maxLength": 64})}
SERVICE_BODY = {"code": (str, True, "A-Z", {"minLength": 1, "maxLength": 4}), "name_zh": (str, True, "", NAME),
                "name_en": (str, True, "", NAME), "name_zh_hans": HANS, "wait_target_min": (int, False, "", WAIT_MIN),
                "wait_warning_min": (int, False, "", WAIT_MIN), "default_service_s": (int, False, "", SERVICE_S),
                "staff_only": (bool, False, "issued by staff only: offered on the kiosk in guide mode")}
SERVICE_PATCH = {"name_zh": (str, False, "", NAME), "name_en": (str, False, "", NAME), "name_zh_hans": HANS,
                 "wait_target_min": (int, False, "", WAIT_MIN), "wait_warning_min": (int, False, "", WAIT_MIN),
                 "default_service_s": (int, False, "", SERVICE_S), "active": (bool, False, ""),
                 "staff_only": (bool, False, "issued by staff only: offered on the kiosk in guide mode")}
COUNTER_BODY = {"number": (int, True, "", {"minimum": 1, "maximum": 999}),
                "services": (list, True, "service codes in rank order", {"maxItems": 50}),
                "policy": (str, False, "strict | longest_wait", POLICY), "name": (str, False, "", {"maxLength": 60})}
COUNTER_PATCH = {"services": (list, False, "", {"maxItems": 50}), "policy": (str, False, "", POLICY),
                 "name": (str, False, "", {"maxLength": 60})}
USER_BODY = {"username": (str, True, "", {"minLength": 1, "maxLength": 64}),
             "password": (str, True, "", {"minLength": 4, "maxLength": 256}),
             "role": (str, True, "", {"enum": list(ROLES)}),
             "branch": (str, False, "branch code (not for admins)", {"maxLength": 32}),
             "display_name": (str, False, "", {"maxLength": 120})}
TOKEN_BODY = {"name": (str, True, "", NAME), "kind": (str, True, "kiosk | display | agent | pad",
                                                      {"enum": list(auth.DEVICE_KINDS)}),
              "branch": (str, True, "", {"minLength": 1, "maxLength": 32}),
              "expires_in_days": (int, False, "default: never", {"minimum": 1, "maximum": 3650})}


def _admin():
    return principal()  # the registry checked may_administer


def _branch(session, code: str) -> Branch:
    return queries.branch_by_code(session, code)


def _strings_list(value: list, field: str) -> list[str]:
    if not all(isinstance(v, str) for v in value):
        raise ApiError(400, "invalid_type", f"field {field!r} must be a list of strings")
    return value


@route("/branches", summary="List branches (yours; admins: all)", capability="signed_in", tag="admin")
def list_branches():
    p = principal()
    with hub().db.read() as session:
        stmt = select(Branch).order_by(Branch.code)
        if not p.is_admin:
            stmt = stmt.where(Branch.id == p.branch_id)
        return jsonify(branches=[setup.branch_view(b) for b in session.execute(stmt).scalars()])


@route("/branches", ["POST"], summary="Create a branch (admin)",
       capability="may_administer", body=BRANCH_BODY, tag="admin", success=201)
def create_branch():
    data = json_body(BRANCH_BODY)
    _admin()
    view = hub().setup.create_branch(data["code"], data["name_zh"], data["name_en"],
                                     data.get("timezone") or "Asia/Taipei", data.get("name_zh_hans") or "",
                                     by=principal().name)
    return jsonify(view), 201


@route("/branches/<code>/services", ["POST"], summary="Add a service (admin)",
       capability="may_administer", body=SERVICE_BODY, tag="admin",
       success=201)
def create_service(code: str):
    data = json_body(SERVICE_BODY)
    _admin()
    view = hub().setup.add_service(code, data["code"], data["name_zh"], data["name_en"],
                                   data.get("wait_target_min", 20), data.get("wait_warning_min", 15),
                                   data.get("default_service_s", 300), data.get("staff_only", False),
                                   data.get("name_zh_hans") or "", by=principal().name)
    return jsonify(view), 201


@route("/branches/<code>/services/<service_code>", ["PATCH"], summary="Change a service (admin)",
       capability="may_administer",
       body=SERVICE_PATCH, tag="admin")
def update_service(code: str, service_code: str):
    data = json_body(SERVICE_PATCH)
    _admin()
    return jsonify(hub().setup.update_service(code, service_code, data, by=principal().name))


@route("/branches/<code>/counters", ["POST"], summary="Add a counter (admin)",
       capability="may_administer", body=COUNTER_BODY, tag="admin",
       success=201)
def create_counter(code: str):
    data = json_body(COUNTER_BODY)
    _admin()
    counter_id = hub().setup.add_counter(code, data["number"], _strings_list(data["services"], "services"),
                                         data.get("policy") or "strict", data.get("name") or "",
                                         by=principal().name)
    with hub().db.read() as session:
        return jsonify(queries.counter_detail(session, counter_id)), 201


@route("/counters/<int:counter_id>", ["PATCH"], summary="Change a counter's services, policy or name (admin)",
       capability="may_administer",
       body=COUNTER_PATCH, tag="admin")
def update_counter(counter_id: int):
    data = json_body(COUNTER_PATCH)
    _admin()
    services = _strings_list(data["services"], "services") if "services" in data else None
    hub().setup.update_counter(counter_id, services=services, policy=data.get("policy"), name=data.get("name"),
                               by=principal().name)
    with hub().db.read() as session:
        return jsonify(queries.counter_detail(session, counter_id))


@route("/users", summary="List staff accounts (admin)", capability="may_administer", tag="admin")
def list_users():
    _admin()
    with hub().db.read() as session:
        rows = session.execute(select(User, Branch.code).outerjoin(Branch, Branch.id == User.branch_id)
                               .order_by(User.username)).all()
        return jsonify(users=[{"username": u.username, "display_name": u.display_name, "role": u.role,
                               "branch": code, "active": u.active} for u, code in rows])


@route("/users", ["POST"], summary="Create a staff account (admin)",
       capability="may_administer", body=USER_BODY, tag="admin", success=201)
def create_user():
    data = json_body(USER_BODY)
    _admin()
    with hub().db.write() as session:
        branch = _branch(session, data["branch"]) if data.get("branch") else None
        view = staff_accounts.create(session, utc_now(), principal().name, data["username"], data["password"],
                                     data["role"], branch, data.get("display_name") or "")
        return jsonify(username=view["username"], role=view["role"], branch=view["branch"]), 201


@route("/device-tokens", summary="Device tokens with their state (admin). ?branch=CODE", capability="may_administer",
       tag="admin", query={"branch": (str, "branch code", {"maxLength": 32})})
def list_device_tokens():
    with hub().db.read() as session:
        code = request.args.get("branch")
        branch_id = _branch(session, code).id if code else None
        return jsonify(tokens=device_tokens.list_tokens(session, utc_now(), branch_id))


@route("/device-tokens", ["POST"], summary="Create a device token for a kiosk, display, agent or pad (admin); "
       "the token is shown once", capability="may_administer", body=TOKEN_BODY, tag="admin", success=201)
def create_device_token():
    data = json_body(TOKEN_BODY)
    with hub().db.write() as session:
        branch = _branch(session, data["branch"])
        token, view = device_tokens.create(session, data["name"], data["kind"], branch, utc_now(),
                                           expires_in_days=data.get("expires_in_days"), by=principal().name)
    return jsonify(token=token, **view), 201


@route("/device-tokens/<int:token_id>/revoke", ["POST"], summary="Revoke a device token (admin); its sockets "
       "lose their staff rooms within seconds", capability="may_administer", tag="admin")
def revoke_device_token(token_id: int):
    json_body({})
    with hub().db.write() as session:
        view = device_tokens.revoke(session, token_id, utc_now(), by=principal().name)
    hub().principals.clear()  # the cache holds plain tokens, not ids: forget them all (cheap to refill)
    return jsonify(view)


ROTATE_BODY = {"expires_in_days": (int, False, "default: the old token's lifetime", {"minimum": 1, "maximum": 3650})}


@route("/device-tokens/<int:token_id>/rotate", ["POST"], summary="Replace a device token with a new one (admin); "
       "the old one is revoked", capability="may_administer", body=ROTATE_BODY, tag="admin")
def rotate_device_token(token_id: int):
    data = json_body(ROTATE_BODY)
    with hub().db.write() as session:
        token, view = device_tokens.rotate(session, token_id, utc_now(), expires_in_days=data.get("expires_in_days"),
                                           by=principal().name)
    hub().principals.clear()
    return jsonify(token=token, **view)


# ---------------------------------------------------------------------------- supervisor controls
def _supervisor_of(code: str):
    return principal()  # the registry checked may_supervise against this branch


@route("/branches/<code>/emergency", summary="The branch's emergency mode, if on", capability="may_read_staff_data",
       tag="alerts")
def get_emergency(code: str):
    from ..models import EmergencyMode
    from ..queue.engine import emergency_view

    with hub().db.read() as session:
        branch = _branch(session, code)
        mode = session.execute(select(EmergencyMode).where(EmergencyMode.branch_id == branch.id,
                                                           EmergencyMode.ended_at.is_(None))).scalar_one_or_none()
        return jsonify(emergency=emergency_view(mode, session) if mode else None)


# The seed's plan is started for a reason the staff are told (docs/architecture.md, "Emergency plan").
EMERGENCY_BODY = {"reason": (str, True, "", {"minLength": 1, "maxLength": 300}),
                  "instruction": (str, False, "", {"maxLength": 300})}


@route("/branches/<code>/emergency/start", ["POST"], summary="Start emergency mode (supervisor)",
       capability="may_supervise", body=EMERGENCY_BODY, tag="alerts", success=201)
def start_emergency(code: str):
    data = json_body(EMERGENCY_BODY)
    p = _supervisor_of(code)
    return jsonify(emergency=hub().engine.start_emergency(code, p.actor, data["reason"],
                                                          data.get("instruction") or "")), 201


@route("/branches/<code>/emergency/end", ["POST"], summary="End emergency mode: whoever started it, or an admin",
       capability="may_supervise", tag="alerts")
def end_emergency(code: str):
    json_body({})
    p = _supervisor_of(code)
    return jsonify(emergency=hub().engine.end_emergency(code, p.actor))


MESSAGE_BODY = {"message": (str, True, "", {"maxLength": 500})}


@route("/branches/<code>/display-message", ["PUT"], summary="Set the lobby display's message line (supervisor)",
       capability="may_supervise", body=MESSAGE_BODY, tag="alerts")
def set_display_message(code: str):
    data = json_body(MESSAGE_BODY)
    p = _supervisor_of(code)
    return jsonify(hub().engine.set_display_message(code, data["message"], p.actor))
