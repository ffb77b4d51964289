"""`check` over the receipts indexed queries find gives the warnings the rules give over every receipt."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from hsawallet import config
from hsawallet import coverage as rules
from hsawallet.services import coverage
from hsawallet.services.people import register_account
from hsawallet.store.models import Document, LineItem, Receipt
from hsawallet.vocab import DocumentKind, DocumentStatus, WarningType

_spec = importlib.util.spec_from_file_location("big_vault", Path(__file__).parents[2] / "bench" / "big_vault.py")
big_vault = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(big_vault)


def _every_receipt(vault, as_of: date) -> list[rules.Warning]:
    """The rules over every receipt, letter and link of the vault."""
    with vault.session() as session:
        return rules.compute_warnings(
            receipts=coverage.load_receipts(session),
            letters=coverage.load_letters(session),
            links=coverage.links_as_results(session),
            accounts=coverage.load_accounts(session),
            people=coverage.load_people(session),
            as_of=as_of,
            expiring_days=config.get(session, "expiring_days"),
            deadline_days=config.get(session, "deadline_days"),
            claimed_item_ids=coverage.claimed_item_ids(session),
        )


def _copy_receipts(vault, count: int) -> None:
    """Receipts with the merchant, date and total of earlier ones (possible duplicates), from other files."""
    with vault.session() as session:
        originals = list(session.exec(select(Receipt).order_by(Receipt.id).limit(count)))
        for k, original in enumerate(originals):
            doc = Document(
                file_name=f"copy-{k}.pdf",
                size=10,
                sha256=f"copy-{k}",
                kind=DocumentKind.RECEIPT,
                status=DocumentStatus.READ,
            )
            session.add(doc)
            session.flush()
            session.add(
                Receipt(document_id=doc.id, merchant=original.merchant, date=original.date, total=original.total)
            )
        session.commit()


def test_check_finds_the_warnings_of_a_walk_over_every_receipt(vault):
    big_vault.populate(vault, 700, seed=11)
    hsa = register_account(vault, name="HSA", type="hsa", established=date(2017, 6, 1))
    fsa = register_account(
        vault,
        name="FSA",
        type="fsa",
        plan_start=date(2020, 1, 1),
        plan_end=date(2020, 12, 31),
        grace_end=date(2021, 3, 15),
        runout_end=date(2021, 3, 31),
    )
    with vault.session() as session:  # a third of the documents belong to the FSA, a third to the HSA
        for doc in session.exec(select(Document).where(Document.id % 3 != 2)):
            doc.account_id = fsa.id if doc.id % 3 == 0 else hsa.id
            session.add(doc)
        session.commit()
    _copy_receipts(vault, 5)
    config.set_value(vault, "deadline_days", "120")  # claim deadlines looked for further ahead than letter expiries
    coverage.recompute_links(vault)
    with vault.session() as session:
        item = session.exec(select(LineItem).where(LineItem.needs_lmn).order_by(LineItem.id)).first()
        letter_id = next(
            l.id for l in coverage.load_letters(session) if l.categories and item.category not in l.categories
        )
    coverage.set_manual_link(vault, item.id, letter_id, force=True)

    seen: set[WarningType] = set()
    for as_of in (date(2023, 2, 20), date(2024, 3, 1), date(2025, 11, 15), date(2025, 12, 20), date(2026, 6, 1)):
        with vault.session() as session:
            found = coverage.check(session, as_of=as_of)
        assert found == _every_receipt(vault, as_of)
        seen |= {w.type for w in found}
    assert {
        WarningType.PURCHASE_BEFORE_LETTER,
        WarningType.BEFORE_HSA_ESTABLISHED,
        WarningType.POSSIBLE_DUPLICATE,
        WarningType.CLAIM_DEADLINE,
        WarningType.MANUAL_LINK_OUTSIDE_TERMS,
        WarningType.LETTER_UNKNOWN_PERSON,
    } <= seen


def test_plan_years_due_are_those_whose_deadline_is_in_the_window():
    account = rules.Account(
        id=1,
        name="FSA",
        type="fsa",
        plan_start=date(2020, 7, 1),
        plan_end=date(2021, 6, 30),
        runout_end=date(2021, 9, 30),
    )
    assert rules.plan_years_due(account, date(2024, 9, 1), date(2024, 10, 31)) == [
        (date(2023, 7, 1), date(2024, 6, 30))
    ]
    assert rules.plan_years_due(account, date(2024, 10, 1), date(2025, 9, 29)) == []
    assert rules.plan_years_due(rules.Account(id=2, name="HSA", type="hsa"), date(2024, 1, 1), date(2030, 1, 1)) == []


def test_possible_duplicates_are_found_in_an_index_alone(vault):
    """Receipts sharing date and total (with a merchant) are grouped from the index of those columns, not from
    every receipt row (migration 0010)."""
    shared = (
        "SELECT date, total FROM receipt WHERE merchant IS NOT NULL AND date IS NOT NULL AND total IS NOT NULL "
        "GROUP BY date, total HAVING count(*) > 1"
    )
    with vault.session() as session:
        plan = [str(row[-1]) for row in session.connection().execute(text(f"EXPLAIN QUERY PLAN {shared}"))]
    assert any("COVERING INDEX ix_receipt_date_total" in step for step in plan), plan
