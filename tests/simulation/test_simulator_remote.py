"""Remote arrivals in the simulator (issue 15): a share of a service's customers take their ticket on the
phone and check in later; none is called before the check-in, and the day report counts them."""
from __future__ import annotations

from sqlalchemy import select

from server.db import Database
from server.models import Branch, RemoteTicket, Ticket, TicketEvent
from server.reports import dataset, statistics
from server.reports.periods import Period
from server.simulation import scenario, simulate


def test_remote_arrivals_are_called_only_after_their_check_in(tmp_path):
    sc = scenario.from_dict({
        "hours": 1, "seed": 3,
        "services": [{"code": "A", "arrivals_per_hour": 40, "mean_service_min": 2, "remote_share": 0.5,
                      "remote_travel_min": 8}],
        "counters": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A"]}],
    })
    result = simulate(sc, keep_db=str(tmp_path / "sim.db"))
    assert result["customers"]["unserved"] == 0
    db = Database(result["database"])
    try:
        with db.read() as s:
            remote = s.execute(select(Ticket.id, RemoteTicket.checked_in_at, Ticket.called_at, Ticket.created_at)
                               .join(RemoteTicket, RemoteTicket.ticket_id == Ticket.id)).all()
            assert 5 < len(remote) < result["customers"]["arrived"]
            for _, checked_in, called, taken in remote:
                assert checked_in is not None and called >= checked_in
                assert (checked_in - taken).total_seconds() == 8 * 60
            checks = s.execute(select(TicketEvent.action).where(TicketEvent.action == "check_in")).scalars().all()
            assert len(checks) == len(remote)
            branch = s.execute(select(Branch)).scalar_one()
            day = s.execute(select(Ticket.business_day)).scalars().first()
            report = statistics.build(dataset.load(s, branch, Period(day, day, branch.timezone), remote[0][2]))
        assert report["remote"]["issued"] == len(remote) and report["remote"]["checked_in_kiosk"] == len(remote)
    finally:
        db.dispose()
