"""The whole reading path (worker process, text or OCR, classify, parse) on generated documents.

Each rendering of a receipt and of a letter must come out with the right kind and key fields.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PIL import Image

from hsawallet.ingest.pool import read_many, read_one
from tests.ingest.conftest import jpeg, page_image, photo_of, scanned_pdf, text_pdf

RECEIPT = [
    "HARBOR FITNESS CLUB",
    "120 Main Street, Springfield",
    "Date: 03/02/2026",
    "Monthly gym membership        49.00",
    "Subtotal                      49.00",
    "Tax                            0.00",
    "TOTAL                         49.00",
    "VISA **** 4242",
]

LETTER = [
    "LETTER OF MEDICAL NECESSITY",
    "Date: January 15, 2026",
    "Patient: Monica Delgado   DOB: 03/01/1984",
    "Diagnosis: Obesity, unspecified (ICD-10: E66.9)",
    "I recommend a supervised gym membership.",
    "This treatment is medically necessary to treat",
    "the patient's obesity. Duration: 12 months.",
    "Frequency: 3 times per week.",
    "/s/ Ana Lee, MD",
    "Ana Lee, MD  License: MD-123456",
    "NPI: 1234567893",
    "Springfield Clinic, (555) 010-0199",
]


def check_receipt(result) -> None:
    assert result.kind == "receipt"
    fields = result.receipt
    assert fields.date == date(2026, 3, 2)
    assert fields.total == Decimal("49.00")
    assert fields.merchant and "harbor fitness" in fields.merchant.lower()
    assert any(item.category == "fitness" and item.needs_lmn for item in fields.items)


def check_letter(result) -> None:
    assert result.kind == "letter"
    fields = result.letter
    assert fields.patient_name == "Monica Delgado"
    assert fields.icd10 == ["E66.9"]
    assert fields.provider_npi == "1234567893"
    assert fields.issue_date == date(2026, 1, 15)
    assert fields.valid_through == date(2027, 1, 14) and not fields.valid_through_stated
    assert "fitness" in fields.categories


@pytest.fixture(scope="module")
def documents() -> dict[str, bytes]:
    receipt_page = page_image(RECEIPT, font_size=13)
    letter_page = page_image(LETTER, font_size=12)
    return {
        "receipt.pdf": text_pdf([RECEIPT]),
        "receipt-scan.pdf": scanned_pdf([receipt_page]),
        "receipt-photo.jpg": jpeg(photo_of(receipt_page).transpose(Image.Transpose.ROTATE_270)),
        "two-pages.pdf": scanned_pdf([None, receipt_page], text_pages={0: RECEIPT[:3]}),
        "letter.pdf": text_pdf([LETTER], font_size=11),
        "letter-photo.jpg": jpeg(photo_of(letter_page)),
    }


@pytest.fixture(scope="module")
def results(documents):
    jobs = [(name, data, name) for name, data in documents.items()]
    return dict(read_many(jobs, workers=2))


@pytest.mark.parametrize("name", ["receipt.pdf", "receipt-scan.pdf", "receipt-photo.jpg"])
def test_receipt_renderings(results, name):
    check_receipt(results[name])


def test_two_page_pdf_reads_both_pages(results):
    result = results["two-pages.pdf"]
    assert result.page_count == 2 and [p.source for p in result.pages] == ["text", "ocr"]
    check_receipt(result)


@pytest.mark.parametrize("name", ["letter.pdf", "letter-photo.jpg"])
def test_letter_renderings(results, name):
    check_letter(results[name])


def test_read_one_matches_the_pool(documents, results):
    alone = read_one(documents["letter.pdf"], "letter.pdf")
    assert alone.letter == results["letter.pdf"].letter


def test_a_second_letter_read_fills_gaps_but_never_replaces_a_value():
    from hsawallet.ingest.model import LetterFields
    from hsawallet.ingest.pipeline import _fill_letter_gaps

    first = LetterFields(
        patient_name="Monica Delgado",
        icd10=[],
        issue_date=None,
        missing=["icd10", "issue_date", "signature"],
        confidence={"patient_name": 0.9},
    )
    second = LetterFields(
        patient_name="Monica Delgad0",
        icd10=["E66.9"],
        diagnosis="Obesity, unspecified",
        issue_date=date(2026, 1, 15),
        valid_through=date(2027, 1, 14),
        missing=["signature"],
        confidence={"icd10": 0.8},
    )
    _fill_letter_gaps(first, second)
    assert first.patient_name == "Monica Delgado"
    assert first.icd10 == ["E66.9"] and first.diagnosis == "Obesity, unspecified"
    assert first.issue_date == date(2026, 1, 15) and first.valid_through == date(2027, 1, 14)
    assert first.missing == ["signature"] and first.confidence["icd10"] == 0.8
