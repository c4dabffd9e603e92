"""QR codes as SVG (docs/architecture.md, "Phone pages"): the ticket page's and the appointment page's
/qr.svg answers, and the admin console's poster links, draw them the same way."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Response


def qr_svg(text: str) -> bytes:
    """`text` (an address) as an SVG QR code: 10-pixel modules, a 2-module quiet zone."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def qr_response(text: str) -> Response:
    """The QR code of a private page's address: never cached, and the address is not passed on as a
    referrer (it is the page's only key)."""
    response = Response(qr_svg(text), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
