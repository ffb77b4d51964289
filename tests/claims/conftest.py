"""Claim inputs generated on the fly: text PDFs with reportlab, photos with Pillow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from claim_inputs import document, photo_receipt, text_pdf

from hsawallet.claims.model import ClaimExpense, ClaimPacketInput


@pytest.fixture
def sample_claim() -> ClaimPacketInput:
    """Three receipts (text PDF, 2-page PDF, JPEG photo); one letter covers two expenses."""
    pdf_receipt = document(
        1, "pharmacy.pdf", text_pdf([["Corner Pharmacy", "Bandages 12.50", "TOTAL 12.50"]]), "application/pdf"
    )
    two_page = document(
        2, "clinic statement.pdf", text_pdf([["Lakeside Clinic", "Visit"], ["Balance due 80.00"]]), "application/pdf"
    )
    photo = document(3, "IMG_0001.jpg", photo_receipt(["FRESH MART", "Glucose strips", "TOTAL 42.17"]), "image/jpeg")
    letter = document(10, "lmn.pdf", text_pdf([["Letter of Medical Necessity", "Dr. Lee"]]), "application/pdf")
    letter_two = document(11, "lmn-2.pdf", text_pdf([["Letter of Medical Necessity", "Dr. Ortiz"]]), "application/pdf")
    expenses = [
        ClaimExpense(101, 1, 1, date(2026, 1, 3), "Corner Pharmacy", "Bandages", Decimal("12.50"), "Alex", None, None),
        ClaimExpense(
            201,
            2,
            2,
            date(2026, 1, 9),
            "Lakeside Clinic",
            "Physical therapy visit",
            Decimal("80.00"),
            "Alex",
            10,
            "Dr. Lee, 2026-01-02",
        ),
        ClaimExpense(
            301,
            3,
            3,
            date(2026, 2, 1),
            "Fresh Mart",
            "Glucose test strips",
            Decimal("42.17"),
            "Sam",
            10,
            "Dr. Lee, 2026-01-02",
        ),
        ClaimExpense(
            302,
            3,
            3,
            date(2026, 2, 1),
            "Fresh Mart",
            "Compression socks",
            Decimal("19.99"),
            "Sam",
            11,
            "Dr. Ortiz, 2025-12-20",
        ),
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
