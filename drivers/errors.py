"""Exceptions raised by the device drivers.

Callers (the device manager) catch `DriverError` and turn it into a device fault; the subclasses
tell what the fault is about without parsing messages.
"""


class DriverError(Exception):
    """Base class of every error a driver raises on purpose."""


class BadDeviceUrl(DriverError, ValueError):
    """A device URL that cannot be understood (wrong scheme, missing path, bad query value)."""


class DeviceNotResponding(DriverError):
    """The device did not answer (timeout, bad frames, port gone) after the allowed retries."""


class DeviceReportedError(DriverError):
    """The device answered with a protocol-level refusal (e.g. a Modbus exception response)."""


class PrinterUnavailable(DriverError):
    """The printer cannot take a job now; `.status` is the `PrinterStatus` that says why."""

    def __init__(self, message: str, status=None):
        super().__init__(message)
        self.status = status
