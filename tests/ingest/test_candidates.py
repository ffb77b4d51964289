"""Typed candidates and the geometry around them, on layouts made here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hsawallet.ingest.candidates import (
    card_candidates,
    date_candidates,
    document_lines,
    domain_candidates,
    header_above,
    left_text,
    make_lines,
    money_candidates,
    phone_candidates,
)
from tests.ingest.layout import page_of_words, read_placed


def test_text_pdf_lines_carry_measured_word_boxes_and_print_size():
    pages = read_placed([[(60, 60, "Bluefin Optics", 24), (60, 100, "Lens cleaner 4.50", 9)]])
    lines = document_lines(pages)
    assert [line.text for line in lines] == ["Bluefin Optics", "Lens cleaner 4.50"]
    assert all(line.measured for line in lines)
    assert lines[0].size > 2 * lines[1].size


def test_lines_without_words_get_character_columns():
    lines = make_lines(["PAID      DATE", "12.00     04/02/2027"])
    amount = money_candidates(lines)[0]
    when = date_candidates(lines)[0]
    assert header_above(lines, amount) == "PAID"
    assert header_above(lines, when) == "DATE"


def test_column_header_over_a_value_from_word_boxes():
    page = page_of_words(
        [
            [(20, "CHARGED"), (120, "ON"), (200, "CARD")],
            [(20, "$61.10"), (120, "May"), (150, "2,"), (170, "2027"), (200, "JCB"), (240, "0042")],
        ]
    )
    lines = document_lines([page])
    amount = money_candidates(lines)[0]
    when = date_candidates(lines)[0]
    assert amount.value == Decimal("61.10") and header_above(lines, amount) == "CHARGED"
    assert when.value == date(2027, 5, 2) and header_above(lines, when) == "ON"


def test_a_value_under_another_value_has_no_header():
    lines = make_lines(["Amount", "10.00", "12.00"])
    second = money_candidates(lines)[1]
    assert header_above(lines, second) == ""


def test_card_digits_masked_or_beside_a_brand_or_label():
    lines = make_lines(
        [
            "Paid with JCB ending with 7781",
            "card no: XXXX-XXXX-XXXX-5512",
            "Maestro - 9034",
            "last four 6620",
            "Auth 123456 Ref 9999",
        ]
    )
    digits = [c.value for c in card_candidates(lines)]
    assert digits == ["7781", "5512", "9034", "6620"]


def test_domains_but_not_mail_addresses():
    lines = make_lines(["Questions? help@tidepool.example", "Visit https://www.tidepool.example/returns today"])
    assert [c.value for c in domain_candidates(lines)] == ["tidepool.example"]


def test_phone_and_label_left_of_a_value():
    lines = make_lines(["Call us (212) 555-0199", "Amount settled: 14.25"])
    assert phone_candidates(lines)[0].value == "(212) 555-0199"
    assert left_text(lines, money_candidates(lines)[0]) == "Amount settled:"
