"""What the admin console (/admin) needs beyond the set-up REST calls of admin_routes.py and
device_routes.py: one read of a branch's whole set-up with its audit trail (admins; supervisors of the
branch, read-only), branch names and zone, staff-account changes and password resets, and the set-up
link + QR code that brings a kiosk or display online with its device token."""
from __future__ import annotations

import base64

from flask import jsonify, request, url_for
from sqlalchemy import select

from .. import device_tokens, staff_accounts
from ..auth import hash_token
from ..models import ROLES, ApiToken, Branch, User
from ..queue import queries, setup_audit
from ..queue.clock import utc_now
from ..queue.setup import branch_view as setup_branch_view
from ..queue.views import service_view
from ..web_common.qr import qr_svg
from .admin_routes import HANS, NAME, _admin
from .core import ApiError, hub, json_body, principal, route

BRANCH_PATCH = {"name_zh": (str, False, "", NAME), "name_en": (str, False, "", NAME), "name_zh_hans": HANS,
                "timezone": (str, False, "IANA zone", {"minLength": 1, "maxLength": 64}),
                "opening_hours": (dict, False, 'when the hall takes tickets: {"0": ["08:30", "15:30"], ...} (0 = '
                                               "Monday); a day left out is closed; {} = any time")}
USER_PATCH = {"role": (str, False, "", {"enum": list(ROLES)}),
              "branch": (str, False, "branch code; empty for an admin", {"maxLength": 32}),
              "display_name": (str, False, "", {"maxLength": 120}),
              "active": (bool, False, "false: deactivated, signed out everywhere")}
PASSWORD_BODY = {"password": (str, True, "the new password", {"minLength": 4, "maxLength": 256})}
SETUP_LINK_BODY = {"token": (str, True, "a kiosk or display device token, as just created or rotated",
                             {"minLength": 1, "maxLength": 256})}
# The page each kind of device token opens; agents and pads have no page (their devices are on the bus).
SETUP_PAGES = {"kiosk": "kiosk.kiosk", "display": "display.display"}
CHANGES_SHOWN = 100


@route("/branches/<code>/setup", summary="A branch's whole set-up and its audit trail, for the admin console "
       "(admin; the branch's supervisors read it)", capability="may_supervise", tag="admin")
def branch_setup(code: str):
    p = principal()
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        users = session.execute(select(User).where(User.branch_id == branch.id).order_by(User.username)).scalars()
        body = {
            "branch": setup_branch_view(branch),
            "editable": p.is_admin,
            "services": [dict(service_view(s), default_service_s=s.default_service_s) for s in branch.services],
            "counters": [_counter_setup(c) for c in branch.counters],
            "users": [staff_accounts.view(u, branch.code) for u in users],
            "tokens": device_tokens.list_tokens(session, utc_now(), branch.id),
            "changes": setup_audit.recent(session, branch.id, CHANGES_SHOWN),
        }
    body["devices"] = hub().devices.registry.list(branch.id)
    return jsonify(body)


@route("/branches/<code>", ["PATCH"], summary="Change a branch's names, time zone or opening hours (admin); an "
       "empty name_zh_hans is made again from name_zh",
       capability="may_administer", body=BRANCH_PATCH, tag="admin")
def update_branch(code: str):
    data = json_body(BRANCH_PATCH)
    return jsonify(hub().setup.update_branch(code, data, by=_admin().name))


@route("/users/<username>", ["PATCH"], summary="Change a staff account's role, branch, name, or deactivate it "
       "(admin); a role, branch or active change signs it out everywhere", capability="may_administer",
       body=USER_PATCH, tag="admin")
def update_user(username: str):
    data = json_body(USER_PATCH)
    if (request.get_json(silent=True) or {}).get("branch", "") is None:
        data["branch"] = None  # json_body drops nulls; here null means "no branch" (admins)
    with hub().db.write() as session:
        view = staff_accounts.change(session, utc_now(), _admin().name, username, data)
    hub().principals.clear()  # other requests of this account must see the change now
    return jsonify(view)


@route("/users/<username>/password", ["POST"], summary="Reset a staff account's password (admin); it is "
       "signed out everywhere", capability="may_administer", body=PASSWORD_BODY, tag="admin")
def reset_password(username: str):
    data = json_body(PASSWORD_BODY)
    with hub().db.write() as session:
        view = staff_accounts.reset_password(session, utc_now(), _admin().name, username, data["password"])
    hub().principals.clear()
    return jsonify(view)


@route("/device-tokens/setup-link", ["POST"], summary="The set-up URL of a kiosk or display device token and its "
       "QR code (SVG data URL) to scan on the device (admin)", capability="may_administer", body=SETUP_LINK_BODY,
       tag="admin")
def device_setup_link():
    data = json_body(SETUP_LINK_BODY)
    now = utc_now()
    with hub().db.read() as session:
        row = session.execute(select(ApiToken, Branch.code).join(Branch, Branch.id == ApiToken.branch_id)
                              .where(ApiToken.token_hash == hash_token(data["token"]),
                                     ApiToken.device_name.is_not(None))).first()
        if row is None or not device_tokens.view(row[0], row[1], now)["active"]:
            raise ApiError(404, "token_not_found", "no active device token like that")
        kind, code = row[0].device_kind, row[1]
    if kind not in SETUP_PAGES:
        raise ApiError(400, "no_setup_page", f"a {kind} token has no page to open: give it to the device's agent")
    # Behind a proxy the devices reach the hub at its public address (public_base_url), as ticket QR codes do.
    path = url_for(SETUP_PAGES[kind], branch_code=code, token=data["token"])
    base = hub().settings.public_base_url or request.url_root
    url = base.rstrip("/") + path
    return jsonify(kind=kind, branch=code, url=url, qr=qr_data_url(url))


def _counter_setup(counter) -> dict:
    return {"id": counter.id, "number": counter.number, "name": counter.name, "policy": counter.policy,
            "state": str(counter.state), "services": [link.service.code for link in counter.service_links]}


def qr_data_url(text: str) -> str:
    """An SVG QR code as a data: URL (the pages' CSP allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode("ascii")
