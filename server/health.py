"""`/readyz`: may a load balancer send this process requests? (docs/deployment.md, "Monitoring")

`/healthz` says the process answers; `/readyz` also checks that the database answers, that its schema
is at the revision this code was written for (a hub started before `counterflow migrate` finished is
not ready), and that the device manager runs when this process is meant to run it.
"""
from __future__ import annotations

from flask import Flask, jsonify

from . import migrate
from .outage import is_database_unavailable, summary


class Readiness:
    def __init__(self, hub):
        self.hub = hub
        self._heads = migrate.heads()  # read from the scripts once: they do not change under a running hub

    def checks(self) -> dict[str, dict]:
        checks = {"database": {"ok": True}, "migrations": {"ok": False}, "device_manager": self._devices()}
        try:
            with self.hub.db.read() as session:
                current = migrate.database_revisions(session.connection())
        except Exception as err:  # noqa: BLE001 - any failure to read means not ready; the reason is in the answer
            checks["database"] = {"ok": False, "error": summary(err)}
            checks["migrations"] = {"ok": False, "error": "database not reachable"}
            if is_database_unavailable(err):
                self.hub.outage.refused(err, "/readyz")
            return checks
        checks["migrations"] = {"ok": current == self._heads, "current": sorted(current), "head": sorted(self._heads)}
        if current != self._heads:
            checks["migrations"]["error"] = "run `counterflow migrate`"
        return checks

    def _devices(self) -> dict:
        service = self.hub.devices
        if not self.hub.settings.device_manager:
            return {"ok": True, "state": "disabled"}  # another process drives the devices (docs/deployment.md)
        if service is None or not service.running:
            return {"ok": False, "state": "not running"}
        if not (service.manager.alive and service.bridge.alive):
            return {"ok": False, "state": "stopped"}
        return {"ok": True, "state": "running"}

    def install(self, app: Flask) -> None:
        @app.get("/readyz")
        def readyz():
            checks = self.checks()
            failed = sorted(name for name, check in checks.items() if not check["ok"])
            response = jsonify(status="not_ready" if failed else "ready", failed=failed, checks=checks)
            response.status_code = 503 if failed else 200
            return response
