"""What the counter devices should do when the queue changes: domain events in, device commands out.

    ticket.called / ticket.recalled  -> the counter's LED display shows the number and blinks
    the called ticket leaves the counter (completed, no-show, requeued, transferred, cancelled)
                                     -> LED "ready": blank, or 暫停服務 kept while paused
    counter.paused                   -> LED shows 暫停服務 / PAUSED
    counter.resumed / opened / updated -> LED shows the current ticket, or blank when there is none
    counter.closed                   -> LED blank
    ticket.completed                 -> the counter's pad asks for a rating of that ticket
    any queue/counter change         -> the counter's keypad shows its current ticket and waiting count
"""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from ..models import COUNTER_CLOSED, COUNTER_PAUSED, WAITING, Counter, CounterService, Ticket
from ..queue.uow import DomainEvent
from .directory import Directory

# A called ticket that is no longer the counter's: the LED stops showing it.
LEFT_THE_COUNTER = ("ticket.completed", "ticket.no_show", "ticket.requeued", "ticket.transferred", "ticket.cancelled")
KEYPAD_EVENTS = ("queue.changed", "counter.opened", "counter.closed", "counter.paused", "counter.resumed")


def led(device_id: int, action: str, **args) -> dict:
    return {"op": "led", "device": device_id, "action": action, **args}


def commands_for(event: DomainEvent, directory: Directory) -> list[dict]:
    """Device commands for one committed domain event (no database access)."""
    data = event.data
    ticket = data.get("ticket") if isinstance(data.get("ticket"), dict) else None
    counter = data.get("counter") if isinstance(data.get("counter"), dict) else None
    name = event.name
    if name in ("ticket.called", "ticket.recalled") and ticket:
        return [led(d.id, "show", ticket=ticket["number"], counter=ticket.get("counter"), blink=3)
                for d in directory.at_counter(ticket.get("counter_id"), "led")]
    commands = []
    if name in LEFT_THE_COUNTER and ticket:
        # The number goes off the LED: a stale number sends the next customer to the wrong place.
        at = ticket.get("counter_id") or data.get("from_counter_id")
        commands = [led(d.id, "ready") for d in directory.at_counter(at, "led")] if at else []
    if name == "ticket.completed" and ticket:
        return commands + [{"op": "pad_prompt", "device": d.id, "ticket": ticket["number"]}
                           for d in directory.at_counter(ticket.get("counter_id"), "pad")]
    if commands or counter is None:
        return commands
    leds = directory.at_counter(counter.get("id"), "led")
    if name == "counter.paused":
        return [led(d.id, "pause") for d in leds]
    if name in ("counter.resumed", "counter.opened", "counter.updated"):
        current = counter.get("current_ticket")
        if current:
            return [led(d.id, "show", ticket=current["number"], counter=counter.get("number"), blink=0) for d in leds]
        return [led(d.id, "pause" if counter.get("state") == "paused" else "blank") for d in leds]
    if name == "counter.closed":
        return [led(d.id, "blank") for d in leds]
    return []


def wants_keypad_refresh(event: DomainEvent) -> bool:
    return event.name.startswith("ticket.") or event.name in KEYPAD_EVENTS


def keypad_commands(db, directory: Directory, branch_id: int) -> list[dict]:
    """What every keypad of the branch should show: its counter's current ticket and waiting count."""
    keypads = [d for d in directory.in_branch(branch_id, "keypad") if d.enabled and d.counter_id]
    if not keypads:
        return []
    commands = []
    with db.read() as session:
        for keypad in keypads:
            counter = session.get(Counter, keypad.counter_id)
            current = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
            services = select(CounterService.service_id).where(CounterService.counter_id == counter.id)
            waiting = session.execute(
                select(func.count()).select_from(Ticket).where(
                    Ticket.branch_id == counter.branch_id, Ticket.status == WAITING,
                    or_(Ticket.target_counter_id == counter.id,
                        and_(Ticket.target_counter_id.is_(None), Ticket.service_id.in_(services))))
            ).scalar_one()
            commands.append({"op": "keypad_show", "device": keypad.id, "current": current.number if current else None,
                             "waiting": int(waiting), "counter": counter.number})
    return commands


def startup_commands(db, directory: Directory, only: set[int] | None = None) -> list[dict]:
    """Bring every LED display in line with its counter (after a hub start or a device change);
    `only`: just these devices (a branch agent that reconnected)."""
    commands = []
    with db.read() as session:
        for device in directory.all():
            if device.kind != "led" or not device.enabled or not device.counter_id:
                continue
            if only is not None and device.id not in only:
                continue
            counter = session.get(Counter, device.counter_id)
            current = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
            if current is not None:
                commands.append(led(device.id, "show", ticket=current.number, counter=counter.number, blink=0))
            if counter.state == COUNTER_PAUSED:
                commands.append(led(device.id, "pause"))
            elif counter.state == COUNTER_CLOSED or current is None:
                commands.append(led(device.id, "blank"))
            else:  # open: out of a pause it may have been put in while its agent was cut off
                commands.append(led(device.id, "resume"))
    return commands
