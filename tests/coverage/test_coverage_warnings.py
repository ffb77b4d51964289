from datetime import date
from decimal import Decimal

from hsawallet.coverage import (
    Account,
    Item,
    Letter,
    ManualLink,
    Person,
    Receipt,
    compute_links,
    compute_warnings,
)

PEOPLE = [Person(1, "Monica Delgado", date(1984, 3, 1)), Person(2, "Michael A. Delgado", date(1994, 8, 6))]
HSA = Account(1, "Keystone HSA", "hsa", date(2026, 1, 1), date(2026, 12, 31), established=date(2024, 5, 1))


def letter(id_, issue, categories=("fitness",), person=1, through=None, missing=()):
    return Letter(
        id=id_,
        file=f"l{id_}.pdf",
        person_id=person,
        patient_name="Monica Delgado",
        provider_name="Dana Lee",
        categories=tuple(categories),
        issue_date=issue,
        valid_through=through,
        valid_through_stated=through is not None,
        missing=tuple(missing),
    )


def item(id_, category="fitness", amount="40.00", needs_lmn=None):
    needs = (
        category not in ("otc_eligible", "rx", "medical_service", "not_eligible") if needs_lmn is None else needs_lmn
    )
    return Item(id=id_, description=f"{category} item", amount=Decimal(amount), category=category, needs_lmn=needs)


def receipt(id_, day, items, merchant="Northstar Gym", total=None, sha=None, account_id=None, person=None):
    total = Decimal(total) if total else sum((i.amount for i in items), Decimal("0"))
    return Receipt(
        id=id_,
        file=f"r{id_}.pdf",
        person_id=person,
        merchant=merchant,
        date=day,
        total=total,
        account_id=account_id,
        items=tuple(items),
        document_sha256=sha or f"sha{id_}",
    )


def warnings_for(receipts, letters, as_of, accounts=(HSA,), manual=(), **kwargs):
    links = compute_links(receipts, letters, manual, people=PEOPLE)
    return compute_warnings(
        receipts=receipts, letters=letters, links=links, accounts=accounts, people=PEOPLE, as_of=as_of, **kwargs
    )


def types(warnings):
    return sorted((w.type, w.receipt_id, w.letter_id) for w in warnings)


def test_link_warnings_one_per_receipt_and_letter():
    letters = [letter(1, date(2026, 3, 12))]
    receipts = [
        receipt(1, date(2026, 2, 28), [item(11), item(12)]),  # two items before the letter
        receipt(2, date(2026, 4, 1), [item(21)]),  # covered
        receipt(3, date(2026, 4, 1), [item(31, "massage"), item(32, "sleep"), item(33, "otc_eligible")]),
        receipt(4, date(2027, 4, 1), [item(41)]),  # after expiry
    ]
    found = warnings_for(receipts, letters, date(2026, 5, 1))
    assert types(found) == [
        ("needs_lmn_missing", 3, None),
        ("purchase_after_expiry", 4, 1),
        ("purchase_before_letter", 1, 1),
    ]
    before = next(w for w in found if w.type == "purchase_before_letter")
    assert before.item_ids == (11, 12) and before.item_id == 11 and before.amount == Decimal("80.00")
    assert "12 days before Dana Lee's letter of 2026-03-12" in before.message and before.severity == "error"
    missing = next(w for w in found if w.type == "needs_lmn_missing")
    assert missing.item_ids == (31, 32) and missing.amount == Decimal("80.00")
    assert len({w.key for w in found}) == len(found)


def test_manual_unlink_raises_needs_lmn_missing_and_manual_link_silences():
    letters = [letter(1, date(2026, 3, 12))]
    receipts = [receipt(1, date(2026, 4, 1), [item(11)]), receipt(2, date(2026, 4, 2), [item(21, "massage")])]
    manual = [ManualLink(11, None), ManualLink(21, 1)]
    # the massage item linked by hand to a fitness letter: no "needs a letter", but the link is outside its terms
    found = warnings_for(receipts, letters, date(2026, 5, 1), manual=manual)
    assert types(found) == [("manual_link_outside_terms", 2, 1), ("needs_lmn_missing", 1, None)]
    outside = next(w for w in found if w.type == "manual_link_outside_terms")
    assert outside.item_ids == (21,) and outside.severity == "warning"
    assert "outside the letter's terms (the letter lists fitness, not massage)" in outside.message


def test_a_manual_link_inside_the_letter_terms_raises_no_warning():
    letters = [letter(1, date(2026, 3, 12))]
    receipts = [receipt(1, date(2026, 4, 1), [item(11)])]
    assert warnings_for(receipts, letters, date(2026, 5, 1), manual=[ManualLink(11, 1)]) == []


def test_expiring_soon_window_edges():
    as_of = date(2026, 11, 22)
    ends = {1: as_of, 2: date(2027, 1, 21), 3: date(2027, 1, 22), 4: date(2026, 11, 21)}  # +0, +60, +61, -1
    letters = [
        letter(i, date(2026, 1, 1), (cat,), through=end)
        for (i, end), cat in zip(ends.items(), ("fitness", "massage", "sleep", "nutrition"))
    ]
    found = warnings_for([], letters, as_of)
    assert types(found) == [
        ("letter_expired", None, 4),
        ("letter_expiring_soon", None, 1),
        ("letter_expiring_soon", None, 2),
    ]
    soon = {w.letter_id: w for w in found if w.type == "letter_expiring_soon"}
    assert soon[1].due == as_of and soon[2].due == date(2027, 1, 21) and "in 60 days" in soon[2].message


def test_expiring_days_setting_is_used():
    letters = [letter(1, date(2026, 1, 1), through=date(2026, 12, 10))]
    assert types(warnings_for([], letters, date(2026, 11, 22), expiring_days=10)) == []
    assert types(warnings_for([], letters, date(2026, 11, 22), expiring_days=30)) == [("letter_expiring_soon", None, 1)]


def test_renewed_letter_is_neither_expiring_nor_expired():
    old = letter(1, date(2025, 12, 1), ("fitness",))
    renewal = letter(2, date(2026, 10, 1), ("fitness", "nutrition"))
    assert types(warnings_for([], [old, renewal], date(2026, 11, 1))) == []
    assert types(warnings_for([], [old, renewal], date(2026, 12, 10))) == []
    # The same renewal for someone else does not replace it.
    other = letter(3, date(2026, 10, 1), ("fitness",), person=2)
    assert types(warnings_for([], [old, other], date(2026, 11, 1))) == [("letter_expiring_soon", None, 1)]


def test_long_expired_letters_are_left_to_purchase_warnings():
    assert types(warnings_for([], [letter(1, date(2024, 1, 1))], date(2026, 11, 22))) == []


def test_letter_incomplete_says_what_and_why():
    found = warnings_for([], [letter(1, date(2026, 9, 1), missing=("icd10", "signature"))], date(2026, 10, 1))
    assert types(found) == [("letter_incomplete", None, 1)]
    message = found[0].message
    assert "ICD-10-CM" in message and "signature" in message and "unsigned" in message.lower()
    assert message.index("ICD-10") < message.index("signature")


def test_incomplete_letter_still_links():
    letters = [letter(1, date(2026, 3, 1), missing=("provider_npi",))]
    found = warnings_for([receipt(1, date(2026, 4, 1), [item(11)])], letters, date(2026, 5, 1))
    assert types(found) == [("letter_incomplete", None, 1)]


def test_hsa_expense_before_establishment():
    receipts = [
        receipt(1, date(2024, 4, 30), [item(11, "rx", "25.00")]),
        receipt(2, date(2024, 5, 1), [item(21, "rx", "25.00")]),
    ]
    found = warnings_for(receipts, [], date(2026, 1, 1))
    assert types(found) == [("before_hsa_established", 1, None)]
    assert found[0].amount == Decimal("25.00") and "2024-05-01" in found[0].message and found[0].severity == "error"


def test_hsa_check_needs_to_know_the_account():
    fsa = Account(2, "Employer FSA", "fsa", date(2026, 1, 1), date(2026, 12, 31), runout_end=date(2027, 3, 31))
    early = [receipt(1, date(2020, 1, 1), [item(11, "rx")])]
    assert types(warnings_for(early, [], date(2026, 1, 1), accounts=(HSA, fsa))) == []
    assert types(
        warnings_for(
            [receipt(1, date(2020, 1, 1), [item(11, "rx")], account_id=1)], [], date(2026, 1, 1), accounts=(HSA, fsa)
        )
    ) == [("before_hsa_established", 1, None)]


def test_possible_duplicate():
    a = receipt(1, date(2026, 5, 1), [item(11, "rx", "12.30")], merchant="NORTHSTAR PHARMACY")
    b = receipt(2, date(2026, 5, 1), [item(21, "rx", "12.30")], merchant="Northstar Pharmacy")
    same_file = receipt(3, date(2026, 5, 1), [item(31, "rx", "12.30")], merchant="Northstar Pharmacy", sha="sha1")
    other_total = receipt(4, date(2026, 5, 1), [item(41, "rx", "12.31")], merchant="Northstar Pharmacy")
    found = warnings_for([a, b, same_file, other_total], [], date(2026, 6, 1))
    assert types(found) == [("possible_duplicate", 2, None)]
    assert "r1.pdf" in found[0].message


FSA_GRACE = Account(
    3,
    "Meridian FSA",
    "fsa",
    date(2026, 1, 1),
    date(2026, 12, 31),
    grace_end=date(2027, 3, 15),
    runout_end=date(2027, 3, 31),
)
FSA_CARRY = Account(
    4,
    "Meridian FSA",
    "fsa",
    date(2026, 1, 1),
    date(2026, 12, 31),
    carryover=Decimal("640.00"),
    runout_end=date(2027, 3, 31),
)


def fsa_receipts(account_id):
    return [
        receipt(
            1,
            date(2026, 5, 1),
            [item(11, "otc_eligible", "100.00"), item(12, "not_eligible", "20.00")],
            account_id=account_id,
        ),
        receipt(2, date(2027, 3, 1), [item(21, "rx", "50.00")], account_id=account_id),  # inside the grace period
        receipt(
            3, date(2026, 6, 1), [item(31, "massage", "80.00")], account_id=account_id
        ),  # no letter: not eligible yet
        receipt(4, date(2026, 7, 1), [item(41, "fitness", "60.00")], account_id=account_id),  # covered
        receipt(5, date(2026, 8, 1), [item(51, "rx", "30.00")], account_id=account_id),  # already claimed
    ]


def claim_warnings(account, as_of):
    found = warnings_for(
        fsa_receipts(account.id),
        [letter(1, date(2026, 1, 1))],
        as_of,
        accounts=(account,),
        claimed_item_ids=frozenset({51}),
    )
    return [w for w in found if w.type == "claim_deadline"]


def test_claim_deadline_with_grace_period_counts_grace_expenses():
    (deadline,) = claim_warnings(FSA_GRACE, date(2027, 2, 15))
    assert deadline.due == date(2027, 3, 31) and deadline.account_id == 3
    assert deadline.amount == Decimal("210.00")  # 100 + 50 (grace) + 60 (covered by a letter)
    assert set(deadline.item_ids) == {11, 21, 41}
    assert "grace period" in deadline.message and "in 44 days" in deadline.message
    assert deadline.severity == "warning"
    assert claim_warnings(FSA_GRACE, date(2027, 3, 20))[0].severity == "error"


def test_claim_deadline_with_carryover_notes_it_and_ignores_next_year():
    (deadline,) = claim_warnings(FSA_CARRY, date(2027, 2, 15))
    assert deadline.amount == Decimal("160.00")  # the 2027-03-01 expense belongs to the next plan year
    assert "$640.00" in deadline.message and "carries over" in deadline.message


def test_claim_deadline_window():
    assert claim_warnings(FSA_GRACE, date(2027, 1, 29)) == []  # 61 days ahead
    assert len(claim_warnings(FSA_GRACE, date(2027, 1, 30))) == 1  # 60 days ahead
    assert len(claim_warnings(FSA_GRACE, date(2027, 3, 31))) == 1  # the last day
    assert claim_warnings(FSA_GRACE, date(2027, 4, 1)) == []  # passed


def test_claim_deadline_key_is_stable_when_the_amount_changes():
    first = claim_warnings(FSA_GRACE, date(2027, 2, 15))[0]
    later = warnings_for(fsa_receipts(3)[:1], [], date(2027, 3, 1), accounts=(FSA_GRACE,))
    later = [w for w in later if w.type == "claim_deadline"][0]
    assert first.amount != later.amount and first.key == later.key


def test_hsa_has_no_claim_deadline():
    receipts = [receipt(1, date(2026, 5, 1), [item(11, "rx", "10.00")])]
    assert [w for w in warnings_for(receipts, [], date(2027, 3, 1)) if w.type == "claim_deadline"] == []


def test_a_letter_for_someone_not_in_people_is_a_question_for_the_user():
    named = Letter(
        id=5,
        file="l5.pdf",
        person_id=None,
        patient_name="Kevin Young",
        provider_name="Dr X",
        categories=("sleep",),
        issue_date=date(2026, 1, 1),
    )
    unread = Letter(
        id=6, file="l6.pdf", person_id=None, patient_name=None, categories=("cpap",), issue_date=date(2026, 1, 1)
    )
    found = [
        w
        for w in warnings_for([], [named, unread, letter(1, date(2026, 1, 1))], date(2026, 5, 1))
        if w.type == "letter_unknown_person"
    ]
    assert [(w.letter_id, w.severity) for w in found] == [(5, "warning"), (6, "warning")]
    assert "is for Kevin Young, who is not in People, so it covers nothing. Add Kevin Young" in found[0].message
    assert "no patient name was read, so it covers nothing. Assign the letter" in found[1].message


def test_claim_deadline_window_is_the_deadline_days_setting_not_the_letters_one():
    def deadlines(as_of, **days):
        found = warnings_for(fsa_receipts(3), [letter(1, date(2026, 1, 1))], as_of, accounts=(FSA_GRACE,), **days)
        return [w for w in found if w.type == "claim_deadline"]

    # 30 days before the 2027-03-31 deadline: outside a 14-day window, inside a 45-day one
    assert deadlines(date(2027, 3, 1), expiring_days=60, deadline_days=14) == []
    assert len(deadlines(date(2027, 3, 1), expiring_days=7, deadline_days=45)) == 1
