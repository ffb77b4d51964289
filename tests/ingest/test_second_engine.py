"""The second OCR engine (PP-OCRv4 through rapidocr-onnxruntime) and how its reading is weighed."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from PIL import Image, ImageDraw

from hsawallet.ingest.model import ItemFields, ReceiptFields
from hsawallet.ingest.ocr import read_image_text
from hsawallet.ingest.pipeline import DISAGREEMENT_CONFIDENCE, extract_pages, weigh_second_reading
from hsawallet.ingest.rapid import result_from_rows
from tests.conftest import load_font


def _row(left: int, top: int, text: str, *, pitch: int = 10, height: int = 20, gaps: dict[int, int] | None = None):
    """One detected box as the engine gives it: [box, text, score, char boxes, chars, char scores];
    ``gaps`` adds pixels before the character at an index."""
    boxes, x = [], left
    for index, _ in enumerate(text):
        x += (gaps or {}).get(index, 0)
        boxes.append([[x, top], [x + pitch - 1, top], [x + pitch - 1, top + height], [x, top + height]])
        x += pitch
    box = [[left, top], [x, top], [x, top + height], [left, top + height]]
    return [box, text, 0.95, boxes, list(text), [0.95] * len(text)]


def test_boxes_on_one_row_make_one_line_left_to_right_and_words_match_the_text():
    rows = [_row(600, 102, "12.50"), _row(40, 100, "Balance due"), _row(40, 160, "Thank you")]
    result = result_from_rows(rows, (800, 300))
    assert result.text.splitlines() == ["Balance due 12.50", "Thank you"]
    words = [word for line in result.lines for word in line.words]
    assert [word.text for word in words] == result.text.split()
    amount = words[2]
    assert (amount.left, amount.right) == (600, 649) and amount.top == 102


def test_characters_standing_far_apart_are_two_words():
    # the recogniser reads "1 x 9.00" and "9.00" as one run when their columns stand close
    row = _row(40, 100, "1x9.009.00", gaps={6: 40})
    assert result_from_rows([row], (800, 300)).text == "1x9.00 9.00"


def test_what_the_recogniser_glues_is_cut_where_its_form_says():
    rows = [
        _row(40, 100, "Date:03/02/20247:15PM"),
        _row(40, 140, "2X4.508.00"),
        _row(40, 180, "Receipt（copy）B0X"),
        _row(40, 220, "Slip 55801707.06.2023 9:05"),
        _row(40, 260, "Ref 12345/6/24"),
        _row(40, 300, "GrandTotalAfter Rounding McNeil"),
    ]
    assert result_from_rows(rows, (800, 400)).text.splitlines() == [
        "Date:03/02/2024 7:15PM",  # a year has 2 or 4 digits: the rest is the hour
        "2X4.50 8.00",  # an amount has two decimals
        "Receipt(copy)BOX",  # full-width brackets and a zero between letters
        "Slip 558017 07.06.2023 9:05",  # a date that pads its month pads its day
        "Ref 12345/6/24",  # no padded day and month: no date to cut off
        "Grand Total After Rounding McNeil",  # a capitalised word after small letters; "Mc" is a name's form
    ]


def _slip(lines: list[str]) -> bytes:
    image = Image.new("L", (900, 120 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = load_font(34, "DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    for row, line in enumerate(lines):
        draw.text((80, 60 + 60 * row), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_till_slip_is_read_by_both_engines_and_a_letter_by_tesseract_alone():
    [slip] = extract_pages(
        _slip(["CORNER PHARMACY", "Saline spray 1 x 7.25", "Tax 0.58", "TOTAL 7.83", "VISA ending 4417"]), "image/png"
    )
    assert slip.second_reading is not None
    assert "7.83" in slip.second_reading.text
    assert [w.text for w in slip.second_reading.words] == slip.second_reading.text.split()

    letter = read_image_text(
        Image.open(
            io.BytesIO(
                _slip(
                    [
                        "To whom it may concern:",
                        "Letter of Medical Necessity",
                        "Patient: Dana Whitfield",
                        "Diagnosis: plantar fasciitis",
                        "I recommend custom orthotics as medically necessary.",
                        "Sincerely, Omar Reyes, DPM",
                    ]
                )
            )
        )
    )
    assert letter.second is None


def _receipt(**fields) -> ReceiptFields:
    confidence = fields.pop("confidence")
    return ReceiptFields(**fields, confidence=confidence)


def test_two_readings_are_weighed_field_by_field():
    first = _receipt(
        merchant="CORNER PHARMACY",
        date=date(2024, 3, 2),
        total=Decimal("7.88"),
        card_last4=None,
        confidence={"merchant": 0.9, "date": 0.85, "total": 0.6, "card_last4": 0.0},
    )
    second = _receipt(
        merchant="CORNER PHARMACY",
        date=date(2024, 3, 2),
        total=Decimal("7.83"),
        card_last4="4417",
        confidence={"merchant": 0.8, "date": 0.9, "total": 0.9, "card_last4": 0.85},
    )
    weigh_second_reading(first, second)
    assert (first.merchant, first.confidence["merchant"]) == ("CORNER PHARMACY", 0.9), "agreement: the first stands"
    assert first.confidence["date"] == 0.85
    assert first.total == Decimal("7.83"), "disagreement: the more confident reading"
    assert first.confidence["total"] == DISAGREEMENT_CONFIDENCE < 0.8, "and it is doubtful"
    assert (first.card_last4, first.confidence["card_last4"]) == ("4417", 0.85), "found by one engine only"


def test_a_value_only_the_first_reading_found_is_kept():
    first = _receipt(total=Decimal("7.83"), confidence={"total": 0.9})
    second = _receipt(total=None, confidence={"total": 0.0})
    weigh_second_reading(first, second)
    assert (first.total, first.confidence["total"]) == (Decimal("7.83"), 0.9)


def test_readings_that_differ_only_in_spaces_agree_and_keep_the_first():
    # the line recogniser drops spaces between words ("QUARRY HILLSUPERCENTER")
    first = _receipt(merchant="Birch Lane Pharmacy", confidence={"merchant": 0.77})
    second = _receipt(merchant="BIRCH LANEPHARMACY.", confidence={"merchant": 0.81})
    weigh_second_reading(first, second)
    assert (first.merchant, first.confidence["merchant"]) == ("Birch Lane Pharmacy", 0.77)


def test_a_name_one_reading_extends_with_a_legal_form_or_a_mark_agrees_and_keeps_the_first():
    # the line reader glued the legal form on ("PharmacyInc"), or read a stray mark as letters ("LLE")
    for theirs in ("Heronsgate PharmacyInc", "Heronsgate Pharmacy, LLE"):
        first = _receipt(merchant="Heronsgate Pharmacy", confidence={"merchant": 0.74})
        second = _receipt(merchant=theirs, confidence={"merchant": 0.86})
        weigh_second_reading(first, second)
        assert (first.merchant, first.confidence["merchant"]) == ("Heronsgate Pharmacy", 0.74)
    # the same holds the other way round: the first reading's fuller name stands
    first = _receipt(merchant="OSPREY & ELM Rowing Club", confidence={"merchant": 0.62})
    second = _receipt(merchant="OSPREY& ELM", confidence={"merchant": 0.68})
    weigh_second_reading(first, second)
    assert first.merchant == "OSPREY & ELM Rowing Club"
    # a reading that stops inside a word cut the name short; one that goes on by a word found more
    for mine, theirs in (("Kettle Creek Audiology", "Kettle Creek Audio"), ("Pelham Bay", "Pelham Bay Restaurant")):
        first = _receipt(merchant=mine, confidence={"merchant": 0.6})
        second = _receipt(merchant=theirs, confidence={"merchant": 0.75})
        weigh_second_reading(first, second)
        assert first.merchant == max(mine, theirs, key=len)
    # a short name shared by chance is no agreement
    first = _receipt(merchant="Aldo", confidence={"merchant": 0.6})
    second = _receipt(merchant="Aldora Optics", confidence={"merchant": 0.75})
    weigh_second_reading(first, second)
    assert (first.merchant, first.confidence["merchant"]) == ("Aldora Optics", DISAGREEMENT_CONFIDENCE)


def test_a_name_read_a_letter_apart_keeps_the_spaced_reading_and_is_doubtful():
    first = _receipt(merchant="LIM TAN STATIONERY & BOOKS", confidence={"merchant": 0.6})
    second = _receipt(merchant="LIM TANSTATIONERYSBOOKS", confidence={"merchant": 0.78})
    weigh_second_reading(first, second)
    assert first.merchant == "LIM TAN STATIONERY & BOOKS"
    # the same spacing: the more confident reading, below sure since a letter is in doubt
    first = _receipt(merchant="Tronwood Fitness", confidence={"merchant": 0.84})
    second = _receipt(merchant="Ironwood Fitness", confidence={"merchant": 0.9})
    weigh_second_reading(first, second)
    assert (first.merchant, first.confidence["merchant"]) == ("Ironwood Fitness", DISAGREEMENT_CONFIDENCE)


def test_the_item_rows_that_add_up_to_the_subtotal_are_kept():
    def item(description: str, amount: str) -> ItemFields:
        return ItemFields(description, Decimal(amount), "not_eligible", False)

    rows = [item("Wool socks", "12.00"), item("Lip balm", "3.49"), item("Jar opener", "7.25")]
    # the first reading lost a row and misread an amount; the second's rows add up
    first = _receipt(subtotal=Decimal("22.74"), items=[rows[0], item("Lip balm", "3.40")], confidence={})
    second = _receipt(subtotal=Decimal("22.74"), items=list(rows), confidence={})
    weigh_second_reading(first, second)
    assert [i.amount for i in first.items] == [i.amount for i in rows]
    # rows that add up stand, whatever the other reading found
    first = _receipt(subtotal=Decimal("22.74"), items=list(rows), confidence={})
    second = _receipt(subtotal=Decimal("22.74"), items=[item("Wool socks", "22.74")], confidence={})
    weigh_second_reading(first, second)
    assert first.items == rows
    # neither adds up: the first reading's rows (tesseract keeps a row's words in their columns)
    first = _receipt(subtotal=Decimal("30.00"), items=list(rows), confidence={})
    second = _receipt(subtotal=Decimal("30.00"), items=rows[:1], confidence={})
    weigh_second_reading(first, second)
    assert first.items == rows
