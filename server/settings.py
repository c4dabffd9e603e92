"""One Settings object, read from environment variables or a TOML file.

Precedence: explicit keyword arguments > environment variables > the TOML file named by
COUNTERFLOW_CONFIG > defaults. Keys in the TOML file are the lower-case setting names.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_VAR_DIR / 'counterflow.db'}"
    host: str = "127.0.0.1"
    port: int = 5000
    # How `counterflow run` serves: "gevent" (pywsgi, monkey-patched) or "threading" (gunicorn gthread).
    # server/serve.py; bench/bench_server_modes.py has the figures behind the default.
    async_mode: str = "gevent"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    token_ttl_hours: int = 12
    max_body_bytes: int = 64 * 1024
    # Accepted for old configuration files and ignored: every hub process delivers from the event log
    # (docs/architecture.md, "Scaling out").
    socketio_message_queue: str | None = None
    # Real-time delivery (server/delivery.py): the safety-net poll of the event log, the heartbeat to
    # each branch's rooms, and how long the log keeps events.
    realtime_poll_s: float = 1.0
    realtime_heartbeat_s: float = 5.0
    event_log_keep_hours: float = 24.0
    alert_interval_s: float = 5.0
    simulate_devices: bool = False
    public_base_url: str | None = None
    # Device manager (server/devices): run it inside the hub; health poll, key poll, reconnect backoff.
    device_manager: bool = True
    device_poll_interval_s: float = 3.0
    device_key_poll_s: float = 0.1
    device_backoff_max_s: float = 10.0
    # How long issuing a ticket waits for the printer (primary and backup together).
    device_print_timeout_s: float = 3.0
    # Branch agents (`counterflow agent`, docs/device-manager.md): a link down this long marks the
    # agent's devices not_responding and raises one fault; a keypad press older than
    # agent_stale_key_s when it arrives (queued while offline) is dropped with a log record.
    agent_offline_after_s: float = 10.0
    agent_stale_key_s: float = 60.0
    # /metrics answers loopback clients; with a token, also anyone sending "Authorization: Bearer <token>".
    metrics_token: str | None = None
    # Hub logs on stderr: "json" (one JSON object per line, for journald/log shippers) or "text".
    log_format: str = "json"
    log_level: str = "INFO"
    # Security (docs/architecture.md, "Security").
    # `counterflow run --demo`: device URLs may name loopback and link-local hosts (simulators).
    demo: bool = False
    # The customer may rate their ticket from its page for this long after service ends.
    rating_window_s: float = 30 * 60
    # Sign-in throttling, per username and per client address: after `signin_free_failures` failures
    # each further attempt waits signin_delay_s, doubling up to signin_delay_max_s; after
    # `signin_lockout_failures` the name or address is locked out for signin_lockout_s.
    # A success clears the username's count (not the address's).
    signin_free_failures: int = 5
    signin_delay_s: float = 1.0
    signin_delay_max_s: float = 60.0
    signin_lockout_failures: int = 20
    signin_lockout_s: float = 15 * 60
    # auth_events and spent staff sign-in tokens are deleted once older than this (server/retention.py);
    # 0 keeps them for ever.
    auth_records_keep_days: int = 365
    # How often sockets joined with a token have it checked again (revoked or expired: dropped).
    socket_token_check_s: float = 5.0
    # Remote queue notices (server/remote/gateway.py): provider log | http | none; the HTTP provider's
    # URL and key; how often the notice worker looks at its outbox besides being woken by commits.
    message_provider: str = "log"
    message_http_url: str | None = None
    message_http_key: str | None = None
    notice_poll_s: float = 1.0

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        config_path = env.get("COUNTERFLOW_CONFIG")
        if config_path:
            with open(config_path, "rb") as fh:
                values.update(tomllib.load(fh))
        for f in fields(cls):
            key = f"COUNTERFLOW_{f.name.upper()}"
            if key in env:
                values[f.name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls()._with(values)

    def _with(self, values: dict[str, object]) -> "Settings":
        converted = {}
        for f in fields(self):
            if f.name not in values:
                continue
            raw = values[f.name]
            default = getattr(self, f.name)
            if isinstance(default, bool):
                converted[f.name] = raw if isinstance(raw, bool) else str(raw).lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                converted[f.name] = int(raw)
            elif isinstance(default, float):
                converted[f.name] = float(raw)
            else:
                converted[f.name] = raw
        return replace(self, **converted)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
