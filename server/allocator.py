"""Fewer malloc arenas for a hub that serves with OS threads (docs/architecture.md, "Long runs").

glibc gives threads their own malloc arenas (up to 8 per core). In threading mode a websocket holds two
OS threads, so the messages for the screens are built and freed across many arenas, each keeping its
freed pages: the hub's RSS then climbs by ~2.4 KB per operation with 20 displays while the memory in use
stays flat (issue 17). Two arenas keep the lock contention low and the freed memory reused.
Under gevent everything runs in one OS thread and one arena: nothing to do.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging

M_ARENA_MAX = -8  # mallopt parameter (glibc's malloc.h)
THREADED_ARENAS = 2

log = logging.getLogger(__name__)


def limit_arenas(count: int = THREADED_ARENAS) -> bool:
    """Cap glibc's malloc arenas for threads started from now on; False where there is no glibc
    (musl, macOS) or it refused. MALLOC_ARENA_MAX in the environment does the same at process start."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:
        return False
    done = mallopt(M_ARENA_MAX, count) == 1
    log.info("malloc arenas limited" if done else "malloc arenas not limited", extra={"arenas": count})
    return done
