"""The fault report for a period (seed 4-8, "資料存檔"): every fault raised in the period, what it cost,
how it was handled and what the investigation found, for the archive as CSV or a printed page.

Plain dicts out; the API makes the CSV and the supervisor surface the printable page. Times are in
the branch's zone (the archive is read by people, not programs). See docs/architecture.md, "Devices".
"""
from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..models import Branch, Device, DeviceFault, Ticket
from ..reports.export import Table
from ..reports.periods import Period, to_local_naive
from .faults import DESCRIPTIONS, not_printed_filter

COLUMNS = ["id", "raised_at", "device", "device_kind", "code", "description", "severity", "source", "raised_by",
           "acknowledged_at", "acknowledged_by", "ack_note", "contingency", "resolved_at", "resolved_by",
           "resolve_note", "override_reason", "minutes_to_acknowledge", "minutes_out_of_service",
           "tickets_not_printed", "cause", "responsibility", "follow_up", "investigated_at", "investigated_by"]


def _minutes(start: dt.datetime, end: dt.datetime | None) -> float | None:
    return None if end is None else round((end - start).total_seconds() / 60, 1)


def _not_printed(session, fault: DeviceFault, end: dt.datetime) -> int:
    if fault.device_id is None:
        return 0
    return session.execute(select(func.count()).select_from(Ticket).where(*not_printed_filter(fault, end))).scalar_one()


def fault_report(session, branch: Branch, first: dt.date, last: dt.date, now: dt.datetime) -> dict:
    """Faults raised on business days first..last: one row each, and totals per code."""
    period = Period(first, last, branch.timezone)
    start, end = period.utc_bounds()
    zone = ZoneInfo(branch.timezone)

    def local(at: dt.datetime | None) -> str | None:
        return None if at is None else to_local_naive(at, zone).isoformat(sep=" ", timespec="minutes")

    faults = session.execute(
        select(DeviceFault, Device.name, Device.kind).outerjoin(Device, Device.id == DeviceFault.device_id)
        .where(DeviceFault.branch_id == branch.id, DeviceFault.raised_at >= start, DeviceFault.raised_at < end)
        .order_by(DeviceFault.raised_at, DeviceFault.id)
    ).all()
    rows = []
    for fault, device_name, device_kind in faults:
        until = fault.resolved_at or now
        rows.append({
            "id": fault.id, "raised_at": local(fault.raised_at), "device": device_name, "device_kind": device_kind,
            "code": fault.code,
            "description": DESCRIPTIONS.get(fault.code) if fault.source == "auto" else fault.message,
            "severity": fault.severity, "source": fault.source, "raised_by": fault.raised_by,
            "acknowledged_at": local(fault.acknowledged_at), "acknowledged_by": fault.acknowledged_by,
            "ack_note": fault.ack_note, "contingency": fault.contingency,
            "resolved_at": local(fault.resolved_at), "resolved_by": fault.resolved_by,
            "resolve_note": fault.resolve_note, "override_reason": fault.override_reason,
            "minutes_to_acknowledge": _minutes(fault.raised_at, fault.acknowledged_at),
            "minutes_out_of_service": _minutes(fault.raised_at, until),
            "tickets_not_printed": _not_printed(session, fault, until),
            "cause": fault.cause, "responsibility": fault.responsibility, "follow_up": fault.follow_up,
            "investigated_at": local(fault.investigated_at), "investigated_by": fault.investigated_by,
        })
    by_code = Tally(row["code"] for row in rows)
    return {
        "branch": {"code": branch.code, "name_zh": branch.name_zh, "name_en": branch.name_en},
        "period": period.as_dict(),
        "generated_at": local(now),
        "faults": rows,
        "totals": {
            "faults": len(rows),
            "open": sum(1 for r in rows if r["resolved_at"] is None),
            "overridden": sum(1 for r in rows if r["override_reason"]),
            "not_investigated": sum(1 for r in rows if r["resolved_at"] and not r["investigated_at"]),
            "minutes_out_of_service": round(sum(r["minutes_out_of_service"] or 0 for r in rows), 1),
            "tickets_not_printed": sum(r["tickets_not_printed"] for r in rows),
            "by_code": dict(sorted(by_code.items())),
        },
    }


def fault_table(report: dict) -> Table:
    return Table("faults", COLUMNS, [[row[c] for c in COLUMNS] for row in report["faults"]])
