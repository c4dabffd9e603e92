"""`make run` (counterflow run --demo --simulate-devices): every simulated device comes up online, and
the fault-injection endpoints the browser tests use work on the running hub."""
from __future__ import annotations

import requests

from tests.core.devices.device_helpers import eventually
from tests.support.live_hub import LiveHub


def test_make_run_shows_every_simulated_device_online(database_url, tmp_path):
    log = tmp_path / "hub.log"
    env = {"COUNTERFLOW_DEVICE_POLL_INTERVAL_S": "0.3", "COUNTERFLOW_DEVICE_BACKOFF_MAX_S": "1"}
    with LiveHub(database_url, extra_args=["--simulate-devices"], env=env, log_path=log) as hub:
        listed = [line for line in eventually(lambda: log.read_text(errors="replace"), what="hub output")
                  .splitlines() if line.startswith("    demo/")]
        assert len(listed) == 10 and all(" online " in line for line in listed), listed

        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {hub.token('admin')}"
        api = f"{hub.base_url}/api/v1"

        def printer():
            devices = session.get(f"{api}/devices?branch=demo", timeout=5).json()["devices"]
            return next(d for d in devices if d["name"] == "printer-1")

        assert session.post(f"{api}/sim/printer/1/fault", json={"fault": "cover_open"}, timeout=5).ok
        eventually(lambda: printer()["state"] == "fault", what="printer fault through the live hub")
        faults = session.get(f"{api}/faults?branch=demo&open=1", timeout=5).json()["faults"]
        assert [f["code"] for f in faults] == ["cover_open"]
        assert session.post(f"{api}/sim/printer/1/fault", json={"fault": "cover_open", "on": False}, timeout=5).ok
        eventually(lambda: printer()["state"] == "online", what="printer back")

        pressed = session.post(f"{api}/sim/bus/1/press", json={"unit": 201, "key": "call_next"}, timeout=5)
        assert pressed.status_code == 200 and pressed.json()["seq"] == 1
