"""The fixed words: one definition each, equal to the strings stored in the vault and printed as JSON."""

from __future__ import annotations

import json

from hsawallet.ingest.categories import default_categories
from hsawallet.vocab import (
    LETTER_CHECKLIST,
    LMN_CATEGORIES,
    OTHER_CATEGORIES,
    AccountType,
    Category,
    ClaimStatus,
    LetterElement,
    Severity,
    severity_rank,
)


def test_members_are_their_strings_in_json_and_comparisons():
    assert (
        json.dumps({"type": AccountType.LPFSA, "status": ClaimStatus.DRAFT}) == '{"type": "lpfsa", "status": "draft"}'
    )
    assert ClaimStatus("reimbursed") is ClaimStatus.REIMBURSED and AccountType.HSA == "hsa"
    assert f"{AccountType.HRA}" == "hra"


def test_the_letter_checklist_names_every_element_once_in_order():
    assert [item.element for item in LETTER_CHECKLIST] == list(LetterElement)
    assert all(item.label and item.why.endswith(".") for item in LETTER_CHECKLIST)


def test_the_built_in_categories_are_in_the_shipped_table_with_their_letter_rule():
    table = default_categories()
    assert set(LMN_CATEGORIES) | set(OTHER_CATEGORIES) == set(Category)
    assert all(table.needs_lmn(c) for c in LMN_CATEGORIES)
    assert not any(table.needs_lmn(c) for c in OTHER_CATEGORIES)
    assert set(Category) <= set(table.names)


def test_severity_rank_puts_errors_first_and_unknown_values_last():
    ranked = sorted(["warning", "info", "error"], key=severity_rank)
    assert ranked == [Severity.ERROR, Severity.WARNING, "info"]
