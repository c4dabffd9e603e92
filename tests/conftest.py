"""Shared fixtures: a migrated database per test (SQLite file copy or PostgreSQL template clone)."""
from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import migrate
from server.app import create_app
from server.db import Database
from server.demo import ensure_demo
from server.settings import Settings

PG_ADMIN_URL = os.environ.get("COUNTERFLOW_TEST_DATABASE_URL")


def _pg_admin():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """A migrated database holding the demo branch, made once per test session."""
    if PG_ADMIN_URL:
        name = f"cf_template_{uuid.uuid4().hex[:8]}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = _pg_url(name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    migrate.upgrade(url)
    db = Database(url)
    ensure_demo(db)
    db.dispose()
    yield url
    if PG_ADMIN_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(template_database, tmp_path):
    """A fresh copy of the template for one test."""
    if PG_ADMIN_URL:
        name = f"cf_test_{uuid.uuid4().hex[:10]}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_database).database}"'))
        yield _pg_url(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        source = template_database.split("///", 1)[1]
        target = tmp_path / "test.db"
        shutil.copy(source, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def app(database_url):
    """The hub as a Flask app on a fresh copy of the demo database (no background threads)."""
    application = create_app(Settings(database_url=database_url, alert_interval_s=0, secret_key="test"))
    yield application
    application.extensions["counterflow"].db.dispose()
