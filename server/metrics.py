"""`/metrics` in the Prometheus text format (docs/deployment.md, "Monitoring").

Three kinds of figures, each as cheap as it can be:
- counters fed from committed events on the event bus (tickets issued, called, served), so a refused
  operation counts nothing; they count what this process committed since it started, and Prometheus'
  rate()/increase() handle restarts;
- a request-latency histogram from a before/after_request pair, labelled by the URL rule (not the raw
  path: one series per route, not per ticket id);
- gauges worked out at scrape time from what the hub already keeps: the cached queue snapshots
  (waiting, longest wait), a few GROUP BY counts (alerts, devices, faults), the open sockets.

Every app has its own CollectorRegistry (tests build many apps in one process). The endpoint answers
loopback clients, or anyone with the configured metrics token; a request that came through a proxy
(X-Forwarded-For, Forwarded) is not loopback even though its socket is.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time

from flask import Flask, Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, ProcessCollector,
                               disable_created_metrics, generate_latest)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from .models import Alert, Branch, Device, DeviceFault
from .outage import is_database_unavailable

log = logging.getLogger(__name__)
disable_created_metrics()  # no *_created series: half the scrape, and Prometheus does not need them

# Most API answers take 1-20 ms on a branch PC; exports and reports take up to seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


class HubMetrics:
    def __init__(self, hub):
        self.hub = hub
        self.registry = CollectorRegistry(auto_describe=False)
        labels = ["branch", "service"]
        self.issued = Counter("counterflow_tickets_issued", "Tickets issued (committed) by this process",
                              labels, registry=self.registry)
        self.called = Counter("counterflow_tickets_called", "Tickets called (first call and call next; "
                              "recalls not counted) by this process", labels, registry=self.registry)
        self.served = Counter("counterflow_tickets_served", "Tickets completed (served) by this process",
                              labels, registry=self.registry)
        self.latency = Histogram("counterflow_http_request_duration_seconds",
                                 "HTTP request latency by URL rule, method and status",
                                 ["route", "method", "status"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(_ScrapeTime(hub))
        ProcessCollector(registry=self.registry)  # process_cpu_seconds_total, resident memory, open fds
        self._by_event = {"ticket.issued": self.issued, "ticket.called": self.called,
                          "ticket.completed": self.served}
        # labels() looks its child up under a lock and re-checks the values: cache the children.
        self._tickets: dict[tuple, object] = {}
        self._routes: dict[tuple, object] = {}
        hub.bus.subscribe(self.on_event)

    def on_event(self, event) -> None:
        family = self._by_event.get(event.name)
        if family is None:
            return
        ticket = event.data.get("ticket")
        service = ticket.get("service", "") if isinstance(ticket, dict) else ""
        key = (event.name, event.branch_code, service)
        child = self._tickets.get(key)
        if child is None:
            child = self._tickets[key] = family.labels(event.branch_code, service)
        child.inc()

    # ---------------------------------------------------------------------------- HTTP latency
    def install(self, app: Flask) -> None:
        app.before_request(self._before)
        app.after_request(self._after)
        app.add_url_rule("/metrics", "metrics", self.endpoint)

    @staticmethod
    def _before() -> None:
        g.cf_started = time.perf_counter()

    def _after(self, response):
        started = g.get("cf_started")
        if started is not None:
            rule = request.url_rule
            key = (rule.rule if rule is not None else "<unmatched>", request.method, response.status_code)
            child = self._routes.get(key)
            if child is None:
                child = self._routes[key] = self.latency.labels(key[0], key[1], str(key[2]))
            child.observe(time.perf_counter() - started)
        return response

    # ---------------------------------------------------------------------------- the endpoint
    def endpoint(self):
        if not self.allowed():
            from .api.core import error_response

            return error_response(403, "forbidden", "metrics are answered to loopback clients, or with the "
                                                    "metrics token (Authorization: Bearer)")
        return Response(generate_latest(self.registry), mimetype=None, content_type=CONTENT_TYPE_LATEST)

    def allowed(self) -> bool:
        token = self.hub.settings.metrics_token
        if token:
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
                return True
        if any(name in request.headers for name in _PROXY_HEADERS):
            return False  # relayed by a proxy on this machine: the client is elsewhere
        try:
            return ipaddress.ip_address(request.remote_addr or "").is_loopback
        except ValueError:
            return False


class _ScrapeTime:
    """Gauges computed when Prometheus asks: queue snapshots, alerts, devices, sockets."""

    def __init__(self, hub):
        self.hub = hub

    def collect(self):
        hub = self.hub
        sockets = GaugeMetricFamily("counterflow_socket_connections", "Socket.IO connections open on this process")
        sockets.add_metric([], _socket_count(hub))
        yield sockets
        up = GaugeMetricFamily("counterflow_database_up", "1 when the last scrape could read the database")
        try:
            families = self._from_database()
        except Exception as err:  # noqa: BLE001 - a scrape during an outage still answers, with database_up 0
            if not is_database_unavailable(err):
                raise
            hub.outage.refused(err, "/metrics")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _from_database(self) -> list:
        hub = self.hub
        now = hub.engine.clock()
        waiting = GaugeMetricFamily("counterflow_queue_waiting", "Tickets waiting now in the hall (checked in)",
                                    labels=["branch", "service"])
        away = GaugeMetricFamily("counterflow_queue_not_checked_in",
                                 "Tickets taken from a phone, waiting elsewhere until checked in", labels=["branch", "service"])
        longest = GaugeMetricFamily("counterflow_queue_longest_wait_seconds",
                                    "How long the first ticket in the queue has waited", labels=["branch", "service"])
        alerts = GaugeMetricFamily("counterflow_alerts_open", "Alerts not cleared", labels=["branch", "kind", "level"])
        devices = GaugeMetricFamily("counterflow_devices", "Enabled devices by last reported state",
                                    labels=["branch", "kind", "state"])
        faults = GaugeMetricFamily("counterflow_device_faults_open", "Device faults not resolved",
                                   labels=["branch", "severity", "acknowledged"])
        with hub.db.read() as session:
            codes = dict(session.execute(select(Branch.id, Branch.code)).all())
            for code in codes.values():
                _, rows = hub.snapshots.get(session, code, now)  # cached per change (server/queue/queries.py)
                for row in rows:
                    waiting.add_metric([code, row["service"]], row["waiting"])
                    away.add_metric([code, row["service"]], row.get("not_checked_in", 0))
                    longest.add_metric([code, row["service"]], row["longest_wait_s"])
            for branch_id, kind, level, n in session.execute(
                    select(Alert.branch_id, Alert.kind, Alert.level, func.count())
                    .where(Alert.cleared_at.is_(None)).group_by(Alert.branch_id, Alert.kind, Alert.level)):
                alerts.add_metric([codes.get(branch_id, ""), kind, level], n)
            for branch_id, kind, state, n in session.execute(
                    select(Device.branch_id, Device.kind, Device.state, func.count())
                    .where(Device.enabled.is_(True)).group_by(Device.branch_id, Device.kind, Device.state)):
                devices.add_metric([codes.get(branch_id, ""), kind, state], n)
            acked = DeviceFault.acknowledged_at.is_not(None)
            for branch_id, severity, is_acked, n in session.execute(
                    select(DeviceFault.branch_id, DeviceFault.severity, acked, func.count())
                    .where(DeviceFault.resolved_at.is_(None))
                    .group_by(DeviceFault.branch_id, DeviceFault.severity, acked)):
                faults.add_metric([codes.get(branch_id, ""), severity, "yes" if is_acked else "no"], n)
            families = [waiting, away, longest, alerts, devices, faults]
            delivery = getattr(hub.realtime, "delivery", None)
            backlog = delivery.backlog(session, now) if delivery is not None else None
        if backlog is not None:
            pending = GaugeMetricFamily("counterflow_realtime_backlog_events",
                                        "Committed events this process has not yet sent to its sockets")
            pending.add_metric([], backlog[0])
            lag = GaugeMetricFamily("counterflow_realtime_delivery_lag_seconds",
                                    "How long the oldest event not yet sent has been committed (0 when none waits)")
            lag.add_metric([], backlog[1])
            families += [pending, lag]
        return families


def _socket_count(hub) -> int:
    realtime = hub.realtime
    try:
        return len(realtime.socketio.server.eio.sockets)
    except AttributeError:
        return 0
