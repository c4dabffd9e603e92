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
import threading

M_ARENA_MAX = -8  # mallopt parameter (glibc's malloc.h)
THREADED_ARENAS = 2
TRIM_EVERY_S = 60.0

log = logging.getLogger(__name__)


def _glibc_function(name: str):
    """A function of the C library, or None where there is no glibc (musl, macOS)."""
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        return None


def limit_arenas(count: int = THREADED_ARENAS) -> bool:
    """Cap glibc's malloc arenas for threads started from now on; False where there is no glibc
    (musl, macOS) or it refused. MALLOC_ARENA_MAX in the environment does the same at process start."""
    mallopt = _glibc_function("mallopt")
    if mallopt is None:
        return False
    done = mallopt(M_ARENA_MAX, count) == 1
    log.info("malloc arenas limited" if done else "malloc arenas not limited", extra={"arenas": count})
    return done


def trim_periodically(every_s: float = TRIM_EVERY_S, stop: threading.Event | None = None) -> threading.Thread | None:
    """Give the arenas' free pages back to the system every `every_s` (glibc's malloc_trim). With capped
    arenas the threading-mode hub still crept up ~0.5 KB per operation: freed memory in the middle of an
    arena stays mapped until trimmed. None where there is no glibc."""
    malloc_trim = _glibc_function("malloc_trim")
    if malloc_trim is None:
        return None
    stop = stop or threading.Event()

    def trim() -> None:
        while not stop.wait(every_s):
            malloc_trim(0)

    thread = threading.Thread(target=trim, name="malloc-trim", daemon=True)
    thread.start()
    return thread
