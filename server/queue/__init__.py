"""The queue domain: tickets, counters and the rules between them. No Flask, sockets or hardware.

Names are loaded on first use, so `server.models` can import `server.queue.states` without a cycle.
"""
from __future__ import annotations

import importlib

_EXPORTS = {"QueueEngine": ".engine", "DomainError": ".errors", "Actor": ".actors"}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
