"""Receipt fields from page texts of typical layouts, and the date and money readers they use."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from hsawallet.ingest.dates import default_valid_through, find_dates, parse_date
from hsawallet.ingest.model import PageText
from hsawallet.ingest.money import find_amounts, parse_money
from hsawallet.ingest.receipt import natural_name, parse_receipt


def pages(*texts: str, source: str = "text") -> list[PageText]:
    return [PageText(index=i, text=t, source=source, confidence=1.0 if source == "text" else 0.85) for i, t in enumerate(texts)]


RETAIL = """\
MAPLEWOOD MARKET
STORE #0412 88 ELM STREET
SPRINGFIELD, IL 62701
(217) 555-0142
04/02/2026 10:15 REG 02 TRN 4471
CASHIER: 118
ADHESIVE BANDAGES 30CT 4.49 F
IBUPROFEN 200MG 100CT 8.99 F
PAPER TOWELS 6PK 11.99 T
DARK CHOC BAR
2 @ 2.49 4.98 T
SUBTOTAL 30.45
TAX 6.25% ON 16.97 1.06
TOTAL 31.51
VISA **** **** **** 4821 31.51
AUTH CODE 551203
F = FSA/HSA ELIGIBLE ITEM
HEALTHCARE ELIGIBLE TOTAL 13.48
THANK YOU FOR SHOPPING WITH US
"""


def test_retail_receipt_with_items_and_tax():
    fields = parse_receipt(pages(RETAIL))
    assert fields.merchant == "MAPLEWOOD MARKET"
    assert fields.date == date(2026, 4, 2)
    assert fields.subtotal == Decimal("30.45")
    assert fields.tax == Decimal("1.06")
    assert fields.total == Decimal("31.51")  # not the "eligible total"
    assert fields.card_last4 == "4821"
    assert fields.patient is None
    amounts = [item.amount for item in fields.items]
    assert amounts == [Decimal("4.49"), Decimal("8.99"), Decimal("11.99"), Decimal("4.98")]
    by_description = {item.description: item for item in fields.items}
    assert by_description["ADHESIVE BANDAGES 30CT"].category == "otc_eligible"
    assert by_description["PAPER TOWELS 6PK"].category == "not_eligible"
    assert not any(item.needs_lmn for item in fields.items)
    assert fields.confidence["total"] >= 0.9  # subtotal + tax add up
    assert set(fields.confidence) == {"merchant", "date", "total", "subtotal", "tax", "card_last4", "patient"}


PHARMACY = """\
RIVERBEND PHARMACY
PHARMACY & WELLNESS
STORE #0077 12 MILL RD
AUSTIN, TX 78701
11/05/2025 18:02 REG 04 TRN 0912
RX 7731904 LISINOPRIL 10MG 12.00 F
PATIENT: DELGADO, SCOTT
VIT D3 2000IU SOFTGEL 90CT 9.99 F
GREETING CARD 3.49 T
SUBTOTAL 25.48
TAX 8.25% ON 3.49 0.29
TOTAL 25.77
MASTERCARD **** **** **** 3701 25.77
"""


def test_pharmacy_receipt_with_rx_line_and_patient():
    fields = parse_receipt(pages(PHARMACY, source="ocr"))
    assert fields.merchant == "RIVERBEND PHARMACY"
    assert fields.patient == "Scott Delgado"
    assert fields.total == Decimal("25.77")
    assert fields.tax == Decimal("0.29")
    assert fields.card_last4 == "3701"
    categories = [item.category for item in fields.items]
    assert categories == ["rx", "supplements", "not_eligible"]
    assert [item.needs_lmn for item in fields.items] == [False, True, False]


SERVICE = """\
Quiet Harbor Massage Therapy
410 Lakeview Ter | Duluth, MN 55802 | (218) 555-0126
Corinne Abbott, LMT (MT 20418)
STATEMENT OF SERVICES / RECEIPT
Receipt no.: 10019
Date of service: 11/16/2026
Client: Michael A. Delgado
Code Description Units Amount
97124 Therapeutic massage, 60 min 3 $285.00
97140 Myofascial release, 30 min 1 $60.00
Gratuity 1 $20.00
Subtotal $365.00
Sales tax $0.00
Total paid $365.00
Paid by Discover x9603
Provider tax ID: 84-4592997
"""


def test_service_invoice_with_client_and_code_column():
    fields = parse_receipt(pages(SERVICE))
    assert fields.merchant == "Quiet Harbor Massage Therapy"
    assert fields.date == date(2026, 11, 16)
    assert fields.patient == "Michael A. Delgado"
    assert fields.total == Decimal("365.00")
    assert fields.tax == Decimal("0.00")
    assert fields.card_last4 == "9603"
    assert [i.description for i in fields.items] == ["Therapeutic massage, 60 min", "Myofascial release, 30 min", "Gratuity"]
    assert [i.category for i in fields.items] == ["massage", "massage", "not_eligible"]
    assert [i.amount for i in fields.items] == [Decimal("285.00"), Decimal("60.00"), Decimal("20.00")]


ONLINE_PAGE_1 = """\
Peakline Outfitters
peakline.example
Order Confirmation
Order #PK-5069-4276
Order placed: March 4, 2026
Ship to:
Jane Sample
1041 Cedar Crest Dr
Boulder, CO 80302
Item Qty Price Total
Adjustable resistance band set (5 bands) 1 $29.95 $29.95
Gift wrap 1 $4.99 $4.99
Customers who bought these items also viewed
Foam roller, 18 in $24.00
"""
ONLINE_PAGE_2 = """\
Subtotal $34.94
Shipping & handling $6.49
Estimated tax $2.52
Order total $43.95
Payment method: Visa ending in 1234
"""


def test_online_order_with_shipping_over_two_pages():
    fields = parse_receipt(pages(ONLINE_PAGE_1, ONLINE_PAGE_2))
    assert fields.merchant == "Peakline Outfitters"
    assert fields.date == date(2026, 3, 4)
    assert fields.subtotal == Decimal("34.94")
    assert fields.tax == Decimal("2.52")
    assert fields.total == Decimal("43.95")
    assert fields.card_last4 == "1234"
    # the "also viewed" suggestion is not a purchase
    assert [(i.description, i.amount) for i in fields.items] == [
        ("Adjustable resistance band set (5 bands)", Decimal("29.95")),
        ("Gift wrap", Decimal("4.99")),
    ]
    assert fields.items[0].category == "fitness" and fields.items[0].needs_lmn


DAY_FIRST = """\
KEDAI RUNCIT MAJU SDN BHD
(123456-A)
NO. 5, JALAN BESAR, 45600 SELANGOR
TEL: 03-3271 9872
SIMPLIFIED TAX INVOICE
Receipt No.: CS1801/26874 Date: 05/03/2018
PLASTIC RULER 30CM 1 3.30
SUB-TOTAL (EX) : 4.60
TOTAL TAX : 0.28
ROUNDING : 0.02
TOTAL : 4.90
CASH 10.00
CHANGE 5.10
GST SUMMARY
SR 6.00 4.60 0.28
TOTAL: 4.60 0.28
"""


def test_day_first_receipt_with_tax_summary_after_the_total():
    fields = parse_receipt(pages(DAY_FIRST, source="ocr"), date_order="dmy")
    assert fields.merchant == "KEDAI RUNCIT MAJU SDN BHD"
    assert fields.date == date(2018, 3, 5)
    assert fields.total == Decimal("4.90")
    assert parse_receipt(pages(DAY_FIRST, source="ocr"), date_order="mdy").date == date(2018, 5, 3)


def test_total_from_cash_less_change_when_the_total_line_is_unreadable():
    text = "CORNER CAFE\n12/01/2025\nNASI LEMAK 8.50\nTOTAL ~~~\nCASH 20.00\nCHANGE 11.50\n"
    assert parse_receipt(pages(text, source="ocr")).total == Decimal("8.50")


@pytest.mark.parametrize(
    "line, last4",
    [
        ("Payment method: Mastercard ending in 3701", "3701"),
        ("Paid by Discover x9603", "9603"),
        ("VISA ************1234", "1234"),
        ("DISCOVER **** *#** ###* 9603 60.72", "9603"),
        ("AMEX XXXX-XXXX-XXXX-1005", "1005"),
    ],
)
def test_card_last_four(line, last4):
    text = f"SOME STORE\n01/02/2026\nITEM 5.00\nTOTAL 5.00\n{line}\n"
    assert parse_receipt(pages(text)).card_last4 == last4


@pytest.mark.parametrize(
    "raw, natural",
    [("DELGADO, SCOTT", "Scott Delgado"), ("Monica Delgado", "Monica Delgado"), ("OKAFOR, KEITH A.", "Keith A. Okafor"),
     ("TANAKA-REYES, COLLEEN", "Colleen Tanaka-Reyes")],
)
def test_natural_name(raw, natural):
    assert natural_name(raw) == natural


def test_empty_pages_give_empty_fields():
    fields = parse_receipt(pages(""))
    assert fields.total is None and fields.merchant is None and fields.items == []


def test_receipt_from_a_generated_text_pdf():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    y = 720
    for line in SERVICE.splitlines():
        pdf.drawString(72, y, line)
        y -= 16
    pdf.showPage()
    pdf.save()
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as document:
        texts = [page.extract_text() or "" for page in document.pages]
    fields = parse_receipt(pages(*texts))
    assert fields.total == Decimal("365.00")
    assert fields.patient == "Michael A. Delgado"


# ---- the date and money readers


@pytest.mark.parametrize(
    "text, order, expected",
    [
        ("03/04/2026", "mdy", date(2026, 3, 4)),
        ("03/04/2026", "dmy", date(2026, 4, 3)),
        ("19/10/2018", "mdy", date(2018, 10, 19)),  # day > 12 decides
        ("12/28/2017", "dmy", date(2017, 12, 28)),
        ("25 DEC 2018", "dmy", date(2018, 12, 25)),
        ("20180101", "dmy", date(2018, 1, 1)),
        ("2026-03-04", "dmy", date(2026, 3, 4)),
        ("Order placed: March 4, 2026", "dmy", date(2026, 3, 4)),
        ("12-Jan-18", "mdy", date(2018, 1, 12)),
        ("26/03/04", "ymd", date(2026, 3, 4)),
        ("Sept. 3rd, 2025", "mdy", date(2025, 9, 3)),
    ],
)
def test_dates_in_printed_forms(text, order, expected):
    assert parse_date(text, order) == expected


def test_dates_ignore_phone_numbers_and_times():
    assert find_dates("Tel (928) 555-0150 1-800-555-0177 17:24") == []


def test_default_valid_through_is_twelve_months_less_a_day():
    assert default_valid_through(date(2026, 3, 12)) == date(2027, 3, 11)
    assert default_valid_through(date(2024, 2, 29)) == date(2025, 2, 27)


@pytest.mark.parametrize(
    "text, value",
    [("$1,234.50", "1234.50"), ("12.00-", "-12.00"), ("(4.99)", "-4.99"), ("RM 8.50", "8.50"), ("42", "42.00"),
     ("12,99", "12.99")],
)
def test_money(text, value):
    assert parse_money(text) == Decimal(value)


def test_money_skips_percentages_and_counts():
    assert [a.value for a in find_amounts("TAX 8.845% ON 49.99 4.42")] == [Decimal("49.99"), Decimal("4.42")]
    assert find_amounts("Vitamin D3 (2,000 IU daily)") == []
    assert [a.value for a in find_amounts("TOTAL - 80.08")] == [Decimal("80.08")]  # a dash, not a minus


def test_ocr_repairs_of_a_scanned_till_slip():
    text = (
        "pee FERNWOOD GENERAL STORE <y\nSTORE #0021 77 WILLAMETTE ST\n"
        "2-22-22 --2---2---=----\n03/27/2078 19:55 REG 08 TRN 9410\n"
        "READING GLASSES +1.50 14.99 F\nfotal 14.99\nVISA KKK KKK KKK 6592 14.99\n"
    )
    fields = parse_receipt(pages(text, source="ocr"))
    assert fields.merchant == "FERNWOOD GENERAL STORE"
    assert fields.date == date(2018, 3, 27)  # "2078": OCR's 1 read as 7
    assert fields.total == Decimal("14.99")
    assert fields.card_last4 == "6592"
