"""Strings of the panel's report section (reports-panel.js): English msgids, translated in server/translations."""
from flask_babel import lazy_gettext as _l

REPORT_MESSAGES = {
    "rf.title": _l("Reports: view, print, download"),
    "rf.kind": _l("Report"),
    "rf.kind.day": _l("Day report"),
    "rf.kind.staff": _l("Staff report"),
    "rf.kind.ranking": _l("Monthly ranking and service star"),
    "rf.from": _l("From"),
    "rf.to": _l("To"),
    "rf.month": _l("Month"),
    "rf.show": _l("Show"),
    "rf.print": _l("Print"),
    "rf.csv": _l("Download CSV"),
    "rf.xlsx": _l("Download Excel (XLSX)"),
    "rf.day_hint": _l("The day %(day)s is shown above, in numbers and charts: print or download it here."),
    "rf.period": _l("%(from)s to %(to)s: %(n)s teller(s)."),
    "rf.star": _l("★ Service star of %(month)s: %(name)s, score %(score)s"),
    "rf.no_star": _l("No service star for %(month)s yet: a teller needs at least %(n)s rated services."),
    "rf.empty": _l("Nobody served in this period."),
    "rf.col.rank": _l("Rank"),
    "rf.col.rated": _l("Rated"),
    "rf.col.score": _l("Score"),
    "rf.col.wait": _l("Average wait"),
    "rf.not_ranked": _l("not ranked"),
}
