"""Bounded soak (CI): the production server (`counterflow run`, gevent) with lobby displays listening and
churning while a teller issues and calls; the hub's memory may grow by at most BUDGET_BYTES_PER_OP per
operation once warm (bench/bench_soak.py is the long version; docs/architecture.md, "Long runs").

The leak of issue 17 was about 2,500 bytes per operation with 20 displays; the budget is well under it
and well over the noise of a flat hub (RSS moves in whole allocator chunks: NOISE_BYTES allowed once).
"""
from __future__ import annotations

import multiprocessing as mp
import statistics
import time

import pytest

from bench.bench_soak import Teller, display_worker, process_figures
from tests.support.live_hub import LiveHub

BUDGET_BYTES_PER_OP = 1024
NOISE_BYTES = 256 * 1024  # a flat hub's RSS still steps by an allocator chunk now and then
DISPLAYS = 20
WARM_UP_OPS = 150  # the first tickets fill caches and pools that then stay
TARGET_OPS, MEASURE_MAX_S = 600, 40.0  # measure this many operations, or for this long on a busy machine
MIN_OPS = 150  # fewer than this cannot tell a leak like issue 17's (2.5 KB an operation) from the noise


@pytest.mark.slow
def test_hub_memory_per_operation_stays_within_budget_with_displays_churning(tmp_path):
    with LiveHub(f"sqlite:///{tmp_path / 'soak.db'}", log_path=tmp_path / "hub.log") as hub:
        ws_url = hub.base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        stop, results = mp.Event(), mp.Queue()
        worker = mp.Process(target=display_worker, args=(ws_url, DISPLAYS, 4, 5.0, stop, results), daemon=True)
        worker.start()
        teller = Teller(hub.base_url, hub.token("teller1"))
        for _ in range(WARM_UP_OPS):
            teller.operation()
        before = _rss(hub.proc.pid)
        start_ops, end = teller.ops, time.monotonic() + MEASURE_MAX_S
        while time.monotonic() < end and teller.ops - start_ops < TARGET_OPS:
            teller.operation()
        after = _rss(hub.proc.pid)
        ops = teller.ops - start_ops
        stop.set()
        shown = results.get(timeout=60)
        worker.join(timeout=10)
    assert ops >= MIN_OPS, f"only {ops} operations in {MEASURE_MAX_S} s: the machine is too busy to measure"
    assert shown["messages"] > ops  # the displays really were listening (and churning: closes below)
    assert len(shown["closes"]) >= DISPLAYS
    growth = after - before
    print(f"soak: {ops} operations, RSS {before / 2**20:.1f} -> {after / 2**20:.1f} MiB, "
          f"{growth / ops:+.0f} bytes per operation (budget {BUDGET_BYTES_PER_OP})")
    assert growth <= BUDGET_BYTES_PER_OP * ops + NOISE_BYTES, (
        f"hub RSS grew {growth / 1024:.0f} KiB over {ops} operations ({growth / ops:.0f} bytes per operation, "
        f"budget {BUDGET_BYTES_PER_OP})")


def _rss(pid: int) -> int:
    """The median of a few readings, a moment apart: one reading can catch a passing peak."""
    readings = []
    for _ in range(5):
        readings.append(process_figures(pid)["rss"])
        time.sleep(0.1)
    return int(statistics.median(readings))
