"""Documents generated on the fly: vector PDFs (reportlab), scans and photos (Pillow)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

RECEIPT_LINES = [
    "GREENLEAF PHARMACY",
    "Date: 03/14/2026",
    "KNEE BRACE                  42.17",
    "TOTAL                       42.17",
]
LETTER_LINES = [
    "LETTER OF MEDICAL NECESSITY",
    "Patient: Jordan Example",
    "Diagnosis: lumbar radiculopathy M54.16",
    "Recommended: therapeutic massage weekly",
]


def text_pdf(pages: list[list[str]], font_size: int = 14) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for lines in pages:
        pdf.setFont("Courier", font_size)
        y = 720
        for line in lines:
            pdf.drawString(72, y, line)
            y -= font_size * 2
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def page_image(lines: list[str], dpi: int = 200, font_size: int = 14) -> Image.Image:
    """A clean grayscale picture of a printed page (text drawn by reportlab, rasterised by PDFium)."""
    document = pdfium.PdfDocument(text_pdf([lines], font_size))
    page = document[0]
    image = page.render(scale=dpi / 72).to_pil().convert("L")
    page.close()
    document.close()
    return image.crop((0, 0, image.width, image.height // 2))  # the text sits in the top half


def scanned_pdf(images: list[Image.Image | None], text_pages: dict[int, list[str]] | None = None) -> bytes:
    """Image-only pages (None: a text page from ``text_pages``)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for index, image in enumerate(images):
        if image is None:
            pdf.setFont("Courier", 14)
            for row, line in enumerate((text_pages or {})[index]):
                pdf.drawString(72, 720 - row * 28, line)
        else:
            width = 8.5 * 72
            pdf.drawImage(
                ImageReader(image),
                0,
                792 - width * image.height / image.width,
                width=width,
                height=width * image.height / image.width,
            )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def jpeg(image: Image.Image, **save_options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **save_options)
    return buffer.getvalue()


def photo_of(page: Image.Image, surface: int = 50) -> Image.Image:
    """The page on a dark table, slightly blurred, as a phone would take it."""
    paper = page.convert("RGB")
    margin = 120
    photo = Image.new(
        "RGB", (paper.width + 2 * margin, paper.height + 2 * margin), (surface, surface - 5, surface - 10)
    )
    photo.paste(paper, (margin, margin))
    return photo.filter(ImageFilter.GaussianBlur(0.8))


@pytest.fixture(scope="session")
def receipt_text_pdf() -> bytes:
    return text_pdf([RECEIPT_LINES])


@pytest.fixture(scope="session")
def receipt_page() -> Image.Image:
    return page_image(RECEIPT_LINES)


@pytest.fixture(scope="session")
def receipt_scan_pdf(receipt_page) -> bytes:
    return scanned_pdf([receipt_page])


@pytest.fixture(scope="session")
def two_page_pdf() -> bytes:
    """Page 1 has a text layer; page 2 is a scan."""
    return scanned_pdf([None, page_image(LETTER_LINES)], text_pages={0: RECEIPT_LINES})


@pytest.fixture(scope="session")
def receipt_photo(receipt_page) -> bytes:
    return jpeg(photo_of(receipt_page))


@pytest.fixture(scope="session")
def sideways_photo(receipt_page) -> bytes:
    """Turned 90 degrees with no EXIF hint: orientation detection must find it."""
    return jpeg(photo_of(receipt_page).transpose(Image.Transpose.ROTATE_90))


@pytest.fixture(scope="session")
def exif_rotated_photo(receipt_page) -> bytes:
    """Stored sideways with EXIF orientation 6 (display = rotate 90 degrees clockwise)."""
    stored = photo_of(receipt_page).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg(stored, exif=exif.tobytes())


@pytest.fixture(scope="session")
def encrypted_pdf(receipt_text_pdf) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(receipt_text_pdf)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def truncated_pdf(receipt_text_pdf) -> bytes:
    return receipt_text_pdf[: len(receipt_text_pdf) // 3]


def _flate_of_zeros(size: int) -> bytes:
    """A zlib stream of ``size`` zero bytes, built fast by repeating one flushed deflate block."""
    chunk = b"\x00" * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, no history
    checksum = 1
    for _ in range(size >> 20):
        checksum = zlib.adler32(chunk, checksum)
    final_empty_block = b"\x03\x00"
    return b"\x78\xda" + block * (size >> 20) + final_empty_block + struct.pack(">I", checksum)


@pytest.fixture(scope="session")
def pdf_bomb() -> bytes:
    """~1 MB file whose page content inflates to 1.5 GB."""
    stream = _flate_of_zeros(1536 << 20)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


@pytest.fixture(scope="session")
def huge_png() -> bytes:
    """A valid 20000 x 20000 (400 megapixel) bilevel PNG of ~60 KB."""
    side = 20000
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (side // 8)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("receipt.txt", "not a document")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def multi_frame_tiff(receipt_page) -> bytes:
    second = page_image(LETTER_LINES)
    buffer = io.BytesIO()
    receipt_page.save(buffer, "TIFF", save_all=True, append_images=[second], compression="tiff_deflate")
    return buffer.getvalue()
