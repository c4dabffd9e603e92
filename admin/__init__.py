"""Admin console (/admin, 系統管理): set up branches, services, counters, staff accounts, devices (with
the ticket layout of printers) and device tokens with a QR code that brings a kiosk or display online;
every change is audited and shown in the branch's change log. Admins change any branch; a supervisor
sees their own branch read-only.

Like the supervisor panel it signs in through the API (token in sessionStorage) and changes state only
through the REST API (server/api/admin_routes.py, device_routes.py, console_routes.py), so every change
goes through the set-up service layer, reaches the screens at once and reconfigures the device manager
without a restart (docs/architecture.md, "Layers and what each may import").
"""
from __future__ import annotations

from flask import Blueprint

from server.i18n import LOCALES
from server.web_common import render_page

from .logo_messages import LOGO_ERRORS, LOGO_MESSAGES
from .messages import ERRORS, MESSAGES

MESSAGES = {**MESSAGES, **LOGO_MESSAGES}  # the ticket logo card's strings (logo_messages.py)
ERRORS = {**ERRORS, **LOGO_ERRORS}

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")

CONSOLE_ROLES = ("admin", "supervisor")  # a supervisor reads their own branch's set-up
SECTIONS = ("branch", "services", "counters", "staff", "devices", "tokens", "changes")


def _api_paths() -> dict:
    return {
        "sign_in": "/api/v1/auth/token", "sign_out": "/api/v1/auth/logout",
        "branches": "/api/v1/branches", "branch": "/api/v1/branches/{code}",
        "setup": "/api/v1/branches/{code}/setup",
        "services": "/api/v1/branches/{code}/services", "service": "/api/v1/branches/{code}/services/{id}",
        "counters": "/api/v1/branches/{code}/counters", "counter": "/api/v1/counters/{id}",
        "users": "/api/v1/users", "user": "/api/v1/users/{id}", "password": "/api/v1/users/{id}/password",
        "devices": "/api/v1/devices", "device": "/api/v1/devices/{id}", "device_test": "/api/v1/devices/{id}/test",
        "tokens": "/api/v1/device-tokens", "token_revoke": "/api/v1/device-tokens/{id}/revoke",
        "token_rotate": "/api/v1/device-tokens/{id}/rotate", "setup_link": "/api/v1/device-tokens/setup-link",
        "ticket_logo": "/api/v1/branches/{code}/ticket-logo",
    }


@bp.get("")
def console():
    config = {"api": _api_paths(), "roles": list(CONSOLE_ROLES), "errors": ERRORS, "sections": list(SECTIONS),
              "storage_key": "counterflow.admin.session"}
    return render_page("admin/index.html", surface="admin", messages=MESSAGES, locales=LOCALES, config=config,
                       sections=SECTIONS)
