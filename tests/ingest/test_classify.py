"""Receipt, letter or other: explanations of benefits, statements and marketing are "other"."""

from __future__ import annotations

import pytest

from hsawallet.ingest.classify import classify, reads_as_letter
from hsawallet.ingest.model import PageText

RECEIPT = """\
MAPLEWOOD MARKET
04/02/2026 10:15 REG 02 TRN 4471
ADHESIVE BANDAGES 30CT 4.49 F
SUBTOTAL 4.49
TAX 0.00
TOTAL 4.49
VISA **** 4821 4.49
THANK YOU FOR SHOPPING WITH US
"""
SERVICE_RECEIPT = """\
Lotus Point Acupuncture
STATEMENT OF SERVICES / RECEIPT
Date of service: 09/29/2025
Client: Monica Delgado
97813 Acupuncture w/ electrical stim 1 $95.00
Subtotal $95.00
Total paid $95.00
Paid by Discover x9603
"""
ONLINE = """\
Peakline Outfitters
Order Confirmation
Order placed: March 4, 2026
Item Qty Price Total
Foam roller 1 $24.00 $24.00
Order total $24.00
Payment method: Visa ending in 1234
"""
LETTER = """\
Cedar Valley Family Practice
April 14, 2026
RE: Letter of Medical Necessity
Patient: Gordon R. Quintero
To Whom It May Concern:
My patient is under my care for low back pain (ICD-10-CM M54.50). Massage therapy is medically necessary.
Sincerely,
Quentin L. Villanueva, MD
NPI: 1234567893
"""
EOB = """\
Prairie Mutual Health EXPLANATION OF BENEFITS
THIS IS NOT A BILL
Statement date: 10/13/2025
Member: Neil Kowalczyk Member ID: PMH14198961
Claim number: 49-5851056
Service Date Billed Discount Plan paid You owe
Office visit 09/12/2025 $320.00 $112.00 $163.00 $45.00
Totals $320.00 $112.00 $163.00 $45.00
"""
STATEMENT = """\
Canyon Family Care
PATIENT ACCOUNT STATEMENT
Statement date: 11/02/2025
Previous balance $120.00
Payments received -$50.00
New balance $70.00
Amount due $70.00  Due date: 12/01/2025
Please remit payment to the address below.
"""
MARKETING = """\
Peakline Outfitters
October 31, 2025
Dear Natalie,
Your FSA dollars go further! Save 20% on hundreds of eligible essentials. Stock up today.
Pulse oximeter, fingertip: now $23.99 (reg. $29.99)
Use code SAVE20 at checkout. This is not a receipt or an invoice.
"""


def pages(text: str) -> list[PageText]:
    return [PageText(index=0, text=text, source="text", confidence=1.0)]


@pytest.mark.parametrize(
    "text, kind",
    [
        (RECEIPT, "receipt"),
        (SERVICE_RECEIPT, "receipt"),
        (ONLINE, "receipt"),
        (LETTER, "letter"),
        (EOB, "other"),
        (STATEMENT, "other"),
        (MARKETING, "other"),
    ],
)
def test_kinds(text, kind):
    found, confidence = classify(pages(text))
    assert found == kind
    assert 0.5 <= confidence <= 1.0


def test_blank_or_debris_is_other_with_low_confidence():
    kind, confidence = classify(pages("~~ |; ."))
    assert kind == "other" and confidence < 0.5


def test_a_letter_spread_over_pages():
    first, second = LETTER.split("Sincerely,")
    document = [PageText(0, first, "ocr", 0.8), PageText(1, "Sincerely," + second, "ocr", 0.8)]
    assert classify(document)[0] == "letter"


@pytest.mark.parametrize(
    "text, letter",
    [
        (LETTER, True),
        ("Sincerely,\nQuentin L. Villanueva, MD\nNPI: 1234567893\nProvider signature  Date 04/14/2026", True),
        (RECEIPT, False),
        (SERVICE_RECEIPT, False),
        ("", False),
    ],
    ids=["letter", "signature page alone", "till slip", "service receipt", "blank"],
)
def test_a_page_alone_reads_as_a_letter_or_not(text, letter):
    # OCR measures boxes and signatures only on pages that read as a letter's
    assert reads_as_letter(text) is letter
