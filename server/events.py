"""In-process event bus: the engine publishes committed events, subscribers react.

Subscribers run on the publishing thread, in order; one failing subscriber is logged and does not
stop the others or undo the (already committed) change.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .queue.uow import DomainEvent

log = logging.getLogger(__name__)
Subscriber = Callable[[DomainEvent], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.remove(subscriber)

    def publish(self, events: list[DomainEvent]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for event in events:
            for subscriber in subscribers:
                try:
                    subscriber(event)
                except Exception:  # noqa: BLE001 - a subscriber must never break the publisher
                    log.exception("event subscriber failed", extra={"event": event.name})
