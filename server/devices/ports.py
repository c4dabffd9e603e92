"""`counterflow ports`: the serial ports and USB printers this machine can see, with their device URLs."""
from __future__ import annotations

USB_PRINTER_CLASS = 7


def serial_ports() -> list[dict]:
    from serial.tools import list_ports

    return [{"device": p.device, "description": p.description or "", "hwid": p.hwid or "",
             "url": f"serial://{p.device}?baud=9600"} for p in sorted(list_ports.comports(), key=lambda p: p.device)]


def usb_printers() -> tuple[list[dict], str | None]:
    """(printers, problem): problem says why USB could not be searched (no backend), else None."""
    try:
        import usb.core
    except ImportError:
        return [], "pyusb is not installed"
    try:
        devices = list(usb.core.find(find_all=True))
    except usb.core.NoBackendError:
        return [], "no USB backend: install libusb (Debian: apt install libusb-1.0-0)"
    except usb.core.USBError as exc:
        return [], f"USB not readable: {exc}"
    found = []
    for dev in devices:
        if not _is_printer(dev):
            continue
        ident = f"{dev.idVendor:04x}:{dev.idProduct:04x}"
        found.append({"id": ident, "bus": dev.bus, "address": dev.address, "name": _name(dev),
                      "url": f"usb://{ident}"})
    return found, None


def _is_printer(dev) -> bool:
    if dev.bDeviceClass == USB_PRINTER_CLASS:
        return True
    try:
        return any(intf.bInterfaceClass == USB_PRINTER_CLASS for cfg in dev for intf in cfg)
    except Exception:  # noqa: BLE001 - a device we may not read is simply not listed as a printer
        return False


def _name(dev) -> str:
    try:
        return " ".join(x for x in (dev.manufacturer, dev.product) if x)
    except Exception:  # noqa: BLE001 - reading strings needs permissions; the ids are enough
        return ""


def describe() -> str:
    lines = ["Serial ports:"]
    ports = serial_ports()
    lines += [f"  {p['device']:<20} {p['description']:<40} {p['url']}" for p in ports] or ["  none found"]
    printers, problem = usb_printers()
    lines.append("USB printers:")
    if problem:
        lines.append(f"  cannot search: {problem}")
    else:
        lines += [f"  {p['id']}  {p['name'] or '(no name readable)':<40} {p['url']}" for p in printers] \
            or ["  none found"]
    return "\n".join(lines)
