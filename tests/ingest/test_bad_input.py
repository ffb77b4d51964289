"""Bad files give a specific IngestError, in-process and through the worker pool."""

from __future__ import annotations

import random

import pytest

from hsawallet.ingest.images import load_pages
from hsawallet.ingest.model import IngestError, ReadResult
from hsawallet.ingest.pipeline import extract_pages
from hsawallet.ingest.pool import read_many
from hsawallet.ingest.sniff import sniff


def random_bytes() -> bytes:
    return random.Random(7).randbytes(4096)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00" * 100, "the file is empty"),
        (b"PK\x03\x04\x14\x00rest", "looks like a ZIP archive"),
        (b"GIF89a\x01\x00", "looks like a GIF image"),
        (b"hello, this is a note\n", "looks like a plain text file"),
        (b"<!DOCTYPE html><html></html>", "web page"),
        (random_bytes(), "not a supported document type"),
    ],
)
def test_sniff_rejects(data, message):
    with pytest.raises(IngestError, match=message):
        sniff(data)


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
    ],
)
def test_sniff_accepts(head, media_type):
    assert sniff(head + b"\x00" * 64) == media_type


def test_zip_archive(zip_file):
    with pytest.raises(IngestError, match="not a supported document type: looks like a ZIP archive"):
        sniff(zip_file)


def test_password_protected_pdf(encrypted_pdf):
    with pytest.raises(IngestError, match="password-protected"):
        extract_pages(encrypted_pdf, sniff(encrypted_pdf))


def test_truncated_pdf(truncated_pdf):
    with pytest.raises(IngestError, match="damaged or incomplete"):
        extract_pages(truncated_pdf, sniff(truncated_pdf))


def test_image_above_the_pixel_cap_is_refused_before_decoding(huge_png):
    with pytest.raises(IngestError, match=r"image too large \(400 megapixels; the limit is 80\)"):
        load_pages(huge_png, sniff(huge_png))


def test_truncated_image(receipt_photo):
    with pytest.raises(IngestError, match="damaged"):
        load_pages(receipt_photo[:2000], "image/jpeg")


def test_one_bad_file_does_not_stop_a_batch(
    receipt_text_pdf, encrypted_pdf, truncated_pdf, pdf_bomb, huge_png, zip_file, receipt_photo
):
    jobs = [
        ("good.pdf", receipt_text_pdf),
        ("empty.pdf", b""),
        ("random.bin", random_bytes()),
        ("truncated.pdf", truncated_pdf),
        ("locked.pdf", encrypted_pdf),
        ("bomb.pdf", pdf_bomb),
        ("huge.png", huge_png),
        ("archive.zip", zip_file),
        ("photo.jpg", receipt_photo),
    ]
    outcomes = dict(read_many(((name, data, name) for name, data in jobs), workers=2, timeout_s=60, memory_mb=800))
    assert set(outcomes) == {name for name, _ in jobs}
    for good in ("good.pdf", "photo.jpg"):
        assert isinstance(outcomes[good], ReadResult), outcomes[good]
        assert "42.17" in outcomes[good].pages[0].text
    expected_messages = {
        "empty.pdf": "the file is empty",
        "random.bin": "not a supported document type",
        "truncated.pdf": "damaged or incomplete",
        "locked.pdf": "password-protected",
        "bomb.pdf": "memory",
        "huge.png": "image too large (400 megapixels",
        "archive.zip": "looks like a ZIP archive",
    }
    for name, message in expected_messages.items():
        outcome = outcomes[name]
        assert isinstance(outcome, IngestError), name
        assert message in str(outcome), (name, str(outcome))
