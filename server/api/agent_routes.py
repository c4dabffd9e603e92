"""Branch agents (`counterflow agent`) as the supervisor panel shows them: online, version, last seen,
devices. What an agent is and how it links to the hub: server/devices/agent_hub.py."""
from __future__ import annotations

from flask import jsonify

from .core import hub, route
from .device_routes import _branch_id


@route("/branches/<code>/agents", summary="The branch's device agents: online, version, last seen, devices "
       "(as this hub process sees them)", capability="may_read_staff_data", tag="devices")
def branch_agents(code: str):
    return jsonify(agents=hub().devices.agents.agents(_branch_id(code)))
