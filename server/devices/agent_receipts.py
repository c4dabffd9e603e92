"""Key presses from branch agents, recorded by report id in the database before they are acted on.

The agent keeps a report until the hub acknowledges it, so a hub killed after acting on a press but
before its acknowledgement left would get the press again from the agent. The hub's in-memory
list of seen ids does not survive that; this table does. The id is recorded first and the press
acted on second: a crash between the two loses that one press rather than counting it twice (a
call-next twice calls a customer who is not there). Rows older than a day are pruned (docs/device-manager.md,
"Branch agents").
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from ..models import AgentReport

KEEP = dt.timedelta(days=1)


def first_time(db, *, branch_id: int, agent: str, report_id: str, now: dt.datetime) -> bool:
    """Record `report_id`; False when an earlier hub process (or this one) already had it. Only the
    hub process that runs the device manager records them, so no two processes race for one id."""
    with db.write() as session:
        key = (AgentReport.branch_id == branch_id, AgentReport.agent == agent, AgentReport.report_id == report_id)
        if session.execute(select(AgentReport.report_id).where(*key)).first() is not None:
            return False
        session.add(AgentReport(branch_id=branch_id, agent=agent, report_id=report_id, received_at=now))
    return True


def prune(db, now: dt.datetime) -> int:
    with db.write() as session:
        return session.execute(delete(AgentReport).where(AgentReport.received_at < now - KEEP)).rowcount
