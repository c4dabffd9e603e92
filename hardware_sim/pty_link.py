"""A pseudo-terminal pair standing in for a serial cable.

The driver opens the slave path (e.g. /dev/pts/4) with pyserial like any tty; the simulator
reads and writes the master fd. The slave is put in raw mode at once (no echo, no line editing)
and kept open by the simulator too, so the master never sees EIO while the driver reconnects.
"""

from __future__ import annotations

import os
import select
import tty


class PtyLink:
    def __init__(self):
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        os.set_blocking(self.master, False)

    def wait_readable(self, timeout: float) -> bool:
        return bool(select.select([self.master], [], [], timeout)[0])

    def read(self) -> bytes:
        try:
            return os.read(self.master, 65536)
        except (BlockingIOError, InterruptedError):
            return b""

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                sent = os.write(self.master, view)
            except BlockingIOError:
                select.select([], [self.master], [], 0.05)
                continue
            view = view[sent:]

    def close(self) -> None:
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
