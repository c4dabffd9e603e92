"""The composition root: builds the hub's long-lived parts once and hands them to whoever needs them.

Clock, database (and so the unit-of-work factory), set-up cache, running service times, event bus,
engine, admin operations and queue snapshots are made here and injected; nothing else constructs
them (docs/architecture.md, "Layers and what each may import").
"""
from __future__ import annotations

from dataclasses import dataclass

from .auth import PrincipalCache
from .db import Database
from .events import EventBus
from .queue import QueueEngine
from .queue.catalog import Catalog
from .queue.clock import Clock, utc_now
from .queue.estimates import ServiceTimes
from .queue.queries import QueueSnapshots
from .queue.setup import SetupOperations
from .settings import Settings


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    bus: EventBus
    catalog: Catalog
    service_times: ServiceTimes
    engine: QueueEngine
    setup: SetupOperations
    snapshots: QueueSnapshots
    principals: PrincipalCache


def bootstrap(settings: Settings, *, clock: Clock = utc_now, db: Database | None = None) -> Services:
    db = db or Database(settings.database_url)
    bus = EventBus()
    catalog, service_times = Catalog(), ServiceTimes()
    engine = QueueEngine(db, publish=bus.publish, clock=clock, catalog=catalog, service_times=service_times)
    return Services(settings=settings, clock=clock, db=db, bus=bus, catalog=catalog, service_times=service_times,
                    engine=engine, setup=SetupOperations(engine.unit_of_work),
                    snapshots=QueueSnapshots(service_times), principals=PrincipalCache())
