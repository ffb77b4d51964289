"""Make the documents `make package-check` imports into the bundle: a text PDF, a scanned PDF (a page image,
no text layer) and a phone photo of a receipt, and a letter of medical necessity. Prints one line per file:
"receipt NAME TOTAL" or "letter NAME ICD-10-CM CODE".

Usage: python packaging/check_docs.py OUT_DIR   (run with the project's venv; the bundle never runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

TEXT_RECEIPT = (
    "18.48",
    [
        "Lakeside Pharmacy",
        "14 Birchwood Avenue, Springfield",
        "Date: 03/14/2026",
        "Ibuprofen 200mg tablets          12.99",
        "Adhesive bandages                 5.49",
        "Subtotal                         18.48",
        "Tax                               0.00",
        "TOTAL                            18.48",
        "VISA **** 1111",
    ],
)
SCANNED_RECEIPT = (
    "36.75",
    [
        "Birchwood Family Clinic",
        "300 Orchard Road, Springfield",
        "Date: 04/02/2026",
        "Office visit copay               30.00",
        "Lab fee                           6.75",
        "TOTAL                            36.75",
        "Paid by card **** 2222",
    ],
)
LETTER = (
    "M54.16",
    [
        "LETTER OF MEDICAL NECESSITY",
        "Date: 02/10/2026",
        "Patient: Avery Sample",
        "Diagnosis: lumbar radiculopathy (ICD-10 code M54.16)",
        "Recommended: therapeutic massage weekly for 6 months",
        "Dana Quill, MD    NPI 1234567893",
    ],
)
PHOTO_RECEIPT = (
    "9.87",
    [
        "LAKESIDE PHARMACY",
        "Date: 05/20/2026",
        "Allergy relief 24ct    9.87",
        "TOTAL                  9.87",
        "VISA **** 3333",
    ],
)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size=size)


def text_pdf(path: Path, lines: list[str]) -> None:
    page = canvas.Canvas(str(path), pagesize=letter)
    page.setFont("Helvetica", 12)
    for number, line in enumerate(lines):
        page.drawString(72, 720 - 18 * number, line)
    page.showPage()
    page.save()


def printed_lines(lines: list[str], size: tuple[int, int], font_px: int, margin: int, paper: int) -> Image.Image:
    image = Image.new("L", size, paper)
    draw = ImageDraw.Draw(image)
    face = font(font_px)
    for number, line in enumerate(lines):
        draw.text((margin, margin + number * int(font_px * 1.6)), line, fill=20, font=face)
    return image


def scanned_pdf(path: Path, lines: list[str]) -> None:
    # A US Letter page scanned at 200 dpi: an image only, so the reader must OCR it.
    page = printed_lines(lines, (1700, 2200), 40, 200, 250)
    page.save(path, "PDF", resolution=200)


def photo(path: Path, lines: list[str]) -> None:
    # A narrow slip photographed on a darker table, a little turned and soft, as a phone takes it.
    slip = printed_lines(lines, (900, 700), 38, 60, 240).convert("RGB")
    table = Image.new("RGB", (1300, 1200), (92, 84, 76))
    table.paste(slip, (200, 250))
    table = table.rotate(2.0, resample=Image.Resampling.BICUBIC, fillcolor=(92, 84, 76))
    table.filter(ImageFilter.GaussianBlur(0.8)).save(path, "JPEG", quality=88)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for kind, name, maker, (expected, lines) in (
        ("receipt", "text-receipt.pdf", text_pdf, TEXT_RECEIPT),
        ("receipt", "scanned-receipt.pdf", scanned_pdf, SCANNED_RECEIPT),
        ("receipt", "photo-receipt.jpg", photo, PHOTO_RECEIPT),
        ("letter", "letter.pdf", text_pdf, LETTER),
    ):
        maker(out / name, lines)
        print(kind, name, expected)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
