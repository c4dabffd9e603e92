"""The admin console in a real browser: an admin uploads the branch's ticket logo and sees it as it will
print on 80 and 58 mm paper; a bad file is refused with the reason. A supervisor sees the logo and the
branch's set-up change log (the logo change included) read-only, without any form to change them.
Screenshots in zh-Hant, zh-Hans and en go to /tmp/shots-survey-logo/ (and var/screenshots/)."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.ui.browser_support import screenshot
from tests.ui.test_accessibility import serious_violations

SHOTS = Path("/tmp/shots-survey-logo")


def shoot(page, name: str, locator=None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    (locator or page).screenshot(path=str(SHOTS / f"{name}.png"))
    screenshot(page, name)


def sign_in(pages, username: str, locale: str = "zh-TW", **options):
    page = pages.open("/admin", locale=locale, viewport={"width": 1366, "height": 1000}, **options)
    page.fill("#ad-user", username)
    page.fill("#ad-pass", "demo")
    page.click("#ad-signin-form button[type=submit]")
    expect(page.locator("body")).to_have_attribute("data-loaded", "demo")
    return page


def tab(page, name: str):
    page.click(f"#ad-tab-{name}")
    return page.locator(f"#ad-pane-{name}")


def logo_file(tmp_path) -> Path:
    """A colour logo with a grey band: what a branch would upload."""
    img = Image.new("RGB", (900, 300), "white")
    draw = ImageDraw.Draw(img)
    draw.ellipse([30, 30, 270, 270], fill=(10, 40, 120))
    draw.rectangle([320, 90, 870, 150], fill=(200, 40, 40))
    draw.rectangle([320, 180, 870, 230], fill=(170, 170, 170))
    path = tmp_path / "logo.png"
    img.save(path)
    return path


def natural_width(page, selector: str) -> int:
    return page.locator(selector).evaluate("img => img.naturalWidth")


def test_an_admin_uploads_the_ticket_logo_and_a_supervisor_reads_it_and_the_change_log(pages, tmp_path):
    page = sign_in(pages, "admin", bypass_csp=True)  # axe is injected as a script tag
    card = tab(page, "devices").locator("#ad-logo")
    expect(card.locator("#ad-logo-none")).to_be_visible()

    gif = tmp_path / "logo-really-a-gif.png"
    Image.new("L", (60, 60)).save(gif, format="GIF")
    card.locator("input[type=file]").set_input_files(str(gif))
    card.locator("button[type=submit]").click()
    expect(page.locator("#ad-error")).to_have_text("此檔案不是 PNG 或 JPEG 圖檔。")

    card.locator("input[type=file]").set_input_files(str(logo_file(tmp_path)))
    card.locator("button[type=submit]").click()
    expect(page.locator("#ad-info")).to_have_text("標誌已儲存，下一張號碼單即會印出。")
    expect(card.locator("#ad-logo-previews")).to_be_visible()
    expect(card.locator("#ad-logo-meta")).to_contain_text("900 × 300 像素")
    page.wait_for_function("() => document.getElementById('ad-logo-58').naturalWidth > 0")
    assert (natural_width(page, "#ad-logo-80"), natural_width(page, "#ad-logo-58")) == (576, 384)
    expect(card.locator("#ad-logo-caption-58")).to_have_text("58 公釐紙寬")
    shoot(page, "admin-ticket-logo-zh-Hant", card)
    assert serious_violations(page) == []

    log = tab(page, "changes").locator("#ad-changes tbody tr").first
    expect(log).to_contain_text("image/png 900x300")
    for locale, lang in (("zh-CN", "zh-Hans"), ("en", "en")):
        other = sign_in(pages, "admin", locale)
        other_card = tab(other, "devices").locator("#ad-logo")
        expect(other_card.locator("#ad-logo-previews")).to_be_visible()
        other.wait_for_function("() => document.getElementById('ad-logo-80').naturalWidth > 0")
        shoot(other, f"admin-ticket-logo-{lang}", other_card)
    expect(other_card.locator("#ad-logo-caption-80")).to_have_text("On 80 mm paper")

    # The supervisor: the logo and the change log, read-only.
    for locale, lang in (("zh-TW", "zh-Hant"), ("zh-CN", "zh-Hans"), ("en", "en")):
        sup = sign_in(pages, "supervisor", locale)
        sup_card = tab(sup, "devices").locator("#ad-logo")
        expect(sup_card.locator("#ad-logo-previews")).to_be_visible()
        expect(sup_card.locator("#ad-logo-form")).to_be_hidden()
        expect(sup_card.locator("#ad-logo-remove")).to_be_hidden()
        changes = tab(sup, "changes")
        expect(changes.locator("#ad-changes tbody tr").first).to_contain_text("image/png 900x300")
        expect(changes.locator("#ad-changes tbody tr").first).to_contain_text("admin")
        shoot(sup, f"admin-supervisor-change-log-{lang}")
    expect(sup.locator("#ad-tab-changes")).to_have_text("Change log")

    # Removed by the admin: the card says there is none.
    tab(page, "devices")
    page.locator("#ad-logo-remove").click()
    expect(page.locator("#ad-info")).to_have_text("標誌已移除。")
    expect(card.locator("#ad-logo-none")).to_be_visible()
