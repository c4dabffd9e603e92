"""Parsing of device URLs (docs/architecture.md, "Devices"; docs/devices.md, "Device URLs").

    tcp://192.168.1.50:9100                   network printer (port defaults to 9100)
    serial:///dev/ttyUSB0?baud=19200          serial printer, or a Modbus RS-485 bus
    serial:///dev/ttyUSB0?baud=9600&unit=3    one Modbus device on that bus
    usb://04b8:0202                           USB printer by vendor:product id (hex)

Query options for serial: baud, bytesize (7|8), parity (N|E|O), stopbits (1|2), unit (1..247),
flow (none|rtscts|dsrdtr|xonxoff, printers only). A pty path such as /dev/pts/3 works like any tty.
`sim://...` URLs belong to the hub, which maps them to the address of a running simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from .errors import BadDeviceUrl

_FLOWS = ("none", "rtscts", "dsrdtr", "xonxoff")


@dataclass(frozen=True)
class TcpUrl:
    host: str
    port: int = 9100


@dataclass(frozen=True)
class SerialUrl:
    path: str
    baud: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: int = 1
    unit: int | None = None
    flow: str = "none"


@dataclass(frozen=True)
class UsbUrl:
    vendor_id: int
    product_id: int
    in_ep: int = 0x82
    out_ep: int = 0x01


def _one(query: dict[str, list[str]], key: str, default: str | None) -> str | None:
    values = query.get(key)
    if not values:
        return default
    if len(values) > 1:
        raise BadDeviceUrl(f"option {key!r} given more than once")
    return values[0]


def _int(query, key, default, lo, hi, base=10) -> int | None:
    raw = _one(query, key, None)
    if raw is None:
        return default
    try:
        value = int(raw, base)
    except ValueError:
        raise BadDeviceUrl(f"option {key}={raw!r} is not a number") from None
    if not lo <= value <= hi:
        raise BadDeviceUrl(f"option {key}={value} out of range {lo}..{hi}")
    return value


def parse_device_url(url: str, *, default_baud: int = 9600) -> TcpUrl | SerialUrl | UsbUrl:
    """Split a device URL into a typed description; raises `BadDeviceUrl`."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        if not parts.hostname:
            raise BadDeviceUrl(f"{url!r}: missing host")
        try:
            port = parts.port or 9100
        except ValueError:
            raise BadDeviceUrl(f"{url!r}: bad port") from None
        return TcpUrl(parts.hostname, port)
    if scheme == "serial":
        # serial:///dev/ttyUSB0 has an empty netloc; serial://COM3 (Windows) has no path.
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path:
            raise BadDeviceUrl(f"{url!r}: missing serial port path")
        parity = (_one(query, "parity", "N") or "N").upper()
        if parity not in ("N", "E", "O"):
            raise BadDeviceUrl(f"{url!r}: parity must be N, E or O")
        flow = (_one(query, "flow", "none") or "none").lower()
        if flow not in _FLOWS:
            raise BadDeviceUrl(f"{url!r}: flow must be one of {', '.join(_FLOWS)}")
        return SerialUrl(
            path=path,
            baud=_int(query, "baud", default_baud, 300, 4_000_000),
            bytesize=_int(query, "bytesize", 8, 7, 8),
            parity=parity,
            stopbits=_int(query, "stopbits", 1, 1, 2),
            unit=_int(query, "unit", None, 1, 247),
            flow=flow,
        )
    if scheme == "usb":
        ids = parts.netloc.split(":")
        if len(ids) != 2:
            raise BadDeviceUrl(f"{url!r}: expected usb://VID:PID in hex, e.g. usb://04b8:0202")
        try:
            vendor, product = (int(x, 16) for x in ids)
        except ValueError:
            raise BadDeviceUrl(f"{url!r}: vendor/product ids must be hex") from None
        return UsbUrl(
            vendor,
            product,
            in_ep=_int(query, "in_ep", 0x82, 0, 0xFF, base=0),
            out_ep=_int(query, "out_ep", 0x01, 0, 0xFF, base=0),
        )
    raise BadDeviceUrl(f"{url!r}: unsupported scheme {parts.scheme!r} (tcp, serial or usb)")
