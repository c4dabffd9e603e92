"""Settings from environment and TOML; the `counterflow` command line."""
from __future__ import annotations

import subprocess
import sys

import pytest

from server.settings import Settings


def test_settings_defaults_env_and_toml(tmp_path):
    assert Settings.load(environ={}).port == 5000
    assert Settings.load(environ={}).host == "127.0.0.1"
    assert Settings.load(environ={}).database_url.startswith("sqlite:///")
    config = tmp_path / "cf.toml"
    config.write_text('port = 6000\nhost = "0.0.0.0"\ndatabase_url = "sqlite:////tmp/x.db"\n')
    from_file = Settings.load(environ={"COUNTERFLOW_CONFIG": str(config)})
    assert (from_file.port, from_file.host, from_file.database_url) == (6000, "0.0.0.0", "sqlite:////tmp/x.db")
    env_wins = Settings.load(environ={"COUNTERFLOW_CONFIG": str(config), "COUNTERFLOW_PORT": "7000"})
    assert env_wins.port == 7000 and env_wins.host == "0.0.0.0"


def test_unknown_setting_in_toml_is_refused(tmp_path):
    config = tmp_path / "cf.toml"
    config.write_text("prot = 1\n")
    with pytest.raises(ValueError, match="prot"):
        Settings.load(environ={"COUNTERFLOW_CONFIG": str(config)})


def run_cli(*args, database_url):
    return subprocess.run([sys.executable, "-m", "server", *args], capture_output=True, text=True, timeout=60,
                          env={"COUNTERFLOW_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"})


def test_users_add_creates_an_account_that_can_sign_in(tmp_path, database_url):
    result = run_cli("users", "add", "alice", "--role", "teller", "--branch", "demo", "--password", "s3cret",
                     database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "created teller alice" in result.stdout
    from server.app import create_app

    app = create_app(Settings(database_url=database_url, alert_interval_s=0))
    r = app.test_client().post("/api/v1/auth/token", json={"username": "alice", "password": "s3cret"})
    assert r.status_code == 200 and r.get_json()["role"] == "teller"
    app.extensions["counterflow"].db.dispose()


def test_users_add_errors_are_clear_messages(database_url):
    dup = run_cli("users", "add", "teller1", "--role", "teller", "--branch", "demo", "--password", "xxxx",
                  database_url=database_url)
    assert dup.returncode == 2 and "already exists" in dup.stderr and "Traceback" not in dup.stderr
    nobranch = run_cli("users", "add", "bob", "--role", "teller", "--branch", "nowhere", "--password", "xxxx",
                       database_url=database_url)
    assert nobranch.returncode != 0 and "no branch" in nobranch.stderr


def test_db_upgrade_on_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = run_cli("db", "upgrade", database_url=url)
    assert result.returncode == 0 and "latest schema" in result.stdout
