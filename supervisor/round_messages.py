"""The rounds page's strings (巡視表; English msgids, translations in server/translations). The page
also uses the supervisor panel's sign-in and opening strings (supervisor/messages.py)."""
from flask_babel import lazy_gettext as _l

ROUND_MESSAGES = {
    "title": _l("Rounds"),
    "rounds_sign_in_title": _l("Sign in for the rounds"),
    "not_round_staff": _l("Rounds are done by the branch's guides and supervisors."),
    "round_kinds": _l("Kind of round"),
    "kind.opening": _l("Opening round"),
    "kind.midday": _l("Midday round"),
    "kind.closing": _l("Closing round"),
    "item_ok": _l("OK"),
    "item_problem": _l("Problem"),
    "problem_note": _l("What is wrong?"),
    "as_fault": _l("Report as a fault"),
    "task_owner": _l("Task for (name)"),
    "done_by_at": _l("Done by %(name)s at %(time)s"),
    "record_round": _l("Record the round"),
    "round_recorded": _l("Round recorded: %(n)s problem(s)."),
    "round_unanswered": _l("%(n)s item(s) not answered yet."),
    "today_rounds": _l("Today's rounds"),
    "no_rounds_today": _l("No round recorded today."),
    "round_line": _l("%(kind)s at %(time)s by %(name)s: %(n)s problem(s)"),
    "fault_n": _l("Fault #%(id)s"),
    "task_for": _l("Task for %(owner)s"),
    "task_done": _l("Done"),
    "mark_task_done": _l("Mark done"),
    # the opening record (開業登記)
    "opening_record": _l("Opening record"),
    "record_round_done": _l("Opening round done"),
    "record_round_missing": _l("Opening round not done yet"),
    "record_check_done": _l("Device check done"),
    "record_check_missing": _l("Device check not run yet"),
    "record_required": _l("This branch opens only after both."),
    "opened_by_at": _l("Branch opened by %(name)s at %(time)s"),
    "branch_opened": _l("The branch is open."),
    # the closing round's device step
    "closing_status": _l("Still on at closing"),
    "devices_online": _l("Devices still online"),
    "staff_signed_in": _l("Staff still signed in"),
    "none_left": _l("None"),
    "at_counter": _l("at counter %(counter)s"),
    "devices_to_idle": _l("Send every device to idle"),
    "devices_idle_done": _l("%(n)s device(s) idle."),
    "devices_idle_failed": _l("Not idle: %(names)s"),
    # the sheet editor (supervisor)
    "edit_sheet": _l("Edit this sheet"),
    "sheet_key": _l("Key"),
    "sheet_group": _l("Group"),
    "sheet_text": _l("Item"),
    "add_item": _l("Add an item"),
    "remove_item": _l("Remove"),
    "save_sheet": _l("Save the sheet"),
    "sheet_saved": _l("Sheet saved."),
    "close_editor": _l("Close"),
    # history
    "history": _l("History and recurring problems"),
    "from": _l("From"),
    "to": _l("To"),
    "download_csv": _l("Download CSV"),
    "show_recurring": _l("Recurring problems"),
    "recurring_line": _l("%(text)s: %(n)s of %(checked)s rounds"),
    "no_recurring": _l("No problem came back in this period."),
}

ROUND_ERRORS = {code: f"rerr.{code}" for code in (
    "opening_record_incomplete", "items_unanswered", "problem_note_required", "invalid_checklist", "unknown_item",
    "device_not_found", "branch_already_open", "forbidden", "invalid_period",
)}
ROUND_MESSAGES.update({
    "rerr.opening_record_incomplete": _l("The branch cannot open yet: the opening round and the device check "
                                         "come first."),
    "rerr.items_unanswered": _l("Answer every item first."),
    "rerr.problem_note_required": _l("Say what the problem is."),
    "rerr.invalid_checklist": _l("Every item needs a key and its text in Traditional Chinese and English."),
    "rerr.unknown_item": _l("The sheet has changed: reload the page."),
    "rerr.device_not_found": _l("That device is not in this branch."),
    "rerr.branch_already_open": _l("The branch is already open today."),
    "rerr.forbidden": _l("Only a supervisor may do this."),
    "rerr.invalid_period": _l("The period's start is after its end."),
})
