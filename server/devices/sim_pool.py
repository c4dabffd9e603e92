"""In-process simulators behind `sim://` device URLs (settings.simulate_devices, `make run`).

    sim://printer/1            an ESC/POS printer simulator on TCP 127.0.0.1, a free port
    sim://bus/1?unit=3         unit 3 on Modbus bus simulator 1 (a pty); the device kind decides
                               whether the unit is an LED display, a pad or a keypad

A simulator starts the first time a URL names it, so the devices in the database decide what is
simulated. `resolve` returns the real URL the drivers open (tcp://127.0.0.1:PORT or
serial:///dev/pts/N?baud=9600&unit=3): the device manager never knows it is talking to a simulator.
"""
from __future__ import annotations

import logging
import threading

from hardware_sim.modbus_bus import ModbusBusSimulator
from hardware_sim.printer import PrinterSimulator

from .protocol import DeviceConfig
from .sim_urls import parse_sim_url

log = logging.getLogger(__name__)

SIM_KIND = {"led": "led_display", "pad": "pad", "keypad": "keypad"}


class SimulatorPool:
    def __init__(self) -> None:
        self.printers: dict[int, PrinterSimulator] = {}
        self.buses: dict[int, ModbusBusSimulator] = {}
        self._lock = threading.Lock()

    def resolve(self, config: DeviceConfig) -> str:
        """The device's real URL; starts its simulator when needed. Non-sim URLs pass through."""
        if not config.url.startswith("sim:"):
            return config.url
        what, number, unit = parse_sim_url(config.url)
        with self._lock:
            if what == "printer":
                if config.kind != "printer":
                    raise ValueError(f"{config.url!r} is a printer, not a {config.kind}")
                return self._printer(number, config.settings).url
            if config.kind not in SIM_KIND:
                raise ValueError(f"{config.url!r} is a bus device; a {config.kind} cannot live there")
            bus = self._bus(number)
            existing = bus.units.get(unit)
            if existing is None:
                bus.add_device(SIM_KIND[config.kind], unit)
            elif existing != SIM_KIND[config.kind]:
                raise ValueError(f"unit {unit} on simulated bus {number} is a {existing}, not a {config.kind}")
            return f"{bus.url}&unit={unit}"

    def _printer(self, number: int, settings: dict) -> PrinterSimulator:
        sim = self.printers.get(number)
        if sim is None:
            sim = PrinterSimulator(encoding=settings.get("encoding", "gb18030"),
                                   paper_mm=int(settings.get("paper_mm", 80)), seed=number).start()
            self.printers[number] = sim
            log.info("printer simulator started", extra={"sim": number, "url": sim.url})
        return sim

    def _bus(self, number: int) -> ModbusBusSimulator:
        sim = self.buses.get(number)
        if sim is None:
            sim = ModbusBusSimulator(seed=number).start()
            self.buses[number] = sim
            log.info("bus simulator started", extra={"sim": number, "url": sim.url})
        return sim

    def printer(self, number: int) -> PrinterSimulator | None:
        with self._lock:
            return self.printers.get(number)

    def bus(self, number: int) -> ModbusBusSimulator | None:
        with self._lock:
            return self.buses.get(number)

    def describe(self) -> dict:
        """What is running and what each simulated device shows (GET /api/v1/sim)."""
        with self._lock:
            printers, buses = dict(self.printers), dict(self.buses)
        out = {"printers": [], "buses": []}
        for number, sim in sorted(printers.items()):
            tickets = sim.tickets
            out["printers"].append({
                "number": number, "url": sim.url, "faults": {k: _plain(v) for k, v in sim.faults.items()},
                "printed": len(tickets), "not_printed": len(sim.discarded),
                "last_ticket": tickets[-1].text_lines if tickets else None,
            })
        for number, sim in sorted(buses.items()):
            units = []
            for unit, kind in sim.units.items():
                entry = {"unit": unit, "kind": kind, "faults": {k: _plain(v) for k, v in sim.faults(unit).items()}}
                if kind == "led_display":
                    view = sim.display(unit)
                    entry.update(shown=view.shown, counter=view.counter, mode=view.mode.name.lower(),
                                 blinking=view.blinking)
                units.append(entry)
            out["buses"].append({"number": number, "url": sim.url, "units": units})
        return out

    def stop(self) -> None:
        with self._lock:
            sims = [*self.printers.values(), *self.buses.values()]
            self.printers.clear()
            self.buses.clear()
        for sim in sims:
            sim.stop()


def _plain(value):
    return value if isinstance(value, (bool, int, float, str)) or value is None else str(value)
