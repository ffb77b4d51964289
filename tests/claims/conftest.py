"""Claim inputs generated on the fly: text PDFs with reportlab, photos with Pillow."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from hsawallet.claims.model import ClaimDocument, ClaimExpense, ClaimPacketInput

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


@pytest.fixture
def sample_claim() -> ClaimPacketInput:
    """Three receipts (text PDF, 2-page PDF, JPEG photo); one letter covers two expenses."""
    pdf_receipt = document(1, "pharmacy.pdf", text_pdf([["Corner Pharmacy", "Bandages 12.50", "TOTAL 12.50"]]),
                           "application/pdf")
    two_page = document(2, "clinic statement.pdf", text_pdf([["Lakeside Clinic", "Visit"], ["Balance due 80.00"]]),
                        "application/pdf")
    photo = document(3, "IMG_0001.jpg", photo_receipt(["FRESH MART", "Glucose strips", "TOTAL 42.17"]), "image/jpeg")
    letter = document(10, "lmn.pdf", text_pdf([["Letter of Medical Necessity", "Dr. Lee"]]), "application/pdf")
    letter_two = document(11, "lmn-2.pdf", text_pdf([["Letter of Medical Necessity", "Dr. Ortiz"]]), "application/pdf")
    expenses = [
        ClaimExpense(101, 1, 1, date(2026, 1, 3), "Corner Pharmacy", "Bandages", Decimal("12.50"), "Alex",
                     None, None),
        ClaimExpense(201, 2, 2, date(2026, 1, 9), "Lakeside Clinic", "Physical therapy visit", Decimal("80.00"),
                     "Alex", 10, "Dr. Lee, 2026-01-02"),
        ClaimExpense(301, 3, 3, date(2026, 2, 1), "Fresh Mart", "Glucose test strips", Decimal("42.17"), "Sam",
                     10, "Dr. Lee, 2026-01-02"),
        ClaimExpense(302, 3, 3, date(2026, 2, 1), "Fresh Mart", "Compression socks", Decimal("19.99"), "Sam",
                     11, "Dr. Ortiz, 2025-12-20"),
    ]
    return ClaimPacketInput(
        claim_id=7,
        title="FSA claim 2026 - January/February",
        claimant="Alex Example",
        account_name="WageWorks FSA",
        account_type="FSA",
        plan_year="2026",
        created=date(2026, 3, 1),
        expenses=expenses,
        warnings=["Compression socks: the letter from Dr. Ortiz expires on 2026-06-20."],
        receipts=[photo, two_page, pdf_receipt],  # out of order on purpose
        letters=[letter_two, letter],
    )
