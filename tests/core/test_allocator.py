"""Threading mode caps glibc's malloc arenas (server/allocator.py): threads that allocate at the same time
share the capped arenas instead of getting one each."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.live_hub import ROOT

# Eight threads build and drop bytes objects at once (large enough to come from malloc, not pymalloc),
# then malloc_info(3) tells how many arenas ("heaps") the process has.
PROGRAM = """
import ctypes, sys, tempfile, threading
from server.allocator import limit_arenas
if sys.argv[1] == "limit":
    assert limit_arenas(2)
start = threading.Barrier(8)
def work():
    start.wait()
    for _ in range(3000):
        [bytes(2048) for _ in range(20)]
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(open(out.name).read().count("<heap nr="))
"""


def arenas(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", PROGRAM, mode], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_threads_share_the_capped_arenas():
    assert arenas("free") > 2  # the default: threads allocating at once get arenas of their own
    assert arenas("limit") <= 2
