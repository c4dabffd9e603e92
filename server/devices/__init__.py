"""The device layer: ticket printers, LED counter displays, satisfaction pads, caller keypads.

    manager.py  (+ worker, printer_worker, bus_worker, health, protocol)
                the device manager: commands in, reports out, one thread per printer and per
                bus; knows nothing of the database (it could run in a `counterflow agent`)
    bridge.py   (+ states, faults, keys, reactions, directory)
                the hub side: reports -> database rows and `device.*` events, domain events ->
                device commands
    printing.py the Hub.ticket_hooks hook that prints issued tickets (with backup printers)
    opening.py  opening check and opening record (開業登記)
    registry.py the device table (API and CLI); sim_pool.py simulators for sim:// URLs
    service.py  DeviceService, all of the above as hub.devices

docs/device-manager.md describes the settings, events and API.
"""
from .service import DeviceService

__all__ = ["DeviceService"]
