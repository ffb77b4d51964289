"""The worker pool: limits, replacement of killed workers, no files left behind."""

from __future__ import annotations

import os
import tempfile

import pytest
from conftest import scanned_pdf

from hsawallet.ingest.model import IngestError, ReadResult
from hsawallet.ingest.pool import read_many, read_one


@pytest.fixture(scope="module")
def long_scanned_pdf(receipt_page) -> bytes:
    """Forty image-only pages: minutes of OCR, far beyond the short limit used below."""
    return scanned_pdf([receipt_page] * 40)


def test_a_job_over_its_time_limit_is_stopped_and_the_batch_goes_on(long_scanned_pdf, receipt_text_pdf):
    jobs = [("slow", long_scanned_pdf, "slow.pdf"), ("fast", receipt_text_pdf, "fast.pdf")]
    outcomes = dict(read_many(jobs, workers=1, timeout_s=3))
    assert isinstance(outcomes["slow"], IngestError)
    assert "took longer than 3 seconds" in str(outcomes["slow"])
    assert isinstance(outcomes["fast"], ReadResult)  # ran in a fresh worker after the kill
    assert "42.17" in outcomes["fast"].pages[0].text


def test_a_job_over_its_memory_limit_fails_alone(pdf_bomb, receipt_text_pdf):
    jobs = [("bomb", pdf_bomb, "bomb.pdf"), ("good", receipt_text_pdf, "good.pdf")]
    outcomes = dict(read_many(jobs, workers=1, memory_mb=700, timeout_s=60))
    assert isinstance(outcomes["bomb"], IngestError)
    assert "memory" in str(outcomes["bomb"])
    assert isinstance(outcomes["good"], ReadResult)


def test_results_come_back_for_every_key_with_two_workers(receipt_text_pdf, receipt_scan_pdf, receipt_photo):
    jobs = [
        (index, data, f"doc{index}")
        for index, data in enumerate([receipt_text_pdf, receipt_scan_pdf, receipt_photo] * 2)
    ]
    outcomes = dict(read_many(iter(jobs), workers=2))
    assert sorted(outcomes) == list(range(6))
    for outcome in outcomes.values():
        assert isinstance(outcome, ReadResult)
        assert "42.17" in outcome.pages[0].text


def test_read_one_raises_ingest_error(encrypted_pdf):
    with pytest.raises(IngestError, match="password-protected"):
        read_one(encrypted_pdf, "locked.pdf")


def _listing(folder: str) -> set[str]:
    return set(os.listdir(folder))


def test_ocr_through_the_pool_leaves_no_file_in_the_temp_folder(tmp_path, monkeypatch, receipt_photo, receipt_scan_pdf):
    worker_temp = tmp_path / "worker-tmp"
    worker_temp.mkdir()
    system_temp = tempfile.gettempdir()
    before = _listing(system_temp)
    monkeypatch.setenv("TMPDIR", str(worker_temp))  # spawned workers (and tesseract) inherit it
    result = read_one(receipt_photo, "photo.jpg")
    assert result.pages[0].source == "ocr"
    assert "42.17" in result.pages[0].text
    scanned = read_one(receipt_scan_pdf, "scan.pdf")
    assert scanned.pages[0].source == "ocr"
    assert list(worker_temp.iterdir()) == []
    # Other programs may use the shared temp folder meanwhile; look for what OCR tools leave.
    new_entries = _listing(system_temp) - before
    assert not [
        name
        for name in new_entries
        if name.startswith(("tess", "pytesseract")) or name.endswith((".ppm", ".tsv", ".hocr"))
    ]
