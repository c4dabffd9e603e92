"""A branch's set-up (services, counters and the services each serves, closed days), kept in memory.

The hot path reads the set-up on every operation; loading it costs five statements, so each hub
process keeps it and reloads it only when `branches.config_version` moves. Every ORM change to a
service, a counter's number, name or services, a branch's names or time zone, or a day close bumps
that version in the same transaction (the `before_flush` hook below), so a process never acts on a
set-up another process has changed: the version is read with the locked counter or branch row.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy import event, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import Branch, Counter, CounterService, DayClose, Service


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name_zh: str
    name_en: str
    wait_target_min: int
    wait_warning_min: int
    default_service_s: int
    active: bool
    staff_only: bool = False  # not issued to a kiosk's customers (a device actor)


@dataclass(frozen=True)
class CounterInfo:
    id: int
    number: int
    service_ids: tuple[int, ...]  # in rank order: first = highest rank

    def rank_of(self, service_id: int) -> int:
        return self.service_ids.index(service_id)


@dataclass(frozen=True)
class BranchConfig:
    id: int
    code: str
    timezone: str
    version: int
    services: dict[int, ServiceInfo]
    services_by_code: dict[str, ServiceInfo]
    counters: dict[int, CounterInfo]
    counters_by_number: dict[int, CounterInfo]
    closed_days: frozenset[dt.date]
    opening_hours: dict | None = None  # queue/opening_hours.py

    def counters_serving(self, service_id: int) -> list[CounterInfo]:
        return [c for c in self.counters.values() if service_id in c.service_ids]


class Catalog:
    """Branch set-ups by branch id, each valid for one config_version."""

    def __init__(self) -> None:
        self._configs: dict[int, BranchConfig] = {}
        self._lock = threading.Lock()

    def get(self, conn: Connection | Session, branch_id: int, version: int) -> BranchConfig:
        config = self._configs.get(branch_id)
        if config is not None and config.version == version:
            return config
        config = load(conn, branch_id)
        with self._lock:
            current = self._configs.get(branch_id)
            if current is None or current.version <= config.version:
                self._configs[branch_id] = config
        return config

    def clear(self) -> None:
        with self._lock:
            self._configs.clear()


def load(conn: Connection | Session, branch_id: int) -> BranchConfig:
    b = conn.execute(select(Branch.code, Branch.timezone, Branch.config_version, Branch.opening_hours)
                     .where(Branch.id == branch_id)).one()
    services = {
        row.id: ServiceInfo(row.id, row.code, row.name_zh, row.name_en, row.wait_target_min, row.wait_warning_min,
                            row.default_service_s, bool(row.active), bool(row.staff_only))
        for row in conn.execute(
            select(Service.id, Service.code, Service.name_zh, Service.name_en, Service.wait_target_min,
                   Service.wait_warning_min, Service.default_service_s, Service.active, Service.staff_only)
            .where(Service.branch_id == branch_id).order_by(Service.code))
    }
    links: dict[int, list[int]] = {}
    for counter_id, service_id in conn.execute(
        select(CounterService.counter_id, CounterService.service_id)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.branch_id == branch_id).order_by(CounterService.counter_id, CounterService.rank)
    ):
        links.setdefault(counter_id, []).append(service_id)
    counters = {
        cid: CounterInfo(cid, number, tuple(links.get(cid, ())))
        for cid, number in conn.execute(select(Counter.id, Counter.number).where(Counter.branch_id == branch_id)
                                        .order_by(Counter.number))
    }
    closed = frozenset(conn.execute(select(DayClose.business_day).where(DayClose.branch_id == branch_id)).scalars())
    return BranchConfig(branch_id, b.code, b.timezone, b.config_version, services,
                        {s.code: s for s in services.values()}, counters,
                        {c.number: c for c in counters.values()}, closed, b.opening_hours or None)


# ---------------------------------------------------------------------------- version bumps
_COUNTER_CONFIG = {"number", "name", "branch_id", "service_links"}
_BRANCH_CONFIG = {"code", "name_zh", "name_en", "timezone", "opening_hours"}


def _changed(obj, names: set[str]) -> bool:
    insp = inspect(obj)
    return any(insp.attrs[name].history.has_changes() for name in names if name in insp.attrs)


def _branch_ids_touched(session: Session) -> set[int]:
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Service | DayClose):
            touched.add(obj.branch_id)
        elif isinstance(obj, Counter) and (obj in session.new or obj in session.deleted
                                           or _changed(obj, _COUNTER_CONFIG)):
            touched.add(obj.branch_id)
        elif isinstance(obj, CounterService) and obj.counter_id is not None:
            # (a link appended through Counter.service_links has no counter_id yet: its counter is dirty)
            touched.add(session.execute(select(Counter.branch_id).where(Counter.id == obj.counter_id)).scalar())
        elif isinstance(obj, Branch) and obj not in session.new and _changed(obj, _BRANCH_CONFIG):
            touched.add(obj.id)
    touched.discard(None)
    return touched


def bump_version(conn: Connection | Session, branch_id: int) -> None:
    conn.execute(update(Branch).where(Branch.id == branch_id).values(config_version=Branch.config_version + 1))


@event.listens_for(Session, "before_flush")
def _bump_on_setup_change(session: Session, _flush_context, _instances) -> None:
    for branch_id in sorted(_branch_ids_touched(session)):
        bump_version(session, branch_id)
