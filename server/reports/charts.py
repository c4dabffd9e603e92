"""Data for the supervisor panel's charts (the panel draws them): plain series, no styling."""
from __future__ import annotations

from .dataset import Dataset
from .hourly import hourly
from .measures import satisfaction, wait_s

WAIT_BIN_MIN = 5
WAIT_BINS_UP_TO_MIN = 60


def hourly_chart(ds: Dataset) -> dict:
    """Waiting and served by hour of day."""
    return {"period": ds.period.as_dict(),
            "hours": [{k: row[k] for k in ("hour", "label", "arrivals", "served", "waiting_avg", "waiting_max",
                                            "wait_mean_s")} for row in hourly(ds)]}


def wait_distribution(ds: Dataset, service_code: str | None = None, bin_min: int = WAIT_BIN_MIN) -> dict:
    """Waits of called tickets in `bin_min` bins up to an hour, then one open bin; each bin split into
    tickets within and over their own service's target."""
    services = {s.id: s for s in ds.services.values() if service_code is None or s.code == service_code}
    edges = list(range(0, WAIT_BINS_UP_TO_MIN + 1, bin_min))
    bins = [{"from_min": a, "to_min": b, "count": 0, "within_target": 0, "over_target": 0}
            for a, b in zip(edges, edges[1:])]
    bins.append({"from_min": edges[-1], "to_min": None, "count": 0, "within_target": 0, "over_target": 0})
    for t in ds.tickets:
        w = wait_s(t)
        if w is None or t.service_id not in services:
            continue
        index = min(int(max(w, 0.0) // (bin_min * 60)), len(bins) - 1)
        within = w <= services[t.service_id].wait_target_s
        bins[index]["count"] += 1
        bins[index]["within_target" if within else "over_target"] += 1
    total = sum(b["count"] for b in bins)
    within = sum(b["within_target"] for b in bins)
    return {
        "period": ds.period.as_dict(),
        "service": service_code,
        "targets_min": {s.code: s.wait_target_s // 60 for s in sorted(services.values(), key=lambda s: s.code)},
        "bin_min": bin_min,
        "bins": bins,
        "total": total,
        "within_target_share": round(within / total, 4) if total else None,
    }


def satisfaction_by_teller(ds: Dataset) -> dict:
    by_staff: dict = {}
    for t in ds.tickets:
        if t.counter_id is not None:
            by_staff.setdefault(t.staff_id, []).append(t)
    tellers = []
    for staff_id, tickets in by_staff.items():
        info = ds.staff.get(staff_id) if staff_id is not None else None
        tellers.append({"teller": info.username if info else None, "name": info.display_name if info else None,
                        **satisfaction(ds, tickets)})
    tellers.sort(key=lambda r: (r["teller"] is None, r["teller"] or ""))
    return {"period": ds.period.as_dict(), "tellers": tellers}
