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

# The comment book section (comments-panel.js).
REPORT_MESSAGES.update({
    "cb.title": _l("Comment book"),
    "cb.filter": _l("Which comments"),
    "cb.filter.active": _l("Not archived"),
    "cb.filter.open": _l("Waiting for an answer"),
    "cb.filter.answered": _l("Answered"),
    "cb.filter.handled": _l("Handled"),
    "cb.filter.archived": _l("Archived"),
    "cb.register_title": _l("Register a comment received on paper"),
    "cb.text": _l("Comment"),
    "cb.number": _l("Ticket number (if known)"),
    "cb.contact": _l("Contact (if left)"),
    "cb.register": _l("Register"),
    "cb.empty": _l("No comments here."),
    "cb.from.ticket_page": _l("ticket page"),
    "cb.from.paper": _l("on paper"),
    "cb.meta": _l("%(time)s, %(source)s"),
    "cb.meta_number": _l("%(time)s, %(source)s, ticket %(number)s"),
    "cb.score": _l("rated %(n)s / 5"),
    "cb.contact_is": _l("Contact: %(contact)s"),
    "cb.reply_by": _l("Answer by %(name)s at %(time)s: %(reply)s"),
    "cb.reply_label": _l("Answer"),
    "cb.reply": _l("Send answer"),
    "cb.handled": _l("Mark handled"),
    "cb.archive": _l("Archive"),
    "cb.status.open": _l("open"),
    "cb.status.answered": _l("answered"),
    "cb.status.handled": _l("handled"),
    "cb.status.archived": _l("archived"),
    "cb.registered": _l("The comment is in the book."),
})
REPORT_MESSAGES.update({
    "err.comment_archived": _l("This comment is archived."),
    "err.comment_handled": _l("This comment is already handled."),
    "err.comment_not_handled": _l("Mark the comment handled before archiving it."),
    "err.invalid_reply": _l("Write the answer first."),
    "err.invalid_comment": _l("Write the comment first."),
})
SECTION_ERRORS = ("comment_archived", "comment_handled", "comment_not_handled", "invalid_reply", "invalid_comment")

# The service star on the lobby display (reports-panel.js, ranking view).
REPORT_MESSAGES.update({
    "ws.post": _l("Post on the lobby display"),
    "ws.take_down": _l("Take down from the display"),
    "ws.name": _l("Name on the wall"),
    "ws.posted": _l("On the lobby display now: %(name)s (%(month)s)"),
    "ws.none": _l("No service star is on the lobby display."),
    "err.no_star": _l("This month's ranking has no service star yet."),
    "err.invalid_star_name": _l("The name on the wall is 1-60 characters."),
})
SECTION_ERRORS += ("no_star", "invalid_star_name")
