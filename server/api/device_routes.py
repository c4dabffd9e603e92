"""Devices, device faults, the opening check (開業登記) and, with simulated devices, fault injection."""
from __future__ import annotations

from flask import jsonify, request

from .. import permissions
from ..queue import queries
from .core import ApiError, hub, json_body, principal, route

DEVICE_BODY = {"branch": (str, True, "branch code", {"minLength": 1, "maxLength": 32}),
               "kind": (str, True, "printer | led | pad | keypad", {"enum": ["printer", "led", "pad", "keypad"]}),
               "name": (str, True, "unique in the branch", {"minLength": 1, "maxLength": 120}),
               "url": (str, True, "tcp://host:9100, serial:///dev/ttyUSB0?baud=9600&unit=3, usb://04b8:0202, "
                                  "sim://printer/1, sim://bus/1?unit=3; serial ports under /dev/; tcp hosts not "
                                  "loopback or link-local outside demo mode", {"minLength": 1, "maxLength": 300}),
               "counter": (int, False, "counter number (displays, pads, keypads)", {"minimum": 1, "maximum": 999}),
               "kiosk": (str, False, "kiosk device-token name this printer serves", {"maxLength": 60}),
               "settings": (dict, False, "printer: encoding, paper_mm, qr_mode, header, footer, default, backup_for"),
               "enabled": (bool, False, "default true")}
DEVICE_PATCH = {k: (spec[0], False, *spec[2:]) for k, spec in DEVICE_BODY.items() if k not in ("branch", "kind")}
FAULT_BODY = {"branch": (str, False, "branch code (default: yours)", {"maxLength": 32}),
              "device": ((int, str), False, "device id or name, if the fault is a device's",
                         {"maxLength": 120, "minimum": 1, "maximum": 2**31 - 1}),
              "code": (str, False, "short code, e.g. jammed (default: reported)", {"maxLength": 48}),
              "severity": (str, False, "fault | degraded (default fault)", {"enum": ["fault", "degraded"]}),
              "message": (str, True, "what is wrong, e.g. 'ticket machine jammed'", {"minLength": 1, "maxLength": 400})}
ACK_BODY = {"note": (str, True, "what was found", {"minLength": 1, "maxLength": 2000}),
            "contingency": (str, True, "what is done meanwhile, e.g. 'backup printer'",
                            {"minLength": 1, "maxLength": 300})}
RESOLVE_BODY = {"note": (str, True, "how it was resolved", {"minLength": 1, "maxLength": 2000}),
                "override_reason": (str, False, "required while the device still reports the fault: why it is "
                                                "closed anyway (kept on the record)", {"maxLength": 2000})}


def devices():
    return hub().devices


def _branch_id(code: str) -> int:
    with hub().db.read() as session:
        return queries.branch_by_code(session, code).id


def _reader_branch(code: str | None) -> int | None:
    """The branch a staff reader asks about (?branch=): theirs unless they are an admin (None = every branch)."""
    p = principal()
    if code:
        branch_id = _branch_id(code)
        permissions.require_branch(p, branch_id)
        return branch_id
    return None if p.is_admin else p.branch_id


def _admin():
    return principal()  # the registry checked may_administer


# ---------------------------------------------------------------------------- devices
@route("/devices", summary="Devices with their state (admin; supervisor/guide: their branch). ?branch=CODE",
       capability="may_check_devices", tag="devices", query={"branch": (str, "branch code", {"maxLength": 32})})
def devices_list():
    return jsonify(devices=devices().registry.list(_reader_branch(request.args.get("branch"))))


@route("/devices", ["POST"], summary="Add a device (admin)",
       capability="may_administer", body=DEVICE_BODY, tag="devices", success=201)
def devices_add():
    data = json_body(DEVICE_BODY)
    _admin()
    view = devices().registry.add(data["branch"], kind=data["kind"], name=data["name"], url=data["url"],
                                  counter=data.get("counter"), kiosk=data.get("kiosk"), settings=data.get("settings"),
                                  enabled=data.get("enabled", True), by=principal().name)
    devices().reload()
    return jsonify(view), 201


@route("/devices/<int:device_id>", summary="One device", capability="may_check_devices", tag="devices")
def devices_get(device_id: int):
    view, _ = devices().registry.get(device_id)  # the registry checked the device's branch
    return jsonify(view)


@route("/devices/<int:device_id>", ["PATCH"], summary="Change a device (admin); counter: null detaches it",
       capability="may_administer", body=DEVICE_PATCH, tag="devices")
def devices_update(device_id: int):
    data = json_body(DEVICE_PATCH)
    _admin()
    # json_body treats null as absent; for counter and kiosk null means "none" (detach).
    changes = {k: v for k, v in data.items() if v is not None or k in ("counter", "kiosk")}
    view = devices().registry.update(device_id, changes, by=principal().name)
    devices().reload()
    return jsonify(view)


@route("/devices/<int:device_id>", ["DELETE"], summary="Remove a device (admin); its fault records stay",
       capability="may_administer", tag="devices")
def devices_remove(device_id: int):
    p = _admin()
    view = devices().registry.remove(device_id, p.actor)
    devices().reload()
    return jsonify(removed=view)


@route("/devices/<int:device_id>/test", ["POST"], summary="Self-test one device now (status/health; "
       "test_page: print one)", capability="may_check_devices",
       body={"test_page": (bool, False, "printers: print a test page")}, tag="devices")
def devices_test(device_id: int):
    data = json_body({"test_page": (bool, False, "")})
    view, _ = devices().registry.get(device_id)
    result = devices().send({"op": "self_test", "device": device_id,
                             "test_page": bool(data.get("test_page"))}).wait(8.0)
    if result is None:
        result = {"ok": False, "error": "no answer from the device manager within 8 s"}
    return jsonify(device=view["name"], kind=view["kind"], **result)


# ---------------------------------------------------------------------------- faults
@route("/faults", summary="Device faults, newest first. ?branch=CODE&open=1", capability="may_read_staff_data",
       tag="faults", query={"branch": (str, "branch code", {"maxLength": 32}),
                            "open": (str, "1: open ones only", {"enum": ["0", "1", "true", "false"]})})
def faults_list():
    branch_id = _reader_branch(request.args.get("branch"))
    return jsonify(faults=devices().faults.list(branch_id, open_only=request.args.get("open") in ("1", "true")))


@route("/faults", ["POST"], summary="Report a fault (any staff of the branch), e.g. 'ticket machine jammed'",
       capability="may_report_fault", body=FAULT_BODY, tag="faults", success=201)
def faults_report():
    data = json_body(FAULT_BODY)
    p = principal()
    code = data.get("branch")
    if not code:
        if p.branch_id is None:
            raise ApiError(400, "missing_field", "field 'branch' is required for admins", {"field": "branch"})
        with hub().db.read() as session:
            from ..models import Branch

            code = session.get(Branch, p.branch_id).code
    permissions.require("may_report_fault", p, branch_id=_branch_id(code))
    view = devices().faults.report_by_staff(code, p.actor, message=data["message"], device_ref=data.get("device"),
                                            code=data.get("code"), severity=data.get("severity") or "fault")
    return jsonify(view), 201


@route("/faults/<int:fault_id>", summary="One fault for audit: record, timeline, alerts, tickets not printed",
       capability="may_read_staff_data", tag="faults")
def faults_get(fault_id: int):
    p = principal()
    return jsonify(devices().faults.report(fault_id, None if p.is_admin else p.branch_id))


@route("/faults/<int:fault_id>/ack", ["POST"], summary="Acknowledge a fault, with a note and the contingency "
       "started (supervisor)", capability="may_supervise", body=ACK_BODY, tag="faults")
def faults_ack(fault_id: int):
    data = json_body(ACK_BODY)
    p = principal()
    return jsonify(devices().faults.acknowledge(fault_id, p.actor, None if p.is_admin else p.branch_id,
                                                note=data["note"], contingency=data["contingency"]))


@route("/faults/<int:fault_id>/resolve", ["POST"], summary="Resolve an acknowledged fault with a note "
       "(supervisor); 409 fault_still_reported while its device still reports it, unless override_reason",
       capability="may_supervise", body=RESOLVE_BODY, tag="faults")
def faults_resolve(fault_id: int):
    data = json_body(RESOLVE_BODY)
    p = principal()
    return jsonify(devices().faults.resolve(fault_id, p.actor, None if p.is_admin else p.branch_id,
                                            note=data["note"], override_reason=data.get("override_reason") or ""))


# ---------------------------------------------------------------------------- opening (開業登記)
@route("/branches/<code>/opening-check", ["POST"], summary="Self-test every device of the branch; the checklist "
       "(supervisor or guide)",
       capability="may_check_devices", body={"test_page": (bool, False, "printers print a test page")}, tag="opening")
def opening_check(code: str):
    data = json_body({"test_page": (bool, False, "")}, allow_empty=True)
    p = principal()
    return jsonify(devices().opening.check(code, p.actor, test_page=bool(data.get("test_page"))))


@route("/branches/<code>/open", ["POST"], summary="Open the branch for today: who, the faults outstanding and "
       "the last checklist (supervisor)", capability="may_supervise", tag="opening", success=201)
def opening_open(code: str):
    json_body({})
    p = principal()
    return jsonify(devices().opening.open(code, p.actor)), 201


@route("/branches/<code>/opening", summary="Today's opening record, or null", capability="may_read_staff_data",
       tag="opening")
def opening_today(code: str):
    return jsonify(opening=devices().opening.today(code))


# ---------------------------------------------------------------------------- simulators (simulate_devices)
def _sims():
    sims = devices().sims if hub().settings.simulate_devices else None
    if sims is None:
        raise ApiError(404, "not_found", "device simulation is off")
    return sims


@route("/sim", summary="Simulated devices and what they show (admin; only with simulated devices)",
       capability="may_administer", tag="sim")
def sim_state():
    return jsonify(_sims().describe())


@route("/sim/printer/<int:number>/fault", ["POST"], summary="Inject or clear a fault on a simulated printer "
       "(admin; only with simulated devices)",
       body={"fault": (str, True, "paper_near_end paper_out cover_open cutter_error offline unplugged silent "
                                  "garbled partial slow"),
             "on": (bool, False, "default true; false clears it"), "value": ((int, float), False, "slow: seconds")},
       capability="may_administer", tag="sim")
def sim_printer_fault(number: int):
    sims = _sims()
    data = json_body({"fault": (str, True, ""), "on": (bool, False, ""), "value": ((int, float), False, "")})
    printer = sims.printer(number)
    if printer is None:
        raise ApiError(404, "simulator_not_found", f"no simulated printer {number}")
    try:
        if data.get("on", True):
            printer.set_fault(data["fault"], data.get("value", True))
        elif data["fault"] not in _printer_faults():
            raise ValueError(f"unknown printer fault {data['fault']!r}")
        else:
            printer.clear_fault(data["fault"])
    except ValueError as exc:
        raise ApiError(400, "invalid_fault", str(exc)) from None
    return jsonify(printer=number, faults={k: str(v) for k, v in printer.faults.items()})


def _printer_faults() -> tuple[str, ...]:
    from hardware_sim.printer import FAULTS

    return FAULTS


@route("/sim/bus/<int:number>/press", ["POST"], summary="Press a key on a simulated pad (1-5) or keypad (1-6 or "
       "call_next, recall, no_show, start, complete, pause_resume) (admin; only with simulated devices)",
       body={"unit": (int, True, "Modbus unit id"), "key": ((int, str), True, "")},
       capability="may_administer", tag="sim")
def sim_bus_press(number: int):
    sims = _sims()
    data = json_body({"unit": (int, True, ""), "key": ((int, str), True, "")})
    bus = sims.bus(number)
    if bus is None or data["unit"] not in bus.units:
        raise ApiError(404, "simulator_not_found", f"no unit {data['unit']} on simulated bus {number}")
    try:
        seq = bus.press(data["unit"], data["key"])
    except ValueError as exc:
        raise ApiError(400, "invalid_key", str(exc)) from None
    return jsonify(bus=number, unit=data["unit"], seq=seq)


@route("/sim/bus/<int:number>/fault", ["POST"], summary="Inject or clear a fault on a simulated bus device "
       "(unplugged silent garbled slow drop) (admin; only with simulated devices)",
       body={"unit": (int, True, ""), "fault": (str, True, ""), "on": (bool, False, "default true"),
             "value": ((int, float), False, "")}, capability="may_administer", tag="sim")
def sim_bus_fault(number: int):
    sims = _sims()
    data = json_body({"unit": (int, True, ""), "fault": (str, True, ""), "on": (bool, False, ""),
                      "value": ((int, float), False, "")})
    bus = sims.bus(number)
    if bus is None or data["unit"] not in bus.units:
        raise ApiError(404, "simulator_not_found", f"no unit {data['unit']} on simulated bus {number}")
    try:
        if data.get("on", True):
            bus.set_fault(data["unit"], data["fault"], data.get("value", True))
        else:
            bus.clear_fault(data["unit"], data["fault"])
    except ValueError as exc:
        raise ApiError(400, "invalid_fault", str(exc)) from None
    return jsonify(bus=number, unit=data["unit"], faults={k: str(v) for k, v in bus.faults(data["unit"]).items()})
