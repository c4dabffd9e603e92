"""The ticket's logo (admin console, "Ticket layout"): upload, read with a preview of how it prints on 80
and 58 mm paper, remove. The image is checked and rendered by the printer's own code
(drivers/ticket_logo.py), so the preview is exactly what the ESC/POS driver sends; it is stored by
server/queue/ticket_logo.py."""
from __future__ import annotations

import base64
import binascii

from flask import jsonify, request

from drivers import ticket_logo as images
from drivers.ticket_layout import PAPER

from ..queue import queries, ticket_logo
from .core import ApiError, hub, json_body, principal, route

# The JSON body carries the image in base64 (4 characters per 3 bytes), optionally as a data URL.
MAX_IMAGE_TEXT = (images.MAX_BYTES + 2) // 3 * 4 + 64
LOGO_BODY = {"image": (str, True, "the PNG or JPEG file, base64 (a data: URL is accepted); at most "
                       f"{images.MAX_BYTES // 1024} KiB", {"minLength": 1, "maxLength": MAX_IMAGE_TEXT})}


def _ops() -> ticket_logo.TicketLogoOperations:
    return ticket_logo.TicketLogoOperations(hub().engine.unit_of_work)


def _decode(text: str) -> bytes:
    if text.startswith("data:"):
        _, _, text = text.partition(",")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "logo_format", "image must be base64") from None


# Previews per (branch, upload time): rendering a large upload takes up to half a second, and the
# console reads the card after every change. Only the newest few are kept.
_PREVIEWS: dict[tuple[int, str], dict] = {}
KEEP_PREVIEWS = 16


def _previews(branch_id: int, uploaded_at: str, image: bytes) -> dict:
    key = (branch_id, uploaded_at)
    if key not in _PREVIEWS:
        if len(_PREVIEWS) >= KEEP_PREVIEWS:
            _PREVIEWS.clear()
        _PREVIEWS[key] = {str(mm): "data:image/png;base64," + base64.b64encode(images.preview_png(image, dots)).decode()
                          for mm, (_, dots) in PAPER.items()}
    return _PREVIEWS[key]


@route("/branches/<code>/ticket-logo", summary="The branch's ticket logo with a preview of it as printed on 80 and "
       "58 mm paper (black and white, scaled); null when none (admin; the branch's supervisors read it)",
       capability="may_supervise", tag="admin")
def get_ticket_logo(code: str):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        logo = ticket_logo.logo_of(session, branch.id)
        if logo is None:
            return jsonify(logo=None, previews=None)
        view = ticket_logo.logo_view(logo)
        return jsonify(logo=view, previews=_previews(branch.id, view["uploaded_at"], logo.image))


@route("/branches/<code>/ticket-logo", ["PUT"], summary="Upload the branch's ticket logo (admin): PNG or JPEG, "
       f"at most {images.MAX_BYTES // 1024} KiB and {images.MAX_SIDE} pixels a side", capability="may_administer",
       body=LOGO_BODY, tag="admin")
def put_ticket_logo(code: str):
    request.max_content_length = MAX_IMAGE_TEXT + 1024  # this body alone may exceed the usual limit
    image = _decode(json_body(LOGO_BODY)["image"])
    try:
        meta = images.check_logo(image)
    except images.BadLogo as exc:
        raise ApiError(413 if exc.code == "logo_too_large" else 400, exc.code, str(exc)) from None
    view = _ops().set(code, principal().actor, image, **meta)
    with hub().db.read() as session:
        branch_id = queries.branch_by_code(session, code).id
    return jsonify(logo=view, previews=_previews(branch_id, view["uploaded_at"], image))


@route("/branches/<code>/ticket-logo", ["DELETE"], summary="Remove the branch's ticket logo (admin)",
       capability="may_administer", tag="admin")
def delete_ticket_logo(code: str):
    _ops().remove(code, principal().actor)
    return jsonify(logo=None, previews=None)
