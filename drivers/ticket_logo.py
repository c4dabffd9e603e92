"""The branch's logo on the ticket: checking an uploaded image, and turning it into the 1-bit picture
the printer prints at the top of each ticket (raster `GS v 0`, drivers/ticket_layout.py).

An upload is PNG or JPEG, at most MAX_BYTES and MAX_SIDE pixels a side (a decompression bomb is refused
before it is decoded). For print it is flattened onto white (transparency prints as paper), scaled to
the paper's printable width (576 dots on 80 mm, 384 on 58 mm) and at most MAX_PRINT_HEIGHT dots high,
and dithered to black and white (Floyd-Steinberg, Pillow's own), so grey and colour logos keep their
shape on a thermal head that only burns or does not.
"""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_BYTES = 512 * 1024
MAX_SIDE = 4000
MIN_SIDE = 8
MAX_PRINT_HEIGHT = 240  # dots (30 mm): a logo, not a poster


class BadLogo(ValueError):
    """The upload is not a usable logo; `code` says why (for the API's error)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_logo(data: bytes) -> dict:
    """{"mimetype", "width", "height"} of a PNG or JPEG logo, or BadLogo."""
    if len(data) > MAX_BYTES:
        raise BadLogo("logo_too_large", f"the image is {len(data)} bytes; at most {MAX_BYTES}")
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, (width, height) = img.format, img.size
            if fmt not in FORMATS:
                raise BadLogo("logo_format", "the logo must be a PNG or JPEG image")
            if max(width, height) > MAX_SIDE or min(width, height) < MIN_SIDE:
                raise BadLogo("logo_size", f"the image must be {MIN_SIDE}-{MAX_SIDE} pixels a side")
            img.load()  # decode it all: a truncated or corrupt file fails here, not at the printer
    except BadLogo:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise BadLogo("logo_format", f"not a readable PNG or JPEG image ({type(exc).__name__})") from None
    return {"mimetype": FORMATS[fmt], "width": width, "height": height}


def print_image(data: bytes, dots: int) -> Image.Image:
    """The logo as printed: flattened on white, scaled to `dots` wide (height in proportion, at most
    MAX_PRINT_HEIGHT, narrower then), dithered to 1 bit. Width is a multiple of 8 (a raster byte)."""
    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGBA")
    white = Image.new("RGBA", img.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(white, img).convert("L")
    scale = min(dots / grey.width, MAX_PRINT_HEIGHT / grey.height)
    width = max(8, int(grey.width * scale) // 8 * 8)
    height = max(1, round(grey.height * width / grey.width))
    scaled = grey.resize((width, height), Image.LANCZOS)
    return scaled.convert("1", dither=Image.FLOYDSTEINBERG)


def preview_png(data: bytes, dots: int) -> bytes:
    """The printed logo as a PNG, for the admin console's preview."""
    out = io.BytesIO()
    print_image(data, dots).save(out, format="PNG")
    return out.getvalue()
