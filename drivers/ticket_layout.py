"""What a queue ticket looks like on paper, as one ESC/POS byte string.

The job is assembled with python-escpos's `Dummy` printer (its commands, our bytes) and sent by the
real transport in one write, so a ticket is never interleaved with a status query. Chinese text
is encoded here, by us, as GB18030 or Big5 and framed by `FS &` ... `FS .` (Kanji mode), because the
printer's Chinese font is chosen by its own setting; python-escpos's code-page guessing is not used
for CJK. Widths are counted in columns of font A: 48 on 80 mm paper, 32 on 58 mm; a CJK character
takes two.
"""

from __future__ import annotations

import copy
import logging
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

log = logging.getLogger(__name__)

ESC_INIT = b"\x1b\x40"
FS_KANJI_ON = b"\x1c\x26"
FS_KANJI_OFF = b"\x1c\x2e"

ENCODINGS = ("gb18030", "big5")
PAPER = {80: (48, 576), 58: (32, 384)}  # paper width mm -> (font A columns, printable dots)
QR_MODES = ("native", "image")

# Fixed labels, in the script the printer's font can show (Big5 has no simplified characters).
LABELS = {
    "gb18030": {"ahead": "前面还有", "wait": "预计等候", "issued": "取号时间",
                "scan": "扫码查看排队进度", "test": "中文测试 简体", "people": "人"},
    "big5": {"ahead": "前面還有", "wait": "預計等候", "issued": "取號時間",
             "scan": "掃碼查看排隊進度", "test": "中文測試 繁體", "people": "人"},
}


@dataclass(frozen=True)
class TicketContent:
    """Everything printed on one queue ticket."""

    branch_name: str
    service_name_zh: str
    service_name_en: str
    number: str  # "A001"
    people_ahead: int
    estimated_wait_s: int | None  # None when there is no estimate yet
    issued_at: datetime  # timezone-aware
    tracking_url: str
    footer: str | None = None
    header: tuple[str, ...] | list[str] | None = None  # the branch's own lines above its name (a slogan, hours)
    logo: bytes | None = None  # the branch's PNG/JPEG logo, printed first (drivers/ticket_logo.py)


@dataclass(frozen=True)
class LayoutSettings:
    encoding: str = "gb18030"
    paper_mm: int = 80
    qr_mode: str = "native"
    tz: tzinfo | None = None  # print issued_at in this zone; None prints it as given

    def __post_init__(self):
        if self.encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}, not {self.encoding!r}")
        if self.paper_mm not in PAPER:
            raise ValueError(f"paper_mm must be 80 or 58, not {self.paper_mm!r}")
        if self.qr_mode not in QR_MODES:
            raise ValueError(f"qr_mode must be one of {QR_MODES}, not {self.qr_mode!r}")

    @property
    def columns(self) -> int:
        return PAPER[self.paper_mm][0]

    @property
    def dots(self) -> int:
        return PAPER[self.paper_mm][1]


def char_width(ch: str) -> int:
    """Columns one character takes on the printer: CJK (wide/fullwidth) 2, combining 0, else 1."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(c) for c in text)


def wrap(text: str, columns: int) -> list[str]:
    """Wrap to `columns`, breaking Latin text at spaces and CJK text anywhere."""
    lines: list[str] = []
    line = ""
    for word in _words(text):
        candidate = line + word
        if text_width(candidate) <= columns:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = word.lstrip()
        while text_width(line) > columns:  # a single word longer than the line
            cut = _fit(line, columns)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Split into break opportunities: each CJK char alone, Latin words with their leading space."""
    words: list[str] = []
    current = ""
    for ch in text:
        if char_width(ch) == 2:
            if current:
                words.append(current)
            words.append(ch)
            current = ""
        elif ch == " " and current.strip():
            words.append(current)
            current = ch
        else:
            current += ch
    if current:
        words.append(current)
    return words


def _fit(text: str, columns: int) -> int:
    width = 0
    for i, ch in enumerate(text):
        width += char_width(ch)
        if width > columns:
            return max(i, 1)
    return len(text)


class TicketJob:
    """Builds one print job. Methods append to the job; `data` is the finished byte string."""

    def __init__(self, settings: LayoutSettings):
        self.settings = settings
        profile_printer = Dummy()
        # Tell python-escpos the paper width (its default profile says "Unknown" and then prints a
        # warning to stdout for every image). The profile dict is shared by the class: copy first.
        profile_printer.profile.profile_data = copy.deepcopy(profile_printer.profile.profile_data)
        profile_printer.profile.profile_data["media"]["width"]["pixels"] = settings.dots
        profile_printer.profile.profile_data["media"]["width"]["mm"] = settings.paper_mm
        self._out = profile_printer
        self._out._raw(ESC_INIT)
        self._replaced = 0

    @property
    def data(self) -> bytes:
        return self._out.output

    def style(self, *, align: str = "left", bold: bool = False, size: int = 1) -> None:
        self._out.set(align=align, bold=bold, custom_size=True, width=size, height=size)

    def text(self, text: str) -> None:
        """Send text: ASCII as is, everything else encoded and framed in Kanji mode."""
        out = bytearray()
        run = bytearray()
        for ch in text:
            if ord(ch) < 0x80:
                if run:
                    out += FS_KANJI_ON + run + FS_KANJI_OFF
                    run.clear()
                out += ch.encode("ascii")
                continue
            try:
                run += ch.encode(self.settings.encoding)
            except UnicodeEncodeError:
                self._replaced += 1
                if run:
                    out += FS_KANJI_ON + run + FS_KANJI_OFF
                    run.clear()
                out += b"?"
        if run:
            out += FS_KANJI_ON + run + FS_KANJI_OFF
        self._out._raw(bytes(out))

    def line(self, text: str = "", **style) -> None:
        self.style(**style)
        self.text(text)
        self._out._raw(b"\n")

    def wrapped(self, text: str, *, size: int = 1, **style) -> None:
        for part in wrap(text, self.settings.columns // size):
            self.line(part, size=size, **style)

    def columns_line(self, left: str, right: str) -> None:
        """Label on the left, value on the right; the value drops to its own line if needed."""
        cols = self.settings.columns
        gap = cols - text_width(left) - text_width(right)
        if gap >= 1:
            self.line(left + " " * gap + right)
        else:
            self.wrapped(left)
            self.line(" " * max(cols - text_width(right), 0) + right)

    def rule(self) -> None:
        self.line("-" * self.settings.columns)

    def qr(self, payload: str) -> None:
        module = 6 if self.settings.paper_mm == 80 else 5
        self.style(align="center")
        if self.settings.qr_mode == "native":
            # GS ( k, model 2: the printer draws the code itself.
            self._out.qr(payload, ec=QR_ECLEVEL_M, size=module, native=True)
            self._out._raw(b"\n")
        else:
            # Raster image (GS v 0) for printers without a QR engine.
            self._out.qr(
                payload,
                ec=QR_ECLEVEL_M,
                size=module,
                native=False,
                image_arguments={"impl": "bitImageRaster", "center": False},
            )

    def logo(self, image_bytes: bytes) -> None:
        """The branch's logo, centred, as a raster image (GS v 0) scaled and dithered for this paper."""
        from .ticket_logo import print_image  # Pillow is loaded only by jobs that print a logo

        self.style(align="center")
        self._out.image(print_image(image_bytes, self.settings.dots), impl="bitImageRaster", center=False)

    def cut(self) -> None:
        self.style()
        self._out.cut()  # feeds past the cutter, then GS V (full cut)

    def finish(self) -> bytes:
        if self._replaced:
            log.warning(
                "ticket text had %d characters the %s printer font cannot show; printed as '?'",
                self._replaced,
                self.settings.encoding,
            )
        return self.data


def big_number_size(number: str, columns: int) -> int:
    """Character magnification for the ticket number: 4x on 80 mm, 3x on 58 mm, never wider than
    the paper, never smaller than double width and height (GS ! 0x11)."""
    size = 4 if columns >= 48 else 3
    while size > 2 and text_width(number) * size > columns:
        size -= 1
    return size


def wait_minutes_text(estimated_wait_s: int | None) -> str:
    if estimated_wait_s is None:
        return "--"
    if estimated_wait_s < 60:
        return "<1 min"
    return f"{math.ceil(estimated_wait_s / 60)} min"


def build_ticket(ticket: TicketContent, settings: LayoutSettings) -> bytes:
    """The ESC/POS bytes for one ticket, ending with the cut."""
    if ticket.issued_at.tzinfo is None:
        raise ValueError("TicketContent.issued_at must be timezone-aware")
    issued = ticket.issued_at.astimezone(settings.tz) if settings.tz else ticket.issued_at
    labels = LABELS[settings.encoding]
    job = TicketJob(settings)
    if ticket.logo:
        job.logo(ticket.logo)
    for line in ticket.header or ():
        job.wrapped(line, align="center")
    job.wrapped(ticket.branch_name, align="center", bold=True)
    job.wrapped(ticket.service_name_zh, align="center", bold=True)
    job.wrapped(ticket.service_name_en, align="center")
    job.rule()
    size = big_number_size(ticket.number, settings.columns)
    job.line(ticket.number, align="center", bold=True, size=size)
    job.rule()
    job.columns_line(f"{labels['ahead']} Ahead", f"{ticket.people_ahead} {labels['people']}")
    job.columns_line(f"{labels['wait']} Est. wait", wait_minutes_text(ticket.estimated_wait_s))
    job.columns_line(f"{labels['issued']} Issued", issued.strftime("%Y-%m-%d %H:%M"))
    job.qr(ticket.tracking_url)
    job.wrapped(f"{labels['scan']} Scan to track", align="center")
    if ticket.footer:
        job.wrapped(ticket.footer, align="center")
    job.cut()
    return job.finish()


def build_test_page(
    settings: LayoutSettings, *, url: str, status_text: str, now: datetime
) -> bytes:
    """A page for branch IT staff: settings, a column ruler, Chinese sample, big text, QR, cut."""
    job = TicketJob(settings)
    job.line("CounterFlow printer test", align="center", bold=True)
    job.rule()
    job.wrapped(f"url: {url}")
    job.line(f"paper: {settings.paper_mm} mm, {settings.columns} columns")
    job.line(f"encoding: {settings.encoding}, qr: {settings.qr_mode}")
    job.line(f"status: {status_text}")
    job.line(f"time: {now.strftime('%Y-%m-%d %H:%M:%S %Z').strip()}")
    job.line(("1234567890" * 5)[: settings.columns])
    job.line(LABELS[settings.encoding]["test"], align="center")
    job.line("A001", align="center", bold=True, size=big_number_size("A001", settings.columns))
    job.qr("https://counterflow.invalid/test")
    job.line("end of test", align="center")
    job.cut()
    return job.finish()
