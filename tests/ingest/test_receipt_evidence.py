"""Each evidence rule of receipt reading, on layouts built here (none of them a template of the corpora)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hsawallet.ingest.model import PageText, Word
from hsawallet.ingest.receipt import parse_receipt
from hsawallet.ingest.receipt_merchant import strip_legal_suffix
from tests.ingest.layout import page_of_words, read_placed


def text_page(text: str, source: str = "text") -> list[PageText]:
    return [PageText(index=0, text=text, source=source, confidence=1.0 if source == "text" else 0.9)]


# ---------------------------------------------------------------- purchase date


def test_a_labelled_purchase_date_beats_a_print_stamp_with_a_time():
    fields = parse_receipt(
        text_page(
            "02/11/2027 09:14 Printed from your account\nKestrel Outfitters\nPurchased 2027-02-03\n"
            "Trail socks 12.00\nTotal 12.00\n"
        )
    )
    assert fields.date == date(2027, 2, 3)
    assert fields.confidence["date"] >= 0.8


def test_the_date_with_the_time_of_sale_beats_a_code_that_reads_as_a_date_higher_up():
    rows = "".join(f"Fence staple box {n} 1.{n:02d}\n" for n in range(20))
    slip = "Kayu Manis Hardware\nBatch HK04-6-21\n" + rows + "TOTAL 21.90\nCashier 3 18-09-23 14:05\n"
    assert parse_receipt(text_page(slip, "ocr"), date_order="dmy").date == date(2023, 9, 18)
    # the second engine glues what follows the time on: it is still the time of sale
    glued = slip.replace("14:05", "14:05CSH")
    assert parse_receipt(text_page(glued, "ocr"), date_order="dmy").date == date(2023, 9, 18)


def test_dates_that_are_not_the_purchase_lose_to_the_visit_date():
    fields = parse_receipt(
        text_page(
            "Copperleaf Podiatry\nDOB: 04/05/1988\nNext appointment 03/30/2027\nVisit 03/02/2027\n"
            "Gait analysis 95.00\nTotal 95.00\nShipped on 03/04/2027\n"
        )
    )
    assert fields.date == date(2027, 3, 2)


def test_a_date_under_its_column_header_in_a_text_pdf():
    pages = read_placed(
        [
            [
                (60, 50, "Harrow Supply", 20),
                (60, 100, "INVOICE NO", 8),
                (200, 100, "DUE BY", 8),
                (340, 100, "SETTLED ON", 8),
                (60, 112, "A-5521", 10),
                (200, 112, "06/30/2027", 10),
                (340, 112, "06/02/2027", 10),
                (60, 150, "Knee sleeve", 10),
                (400, 150, "30.00", 10),
                (60, 170, "Total", 10),
                (400, 170, "30.00", 10),
            ]
        ]
    )
    fields = parse_receipt(pages)
    assert fields.date == date(2027, 6, 2)
    assert fields.confidence["date"] >= 0.8


def test_two_different_labelled_dates_are_not_sure():
    fields = parse_receipt(text_page("Harrow Supply\nOrder date 05/01/2027\nPayment date 05/09/2027\nTotal 10.00\n"))
    assert fields.date is not None
    assert fields.confidence["date"] < 0.8


# ---------------------------------------------------------------- card digits


def test_card_digits_beside_a_brand_masked_or_ending_in():
    assert parse_receipt(text_page("Harrow Supply\nTotal 9.00\nPaid by Maestro - 4431\n")).card_last4 == "4431"
    assert parse_receipt(text_page("Harrow Supply\nTotal 9.00\nCard •••• •••• 0817\n")).card_last4 == "0817"
    fields = parse_receipt(text_page("Harrow Supply\nTotal 9.00\nCharged to JCB ending with 2290\nAuth 551234\n"))
    assert fields.card_last4 == "2290" and fields.confidence["card_last4"] >= 0.8


def test_reference_numbers_are_not_card_digits():
    fields = parse_receipt(text_page("Harrow Supply\nTotal 9.00\nRef 4431 Store 2210\nCASH 10.00\nCHANGE 1.00\n"))
    assert fields.card_last4 is None


def test_two_cards_make_the_digits_doubtful():
    fields = parse_receipt(text_page("Harrow Supply\nTotal 9.00\nVISA ****1111 5.00\nAMEX ****2222 4.00\n"))
    assert fields.card_last4 in ("1111", "2222")
    assert fields.confidence["card_last4"] < 0.8


# ---------------------------------------------------------------- total: the amount paid


def test_the_amount_paid_is_the_total_not_the_gross_charges():
    fields = parse_receipt(
        text_page(
            "Copperleaf Podiatry\nVisit 03/02/2027\nOrthotic casting 300.00\nGait analysis 95.00\n"
            "Total charges $395.00\nInsurance adjustment -$120.00\nPatient paid $275.00\n"
            "Next payment due 04/02/2027 $50.00\n"
        )
    )
    assert fields.total == Decimal("275.00")


def test_a_per_shipment_sum_and_an_eligible_sum_are_not_the_total():
    fields = parse_receipt(
        text_page(
            "Tealbird Goods\nOrder date 01/15/2027\nWrist brace 20.00\nPlant pot 15.00\n"
            "Shipment total 20.00\nHSA eligible total 20.00\nAmount charged 37.45\n"
        )
    )
    assert fields.total == Decimal("37.45")


# ---------------------------------------------------------------- merchant


def test_the_name_in_large_print_beats_an_address_line_above_it():
    pages = read_placed(
        [
            [
                (400, 40, "77 Quarry Lane", 8),
                (60, 60, "Bellwether Hearing Clinic", 18),
                (400, 52, "Portland, ME 04101", 8),
                (60, 120, "Hearing test", 10),
                (400, 120, "80.00", 10),
                (60, 140, "Total", 10),
                (400, 140, "80.00", 10),
            ]
        ]
    )
    assert parse_receipt(pages).merchant == "Bellwether Hearing Clinic"


def test_a_logo_line_gives_way_to_the_fuller_name_without_its_legal_suffix():
    fields = parse_receipt(text_page("KESTREL\nKestrel Outfitters Inc.\n12 Pine Rd\nSocks 4.00\nTOTAL 4.00\n", "ocr"))
    assert fields.merchant == "Kestrel Outfitters"


def _ocr_page(rows: list[list[tuple[float, str, float]]]) -> PageText:
    """An OCR'd page from rows of (x, word, ink height): each word's box as tall as its ink."""
    words, lines, top = [], [], 40.0
    for row in rows:
        tallest = max(height for _, _, height in row)
        for x, text, height in row:
            words.append(Word(text, x, top + tallest - height, x + 0.6 * height * len(text), top + tallest))
        lines.append(" ".join(text for _, text, _ in row))
        top += tallest * 1.6
    return PageText(0, "\n".join(lines), "ocr", 0.9, words=tuple(words), width=900.0, height=1600.0)


def test_a_logo_in_display_print_gives_way_to_the_fuller_name_under_it():
    # the logo is set twice as large; the full name's words differ in ink height (a capital with a
    # descender stands taller than a word of small letters) without being another column
    page = _ocr_page(
        [
            [(300, "WREN", 60), (470, "&", 60), (520, "VALE", 60)],
            [
                (120, "Wren", 28),
                (200, "&", 28),
                (240, "Vale", 28),
                (320, "Hospital", 40),
                (525, "Supply,", 38),
                (700, "Inc.", 28),
            ],
            [(120, "4", 28), (150, "Orchard", 28), (290, "Row", 28)],
            [(120, "Knee", 28), (220, "brace", 28), (700, "42.00", 28)],
            [(120, "TOTAL", 28), (700, "42.00", 28)],
        ]
    )
    assert parse_receipt([page]).merchant == "Wren & Vale Hospital Supply"
    # the second engine's reading of the same slip runs the words of the name together
    glued = _ocr_page(
        [
            [(300, "WREN&VALE", 60)],
            [(120, "Wren&ValeHospital", 28), (480, "Supply,Inc.", 28)],
            [(120, "Knee", 28), (220, "brace", 28), (700, "42.00", 28)],
            [(120, "TOTAL", 28), (700, "42.00", 28)],
        ]
    )
    assert parse_receipt([glued]).merchant.startswith("Wren&ValeHospital")
    # a web address under the name repeats it but is not a fuller name
    site = _ocr_page(
        [
            [(120, "Wren", 56), (260, "Vale", 56)],
            [(120, "wrenvale.example", 24)],
            [(120, "Knee", 28), (220, "brace", 28), (700, "42.00", 28)],
            [(120, "TOTAL", 28), (700, "42.00", 28)],
        ]
    )
    assert parse_receipt([site]).merchant == "Wren Vale"


def test_words_in_small_letters_above_the_name_are_a_note_not_the_name():
    page = _ocr_page(
        [
            [(200, "for", 40), (290, "dad's", 40), (420, "claim", 40)],
            [
                (120, "KAYU", 26),
                (195, "MANIS", 26),
                (285, "HARDWARE", 26),
                (422, "SDN", 26),
                (480, "BHD", 26),
                (540, "20155-M", 26),
            ],
            [(120, "Knee", 26), (220, "pad", 26), (700, "42.00", 26)],
            [(120, "TOTAL", 26), (700, "42.00", 26)],
        ]
    )
    # the registration number after the legal name is not part of it
    assert parse_receipt([page]).merchant == "KAYU MANIS HARDWARE SDN BHD"
    # one word in small letters is a logo the fuller line under it names
    logo = _ocr_page(
        [
            [(200, "quillan", 60)],
            [(120, "Quillan", 26), (240, "Optical", 26), (360, "Corp.", 26)],
            [(120, "Lens", 26), (220, "cloth", 26), (700, "6.00", 26)],
            [(120, "TOTAL", 26), (700, "6.00", 26)],
        ]
    )
    assert parse_receipt([logo]).merchant == "Quillan Optical"


def test_a_capital_the_reading_set_apart_rejoins_its_word():
    fields = parse_receipt(text_page("B rightwater Dental Lab\nNight guard 90.00\nTotal 90.00\n", "ocr"))
    assert fields.merchant == "Brightwater Dental Lab"


def test_an_amount_in_large_print_at_the_top_is_not_a_web_address_for_the_name():
    page = _ocr_page(
        [
            [(120, "Larkspur", 40), (330, "Dietetics", 40)],
            [(120, "$95.00", 80)],
            [(120, "Client:", 28), (260, "R.", 28), (320, "Amsel", 28)],
            [(120, "Diet", 28), (220, "review", 28), (700, "$95.00", 28)],
            [(120, "Total", 28), (700, "$95.00", 28)],
        ]
    )
    assert parse_receipt([page]).merchant == "Larkspur Dietetics"


def test_a_display_name_is_completed_by_the_line_flush_under_it_that_says_the_trade():
    pages = read_placed(
        [
            [
                (60, 50, "BLUE HERON", 22),
                (61, 70, "Hearing Studio", 9),
                (380, 70, "9 Dock St, Bath, ME 04530", 8),
                (60, 120, "Hearing test", 10),
                (400, 120, "90.00", 10),
                (60, 140, "Total", 10),
                (400, 140, "90.00", 10),
            ]
        ]
    )
    fields = parse_receipt(pages)
    assert fields.merchant == "BLUE HERON Hearing Studio"
    assert fields.confidence["merchant"] < 0.8  # joining two lines is a guess
    tagline = parse_receipt(text_page("BLUE HERON\nPharmacy & Wellness\nSaline spray 4.00\nTotal 4.00\n", "ocr"))
    assert tagline.merchant == "BLUE HERON"


def test_legal_suffixes_are_dropped_but_a_malaysian_registered_name_is_kept():
    assert strip_legal_suffix("Harrow & Finch Apothecary, LLC") == "Harrow & Finch Apothecary"
    assert strip_legal_suffix("Bluegate Optics Co., Ltd.") == "Bluegate Optics"
    assert strip_legal_suffix("Ng Hardware Sdn Bhd") == "Ng Hardware Sdn Bhd"


def test_a_web_domain_is_the_merchant_when_no_name_line_is():
    fields = parse_receipt(
        text_page(
            "tealbird.example\nReceipt from tealbird.example\nOrder summary\nWrist brace $20.00\nAmount paid $20.00\n"
        )
    )
    assert fields.merchant == "tealbird.example"
    assert fields.confidence["merchant"] >= 0.8  # said twice


def test_an_address_read_onto_the_name_line_is_cut_off():
    fields = parse_receipt(
        text_page("Copperleaf Podiatry Springfield, IL 62701\nGait analysis 95.00\nTotal 95.00\n", "ocr")
    )
    assert fields.merchant == "Copperleaf Podiatry"


def test_word_gaps_split_the_name_from_the_next_column():
    page = page_of_words(
        [
            [(20, "Quillon"), (70, "Sleep"), (110, "Lab"), (400, "Tucson,"), (450, "AZ"), (470, "85701")],
            [(20, "Sleep"), (60, "study"), (400, "450.00")],
            [(20, "Total"), (400, "450.00")],
        ]
    )
    assert parse_receipt([page]).merchant == "Quillon Sleep Lab"


# ---------------------------------------------------------------- line items as a table


def test_the_paid_column_gives_the_item_amount_whatever_the_column_order():
    fields = parse_receipt(
        text_page(
            "Bellwether Hearing Clinic\nDate of service 02/02/2027\n"
            "Service Paid Billed Balance\n"
            "Hearing test 40.00 95.00 0.00\n"
            "Earmold impression 25.00 60.00 0.00\n"
            "Amount paid 65.00\n"
        )
    )
    assert [(i.description, i.amount) for i in fields.items] == [
        ("Hearing test", Decimal("40.00")),
        ("Earmold impression", Decimal("25.00")),
    ]


def test_a_trailing_zero_balance_is_not_the_price():
    fields = parse_receipt(
        text_page("Bellwether Hearing Clinic\nHearing test 95.00 -15.00 80.00 0.00\nPaid today 80.00\n")
    )
    assert [i.amount for i in fields.items] == [Decimal("80.00")]


def test_date_and_code_columns_are_not_part_of_the_description():
    fields = parse_receipt(
        text_page(
            "Copperleaf Podiatry\nDate Code Description Amount\n"
            "03/02/27 L3000 Custom foot orthotic 300.00\nTotal 300.00\n"
        )
    )
    assert fields.items[0].description == "Custom foot orthotic"
    assert fields.items[0].category == "orthopedic"


def test_rows_below_an_order_summary_box_count_when_they_add_up():
    fields = parse_receipt(
        text_page(
            "Tealbird Goods\nOrder date 01/15/2027\nItems subtotal: $35.00\nShipping: $2.45\nAmount charged: $37.45\n"
            "Wrist brace $20.00\nQty 1 · $20.00 each\nPlant pot $15.00\nQty 1 · $15.00 each\n"
        )
    )
    assert [(i.description, i.amount) for i in fields.items] == [
        ("Wrist brace", Decimal("20.00")),
        ("Plant pot", Decimal("15.00")),
    ]


def test_recommendations_are_not_items():
    fields = parse_receipt(
        text_page(
            "Tealbird Goods\nWrist brace $20.00\nCustomers also bought\nYoga mat $30.00\nhttps://tealbird.example/o/1\n"
            "Subtotal $20.00\nAmount paid $20.00\n"
        )
    )
    assert [i.description for i in fields.items] == ["Wrist brace"]


# ---------------------------------------------------------------- readings of a photographed slip


def test_a_date_with_a_misread_leading_zero_and_a_two_digit_year_is_mended_but_doubtful():
    fields = parse_receipt(text_page("Harrow Supply\nSocks 4.00\nTOTAL 4.00\n83/14/27 10:02:11\n", "ocr"))
    assert fields.date == date(2027, 3, 14)
    assert fields.confidence["date"] < 0.8


def test_masked_card_digits_read_as_letters_are_mended_but_doubtful():
    fields = parse_receipt(text_page("Harrow Supply\nTOTAL 4.00\nCARD # ****7O2S\n", "ocr"))
    assert fields.card_last4 == "7025"
    assert fields.confidence["card_last4"] < 0.8


def test_the_total_rounded_for_cash_on_a_rounding_line_below_it_is_the_total():
    slip = "Kedai Runcit Anggerik\nMilo tin 18.23\nTOTAL 18.23\nRounding adjustment 0.02\nAfter rounding 18.25\n"
    fields = parse_receipt(text_page(slip + "VISA 18.25\n", "ocr"), date_order="dmy")
    assert fields.total == Decimal("18.25")
    assert fields.confidence["total"] <= 0.8
    # no rounding line: the total stands as printed, whatever else rounds to five cents
    plain = parse_receipt(
        text_page("Kedai Runcit Anggerik\nMilo tin 18.23\nTOTAL 18.23\nVISA 18.23\nPoints 18.25\n", "ocr")
    )
    assert plain.total == Decimal("18.23")


def test_cash_handed_over_is_not_the_total():
    fields = parse_receipt(
        text_page("Harrow Supply\nSocks 18.00\nTotal payable 18.00\nAmount paid 20.00\nChange 2.00\n")
    )
    assert fields.total == Decimal("18.00")


def test_a_row_whose_amount_the_reading_garbled_is_recovered_from_the_subtotal():
    fields = parse_receipt(
        text_page(
            "Harrow Supply\nSALINE SPRAY 6.49\nWOOL SOCKS 12.991;\nKNEE SLEEVE 20.00\nSUBTOTAL 39.48\nTOTAL 39.48\n",
            "ocr",
        )
    )
    assert [(i.description, i.amount) for i in fields.items] == [
        ("SALINE SPRAY", Decimal("6.49")),
        ("WOOL SOCKS", Decimal("12.99")),
        ("KNEE SLEEVE", Decimal("20.00")),
    ]
    assert fields.items[1].confidence < fields.items[0].confidence


def test_an_amount_under_a_paid_column_header_is_the_total():
    pages = read_placed(
        [
            [
                (60, 50, "Harrow Supply", 20),
                (60, 100, "ORDER NO", 8),
                (200, 100, "CHARGED ON", 8),
                (340, 100, "AMOUNT CHARGED", 8),
                (60, 112, "H-77120", 10),
                (200, 112, "04/11/2027", 10),
                (340, 112, "$52.40", 10),
                (60, 150, "Item", 8),
                (200, 150, "Qty", 8),
                (340, 150, "Total", 8),
                (60, 162, "Wool socks", 10),
                (200, 162, "2", 10),
                (340, 162, "$24.00", 10),
                (60, 174, "Knee sleeve", 10),
                (200, 174, "1", 10),
                (340, 174, "$25.00", 10),
                (60, 200, "Tax", 10),
                (340, 200, "$3.40", 10),
            ]
        ]
    )
    fields = parse_receipt(pages)
    assert fields.total == Decimal("52.40")
    assert fields.date == date(2027, 4, 11)
    assert [i.amount for i in fields.items] == [Decimal("24.00"), Decimal("25.00")]


def test_the_name_a_slip_thanks_you_for_visiting_confirms_the_merchant():
    fields = parse_receipt(
        text_page("Quillon Sleep Lab\nSleep study 450.00\nTotal 450.00\nThank you for visiting Quillon Sleep Lab!\n")
    )
    assert fields.merchant == "Quillon Sleep Lab"
    assert fields.confidence["merchant"] >= 0.8
    assert parse_receipt(text_page("Harrow Supply\nTotal 9.00\nDebit card ending 5561\n")).card_last4 == "5561"


def test_a_row_billed_under_a_procedure_code_is_a_service_not_goods():
    fields = parse_receipt(
        text_page(
            "Copperleaf Family Clinic\nDate Code Description Amount\n"
            "02/02/27 87880 Rapid strep test 30.00\n02/02/27 Digital thermometer 12.00\nPaid today 42.00\n"
        )
    )
    assert [(i.description, i.category) for i in fields.items] == [
        ("Rapid strep test", "medical_service"),
        ("Digital thermometer", "otc_eligible"),
    ]


def test_a_gift_card_number_is_not_the_payment_cards_digits():
    fields = parse_receipt(text_page("Harrow Supply\nGift card 1234 25.00\nTotal 25.00\nMaestro 8812 25.00\n"))
    assert fields.card_last4 == "8812"


def test_an_item_named_balance_does_not_end_the_rows():
    fields = parse_receipt(
        text_page(
            "Harrow Supply\nBalance board 39.00\nWobble cushion 21.00\nSubtotal 60.00\nBalance due 0.00\nTotal 60.00\n"
        )
    )
    assert [i.description for i in fields.items] == ["Balance board", "Wobble cushion"]
