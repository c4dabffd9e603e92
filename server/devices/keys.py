"""Key presses from pads and keypads, turned into queue-engine calls.

Pad: a rating (1-5) for the ticket completed last at the pad's counter (engine.rate). When the
pad says which ticket it was prompting for and a later ticket has been completed since, the
rating is dropped: it belongs to a customer who has left, not to the one now being rated.

Keypad: each key acts as the teller signed in at the keypad's counter (the engine records that
user); with nobody signed in the press is ignored and logged. `call_next` completes the current
ticket first, as a one-button keypad is used (the `complete` key exists for the other way).
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from ..models import COUNTER_PAUSED, DONE, Counter, Ticket, User
from ..queue.actors import Actor
from ..queue.errors import DomainError
from .directory import DeviceInfo

log = logging.getLogger(__name__)

KEYPAD_PAUSE_REASON = "暫停服務 (keypad)"


class KeyHandler:
    def __init__(self, db, engine):
        self.db, self.engine = db, engine
        self.stats = {"pad": 0, "keypad": 0, "ratings": 0, "actions": 0, "ignored": 0}

    def handle(self, device: DeviceInfo, report: dict) -> dict | None:
        """Act on one key report; returns what the engine returned, or None when ignored."""
        kind = report.get("kind")
        self.stats[kind] = self.stats.get(kind, 0) + 1
        if device.counter_id is None:
            return self._ignore(device, report, "device is not at a counter")
        try:
            if kind == "pad" and device.kind == "pad":
                return self._rate(device, report)
            if kind == "keypad" and device.kind == "keypad":
                return self._act(device, report)
        except DomainError as err:
            return self._ignore(device, report, f"{err.code}: {err.message}")
        return self._ignore(device, report, "key event does not match the device kind")

    def _ignore(self, device: DeviceInfo, report: dict, why: str) -> None:
        self.stats["ignored"] += 1
        log.info("key press ignored", extra={"device": device.name, "key": report.get("key"),
                                             "action": report.get("action"), "reason": why})
        return None

    def _rate(self, device: DeviceInfo, report: dict) -> dict | None:
        score = report.get("key")
        prompted = report.get("ticket")
        if prompted:
            with self.db.read() as session:
                last = session.execute(
                    select(Ticket.number).where(Ticket.counter_id == device.counter_id, Ticket.status == DONE)
                    .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(1)
                ).scalar_one_or_none()
            if last is not None and last != prompted:
                return self._ignore(device, report, f"rating for {prompted} came after {last} was completed")
        actor = Actor(kind="device", name=device.name, branch_id=device.branch_id)
        result = self.engine.rate(device.counter_id, int(score), actor, source=f"pad:{device.name}")
        self.stats["ratings"] += 1
        log.info("pad rating stored", extra={"device": device.name, "ticket": result["number"], "score": score})
        return result

    def _act(self, device: DeviceInfo, report: dict) -> dict | None:
        with self.db.read() as session:
            counter = session.get(Counter, device.counter_id)
            user = session.get(User, counter.staff_id) if counter and counter.staff_id else None
            paused = counter is not None and counter.state == COUNTER_PAUSED
        if user is None:
            return self._ignore(device, report, "nobody is signed in at this counter")
        actor = Actor(kind="user", name=user.username, user_id=user.id, role=user.role, branch_id=user.branch_id)
        action, cid, engine = report.get("action"), device.counter_id, self.engine
        if action == "call_next":
            result = engine.call_next(cid, actor, complete_current=True)
        elif action == "recall":
            result = engine.recall(cid, actor)
        elif action == "no_show":
            result = engine.no_show(cid, actor)
        elif action == "start":
            result = engine.start(cid, actor)
        elif action == "complete":
            result = engine.complete(cid, actor)
        elif action == "pause_resume":
            result = engine.resume(cid, actor) if paused else engine.pause(cid, actor, KEYPAD_PAUSE_REASON)
        else:
            return self._ignore(device, report, "unknown keypad action")
        self.stats["actions"] += 1
        log.info("keypad action", extra={"device": device.name, "action": action, "user": user.username})
        return result
