"""Monthly teller ranking and the service star (服務之星).

Definition (README "Service star"):
- Month: the branch's business days from the 1st to the last day of the calendar month.
- served: `done` tickets the teller served; rated: those with a 1-5 rating; mean: their mean score.
- A teller is eligible with at least `min_rated` rated services in the month (default 30).
- volume index = served / the most served by any eligible teller; satisfaction index = (mean - 1) / 4.
- score = 100 x (0.5 x volume index + 0.5 x satisfaction index).
- Eligible tellers rank by score, then mean, then served, then username; the first is the service
  star. Ineligible tellers are listed after them without a rank. No eligible teller, no star.
"""
from __future__ import annotations

from collections import defaultdict

from ..models import DONE
from ..queue.clock import iso_utc
from .dataset import Dataset
from .measures import describe, service_s

MIN_RATED = 30
VOLUME_WEIGHT = 0.5
SATISFACTION_WEIGHT = 0.5


def ranking(ds: Dataset, min_rated: int = MIN_RATED) -> dict:
    served: dict[int, list] = defaultdict(list)
    for t in ds.tickets:
        if t.status == DONE and t.staff_id is not None:
            served[t.staff_id].append(t)
    rows = []
    for staff_id, tickets in served.items():
        scores = [ds.ratings[t.id] for t in tickets if t.id in ds.ratings]
        info = ds.staff.get(staff_id)
        rows.append({
            "teller": info.username if info else str(staff_id),
            "name": info.display_name if info else None,
            "served": len(tickets),
            "service_time_mean_s": describe([s for s in map(service_s, tickets) if s is not None],
                                            with_tail=False)["mean_s"],
            "rated": len(scores),
            "satisfaction_mean": round(sum(scores) / len(scores), 3) if scores else None,
            "response_rate": round(len(scores) / len(tickets), 4),
            "eligible": len(scores) >= min_rated,
            "_mean": sum(scores) / len(scores) if scores else None,
        })
    most = max((r["served"] for r in rows if r["eligible"]), default=0)
    for r in rows:
        if r["eligible"]:
            volume = r["served"] / most
            satisfaction = (r["_mean"] - 1.0) / 4.0
            r["volume_index"] = round(volume, 4)
            r["satisfaction_index"] = round(satisfaction, 4)
            r["_score"] = 100.0 * (VOLUME_WEIGHT * volume + SATISFACTION_WEIGHT * satisfaction)
            r["score"] = round(r["_score"], 2)
        else:
            r.update(volume_index=None, satisfaction_index=None, score=None, _score=None)
    eligible = sorted((r for r in rows if r["eligible"]),
                      key=lambda r: (-r["_score"], -r["_mean"], -r["served"], r["teller"]))
    others = sorted((r for r in rows if not r["eligible"]), key=lambda r: (-r["served"], r["teller"]))
    for rank, r in enumerate(eligible, start=1):
        r["rank"] = rank
    for r in others:
        r["rank"] = None
    ordered = [{k: v for k, v in r.items() if not k.startswith("_")} for r in eligible + others]
    star = ordered[0] if eligible else None
    return {
        "branch": {"code": ds.branch_code, "name_zh": ds.branch_name_zh, "name_en": ds.branch_name_en,
                   "name_zh_hans": ds.branch_name_zh_hans},
        "month": ds.period.first.strftime("%Y-%m"),
        "period": ds.period.as_dict(),
        "generated_at": iso_utc(ds.now),
        "rule": {"min_rated": min_rated, "volume_weight": VOLUME_WEIGHT,
                 "satisfaction_weight": SATISFACTION_WEIGHT},
        "star": {"teller": star["teller"], "name": star["name"], "score": star["score"]} if star else None,
        "tellers": ordered,
    }
