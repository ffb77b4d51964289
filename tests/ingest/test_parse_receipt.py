"""Receipt fields from page texts of typical layouts, and the date and money readers they use."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from hsawallet.ingest.dates import (
    default_valid_through,
    find_dates,
    parse_date,
    repair_day_month,
    repair_month_names,
)
from hsawallet.ingest.model import PageText
from hsawallet.ingest.money import find_amounts, looks_misread, parse_money, round_to_nickel
from hsawallet.ingest.names import natural_name
from hsawallet.ingest.receipt import parse_receipt


def pages(*texts: str, source: str = "text") -> list[PageText]:
    return [
        PageText(index=i, text=t, source=source, confidence=1.0 if source == "text" else 0.85)
        for i, t in enumerate(texts)
    ]


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
    assert [i.description for i in fields.items] == [
        "Therapeutic massage, 60 min",
        "Myofascial release, 30 min",
        "Gratuity",
    ]
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


# ---- cross-checking a misread total against other amounts on the slip

GST_SLIP = """\
KEDAI ALAT TULIS CAHAYA
(998877-K)
NO. 8, JALAN MERANTI 3, 43000 KAJANG
Date: 14/06/2018 11:02
MARKER PEN BLUE 2 3.50 7.00
FILE CLIP BOX 1 2.86
Total Inclusive GST: {total}
Rounding Adj 0.00
CASH 00
Change 10.15
GST Summary
Code % Net Amt GST Total
SR 6% 9.30 0.56 9.86
THANK YOU
"""


def test_total_with_debris_before_its_digits_is_taken_from_the_tax_summary():
    # "9.86" rounded to five cents is 9.85; "749.85" carries OCR debris before its units digit
    mended = parse_receipt(pages(GST_SLIP.format(total="ie 749.85. )"), source="ocr"), date_order="dmy")
    assert mended.total == Decimal("9.85")
    clean = parse_receipt(pages(GST_SLIP.format(total="9.85"), source="ocr"), date_order="dmy")
    assert clean.total == Decimal("9.85")
    assert clean.confidence["total"] > mended.confidence["total"]


# Totals read by OCR (day-first slips) that the cross-checks must get right: each case is the
# slip's text and the total the parser must give.
OCR_TOTALS = [
    pytest.param(
        # 22.83 at 6% is 24.20 with tax; the "$" stands where OCR lost the "2"
        (
            "CITY BOOKSTORE SDN BHD\n15/02/18 16:20\nEXERCISE BOOK A4 12.40 T\nPEN REFILL 2pc @ 4.90 9.80 T\n"
            "Total RM Incl. of GST $4. 20\nItem Count 3\nGST Summary Amount (RM) Tax (RM)\n"
            "T @ 6% 22. 83 lt ZA\n@ 0% 0.00 0. 00\nTotal Savings 0.00\n"
        ),
        "24.20",
        id="total_that_lost_its_leading_digit_is_rebuilt_from_net_amount_and_rate",
    ),
    pytest.param(
        # 12.72 rounded to five cents; not the tax column of the summary's own total row
        (
            "SIGN MAKERS (M) SDN BHD\nDate 02/04/2018\nBANNER PRINT @ 12.00 12.72 SR\n"
            "Total Amt incl GST @ 6% -\nRounding Adjustment (0.02)\nFoal Nct Paycble : l2.70\n"
            "GST Summary Amount Tax\nSR @6% 12.00 0.72\n* Total 2.00 0.72\n"
        ),
        "12.70",
        id="tax_summary_gives_the_total_when_no_total_line_reads",
    ),
    pytest.param(
        # the zero-rated row alone would give 8.90, "a misread 48.90"
        (
            "KEDAI MAKAN SRI MAJU\n03/05/2018\nNASI AYAM 2 7.50 15.00\nTotal Incl. GST 48.90\n"
            "GST Summary Amount Tax\nSR @ 6% WB oy .\nZR 0% 8.90 0.00\n"
        ),
        "48.90",
        id="tax_summary_with_an_unreadable_row_is_not_used",
    ),
    pytest.param(
        (
            "TOKO BUKU MAWAR\nReceipt No.: CS1802/11 Date: 02/02/2018\nCOLOUR PENCILS 12S 1 12.90\n"
            "ROUNDING 0.00\nTOTAL : 42.90\nCASH 12.90\nCHANGE 0.00\n"
        ),
        "12.90",
        id="cash_less_change_corrects_a_total_a_digit_off",
    ),
    pytest.param(
        (
            "NOODLE HOUSE SDN BHD\n05 Apr 2018 12:30\nFRIED NOODLE 1 $3.4O\nTotal Amount: $3.40\n"
            "Nett Total: $3.40\nCASH $3.46\nChange $0.00\n"
        ),
        "3.40",
        id="total_confirmed_by_two_lines_is_kept_against_a_misread_cash_line",
    ),
    pytest.param(
        (
            "RESTORAN LAUT BIRU\nDate: 7/4/2018 19:20\nSteamed Fish 1 38.00\nFried Rice 2 6.50 13.00\n"
            "Sub Total Before Discount RM 51.00\nService Charge RM 0.00\nTotal Sales RM 51.00\n"
            "Rounding Adjustment RM 0.00\nTOTAL RM 81.00\n"
        ),
        "51.00",
        id="total_line_a_digit_off_the_subtotal_loses_to_one_that_agrees",
    ),
    pytest.param(
        # 10.00 off the subtotal, and the discount of 10.00 is printed: the total is right
        ("GADGET CORNER\n01/03/2018\nPHONE CASE 25.20\nSUBTOTAL 25.20\nDISCOUNT -10.00\nTOTAL 15.20\n"),
        "15.20",
        id="a_difference_printed_on_the_slip_is_no_misreading",
    ),
    pytest.param(
        # the summary gives 94.86, to five cents 94.85: two cents is a rounding, not a misread digit
        (
            "SYARIKAT BEKALAN JAYA\n03/01/2018\nPIPE CLIP 2 6.89 13.78 SR\nTotal Sales (Excluding GST) 89.50\n"
            "Total GST : 5.37\nRounding : 0.00\nTotal Sales (Inclusive of GST) : 94.87\n"
            "GST Summary\nTax Code % Amt(RM) Tax (RM)\nSR 6 89.50 5.36\n"
        ),
        "94.87",
        id="a_few_cents_off_the_rounded_summary_is_cash_rounding_not_a_misreading",
    ),
    pytest.param(
        (
            "HARDWARE HUB (M) SDN BHD\nLED BULB 9W COOL DAYLIGHT\n7701234 3X 4.20 12.€0\n"
            "Item(s) : 1 Qty(s) : 3\nTotal Incl. GST@6% RM 12.80\nCASH RM 20.00\nCHANGE RM &.40\n"
            "12-04-18 10:05 SH01 ZJ21\n"
        ),
        "12.60",
        id="quantity_times_price_corrects_a_total_a_digit_off",
    ),
    pytest.param(
        "WARUNG PAK ALI\n11/11/2017\nTEH TARIK 2.50\nROTI 1.30\nTOTAL ~~~\nGASH : 10,00\nGhange (RM) : 6.20\n",
        "3.80",
        id="ocr_g_for_c_in_cash_and_change_lines",
    ),
    pytest.param(
        "KOPITIAM SETIA\n12/12/2017\nKOPI O 2 1.80 3.60\nTOTAL 3.60\nTotal Oty = 2.00\n",
        "3.60",
        id="a_quantity_count_misread_as_oty_is_no_total",
    ),
]


@pytest.mark.parametrize(("text", "total"), OCR_TOTALS)
def test_ocr_total(text, total):
    assert parse_receipt(pages(text, source="ocr"), date_order="dmy").total == Decimal(total)


def test_tax_summary_rows_add_up_net_and_tax():
    from hsawallet.ingest.receipt import _lines, _tax_summary_gross

    def gross(*rows: str):
        return _tax_summary_gross(_lines(pages("GST Summary\n" + "\n".join(rows), source="ocr")), 0)

    assert gross("SR 6% 9.85 0.59 10.44") == Decimal("10.44")  # net, tax, gross columns
    assert gross("ZR 0% 20.00 0.00", "SR 6.00 16.98 1.02", "TOTAL: 36.98 1.02") == Decimal("38.00")
    assert gross("SR @ 6% 28.39") == Decimal("30.09")  # tax from the rate
    assert gross("SR @ 6% 10.00 0.90") is None  # the rate and the tax column disagree
    # a service charge is part of the GST base: adding its row would count it twice
    assert gross("SVC SERVICE CHARGE 10 150.00 15.00", "SR GST 6% 165.00 9.90") is None


def test_text_layer_totals_are_not_taken_for_ocr_misreadings():
    fields = parse_receipt(pages(GST_SLIP.format(total="749.85")), date_order="dmy")
    assert fields.total == Decimal("749.85")


@pytest.mark.parametrize(
    "read, actual, misread",
    [
        ("48.00", "18.00", True),  # one digit
        ("10.80", "10.60", True),
        ("740.45", "10.45", True),  # debris before the units digit
        ("0.10", "30.10", True),  # leading digit lost
        ("18.00", "18.00", False),
        ("48.50", "18.00", False),  # two digits
        ("7.45", "10.45", False),
    ],
)
def test_looks_misread(read, actual, misread):
    assert looks_misread(Decimal(read), Decimal(actual)) is misread


@pytest.mark.parametrize(
    "value, rounded", [("10.44", "10.45"), ("7.42", "7.40"), ("30.09", "30.10"), ("4.90", "4.90"), ("2.325", "2.35")]
)
def test_round_to_nickel(value, rounded):
    assert round_to_nickel(Decimal(value)) == Decimal(rounded)


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
    [
        ("DELGADO, SCOTT", "Scott Delgado"),
        ("Monica Delgado", "Monica Delgado"),
        ("OKAFOR, KEITH A.", "Keith A. Okafor"),
        ("TANAKA-REYES, COLLEEN", "Colleen Tanaka-Reyes"),
    ],
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


def test_misread_month_names_are_mended():
    assert repair_month_names("14 Mat 2018 18:46") == "14 Mar 2018 18:46"
    assert parse_date(repair_month_names("03-0ct-18"), "dmy") == date(2018, 10, 3)
    assert repair_month_names("3 pcs 2018") == "3 pcs 2018"  # no month a letter away
    assert repair_month_names("12 Mar 2018") == "12 Mar 2018"


def test_impossible_day_is_mended_by_one_confusable_digit():
    assert repair_day_month("Date 69/02/2018 11:40", "dmy") == "Date 09/02/2018 11:40"
    assert repair_day_month("14-62-2018", "dmy") == "14-02-2018"
    assert repair_day_month("28/02/2018", "dmy") == "28/02/2018"  # already a date
    assert repair_day_month("99/99/2018", "dmy") == "99/99/2018"  # no single repair


def test_receipt_date_read_through_ocr_repairs():
    text = "MAJU JAYA SDN BHD\n14 Mat 2018 18:46\nITEM 5.00\nTOTAL 5.00\n"
    assert parse_receipt(pages(text, source="ocr"), date_order="dmy").date == date(2018, 3, 14)
    text = "MAJU JAYA SDN BHD\nDate 69/02/2018 11:40\nITEM 5.00\nTOTAL 5.00\n"
    assert parse_receipt(pages(text, source="ocr"), date_order="dmy").date == date(2018, 2, 9)


def test_dates_ignore_phone_numbers_and_times():
    assert find_dates("Tel (928) 555-0150 1-800-555-0177 17:24") == []


def test_default_valid_through_is_twelve_months_less_a_day():
    assert default_valid_through(date(2026, 3, 12)) == date(2027, 3, 11)
    assert default_valid_through(date(2024, 2, 29)) == date(2025, 2, 27)


@pytest.mark.parametrize(
    "text, value",
    [
        ("$1,234.50", "1234.50"),
        ("12.00-", "-12.00"),
        ("(4.99)", "-4.99"),
        ("RM 8.50", "8.50"),
        ("42", "42.00"),
        ("12,99", "12.99"),
    ],
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


def test_a_patient_name_after_ocr_debris_between_label_and_name():
    statement = """Lotus Point Acupuncture
STATEMENT OF SERVICES / RECEIPT
Date of service: 06/24/2025 .
Client: ; Howard L. Sandoval .
97813 Acupuncture w/ electrical stim 1 $95.00
Total paid $95.00
"""
    assert parse_receipt(pages(statement, source="ocr")).patient == "Howard L. Sandoval"
