"""Claim export speed against the bare PDF merge it is built on.

    .venv/bin/python bench/export.py [--keep DIR]

Generates 100 receipts in memory (50 text PDFs made with reportlab, 50 JPEG photos
1500x2000 made with Pillow), times export_claim (packet PDF + ZIP bundle, fsynced)
and a bare merge of the same pages (pypdf for the PDFs, one reportlab page per photo
with the JPEG embedded as is), and prints both, the ratio (target <= 1.5) and sizes.
If ../shared/realdata/sroie is present, also exports a claim over those real photos.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hsawallet.claims.export import export_claim  # noqa: E402
from hsawallet.claims.model import ClaimDocument, ClaimExpense, ClaimPacketInput  # noqa: E402
from hsawallet.claims.packet import build_packet  # noqa: E402

MERCHANTS = [
    "Corner Pharmacy",
    "Lakeside Clinic",
    "Bright Smile Dental",
    "Vision Center",
    "Fresh Mart",
    "City Physical Therapy",
    "Valley Lab Services",
    "Northside Urgent Care",
]
ITEMS = [
    "Prescription copay",
    "Office visit",
    "Cleaning and x-rays",
    "Contact lenses",
    "Glucose strips",
    "Therapy session",
    "Blood panel",
    "Bandages and gauze",
    "Allergy tablets",
    "Orthotic insoles",
]


def font(size: int):
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def text_pdf_receipt(rng: random.Random, n: int) -> tuple[bytes, Decimal]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, 720, rng.choice(MERCHANTS))
    canvas.setFont("Helvetica", 10)
    y, total = 690, Decimal("0")
    for line in range(rng.randint(8, 30)):
        amount = Decimal(rng.randint(100, 9000)) / 100
        total += amount
        canvas.drawString(72, y, f"{rng.choice(ITEMS)} #{n}-{line}")
        canvas.drawRightString(540, y, f"{amount:.2f}")
        y -= 14
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(72, y - 10, "TOTAL")
    canvas.drawRightString(540, y - 10, f"{total:.2f}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue(), total


def photo_receipt(rng: random.Random, n: int, noise: Image.Image) -> tuple[bytes, Decimal]:
    """A 1500x2000 'phone photo': paper on a darker table, sensor noise, slight blur."""
    image = Image.new("RGB", (1500, 2000), (92, 80, 70))
    draw = ImageDraw.Draw(image)
    draw.rectangle((260, 120, 1240, 1900), fill=(238, 235, 226))
    big, small = font(54), font(38)
    draw.text((320, 180), rng.choice(MERCHANTS).upper(), fill=(30, 30, 30), font=big)
    y, total = 300, Decimal("0")
    for _line in range(rng.randint(10, 25)):
        amount = Decimal(rng.randint(100, 9000)) / 100
        total += amount
        draw.text((320, y), f"{rng.choice(ITEMS)[:16]:<16} {amount:>7.2f}", fill=(40, 40, 40), font=small)
        y += 52
    draw.text((320, y + 30), f"TOTAL {total:>10.2f}", fill=(20, 20, 20), font=big)
    image = Image.blend(image, noise.rotate(n * 7), 0.08)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue(), total


def make_claim(rng: random.Random) -> ClaimPacketInput:
    noise = Image.merge("RGB", [Image.effect_noise((1500, 2000), 60)] * 3)
    receipts, expenses = [], []
    letters = [_doc(900 + i, f"lmn-{i}.pdf", text_pdf_receipt(rng, 900 + i)[0], "application/pdf") for i in range(4)]
    for n in range(100):
        if n % 2 == 0:
            data, total = text_pdf_receipt(rng, n)
            doc = _doc(n + 1, f"receipt-{n:03}.pdf", data, "application/pdf")
        else:
            data, total = photo_receipt(rng, n, noise)
            doc = _doc(n + 1, f"IMG_{n:04}.jpg", data, "image/jpeg")
        receipts.append(doc)
        letter = letters[n % 4] if n % 3 == 0 else None
        expenses.append(
            ClaimExpense(
                n + 1,
                n + 1,
                doc.document_id,
                date(2025, 1, 1) + timedelta(days=3 * n),
                rng.choice(MERCHANTS),
                rng.choice(ITEMS),
                total,
                "Alex",
                letter.document_id if letter else None,
                f"Dr. Lee, 2025-0{1 + n % 4}-15" if letter else None,
            )
        )
    return ClaimPacketInput(
        claim_id=1,
        title="Bench claim 2025",
        claimant="Alex Example",
        account_name="Bench HSA",
        account_type="HSA",
        plan_year="2025",
        created=date(2026, 1, 5),
        expenses=expenses,
        warnings=["Two receipts have no covering letter."],
        receipts=receipts,
        letters=letters,
    )


def _doc(document_id: int, file: str, data: bytes, media_type: str) -> ClaimDocument:
    return ClaimDocument(document_id, file, media_type, data, hashlib.sha256(data).hexdigest())


class RawJpeg(ImageReader):
    """img2pdf-like: embed the JPEG bytes without decoding them (reportlab would, to name them)."""

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(io.BytesIO(jpeg))
        self._key = hashlib.sha256(jpeg).digest()
        self._dataA = None

    def getRGBData(self) -> bytes:
        return self._key


def bare_merge(inp: ClaimPacketInput, out: Path) -> None:
    """The minimum: pypdf merge of PDFs, each JPEG dropped as is onto a Letter page."""
    rl_config.useA85 = 0  # binary streams, as img2pdf writes them
    writer = PdfWriter()
    for doc in inp.receipts + inp.letters:
        if doc.media_type == "application/pdf":
            for page in PdfReader(io.BytesIO(doc.data)).pages:
                writer.add_page(page)
        else:
            buffer = io.BytesIO()
            canvas = Canvas(buffer, pagesize=LETTER)
            width, height = Image.open(io.BytesIO(doc.data)).size
            scale = min((LETTER[0] - inch) / width, (LETTER[1] - inch) / height)
            canvas.drawImage(RawJpeg(doc.data), inch / 2, inch / 2, width * scale, height * scale)
            canvas.showPage()
            canvas.save()
            writer.add_page(PdfReader(buffer).pages[0])
    with open(out, "wb") as f:
        writer.write(f)


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def real_photos_claim() -> ClaimPacketInput | None:
    folder = REPO.parent / "shared" / "realdata" / "sroie" / "img"
    files = sorted(folder.glob("*.jpg")) if folder.is_dir() else []
    if not files:
        return None
    receipts = [_doc(i + 1, f.name, f.read_bytes(), "image/jpeg") for i, f in enumerate(files)]
    expenses = [
        ClaimExpense(i + 1, i + 1, d.document_id, None, None, "Receipt", Decimal("1.00"), None, None, None)
        for i, d in enumerate(receipts)
    ]
    return ClaimPacketInput(
        2, "Real receipts", "Bench", "Bench HSA", "HSA", None, date(2026, 1, 5), expenses, receipts=receipts
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the exported files in this folder")
    args = parser.parse_args()

    rng = random.Random(2026)
    start = time.perf_counter()
    inp = make_claim(rng)
    inputs_mb = sum(len(d.data) for d in inp.receipts + inp.letters) / 1e6
    print(f"generated 100 receipts + 4 letters ({inputs_mb:.1f} MB) in {time.perf_counter() - start:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        bare_path = Path(tmp) / "bare.pdf"
        bare = timed(lambda: bare_merge(inp, bare_path), args.repeat)
        packet_only = timed(lambda: build_packet(inp, io.BytesIO()), args.repeat)
        export = timed(lambda: export_claim(inp, out_dir, "bench-claim"), args.repeat)
        pdf, zipped = out_dir / "bench-claim.pdf", out_dir / "bench-claim.zip"
        pages = len(PdfReader(pdf).pages)
        print(f"bare merge (pypdf + JPEG pages): {bare:6.2f} s  {bare_path.stat().st_size / 1e6:6.1f} MB")
        print(
            f"export_claim (packet + bundle):  {export:6.2f} s  packet {pdf.stat().st_size / 1e6:.1f} MB, "
            f"{pages} pages; bundle {zipped.stat().st_size / 1e6:.1f} MB"
        )
        print(f"build_packet alone (in memory):  {packet_only:6.2f} s")
        print(f"ratio export/bare: {export / bare:.2f} (target <= 1.5); packet/bare: {packet_only / bare:.2f}")

        real = real_photos_claim()
        if real is None:
            print("real receipts: ../shared/realdata/sroie absent, skipped")
        else:
            real_time = timed(lambda: export_claim(real, out_dir, "bench-real"), 1)
            size = (out_dir / "bench-real.pdf").stat().st_size / 1e6
            real_in = sum(len(d.data) for d in real.receipts) / 1e6
            print(
                f"real receipts: {len(real.receipts)} photos ({real_in:.1f} MB) exported in {real_time:.2f} s, "
                f"packet {size:.1f} MB"
            )


if __name__ == "__main__":
    main()
