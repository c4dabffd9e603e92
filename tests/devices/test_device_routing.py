"""Which printer prints a ticket, and what a counter's devices are told when the queue changes."""
from __future__ import annotations

import pytest

from server.devices.directory import Directory, DeviceInfo
from server.devices.printing import choose_printers
from server.devices.reactions import commands_for
from server.devices.sim_urls import parse_sim_url
from server.queue.actors import Actor
from server.queue.uow import DomainEvent

KIOSK = Actor(kind="device", name="kiosk-east")
GUIDE = Actor(kind="user", name="guide", role="guide")


def info(device_id, kind, name, *, counter=None, kiosk=None, branch="demo", enabled=True, **settings) -> DeviceInfo:
    return DeviceInfo(id=device_id, branch_id=1 if branch == "demo" else 2, branch_code=branch, branch_name="示範",
                      timezone="Asia/Taipei", kind=kind, name=name, url="sim://x", counter_id=counter,
                      counter_number=counter, kiosk=kiosk, enabled=enabled, settings=settings)


def directory(*devices: DeviceInfo) -> Directory:
    d = Directory()
    d._devices = {device.id: device for device in devices}
    return d


def names(printers) -> list[str]:
    return [p.name for p in printers]


def test_a_kiosk_prints_on_its_own_printer_then_its_backup():
    d = directory(info(1, "printer", "east", kiosk="kiosk-east"), info(2, "printer", "west", kiosk="kiosk-west"),
                  info(3, "printer", "spare", backup_for="kiosk-east"), info(4, "printer", "other", branch="north",
                                                                             kiosk="kiosk-east"))
    assert names(choose_printers(d, "demo", KIOSK)) == ["east", "spare"]
    assert names(choose_printers(d, "demo", Actor(kind="device", name="kiosk-west"))) == ["west"]
    assert names(choose_printers(d, "demo", Actor(kind="device", name="kiosk-new"))) == []


def test_staff_tickets_print_on_the_default_else_the_only_printer():
    with_default = directory(info(1, "printer", "a", kiosk="kiosk-east"), info(2, "printer", "desk", default=True),
                             info(3, "printer", "b", backup_for=["desk", "a"]))
    assert names(choose_printers(with_default, "demo", GUIDE)) == ["desk", "b"]
    only = directory(info(1, "printer", "a"), info(2, "printer", "spare", backup_for="*"))
    assert names(choose_printers(only, "demo", GUIDE)) == ["a", "spare"]
    two = directory(info(1, "printer", "a"), info(2, "printer", "b"))
    assert names(choose_printers(two, "demo", GUIDE)) == []


def test_a_disabled_printer_is_never_chosen_nor_counted():
    # The only enabled printer is the branch's only printer, whatever disabled ones exist.
    d = directory(info(1, "printer", "a"), info(2, "printer", "old", enabled=False),
                  info(3, "printer", "spare", backup_for="*", enabled=False))
    assert names(choose_printers(d, "demo", GUIDE)) == ["a"]
    kiosk_off = directory(info(1, "printer", "east", kiosk="kiosk-east", enabled=False),
                          info(2, "printer", "spare", backup_for="kiosk-east"))
    assert names(choose_printers(kiosk_off, "demo", KIOSK)) == ["spare"]


def event(name, **data) -> DomainEvent:
    return DomainEvent(name, 1, data, seq=1, branch_code="demo")


def test_counter_devices_follow_the_queue():
    d = directory(info(1, "led", "led-5", counter=5), info(2, "pad", "pad-5", counter=5),
                  info(3, "led", "led-6", counter=6))
    ticket = {"number": "A012", "counter": 5, "counter_id": 5}
    assert commands_for(event("ticket.called", ticket=ticket), d) == [
        {"op": "led", "device": 1, "action": "show", "ticket": "A012", "counter": 5, "blink": 3}]
    # The customer left: the LED goes ready (blank, or paused kept) and the pad asks for a rating.
    assert commands_for(event("ticket.completed", ticket=ticket), d) == [
        {"op": "led", "device": 1, "action": "ready"}, {"op": "pad_prompt", "device": 2, "ticket": "A012"}]
    requeued = dict(ticket, counter=None, counter_id=None)  # a requeued ticket no longer names its counter
    assert commands_for(event("ticket.requeued", ticket=requeued, from_counter_id=5), d) == [
        {"op": "led", "device": 1, "action": "ready"}]
    counter = {"id": 5, "number": 5, "state": "open", "current_ticket": None}
    assert [c["action"] for c in commands_for(event("counter.paused", counter=counter), d)] == ["pause"]
    assert [c["action"] for c in commands_for(event("counter.resumed", counter=counter), d)] == ["blank"]
    resumed = commands_for(event("counter.resumed", counter=dict(counter, current_ticket=ticket)), d)
    assert resumed == [{"op": "led", "device": 1, "action": "show", "ticket": "A012", "counter": 5, "blink": 0}]
    assert [c["action"] for c in commands_for(event("counter.closed", counter=counter), d)] == ["blank"]
    assert commands_for(event("queue.changed", services=[1]), d) == []


@pytest.mark.parametrize(("url", "parsed"), [("sim://printer/1", ("printer", 1, None)),
                                             ("sim://bus/2?unit=101", ("bus", 2, 101))])
def test_sim_urls(url, parsed):
    assert parse_sim_url(url) == parsed


@pytest.mark.parametrize("url", ["sim://bus/1", "sim://bus/1?unit=300", "sim://fax/1", "sim://printer/x"])
def test_bad_sim_urls(url):
    with pytest.raises(ValueError):
        parse_sim_url(url)
