"""Reports as tables: CSV (one table), XLSX (one sheet per table) and the printable HTML page.

Column names are the JSON field names, so a spreadsheet and the API speak the same words, unless a
language is asked for (the panel's downloads): then the headers are labels.py's texts in that language,
as on the printable pages.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .labels import Labels, local_time

COUNTS = ["issued", "done", "no_show", "cancelled", "transferred_out", "abandoned", "open", "unknown", "balanced"]
MEASURES = ["wait_count", "wait_mean_s", "wait_median_s", "wait_p90_s", "wait_max_s", "within_target_met",
            "within_target_of", "within_target_share", "service_count", "service_mean_s", "service_median_s",
            "rated", "satisfaction_mean", "score_1", "score_2", "score_3", "score_4", "score_5", "response_rate"]
PAUSE = ["pause_count", "pause_total_s"]


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list]


def _flat(row: dict) -> dict:
    """One report row (nested measures) as flat columns."""
    w, t, s, sat = row["wait"], row["within_target"], row["service_time"], row["satisfaction"]
    flat = {k: row.get(k) for k in COUNTS}
    flat.update(wait_count=w["count"], wait_mean_s=w["mean_s"], wait_median_s=w["median_s"], wait_p90_s=w["p90_s"],
                wait_max_s=w["max_s"], within_target_met=t["met"], within_target_of=t["of"],
                within_target_share=t["share"], service_count=s["count"], service_mean_s=s["mean_s"],
                service_median_s=s["median_s"], rated=sat["rated"], satisfaction_mean=sat["mean"],
                response_rate=sat["response_rate"],
                **{f"score_{k}": v for k, v in sat["distribution"].items()})
    if "pause" in row:
        flat.update(pause_count=row["pause"]["count"], pause_total_s=row["pause"]["total_s"])
    return flat


def _table(name: str, key_columns: list[str], rows: list[dict], extra: list[str] = ()) -> Table:
    columns = key_columns + COUNTS + MEASURES + list(extra)
    out = []
    for row in rows:
        flat = {**{k: row.get(k) for k in key_columns}, **_flat(row)}
        out.append([flat.get(c) for c in columns])
    return Table(name, columns, out)


def report_tables(report: dict) -> list[Table]:
    """The day or period report: one combined settlement table, then one table per part."""
    combined = []
    for scope, rows, key in (("service", report["services"], "service"), ("counter", report["counters"], "counter"),
                             ("teller", report["tellers"], "teller")):
        for row in rows:
            combined.append({**row, "scope": scope, "key": row.get(key),
                             "name": row.get("name_en") or row.get("name")})
    combined.append({**report["not_called"], "scope": "not_called", "key": None, "name": None})
    combined.append({**report["totals"], "scope": "total", "key": None, "name": None})
    tables = [
        _table("settlement", ["scope", "key", "name"], combined),
        _table("services", ["service", "name_zh", "name_en", "name_zh_hans", "wait_target_min", "issued_new",
                            "transferred_in"],
               report["services"]),
        _table("counters", ["counter", "name"], report["counters"], PAUSE),
        _table("tellers", ["teller", "name"], report["tellers"], PAUSE),
    ]
    hour_cols = ["hour", "label", "arrivals", "transfers_in", "called", "served", "no_show", "wait_mean_s",
                 "within_target_share", "waiting_avg", "waiting_max"]
    tables.append(Table("hours", hour_cols, [[h.get(c) for c in hour_cols] for h in report["hours"]]))
    pause_cols = ["counter", "teller", "reason", "count", "total_s"]
    tables.append(Table("pauses", pause_cols, [[p.get(c) for c in pause_cols] for p in report["pauses"]]))
    emergency_cols = ["started_at", "ended_at", "started_by", "ended_by", "reason", "instruction", "policy",
                      "duration_s", "calls_by_plan"]
    tables.append(Table("emergencies", emergency_cols,
                        [[e.get(c) for c in emergency_cols] for e in report.get("emergencies", [])]))
    round_cols = ["kind", "business_day", "done_at", "done_by", "items", "problems"]
    tables.append(Table("rounds", round_cols + ["problem_items"],  # a day closed before the rounds has none
                        [[r.get(c) for c in round_cols] + ["; ".join(f"{a['key']}: {a['note']}"
                                                                  for a in r["problem_items"])]
                         for r in report.get("rounds", [])]))
    comment_cols = ["received", "answered", "open", "from_ticket_page", "on_paper"]
    comments = report.get("comments") or {}  # a day closed before the comment book has none
    tables.append(Table("comments", comment_cols, [[comments.get(c, 0) for c in comment_cols]]))
    appointment_cols = ["booked", "arrived", "no_show", "on_time", "cancelled"]
    appointments = report.get("appointments") or {}  # a day closed before appointments has none
    tables.append(Table("appointments", appointment_cols, [[appointments.get(c, 0) for c in appointment_cols]]))
    roster_cols = ["teller", "name", "counter", "planned_min", "actual_min", "difference_min"]
    if "roster" in report:  # the day report only (server/reports/roster_actual.py)
        tables.append(Table("roster", roster_cols, [[r.get(c) for c in roster_cols] for r in report["roster"]]))
    remote_cols = ["issued", "checked_in", "checked_in_door", "checked_in_kiosk", "checked_in_staff", "no_show",
                   "rejoined"]
    remote = report.get("remote") or {}  # a day closed before the remote queue has none
    tables.append(Table("remote", remote_cols, [[remote.get(c, 0) for c in remote_cols]]))
    problem_cols = ["ticket_id", "number", "service", "business_day", "status", "problems"]
    tables.append(Table("problems", problem_cols,
                        [[p["ticket_id"], p["number"], p["service"], p["business_day"], p["status"],
                          ";".join(p["problems"])] for p in report["problems"]]
                        + [[None, m["number"], m["service"], m["business_day"], None, "number_without_ticket"]
                           for m in report["missing_numbers"]]))
    return tables


def ranking_tables(ranking: dict) -> list[Table]:
    cols = ["rank", "teller", "name", "served", "rated", "satisfaction_mean", "response_rate", "service_time_mean_s",
            "eligible", "volume_index", "satisfaction_index", "score"]
    star = ranking["star"]["teller"] if ranking["star"] else None
    rows = [[r.get(c) for c in cols] + [r["teller"] == star] for r in ranking["tellers"]]
    return [Table("ranking", cols + ["star"], rows)]


def advice_tables(advice: dict) -> list[Table]:
    cols = ["hour", "arrivals_per_hour", "mean_service_s", "offered_load", "counters", "utilisation", "prob_wait",
            "mean_wait_s", "share_within_target", "over_max_per_hour", "shortfall"]
    # Each row says whether it rests on the branch's history or on the simulator's defaults.
    return [Table("staffing", cols + ["source"], [[h.get(c) for c in cols] + [advice.get("source")]
                                                  for h in advice["hours"]])]


# A text cell starting with one of these is a formula to a spreadsheet program ("CSV injection"):
# a display name or a pause reason such as =HYPERLINK(...) is written with a leading ' instead.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses these characters


def safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else safe_text(value)


def _xlsx_cell(value):
    return _XLSX_ILLEGAL.sub("", safe_text(value)) if isinstance(value, str) else value


def _headers(table: Table, labels: Labels | None) -> list[str]:
    return [labels.column(c) for c in table.columns] if labels else table.columns


def to_csv(table: Table, labels: Labels | None = None) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to read Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_headers(table, labels))
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table], title: str = "CounterFlow", labels: Labels | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.title = title
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append(_headers(table, labels))
        for row in table.rows:
            sheet.append([_xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _minutes(seconds) -> str:
    return "–" if seconds is None else f"{seconds / 60:.1f}"


def _percent(share) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def _number(value) -> str:
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


_TEMPLATES.filters.update(minutes=_minutes, percent=_percent, num=_number)


def _render(template: str, labels: Labels, timezone: str, **context) -> str:
    return _TEMPLATES.get_template(template).render(
        L=labels, lang=labels.html_lang, local=lambda iso: local_time(iso, timezone), **context)


def to_html(report: dict, day_close: dict | None = None, locale: str | None = None) -> str:
    """The printable day-end (or period) report in one language, times in the branch's zone."""
    return _render("day_report.html", Labels(locale), report["period"]["timezone"], r=report, close=day_close)


def ranking_html(ranking: dict, locale: str | None = None) -> str:
    """The printable monthly ranking with its service star."""
    return _render("ranking.html", Labels(locale), ranking["period"]["timezone"], r=ranking)
