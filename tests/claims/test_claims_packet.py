from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pdfplumber
import pypdfium2
import pytest
from claim_inputs import document, photo_receipt, text_pdf
from PIL import Image
from pypdf import PdfReader, PdfWriter

from hsawallet.claims.model import ClaimDataError, ClaimExpense
from hsawallet.claims.packet import build_packet


def build(inp):
    out = io.BytesIO()
    info = build_packet(inp, out)
    return info, out.getvalue()


def page_texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def test_page_count_is_cover_plus_receipts_plus_each_letter_once(sample_claim):
    info, pdf = build(sample_claim)
    receipt_pages = 1 + 2 + 1  # text PDF, 2-page PDF, photo
    letter_pages = 2  # letter 10 covers two expenses but appears once
    assert len(PdfReader(io.BytesIO(pdf)).pages) == info.page_count
    assert info.page_count == info.cover_pages + receipt_pages + letter_pages
    assert set(info.letter_pages) == {10, 11}
    texts = page_texts(pdf)
    assert sum("Dr. Lee" in t and "Letter of Medical Necessity" in t for t in texts) == 1


def test_receipts_follow_expense_order_and_letters_come_last(sample_claim):
    info, pdf = build(sample_claim)
    assert info.receipt_pages == {1: info.cover_pages + 1, 2: info.cover_pages + 2, 3: info.cover_pages + 4}
    assert info.letter_pages == {10: info.cover_pages + 5, 11: info.cover_pages + 6}


def test_cover_lists_every_expense_and_the_total(sample_claim):
    info, pdf = build(sample_claim)
    cover = "\n".join(page_texts(pdf)[: info.cover_pages])
    for expense in sample_claim.expenses:
        assert expense.merchant in cover
        assert expense.description in cover
        assert f"${expense.amount:,.2f}" in cover
    assert "$154.66" in cover  # 12.50 + 80.00 + 42.17 + 19.99
    assert "Alex Example" in cover and "WageWorks FSA" in cover and "2026-03-01" in cover
    assert "expires on 2026-06-20" in cover  # the warning that still applies
    # The index says where each document starts.
    assert re.search(rf"{info.letter_pages[11]}\s+Covering letter", cover)


def test_text_pdf_receipts_keep_their_text_layer(sample_claim):
    info, pdf = build(sample_claim)
    texts = page_texts(pdf)
    assert "Bandages 12.50" in texts[info.receipt_pages[1] - 1]
    assert "Balance due 80.00" in texts[info.receipt_pages[2]]


def test_every_page_is_stamped_with_number_and_title(sample_claim):
    info, pdf = build(sample_claim)
    for number, text in enumerate(page_texts(pdf), start=1):
        assert f"Page {number} of {info.page_count}" in text
        assert "FSA claim 2026" in text


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_photo_receipt_page_is_still_readable_by_ocr(sample_claim):
    info, pdf = build(sample_claim)
    page = pypdfium2.PdfDocument(pdf)[info.receipt_pages[3] - 1]
    image = page.render(scale=200 / 72).to_pil()
    png = io.BytesIO()
    image.save(png, "PNG")
    text = subprocess.run(
        ["tesseract", "stdin", "stdout"], input=png.getvalue(), capture_output=True, check=True
    ).stdout.decode()
    assert "42.17" in text


def test_long_expense_table_flows_over_pages_with_repeated_header(sample_claim):
    base = sample_claim.expenses[0]
    many = [
        dataclasses.replace(
            base,
            item_id=1000 + n,
            date=date(2026, 1, 1) + timedelta(days=n),
            description=f"Item number {n}",
            amount=Decimal("1.25"),
        )
        for n in range(70)
    ]
    inp = dataclasses.replace(sample_claim, expenses=many, letters=[])
    info, pdf = build(inp)
    assert info.cover_pages >= 2
    covers = page_texts(pdf)[: info.cover_pages]
    assert all("Merchant" in page and "Amount" in page for page in covers)
    assert "$87.50" in covers[-1]  # 70 x 1.25, in the totals row on the last cover page
    assert "Item number 69" in "\n".join(covers)
    assert info.page_count == info.cover_pages + 4  # the three receipts, each once


def test_exif_rotated_photo_becomes_an_upright_portrait_page(sample_claim):
    # Stored sideways (wide) with orientation 6: upright it is tall.
    photo = document(3, "sideways.jpg", photo_receipt(["ROTATED"], size=(1600, 1200), exif_orientation=6), "image/jpeg")
    inp = dataclasses.replace(
        sample_claim, receipts=[r if r.document_id != 3 else photo for r in sample_claim.receipts]
    )
    info, pdf = build(inp)
    box = PdfReader(io.BytesIO(pdf)).pages[info.receipt_pages[3] - 1].mediabox
    assert box.height > box.width


def test_photo_metadata_is_not_copied_into_the_packet(sample_claim):
    # EXIF can carry GPS coordinates; the administrator does not need them.
    marker = b"Exif\x00\x00"
    photo = photo_receipt(["TOTAL 5.00"], exif_orientation=1)
    assert marker in photo
    inp = dataclasses.replace(
        sample_claim,
        receipts=[
            r if r.document_id != 3 else document(3, "p.jpg", photo, "image/jpeg") for r in sample_claim.receipts
        ],
    )
    _, pdf = build(inp)
    assert marker not in pdf


def test_multipage_tiff_and_transparent_png_become_pages(sample_claim):
    frames = [Image.new("L", (850, 1100), 255), Image.new("L", (850, 1100), 200)]
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    png = io.BytesIO()
    Image.new("RGBA", (600, 400), (0, 0, 0, 0)).save(png, "PNG")
    receipts = [
        document(1, "scan.tiff", tiff.getvalue(), "image/tiff"),
        document(2, "shot.png", png.getvalue(), "image/png"),
        sample_claim.receipts[0],
    ]
    inp = dataclasses.replace(sample_claim, receipts=receipts)
    info, pdf = build(inp)
    assert info.receipt_pages[2] - info.receipt_pages[1] == 2  # two TIFF pages
    reader = PdfReader(io.BytesIO(pdf))
    wide = reader.pages[info.receipt_pages[2] - 1].mediabox
    assert wide.width > wide.height  # a landscape image gets a landscape page


def test_heic_photo_becomes_a_page(sample_claim):
    pillow_heif = pytest.importorskip("pillow_heif")
    heic = io.BytesIO()
    try:
        pillow_heif.from_pillow(Image.new("RGB", (640, 800), "white")).save(heic, quality=60)
    except Exception as exc:  # wheels without an HEVC encoder
        pytest.skip(f"cannot encode HEIC here: {exc}")
    receipts = [
        r if r.document_id != 3 else document(3, "IMG.HEIC", heic.getvalue(), "image/heic")
        for r in sample_claim.receipts
    ]
    info, pdf = build(dataclasses.replace(sample_claim, receipts=receipts))
    assert info.unreadable == []
    assert info.page_count == info.cover_pages + 6


def test_rotated_pdf_page_is_kept_and_stamped_upright(sample_claim):
    reader = PdfReader(io.BytesIO(text_pdf([["Rotated invoice 9.99"]])))
    writer = PdfWriter()
    writer.add_page(reader.pages[0]).rotate(90)
    rotated = io.BytesIO()
    writer.write(rotated)
    receipts = [
        r if r.document_id != 1 else document(1, "rot.pdf", rotated.getvalue(), "application/pdf")
        for r in sample_claim.receipts
    ]
    info, pdf = build(dataclasses.replace(sample_claim, receipts=receipts))
    text = page_texts(pdf)[info.receipt_pages[1] - 1]
    assert "Rotatedinvoice9.99" in re.sub(r"\s", "", text)  # still text, turned with its page
    assert f"Page {info.receipt_pages[1]} of {info.page_count}" in text


def test_damaged_document_gets_a_notice_page_not_a_failed_packet(sample_claim):
    broken = document(2, "broken.pdf", b"%PDF-1.7\nthis is not really a pdf", "application/pdf")
    receipts = [r if r.document_id != 2 else broken for r in sample_claim.receipts]
    info, pdf = build(dataclasses.replace(sample_claim, receipts=receipts))
    assert info.unreadable == [2]
    assert "could not be rendered" in page_texts(pdf)[info.receipt_pages[2] - 1]


def test_tampered_document_is_refused(sample_claim):
    tampered = dataclasses.replace(sample_claim.receipts[0], data=sample_claim.receipts[0].data + b" ")
    inp = dataclasses.replace(sample_claim, receipts=[tampered, *sample_claim.receipts[1:]])
    with pytest.raises(ClaimDataError):
        build(inp)


def test_missing_receipt_document_is_refused(sample_claim):
    extra = ClaimExpense(9, 9, 99, None, None, "Orphan", Decimal("1.00"), None, None, None)
    inp = dataclasses.replace(sample_claim, expenses=[*sample_claim.expenses, extra])
    with pytest.raises(ClaimDataError, match="99"):
        build(inp)


def test_large_photo_is_downscaled_to_a_readable_resolution(sample_claim):
    # A 12-megapixel phone photo needs no more than ~200 dpi on a Letter page.
    big = document(3, "big.jpg", photo_receipt(["TOTAL 42.17"], size=(3000, 4000)), "image/jpeg")
    receipts = [r if r.document_id != 3 else big for r in sample_claim.receipts]
    info, pdf = build(dataclasses.replace(sample_claim, receipts=receipts))
    images = PdfReader(io.BytesIO(pdf)).pages[info.receipt_pages[3] - 1].images
    assert len(images) == 1
    width, height = images[0].image.size
    assert max(width, height) <= 2100 and height > width


def test_claim_without_expenses_and_non_latin_title_still_builds(sample_claim):
    inp = dataclasses.replace(
        sample_claim, expenses=[], letters=[], warnings=[], title="Claim \u2014 caf\u00e9 \u6771\u4eac"
    )
    info, pdf = build(inp)
    assert info.page_count == info.cover_pages + 4  # receipts supplied without expenses still go in
    cover = page_texts(pdf)[0]
    assert "Total (0 expenses)" in cover and "$0.00" in cover and "caf\u00e9" in cover


def test_document_pages_are_stamped_without_rewriting_their_content(sample_claim):
    # The stamp is an extra content stream: the document's own stream stays byte for byte.
    info, pdf = build(sample_claim)
    original = PdfReader(io.BytesIO(sample_claim.receipts[2].data)).pages[0].get_contents().get_data()
    page = PdfReader(io.BytesIO(pdf)).pages[info.receipt_pages[1] - 1]
    streams = [ref.get_object().get_data() for ref in page["/Contents"]]
    assert original in streams
    assert len(streams) == 3  # save state, the document's stream, restore + stamp


def test_jpeg_photo_is_embedded_as_is(sample_claim):
    info, pdf = build(sample_claim)
    page = PdfReader(io.BytesIO(pdf)).pages[info.receipt_pages[3] - 1]
    (image,) = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert image["/Filter"] == "/DCTDecode"
    assert image._data == sample_claim.receipts[0].data  # the photo, not decoded or re-encoded


def test_cover_text_reads_back_cleanly(sample_claim):
    # No glyph codes that text extraction cannot name (reportlab sets U+2022 as WinAnsi 127).
    info, pdf = build(sample_claim)
    cover = "\n".join(page_texts(pdf)[: info.cover_pages])
    assert "(cid:" not in cover and "\x7f" not in cover
    assert "Compression socks: the letter from Dr. Ortiz expires on 2026-06-20." in cover


def test_title_with_pdf_string_delimiters_is_stamped_verbatim(sample_claim):
    title = "Claim (draft) \\ caf\u00e9 \u2014 100%"
    info, pdf = build(dataclasses.replace(sample_claim, title=title))
    for number, text in enumerate(page_texts(pdf), start=1):
        assert title in text and f"Page {number} of {info.page_count}" in text


def test_word_too_long_for_its_column_is_cut_to_stay_inside(sample_claim):
    long_merchant = "Supercalifragilisticexpialidocious-Pharmacy-Holdings"
    expenses = [dataclasses.replace(sample_claim.expenses[0], merchant=long_merchant), *sample_claim.expenses[1:]]
    _, pdf = build(dataclasses.replace(sample_claim, expenses=expenses))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        words = page.extract_words()
        merchant = next(w for w in words if w["text"] == "Merchant")  # the column's header ...
        description = next(w for w in words if w["text"] == "Description")  # ... and the next one's
        second_row = next(w for w in words if w["text"] == "Lakeside" and w["top"] > merchant["bottom"])
        cell = [
            c
            for c in page.chars
            if merchant["x0"] - 1 <= c["x0"] < description["x0"] and merchant["bottom"] < c["top"] < second_row["top"]
        ]
    cell.sort(key=lambda c: (round(c["top"]), c["x0"]))
    assert "".join(c["text"] for c in cell) == long_merchant  # all of it, over several lines
    assert len({round(c["top"]) for c in cell}) > 1
    assert max(c["x1"] for c in cell) < description["x0"]
