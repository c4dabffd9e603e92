"""Device URLs (docs/architecture.md, "Devices") parse into what the transports need."""

from __future__ import annotations

import pytest

from drivers import BadDeviceUrl, TicketPrinter
from drivers.urls import SerialUrl, TcpUrl, UsbUrl, parse_device_url


def test_network_printer_url_defaults_to_port_9100():
    assert parse_device_url("tcp://192.168.1.50") == TcpUrl("192.168.1.50", 9100)
    assert parse_device_url("tcp://printer.local:9101") == TcpUrl("printer.local", 9101)


def test_serial_url_with_baud_and_unit():
    spec = parse_device_url("serial:///dev/ttyUSB0?baud=9600&unit=3")
    assert spec == SerialUrl("/dev/ttyUSB0", baud=9600, unit=3)
    assert parse_device_url("serial://COM3?baud=19200").path == "COM3"
    assert parse_device_url("serial:///dev/pts/4?parity=e&stopbits=2").parity == "E"


def test_usb_url_is_hex_vendor_and_product():
    assert parse_device_url("usb://04b8:0202") == UsbUrl(0x04B8, 0x0202)


@pytest.mark.parametrize(
    "url",
    ["ftp://x", "tcp://", "serial://", "serial:///dev/ttyUSB0?baud=fast",
     "serial:///dev/ttyUSB0?unit=300", "serial:///dev/ttyUSB0?parity=X", "usb://04b8",
     "usb://zz:01", "serial:///dev/ttyUSB0?baud=1&baud=2"],
)
def test_malformed_urls_are_refused_with_a_clear_error(url):
    with pytest.raises(BadDeviceUrl):
        parse_device_url(url)


def test_printer_from_a_bad_url_fails_at_once_not_at_first_ticket():
    with pytest.raises(BadDeviceUrl):
        TicketPrinter.from_url("lpt://1")


def test_printer_settings_are_checked():
    with pytest.raises(ValueError):
        TicketPrinter.from_url("tcp://127.0.0.1:9", paper_mm=76)
    with pytest.raises(ValueError):
        TicketPrinter.from_url("tcp://127.0.0.1:9", encoding="utf-8")
