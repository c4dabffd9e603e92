"""Application factory: wires settings, database, engine, event bus, real-time and blueprints."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, redirect
from sqlalchemy import text

from .alerts import WaitMonitor
from .bootstrap import bootstrap
from .health import Readiness
from .metrics import HubMetrics
from .outage import OutageTracker
from .remote.gateway import make_provider
from .remote.notice_worker import NoticeWorker
from .retention import Retention
from .http_headers import IdConverter, baseline_headers
from .queue.actors import Actor
from .settings import Settings
from .signin_throttle import SignInThrottle

log = logging.getLogger(__name__)


class Hub:
    """Everything a request handler needs, in one place (app.extensions["counterflow"])."""

    def __init__(self, settings: Settings):
        services = bootstrap(settings)
        self.settings = settings
        self.db, self.bus, self.principals = services.db, services.bus, services.principals
        self.engine, self.setup = services.engine, services.setup
        # The queue table that displays and GET .../queue read: computed once per change.
        self.snapshots = services.snapshots
        # An unreachable database is logged once per outage and answered 503 (server/outage.py).
        self.outage = OutageTracker(self.db)
        self.signin_throttle = SignInThrottle(settings)
        self.monitor = WaitMonitor(self.db, self.engine, settings.alert_interval_s, self.outage)
        self.retention = Retention(self.db, settings.auth_records_keep_days)
        # Remote queue notices: the outbox worker and its message provider (server/remote/).
        self.notices = NoticeWorker(self.db, self.engine, make_provider(settings), services.clock,
                                    settings.notice_poll_s, self.outage)
        self.bus.subscribe(self.notices.wake)
        self.ticket_hooks: list = []  # called with (branch_code, ticket view) after issue, e.g. printing
        self.realtime = None  # server.realtime.Realtime, set by create_app
        self.devices = None  # server.devices.DeviceService, set by create_app; started with the background
        self.metrics = None  # server.metrics.HubMetrics, set by create_app

    def issue_ticket(self, branch_code: str, service_code: str, actor: Actor, **options) -> dict:
        ticket = self.engine.issue(branch_code, service_code, actor, **options)
        for hook in self.ticket_hooks:
            ticket = hook(branch_code, ticket, actor) or ticket
        return ticket

    def start_background(self) -> None:
        if self.realtime is not None:
            self.realtime.start()  # delivery from the event log, heartbeats, pruning
        self.monitor.start()
        self.notices.start()
        self.retention.start()
        if self.devices is not None:
            self.devices.start()

    def stop_background(self) -> None:
        if self.devices is not None:
            self.devices.stop()
        self.monitor.stop()
        self.notices.stop()
        self.retention.stop()
        if self.realtime is not None:
            self.realtime.stop(timeout=2.0)  # let committed events reach the screens before exit


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.load()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes,
                      JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False
    # Path ids fit their column: a longer number is a 404, not an overflow in the database.
    app.url_map.converters["int"] = IdConverter
    hub = Hub(settings)
    app.extensions["counterflow"] = hub
    from .devices import DeviceService

    hub.devices = DeviceService(hub)  # no threads until hub.start_background()

    from .api import api, register_error_handlers
    from .i18n import init_i18n
    from .realtime import init_realtime

    app.register_blueprint(api)
    register_error_handlers(app)
    init_i18n(app)
    hub.realtime = init_realtime(app, hub)
    hub.devices.agents.install(hub.realtime.socketio)  # the /agent namespace (server/devices/agent_hub.py)
    _register_surfaces(app)
    hub.metrics = HubMetrics(hub)  # /metrics and the request-latency histogram (server/metrics.py)
    hub.metrics.install(app)
    Readiness(hub).install(app)  # /readyz (server/health.py)
    app.after_request(baseline_headers)

    @app.get("/healthz")
    def healthz():
        with hub.db.read() as session:
            session.execute(text("SELECT 1"))
        # async_mode: how this process serves Socket.IO (gevent or threading), as the server really runs it.
        return jsonify(status="ok", async_mode=hub.realtime.socketio.server.eio.async_mode)

    @app.get("/")
    def index():
        return redirect("/api/v1/docs")

    @app.get("/favicon.ico")
    def favicon():
        return "", 204  # browsers ask on every page; an empty answer keeps the logs clean

    return app


def _register_surfaces(app: Flask) -> None:
    """The browser pages: one blueprint per surface, plus what they share."""
    from admin import bp as admin_bp
    from appointment_page import bp as appointment_bp
    from branch_page import bp as branch_bp
    from counter_terminal import bp as counter_bp
    from display import bp as display_bp
    from kiosk import bp as kiosk_bp
    from supervisor import bp as supervisor_bp
    from ticket_page import bp as ticket_bp

    from .web_common import bp as common_bp

    for blueprint in (common_bp, kiosk_bp, display_bp, ticket_bp, counter_bp, supervisor_bp, admin_bp,
                      appointment_bp, branch_bp):
        app.register_blueprint(blueprint)
