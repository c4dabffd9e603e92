"""The three python-escpos transports, each taught to read a status answer within a deadline.

python-escpos's own `_read()` blocks for the transport's full timeout and returns whatever came,
and its `paper_status()` calls an empty read "paper adequate". These subclasses add:

    read_within(n, timeout) -> bytes   up to n bytes, whatever arrived before the deadline;
                                       raises ConnectionLost when the peer has closed
    drain() -> bytes                   discard stale input (a late answer to an earlier query)

Everything else (open, _raw, close) is python-escpos unchanged. Which bytes are sent is decided in
`ticket_layout`; this module only moves bytes.
"""

from __future__ import annotations

import logging
import select
import socket
import sys
import time

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Network, Serial, Usb

from .urls import SerialUrl, TcpUrl, UsbUrl, parse_device_url

log = logging.getLogger(__name__)


class ConnectionLost(OSError):
    """The other end closed the connection (printer rebooted, cable pulled, socket reset)."""


class ConnectFailed(OSError):
    """The transport could not be opened (refused, no such port, USB device absent)."""


class NetworkTransport(Network):
    def open(self, raise_not_found: bool = True) -> None:
        # python-escpos opens an AF_INET socket only; create_connection also does IPv6 names.
        if self._device:
            self.close()
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            self.device = None
            raise DeviceNotFoundError(f"Could not open socket for {self.host}: {exc}") from None
        # Small writes (a status query right after a job) must not wait for the printer's
        # delayed ACK of the job: that is Nagle's 40 ms stall on every ticket.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.device = sock

    def read_within(self, n: int, timeout: float) -> bytes:
        sock = self.device
        buf = b""
        deadline = time.monotonic() + timeout
        try:
            while len(buf) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                sock.settimeout(remaining)
                try:
                    chunk = sock.recv(n - len(buf))
                except TimeoutError:
                    break
                if not chunk:
                    raise ConnectionLost("printer closed the connection")
                buf += chunk
        finally:
            sock.settimeout(self.timeout)
        return buf

    def drain(self) -> bytes:
        sock = self.device
        stale = b""
        while select.select([sock], [], [], 0)[0]:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionLost("printer closed the connection")
            stale += chunk
        return stale


class SerialTransport(Serial):
    def read_within(self, n: int, timeout: float) -> bytes:
        port = self.device
        port.timeout = timeout
        try:
            return port.read(n)  # pyserial's timeout is an overall deadline for the call
        finally:
            port.timeout = self.timeout

    def drain(self) -> bytes:
        port = self.device
        waiting = port.in_waiting
        return port.read(waiting) if waiting else b""


def _off_the_loop(call, *args):
    """Run a libusb call. Under gevent (`counterflow run`, server/serve.py) every socket, pty and
    serial port is cooperative, but libusb blocks in C for up to its timeout (a status read, a
    ticket's bulk write) and would stall every greenlet of the hub meanwhile: there the call runs in
    a real OS thread of gevent's threadpool while only this device's greenlet waits for it."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool.apply(call, args)
    return call(*args)


class UsbTransport(Usb):
    def open(self, raise_not_found: bool = True) -> None:
        _off_the_loop(super().open, raise_not_found)

    def _raw(self, msg: bytes) -> None:
        _off_the_loop(super()._raw, msg)

    def read_within(self, n: int, timeout: float) -> bytes:
        return _off_the_loop(self._read_within, n, timeout)

    def drain(self) -> bytes:
        return _off_the_loop(self._drain)

    def _read_within(self, n: int, timeout: float) -> bytes:
        import usb.core

        buf = b""
        deadline = time.monotonic() + timeout
        while len(buf) < n:
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                break
            try:
                buf += bytes(self.device.read(self.in_ep, 64, remaining_ms))
            except usb.core.USBTimeoutError:
                break
        return buf

    def _drain(self) -> bytes:
        import usb.core

        try:
            return bytes(self.device.read(self.in_ep, 64, 1))
        except usb.core.USBTimeoutError:
            return b""


def open_transport(url: str, timeout: float):
    """Open the transport named by `url`; raises ConnectFailed (or BadDeviceUrl)."""
    spec = parse_device_url(url, default_baud=19200)
    if isinstance(spec, TcpUrl):
        transport = NetworkTransport(host=spec.host, port=spec.port, timeout=timeout)
    elif isinstance(spec, SerialUrl):
        transport = SerialTransport(
            devfile=spec.path,
            baudrate=spec.baud,
            bytesize=spec.bytesize,
            parity=spec.parity,
            stopbits=spec.stopbits,
            timeout=timeout,
            xonxoff=spec.flow == "xonxoff",
            dsrdtr=spec.flow == "dsrdtr",
        )
    elif isinstance(spec, UsbUrl):
        transport = UsbTransport(
            idVendor=spec.vendor_id,
            idProduct=spec.product_id,
            timeout=int(timeout * 1000),
            in_ep=spec.in_ep,
            out_ep=spec.out_ep,
        )
    else:  # pragma: no cover - parse_device_url only returns the three above
        raise ConnectFailed(f"unsupported printer url {url!r}")
    try:
        transport.open()
    except DeviceNotFoundError as exc:
        raise ConnectFailed(str(exc).replace("\n", " ")) from None
    except OSError as exc:  # usb.core.USBError and serial.SerialException are OSErrors
        raise ConnectFailed(str(exc)) from None
    if isinstance(spec, SerialUrl) and spec.flow == "rtscts":
        transport.device.rtscts = True
    log.info("printer transport open url=%s", url)
    return transport
