"""A streaming ESC/POS interpreter: bytes in, readable tickets out.

It understands what a receipt printer would act on for queue tickets: ESC @, ESC a, ESC E,
ESC !, ESC d, GS !, GS V (cut), GS ( k (QR model/size/level/store/print), GS v 0 (raster image),
GS ( L (graphics), FS & / FS . (Kanji mode, decoded as GB18030 or Big5 per the printer setting),
LF, and the real-time request DLE EOT n (handed to `on_status_request`). Other common commands
are skipped by their length; unknown ones are recorded in `RenderedTicket.errors`.

Text outside Kanji mode is decoded as code page 437, like a printer in its default state, so a
driver that forgets `FS &` shows up as mojibake. Each cut ends a `RenderedTicket`.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LINE_DOTS = 30  # default line pitch (dots at 8 dots/mm)
CHAR_DOTS = 24  # font A height

# ESC x: number of parameter bytes after the command letter.
_ESC_PARAMS = {
    0x20: 1, 0x21: 1, 0x24: 2, 0x25: 1, 0x2D: 1, 0x32: 0, 0x33: 1, 0x3D: 1, 0x3F: 1, 0x40: 0,
    0x45: 1, 0x47: 1, 0x4A: 1, 0x4D: 1, 0x52: 1, 0x53: 0, 0x54: 1, 0x56: 1, 0x5C: 2, 0x61: 1,
    0x64: 1, 0x69: 0, 0x6D: 0, 0x70: 3, 0x72: 1, 0x74: 1, 0x7B: 1, 0x4C: 0, 0x42: 2,
}
_GS_PARAMS = {
    0x21: 1, 0x42: 1, 0x48: 1, 0x49: 1, 0x4C: 2, 0x50: 2, 0x57: 2, 0x61: 1, 0x62: 1, 0x66: 1,
    0x68: 1, 0x72: 1, 0x77: 1, 0x24: 2, 0x2F: 1, 0x3A: 0,
}
_FS_PARAMS = {0x21: 1, 0x26: 0, 0x2D: 1, 0x2E: 0, 0x43: 1, 0x53: 2, 0x57: 1, 0x70: 2}


def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


@dataclass
class RenderedLine:
    text: str
    align: str = "left"
    bold: bool = False
    width: int = 1  # character magnification at the end of the line (largest used)
    height: int = 1
    columns: int = 0  # font-A columns the line takes, magnification included
    overflow: bool = False  # longer than the paper: the printer would have wrapped it

    @property
    def big(self) -> bool:
        return self.width >= 2 and self.height >= 2


@dataclass
class RasterImage:
    width: int
    height: int
    rows: list[bytes]  # one bytes object per dot row, 1 bit per dot, MSB first
    source: str  # "GS v 0" | "GS ( L"
    at_line: int = 0  # printed before this line of the ticket (the preview puts it there)
    qr: bool = False  # it decoded as a QR code (shown as "[QR image]", not as a picture)

    def to_pil(self, margin: int = 0):
        from PIL import Image

        img = Image.new("L", (self.width + 2 * margin, self.height + 2 * margin), 255)
        pixels = img.load()
        for y, row in enumerate(self.rows):
            for x in range(self.width):
                if row[x >> 3] & (0x80 >> (x & 7)):
                    pixels[x + margin, y + margin] = 0
        return img

    def black(self, x: int, y: int) -> bool:
        return bool(self.rows[y][x >> 3] & (0x80 >> (x & 7))) if x >> 3 < len(self.rows[y]) else False

    def sketch(self, columns: int, paper_dots: int) -> list[str]:
        """The picture in characters for the text preview: one character per paper column (its share of
        the paper's dots) and two of those high, '#' where at least a third of the dots are black."""
        step = max(1, paper_dots // columns)
        out = []
        for top in range(0, self.height, step * 2):
            line = ""
            for left in range(0, self.width, step):
                cells = [(x, y) for y in range(top, min(top + step * 2, self.height))
                         for x in range(left, min(left + step, self.width))]
                line += "#" if sum(self.black(x, y) for x, y in cells) * 3 >= len(cells) else " "
            out.append(line.rstrip())
        return out


@dataclass
class RenderedTicket:
    """One piece of paper, from the previous cut to this one."""

    lines: list[RenderedLine] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    qr_sources: list[str] = field(default_factory=list)  # "native" | "image", per payload
    images: list[RasterImage] = field(default_factory=list)
    cut: bool = False
    cut_mode: str | None = None  # "full" | "partial"
    encoding: str = ""
    errors: list[str] = field(default_factory=list)
    paper_dots: int = 0  # paper length used, in dots (8 dots/mm)
    bytes: int = 0
    last_byte_at: float = 0.0  # time.monotonic() when the bytes ending with the cut arrived
    printed: bool = True  # False when the printer was in a fault that stops printing
    fault: str | None = None

    @property
    def text_lines(self) -> list[str]:
        return [line.text for line in self.lines if line.text.strip()]

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)

    @property
    def big_lines(self) -> list[str]:
        return [line.text for line in self.lines if line.big and line.text.strip()]

    @property
    def overflow_lines(self) -> list[str]:
        return [line.text for line in self.lines if line.overflow]

    @property
    def paper_mm(self) -> float:
        return self.paper_dots / 8

    def render(self, columns: int = 48) -> str:
        """A plain-text picture of the ticket, for people (CLI output, test failures). Pictures (a logo)
        show where they were printed, as a header and a sketch in characters."""
        out = []
        dots = 576 if columns >= 48 else 384
        pictures = [image for image in self.images if not image.qr]
        for index, line in enumerate([*self.lines, None]):
            for image in (p for p in pictures if p.at_line == index):
                pad = " " * max((dots - image.width) // 2 // max(1, dots // columns), 0)
                out.append(f"[image {image.width}x{image.height} {image.source}]")
                out.extend((pad + row).rstrip() for row in image.sketch(columns, dots))
            if line is None:
                break
            text = line.text
            if line.big:
                text = f"[{line.width}x] {text}"
            pad = max(columns - sum(char_width(c) for c in text), 0)
            if line.align == "center":
                text = " " * (pad // 2) + text
            elif line.align == "right":
                text = " " * pad + text
            out.append(text.rstrip())
        for source, payload in zip(self.qr_sources, self.qr_payloads, strict=True):
            out.append(f"[QR {source}] {payload}")
        out.append("--- cut ---" if self.cut else "--- (not cut) ---")
        return "\n".join(out)


def _decode_qr_image(image: RasterImage) -> list[str]:
    try:
        import zxingcpp
    except ImportError:  # optional: without it image QR codes are kept as images only
        return []
    found = zxingcpp.read_barcodes(image.to_pil(margin=24))
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]


class EscPosParser:
    """Feed bytes with `feed()`; finished tickets go to `on_ticket`; `DLE EOT n` calls
    `on_status_request(n)` in stream order."""

    def __init__(
        self,
        *,
        encoding: str = "gb18030",
        columns: int = 48,
        on_ticket: Callable[[RenderedTicket], None] | None = None,
        on_status_request: Callable[[int], None] | None = None,
    ):
        self.encoding = encoding
        self.columns = columns
        self.on_ticket = on_ticket or (lambda ticket: None)
        self.on_status_request = on_status_request or (lambda n: None)
        self._buf = bytearray()
        self._reset_style()
        self._ticket = RenderedTicket(encoding=encoding)
        self._line: list[str] = []
        self._line_cols = 0
        self._line_w = self._line_h = 1
        self._line_align = "left"
        self._line_bold = False
        self._qr_data = b""
        self._qr_module = 3
        self._qr_ec = "L"
        self._pending_graphics: tuple[int, int, bytes] | None = None
        self._received_at = 0.0

    # -- input ----------------------------------------------------------------------------------

    def feed(self, data: bytes, received_at: float | None = None) -> None:
        """Interpret `data`; `received_at` (time.monotonic()) stamps tickets cut in it."""
        self._received_at = received_at if received_at is not None else time.monotonic()
        self._buf += data
        self._ticket.bytes += len(data)
        pos = 0
        while pos < len(self._buf):
            nxt = self._step(pos)
            if nxt is None:  # command not complete yet: wait for more bytes
                break
            pos = nxt
        del self._buf[:pos]

    def close(self) -> None:
        """End of stream: a ticket in progress is delivered as not cut."""
        if self._buf:
            self._ticket.errors.append(f"{len(self._buf)} bytes of an incomplete command at end")
            self._buf.clear()
        self._end_line(only_if_content=True)
        if self._ticket.lines or self._ticket.images or self._ticket.qr_payloads:
            self._finish_ticket(cut=False, mode=None)

    # -- state ----------------------------------------------------------------------------------

    def _reset_style(self) -> None:
        self.align = "left"
        self.bold = False
        self.width = self.height = 1
        self.kanji = False

    def _put_char(self, ch: str) -> None:
        if not self._line:
            self._line_align = self.align
            self._line_bold = self.bold
        self._line.append(ch)
        self._line_cols += char_width(ch) * self.width
        self._line_w = max(self._line_w, self.width)
        self._line_h = max(self._line_h, self.height)
        self._line_bold = self._line_bold or self.bold

    def _end_line(self, only_if_content: bool = False) -> None:
        if only_if_content and not self._line:
            return
        text = "".join(self._line)
        line = RenderedLine(
            text=text,
            align=self._line_align if self._line else self.align,
            bold=self._line_bold,
            width=self._line_w if self._line else self.width,
            height=self._line_h if self._line else self.height,
            columns=self._line_cols,
            overflow=self._line_cols > self.columns,
        )
        if line.overflow:
            self._ticket.errors.append(f"line wider than {self.columns} columns: {text!r}")
        self._ticket.lines.append(line)
        self._ticket.paper_dots += max(LINE_DOTS, CHAR_DOTS * line.height + 6)
        self._line = []
        self._line_cols = 0
        self._line_w = self._line_h = 1
        self._line_bold = False

    def _finish_ticket(self, *, cut: bool, mode: str | None) -> None:
        ticket = self._ticket
        ticket.cut = cut
        ticket.cut_mode = mode
        ticket.last_byte_at = self._received_at
        self._ticket = RenderedTicket(encoding=self.encoding)
        self.on_ticket(ticket)

    # -- one command ----------------------------------------------------------------------------

    def _step(self, i: int) -> int | None:
        buf = self._buf
        b = buf[i]
        if b == ESC:
            return self._esc(i)
        if b == GS:
            return self._gs(i)
        if b == FS:
            return self._fs(i)
        if b == DLE:
            return self._dle(i)
        if b == 0x0A:
            self._end_line()
            return i + 1
        if b == 0x09:
            for _ in range(8 - self._line_cols % 8):  # HT: to the next 8-column tab stop
                self._put_char(" ")
            return i + 1
        if b < 0x20 or b == 0x7F:
            return i + 1  # CR and other controls: nothing to print
        if b < 0x80:
            self._put_char(chr(b))
            return i + 1
        if not self.kanji:
            self._put_char(bytes([b]).decode("cp437"))
            return i + 1
        return self._multibyte(i)

    def _multibyte(self, i: int) -> int | None:
        buf = self._buf
        lead = buf[i]
        if not 0x81 <= lead <= 0xFE:
            self._bad_text(bytes([lead]))
            return i + 1
        if i + 1 >= len(buf):
            return None
        size = 2
        if self.encoding == "gb18030" and 0x30 <= buf[i + 1] <= 0x39:
            size = 4
        if i + size > len(buf):
            return None
        raw = bytes(buf[i : i + size])
        try:
            self._put_char(raw.decode(self.encoding))
            return i + size
        except UnicodeDecodeError:
            self._bad_text(raw[:1])
            return i + 1

    def _bad_text(self, raw: bytes) -> None:
        self._ticket.errors.append(f"invalid {self.encoding} byte {raw.hex()}")
        self._put_char("\ufffd")

    def _need(self, i: int, n: int) -> bool:
        return i + n <= len(self._buf)

    def _esc(self, i: int) -> int | None:
        if not self._need(i, 2):
            return None
        cmd = self._buf[i + 1]
        if cmd == 0x2A:  # ESC * m nL nH d...: column bit image
            if not self._need(i, 5):
                return None
            m, nl, nh = self._buf[i + 2 : i + 5]
            end = i + 5 + (nl + 256 * nh) * (3 if m in (32, 33) else 1)
            return end if self._need(end, 0) else None
        if cmd == 0x44:  # ESC D: tab stops, NUL-terminated
            end = self._buf.find(0, i + 2)
            return None if end < 0 else end + 1
        if cmd == 0x63:  # ESC c n m
            return i + 4 if self._need(i, 4) else None
        params = _ESC_PARAMS.get(cmd)
        if params is None:
            self._ticket.errors.append(f"unknown ESC 0x{cmd:02x}")
            return i + 2
        if not self._need(i, 2 + params):
            return None
        arg = self._buf[i + 2] if params else 0
        if cmd == 0x40:  # ESC @
            if self._line:
                self._ticket.errors.append("ESC @ discarded unprinted text")
                self._line, self._line_cols = [], 0
            self._reset_style()
        elif cmd == 0x61:  # ESC a
            self.align = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center",
                          50: "right"}.get(arg, "left")
        elif cmd == 0x45:  # ESC E
            self.bold = bool(arg & 1)
        elif cmd == 0x21:  # ESC !: bit3 bold, bit4 double height, bit5 double width
            self.bold = bool(arg & 0x08)
            self.height = 2 if arg & 0x10 else 1
            self.width = 2 if arg & 0x20 else 1
        elif cmd == 0x64:  # ESC d n: print and feed n lines
            self._end_line(only_if_content=True)
            self._ticket.paper_dots += LINE_DOTS * arg
        elif cmd == 0x4A:  # ESC J n: print and feed n dots
            self._end_line(only_if_content=True)
            self._ticket.paper_dots += arg
        return i + 2 + params

    def _gs(self, i: int) -> int | None:
        if not self._need(i, 2):
            return None
        buf = self._buf
        cmd = buf[i + 1]
        if cmd == 0x56:  # GS V m [n]: cut
            if not self._need(i, 3):
                return None
            m = buf[i + 2]
            end = i + 4 if m in (65, 66, 97, 98, 103, 104) else i + 3
            if not self._need(end, 0):
                return None
            self._end_line(only_if_content=True)
            self._finish_ticket(cut=True, mode="partial" if m in (1, 49, 66, 98, 104) else "full")
            return end
        if cmd == 0x28:  # GS ( X pL pH data
            if not self._need(i, 5):
                return None
            kind = buf[i + 2]
            size = buf[i + 3] + 256 * buf[i + 4]
            end = i + 5 + size
            if not self._need(end, 0):
                return None
            body = bytes(buf[i + 5 : end])
            if kind == 0x6B:
                self._qr_command(body)
            elif kind == 0x4C:
                self._graphics_command(body)
            return end
        if cmd == 0x76:  # GS v 0 m xL xH yL yH data
            if not self._need(i, 8):
                return None
            width_bytes = buf[i + 4] + 256 * buf[i + 5]
            height = buf[i + 6] + 256 * buf[i + 7]
            end = i + 8 + width_bytes * height
            if not self._need(end, 0):
                return None
            data = bytes(buf[i + 8 : end])
            self._image(width_bytes, height, data, "GS v 0")
            return end
        if cmd == 0x6B:  # GS k barcode
            if not self._need(i, 3):
                return None
            m = buf[i + 2]
            if m <= 6:
                end = buf.find(0, i + 3)
                return None if end < 0 else end + 1
            if not self._need(i, 4):
                return None
            end = i + 4 + buf[i + 3]
            return end if self._need(end, 0) else None
        params = _GS_PARAMS.get(cmd)
        if params is None:
            self._ticket.errors.append(f"unknown GS 0x{cmd:02x}")
            return i + 2
        if not self._need(i, 2 + params):
            return None
        if cmd == 0x21:  # GS !: high nibble width-1, low nibble height-1
            arg = buf[i + 2]
            self.width = (arg >> 4) + 1
            self.height = (arg & 0x0F) + 1
        return i + 2 + params

    def _fs(self, i: int) -> int | None:
        if not self._need(i, 2):
            return None
        cmd = self._buf[i + 1]
        params = _FS_PARAMS.get(cmd)
        if params is None:
            self._ticket.errors.append(f"unknown FS 0x{cmd:02x}")
            return i + 2
        if not self._need(i, 2 + params):
            return None
        if cmd == 0x26:
            self.kanji = True
        elif cmd == 0x2E:
            self.kanji = False
        return i + 2 + params

    def _dle(self, i: int) -> int | None:
        if not self._need(i, 2):
            return None
        cmd = self._buf[i + 1]
        if cmd == 0x04:  # DLE EOT n: real-time status
            if not self._need(i, 3):
                return None
            self.on_status_request(self._buf[i + 2])
            return i + 3
        if cmd == 0x05:  # DLE ENQ n
            return i + 3 if self._need(i, 3) else None
        if cmd == 0x14:  # DLE DC4 fn ...
            if not self._need(i, 3):
                return None
            end = i + {1: 5, 2: 5, 3: 7, 7: 5, 8: 10}.get(self._buf[i + 2], 3)
            return end if self._need(end, 0) else None
        return i + 1  # a lone DLE is ignored

    # -- 2D codes and images --------------------------------------------------------------------

    def _qr_command(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:  # cn 49 = QR; other symbologies ignored
            return
        fn = body[1]
        if fn == 0x43 and len(body) >= 3:  # size of module
            self._qr_module = body[2]
        elif fn == 0x45 and len(body) >= 3:  # error correction level
            self._qr_ec = {48: "L", 49: "M", 50: "Q", 51: "H"}.get(body[2], "L")
        elif fn == 0x50:  # store data (after m = 48)
            self._qr_data = body[3:]
        elif fn == 0x51:  # print stored symbol
            self._end_line(only_if_content=True)
            if not self._qr_data:
                self._ticket.errors.append("QR print with no stored data")
                return
            payload = self._qr_data.decode("utf-8", errors="replace")
            self._ticket.qr_payloads.append(payload)
            self._ticket.qr_sources.append("native")
            self._ticket.paper_dots += self._qr_height_dots(payload)

    def _qr_height_dots(self, payload: str) -> int:
        try:
            import qrcode

            levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
                      "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
            code = qrcode.QRCode(error_correction=levels[self._qr_ec], border=0)
            code.add_data(payload)
            version = code.best_fit()  # the size only; no need to draw the symbol
            return (version * 4 + 17) * self._qr_module
        except Exception:  # only for the paper-length estimate
            return 25 * self._qr_module

    def _graphics_command(self, body: bytes) -> None:
        # GS ( L m=48 fn=112: store raster graphics (a bx by c xL xH yL yH data); fn=50: print.
        if len(body) >= 2 and body[1] == 112 and len(body) >= 10:
            width = body[6] + 256 * body[7]
            height = body[8] + 256 * body[9]
            self._pending_graphics = (width, height, body[10:])
        elif len(body) >= 2 and body[1] == 50 and self._pending_graphics:
            width, height, data = self._pending_graphics
            self._image((width + 7) // 8, height, data, "GS ( L", width=width)

    def _image(self, width_bytes: int, height: int, data: bytes, source: str, width=None) -> None:
        self._end_line(only_if_content=True)
        rows = [data[r * width_bytes : (r + 1) * width_bytes] for r in range(height)]
        image = RasterImage(width or width_bytes * 8, height, rows, source, at_line=len(self._ticket.lines))
        self._ticket.images.append(image)
        self._ticket.paper_dots += height
        for payload in _decode_qr_image(image):
            image.qr = True
            self._ticket.qr_payloads.append(payload)
            self._ticket.qr_sources.append("image")
