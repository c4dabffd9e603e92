"""The supervisor panel's branch agents card: each agent linked or not, its version, last seen and
devices, in the three languages. One agent is linked (a python-socketio client speaking the agent's
side of the /agent namespace: hello, acknowledged commands), the other never came."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import socketio
from playwright.sync_api import expect

from tests.ui.browser_support import screenshot

DESK = {"width": 1440, "height": 900}
SHOTS = Path("/tmp/shots-device-agent")


@pytest.fixture(scope="module")
def linked_agent(hub, staff):
    admin = staff("admin")
    for name in ("hall-pc", "back-pc"):
        admin.post("/devices", {"branch": "demo", "kind": "led", "name": f"{name}-led", "counter": 1,
                                "url": f"serial:///dev/ttyUI{len(name)}?unit=1", "settings": {"agent": name}})
    token = admin.post("/device-tokens", {"name": "hall-pc", "kind": "agent", "branch": "demo"})["token"]
    client = socketio.Client(reconnection=False)
    client.on("command", lambda payload: {"id": payload["id"], "reply": {"ok": True, "error": None}},
              namespace="/agent")
    client.connect(hub.base_url, auth={"token": token}, namespaces=["/agent"], transports=["websocket"])
    assert client.call("hello", {"version": "0.1.0"}, namespace="/agent", timeout=10)["ok"]
    yield client
    client.disconnect()


@pytest.mark.parametrize("locale,lang,linked,unlinked", [
    ("zh-TW", "zh_Hant", "已連線", "未連線"),
    ("zh-CN", "zh_Hans", "已连接", "未连接"),
    ("en-US", "en", "Linked", "Not linked"),
])
def test_the_panel_shows_each_agent(pages, linked_agent, locale, lang, linked, unlinked):
    page = pages.open(f"/supervisor/demo?lang={lang}", viewport=DESK, locale=locale)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    page.locator("#sv-tab-devices").click()
    hall = page.locator('#sv-agents tr[data-agent="hall-pc"]')
    expect(hall).to_have_attribute("data-state", "online")
    expect(hall).to_contain_text(linked)
    expect(hall).to_contain_text("0.1.0")
    expect(hall).to_contain_text("hall-pc-led")
    back = page.locator('#sv-agents tr[data-agent="back-pc"]')
    expect(back).to_have_attribute("data-state", "offline")
    expect(back).to_contain_text(unlinked)
    page.locator("#sv-agents").scroll_into_view_if_needed()
    shot = screenshot(page, f"supervisor-agents-{lang}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SHOTS / shot.name)
