"""Claim inputs made on the fly: text PDFs with reportlab, photos with Pillow.

Kept out of conftest.py so tests can import them under a name no other test folder
uses ("conftest" is taken by tests/ui too when both folders run together).
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from hsawallet.claims.model import ClaimDocument

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def text_pdf(pages: list[list[str]], size=LETTER) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size)
    for lines in pages:
        y = size[1] - 72
        for line in lines:
            canvas.setFont("Helvetica", 12)
            canvas.drawString(72, y, line)
            y -= 18
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def big_font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def photo_receipt(lines: list[str], size=(1200, 1600), exif_orientation: int | None = None) -> bytes:
    """A JPEG 'photo' of a receipt: off-white paper, large dark text."""
    image = Image.new("RGB", size, (246, 243, 236))
    draw = ImageDraw.Draw(image)
    font = big_font(size[0] // 14)
    y = size[1] // 12
    for line in lines:
        draw.text((size[0] // 12, y), line, fill=(25, 25, 25), font=font)
        y += int(size[0] / 14 * 1.6)
    out = io.BytesIO()
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    else:
        image.save(out, "JPEG", quality=85)
    return out.getvalue()


def document(document_id: int, file: str, data: bytes, media_type: str) -> ClaimDocument:
    return ClaimDocument(document_id, file, media_type, data, hashlib.sha256(data).hexdigest())
