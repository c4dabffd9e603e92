"""Strings of fault handling in the supervisor panel and the printed fault report: fault codes and
device flags in words (never the driver's raw codes), the resolve override, the investigation (seed
4-8), the fault history and the report form. Merged into the panel's MESSAGES."""
from flask_babel import lazy_gettext as _l

# A fault's code -> what it means. Automatic codes come from server/devices/faults.py.
FAULT_CODES = {
    "paper_end": _l("Out of paper"),
    "paper_near_end": _l("Paper running low"),
    "cover_open": _l("Cover open"),
    "cutter_error": _l("Paper cutter jammed"),
    "mechanical_error": _l("Mechanical error"),
    "unrecoverable_error": _l("Printer error that needs a service call"),
    "auto_recoverable_error": _l("Printer error, recovering by itself"),
    "paper_end_stop": _l("Stopped: out of paper"),
    "error": _l("Printer reports an error"),
    "offline": _l("Printer offline"),
    "not_responding": _l("Not responding"),
    "device_fault": _l("Device reports a fault"),
    "degraded": _l("Working with a problem"),
    "reported": _l("Reported by staff"),
}

# Conditions a device reports (device table); the ones without words here are not shown raw.
FLAGS = {
    "paper_end_stop": _l("stopped at paper end"),
    "error": _l("error"),
    "mechanical_error": _l("mechanical error"),
    "unrecoverable_error": _l("unrecoverable error"),
    "auto_recoverable_error": _l("recovering by itself"),
    "waiting_online_recovery": _l("waiting to come back"),
    "feed_button": _l("feed button pressed"),
    "paper_feed": _l("feeding paper"),
    "connection_failed": _l("cannot connect"),
    "connection_lost": _l("connection lost"),
    "short_answer": _l("incomplete answer"),
    "malformed_answer": _l("garbled answer"),
    "bad_configuration": _l("wrong settings"),
    "never_asked": _l("not checked yet"),
    "modbus_exception": _l("refused a request"),
    "fault_bit": _l("reports a fault"),
    "wrong_device_type": _l("another kind of device at this address"),
    "not_ready": _l("not ready"),
}

FAULT_MESSAGES = {
    **{f"fault_code.{code}": text for code, text in FAULT_CODES.items()},
    **{f"flag.{flag}": text for flag, text in FLAGS.items()},
    "fault_other": _l("Other condition"),
    "fault_on_device": _l("%(device)s: %(text)s"),
    "history_loading": _l("Loading…"),
    # acknowledge / resolve
    "err.ack_note_required": _l("Say what you found."),
    "err.contingency_required": _l("Say what the hall does meanwhile."),
    "err.fault_not_acknowledged": _l("Acknowledge the fault (note and contingency) before resolving it."),
    "err.fault_still_reported": _l("The device still reports this fault. Fix it first, or close it anyway with a reason."),
    "override_label": _l("Close anyway although the device still reports it: reason (kept on the record)"),
    "override_hint": _l("The device still reports: %(what)s"),
    "fault_overridden": _l("Closed while the device still reported it: %(text)s"),
    # report by hand
    "report_title": _l("Report a fault"),
    "report_device": _l("Device"),
    "report_no_device": _l("Not a listed device (e.g. the queue screen, the building)"),
    "report_message": _l("What is wrong"),
    "report_severity": _l("Severity"),
    "report_submit": _l("Report"),
    "err.message_required": _l("Say what is wrong."),
    "msg.fault_reported": _l("Fault reported."),
    # history and investigation (seed 4-8)
    "history_title": _l("Fault history"),
    "history_empty": _l("No faults in this period."),
    "history_from": _l("From"),
    "history_to": _l("To"),
    "history_show": _l("Show"),
    "col.raised": _l("Raised"),
    "col.fault": _l("Fault"),
    "col.handling": _l("Handling"),
    "col.investigation": _l("Investigation"),
    "fault_open_now": _l("Not resolved yet"),
    "fault_resolved_by": _l("Resolved %(time)s by %(name)s: %(text)s"),
    "fault_out_of_service": _l("Out of service %(min)s min"),
    "investigate": _l("Investigate"),
    "investigate_edit": _l("Amend"),
    "investigate_title": _l("Fault investigation"),
    "cause_label": _l("Cause"),
    "responsibility_label": _l("Responsibility (unit, vendor or person; or none)"),
    "follow_up_label": _l("Follow-up (repair, replacement, training, claim)"),
    "investigation_missing": _l("Not investigated yet"),
    "investigation_text": _l("Cause: %(cause)s · Responsibility: %(responsibility)s · Follow-up: %(follow_up)s"),
    "investigated_by": _l("Investigated %(time)s by %(name)s"),
    "err.investigation_incomplete": _l("Fill in the cause, the responsibility and the follow-up."),
    "err.fault_open": _l("Resolve the fault before the investigation."),
    "msg.fault_investigated": _l("Investigation saved."),
    "fault_csv": _l("Download CSV"),
    "fault_print": _l("Print fault report"),
    # the printed report
    "fault_report_title": _l("Device fault report"),
    "fault_report_period": _l("Period"),
    "fault_report_generated": _l("Generated"),
    "fault_report_totals": _l("%(n)s fault(s), %(open)s still open, %(overridden)s closed by override, "
                              "%(uninvestigated)s not investigated; out of service %(min)s min in all; "
                              "tickets not printed: %(tickets)s"),
    "col.contingency": _l("Contingency"),
    "col.tickets_not_printed": _l("Tickets not printed"),
    "signature": _l("Supervisor's signature"),
    "print": _l("Print"),
}

FAULT_ERRORS = ("ack_note_required", "contingency_required", "fault_not_acknowledged", "fault_still_reported",
                "message_required", "investigation_incomplete", "fault_open")
