"""Branches and services have Simplified Chinese names, made from the Traditional ones by OpenCC unless
given, editable through the admin API, and shown on zh-Hans pages and reports (server/queue/names.py)."""
from __future__ import annotations

import pytest

from server.demo import ensure_demo
from server.queue.names import local_name, simplified


@pytest.fixture
def hub(app):
    hub = app.extensions["counterflow"]
    ensure_demo(hub.db)
    return hub


def test_opencc_converts_taiwan_traditional_names_phrase_by_phrase():
    assert simplified("個人業務") == "个人业务"
    assert simplified("臺北櫃檯") == "台北柜台"  # Taiwan variants, not character by character
    assert simplified("") == ""


def test_local_name_falls_back_to_traditional_when_no_simplified_name():
    row = {"name_zh": "理財", "name_en": "Wealth", "name_zh_hans": ""}
    assert [local_name(row, loc) for loc in ("zh_Hant", "zh_Hans", "en")] == ["理財", "理財", "Wealth"]
    ticket = {"service_name_zh": "貴賓", "service_name_en": "VIP", "service_name_zh_hans": "贵宾"}
    assert local_name(ticket, "zh_Hans", "service_") == "贵宾"


def test_new_names_are_filled_and_an_explicit_one_is_kept(hub, signed_in):
    admin = signed_in("admin")
    made = admin.post("/api/v1/branches", json={"code": "xinyi", "name_zh": "信義分行", "name_en": "Xinyi"})
    assert made.status_code == 201 and made.get_json()["name_zh_hans"] == "信义分行"
    service = admin.post("/api/v1/branches/xinyi/services",
                         json={"code": "D", "name_zh": "外匯業務", "name_en": "Foreign exchange"}).get_json()
    assert service["name_zh_hans"] == "外汇业务"
    own = admin.post("/api/v1/branches/xinyi/services",
                     json={"code": "E", "name_zh": "開戶", "name_en": "Accounts", "name_zh_hans": "开立账户"})
    assert own.get_json()["name_zh_hans"] == "开立账户"


def test_names_are_editable_and_follow_the_traditional_name(hub, signed_in):
    admin = signed_in("admin")
    demo = {b["code"]: b for b in admin.get("/api/v1/branches").get_json()["branches"]}["demo"]
    assert demo["name_zh_hans"] == "示范分行"  # the demo branch, filled when it was made
    # The Traditional name changes alone: the Simplified one follows.
    r = admin.patch("/api/v1/branches/demo/services/C", json={"name_zh": "財富管理"})
    assert r.status_code == 200 and r.get_json()["name_zh_hans"] == "财富管理"
    # An explicit Simplified name is kept; an empty one is made again from the Traditional name.
    assert admin.patch("/api/v1/branches/demo/services/C", json={"name_zh_hans": "理财服务"}).get_json()[
        "name_zh_hans"] == "理财服务"
    assert admin.patch("/api/v1/branches/demo/services/C", json={"name_zh_hans": ""}).get_json()[
        "name_zh_hans"] == "财富管理"
    branch = admin.patch("/api/v1/branches/demo", json={"name_zh": "示範分行（總行）"})
    assert branch.status_code == 200 and branch.get_json()["name_zh_hans"] == "示范分行（总行）"
    assert admin.patch("/api/v1/branches/demo", json={"name_en": ""}).status_code == 400  # names stay non-empty
    assert signed_in("supervisor").patch("/api/v1/branches/demo", json={"name_zh": "x"}).status_code == 403


def test_zh_hans_pages_and_public_data_carry_the_simplified_names(hub, signed_in, client):
    queue = signed_in("supervisor").get("/api/v1/branches/demo/queue").get_json()
    rows = {r["service"]: r for r in queue["services"]}
    assert rows["A"]["name_zh_hans"] == "个人业务" and rows["A"]["name_zh"] == "個人業務"
    ticket = signed_in("supervisor").post("/api/v1/branches/demo/tickets", json={"service": "V"}).get_json()
    public = client.get(f"/api/v1/public/tickets/{ticket['tracking_token']}").get_json()
    assert public["service_name_zh_hans"] == "贵宾"
    kiosk = client.get("/kiosk/demo?lang=zh-Hans").data.decode()
    assert "示范分行" in kiosk and "示範分行" not in kiosk.split("<script")[0]
    report = signed_in("supervisor").get("/api/v1/branches/demo/reports/day?format=html&lang=zh-Hans").data.decode()
    assert "示范分行" in report and "个人业务" in report
