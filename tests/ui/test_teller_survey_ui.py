"""The teller survey in the browser: the supervisor sets it in the panel, a teller is prompted on the
counter terminal and answers, the panel shows the period's results and downloads them as CSV.
Screenshots in zh-Hant, zh-Hans and en go to /tmp/shots-survey-logo/ (and var/screenshots/)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from tests.ui.browser_support import screenshot
from tests.ui.test_accessibility import serious_violations

DESK = {"width": 1440, "height": 1000}
SHOTS = Path("/tmp/shots-survey-logo")


def shoot(page, name: str, locator=None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if locator is not None:  # one section of a long page
        locator.screenshot(path=str(SHOTS / f"{name}.png"))
    else:
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        screenshot(page, name)


def panel(pages, locale="zh-TW", **options):
    page = pages.open("/supervisor/demo", viewport=DESK, locale=locale, **options)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    page.locator("#sv-tab-reports").click()
    return page


def counter(pages, username, locale="zh-TW", **options):
    page = pages.open("/counter", viewport=DESK, locale=locale, **options)
    page.locator("#ct-user").fill(username)
    page.locator("#ct-pass").fill("demo")
    page.locator("#ct-signin-form button[type=submit]").click()
    return page


def test_supervisor_sets_a_survey_tellers_answer_and_results_show_by_period(pages, staff):
    sv = panel(pages, bypass_csp=True)  # axe is injected as a script tag
    form = sv.locator("#sv-ts-form")
    form.locator("input[name=title_zh_Hant]").fill("十二月工作滿意度")
    form.locator("input[name=title_en]").fill("December job satisfaction")
    questions = form.locator("#sv-ts-questions > li")
    expect(questions).to_have_count(2)  # a rating and a text to start with
    questions.nth(0).locator("input[name=text_zh_Hant]").fill("工作量是否合理？")
    questions.nth(0).locator("input[name=text_en]").fill("Is the workload reasonable?")
    questions.nth(1).locator("input[name=text_zh_Hant]").fill("有什麼建議？")
    questions.nth(1).locator("input[name=text_en]").fill("Any suggestions?")
    form.locator("button[type=submit]").click()
    item = sv.locator("#sv-ts-list .sv-ts-item").first
    expect(item.locator("h3")).to_contain_text("十二月工作滿意度")
    expect(item.locator("h3 .sv-badge")).to_have_text("回收中")
    expect(item).to_contain_text("尚無回答")

    # A teller is asked on the counter terminal, answers in the dialog and is not asked again.
    ct = counter(pages, "teller1", bypass_csp=True)
    prompt = ct.locator("#ct-survey")
    expect(prompt).to_be_visible()
    expect(prompt.locator("#ct-survey-title")).to_have_text("員工問卷開放中：十二月工作滿意度")
    shoot(ct, "survey-counter-prompt-zh-Hant")
    ct.locator("#ct-survey-answer").click()
    dialog = ct.locator("#ct-survey-dialog")
    expect(dialog.locator("legend").first).to_have_text("1. 工作量是否合理？")
    dialog.locator(".ct-survey-score", has_text="4").click()
    dialog.locator("textarea[name=q1]").fill("午休時段需要多一位櫃員")
    shoot(ct, "survey-counter-dialog-zh-Hant")
    assert serious_violations(ct) == []
    dialog.locator("button[type=submit]").click()
    expect(ct.locator("#ct-info")).to_have_text("謝謝您。您的回答已匿名儲存。")
    expect(prompt).to_be_hidden()
    survey_id = int(item.get_attribute("data-survey"))
    again = staff("teller1").session.post(f"{staff('teller1').base}/branches/demo/surveys/{survey_id}/answers",
                                          json={"answers": [5, None]}, timeout=10)
    assert again.status_code == 409 and again.json()["error"]["code"] == "survey_answered"

    # Below three answers the period's figures stay hidden; at three they show (the panel follows the events).
    period = sv.locator("#sv-ts-list .sv-ts-period").first
    expect(period).to_contain_text("滿 3 份回答才顯示")
    staff("teller2").post(f"/branches/demo/surveys/{survey_id}/answers", {"answers": [2, None]})
    staff("teller3").post(f"/branches/demo/surveys/{survey_id}/answers", {"answers": [5, "排班表提早公布"]})
    expect(period.locator("h4")).to_contain_text("3 份回答")
    expect(period.locator("tr[data-question='0'] .sv-ts-average")).to_have_text("3.67")
    expect(period.locator("tr[data-question='1'] li")).to_have_text(["午休時段需要多一位櫃員", "排班表提早公布"])
    shoot(sv, "survey-panel-zh-Hant", sv.locator("#sv-ts"))
    assert serious_violations(sv) == []

    with sv.expect_download() as download:
        item.locator("[data-act=csv]").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert rows[0]["average"] == "3.67" and rows[0]["responses"] == "3"
    assert sorted(r["text"] for r in rows if r["text"]) == ["午休時段需要多一位櫃員", "排班表提早公布"]

    # The other two languages: the panel's section and a teller's prompt and questions.
    for locale, lang, user in (("zh-CN", "zh-Hans", "teller4"), ("en", "en", "supervisor")):
        page = panel(pages, locale)
        expect(page.locator("#sv-ts-list .sv-ts-period").first.locator("h4")).to_be_visible()
        shoot(page, f"survey-panel-{lang}", page.locator("#sv-ts"))
        ct = counter(pages, user, locale)
        expect(ct.locator("#ct-survey")).to_be_visible()
        ct.locator("#ct-survey-answer").click()
        expect(ct.locator("#ct-survey-dialog legend").first).to_be_visible()
        shoot(ct, f"survey-counter-dialog-{lang}")
    expect(page.locator("#sv-ts-list .sv-ts-period").first.locator("h4")).to_contain_text("3 answers")
    expect(ct.locator("#ct-survey-dialog legend").first).to_have_text("1. Is the workload reasonable?")

    # Closing it: nobody is asked any more.
    item.locator("[data-act=close]").click()
    expect(sv.locator("#sv-ts-list .sv-ts-item").first).to_contain_text("至")
    pending = staff("teller4").get("/branches/demo/surveys/pending")["surveys"]
    assert [s["id"] for s in pending] == [survey_id]  # closed today: today still counts
