"""Helpers for the browser tests: chromium settings, page opener, screenshots, a staff API caller."""
from __future__ import annotations

import os
from pathlib import Path

import requests

from tests.support.live_hub import ROOT, LiveHub

CHROMIUM = os.environ.get("COUNTERFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    # As a lobby display is deployed: sound without a tap on the screen first.
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}
# Records vibrations and speech instead of relying on hardware the test machine lacks.
RECORDERS = """
window.__vibrations = [];
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
"""


class Pages:
    """Opens pages in fresh browser contexts (zh-TW unless asked) and fails the test on a JS error."""

    def __init__(self, browser, hub: LiveHub):
        self.browser, self.hub = browser, hub
        self.contexts = []
        self.errors: list[str] = []

    def open(self, path: str, *, viewport=LANDSCAPE, locale: str = "zh-TW", bypass_csp: bool = False):
        context = self.browser.new_context(viewport=viewport, locale=locale, bypass_csp=bypass_csp)
        context.set_default_timeout(8000)  # fail fast; nothing here should take seconds
        context.add_init_script(RECORDERS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda err: self.errors.append(f"{path}: {err}"))
        page.on("console", lambda msg: self._console(path, msg))
        page.goto(self.hub.base_url + path)
        return page

    def _console(self, path, msg) -> None:
        # A Content-Security-Policy refusal means a page feature silently broke.
        if msg.type == "error" and "Content Security Policy" in msg.text:
            self.errors.append(f"{path}: {msg.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


class Staff:
    """A signed-in member of staff (or the admin) calling the hub's API, as a counter terminal would."""

    def __init__(self, hub: LiveHub, username: str):
        self.base = hub.base_url + "/api/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {hub.token(username)}"

    def post(self, path: str, json: dict | None = None, expect: int | tuple = (200, 201)) -> dict:
        response = self.session.post(self.base + path, json=json, timeout=10)
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert response.status_code in expected, response.text
        return response.json()

    def get(self, path: str) -> dict:
        response = self.session.get(self.base + path, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def waiting(self, service: str) -> int:
        rows = self.get("/branches/demo/queue")["services"]
        return next(row["waiting"] for row in rows if row["service"] == service)

    def put(self, path: str, json: dict) -> dict:
        response = self.session.put(self.base + path, json=json, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def counter_id(self, number: int) -> int:
        counters = self.session.get(self.base + "/branches/demo/counters", timeout=10).json()["counters"]
        return next(c["id"] for c in counters if c["number"] == number)
