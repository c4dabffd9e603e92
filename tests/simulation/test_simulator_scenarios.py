"""Scenario files, pauses, policies and no-shows on the real engine; the simulator's figures against the
reports computed from the database it leaves behind; the command line."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from server.cli import main
from server.db import Database
from server.models import Branch, Counter, CounterPause, Ticket
from server.queue import QueueEngine
from server.queue.actors import Actor
from server.reports import dataset, statistics
from server.reports.day_close import close_day
from server.reports.periods import Period
from server.simulation import scenario, simulate
from server.simulation.scenario import ScenarioError

SCENARIO = """
hours = 2
seed = 5
start = "2026-03-02T09:00"

[[services]]
code = "A"
arrivals_per_hour = [30, 20]
mean_service_min = 3
distribution = "lognormal"
cv = 0.5
wait_target_min = 10
no_show = 0.1

[[services]]
code = "B"
arrivals_per_hour = 10
mean_service_min = 6
distribution = "gamma"
cv = 0.7

[[counters]]
number = 1
services = ["A", "B"]
policy = "longest_wait"
pauses = [{ at_min = 30, minutes = 15, reason = "lunch" }]

[[counters]]
number = 2
services = ["B", "A"]
"""


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sim")
    path = folder / "branch.toml"
    path.write_text(SCENARIO)
    sc = scenario.from_toml(str(path))
    result = simulate(sc, keep_db=str(folder / "sim.db"))
    db = Database(result["database"])
    yield sc, result, db
    db.dispose()


def test_scenario_file_runs_every_customer_through_the_engine(mixed):
    _, result, db = mixed
    c = result["customers"]
    assert c["arrived"] > 40 and c["unserved"] == 0 and c["no_show"] > 0
    assert c["arrived"] == c["served"] + c["no_show"]
    assert set(result["services"]) == {"A", "B"} and result["erlang_c"] is None
    with db.read() as s:
        statuses = s.execute(select(Ticket.status)).scalars().all()
    assert len(statuses) == c["arrived"] and set(statuses) == {"done", "no_show"}


def test_a_paused_counter_takes_nobody_during_its_pause(mixed):
    _, _, db = mixed
    with db.read() as s:
        c1 = s.execute(select(Counter.id).where(Counter.number == 1)).scalar_one()
        (pause,) = s.execute(select(CounterPause).where(CounterPause.counter_id == c1)).scalars().all()
        calls = s.execute(select(Ticket.called_at).where(Ticket.counter_id == c1)).scalars().all()
    opening = dt.datetime(2026, 3, 2, 1, 0)  # 09:00 Taipei
    assert pause.reason == "lunch" and pause.started_at >= opening + dt.timedelta(minutes=30)
    assert pause.ended_at - pause.started_at == dt.timedelta(minutes=15)
    assert not [t for t in calls if pause.started_at < t < pause.ended_at]


def test_reports_on_the_simulated_day_agree_with_the_simulator(mixed):
    sc, result, db = mixed
    engine = QueueEngine(db, clock=lambda: dt.datetime(2026, 3, 2, 9, 0))  # 17:00 Taipei, the day is over
    with db.read() as s:
        branch = s.execute(select(Branch)).scalar_one()
        report = statistics.build(dataset.load(s, branch, Period(dt.date(2026, 3, 2), dt.date(2026, 3, 2),
                                                                 branch.timezone), engine.clock()))
    assert report["balanced"] is True
    assert report["totals"]["done"] == result["customers"]["served"]
    assert report["totals"]["no_show"] == result["customers"]["no_show"]
    assert report["totals"]["wait"]["count"] == result["wait"]["count"]
    assert report["totals"]["wait"]["mean_s"] == pytest.approx(result["wait"]["mean_s"], abs=0.1)
    assert report["totals"]["wait"]["max_s"] == pytest.approx(result["wait"]["max_s"], abs=0.1)
    pause = next(c for c in report["counters"] if c["counter"] == 1)["pause"]
    assert pause["by_reason"] == {"lunch": {"count": 1, "total_s": 900.0}}
    closed = close_day(engine, "sim", Actor(kind="user", name="supervisor", role="supervisor"))
    assert closed["report"]["balanced"] is True and closed["day_close"]["abandoned"] == 0


def test_same_seed_same_day_and_another_seed_another_day():
    small = dict(arrivals_per_hour=40, counters=2, mean_service_min=2.5, hours=0.5)
    a, b = simulate(scenario.simple(seed=3, **small)), simulate(scenario.simple(seed=3, **small))
    c = simulate(scenario.simple(seed=4, **small))
    assert a["wait"] == b["wait"] and a["estimates"] == b["estimates"]
    assert a["wait"] != c["wait"]


def test_bad_scenarios_are_refused_with_a_reason(tmp_path):
    for text, fragment in (
        ("hours = 2\n", "at least one service"),
        ('[[services]]\ncode = "A"\narrivals_per_hour = 5\nmean_service_min = 3\n'
         '[[counters]]\nnumber = 1\nservices = ["B"]\n', "counter 1"),
        ('[[services]]\ncode = "A"\narrivals_per_hour = 5\nmean_service_min = 3\ncolour = "red"\n', "colour"),
        ('[[services]]\ncode = "A"\narrivals_per_hour = 5\nmean_service_min = 3\ndistribution = "weibull"\n'
         '[[counters]]\nnumber = 1\nservices = ["A"]\n', "distribution"),
    ):
        path = tmp_path / "s.toml"
        path.write_text(text)
        with pytest.raises(ScenarioError) as err:
            scenario.from_toml(str(path))
        assert fragment in str(err.value)


def test_command_line(capsys, tmp_path):
    assert main(["simulate", "--arrivals-per-hour", "30", "--counters", "2", "--mean-service-min", "3",
                 "--hours", "0.5", "--seed", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["erlang_c"]["model"] == "M/M/2" and result["customers"]["arrived"] > 5
    assert result["runtime"]["transactions"] >= 2 * result["customers"]["arrived"]
    assert main(["simulate", "--hours", "0.25", "--counters", "1", "--arrivals-per-hour", "10"]) == 0
    text = capsys.readouterr().out
    assert "wait: mean" in text and "Erlang C (M/M/1)" in text and "engine wait estimates" in text
    (tmp_path / "bad.toml").write_text("hours = 2\n")
    assert main(["simulate", "--scenario", str(tmp_path / "bad.toml")]) == 2
