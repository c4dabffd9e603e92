"""The rounds in the reports: the rounds of a period for the day report (who did them, the problems
found), the history as a CSV table, and the recurring problems of a period (the items found wrong
most often). docs/architecture.md, "Rounds"."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy.orm import Session

from ..queue.rounds import rounds_between
from .export import Table
from .periods import Period

HISTORY_COLUMNS = ["round_id", "kind", "business_day", "done_at", "done_by", "item", "group_zh_hant", "text_zh_hant",
                   "text_en", "ok", "note", "fault_id", "task_owner", "task_done_at"]


def rows(session: Session, branch_id: int, period: Period) -> list[dict]:
    """Each round of the period with only its problems (the day report lists what was found)."""
    return [{**r, "answers": None, "items": len(r["answers"]),
             "problem_items": [a for a in r["answers"] if not a["ok"]]}
            for r in rounds_between(session, branch_id, period.first, period.last)]


def history_table(rounds: list[dict]) -> Table:
    """One line per answered item: the sheet as it was filled in, for a spreadsheet."""
    lines = []
    for r in rounds:
        for a in r["answers"]:
            task = a.get("task") or {}
            lines.append([r["id"], r["kind"], r["business_day"], r["done_at"], r["done_by"], a["key"],
                          a["group"]["zh_Hant"], a["text"]["zh_Hant"], a["text"]["en"], a["ok"], a["note"],
                          (a.get("fault") or {}).get("id"), task.get("owner"), task.get("done_at")])
    return Table("rounds", HISTORY_COLUMNS, lines)


def recurring_problems(rounds: list[dict], first: dt.date, last: dt.date, *, at_least: int = 2) -> dict:
    """Items found wrong on `at_least` rounds or more in the period, most often first; each with the days,
    the notes and how many of its problems became faults or tasks."""
    found: dict[tuple[str, str], dict] = {}
    checked: dict[tuple[str, str], int] = defaultdict(int)
    for r in rounds:
        for a in r["answers"]:
            key = (r["kind"], a["key"])
            checked[key] += 1
            if a["ok"]:
                continue
            item = found.setdefault(key, {"kind": r["kind"], "key": a["key"], "group": a["group"], "text": a["text"],
                                          "problems": 0, "days": [], "notes": [], "faults": 0, "tasks": 0})
            item["problems"] += 1
            item["group"], item["text"] = a["group"], a["text"]  # the latest wording
            if r["business_day"] not in item["days"]:
                item["days"].append(r["business_day"])
            item["notes"].append({"business_day": r["business_day"], "note": a["note"], "by": r["done_by"]})
            item["faults"] += 1 if a.get("fault") else 0
            item["tasks"] += 1 if a.get("task") else 0
    items = [{**item, "checked": checked[key]} for key, item in found.items() if item["problems"] >= at_least]
    items.sort(key=lambda i: (-i["problems"], i["kind"], i["key"]))
    return {"from": first.isoformat(), "to": last.isoformat(), "rounds": len(rounds), "at_least": at_least,
            "items": items}
