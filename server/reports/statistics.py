"""Per service, counter and teller: the settlement counts and the measures, for a day or a period.

Who a ticket belongs to:
- service: the service of the ticket row. `issued` = numbers handed out for the service
  (number_sequences) + follow-up tickets transferred in from another service or counter.
- counter: the counter that called the ticket last (tickets.counter_id); `issued` there means
  "handed to this counter" = tickets whose final call was at this counter. A ticket put back in the
  queue after a no-show and called elsewhere belongs to the counter that called it last.
- teller: the teller signed in at that counter when it was called (tickets.staff_id), same rule.
- not called: tickets that never reached a counter (still waiting, or cancelled/abandoned while waiting).
A row balances when issued = done + no-show + cancelled + transferred out + abandoned (+ open while the
day is running) and none of its tickets is inconsistent (see reconcile.py).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..queue.clock import iso_utc
from . import reconcile
from .dataset import Dataset, PauseRow, TicketRow
from .hourly import hourly
from .measures import measures


def _row(ds: Dataset, tickets: list[TicketRow], issued: int, problems: dict[int, list[str]], **labels) -> dict:
    counts = reconcile.outcome_counts(tickets)
    balanced = (issued == reconcile.accounted(counts) and counts["unknown"] == 0
                and not any(t.id in problems for t in tickets))
    return {**labels, "issued": issued, **counts, "balanced": balanced, **measures(ds, tickets, ds.now)}


def _pause_summary(pauses: list[PauseRow], start: dt.datetime, end: dt.datetime) -> dict:
    by_reason: dict[str, dict] = {}
    total = 0.0
    for p in pauses:
        seconds = max(0.0, (min(p.ended_at or end, end) - max(p.started_at, start)).total_seconds())
        entry = by_reason.setdefault(p.reason, {"count": 0, "total_s": 0.0})
        entry["count"] += 1
        entry["total_s"] = round(entry["total_s"] + seconds, 1)
        total += seconds
    return {"count": len(pauses), "total_s": round(total, 1), "by_reason": by_reason}


def build(ds: Dataset) -> dict:
    problems, missing = reconcile.find_problems(ds)
    start, end = ds.period.utc_bounds()
    pause_end = min(end, max(ds.now, start))

    by_service: dict[int, list[TicketRow]] = defaultdict(list)
    by_counter: dict[int, list[TicketRow]] = defaultdict(list)
    by_staff: dict[int | None, list[TicketRow]] = defaultdict(list)
    not_called: list[TicketRow] = []
    for t in ds.tickets:
        by_service[t.service_id].append(t)
        if t.counter_id is None:
            not_called.append(t)
        else:
            by_counter[t.counter_id].append(t)
            by_staff[t.staff_id].append(t)
    pauses_by_counter: dict[int, list[PauseRow]] = defaultdict(list)
    pauses_by_staff: dict[int | None, list[PauseRow]] = defaultdict(list)
    for p in ds.pauses:
        pauses_by_counter[p.counter_id].append(p)
        pauses_by_staff[p.staff_id].append(p)

    numbered: dict[int, int] = defaultdict(int)
    for (service_id, _day), last in ds.numbered.items():
        numbered[service_id] += last

    services = []
    for sid, info in sorted(ds.services.items(), key=lambda kv: kv[1].code):
        tickets = by_service.get(sid, [])
        if not info.active and not tickets and not numbered.get(sid):
            continue
        transferred_in = sum(1 for t in tickets if t.transferred_from_id is not None)
        row = _row(ds, tickets, numbered.get(sid, 0) + transferred_in, problems, service=info.code,
                   name_zh=info.name_zh, name_en=info.name_en, name_zh_hans=info.name_zh_hans,
                   wait_target_min=info.wait_target_s // 60,
                   issued_new=numbered.get(sid, 0), transferred_in=transferred_in)
        if any(m["service"] == info.code for m in missing):
            row["balanced"] = False
        services.append(row)

    counters = []
    for cid, info in sorted(ds.counters.items(), key=lambda kv: kv[1].number):
        row = _row(ds, by_counter.get(cid, []), len(by_counter.get(cid, [])), problems,
                   counter=info.number, name=info.name)
        row["pause"] = _pause_summary(pauses_by_counter.get(cid, []), start, pause_end)
        counters.append(row)

    tellers = []
    staff_keys = sorted(set(by_staff) | {k for k in pauses_by_staff if k is not None},
                        key=lambda k: (k is None, ds.staff[k].username if k in ds.staff else ""))
    for key in staff_keys:
        info = ds.staff.get(key) if key is not None else None
        tickets = by_staff.get(key, [])
        row = _row(ds, tickets, len(tickets), problems, teller=info.username if info else None,
                   name=info.display_name if info else None)
        row["pause"] = _pause_summary(pauses_by_staff.get(key, []), start, pause_end)
        tellers.append(row)

    total_issued = sum(numbered.values()) + sum(1 for t in ds.tickets if t.transferred_from_id is not None)
    totals = _row(ds, ds.tickets, total_issued, problems, issued_new=sum(numbered.values()),
                  transferred_in=total_issued - sum(numbered.values()))
    totals["balanced"] = totals["balanced"] and not missing and all(s["balanced"] for s in services)
    uncalled = _row(ds, not_called, len(not_called), problems)

    pause_rows = []
    for (cid, staff_id, reason), group in sorted(_group_pauses(ds.pauses).items(),
                                                 key=lambda kv: (ds.counters[kv[0][0]].number, kv[0][2])):
        summary = _pause_summary(group, start, pause_end)
        pause_rows.append({"counter": ds.counters[cid].number,
                           "teller": ds.staff[staff_id].username if staff_id in ds.staff else None,
                           "reason": reason, "count": summary["count"], "total_s": summary["total_s"]})

    return {
        "branch": {"code": ds.branch_code, "name_zh": ds.branch_name_zh, "name_en": ds.branch_name_en,
                   "name_zh_hans": ds.branch_name_zh_hans},
        "period": ds.period.as_dict(),
        "generated_at": iso_utc(ds.now),
        "balanced": totals["balanced"],
        "totals": totals,
        "services": services,
        "counters": counters,
        "tellers": tellers,
        "not_called": uncalled,
        "hours": hourly(ds),
        "pauses": pause_rows,
        "emergencies": ds.emergencies,
        "comments": ds.comments,
        "rounds": ds.rounds,

        "appointments": ds.appointments,  # counts only: no name, phone or e-mail in any report
        "remote": ds.remote,
        "problems": reconcile.problem_list(ds, problems),
        "missing_numbers": missing,
    }


def _group_pauses(pauses: list[PauseRow]) -> dict[tuple, list[PauseRow]]:
    groups: dict[tuple, list[PauseRow]] = defaultdict(list)
    for p in pauses:
        groups[(p.counter_id, p.staff_id, p.reason)].append(p)
    return groups
