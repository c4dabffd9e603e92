"""The round sheets (《柜面經理/主管現場巡視表》): the default items of the opening, midday and closing
rounds, taken from the seed's counter workflow, and the check of a sheet a supervisor edits.

An item is {"key", "group": {locale: text}, "text": {locale: text}}. The key is what history and the
recurring-problems report count by, so it stays when the wording changes (docs/architecture.md,
"Rounds"). The Simplified Chinese text is made from the Traditional one by OpenCC when not given.
"""
from __future__ import annotations

import re

from .errors import Invalid
from .names import simplified

KINDS = ("opening", "midday", "closing")
LOCALES = ("zh_Hant", "zh_Hans", "en")
MAX_ITEMS = 60
MAX_TEXT = 200
KEY = re.compile(r"^[a-z0-9_]{1,40}$")

# (group zh_Hant, group en) -> [(key, zh_Hant, en)]; the seed's 營業前 / 營業過程中 / 營業結束後.
_SEED = {
    "opening": [
        (("環境衛生", "Cleanliness"), [
            ("entrance_clean", "地面、臺階、門前整潔", "Floor, steps and entrance clean"),
            ("walls_clean", "門窗、墻面、橫幅整潔", "Doors, windows, walls and banners clean"),
            ("counters_clean", "柜面內部環境衛生良好", "Counter area clean and tidy"),
        ]),
        (("設施與物品", "Facilities and supplies"), [
            ("air_conditioning", "空調已開啟，溫度適宜", "Air conditioning on, temperature comfortable"),
            ("water_cups", "飲水機的水和水杯充足", "Water dispenser filled, enough cups"),
            ("forms", "填單區的資料完整", "Forms at the writing desk complete"),
            ("pens_glasses", "書寫筆、老花眼鏡配備齊全", "Pens and reading glasses in place"),
            ("comment_book", "意見簿、意見箱放在規定地方", "Comment book and comment box in their place"),
            ("signs", "指示牌放在指定地方", "Signs in their places"),
            ("screens_cctv", "多媒體、電子屏、監控系統、自助設備已開啟", "Multimedia, screens, CCTV and self-service on"),
        ]),
        (("人員", "Staff"), [
            ("staff_at_posts", "當班人員在崗位就位", "Staff on duty at their posts"),
        ]),
    ],
    "midday": [
        (("大廳", "Hall"), [
            ("hall_order", "大廳秩序井然，無喧嘩吵鬧", "Hall orderly and quiet"),
            ("hall_clean", "大廳環境衛生良好", "Hall clean"),
            ("wait_time", "客戶等待時間不超過20分鐘", "No customer waits over 20 minutes"),
        ]),
        (("設施與物品", "Facilities and supplies"), [
            ("devices_running", "自助設備、電子設備、監控設備正常運行", "Self-service, screens and CCTV working"),
            ("water_cups", "飲水機的水和水杯充足", "Water dispenser filled, enough cups"),
            ("forms", "資料齊全", "Forms complete"),
        ]),
        (("服務", "Service"), [
            ("etiquette", "柜員儀容儀表、服務禮儀標準", "Tellers' appearance and service manners as required"),
            ("discipline", "柜員遵守服務紀律，離柜時物品入柜上鎖並暫停服務",
             "Tellers keep discipline: valuables locked away and service paused when leaving"),
            ("guide_duty", "咨詢引導崗盡職", "The guide desk attended"),
        ]),
    ],
    "closing": [
        (("整理", "Tidying up"), [
            ("comment_box", "已查看意見簿和意見箱", "Comment book and box checked"),
            ("desks_tidy", "工作臺面已清理，物品擺放整齊", "Desks cleared and tidy"),
            ("hall_cleaning", "已通知保潔人員清潔大廳", "Cleaners called for the hall"),
        ]),
        (("安全檢查", "Safety round"), [
            ("systems_signed_out", "柜員已退出業務系統，關閉電腦", "Tellers signed out of the systems, computers off"),
            ("power_off", "辦公機具、空調、設備電源已關閉", "Office machines, air conditioning and devices switched off"),
            ("items_stored", "物品妥善存放，無遺落", "Items stored away, nothing left behind"),
            ("fire_safety", "無消防隱患", "No fire hazard"),
            ("hall_locked", "營業大廳已關閉", "Hall closed and locked"),
        ]),
    ],
}


def texts(zh_hant: str, en: str, zh_hans: str | None = None) -> dict:
    return {"zh_Hant": zh_hant, "zh_Hans": zh_hans or simplified(zh_hant), "en": en}


def default_items(kind: str) -> list[dict]:
    return [{"key": key, "group": texts(*group), "text": texts(zh, en)}
            for group, items in _SEED[kind] for key, zh, en in items]


def _texts(value, what: str, index: int) -> dict:
    if not isinstance(value, dict):
        raise Invalid("invalid_checklist", f"item {index + 1}: {what} must be an object of texts by language")
    zh, en = value.get("zh_Hant"), value.get("en")
    zh_hans = value.get("zh_Hans") or None
    for text in (zh, en, zh_hans):
        if text is not None and (not isinstance(text, str) or len(text.strip()) > MAX_TEXT):
            raise Invalid("invalid_checklist", f"item {index + 1}: {what} texts are strings of at most {MAX_TEXT}")
    if not (zh or "").strip() or not (en or "").strip():
        raise Invalid("invalid_checklist", f"item {index + 1}: {what} needs zh_Hant and en")
    return texts(zh.strip(), en.strip(), zh_hans.strip() if zh_hans else None)


def clean_items(items) -> list[dict]:
    """A sheet as the supervisor sent it, checked: 1-60 items, unique keys, texts in three languages."""
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise Invalid("invalid_checklist", f"a round sheet has 1-{MAX_ITEMS} items")
    cleaned, keys = [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not KEY.match(item["key"]):
            raise Invalid("invalid_checklist", f"item {index + 1}: key is 1-40 of a-z, 0-9 and _")
        if item["key"] in keys:
            raise Invalid("invalid_checklist", f"item {index + 1}: key {item['key']!r} is used twice")
        keys.add(item["key"])
        cleaned.append({"key": item["key"], "group": _texts(item.get("group"), "group", index),
                        "text": _texts(item.get("text"), "text", index)})
    return cleaned
