from datetime import date
from decimal import Decimal

from hsawallet.coverage import Item, Letter, ManualLink, Person, Receipt, compute_links, effective_end

MONICA, MICHAEL, WADE = 1, 2, 3
PEOPLE = [Person(MONICA, "Monica Delgado"), Person(MICHAEL, "Michael A. Delgado"), Person(WADE, "Wade Delgado")]


def letter(id_, issue, categories=("fitness",), person=MONICA, through=None, provider="Dana Lee", items=()):
    return Letter(
        id=id_,
        file=f"letter{id_}.pdf",
        person_id=person,
        provider_name=provider,
        categories=tuple(categories),
        items=tuple(items),
        issue_date=issue,
        valid_through=through,
        valid_through_stated=through is not None,
    )


def receipt(id_, day, category="fitness", person=None, description="Gym membership, monthly", needs_lmn=True):
    item = Item(id=id_ * 10, description=description, amount=Decimal("45.00"), category=category, needs_lmn=needs_lmn)
    return Receipt(
        id=id_,
        file=f"r{id_}.pdf",
        person_id=person,
        merchant="Gym",
        date=day,
        total=Decimal("45.00"),
        items=(item,),
        document_sha256=f"sha{id_}",
    )


def one(receipts, letters, manual=()):
    results = compute_links(receipts, letters, manual, people=PEOPLE)
    assert len(results) == 1
    return results[0]


def test_default_validity_is_twelve_months_minus_one_day():
    assert effective_end(letter(1, date(2026, 3, 12))) == date(2027, 3, 11)
    assert effective_end(letter(1, date(2024, 2, 29))) == date(2025, 2, 27)


def test_purchase_on_the_issue_date_is_covered():
    result = one([receipt(1, date(2026, 3, 12))], [letter(7, date(2026, 3, 12))])
    assert (result.status, result.letter_id, result.related_letter_id) == ("covered", 7, 7)
    assert "covered by Dana Lee's letter for Monica Delgado, 2026-03-12 to 2027-03-11 (fitness)" in result.reason
    assert result.reason.startswith("Gym membership, monthly, 2026-03-12")


def test_purchase_on_the_last_valid_day_is_covered():
    assert one([receipt(1, date(2027, 3, 11))], [letter(7, date(2026, 3, 12))]).status == "covered"


def test_purchase_one_day_after_the_end_is_after_expiry():
    result = one([receipt(1, date(2027, 3, 12))], [letter(7, date(2026, 3, 12))])
    assert (result.status, result.letter_id, result.related_letter_id) == ("after_expiry", None, 7)
    assert "1 day after" in result.reason and "ended on 2027-03-11" in result.reason


def test_purchase_one_day_before_the_letter_is_before_letter():
    result = one([receipt(1, date(2026, 3, 11))], [letter(7, date(2026, 3, 12))])
    assert (result.status, result.letter_id, result.related_letter_id) == ("before_letter", None, 7)
    assert "bought 1 day before Dana Lee's letter of 2026-03-12" in result.reason


def test_latest_issue_in_force_wins():
    letters = [letter(1, date(2025, 6, 1)), letter(2, date(2026, 1, 10)), letter(3, date(2025, 9, 1))]
    result = one([receipt(1, date(2026, 3, 2))], letters)
    assert (result.status, result.letter_id) == ("covered", 2)


def test_before_letter_names_the_earliest_later_letter():
    letters = [letter(1, date(2026, 9, 1)), letter(2, date(2026, 5, 1))]
    result = one([receipt(1, date(2026, 4, 19))], letters)
    assert (result.status, result.related_letter_id) == ("before_letter", 2)
    assert "12 days before" in result.reason


def test_after_expiry_names_the_letter_that_ended_last():
    # Letter 1 was issued later but states a short validity; letter 2 ran longer.
    letters = [letter(1, date(2025, 3, 1), through=date(2025, 6, 30)), letter(2, date(2025, 1, 1))]
    result = one([receipt(1, date(2026, 2, 1))], letters)
    assert (result.status, result.related_letter_id) == ("after_expiry", 2)


def test_before_letter_is_preferred_to_after_expiry():
    letters = [letter(1, date(2024, 1, 1)), letter(2, date(2026, 1, 1))]
    result = one([receipt(1, date(2025, 6, 1))], letters)
    assert (result.status, result.related_letter_id) == ("before_letter", 2)


def test_stated_shorter_validity():
    short = letter(5, date(2026, 1, 1), through=date(2026, 6, 30))
    assert one([receipt(1, date(2026, 6, 30))], [short]).status == "covered"
    assert one([receipt(1, date(2026, 7, 1))], [short]).status == "after_expiry"


def test_two_people_with_letters_for_the_same_category():
    letters = [
        letter(1, date(2026, 1, 5), ("massage",), person=MONICA),
        letter(2, date(2026, 2, 5), ("massage",), person=MICHAEL),
    ]
    for_monica = one([receipt(1, date(2026, 3, 1), "massage", person=MONICA)], letters)
    for_michael = one([receipt(2, date(2026, 3, 1), "massage", person=MICHAEL)], letters)
    for_no_one = one([receipt(3, date(2026, 3, 1), "massage", person=None)], letters)
    assert (for_monica.letter_id, for_michael.letter_id, for_no_one.letter_id) == (1, 2, 2)


def test_a_letter_for_someone_else_does_not_cover_and_the_reason_says_so():
    letters = [letter(1, date(2026, 1, 5), ("massage",), person=MICHAEL)]
    result = one([receipt(1, date(2026, 3, 1), "massage", person=MONICA)], letters)
    assert (result.status, result.letter_id, result.related_letter_id) == ("no_letter", None, None)
    assert "no letter for massage for Monica Delgado" in result.reason
    assert "is for Michael A. Delgado" in result.reason


def test_category_must_overlap():
    result = one([receipt(1, date(2026, 3, 1), "massage")], [letter(1, date(2026, 1, 5), ("fitness", "nutrition"))])
    assert result.status == "no_letter"


def test_item_listed_by_the_letter_links_despite_another_category():
    listed = letter(1, date(2026, 1, 5), ("sleep",), items=("cooling mattress pad system",))
    result = one([receipt(1, date(2026, 3, 1), "wearable", description="Cooling mattress pad system, queen")], [listed])
    assert (result.status, result.letter_id) == ("covered", 1)


def test_items_without_need_are_not_linked_and_undated_receipts_say_why():
    assert (
        compute_links([receipt(1, date(2026, 3, 1), "otc_eligible", needs_lmn=False)], [letter(1, date(2026, 1, 1))])
        == []
    )
    result = one([receipt(2, None)], [letter(1, date(2026, 1, 1))])
    assert (result.status, result.letter_id, result.related_letter_id) == ("undated", None, 1)
    assert "no date" in result.reason
    # With no letter for the item at all, the missing date does not matter.
    assert one([receipt(3, None, "massage")], [letter(1, date(2026, 1, 1))]).status == "no_letter"


def test_undated_letter_cannot_cover():
    result = one([receipt(1, date(2026, 3, 1))], [letter(1, None)])
    assert result.status == "no_letter" and "has no issue date" in result.reason


def test_manual_link_and_unlink_survive_recomputation():
    receipts = [receipt(1, date(2026, 3, 1)), receipt(2, date(2026, 3, 1))]
    letters = [letter(1, date(2026, 1, 1))]
    manual = [ManualLink(item_id=10, letter_id=None), ManualLink(item_id=20, letter_id=9)]
    letters_later = letters + [letter(9, date(2026, 8, 1), ("massage",)), letter(4, date(2026, 2, 1))]
    for current in (letters_later, list(reversed(letters_later))):
        results = {r.item_id: r for r in compute_links(receipts, current, manual, people=PEOPLE)}
        assert (results[10].status, results[10].letter_id) == ("unlinked", None)
        assert (results[20].status, results[20].letter_id, results[20].related_letter_id) == ("manual", 9, 9)
        assert "you linked it" in results[20].reason


def test_manual_link_to_a_deleted_letter_falls_back_to_the_rules():
    results = compute_links([receipt(1, date(2026, 3, 1))], [letter(1, date(2026, 1, 1))], [ManualLink(10, 99)])
    assert (results[0].status, results[0].letter_id) == ("covered", 1)


def test_manual_link_on_an_item_that_needs_no_letter_is_kept():
    results = compute_links(
        [receipt(1, date(2026, 3, 1), "otc_eligible", needs_lmn=False)],
        [letter(1, date(2026, 1, 1))],
        [ManualLink(10, 1)],
    )
    assert [(r.status, r.letter_id) for r in results] == [("manual", 1)]


def test_a_manual_link_outside_the_letter_terms_keeps_the_mark_and_says_why():
    massage = receipt(1, date(2026, 3, 1), "massage", description="Massage 60 min")
    early = receipt(2, date(2025, 12, 1))
    michaels = receipt(3, date(2026, 3, 1), person=MICHAEL)
    unknown = Letter(
        id=5,
        file="l5.pdf",
        person_id=None,
        patient_name="Kevin Young",
        provider_name="Dr X",
        categories=("fitness",),
        issue_date=date(2026, 1, 1),
    )
    manual = [ManualLink(10, 1), ManualLink(20, 1), ManualLink(30, 1), ManualLink(10, 5)]
    results = {
        r.item_id: r
        for r in compute_links(
            [massage, early, michaels], [letter(1, date(2026, 1, 1)), unknown], manual[:3], people=PEOPLE
        )
    }
    assert all(r.status == "manual" and r.letter_id == 1 for r in results.values())
    assert results[10].outside_terms == ("the letter lists fitness, not massage",)
    assert results[20].outside_terms == ("bought 31 days before the letter's date 2026-01-01",)
    assert results[30].outside_terms == ("the letter is for Monica Delgado, the purchase for Michael A. Delgado",)
    assert "manual, outside the letter's terms: the letter lists fitness, not massage" in results[10].reason
    (to_unknown,) = compute_links([receipt(1, date(2026, 3, 1))], [unknown], [ManualLink(10, 5)], people=PEOPLE)
    assert to_unknown.outside_terms == ("the letter is for Kevin Young, who is not in People",)
    inside = one([receipt(1, date(2026, 3, 1))], [letter(1, date(2026, 1, 1))], [ManualLink(10, 1)])
    assert inside.status == "manual" and inside.outside_terms == () and "outside" not in inside.reason


def test_a_letter_for_someone_not_in_people_covers_nothing():
    kevin = Letter(
        id=5,
        file="l5.pdf",
        person_id=None,
        patient_name="Kevin Young",
        provider_name="Dr X",
        categories=("fitness",),
        issue_date=date(2026, 1, 1),
    )
    # neither a purchase naming no one nor one naming a member is covered by it
    for person in (None, MONICA):
        result = one([receipt(1, date(2026, 3, 1), person=person)], [kevin])
        assert (result.status, result.letter_id) == ("no_letter", None)
        assert "Dr X's letter of 2026-01-01 is for Kevin Young, who is not in People" in result.reason
    # once the letter is Monica's (her name in People, or assigned to her), it covers her purchase
    result = one([receipt(1, date(2026, 3, 1), person=MONICA)], [letter(5, date(2026, 1, 1), provider="Dr X")])
    assert result.status == "covered"
    assert "covered by Dr X's letter for Monica Delgado, 2026-01-01 to 2026-12-31" in result.reason
