"""Small but genuine evidence files (a one-page PDF, a PNG) for the demo district and the
benchmarks, drawn with Pillow: a few milliseconds and a couple of kilobytes each."""

import io
import zlib

from PIL import Image, ImageDraw

A4_AT_72_DPI = (595, 842)


def sample_pdf(lines: list[str], title: str) -> bytes:
    """A one-page PDF showing ``lines`` (ASCII), with ``title`` as its document title."""
    page = Image.new("1", A4_AT_72_DPI, 1)
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(lines):
        draw.text((72, 72 + 16 * number), line, fill=0)
    out = io.BytesIO()
    page.save(out, "PDF", title=title, producer="luoshi load_demo")
    return out.getvalue()


def sample_png(seed: str, size: int = 8) -> bytes:
    """A small solid-colour RGB PNG; the colour is derived from ``seed``."""
    crc = zlib.crc32(seed.encode())
    colour = ((crc >> 16) & 255, (crc >> 8) & 255, crc & 255)
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()
