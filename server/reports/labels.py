"""Every human-readable text of the printed reports and the spreadsheet headers, in one language.

The texts are English msgids translated in server/translations like every page string (docs/ui.md,
"Translations"): `make translations` extracts them through the `N_` marker, and `Labels(locale)`
reads the same compiled catalogs Flask-Babel uses. Reports may not import Flask (docs/architecture.md,
"Layers"), so this reads the catalogs with Babel itself.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.support import NullTranslations, Translations

from ..queue.names import local_name

TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
LOCALES = ("zh_Hant", "zh_Hans", "en")
DEFAULT_LOCALE = "zh_Hant"
HTML_LANG = {"zh_Hant": "zh-Hant", "zh_Hans": "zh-Hans", "en": "en"}


def N_(text: str) -> str:
    """Marks a msgid for extraction; translated later, in the reader's language."""
    return text


LABELS: dict[str, str] = {
    "title_day": N_("Day-end report"),
    "title_period": N_("Service statistics"),
    "title_ranking": N_("Monthly ranking and service star"),
    "branch": N_("Branch"),
    "business_day": N_("Business day"),
    "period": N_("Period"),
    "month": N_("Month"),
    "generated_at": N_("Generated"),
    "closed_by": N_("Closed by"),
    "closed_at": N_("Closed at"),
    "not_closed": N_("Not closed yet (live figures)"),
    "balanced": N_("Balanced"),
    "not_balanced": N_("Does not balance"),
    "settlement": N_("Settlement: issued = done + no-show + cancelled + transferred out + abandoned"),
    "services": N_("Services"),
    "counters": N_("Counters"),
    "tellers": N_("Tellers"),
    "totals": N_("Total"),
    "not_called": N_("Never called"),
    "hours": N_("By hour"),
    "pauses": N_("Pauses"),
    "emergencies": N_("Emergency plan"),
    "rounds": N_("Rounds"),
    "round_kind": N_("Round"),
    "round.opening": N_("Opening round"),
    "round.midday": N_("Midday round"),
    "round.closing": N_("Closing round"),
    "round_done_by": N_("Done by"),
    "round_done_at": N_("Time"),
    "round_problems": N_("Problems found"),
    "round_no_problems": N_("All items ok"),
    "round_fault": N_("fault #%(id)s"),
    "round_task": N_("task: %(owner)s"),
    "started": N_("Started"),
    "ended": N_("Ended"),
    "instruction": N_("Instruction"),
    "by": N_("Started / ended by"),
    "calls_by_plan": N_("Calls by the plan"),
    "problems": N_("Inconsistent tickets"),
    "missing_numbers": N_("Numbers without a ticket"),
    "service": N_("Service"),
    "counter": N_("Counter"),
    "teller": N_("Teller"),
    "hour": N_("Hour"),
    "reason": N_("Reason"),
    "count": N_("Count"),
    "total_time": N_("Total time"),
    "issued": N_("Issued"),
    "handed": N_("Handed"),
    "transferred_in": N_("Transferred in"),
    "done": N_("Done"),
    "no_show": N_("No-show"),
    "cancelled": N_("Cancelled"),
    "transferred_out": N_("Transferred out"),
    "abandoned": N_("Abandoned"),
    "open": N_("Still open"),
    "wait_mean": N_("Mean wait"),
    "wait_median": N_("Median wait"),
    "wait_p90": N_("Wait p90"),
    "wait_max": N_("Max wait"),
    "within_target": N_("Within target"),
    "service_mean": N_("Mean service"),
    "service_median": N_("Median service"),
    "satisfaction": N_("Satisfaction"),
    "rated": N_("Rated"),
    "response_rate": N_("Response rate"),
    "arrivals": N_("Arrivals"),
    "called": N_("Called"),
    "served": N_("Served"),
    "waiting_avg": N_("Avg. waiting"),
    "waiting_max": N_("Max. waiting"),
    "pause_time": N_("Pause time"),
    "number": N_("Number"),
    "status": N_("Status"),
    "ticket_problems": N_("Problems"),
    "minutes": N_("min"),
    "signature": N_("Supervisor's signature"),
    "print": N_("Print"),
    "rank": N_("Rank"),
    "score": N_("Score"),
    "star": N_("Service star"),
    "no_star": N_("No service star this month: nobody has enough rated services yet."),
    "eligible": N_("Eligible"),
    "volume_index": N_("Volume index"),
    "satisfaction_index": N_("Satisfaction index"),
    "ranking_rule": N_("Eligible with at least %(min)s rated services; score = 100 × (%(vw)s × served ÷ most "
                       "served + %(sw)s × (mean score − 1) ÷ 4)."),
    "definitions": N_("Wait = call time − ticket (or transfer) time; service = start to finish; "
                      "within target = wait not over the service's target"),
    "comments": N_("Comment book"),
    "comments_received": N_("Received"),
    "comments_answered": N_("Answered"),
    "comments_open": N_("Still open"),
    "comments_ticket_page": N_("From the ticket page"),
    "comments_paper": N_("On paper"),
    "appointments": N_("Appointments"),
    "appointments_booked": N_("Booked"),
    "appointments_arrived": N_("Arrived"),
    "appointments_on_time": N_("On time"),
    "roster": N_("Roster: planned and actual counter time"),
    "planned_min": N_("Planned (min)"),
    "actual_min": N_("Actual (min)"),
    "difference_min": N_("Difference (min)"),
    # The remote queue (remote_counts.py).
    "remote": N_("Tickets taken from a phone"),
    "remote_checked_in": N_("Checked in"),
    "remote_door": N_("At the door"),
    "remote_kiosk": N_("At the kiosk"),
    "remote_staff": N_("By staff"),
    "remote_rejoined": N_("Rejoined after a missed call"),
    "yes": N_("yes"),
    "no": N_("no"),
    # Pause reasons the counter terminal stores as codes (supervisor/messages.py uses the same msgids).
    "reason.lunch": N_("Lunch"),
    "reason.meeting": N_("Meeting"),
    "reason.away": N_("Away briefly"),
    "reason.system": N_("System problem"),
}

# Spreadsheet columns (export.py's JSON field names) -> label key; a column not listed keeps its name.
COLUMNS: dict[str, str] = {
    "issued": "issued", "done": "done", "no_show": "no_show", "cancelled": "cancelled",
    "transferred_out": "transferred_out", "transferred_in": "transferred_in", "abandoned": "abandoned",
    "open": "open", "balanced": "balanced", "wait_mean_s": "wait_mean", "wait_median_s": "wait_median",
    "wait_p90_s": "wait_p90", "wait_max_s": "wait_max", "within_target_share": "within_target",
    "service_mean_s": "service_mean", "service_median_s": "service_median", "rated": "rated",
    "satisfaction_mean": "satisfaction", "response_rate": "response_rate", "service": "service",
    "counter": "counter", "teller": "teller", "hour": "hour", "arrivals": "arrivals", "called": "called",
    "served": "served", "waiting_avg": "waiting_avg", "waiting_max": "waiting_max", "pause_total_s": "pause_time",
    "reason": "reason", "count": "count", "total_s": "total_time", "number": "number", "status": "status",
    "problems": "ticket_problems", "rank": "rank", "score": "score", "star": "star", "eligible": "eligible",
    "volume_index": "volume_index", "satisfaction_index": "satisfaction_index",
    "service_time_mean_s": "service_mean", "received": "comments_received", "answered": "comments_answered",
    "from_ticket_page": "comments_ticket_page", "on_paper": "comments_paper",
    "booked": "appointments_booked", "arrived": "appointments_arrived", "on_time": "appointments_on_time",
    "planned_min": "planned_min", "actual_min": "actual_min", "difference_min": "difference_min",
    "checked_in": "remote_checked_in", "checked_in_door": "remote_door", "checked_in_kiosk": "remote_kiosk",
    "checked_in_staff": "remote_staff", "rejoined": "remote_rejoined",
}
# Columns in seconds whose header says so, since the cells stay plain numbers.
SECONDS = {"wait_mean_s", "wait_median_s", "wait_p90_s", "wait_max_s", "service_mean_s", "service_median_s",
           "pause_total_s", "total_s", "service_time_mean_s"}


@lru_cache(maxsize=None)
def _catalog(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS_DIR), [locale])


class Labels:
    """The report texts in one language (zh_Hant, zh_Hans or en; anything else is zh_Hant)."""

    def __init__(self, locale: str | None = None):
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self.html_lang = HTML_LANG[self.locale]
        self._gettext = _catalog(self.locale).gettext

    def __call__(self, key: str, **params) -> str:
        text = self._gettext(LABELS[key])
        return text % params if params else text

    def reason(self, code: str | None) -> str:
        """A pause reason code in words; a teller's own words stay as written."""
        key = f"reason.{code}"
        return self(key) if key in LABELS else (code or "—")

    def name(self, row: dict, prefix: str = "") -> str:
        """A branch's or service's name in this language (server/queue/names.py)."""
        return local_name(row, self.locale, prefix)

    def column(self, name: str) -> str:
        key = COLUMNS.get(name)
        if key is None:
            return name
        return f"{self(key)} (s)" if name in SECONDS else self(key)


def local_time(iso_utc: str | None, timezone: str) -> str:
    """'2026-11-30T15:09:03.178719Z' -> '2026-11-30 23:09' in the branch's zone (minutes are enough on paper)."""
    if not iso_utc:
        return "—"
    at = dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
