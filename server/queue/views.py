"""Plain-dict views of domain objects, built inside the transaction that loaded them."""
from __future__ import annotations

from ..models import Alert, Counter, Service, Ticket
from .clock import iso_utc

from .ticket_store import PRIORITY_NAMES, PRIORITY_VALUES  # noqa: F401 - re-exported for the API layer


def service_view(service: Service) -> dict:
    return {
        "id": service.id,
        "code": service.code,
        "name_zh": service.name_zh,
        "name_en": service.name_en,
        "name_zh_hans": service.name_zh_hans,
        "wait_target_min": service.wait_target_min,
        "wait_warning_min": service.wait_warning_min,
        "active": service.active,
        "staff_only": bool(service.staff_only),
    }


def ticket_view(ticket: Ticket, counter_number: int | None = None) -> dict:
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service.code,
        "service_name_zh": ticket.service.name_zh,
        "service_name_en": ticket.service.name_en,
        "service_name_zh_hans": ticket.service.name_zh_hans,
        "status": str(ticket.status),
        "priority": PRIORITY_NAMES.get(ticket.priority, str(ticket.priority)),
        "channel": ticket.channel,
        "business_day": ticket.business_day.isoformat(),
        "created_at": iso_utc(ticket.created_at),
        "arrived_at": iso_utc(ticket.arrived_at),
        "called_at": iso_utc(ticket.called_at),
        "started_at": iso_utc(ticket.started_at),
        "finished_at": iso_utc(ticket.finished_at),
        "counter": counter_number if counter_number is not None else (ticket.counter.number if ticket.counter else None),
        "counter_id": ticket.counter_id,
        "target_counter_id": ticket.target_counter_id,
        "recall_count": ticket.recall_count,
        "transferred_from_id": ticket.transferred_from_id,
        "printed": ticket.printed,
        "note": ticket.note,
        "awaiting_check_in": bool(ticket.awaiting_check_in),
    }


def counter_view(counter: Counter, current: Ticket | None) -> dict:
    return {
        "id": counter.id,
        "number": counter.number,
        "name": counter.name,
        "state": str(counter.state),
        "policy": counter.policy,
        "pause_reason": counter.pause_reason,
        "paused_at": iso_utc(counter.paused_at),
        "staff": counter.staff.username if counter.staff else None,
        "staff_name": (counter.staff.display_name or counter.staff.username) if counter.staff else None,
        "services": [link.service.code for link in counter.service_links],
        "current_ticket": ticket_view(current, counter.number) if current else None,
    }


def alert_view(alert: Alert, service_code: str | None = None) -> dict:
    return {
        "id": alert.id,
        "kind": alert.kind,
        "level": alert.level,
        "service": service_code,
        "message": alert.message,
        "value_s": alert.value_s,
        "raised_at": iso_utc(alert.raised_at),
        "acknowledged_at": iso_utc(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by,
        "cleared_at": iso_utc(alert.cleared_at),
        "device_fault_id": alert.device_fault_id,
    }
