"""The supervisor's rounds (issue 16): round sheets from the seed and edited by the supervisor, rounds
recorded item by item, a problem turned into a fault or a task, the opening record required before
`open`, the closing round's list of who and what is still on, and the rounds in the day report, the
CSV history and the recurring-problems report."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from server.models import SetupChange

BRANCH = "/api/v1/branches/demo"


def sheet(api, kind: str) -> list[dict]:
    response = api.get(f"{BRANCH}/round-sheets/{kind}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def all_ok(api, kind: str, **problems) -> list[dict]:
    """Answers for every item of the sheet: ok, except the keys given as {key: answer extras}."""
    return [{"key": item["key"], "ok": True} if item["key"] not in problems
            else {"key": item["key"], "ok": False, **problems[item["key"]]} for item in sheet(api, kind)]


def record(api, kind: str, answers: list[dict]):
    return api.post(f"{BRANCH}/rounds", json={"kind": kind, "answers": answers})


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_the_default_sheets_come_from_the_seed_in_three_languages(signed_in):
    guide = signed_in("guide")
    opening = {item["key"]: item for item in sheet(guide, "opening")}
    assert opening["water_cups"]["text"] == {"zh_Hant": "飲水機的水和水杯充足", "zh_Hans": "饮水机的水和水杯充足",
                                             "en": "Water dispenser filled, enough cups"}
    assert opening["pens_glasses"]["group"]["en"] == "Facilities and supplies"
    assert "fire_safety" in {item["key"] for item in sheet(guide, "closing")}
    assert "etiquette" in {item["key"] for item in sheet(guide, "midday")}
    missing = guide.get(f"{BRANCH}/round-sheets/lunch")
    assert missing.status_code == 404 and error_code(missing) == "round_kind_not_found"


def test_the_supervisor_edits_a_sheet_and_the_next_round_follows_it(signed_in, published):
    supervisor, guide = signed_in("supervisor"), signed_in("guide")
    items = sheet(supervisor, "midday")[:2] + [{"key": "brochures", "group": {"zh_Hant": "資料", "en": "Leaflets"},
                                                "text": {"zh_Hant": "宣傳單張已補充", "en": "Leaflets restocked"}}]
    assert guide.put(f"{BRANCH}/round-sheets/midday", json={"items": items}).status_code == 403
    response = supervisor.put(f"{BRANCH}/round-sheets/midday", json={"items": items})
    assert response.status_code == 200, response.get_json()
    saved = response.get_json()
    assert saved["default"] is False and saved["updated_by"] == "user:supervisor"
    assert saved["items"][2]["text"]["zh_Hans"] == "宣传单张已补充"  # made by OpenCC
    assert [i["key"] for i in sheet(guide, "midday")] == [items[0]["key"], items[1]["key"], "brochures"]
    assert "round.sheet_changed" in [e.name for e in published]

    twice = supervisor.put(f"{BRANCH}/round-sheets/midday", json={"items": items + [items[0]]})
    assert twice.status_code == 400 and error_code(twice) == "invalid_checklist"
    no_english = supervisor.put(f"{BRANCH}/round-sheets/midday",
                                json={"items": [{"key": "x", "group": {"zh_Hant": "甲"}, "text": {"zh_Hant": "乙"}}]})
    assert no_english.status_code == 400 and error_code(no_english) == "invalid_checklist"
    old_item = record(guide, "midday", all_ok(guide, "midday") + [{"key": "wait_time", "ok": True}])
    assert old_item.status_code == 400 and error_code(old_item) == "unknown_item"


def test_a_round_answers_every_item_and_a_problem_says_what_is_wrong(signed_in, published):
    guide = signed_in("guide")
    answers = all_ok(guide, "opening")
    unanswered = record(guide, "opening", answers[1:])
    assert unanswered.status_code == 400 and error_code(unanswered) == "items_unanswered"
    assert unanswered.get_json()["error"]["detail"]["keys"] == [answers[0]["key"]]
    silent = record(guide, "opening", all_ok(guide, "opening", signs={"note": " "}))
    assert silent.status_code == 400 and error_code(silent) == "problem_note_required"
    ok_task = record(guide, "opening", all_ok(guide, "opening") [:-1] + [
        {"key": answers[-1]["key"], "ok": True, "task_owner": "teller1"}])
    assert ok_task.status_code == 400 and error_code(ok_task) == "invalid_answers"
    assert signed_in("teller1").post(f"{BRANCH}/rounds", json={"kind": "opening", "answers": answers}
                                     ).status_code == 403

    response = record(guide, "opening", all_ok(guide, "opening", signs={"note": "queue sign missing"}))
    assert response.status_code == 201, response.get_json()
    done = response.get_json()
    assert done["done_by"] == "user:guide" and done["kind"] == "opening" and done["problems"] == 1
    signs = next(a for a in done["answers"] if a["key"] == "signs")
    assert signs["ok"] is False and signs["note"] == "queue sign missing" and signs["text"]["en"] == "Signs in their places"
    assert [e.data["round"]["id"] for e in published if e.name == "round.recorded"] == [done["id"]]


def test_a_problem_becomes_a_fault_or_a_task_with_an_owner(signed_in, published):
    guide, supervisor = signed_in("guide"), signed_in("supervisor")
    response = record(guide, "midday", all_ok(guide, "midday",
                                              devices_running={"note": "self-service terminal frozen", "fault": {}},
                                              water_cups={"note": "no cups left", "task_owner": "guide"}))
    assert response.status_code == 201, response.get_json()
    done = {a["key"]: a for a in response.get_json()["answers"]}
    fault_id = done["devices_running"]["fault"]["id"]
    fault = supervisor.get(f"/api/v1/faults/{fault_id}").get_json()
    assert fault["source"] == "staff" and fault["code"] == "round_problem"
    assert "self-service terminal frozen" in fault["message"]
    assert fault_id in [f["id"] for f in supervisor.get("/api/v1/faults?open=1").get_json()["faults"]]
    assert done["water_cups"]["task"] == {"owner": "guide", "done_at": None, "done_by": None}

    round_id = response.get_json()["id"]
    finished = guide.post(f"{BRANCH}/rounds/{round_id}/tasks/water_cups/done")
    assert finished.status_code == 200
    task = next(a for a in finished.get_json()["answers"] if a["key"] == "water_cups")["task"]
    assert task["done_by"] == "user:guide" and task["done_at"]
    assert [e.data["round"]["id"] for e in published if e.name == "round.updated"] == [round_id]
    no_task = guide.post(f"{BRANCH}/rounds/{round_id}/tasks/hall_order/done")
    assert no_task.status_code == 404 and error_code(no_task) == "task_not_found"

    elsewhere = record(guide, "midday", all_ok(guide, "midday", hall_clean={"note": "wet", "fault": {"device": 9999}}))
    assert elsewhere.status_code == 404 and error_code(elsewhere) == "device_not_found"
    before = len(supervisor.get("/api/v1/faults").get_json()["faults"])
    assert before == 1  # the refused round raised nothing: one transaction


def test_the_branch_can_require_the_opening_record_before_open(signed_in, hub):
    guide, supervisor = signed_in("guide"), signed_in("supervisor")
    assert guide.patch(f"{BRANCH}/round-settings", json={"opening_requires_round": True}).status_code == 403
    assert supervisor.patch(f"{BRANCH}/round-settings", json={"opening_requires_round": True}).status_code == 200
    with hub.db.read() as session:
        [change] = session.execute(select(SetupChange).where(SetupChange.entity == "branch")).scalars().all()
        assert (change.actor, change.before, change.after) == (
            "user:supervisor", {"opening_requires_round": False}, {"opening_requires_round": True})

    refused = supervisor.post(f"{BRANCH}/open")
    assert refused.status_code == 409 and error_code(refused) == "opening_record_incomplete"
    assert refused.get_json()["error"]["detail"]["missing"] == ["opening_round", "device_check"]
    assert record(guide, "opening", all_ok(guide, "opening")).status_code == 201
    refused = supervisor.post(f"{BRANCH}/open")
    assert refused.status_code == 409 and refused.get_json()["error"]["detail"]["missing"] == ["device_check"]
    assert guide.post(f"{BRANCH}/opening-check").status_code == 200

    opened = supervisor.post(f"{BRANCH}/open")
    assert opened.status_code == 201, opened.get_json()
    record_ = guide.get(f"{BRANCH}/opening-record").get_json()
    assert record_["requires_round"] is True and len(record_["rounds"]) == 1
    assert record_["device_check"]["checked_by"] == "user:guide" and record_["opening"]["id"] == opened.get_json()["id"]


def test_without_the_setting_the_branch_opens_as_before(signed_in):
    assert signed_in("supervisor").post(f"{BRANCH}/open").status_code == 201


def test_the_closing_round_lists_staff_still_signed_in(signed_in):
    teller = signed_in("teller1")
    counters = signed_in("supervisor").get(f"{BRANCH}/counters").get_json()["counters"]
    assert teller.post(f"/api/v1/counters/{counters[0]['id']}/open").status_code == 200
    status = signed_in("guide").get(f"{BRANCH}/closing-status").get_json()
    staff = {s["username"]: s for s in status["staff_signed_in"]}
    assert staff["teller1"]["counter"] == counters[0]["number"]
    assert staff["guide"]["counter"] is None and "supervisor" in staff
    assert status["devices_online"] == []  # no device layer in this app
    assert signed_in("teller1").get(f"{BRANCH}/closing-status").status_code == 403


def test_the_day_report_shows_the_rounds_who_did_them_and_the_problems(signed_in, hub):
    guide, supervisor = signed_in("guide"), signed_in("supervisor")
    assert record(guide, "opening", all_ok(guide, "opening")).status_code == 201
    assert record(supervisor, "closing", all_ok(supervisor, "closing", fire_safety={"note": "heater left on"})
                  ).status_code == 201
    report = supervisor.get(f"{BRANCH}/reports/day").get_json()
    assert [(r["kind"], r["done_by"], r["problems"]) for r in report["rounds"]] == [
        ("opening", "user:guide", 0), ("closing", "user:supervisor", 1)]
    assert report["rounds"][1]["problem_items"][0]["note"] == "heater left on"
    html = supervisor.get(f"{BRANCH}/reports/day?format=html&lang=en").get_data(as_text=True)
    assert "Closing round" in html and "No fire hazard: heater left on" in html
    html = supervisor.get(f"{BRANCH}/reports/day?format=html&lang=zh-Hans").get_data(as_text=True)
    assert "无消防隐患: heater left on" in html
    rounds_csv = supervisor.get(f"{BRANCH}/reports/day?format=csv&table=rounds").get_data(as_text=True)
    assert "fire_safety: heater left on" in rounds_csv

    closed = supervisor.post(f"{BRANCH}/day-close", json={})
    assert closed.status_code == 201, closed.get_json()
    assert [r["kind"] for r in closed.get_json()["report"]["rounds"]] == ["opening", "closing"]


def test_rounds_are_kept_and_exported_and_recurring_problems_counted(signed_in):
    guide, supervisor = signed_in("guide"), signed_in("supervisor")
    for note in ("no cups", "cups empty again"):
        assert record(guide, "midday", all_ok(guide, "midday", water_cups={"note": note})).status_code == 201
    assert record(guide, "midday", all_ok(guide, "midday", forms={"note": "forms out"})).status_code == 201

    history = guide.get(f"{BRANCH}/rounds?kind=midday").get_json()["rounds"]
    assert [r["problems"] for r in history] == [1, 1, 1]
    text = guide.get(f"{BRANCH}/rounds?format=csv").get_data(as_text=True).lstrip("\ufeff")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == 3 * len(sheet(guide, "midday"))
    assert {(l["item"], l["note"]) for l in lines if l["ok"] == "false"} == {
        ("water_cups", "no cups"), ("water_cups", "cups empty again"), ("forms", "forms out")}

    recurring = supervisor.get(f"{BRANCH}/reports/round-problems").get_json()
    assert recurring["rounds"] == 3
    assert [(i["key"], i["problems"], i["checked"]) for i in recurring["items"]] == [("water_cups", 2, 3)]
    assert [n["note"] for n in recurring["items"][0]["notes"]] == ["no cups", "cups empty again"]
    once = supervisor.get(f"{BRANCH}/reports/round-problems?at_least=1").get_json()["items"]
    assert [i["key"] for i in once] == ["water_cups", "forms"]
    assert guide.get(f"{BRANCH}/reports/round-problems").status_code == 403
    bad = supervisor.get(f"{BRANCH}/rounds?from=2026-12-09&to=2026-12-01")
    assert bad.status_code == 400 and error_code(bad) == "invalid_period"


@pytest.mark.parametrize("body", [{"kind": "opening"}, {"kind": "opening", "answers": "all ok"},
                                  {"kind": "opening", "answers": [{"key": "signs", "ok": "yes"}]},
                                  {"kind": "noon", "answers": []}, {"kind": "opening", "answers": [7]}])
def test_a_malformed_round_is_refused_with_a_code(signed_in, body):
    response = signed_in("guide").post(f"{BRANCH}/rounds", json=body)
    assert response.status_code == 400
    assert error_code(response) in ("missing_field", "invalid_type", "invalid_answers", "invalid_kind",
                                     "items_unanswered")
