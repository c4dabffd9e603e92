"""The branch logo printed at the top of the ticket: scaled to the paper's width, dithered to black and
white, sent as a raster image (GS v 0) by the real driver and decoded by the printer simulator from the
byte stream, which shows it in its preview (drivers/ticket_logo.py, hardware_sim/escpos_parser.py)."""
from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image, ImageDraw

from drivers.ticket_logo import MAX_BYTES, BadLogo, check_logo


def png(width: int, height: int, *, mode: str = "RGBA", fmt: str = "PNG") -> bytes:
    """Left third black, middle third 50 % grey, right third transparent (or white)."""
    img = Image.new(mode, (width, height), (255, 255, 255, 0) if mode == "RGBA" else (255, 255, 255))
    draw = ImageDraw.Draw(img)
    third = width // 3
    draw.rectangle([0, 0, third - 1, height - 1], fill=(0, 0, 0, 255) if mode == "RGBA" else (0, 0, 0))
    draw.rectangle([third, 0, 2 * third - 1, height - 1], fill=(128, 128, 128, 255) if mode == "RGBA" else (128,) * 3)
    out = io.BytesIO()
    img.save(out, format=fmt)
    return out.getvalue()


def black_share(image, x0: int, x1: int) -> float:
    cells = [(x, y) for y in range(image.height) for x in range(x0, x1)]
    return sum(image.black(x, y) for x, y in cells) / len(cells)


@pytest.mark.parametrize(("paper_mm", "width", "height"), [(80, 576, 192), (58, 384, 128)])
def test_the_logo_arrives_scaled_to_the_paper_and_dithered(make_printer_sim, make_printer, ticket,
                                                           paper_mm, width, height):
    sim = make_printer_sim(encoding="big5", paper_mm=paper_mm)
    printer = make_printer(sim)
    printer.print_ticket(dataclasses.replace(ticket, logo=png(1200, 400)))
    [printed] = sim.wait_for_tickets(1)
    pictures = [image for image in printed.images if not image.qr]
    assert len(pictures) == 1
    logo = pictures[0]
    assert (logo.width, logo.height, logo.source) == (width, height, "GS v 0")
    assert logo.at_line == 0  # before the branch name: the top of the ticket
    third = width // 3
    assert black_share(logo, 4, third - 4) > 0.97  # black stays black
    assert 0.35 < black_share(logo, third + 4, 2 * third - 4) < 0.65  # grey is dithered, not thresholded
    assert black_share(logo, 2 * third + 4, width - 4) < 0.03  # transparent prints as paper
    assert printed.text_lines[0] == ticket.branch_name and printed.errors == []
    preview = printed.render(48 if paper_mm == 80 else 32)
    assert preview.splitlines()[0] == f"[image {width}x{height} GS v 0]"
    assert "#####" in preview.splitlines()[1]  # the sketch shows the black block
    assert preview.index("GS v 0") < preview.index(ticket.branch_name)


def test_a_tall_logo_is_capped_in_height_and_centred(make_printer_sim, make_printer, ticket):
    sim = make_printer_sim(encoding="gb18030", paper_mm=80)
    make_printer(sim).print_ticket(dataclasses.replace(ticket, logo=png(300, 900, mode="RGB", fmt="JPEG")))
    [printed] = sim.wait_for_tickets(1)
    [logo] = [image for image in printed.images if not image.qr]
    assert (logo.width, logo.height) == (80, 240)


def test_a_ticket_without_a_logo_has_no_picture(make_printer_sim, make_printer, ticket):
    sim = make_printer_sim(paper_mm=80)
    make_printer(sim).print_ticket(ticket)
    [printed] = sim.wait_for_tickets(1)
    assert [image for image in printed.images if not image.qr] == []


def test_uploads_are_checked():
    assert check_logo(png(600, 200)) == {"mimetype": "image/png", "width": 600, "height": 200}
    assert check_logo(png(600, 200, mode="RGB", fmt="JPEG"))["mimetype"] == "image/jpeg"
    for data, code in ((png(60, 20, mode="RGB", fmt="GIF"), "logo_format"), (b"not an image", "logo_format"),
                       (png(600, 200)[:-40], "logo_format"), (png(4, 4), "logo_size"),
                       (b"\x89PNG" + bytes(MAX_BYTES), "logo_too_large")):
        with pytest.raises(BadLogo) as refused:
            check_logo(data)
        assert refused.value.code == code
