"""Simulators of every CounterFlow device, speaking the real bytes over TCP or a pty.

    PrinterSimulator     ESC/POS ticket printer (TCP or pty), renders tickets, answers DLE EOT
    ModbusBusSimulator   Modbus RTU bus on a pty with LED displays, pads and keypads
    cli.main(argv)       both, standalone, with a line protocol to press keys / inject faults
"""

from .escpos_parser import EscPosParser, RenderedLine, RenderedTicket
from .modbus_bus import ModbusBusSimulator
from .printer import PrinterSimulator

__all__ = [
    "EscPosParser",
    "ModbusBusSimulator",
    "PrinterSimulator",
    "RenderedLine",
    "RenderedTicket",
]
