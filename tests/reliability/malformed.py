"""Malformed files for the fault-injection suite, made here (seeded, small): cut-short and bit-flipped
PDFs and images, damaged PDF structures (page-tree loops, bad cross-references, absurd counts),
pixel bombs, bare magic numbers and things that are not documents.

``malformed_files()`` yields (name, bytes); every one must end as a clear per-file message or an
import, never a crash, hang or traceback.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterator

LINES = ["Corner Pharmacy", "Date: 03/02/2026", "Bandages 4.50", "TOTAL 4.50"]


def good_pdf() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for i, line in enumerate(LINES):
        c.drawString(72, 720 - 18 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def good_image(fmt: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (320, 200), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(LINES):
        draw.text((10, 10 + 20 * i), line, fill=0)
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()


def _pdf(objects: list[bytes], root: int = 1, *, xref: bool = True, size: int | None = None) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct cross-reference table unless told."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size or len(objects) + 1, root, start)
    )
    return out.getvalue()


def _page(parent: int, contents: int | None = None) -> bytes:
    extra = b" /Contents %d 0 R" % contents if contents else b""
    return b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792]%s >>" % (parent, extra)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def damaged_pdfs() -> Iterator[tuple[str, bytes]]:
    text = _stream(b"BT /F1 12 Tf 72 720 Td (TOTAL 4.50) Tj ET")
    # The page tree refers back to itself: Pages -> Kids [Pages].
    yield (
        "page-tree-loop.pdf",
        _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
    )
    # Two Pages nodes each the other's kid.
    yield (
        "page-tree-cycle.pdf",
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
            ]
        ),
    )
    # A page whose parent chain loops (inherited attributes are looked up through it).
    yield (
        "parent-loop.pdf",
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
                _page(2, 4),
                text,
            ]
        ),
    )
    yield (
        "absurd-count.pdf",
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>",
                _page(2, 4),
                text,
            ]
        ),
    )
    yield "no-pages.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    yield "root-missing.pdf", _pdf([b"<< /Type /Pages /Kids [] /Count 0 >>"], root=9)
    yield "root-not-dict.pdf", _pdf([b"42"])
    yield "kids-not-array.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids 7 /Count 1 >>"])
    yield (
        "no-xref.pdf",
        _pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _page(2, 4), text],
            xref=False,
        ),
    )
    yield (
        "huge-size.pdf",
        _pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _page(2, 4), text],
            size=10**9,
        ),
    )
    yield (
        "bad-length.pdf",
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                _page(2, 4),
                b"<< /Length 999999 >>\nstream\nBT ET\nendstream",
            ]
        ),
    )
    yield (
        "bad-filter.pdf",
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                _page(2, 4),
                b"<< /Length 5 /Filter /FlateDecode >>\nstream\nxxxxx\nendstream",
            ]
        ),
    )
    deep = b"[" * 5000 + b"]" * 5000
    yield (
        "deep-nesting.pdf",
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /X " + deep + b" >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                _page(2, 4),
                text,
            ]
        ),
    )
    yield "ref-loop.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])
    yield (
        "contents-loop.pdf",
        _pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _page(2, 4), b"4 0 R"]
        ),
    )
    yield "header-only.pdf", b"%PDF-1.7\n"
    yield "eof-only.pdf", b"%PDF-1.4\n%%EOF\n"
    yield "junk-after-header.pdf", b"%PDF-1.4\n" + random.Random(3).randbytes(3000)
    yield "startxref-past-end.pdf", good_pdf().replace(b"startxref", b"startxref\n99999999\n%startxref")


def cut_and_flipped() -> Iterator[tuple[str, bytes]]:
    rnd = random.Random(15)
    originals = {"pdf": good_pdf(), "jpg": good_image("JPEG"), "png": good_image("PNG"), "tif": good_image("TIFF")}
    for ext, data in originals.items():
        for i, fraction in enumerate((0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 0.995)):
            yield f"cut-{i}.{ext}", data[: max(8, int(len(data) * fraction))]
        for i in range(12):
            flipped = bytearray(data)
            for _ in range(1 + i * 3):
                at = rnd.randrange(8, len(flipped))  # keep the magic number: the reader, not sniff, must cope
                flipped[at] ^= 1 << rnd.randrange(8)
            yield f"flipped-{i}.{ext}", bytes(flipped)
        for i in range(5):
            yield f"magic-then-noise-{i}.{ext}", data[:16] + rnd.randbytes(rnd.randrange(16, 5000))


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bombs() -> Iterator[tuple[str, bytes]]:
    # Headers claiming far more pixels than the data holds, or a small stream inflating hugely.
    for i, (w, h) in enumerate(((100_000, 100_000), (1, 2**31 - 1), (2**31 - 1, 1), (65_535, 65_535))):
        ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
        yield (
            f"png-bomb-{i}.png",
            (
                b"\x89PNG\r\n\x1a\n"
                + _png_chunk(b"IHDR", ihdr)
                + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 2_000_000, 9))
                + _png_chunk(b"IEND", b"")
            ),
        )
    for i, (w, h) in enumerate(((65_000, 65_000), (60_000, 1))):
        # A baseline JPEG header claiming w x h, then nothing.
        sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
        yield (
            f"jpeg-bomb-{i}.jpg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof + b"\xff\xd9",
        )
    for i, (w, h) in enumerate(((200_000, 200_000), (1, 4_000_000_000))):
        entries = [
            (256, 4, 1, w),
            (257, 4, 1, h),
            (258, 3, 1, 8),
            (259, 3, 1, 1),
            (262, 3, 1, 1),
            (273, 4, 1, 8),
            (277, 3, 1, 1),
            (278, 4, 1, h),
            (279, 4, 1, 1),
        ]
        ifd = (
            struct.pack("<H", len(entries))
            + b"".join(
                struct.pack("<HHII", tag, kind, count, value)
                if kind == 4
                else struct.pack("<HHIHH", tag, kind, count, value, 0)
                for tag, kind, count, value in entries
            )
            + b"\x00\x00\x00\x00"
        )
        yield f"tiff-bomb-{i}.tif", b"II*\x00" + struct.pack("<I", 8 + 1) + b"\x00" + ifd
    # A TIFF whose IFD chain loops back to itself.
    ifd = struct.pack("<H", 1) + struct.pack("<HHII", 256, 4, 1, 10) + struct.pack("<I", 8)
    yield "tiff-ifd-loop.tif", b"II*\x00" + struct.pack("<I", 8) + ifd
    flate = zlib.compress(b"\x00" * 50_000_000, 9)
    yield (
        "flate-bomb.pdf",
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                _page(2, 4),
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(flate) + flate + b"\nendstream",
            ]
        ),
    )


def odd_kinds() -> Iterator[tuple[str, bytes]]:
    yield "empty.pdf", b""
    yield "zeros.pdf", b"\x00" * 4096
    yield "spaces.jpg", b"   \n\t  "
    yield "magic-only.pdf", b"%PDF-"
    yield "magic-only.jpg", b"\xff\xd8\xff"
    yield "magic-only.png", b"\x89PNG\r\n\x1a\n"
    yield "magic-only.tif", b"II*\x00"
    yield "magic-only-be.tif", b"MM\x00*"
    yield "heic-garbage.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + random.Random(4).randbytes(2000)
    yield "heic-header-only.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    yield "zip-named.pdf", b"PK\x03\x04\x14\x00" + b"\x00" * 100
    yield "gif-named.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    yield "html-named.pdf", b"<!DOCTYPE html><html><body>hi</body></html>"
    yield "text-named.png", b"a note, not a receipt\n"
    yield "elf-named.tif", b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    yield "sqlite-named.pdf", b"SQLite format 3\x00" + b"\x00" * 200
    yield "utf16-text.pdf", "\ufeffhello".encode("utf-16")
    yield "random.pdf", random.Random(5).randbytes(10_000)
    yield "pdf-in-jpeg-name.jpg", good_pdf()
    yield "webp.jpg", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def malformed_files() -> Iterator[tuple[str, bytes]]:
    yield from damaged_pdfs()
    yield from cut_and_flipped()
    yield from bombs()
    yield from odd_kinds()


def fast_sample() -> list[tuple[str, bytes]]:
    """A handful for `make test`: one of each family."""
    wanted = {
        "page-tree-loop.pdf",
        "cut-5.tif",
        "flipped-4.pdf",
        "png-bomb-0.png",
        "tiff-ifd-loop.tif",
        "magic-only.jpg",
        "cut-3.jpg",
    }
    return [(name, data) for name, data in malformed_files() if name in wanted]
