"""The indexed link computation gives exactly what the plain walk over every letter gives."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hsawallet.coverage import link
from hsawallet.coverage.model import Item, Letter, LinkResult, ManualLink, Person, Receipt

CATEGORIES = ["massage", "fitness", "cpap", "sleep", "rx"]
DESCRIPTIONS = ["deep tissue massage", "gym membership fee", "cpap mask and tubing", "sleep study", "refill"]
PEOPLE = [Person(1, "Avery Quill"), Person(2, "Jordan Quill"), Person(3, "Sam Quill")]


def _walk(receipts, letters, people) -> list[LinkResult]:
    """The rule as written: every letter checked against every item."""
    by_person = {p.id: p for p in people}
    out = []
    for receipt in receipts:
        for item in receipt.items:
            if not item.needs_lmn:
                continue
            candidates = link.candidate_letters(receipt, item, letters)
            dated = [l for l in candidates if l.issue_date is not None]
            if receipt.date is None and dated:
                status, letter = link.UNDATED, max(dated, key=lambda l: (l.issue_date, l.id))
            elif receipt.date is None:
                status, letter = link.NO_LETTER, None
            else:
                status, letter = link.classify(receipt.date, candidates)
            others = [
                l
                for l in letters
                if link.letter_applies_to_item(l, item) and not link.letter_applies_to_person(l, receipt)
            ]
            reason = link._subject(receipt, item) + link._why(
                status, receipt, item, letter, candidates, others, by_person
            )
            covering = letter.id if status == link.COVERED and letter is not None else None
            out.append(LinkResult(item.id, receipt.id, covering, status, letter.id if letter else None, reason))
    return out


def _world(seed: int) -> tuple[list[Receipt], list[Letter]]:
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    letters = []
    for k in range(60):
        issue = None if rng.random() < 0.1 else start + timedelta(days=rng.randrange(1500))
        stated = None
        if issue is not None and rng.random() < 0.3:  # a stated end, now and then one read before the issue date
            stated = issue + timedelta(days=rng.randrange(-40, 700))
        cats = tuple(rng.sample(CATEGORIES[:4], rng.choice((1, 1, 2))))
        listed = tuple(rng.sample(DESCRIPTIONS, rng.choice((0, 1, 2))))
        letters.append(
            Letter(
                id=100 + k,
                file=f"l{k}.pdf",
                person_id=rng.choice((1, 2, 3, None)),
                patient_name=rng.choice(("Avery Quill", "Morgan Elsewhere", None)),
                provider_name=rng.choice(("Dr. A", None)),
                categories=cats,
                items=listed,
                issue_date=issue,
                valid_through=stated,
            )
        )
    rng.shuffle(letters)  # the letters' order, not their ids, decides which one a reason names
    receipts = []
    item_id = 1
    for k in range(400):
        items = []
        for _ in range(rng.choice((1, 2, 3))):
            category = rng.choice(CATEGORIES)
            items.append(
                Item(
                    id=item_id,
                    description=rng.choice(DESCRIPTIONS) + rng.choice(("", " x2")),
                    amount=Decimal("12.50"),
                    category=category,
                    needs_lmn=category != "rx" or rng.random() < 0.2,
                )
            )
            item_id += 1
        day = None if rng.random() < 0.05 else start + timedelta(days=rng.randrange(-100, 1900))
        receipts.append(
            Receipt(id=k + 1, file=f"r{k}.pdf", person_id=rng.choice((1, 2, 3, None)), date=day, items=tuple(items))
        )
    return receipts, letters


def test_indexed_links_equal_the_walk_over_every_letter():
    for seed in range(6):
        receipts, letters = _world(seed)
        got = link.compute_links(receipts, letters, people=PEOPLE)
        assert got == _walk(receipts, letters, PEOPLE)
        assert {r.status for r in got} >= {link.COVERED, link.BEFORE_LETTER, link.AFTER_EXPIRY, link.NO_LETTER}


def test_manual_links_still_win_over_the_index():
    receipts, letters = _world(9)
    item = receipts[0].items[0]
    other = receipts[1].items[0]
    got = link.compute_links(
        receipts, letters, [ManualLink(item.id, letters[0].id), ManualLink(other.id, None)], people=PEOPLE
    )
    by_item = {r.item_id: r for r in got}
    assert by_item[item.id].status == link.MANUAL and by_item[item.id].letter_id == letters[0].id
    assert by_item[other.id].status == link.UNLINKED
