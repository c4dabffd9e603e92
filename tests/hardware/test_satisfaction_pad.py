"""A rating pressed on the pad reaches the hub exactly once, whatever happens on the wire."""

from __future__ import annotations

import pytest

from drivers import DeviceNotResponding, SatisfactionPad


def test_prompt_shows_the_ticket_and_a_press_is_one_rating(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    token = pad.prompt("A001")
    assert bus_sim.device(11).prompt == (token, "A001")

    bus_sim.press(11, 5)

    [event] = pad.poll()
    assert (event.unit, event.rating, event.ticket, event.kind) == (11, 5, "A001", "pad")
    assert pad.poll() == []
    assert bus_sim.device(11).prompt[0] == 0  # the pad went back to idle by itself


def test_clear_prompt_puts_the_pad_back_to_idle(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    pad.prompt("A001")
    pad.clear_prompt()
    assert pad.read_prompt()[0] == 0


def test_lost_answer_is_retried_and_the_press_counts_once(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    pad.prompt("A002")
    bus_sim.press(11, 4)
    bus_sim.lose_answers(11, [False, True])  # the header arrives, the event block is lost

    events = pad.poll()

    assert [(e.rating, e.ticket) for e in events] == [(4, "A002")]
    assert bus.stats.timeouts == 1 and bus.stats.retries == 1
    assert pad.poll() == []


def test_poll_that_failed_is_asked_again_and_never_double_counts(bus_sim, make_bus):
    pad = SatisfactionPad(make_bus(bus_sim, retries=0), 11)
    pad.prompt("A003")
    bus_sim.press(11, 2)
    bus_sim.lose_answers(11, [False, True])
    with pytest.raises(DeviceNotResponding):
        pad.poll()

    assert [e.rating for e in pad.poll()] == [2]
    assert pad.poll() == []
    assert pad.poll() == []


def test_garbled_answers_never_become_ratings_and_are_counted(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    pad.prompt("A004")
    bus_sim.set_fault(11, "garbled")
    for _ in range(5):
        with pytest.raises(DeviceNotResponding):
            pad.poll()
    assert bus.stats.crc_errors == 10  # 5 polls, each tried twice
    bus_sim.clear_fault(11)
    assert pad.poll() == []  # nothing was pressed: nothing appears

    bus_sim.press(11, 3)
    bus_sim.set_fault(11, "garbled")
    with pytest.raises(DeviceNotResponding):
        pad.poll()
    bus_sim.clear_fault(11)
    assert [e.rating for e in pad.poll()] == [3]


def test_sequence_wraps_from_65535_to_0_without_losing_or_repeating(bus_sim, bus):
    bus_sim.device(11).set_seq(65533)
    pad = SatisfactionPad(bus, 11)
    pad.prompt("A005")
    seen = []
    for key in (1, 2, 3):
        bus_sim.press(11, key)
        seen += pad.poll()
    bus_sim.press(11, 4)
    bus_sim.press(11, 5)
    seen += pad.poll()
    assert [(e.seq, e.rating) for e in seen] == [(65534, 1), (65535, 2), (0, 3), (1, 4), (2, 5)]
    assert pad.poll() == []


def test_more_presses_than_the_ring_holds_are_reported_as_lost(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    pad.prompt("A006")
    for _ in range(10):
        bus_sim.press(11, 3)
    events = pad.poll()
    assert [e.seq for e in events] == list(range(3, 11))
    assert pad.events_lost == 2


def test_ratings_after_a_pad_restart_are_not_ignored(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    pad.prompt("A007")
    for _ in range(5):
        bus_sim.press(11, 5)
    assert len(pad.poll()) == 5
    bus_sim.reboot(11)  # counts from 0 again
    bus_sim.press(11, 1)
    bus_sim.press(11, 2)
    assert [(e.seq, e.rating) for e in pad.poll()] == [(1, 1), (2, 2)]


def test_rating_without_a_prompt_has_no_ticket(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    pad.poll()  # first contact
    bus_sim.press(11, 5)
    [event] = pad.poll()
    assert event.ticket is None and event.rating == 5


def test_presses_from_before_the_driver_started_are_not_reported(bus_sim, bus):
    bus_sim.press(11, 1)  # e.g. during a previous run of the hub
    pad = SatisfactionPad(bus, 11)
    assert pad.poll() == []
    bus_sim.press(11, 4)
    assert [e.rating for e in pad.poll()] == [4]


def test_the_pad_is_only_written_inside_its_register_map(bus_sim, bus):
    """Registers 1..3 are not in the pad's map: a strict pad refuses them with exception 02."""
    from drivers import DeviceReportedError

    with pytest.raises(DeviceReportedError):
        bus.write_registers(11, 0, [1, 0, 0, 0])  # the old single-frame prompt: refused by the device
    assert bus.stats.exceptions == 1

    pad = SatisfactionPad(bus, 11)
    token = pad.prompt("B012")

    assert pad.read_prompt() == (token, "B012")
    assert bus_sim.device(11).prompt == (token, "B012")
    assert bus.stats.exceptions == 1  # the driver's own frames were all accepted
