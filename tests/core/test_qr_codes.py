"""The QR codes of the private phone pages (server/web_common/qr.py): an SVG that is never cached and
does not pass its address on as a referrer; an unknown token gets 404, not a code."""
from __future__ import annotations

import re

from server.web_common.qr import qr_svg


def test_a_ticket_page_qr_is_an_uncached_svg(signed_in, client):
    issued = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    r = client.get(f"/t/{issued['tracking_token']}/qr.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert r.headers["Cache-Control"] == "no-store" and r.headers["Referrer-Policy"] == "no-referrer"
    assert r.data.lstrip().startswith(b"<?xml") and b"<svg" in r.data and b"<path" in r.data


def test_unknown_tokens_get_no_qr(client):
    assert client.get("/t/not-a-real-token/qr.svg").status_code == 404
    assert client.get("/a/not-a-real-token/qr.svg").status_code == 404


def test_a_longer_address_makes_a_larger_code():
    short, long = qr_svg("https://hub.example/t/x"), qr_svg("https://hub.example/t/" + "x" * 120)
    def modules(svg: bytes) -> int:
        return int(re.search(rb'viewBox="0 0 (\d+) ', svg).group(1))
    assert modules(short) == 29 and modules(long) > modules(short)  # 25 modules + the 2-module border
