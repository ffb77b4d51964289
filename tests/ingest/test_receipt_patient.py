"""The person a receipt is for: a label first, with or without a colon, then a name in either order."""

from __future__ import annotations

from hsawallet.ingest.model import PageText
from hsawallet.ingest.receipt import parse_receipt


def _page(text: str) -> list[PageText]:
    return [PageText(index=0, text=text, source="text", confidence=1.0)]


def _statement(person_row: str) -> str:
    return f"""Stillcove Physical Therapy
Itemized statement 02/11/2026
{person_row}
02/03/26 97110 Therapeutic exercise 1 85.00
Amount paid $85.00
"""


def test_a_statement_row_with_the_label_and_no_colon_then_another_field():
    fields = parse_receipt(_page(_statement("Patient MAPLETHORPE, INGRID M. Acct # 5521907")))
    assert fields.patient == "Ingrid M. Maplethorpe"
    # a label without its colon is weaker evidence: shown for review, not marked sure
    assert 0 < fields.confidence["patient"] < 0.8


def test_a_membership_row_names_the_member_at_the_end_of_its_line():
    fields = parse_receipt(_page(_statement("Member Tobias Quenneville")))
    assert fields.patient == "Tobias Quenneville"


def test_a_pharmacy_label_for_a_person_with_a_colon_is_sure():
    text = """Riverbend Drug
Rx 7730125 Refill 2 of 5
For: QUENNEVILLE, TOBIAS
Qty 30 Amount due $12.40
03/02/2026 Total $12.40
"""
    fields = parse_receipt(_page(text))
    assert fields.patient == "Tobias Quenneville"
    assert fields.confidence["patient"] >= 0.8


def test_a_label_word_that_starts_a_phrase_is_no_patient():
    for row in (
        "Patient Responsibility Amount 20.00",
        "Member Savings Applied 4.00",
        "Customer Copy",
        "MEMBERSHIP PAYMENT RECEIPT",  # a label word inside a longer word
        "Clientele Rewards Program",
    ):
        assert parse_receipt(_page(_statement(row))).patient is None, row


def test_a_labelled_person_after_other_fields_on_the_line():
    text = """Riverbend Drug
Rx 7730125   Refill 2 of 5   For: QUENNEVILLE, TOBIAS
03/02/2026 Total $12.40
"""
    assert parse_receipt(_page(text)).patient == "Tobias Quenneville"
