"""Claim inputs made on the fly: text PDFs (tests/conftest.py), photos with Pillow.

Kept out of conftest.py so tests can import them under a name no other test folder
uses ("conftest" is taken by tests/ui too when both folders run together).
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw

from hsawallet.claims.model import ClaimDocument
from tests.conftest import load_font
from tests.conftest import text_pdf_bytes as text_pdf  # noqa: F401 (the claims tests' name for it)

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def big_font(size: int):
    return load_font(size, *FONT_PATHS)


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
