"""Branch configuration: branches, services, counters and which services each counter serves."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Branch, Counter, CounterService, Service, Ticket
from . import hall_hours, setup_audit
from .errors import Conflict, Invalid, NotFound
from .repository import branch_by_code
from .selection import POLICIES
from .uow import EventName
from .views import counter_view, service_view

BRANCH_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SERVICE_CODE = re.compile(r"^[A-Z]{1,2}$")


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("invalid_timezone", f"unknown time zone {timezone!r}") from None


def create_branch(session: Session, code: str, name_zh: str, name_en: str, timezone: str = "Asia/Taipei",
                  name_zh_hans: str = "") -> Branch:
    if not BRANCH_CODE.match(code or ""):
        raise Invalid("invalid_branch_code", "branch code: 1-32 of a-z, 0-9, '-', '_', starting with a letter or digit")
    _check_timezone(timezone)
    if session.execute(select(Branch.id).where(Branch.code == code)).first():
        raise Conflict("branch_exists", f"branch {code} already exists")
    branch = Branch(code=code, name_zh=name_zh, name_en=name_en, name_zh_hans=name_zh_hans, timezone=timezone,
                    event_seq=0, display_message="")
    session.add(branch)
    session.flush()
    return branch


MAX_SERVICE_S = 8 * 3600  # the estimate's seed: no service takes longer than a working day


def _check_service_s(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SERVICE_S:
        raise Invalid("invalid_service_time", f"default_service_s must be 1-{MAX_SERVICE_S}")


def add_service(session: Session, branch: Branch, code: str, name_zh: str, name_en: str,
                wait_target_min: int = 20, wait_warning_min: int = 15, default_service_s: int = 300,
                staff_only: bool = False, name_zh_hans: str = "") -> Service:
    if not SERVICE_CODE.match(code or ""):
        raise Invalid("invalid_service_code", "service code: one or two capital letters, e.g. A")
    if not (1 <= wait_warning_min <= wait_target_min <= 24 * 60):
        raise Invalid("invalid_wait_target", "need 1 <= wait_warning_min <= wait_target_min <= 1440")
    _check_service_s(default_service_s)
    if session.execute(select(Service.id).where(Service.branch_id == branch.id, Service.code == code)).first():
        raise Conflict("service_exists", f"service {code} already exists in {branch.code}")
    service = Service(branch_id=branch.id, code=code, name_zh=name_zh, name_en=name_en, name_zh_hans=name_zh_hans,
                      active=True,
                      wait_target_min=wait_target_min, wait_warning_min=wait_warning_min,
                      default_service_s=default_service_s, staff_only=bool(staff_only))
    session.add(service)
    session.flush()
    return service


def add_counter(session: Session, branch: Branch, number: int, service_codes: list[str],
                policy: str = "strict", name: str = "") -> Counter:
    if not isinstance(number, int) or not 1 <= number <= 999:
        raise Invalid("invalid_counter_number", "counter number must be 1-999")
    if policy not in POLICIES:
        raise Invalid("invalid_policy", f"policy must be one of {', '.join(POLICIES)}")
    if session.execute(select(Counter.id).where(Counter.branch_id == branch.id, Counter.number == number)).first():
        raise Conflict("counter_exists", f"counter {number} already exists in {branch.code}")
    counter = Counter(branch_id=branch.id, number=number, name=name or str(number), policy=policy, state="closed")
    session.add(counter)
    session.flush()
    set_counter_services(session, counter, service_codes)
    return counter


def set_counter_services(session: Session, counter: Counter, service_codes: list[str]) -> None:
    """Replace the counter's ordered service list (first = highest rank)."""
    if not service_codes or len(set(service_codes)) != len(service_codes):
        raise Invalid("invalid_services", "give a non-empty list of distinct service codes")
    found = {
        s.code: s
        for s in session.execute(
            select(Service).where(Service.branch_id == counter.branch_id, Service.code.in_(service_codes))
        ).scalars()
    }
    missing = [c for c in service_codes if c not in found]
    if missing:
        raise NotFound("service_not_found", f"unknown service(s): {', '.join(missing)}")
    counter.service_links.clear()
    session.flush()
    for rank, code in enumerate(service_codes):
        counter.service_links.append(CounterService(service_id=found[code].id, rank=rank, service=found[code]))
    session.flush()


class SetupOperations:
    """Admin changes to a branch's set-up, each one unit of work that publishes what changed, so screens
    follow at once (`branch.updated`, `service.updated`, `counter.updated`), and leaves its audit record
    (who, when, before -> after; setup_audit.py) in the same transaction. `by` names who made it. The
    set-up cache of every hub process follows through branches.config_version (catalog.py)."""

    def __init__(self, uow_factory):
        self._uow = uow_factory

    def update_hall_settings(self, branch_code: str, changes: dict, *, by: str = "") -> dict:
        """The emergency call policy, the kiosk's unavailable-service policy and the opening hours
        (docs/architecture.md, "Emergency plan" and "Kiosk states")."""
        from . import emergency

        if "emergency_policy" in changes and changes["emergency_policy"] not in emergency.POLICIES:
            raise Invalid("invalid_policy", f"emergency_policy must be one of {', '.join(emergency.POLICIES)}")
        if "unavailable_policy" in changes and changes["unavailable_policy"] not in UNAVAILABLE_POLICIES:
            raise Invalid("invalid_policy", f"unavailable_policy must be one of {', '.join(UNAVAILABLE_POLICIES)}")
        if "opening_hours" in changes:
            changes = dict(changes, opening_hours=hall_hours.validate(changes["opening_hours"]))
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code, lock=True)
            before = hall_settings_view(branch)
            for key, value in changes.items():
                setattr(branch, key, value)
            view = hall_settings_view(branch)
            setup_audit.record(uow.session, uow.now, by, branch.id, "branch", branch_code, "changed", before, view)
            uow.emit(EventName.BRANCH_UPDATED, branch, {"branch": branch_view(branch), "hall_settings": view})
        return view

    def create_branch(self, code: str, name_zh: str, name_en: str, timezone: str = "Asia/Taipei",
                      name_zh_hans: str = "", *, by: str = "") -> dict:
        with self._uow() as uow:
            branch = create_branch(uow.session, code, name_zh, name_en, timezone, name_zh_hans)
            uow.session.flush()  # fills name_zh_hans (names.py)
            view = branch_view(branch)
            setup_audit.record(uow.session, uow.now, by, branch.id, "branch", code, "created", after=view)
            uow.emit(EventName.BRANCH_UPDATED, branch, {"branch": view})
        return view

    def update_branch(self, code: str, changes: dict, *, by: str = "") -> dict:
        """Names (an empty name_zh_hans is derived again from name_zh), time zone and opening hours (the
        code is the branch's address in every URL: it does not change)."""
        with self._uow() as uow:
            branch = uow.session.execute(select(Branch).where(Branch.code == code).with_for_update()).scalar_one_or_none()
            if branch is None:
                raise NotFound("branch_not_found", f"no branch {code}")
            before = branch_view(branch)
            if "timezone" in changes:
                _check_timezone(changes["timezone"])
            if "opening_hours" in changes:
                changes = dict(changes, opening_hours=hall_hours.validate(changes["opening_hours"]))
            for key in ("name_zh", "name_en", "name_zh_hans", "timezone", "opening_hours"):
                if key in changes:
                    setattr(branch, key, changes[key])
            uow.session.flush()  # fills name_zh_hans (names.py)
            view = branch_view(branch)
            setup_audit.record(uow.session, uow.now, by, branch.id, "branch", code, "changed", before, view)
            uow.emit(EventName.BRANCH_UPDATED, branch, {"branch": view})
        return view

    def add_service(self, branch_code: str, code: str, name_zh: str, name_en: str, wait_target_min: int = 20,
                    wait_warning_min: int = 15, default_service_s: int = 300, staff_only: bool = False,
                    name_zh_hans: str = "", *, by: str = "") -> dict:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            service = add_service(uow.session, branch, code, name_zh, name_en, wait_target_min, wait_warning_min,
                                  default_service_s, staff_only, name_zh_hans)
            view = service_view(service)
            setup_audit.record(uow.session, uow.now, by, branch.id, "service", code, "created",
                               after=_service_audit(service))
            uow.emit(EventName.SERVICE_UPDATED, branch, {"service": view})
            uow.emit(EventName.QUEUE_CHANGED, branch, {"services": [service.id]})  # kiosks offer it now
        return view

    def update_service(self, branch_code: str, service_code: str, changes: dict, *, by: str = "") -> dict:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            service = uow.session.execute(
                select(Service).where(Service.branch_id == branch.id, Service.code == service_code).with_for_update()
            ).scalar_one_or_none()
            if service is None:
                raise NotFound("service_not_found", f"no service {service_code} in {branch_code}")
            before = _service_audit(service)
            for key, value in changes.items():
                setattr(service, key, value)
            if not 1 <= service.wait_warning_min <= service.wait_target_min <= 24 * 60:
                raise Invalid("invalid_wait_target", "need 1 <= wait_warning_min <= wait_target_min <= 1440")
            _check_service_s(service.default_service_s)
            uow.session.flush()  # fills name_zh_hans when name_zh changed alone (names.py)
            view = service_view(service)
            setup_audit.record(uow.session, uow.now, by, branch.id, "service", service_code, "changed", before,
                               _service_audit(service))
            uow.emit(EventName.SERVICE_UPDATED, branch, {"service": view})
            uow.emit(EventName.QUEUE_CHANGED, branch, {"services": [service.id]})
        return view

    def add_counter(self, branch_code: str, number: int, service_codes: list[str], policy: str = "strict",
                    name: str = "", *, by: str = "") -> int:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            counter = add_counter(uow.session, branch, number, service_codes, policy, name)
            setup_audit.record(uow.session, uow.now, by, branch.id, "counter", str(number), "created",
                               after=_counter_audit(counter))
            uow.emit(EventName.COUNTER_UPDATED, branch, {"counter": _counter_view(uow.session, counter)})
            return counter.id

    def update_counter(self, counter_id: int, *, services: list[str] | None = None, policy: str | None = None,
                       name: str | None = None, by: str = "") -> dict:
        """Services, policy and name change together or not at all."""
        if policy is not None and policy not in POLICIES:
            raise Invalid("invalid_policy", f"policy must be one of {', '.join(POLICIES)}")
        with self._uow() as uow:
            counter = uow.session.execute(
                select(Counter).where(Counter.id == counter_id).with_for_update()).scalar_one_or_none()
            if counter is None:
                raise NotFound("counter_not_found", f"no counter with id {counter_id}")
            before = _counter_audit(counter)
            if services is not None:
                set_counter_services(uow.session, counter, services)
            if policy is not None:
                counter.policy = policy
            if name is not None:
                counter.name = name[:60]
            uow.session.flush()
            view = _counter_view(uow.session, counter)
            setup_audit.record(uow.session, uow.now, by, counter.branch_id, "counter", str(counter.number),
                               "changed", before, _counter_audit(counter))
            uow.emit(EventName.COUNTER_UPDATED, counter.branch, {"counter": view})
            if services is not None:
                uow.emit(EventName.QUEUE_CHANGED, counter.branch,
                         {"services": sorted(link.service_id for link in counter.service_links)})
            return view


UNAVAILABLE_POLICIES = ("warn", "refuse")


def hall_settings_view(branch: Branch) -> dict:
    return {"emergency_policy": branch.emergency_policy, "unavailable_policy": branch.unavailable_policy,
            "opening_hours": branch.opening_hours or None}


def _service_audit(service: Service) -> dict:
    return {"name_zh": service.name_zh, "name_en": service.name_en, "wait_target_min": service.wait_target_min,
            "wait_warning_min": service.wait_warning_min, "default_service_s": service.default_service_s,
            "active": service.active, "staff_only": bool(service.staff_only)}


def _counter_audit(counter: Counter) -> dict:
    return {"name": counter.name, "policy": counter.policy,
            "services": [link.service.code for link in counter.service_links]}


def branch_view(branch: Branch) -> dict:
    return {"code": branch.code, "name_zh": branch.name_zh, "name_en": branch.name_en,
            "name_zh_hans": branch.name_zh_hans, "timezone": branch.timezone, "opening_hours": branch.opening_hours}


def _counter_view(session: Session, counter: Counter) -> dict:
    current = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
    return counter_view(counter, current)
