"""The building blocks of the reports: percentiles, the queue-length sweep, ticket consistency rules."""
from __future__ import annotations

import datetime as dt

import pytest

from server.reports.dataset import TicketRow
from server.reports.hourly import queue_length_by_hour
from server.reports.measures import describe, nearest_rank
from server.reports.periods import Period, local_midnight_utc, parse_month
from server.reports.reconcile import ticket_problems
from server.queue.errors import Invalid

T0 = dt.datetime(2026, 3, 2, 9, 0)


def minutes(m: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=m)


def test_median_and_nearest_rank_p90():
    assert describe([300, 120, 660, 300, 480, 420]) == {"count": 6, "mean_s": 380.0, "median_s": 360.0,
                                                        "p90_s": 660.0, "max_s": 660.0}
    assert nearest_rank(list(range(1, 11)), 90) == 9 and nearest_rank(list(range(1, 21)), 90) == 18
    assert nearest_rank([7.0], 90) == 7.0
    assert describe([])["mean_s"] is None


def test_queue_length_sweep_splits_at_the_hour_and_finds_the_peak():
    area, peak = queue_length_by_hour([(minutes(50), minutes(70)), (minutes(55), minutes(65)),
                                       (minutes(65), minutes(90))])
    # 9h: 10 min + 5 min waiting; 10h: 10 + 5 + 25 minutes.
    assert area[9] == 15 * 60 and area[10] == 40 * 60
    assert peak[9] == 2 and peak[10] == 2  # at 10:05 one leaves as another arrives: never 3
    assert queue_length_by_hour([]) == ({}, {})


def ticket(status: str, **times) -> TicketRow:
    base = dict(id=1, number="A001", seq=1, service_id=1, business_day=T0.date(), status=status, priority=2,
                created_at=minutes(0), arrived_at=minutes(0), called_at=None, started_at=None, finished_at=None,
                counter_id=None, staff_id=None, transferred_from_id=None, transfer_gen=0, requeue_count=0)
    base.update(times)
    return TicketRow(**base)


@pytest.mark.parametrize("row, follow_ups, origin, problems", [
    (ticket("waiting"), 0, None, []),
    (ticket("done", called_at=minutes(5), started_at=minutes(5), finished_at=minutes(9), counter_id=1), 0, None, []),
    (ticket("done", called_at=minutes(5), finished_at=minutes(9), counter_id=1), 0, None, ["missing_started_at"]),
    (ticket("waiting", called_at=minutes(5)), 0, None, ["unexpected_called_at"]),
    (ticket("no_show", called_at=minutes(5), finished_at=minutes(4), counter_id=1), 0, None, ["times_out_of_order"]),
    (ticket("transferred", called_at=minutes(5), finished_at=minutes(6), counter_id=1), 0, None,
     ["transfer_without_follow_up"]),
    (ticket("waiting", transferred_from_id=9, transfer_gen=1), 0, "done", ["follow_up_without_transfer"]),
    (ticket("cancelled"), 0, None, ["missing_finished_at"]),
    (ticket("gone"), 0, None, ["unknown_status"]),
])
def test_ticket_consistency_rules(row, follow_ups, origin, problems):
    assert ticket_problems(row, follow_ups, origin) == problems


def test_periods_in_the_branch_time_zone():
    assert local_midnight_utc(dt.date(2026, 3, 2), "Asia/Taipei") == dt.datetime(2026, 3, 1, 16, 0)
    assert Period(dt.date(2026, 3, 2), dt.date(2026, 3, 2), "Asia/Taipei").utc_bounds() == \
        (dt.datetime(2026, 3, 1, 16, 0), dt.datetime(2026, 3, 2, 16, 0))
    assert parse_month("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    for bad in ("2026-2", "2026-13", "", None):
        with pytest.raises(Invalid):
            parse_month(bad)
    with pytest.raises(Invalid):
        Period(dt.date(2025, 1, 1), dt.date(2026, 3, 1), "Asia/Taipei")
