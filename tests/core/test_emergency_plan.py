"""The emergency plan acts (issue 11, item 1): a reason to start it, the branch's emergency call policy
while it runs, calling as before once it ends, and the plan in the day report."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Branch, Counter, TicketEvent
from server.queue.actors import Actor
from server.queue.errors import Invalid
from server.queue.setup import SetupOperations
from server.reports import export, reads

SUPERVISOR = Actor("user", "supervisor", 6, "supervisor")
TELLER = Actor("user", "teller1", 1, "teller")


def open_counter(db, engine, number: int, staff_id: int = 1) -> int:
    with db.read() as s:
        cid = s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()
    engine.open_counter(cid, Actor("user", f"teller{staff_id}", staff_id, "teller"), staff_id=staff_id)
    return cid


def long_wait_for_wealth(engine, clock):
    """C001 waits past its 20-minute target; counter 1 serves A and B, never C."""
    engine.issue("demo", "C", TELLER)
    clock.advance(minutes=1)
    engine.issue("demo", "A", TELLER)
    clock.advance(minutes=1)
    engine.issue("demo", "A", TELLER)
    clock.advance(minutes=25)


def test_the_plan_does_not_start_without_a_reason(engine):
    for reason in ("", "   "):
        with pytest.raises(Invalid) as err:
            engine.start_emergency("demo", SUPERVISOR, reason)
        assert err.value.code == "reason_required"


def test_during_the_plan_open_counters_also_serve_breached_services_longest_wait_first(db, engine, clock):
    c1 = open_counter(db, engine, 1)
    long_wait_for_wealth(engine, clock)
    plan = engine.start_emergency("demo", SUPERVISOR, "waits over 20 min at C", "serve C at every counter")
    assert plan["policy"] == "breached_longest_wait" and plan["instruction"] == "serve C at every counter"

    called = engine.call_next(c1, TELLER)["ticket"]
    assert called["number"] == "C001"
    assert engine.call_next(c1, TELLER, complete_current=True)["ticket"]["number"] == "A001"
    with db.read() as s:
        details = [e.detail for e in s.execute(select(TicketEvent).where(TicketEvent.action == "call")
                                               .order_by(TicketEvent.id)).scalars()]
    assert details == [{"emergency": True}, None]  # only the call the plan made possible says so


def test_ending_the_plan_restores_the_counters_own_services(db, engine, clock):
    c1 = open_counter(db, engine, 1)
    long_wait_for_wealth(engine, clock)
    engine.start_emergency("demo", SUPERVISOR, "long waits")
    engine.end_emergency("demo", SUPERVISOR)
    assert engine.call_next(c1, TELLER)["ticket"]["number"] == "A001"
    assert engine.call_next(c1, TELLER, complete_current=True)["ticket"]["number"] == "A002"
    assert engine.call_next(c1, TELLER, complete_current=True)["ticket"] is None  # C001 is not counter 1's


def test_the_unchanged_policy_keeps_calling_as_configured(db, engine, clock):
    SetupOperations(engine.unit_of_work).update_hall_settings("demo", {"emergency_policy": "unchanged"})
    c1 = open_counter(db, engine, 1)
    long_wait_for_wealth(engine, clock)
    assert engine.start_emergency("demo", SUPERVISOR, "notice only")["policy"] == "unchanged"
    assert engine.call_next(c1, TELLER)["ticket"]["number"] == "A001"


def test_the_day_report_records_who_started_and_ended_the_plan_and_its_calls(db, engine, clock):
    c1 = open_counter(db, engine, 1)
    long_wait_for_wealth(engine, clock)
    engine.start_emergency("demo", SUPERVISOR, "ticket machine down", "take customers by hand")
    engine.call_next(c1, TELLER)
    clock.advance(minutes=10)
    engine.end_emergency("demo", SUPERVISOR)
    with db.read() as s:
        branch = s.execute(select(Branch).where(Branch.code == "demo")).scalar_one()
        report, _ = reads.day_report(s, branch, clock.now.date(), clock.now)
    [plan] = report["emergencies"]
    assert plan["reason"] == "ticket machine down" and plan["instruction"] == "take customers by hand"
    assert plan["started_by"] == plan["ended_by"] == "supervisor"
    assert plan["calls_by_plan"] == 1 and plan["duration_s"] == 600.0
    assert plan["started_local"] == "2026-03-02 09:27"  # the branch's time (Asia/Taipei)
    printed = export.to_html(report)
    assert "應急方案" in printed and "ticket machine down" in printed and "take customers by hand" in printed
    [table] = [t for t in export.report_tables(report) if t.name == "emergencies"]
    assert table.rows[0][table.columns.index("calls_by_plan")] == 1


def test_the_api_asks_for_a_reason_and_returns_the_instruction(signed_in):
    supervisor = signed_in("supervisor")
    missing = supervisor.post("/api/v1/branches/demo/emergency/start", json={})
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_field"
    blank = supervisor.post("/api/v1/branches/demo/emergency/start", json={"reason": "  "})
    assert blank.status_code == 400 and blank.get_json()["error"]["code"] == "reason_required"
    started = supervisor.post("/api/v1/branches/demo/emergency/start",
                              json={"reason": "queue at A", "instruction": "open counter 4"})
    assert started.status_code == 201
    assert started.get_json()["emergency"]["instruction"] == "open counter 4"
    assert supervisor.get("/api/v1/branches/demo/emergency").get_json()["emergency"]["reason"] == "queue at A"


def test_during_the_plan_the_estimate_counts_the_counters_that_now_serve_a_breached_service(db, engine, clock):
    from server.models import Service
    from server.queue import estimates

    open_counter(db, engine, 1)  # serves A and B, never C
    long_wait_for_wealth(engine, clock)

    def wealth():
        with db.read() as s:
            service = s.execute(select(Service).where(Service.code == "C")).scalar_one()
            load = estimates.service_load(s, service.id, service.default_service_s, clock.now)
        return load.counters_open, estimates.estimate_wait_s(1, load)

    assert wealth() == (0, None)  # no promise: no open counter serves C
    engine.start_emergency("demo", SUPERVISOR, "C waits too long")
    counters_open, estimate = wealth()
    assert counters_open == 1 and estimate is not None and estimate > 0
    engine.end_emergency("demo", SUPERVISOR)
    assert wealth() == (0, None)
