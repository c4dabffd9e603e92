"""The pages during a database outage: "reconnecting", and a kiosk that does not pretend to issue.

A real outage needs a database the test can take away without stopping anybody else's: PostgreSQL
reached through a loopback proxy the test cuts (tests/support/tcp_proxy.py). The server is the one
`make system-deps` sets up; its URL comes from COUNTERFLOW_TEST_DATABASE_URL or var/test-postgres-url.
"""
from __future__ import annotations

import os
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from server import migrate
from server.db import Database
from server.demo import ensure_demo
from server.models import Ticket
from tests.support.live_hub import ROOT, LiveHub
from tests.support.tcp_proxy import TcpProxy
from tests.ui.browser_support import Pages, Staff, screenshot


def _pg_admin_url() -> str:
    url = os.environ.get("COUNTERFLOW_TEST_DATABASE_URL")
    url_file = ROOT / "var" / "test-postgres-url"
    if not url and url_file.exists():
        url = url_file.read_text().strip()
    if not url:
        pytest.fail("this test needs the test PostgreSQL server: run `make system-deps`")
    return url


@pytest.fixture
def pg_database_url():
    admin_url = _pg_admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"cf_outage_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        db = Database(url)
        ensure_demo(db)
        db.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tickets(url: str) -> int:
    db = Database(url)
    try:
        with db.read() as session:
            return session.execute(select(func.count()).select_from(Ticket)).scalar_one()
    finally:
        db.dispose()


def test_pages_show_reconnecting_and_the_kiosk_stops_issuing_while_the_database_is_away(browser, pg_database_url, tmp_path):
    url = make_url(pg_database_url)
    with TcpProxy(url.host, url.port or 5432) as proxy:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with LiveHub(through_proxy, log_path=tmp_path / "hub.log") as hub:
            token = Staff(hub, "admin").post("/device-tokens", {"name": "outage-kiosk", "kind": "kiosk",
                                                                "branch": "demo"})["token"]
            pages = Pages(browser, hub)
            try:
                kiosk = pages.open(f"/kiosk/demo?token={token}")
                button = kiosk.get_by_role("button", name="個人業務")
                expect(button).to_be_enabled()
                supervisor = pages.open("/supervisor/demo")
                supervisor.fill("input[name=username]", "supervisor")
                supervisor.fill("input[name=password]", "demo")
                supervisor.locator("form button[type=submit]").first.click()
                expect(supervisor.locator("html")).to_have_attribute("data-connection", "online")
                counter = pages.open("/counter", viewport={"width": 1366, "height": 768})
                counter.locator("#ct-user").fill("teller1")
                counter.locator("#ct-pass").fill("demo")
                counter.locator("#ct-signin-form button[type=submit]").click()
                counter.locator('#ct-counter-list [data-counter="1"] button').click()
                counter.wait_for_function("() => window.counterflowCounter.state.snapshots > 0")

                proxy.cut()
                with kiosk.expect_response("**/api/v1/branches/demo/tickets") as refused:
                    button.click()
                assert refused.value.status == 503
                assert refused.value.headers["retry-after"] == "5"
                notice = kiosk.locator("#k-notice")
                expect(notice).to_have_text("暫時無法取號，請稍候；取號機會自動重試。")
                expect(button).to_be_disabled()
                expect(kiosk.locator("#k-result")).to_be_hidden()  # no ticket on screen
                expect(kiosk.locator("#cf-connection")).to_have_text("連線中斷，正在重新連線…")
                expect(kiosk.locator("html")).to_have_attribute("data-reconnecting", "true")
                screenshot(kiosk, "kiosk-database-unavailable")
                # The supervisor panel learns it at its next re-join (it re-joins every 5 minutes and after
                # any gap; here at once): the hub answers database_unavailable.
                supervisor.evaluate("window.counterflowSupervisor.client.resync()")
                expect(supervisor.locator("html")).to_have_attribute("data-reconnecting", "true")
                expect(supervisor.locator("#cf-connection")).to_be_visible()
                # The teller presses "call next": told the database is away, not signed out, not a bug.
                counter.keyboard.press("F1")
                expect(counter.locator("#ct-error")).to_have_text("系統正在重新連線資料庫，請稍後再試。")
                expect(counter.locator("#cf-connection")).to_have_text("連線中斷，正在重新連線…")
                # A kiosk that restarts during the outage gets a page that says so and reloads itself.
                restarted = pages.open(f"/kiosk/demo?token={token}")
                expect(restarted.locator("h1")).to_have_text("連線中斷，正在重新連線…")

                proxy.restore()
                # The page probes the hub every 3 s and offers tickets again by itself.
                expect(button).to_be_enabled(timeout=15000)
                expect(notice).to_be_hidden()
                expect(kiosk.locator("#cf-connection")).to_be_hidden()
                expect(supervisor.locator("#cf-connection")).to_be_hidden(timeout=15000)
                expect(counter.locator("#cf-connection")).to_be_hidden(timeout=15000)
                expect(counter.locator("#ct-where")).to_have_text("1 號櫃檯")  # still signed in at counter 1
                expect(restarted.get_by_role("button", name="個人業務")).to_be_enabled(timeout=15000)
                with kiosk.expect_response("**/api/v1/branches/demo/tickets") as issued:
                    button.click()
                assert issued.value.status == 201
                expect(kiosk.locator("#k-number")).to_have_text(issued.value.json()["number"])
                assert not pages.errors, pages.errors
            finally:
                pages.close()
    assert _tickets(pg_database_url) == 1  # the refused press issued nothing
