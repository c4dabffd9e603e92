"""Every human-readable text of the printable report and the spreadsheet headers, zh-Hant and en.

Kept in one place so the wording is changed (or translated further) here and nowhere else.
"""
from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "title_day": ("日結報表", "Day-end report"),
    "title_period": ("服務統計報表", "Service statistics"),
    "branch": ("分行", "Branch"),
    "business_day": ("營業日", "Business day"),
    "period": ("期間", "Period"),
    "generated_at": ("產生時間", "Generated"),
    "closed_by": ("日結人員", "Closed by"),
    "closed_at": ("日結時間", "Closed at"),
    "not_closed": ("尚未日結（即時資料）", "Not closed yet (live figures)"),
    "balanced": ("帳實相符", "Balanced"),
    "not_balanced": ("帳實不符", "Does not balance"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "settlement": ("日清日結：發號 = 完成 + 過號 + 取消 + 轉出 + 放棄", "Settlement: issued = done + no-show + cancelled + transferred out + abandoned"),
    "services": ("業務別", "Services"),
    "counters": ("櫃檯", "Counters"),
    "tellers": ("櫃員", "Tellers"),
    "totals": ("合計", "Total"),
    "not_called": ("未叫號", "Never called"),
    "hours": ("時段", "By hour"),
    "pauses": ("暫停服務", "Pauses"),
    "emergencies": ("應急方案", "Emergency plan"),
    "started": ("啟動", "Started"),
    "ended": ("結束", "Ended"),
    "instruction": ("指示", "Instruction"),
    "by": ("啟動／結束人員", "Started / ended by"),
    "calls_by_plan": ("應急叫號", "Calls by the plan"),
    "problems": ("異常票號", "Inconsistent tickets"),
    "missing_numbers": ("缺號", "Numbers without a ticket"),
    "service": ("業務", "Service"),
    "counter": ("櫃檯", "Counter"),
    "teller": ("櫃員", "Teller"),
    "hour": ("時", "Hour"),
    "reason": ("原因", "Reason"),
    "count": ("次數", "Count"),
    "total_time": ("總時間", "Total time"),
    "issued": ("發號", "Issued"),
    "handed": ("受理", "Handed"),
    "transferred_in": ("轉入", "Transferred in"),
    "done": ("完成", "Done"),
    "no_show": ("過號", "No-show"),
    "cancelled": ("取消", "Cancelled"),
    "transferred_out": ("轉出", "Transferred out"),
    "abandoned": ("放棄", "Abandoned"),
    "open": ("未結", "Open"),
    "wait_mean": ("平均等候", "Mean wait"),
    "wait_median": ("等候中位數", "Median wait"),
    "wait_p90": ("等候P90", "Wait p90"),
    "wait_max": ("最長等候", "Max wait"),
    "within_target": ("目標內比例", "Within target"),
    "service_mean": ("平均服務", "Mean service"),
    "service_median": ("服務中位數", "Median service"),
    "satisfaction": ("滿意度", "Satisfaction"),
    "rated": ("評價數", "Rated"),
    "response_rate": ("評價率", "Response rate"),
    "arrivals": ("到達", "Arrivals"),
    "called": ("叫號", "Called"),
    "served": ("完成", "Served"),
    "waiting_avg": ("平均等候人數", "Avg. waiting"),
    "waiting_max": ("最多等候人數", "Max. waiting"),
    "pause_time": ("暫停時間", "Pause time"),
    "number": ("票號", "Number"),
    "status": ("狀態", "Status"),
    "ticket_problems": ("問題", "Problems"),
    "minutes": ("分", "min"),
    "signature": ("主管簽核", "Supervisor's signature"),
    "print": ("列印", "Print"),
    "definitions": ("等候 = 叫號時間 − 取號（或轉入）時間；服務 = 開始至完成；目標內 = 等候不超過該業務目標",
                    "Wait = call time − ticket (or transfer) time; service = start to finish; "
                    "within target = wait not over the service's target"),
}


def label(key: str, lang: str | None = None) -> str:
    zh, en = LABELS[key]
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh} {en}"
