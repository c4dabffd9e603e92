"""Browser tests: Playwright (sync API) driving Debian's chromium against a real hub (LiveHub).

One hub per test module, on its own copy of the demo database (a hub start costs seconds); tests
read ticket numbers from the API's answers rather than assuming an order. The browser starts once
per session. Screenshots go to var/screenshots/ (kept as CI artifacts).
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.live_hub import LiveHub
from tests.ui.browser_support import CHROMIUM, CHROMIUM_ARGS, Pages, Staff


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def module_database_url(template_database, tmp_path_factory):
    """Like tests/conftest.py's database_url, for a whole module."""
    if template_database.startswith("sqlite"):
        target = tmp_path_factory.mktemp("ui-db") / "hub.db"
        shutil.copy(template_database.split("///", 1)[1], target)
        yield f"sqlite:///{target}"
        return
    admin = create_engine(os.environ["COUNTERFLOW_TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    name = f"cf_ui_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_database).database}"'))
    yield make_url(template_database).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def hub(module_database_url, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("hub-log") / "hub.log"
    with LiveHub(module_database_url, log_path=log_path) as live:
        yield live


@pytest.fixture
def pages(browser, hub):
    opened = Pages(browser, hub)
    yield opened
    opened.close()
    assert not opened.errors, opened.errors


@pytest.fixture(scope="module")
def staff(hub):
    made: dict[str, Staff] = {}

    def get(username: str) -> Staff:
        if username not in made:
            made[username] = Staff(hub, username)
        return made[username]

    return get


@pytest.fixture(scope="module")
def device_token(staff):
    made: dict[str, str] = {}

    def get(kind: str) -> str:
        if kind not in made:
            made[kind] = staff("admin").post("/device-tokens", {"name": f"test-{kind}", "kind": kind,
                                                                "branch": "demo"})["token"]
        return made[kind]

    return get


@pytest.fixture(scope="module")
def teller_at(staff):
    """tellerN signed in at counter N (1-4): returns (staff, counter id). Each test uses its own counter."""
    def get(number: int):
        teller = staff(f"teller{number}")
        cid = teller.counter_id(number)
        teller.post(f"/counters/{cid}/open")
        return teller, cid

    return get
