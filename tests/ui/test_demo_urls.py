"""`counterflow run --demo` prints kiosk and display URLs a new user can click: with a device token
that works, and stays the same when the hub restarts."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import requests


def printed_urls(hub) -> dict[str, str]:
    text = hub.log_path.read_text(errors="replace")
    return {label: re.findall(rf"{label}:\s+(\S+)", text)[-1]
            for label in ("Kiosk", "Counter terminal", "Lobby display", "Supervisor panel", "Rounds", "Admin console",
                          "Branch page", "API docs")}


def test_demo_prints_kiosk_and_display_urls_with_working_device_tokens(hub):
    urls = printed_urls(hub)
    for label, path, kind in (("Kiosk", "/kiosk/demo", "kiosk"), ("Lobby display", "/display/demo", "display")):
        url = urlparse(urls[label])
        assert url.path == path
        token = parse_qs(url.query)["token"][0]
        me = requests.get(f"{hub.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert me.status_code == 200 and me.json()["device_kind"] == kind
        assert requests.get(urls[label], timeout=5).status_code == 200
    assert urls["Counter terminal"].endswith("/counter") and urls["API docs"].endswith("/api/v1/docs")
    for label in ("Supervisor panel", "Rounds", "Admin console", "Branch page"):
        assert requests.get(urls[label], timeout=5).status_code == 200, label
    assert "Demo accounts" in hub.log_path.read_text(errors="replace")

    hub.restart()
    assert printed_urls(hub) == urls  # a kiosk set up yesterday keeps working today
