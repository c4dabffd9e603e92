"""Counter terminal strings (English msgids; translations in server/translations)."""
from flask_babel import lazy_gettext as _l

from server.web_common.messages import STAFF_ERRORS, STAFF_MESSAGES

MESSAGES = {
    **STAFF_MESSAGES,  # the sign-in and the header's
    "title": _l("Counter terminal"),
    "remote_ticket": _l("Taken from a phone"),  # a remote ticket (docs/architecture.md, "Remote queue")
    # Listed in "may call" but not callable until the customer checks in (callable.js).
    "not_checked_in": _l("Not checked in"),
    # the emergency plan's banner (emergency_banner.js)
    "emergency_title": _l("Emergency plan in effect"),
    "emergency_reason": _l("Reason: %(reason)s"),
    "emergency_instruction": _l("Supervisor's instruction: %(instruction)s"),
    "emergency_resume_prompt": _l("Your counter is paused: please resume serving now."),
    "emergency_policy.breached_longest_wait": _l("Call next also takes customers of other services who have "
                                                 "waited too long, longest wait first."),
    "emergency_policy.all_longest_wait": _l("Call next takes customers of every service, longest wait first."),
    "emergency_policy.unchanged": _l("Call next works as usual."),
    # sign-in and counter choice
    "sign_in_title": _l("Teller sign-in"),
    "cancel": _l("Cancel"),
    "not_teller": _l("This account cannot operate counters."),
    "choose_counter": _l("Choose your counter"),
    "counter_n": _l("Counter %(counter)s"),
    "counter_services": _l("Services: %(list)s"),
    "counter_free": _l("Closed: free to open"),
    "counter_taken": _l("In use by %(name)s"),
    "counter_yours": _l("You are signed in here"),
    "counter_unstaffed": _l("Open, nobody signed in"),
    "open_counter": _l("Open this counter"),
    "continue_counter": _l("Continue here"),
    "state.open": _l("Open"),
    "state.paused": _l("Paused"),
    "state.closed": _l("Closed"),
    # the current customer
    "current_ticket": _l("Current customer"),
    "no_ticket": _l("No customer at the counter. Call the next one."),
    "status.called": _l("Called, waiting for the customer"),
    "status.serving": _l("Serving"),
    "since_called": _l("Since called"),
    "since_started": _l("Serving for"),
    "recalled_n": _l("Called again: %(n)s×"),
    "priority.priority": _l("Priority"),
    "priority.vip": _l("VIP"),
    "transferred_in": _l("Transferred here"),
    "appointment": _l("Appointment"),
    # actions (the shortcut key is shown on each button)
    "actions": _l("Actions"),
    "act.call_next": _l("Call next"),
    "act.complete_next": _l("Complete & call next"),
    "act.recall": _l("Recall"),
    "act.start": _l("Start service"),
    "act.complete": _l("Complete"),
    "act.no_show": _l("No-show"),
    "act.transfer": _l("Transfer"),
    "act.pause": _l("Pause"),
    "act.resume": _l("Resume service"),
    "act.close": _l("Close counter"),
    "requeue_once": _l("Put back in the queue once"),
    "key_space": _l("Space"),
    # the queue this counter serves
    "waiting_title": _l("Waiting for this counter"),
    "waiting_count": _l("%(n)s waiting"),
    "longest_wait": _l("longest %(min)s min"),
    "est_wait": _l("about %(min)s min"),
    "nobody_waiting": _l("nobody waiting"),
    "other_counters": _l("Other counters"),
    # pausing
    "pause_title": _l("Pause service"),
    "pause_reason": _l("Reason"),
    "reason.lunch": _l("Lunch"),
    "reason.meeting": _l("Meeting"),
    "reason.away": _l("Away briefly"),
    "reason.system": _l("System problem"),
    "reason.other": _l("Other"),
    "reason_other_text": _l("Other reason"),
    "confirm_pause": _l("Pause service"),
    "paused_banner": _l("Service paused: %(reason)s"),
    "paused_for": _l("Paused for %(time)s"),
    # transferring
    "transfer_title": _l("Transfer %(number)s"),
    "to_service": _l("To service"),
    "to_counter": _l("To counter"),
    "same_service": _l("Same service"),
    "any_counter": _l("Any counter"),
    "confirm_transfer": _l("Transfer"),
    # what happened
    "msg.called": _l("Calling %(number)s."),
    "msg.recalled": _l("%(number)s called again."),
    "msg.started": _l("Serving %(number)s."),
    "msg.completed": _l("%(number)s completed."),
    "msg.completed_empty": _l("%(number)s completed. Nobody is waiting."),
    "msg.no_show": _l("%(number)s marked as a no-show."),
    "msg.requeued": _l("%(number)s put back in the queue."),
    "msg.transferred": _l("%(number)s transferred."),
    "msg.paused": _l("Service paused."),
    "msg.resumed": _l("Service resumed."),
    "msg.opened": _l("Counter %(counter)s is open."),
    "msg.closed": _l("Counter %(counter)s is closed."),
    "connecting": _l("Connecting…"),
    # refusals: keys are "err." + the API's error code (ERRORS below)
    "err.counter_busy": _l("Finish the current customer first: complete, transfer or mark a no-show."),
    "err.queue_empty": _l("Nobody is waiting for this counter."),
    "err.counter_paused": _l("The counter is paused. Resume service first."),
    "err.counter_closed": _l("The counter is closed. Open it first."),
    "err.not_your_counter": _l("You are not signed in at this counter."),
    "err.counter_in_use": _l("Someone else is signed in at this counter."),
    "err.already_at_counter": _l("You are still signed in at another counter. Close it first."),
    "err.no_current_ticket": _l("There is no current customer."),
    "err.illegal_transition": _l("That cannot be done with this ticket now."),
    "err.requeue_limit": _l("This ticket was already put back in the queue once."),
    "err.transfer_to_self": _l("Choose a counter other than this one."),
    "err.transfer_target_missing": _l("Choose a service or a counter."),
    "err.pause_reason_required": _l("Choose or type a reason."),
    "err.pause_reason_too_long": _l("The reason is too long."),
    "err.counter_not_paused": _l("The counter is not paused."),
    "err.day_closed": _l("The business day is closed."),
    "err.service_not_found": _l("There is no such service."),
    "err.counter_not_found": _l("There is no such counter."),
    "err.other": _l("That did not work (%(code)s)."),
}

# API error code -> message key. Codes not listed here show "err.other" with the code.
ERRORS = {code: f"err.{code}" for code in (
    "counter_busy", "queue_empty", "counter_paused", "counter_closed", "not_your_counter", "counter_in_use",
    "already_at_counter", "no_current_ticket", "illegal_transition", "requeue_limit", "transfer_to_self",
    "transfer_target_missing", "pause_reason_required", "pause_reason_too_long", "counter_not_paused",
    "day_closed", "service_not_found", "counter_not_found", "forbidden", "wrong_branch",
)}
ERRORS.update(STAFF_ERRORS)

# Pause reasons offered in the dialog. The stored reason is this code (stable for the day-end report,
# translated wherever it is shown); "other" stores the teller's own words instead.
PAUSE_REASONS = ("lunch", "meeting", "away", "system", "other")
