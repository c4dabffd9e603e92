"""/metrics read with Prometheus' own text parser after real operations, who may read it, and /readyz."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from server.app import create_app
from server.queue.remote import RemoteKeys
from server.settings import Settings

LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


def scrape(client, **kw) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} from a real scrape."""
    response = client.get("/metrics", environ_base=kw.pop("environ_base", LOOPBACK), **kw)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_count_committed_ticket_events_and_show_the_queue(client, signed_in, hub):
    supervisor = signed_in("supervisor")
    for service in ("A", "A", "A", "B"):
        assert supervisor.post("/api/v1/branches/demo/tickets", json={"service": service}).status_code == 201
    hub.engine.remote.take("demo", "C", RemoteKeys(device="phone-1"))  # waits elsewhere until checked in
    refused = supervisor.post("/api/v1/branches/demo/tickets", json={"service": "Z"})
    assert refused.status_code >= 400  # commits nothing, so counts nothing
    counter_id = supervisor.get("/api/v1/branches/demo/counters").get_json()["counters"][0]["id"]
    assert supervisor.post(f"/api/v1/counters/{counter_id}/open").status_code == 200
    assert supervisor.post(f"/api/v1/counters/{counter_id}/call-next").status_code == 200
    assert supervisor.post(f"/api/v1/counters/{counter_id}/complete").status_code == 200
    assert supervisor.post(f"/api/v1/counters/{counter_id}/call-next").status_code == 200
    assert supervisor.post(f"/api/v1/counters/{counter_id}/recall").status_code == 200  # not a call

    samples = scrape(client)
    assert value(samples, "counterflow_tickets_issued_total", branch="demo", service="A") == 3
    assert value(samples, "counterflow_tickets_issued_total", branch="demo", service="B") == 1
    assert value(samples, "counterflow_tickets_issued_total", branch="demo", service="Z") is None
    called = sum(v for (name, _), v in samples.items() if name == "counterflow_tickets_called_total")
    served = sum(v for (name, _), v in samples.items() if name == "counterflow_tickets_served_total")
    assert (called, served) == (2, 1)
    # Counter 1 serves A before B (strict): two A tickets left the queue.
    assert value(samples, "counterflow_queue_waiting", branch="demo", service="A") == 1
    assert value(samples, "counterflow_queue_waiting", branch="demo", service="B") == 1
    assert value(samples, "counterflow_queue_not_checked_in", branch="demo", service="C") == 1
    assert value(samples, "counterflow_queue_not_checked_in", branch="demo", service="A") == 0
    assert value(samples, "counterflow_queue_waiting", branch="demo", service="C") == 0
    assert value(samples, "counterflow_queue_longest_wait_seconds", branch="demo", service="C") == 0
    assert value(samples, "counterflow_queue_longest_wait_seconds", branch="demo", service="A") >= 0
    assert value(samples, "counterflow_database_up") == 1
    assert value(samples, "counterflow_socket_connections") == 0
    assert value(samples, "process_resident_memory_bytes") > 10_000_000
    # Latency by URL rule, not by raw path: all four issues in one series.
    issue = dict(route="/api/v1/branches/<code>/tickets", method="POST", status="201")
    assert value(samples, "counterflow_http_request_duration_seconds_count", **issue) == 4
    assert value(samples, "counterflow_http_request_duration_seconds_bucket", le="+Inf", **issue) == 4
    assert not any("/branches/demo/" in dict(labels).get("route", "") for _, labels in samples)


def test_metrics_show_open_alerts_and_device_states(client, signed_in, app):
    hub = app.extensions["counterflow"]
    with hub.db.write() as session:
        branch_id = session.execute(text("SELECT id FROM branches WHERE code = 'demo'")).scalar_one()
        session.execute(text("INSERT INTO devices (branch_id, kind, name, url, settings, enabled, state) "
                             "VALUES (:b, 'printer', 'p1', 'tcp://192.0.2.1:9100', '{}', :t, 'fault'), "
                             "(:b, 'led', 'l1', 'sim://bus/1?unit=1', '{}', :t, 'online'), "
                             "(:b, 'led', 'l2', 'sim://bus/1?unit=2', '{}', :t, 'online')"),
                        {"b": branch_id, "t": True})
    assert signed_in("supervisor").post("/api/v1/faults", json={
        "device": "p1", "branch": "demo", "code": "paper_jam", "message": "jammed"}).status_code in (200, 201)
    samples = scrape(client)
    assert value(samples, "counterflow_devices", branch="demo", kind="led", state="online") == 2
    assert value(samples, "counterflow_devices", branch="demo", kind="printer", state="fault") == 1
    faults = sum(v for (name, _), v in samples.items() if name == "counterflow_device_faults_open")
    assert faults == 1
    # A device fault raises a critical alert alongside (server/devices/faults.py).
    assert value(samples, "counterflow_alerts_open", branch="demo", kind="device_fault", level="critical") == 1


def test_metrics_are_refused_to_other_clients_unless_they_bring_the_token(database_url):
    app = create_app(Settings(database_url=database_url, alert_interval_s=0, secret_key="t", metrics_token="s3cret"))
    client = app.test_client()
    try:
        remote = {"REMOTE_ADDR": "192.0.2.7"}
        refused = client.get("/metrics", environ_base=remote)
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "forbidden"
        assert client.get("/metrics", environ_base=remote,
                          headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert "counterflow_database_up" in str(
            scrape(client, environ_base=remote, headers={"Authorization": "Bearer s3cret"}))
        # Loopback, but relayed by a proxy on this machine: the client is elsewhere.
        proxied = client.get("/metrics", environ_base=LOOPBACK, headers={"X-Forwarded-For": "203.0.113.9"})
        assert proxied.status_code == 403
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    finally:
        app.extensions["counterflow"].db.dispose()


def test_readyz_checks_database_migrations_and_device_manager(database_url):
    app = create_app(Settings(database_url=database_url, alert_interval_s=0, secret_key="t"))
    hub = app.extensions["counterflow"]
    client = app.test_client()
    try:
        # Built but not started (as in a test or a CLI command): the device manager is not running.
        body = client.get("/readyz").get_json()
        assert body["status"] == "not_ready" and body["failed"] == ["device_manager"]
        assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
        hub.start_background()
        try:
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.get_json()
            assert ready.get_json()["status"] == "ready"
            # A hub started against a database an upgrade has not reached yet is not ready.
            with hub.db.write() as session:
                head = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
            behind = client.get("/readyz")
            assert behind.status_code == 503
            assert behind.get_json()["failed"] == ["migrations"]
            assert behind.get_json()["checks"]["migrations"]["current"] == ["0001"]
            with hub.db.write() as session:
                session.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head})
            hub.devices.stop()
            assert client.get("/readyz").get_json()["failed"] == ["device_manager"]
        finally:
            hub.stop_background()
        assert client.get("/healthz").status_code == 200  # the process is up all the same
    finally:
        hub.db.dispose()


def test_readyz_is_ready_without_a_device_manager_when_another_process_runs_it(database_url):
    app = create_app(Settings(database_url=database_url, alert_interval_s=0, secret_key="t", device_manager=False))
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 200
        assert response.get_json()["checks"]["device_manager"] == {"ok": True, "state": "disabled"}
    finally:
        app.extensions["counterflow"].db.dispose()


def test_metrics_show_the_real_time_backlog_and_how_long_it_has_waited(client, signed_in, app):
    import threading
    import time

    realtime = app.extensions["counterflow"].realtime
    delivery = realtime.delivery
    supervisor = signed_in("supervisor")
    assert supervisor.post("/api/v1/branches/demo/tickets", json={"service": "A"}).status_code == 201
    assert realtime.flush(5)  # the loop has its starting point and has sent everything so far
    assert value(scrape(client), "counterflow_realtime_backlog_events") == 0
    gate = threading.Event()
    emit = delivery._emit
    delivery._emit = lambda events: (gate.wait(10), emit(events))  # a slow fan-out: delayed, still real
    try:
        for _ in range(2):  # the second issue's events wait behind the first's, which are being sent
            assert supervisor.post("/api/v1/branches/demo/tickets", json={"service": "A"}).status_code == 201
            time.sleep(0.3)
        stalled = scrape(client)
        assert value(stalled, "counterflow_realtime_backlog_events") == 4  # 2 x (ticket.issued + queue.changed)
        assert 0.3 <= value(stalled, "counterflow_realtime_delivery_lag_seconds") < 5
    finally:
        gate.set()
    assert realtime.flush(5)
    drained = scrape(client)
    assert value(drained, "counterflow_realtime_backlog_events") == 0
    assert value(drained, "counterflow_realtime_delivery_lag_seconds") == 0
