"""Text comes out of every kind of document: text layer, scan, photo, rotated photo, pages."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from hsawallet.ingest.images import load_pages
from hsawallet.ingest.pipeline import extract_pages
from hsawallet.ingest.render import page_count, page_images
from hsawallet.ingest.sniff import sniff


def _normalized(text: str) -> str:
    return " ".join(text.upper().split())


def assert_receipt_text(text: str) -> None:
    flat = _normalized(text)
    assert "GREENLEAF PHARMACY" in flat
    assert "42.17" in flat
    assert "03/14/2026" in flat


def test_text_pdf_uses_the_text_layer(receipt_text_pdf):
    pages = extract_pages(receipt_text_pdf, sniff(receipt_text_pdf))
    assert [page.source for page in pages] == ["text"]
    assert pages[0].confidence == 1.0
    assert_receipt_text(pages[0].text)


def test_image_only_pdf_is_ocred(receipt_scan_pdf):
    pages = extract_pages(receipt_scan_pdf, "application/pdf")
    assert pages[0].source == "ocr"
    assert pages[0].confidence > 0.7
    assert_receipt_text(pages[0].text)


def test_two_page_pdf_mixes_text_layer_and_ocr(two_page_pdf):
    pages = extract_pages(two_page_pdf, "application/pdf")
    assert [(page.index, page.source) for page in pages] == [(0, "text"), (1, "ocr")]
    assert_receipt_text(pages[0].text)
    second = _normalized(pages[1].text)
    assert "MEDICAL NECESSITY" in second
    assert "M54.16" in second


def test_photo_on_a_dark_table(receipt_photo):
    pages = extract_pages(receipt_photo, sniff(receipt_photo))
    assert sniff(receipt_photo) == "image/jpeg"
    assert_receipt_text(pages[0].text)


def test_photo_turned_sideways_without_exif_is_turned_back(sideways_photo):
    pages = extract_pages(sideways_photo, "image/jpeg")
    assert_receipt_text(pages[0].text)


def test_photo_with_exif_orientation_6(exif_rotated_photo):
    stored = Image.open(io.BytesIO(exif_rotated_photo))
    assert stored.height > stored.width  # the (landscape) page is stored sideways
    upright = load_pages(exif_rotated_photo, "image/jpeg")[0]
    assert upright.size == (stored.height, stored.width)
    assert_receipt_text(extract_pages(exif_rotated_photo, "image/jpeg")[0].text)


def test_multi_frame_tiff_gives_pages(multi_frame_tiff):
    assert sniff(multi_frame_tiff) == "image/tiff"
    assert page_count(multi_frame_tiff, "image/tiff") == 2
    pages = extract_pages(multi_frame_tiff, "image/tiff")
    assert len(pages) == 2
    assert_receipt_text(pages[0].text)
    assert "MEDICAL NECESSITY" in _normalized(pages[1].text)


def test_heic_is_sniffed_and_decoded(receipt_page):
    pillow_heif = pytest.importorskip("pillow_heif")
    heif = pillow_heif.from_pillow(receipt_page.convert("RGB"))
    buffer = io.BytesIO()
    heif.save(buffer, quality=90)
    data = buffer.getvalue()
    assert sniff(data) == "image/heic"
    (image,) = load_pages(data, "image/heic")
    assert image.size == receipt_page.size


def test_render_pdf_pages_at_requested_dpi(two_page_pdf):
    images = page_images(two_page_pdf, "application/pdf", dpi=72)
    assert [image.size for image in images] == [(612, 792), (612, 792)]
    assert page_count(two_page_pdf, "application/pdf") == 2


def test_render_photo_is_upright(exif_rotated_photo):
    (image,) = page_images(exif_rotated_photo, "image/jpeg")
    assert image.width > image.height  # the landscape page, no longer sideways
