"""The closing round's device step: what is still switched on and signed in, and sending every device
of the branch to its idle state in one step (LEDs blank, keypads cleared, printers asked for their
status and left idle) through the device manager, as the seed's closing routine asks before the hall
is locked (docs/architecture.md, "Rounds")."""
from __future__ import annotations

import time

from sqlalchemy import or_, select

from ..models import ApiToken, Counter, Device, User
from ..queue.actors import Actor
from ..queue.repository import branch_by_code
from .protocol import WORKING_STATES

IDLE_TIMEOUT_S = 6.0


def idle_command(device: Device) -> dict | None:
    """The command that leaves a device idle; None for a pad, which is idle whenever it is not asked
    for a rating."""
    if device.kind == "led":
        return {"op": "led", "device": device.id, "action": "blank"}
    if device.kind == "keypad":
        return {"op": "keypad_show", "device": device.id, "current": None, "waiting": 0, "counter": None}
    if device.kind == "printer":
        return {"op": "self_test", "device": device.id, "test_page": False}
    return None


class ClosingDesk:
    def __init__(self, *, db, clock, send):
        self.db, self.clock, self.send = db, clock, send

    def status(self, branch_code: str) -> dict:
        """Devices still online and staff still signed in (a live sign-in, and the counter they hold)."""
        now = self.clock()
        with self.db.read() as session:
            branch = branch_by_code(session, branch_code)
            devices = session.execute(select(Device).where(Device.branch_id == branch.id, Device.enabled.is_(True),
                                                           Device.state.in_(WORKING_STATES))
                                      .order_by(Device.kind, Device.name)).scalars().all()
            at_counter = dict(session.execute(select(Counter.staff_id, Counter.number).where(
                Counter.branch_id == branch.id, Counter.staff_id.is_not(None))).all())
            users = session.execute(
                select(User).join(ApiToken, ApiToken.user_id == User.id)
                .where(User.branch_id == branch.id, ApiToken.revoked_at.is_(None),
                       or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))
                .distinct().order_by(User.username)).scalars().all()
            staff_ids = {u.id for u in users} | set(at_counter)
            missing = staff_ids - {u.id for u in users}
            if missing:  # holding a counter without a live sign-in still counts as signed in there
                users += session.execute(select(User).where(User.id.in_(missing))).scalars().all()
            return {
                "branch": branch_code,
                "devices_online": [{"id": d.id, "name": d.name, "kind": d.kind, "state": d.state} for d in devices],
                "staff_signed_in": [{"username": u.username, "name": u.display_name or u.username, "role": u.role,
                                     "counter": at_counter.get(u.id)} for u in users],
            }

    def to_idle(self, branch_code: str, actor: Actor) -> dict:
        with self.db.read() as session:
            branch = branch_by_code(session, branch_code)
            devices = session.execute(select(Device).where(Device.branch_id == branch.id, Device.enabled.is_(True))
                                      .order_by(Device.kind, Device.name)).scalars().all()
            commands = [(d.id, d.name, d.kind, idle_command(d)) for d in devices]
        # All at once, as the opening check: the step takes as long as the slowest device.
        pending = {device_id: self.send(command) for device_id, _, _, command in commands if command}
        deadline = time.monotonic() + IDLE_TIMEOUT_S
        results = []
        for device_id, name, kind, command in commands:
            item = {"id": device_id, "name": name, "kind": kind}
            if command is None:
                item.update(ok=True, detail="idle")
            else:
                reply = pending[device_id].wait(max(0.0, deadline - time.monotonic()))
                if reply is None:
                    item.update(ok=False, detail=f"no answer within {IDLE_TIMEOUT_S:g} s")
                else:
                    item.update(ok=bool(reply.get("ok")), detail=reply.get("error") or reply.get("state") or "idle")
            results.append(item)
        return {"branch": branch_code, "by": actor.label, "ok": all(r["ok"] for r in results), "devices": results}
