"""LED counter display on the Modbus bus (register map: drivers/register_map.py).

    display = LedDisplay(bus, unit=3)
    display.show("A001", counter=5)     # one FC16 write: number, counter, mode, blink, text
    display.pause()                     # shows 暫停服務 / PAUSED
    display.show_number(12)             # plain LED-485 convention: FC06 register 0
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import register_map as rm
from .modbus_device import ModbusDevice
from .register_map import DisplayMode


@dataclass(frozen=True)
class DisplayState:
    number: int
    counter: int
    mode: DisplayMode
    blink_remaining: int
    text: str


def number_part(ticket: str) -> int:
    """The trailing digits of a ticket ("A012" -> 12), for displays that only show NUMBER."""
    match = re.search(r"(\d+)\D*$", ticket)
    return int(match.group(1)) % 0x10000 if match else 0


class LedDisplay(ModbusDevice):
    device_type = rm.DeviceType.LED_DISPLAY
    kind = "led_display"

    def show(self, ticket: str, counter: int | None = None, *, blink: int = 3) -> None:
        """Show a ticket (e.g. "A001") and counter number, blink `blink` times; leaves pause."""
        values = [number_part(ticket), counter or 0, DisplayMode.NORMAL, blink]
        self.bus.write_registers(self.unit, rm.REG_NUMBER, values + rm.encode_text(ticket))

    def show_number(self, number: int) -> None:
        """LED-485 convention: FC06 register 0 = number (clears any text)."""
        self.bus.write_register(self.unit, rm.REG_NUMBER, number)

    def pause(self) -> None:
        """Show the device's built-in 暫停服務 / PAUSED sign."""
        self.set_mode(DisplayMode.PAUSED)

    def resume(self) -> None:
        self.set_mode(DisplayMode.NORMAL)

    def blank(self) -> None:
        self.set_mode(DisplayMode.BLANK)

    def set_mode(self, mode: DisplayMode) -> None:
        self.bus.write_register(self.unit, rm.REG_MODE, int(mode))

    def blink(self, times: int = 3) -> None:
        self.bus.write_register(self.unit, rm.REG_BLINK, times)

    def read_state(self) -> DisplayState:
        regs = self.bus.read_registers(self.unit, rm.REG_NUMBER, rm.REG_TEXT + rm.TEXT_REGS)
        return DisplayState(
            number=regs[rm.REG_NUMBER],
            counter=regs[rm.REG_COUNTER],
            mode=DisplayMode(regs[rm.REG_MODE]),
            blink_remaining=regs[rm.REG_BLINK],
            text=rm.decode_text(regs[rm.REG_TEXT:]),
        )
