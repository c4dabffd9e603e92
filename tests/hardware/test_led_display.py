"""The LED counter display shows what the hub tells it, over real Modbus RTU frames."""

from __future__ import annotations

from drivers import DisplayMode, LedDisplay


def test_called_ticket_and_counter_show_and_blink(bus_sim, bus):
    display = LedDisplay(bus, 3)
    display.show("A001", counter=5)
    view = bus_sim.display(3)
    assert view.shown == "A001"
    assert view.counter == 5
    assert view.blinking
    assert bus_sim.function_codes[16] == 1  # one frame for the whole update


def test_led485_convention_register_0_is_the_number(bus_sim, bus):
    display = LedDisplay(bus, 3)
    display.show("B017", counter=2)
    display.show_number(42)
    assert bus_sim.function_codes[6] == 1  # FC06, register 0
    assert bus_sim.display(3).shown == "042"
    bus.write_register(3, 0, 7)  # what any LED-485 master would send
    assert bus_sim.display(3).shown == "007"


def test_number_register_also_carries_the_digits_of_a_text_ticket(bus_sim, bus):
    LedDisplay(bus, 3).show("C123")
    assert bus_sim.display(3).number == 123


def test_paused_counter_shows_paused_sign_until_resumed(bus_sim, bus):
    display = LedDisplay(bus, 3)
    display.show("A001", counter=5)
    display.pause()
    assert bus_sim.display(3).shown == "暫停服務 PAUSED"
    assert display.read_state().mode == DisplayMode.PAUSED
    display.resume()
    assert bus_sim.display(3).shown == "A001"


def test_closed_counter_display_is_blank(bus_sim, bus):
    display = LedDisplay(bus, 3)
    display.show("A001")
    display.blank()
    assert bus_sim.display(3).shown == ""


def test_blink_on_call_mode_blinks_whenever_the_ticket_changes(bus_sim, bus):
    display = LedDisplay(bus, 3)
    display.set_mode(DisplayMode.BLINK_ON_CALL)
    assert not bus_sim.display(3).blinking
    display.show_number(5)
    assert bus_sim.display(3).blinking


def test_state_reads_back_what_was_written(bus):
    display = LedDisplay(bus, 3)
    display.show("A001", counter=5, blink=0)
    state = display.read_state()
    assert (state.text, state.number, state.counter, state.mode, state.blink_remaining) == (
        "A001", 1, 5, DisplayMode.NORMAL, 0)


def test_healthy_display_is_online(bus):
    health = LedDisplay(bus, 3).health()
    assert health.state == "online"
    assert health.device_type == 1
    assert health.firmware == "1.2"
    assert LedDisplay(bus, 3).ping()


def test_unplugged_display_is_not_responding_and_back_when_replugged(bus_sim, bus):
    display = LedDisplay(bus, 3)
    bus_sim.set_fault(3, "unplugged")
    assert display.health().state == "not_responding"
    assert not display.ping()
    bus_sim.clear_fault(3)
    assert display.health().state == "online"


def test_display_reporting_a_hardware_fault_is_faulty(bus_sim, bus):
    bus_sim.device(3).hw_fault = True
    assert LedDisplay(bus, 3).health().state == "fault"


def test_wrong_device_at_the_configured_unit_is_a_fault(bus):
    health = LedDisplay(bus, 11).health()  # unit 11 is a pad
    assert health.state == "fault"
    assert "wrong device type" in health.detail


def test_restarted_display_is_reported_once_so_its_content_can_be_resent(bus_sim, bus):
    display = LedDisplay(bus, 3)
    display.show("A001")
    assert not display.health().restarted
    bus_sim.reboot(3)
    assert bus_sim.display(3).shown == "000"  # it lost the ticket
    assert display.health().restarted
    assert not display.health().restarted


def test_display_from_device_url(bus_sim):
    from drivers.modbus_bus import close_shared_buses

    try:
        display = LedDisplay.from_url(f"{bus_sim.url}&unit=3", timeout=0.15)
        display.show("A009", counter=1)
        assert bus_sim.display(3).shown == "A009"
    finally:
        close_shared_buses()
