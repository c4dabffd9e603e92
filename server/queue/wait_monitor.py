"""Wait-time monitor: raises and clears Alert rows per service by itself.

Levels per service: `critical` when someone has waited past the target (default 20 min);
`warning` when someone has waited past the warning time (default 15 min) or a customer arriving now
is expected to wait past the target. An alert lives while its level holds; a change of level
clears it and raises the new one, so the history shows when each level started and ended.
"""
from __future__ import annotations

import math

from sqlalchemy import func, select

from ..models import WAITING, Alert, Branch, Service, Ticket
from . import estimates
from .uow import UnitOfWork
from .views import alert_view


def level_for(longest_wait_s: float, predicted_wait_s: float, service: Service) -> str:
    if longest_wait_s >= service.wait_target_min * 60:
        return "critical"
    if longest_wait_s >= service.wait_warning_min * 60 or predicted_wait_s >= service.wait_target_min * 60:
        return "warning"
    return "ok"


def evaluate(uow: UnitOfWork, branch: Branch, service_times: estimates.ServiceTimes | None = None) -> list[dict]:
    """Bring the branch's wait alerts up to date; returns the alerts raised or cleared."""
    s = uow.session
    changed: list[dict] = []
    waiting = dict(
        (sid, (count, oldest))
        for sid, count, oldest in s.execute(
            select(Ticket.service_id, func.count(), func.min(Ticket.arrived_at))
            # A phone's ticket not checked in yet waits elsewhere, not in the hall (no counter calls it).
            .where(Ticket.branch_id == branch.id, Ticket.status == WAITING, Ticket.awaiting_check_in.is_(False))
            .group_by(Ticket.service_id)
        )
    )
    open_alerts = {
        a.service_id: a
        for a in s.execute(
            select(Alert).where(Alert.branch_id == branch.id, Alert.kind == "wait_time", Alert.cleared_at.is_(None))
        ).scalars()
    }
    for service in s.execute(select(Service).where(Service.branch_id == branch.id)).scalars():
        count, oldest = waiting.get(service.id, (0, None))
        longest = (uow.now - oldest).total_seconds() if oldest else 0.0
        predicted = 0.0
        if count:
            load = estimates.service_load(s, service.id, service.default_service_s, uow.now, service_times)
            predicted = estimates.estimate_wait_s(count, load)
            if predicted is None:  # nobody serves it: the kiosk promises no time, but these customers will wait
                predicted = float("inf")
        level = level_for(longest, predicted, service) if service.active else "ok"
        current = open_alerts.get(service.id)
        if current is not None and current.level == level:
            current.value_s = int(longest)
            continue
        if current is not None:
            current.cleared_at = uow.now
            changed.append(alert_view(current, service.code))
            uow.emit("alert.cleared", branch, {"alert": alert_view(current, service.code)})
        if level != "ok":
            alert = Alert(
                branch_id=branch.id,
                kind="wait_time",
                level=level,
                service_id=service.id,
                value_s=int(longest),
                message=(
                    f"{service.code} {service.name_en}: longest wait {int(longest // 60)} min, "
                    + (f"expected for a new customer {int(predicted // 60)} min" if math.isfinite(predicted)
                       else "no open counter serves it")
                    + f", target {service.wait_target_min} min"
                ),
                raised_at=uow.now,
            )
            s.add(alert)
            s.flush()
            changed.append(alert_view(alert, service.code))
            uow.emit("alert.raised", branch, {"alert": alert_view(alert, service.code)})
    return changed
