"""CounterFlow device drivers: ESC/POS ticket printer and Modbus RTU counter devices.

Public API (see docs/devices.md):

    TicketPrinter, TicketContent, PrinterStatus           escpos_printer / ticket_layout
    ModbusBus, BusStats, open_bus                         modbus_bus
    LedDisplay, DisplayState, DisplayMode                 led_display / register_map
    SatisfactionPad, CallerKeypad, KeyEvent, KeypadAction satisfaction_pad / caller_keypad
    DeviceHealth, BusPoller                               modbus_device / bus_poller
    DriverError, DeviceNotResponding, DeviceReportedError, PrinterUnavailable, BadDeviceUrl
"""

from .bus_poller import BusPoller
from .caller_keypad import CallerKeypad
from .errors import (
    BadDeviceUrl,
    DeviceNotResponding,
    DeviceReportedError,
    DriverError,
    PrinterUnavailable,
)
from .escpos_printer import TicketPrinter
from .escpos_status import PrinterStatus
from .key_events import KeyEvent, KeypadAction
from .led_display import DisplayState, LedDisplay
from .modbus_bus import BusStats, ModbusBus, open_bus
from .modbus_device import DeviceHealth
from .register_map import DisplayMode
from .satisfaction_pad import SatisfactionPad
from .ticket_layout import TicketContent

__all__ = [
    "BadDeviceUrl",
    "BusPoller",
    "BusStats",
    "CallerKeypad",
    "DeviceHealth",
    "DeviceNotResponding",
    "DeviceReportedError",
    "DisplayMode",
    "DisplayState",
    "DriverError",
    "KeyEvent",
    "KeypadAction",
    "LedDisplay",
    "ModbusBus",
    "PrinterStatus",
    "PrinterUnavailable",
    "SatisfactionPad",
    "TicketContent",
    "TicketPrinter",
    "open_bus",
]
