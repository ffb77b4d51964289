"""Each receipt's stored count of items not covered by a letter (the Receipts list's Letters column) equals
the count made from its items and links, after every kind of write; the list sorts on it through its index."""

from __future__ import annotations

import hashlib
import importlib.util
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from hsawallet.services import coverage, documents, lists
from hsawallet.services.lists import ReceiptSort
from hsawallet.store import keys, migrations
from hsawallet.store.engine import Vault, create_vault_file, make_engine
from hsawallet.store.models import ItemLink, Letter, LineItem, Receipt
from hsawallet.store.vault import open_vault
from hsawallet.vocab import COVERING_LINK_STATUSES
from tests.conftest import RECEIPT_LINES, make_text_pdf
from tests.stored_rows import add_letter, add_receipt

_spec = importlib.util.spec_from_file_location("big_vault", Path(__file__).parents[2] / "bench" / "big_vault.py")
big_vault = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(big_vault)


def _stored_and_counted(vault) -> tuple[dict[int, int], dict[int, int]]:
    """(stored count, count from the items and their links) per receipt."""
    with vault.session() as session:
        status = {l.item_id: l.status for l in session.exec(select(ItemLink))}
        counted = {r.id: 0 for r in session.exec(select(Receipt))}
        for item in session.exec(select(LineItem).where(LineItem.needs_lmn)):
            if status.get(item.id, "no_letter") not in COVERING_LINK_STATUSES:
                counted[item.receipt_id] += 1
        stored = {r.id: r.uncovered_items for r in session.exec(select(Receipt))}
    return stored, counted


def _assert_true(vault) -> dict[int, int]:
    stored, counted = _stored_and_counted(vault)
    assert stored == counted
    return stored


def test_stored_count_follows_imports_edits_manual_links_and_recomputes(vault, tmp_path):
    big_vault.populate(vault, 300, seed=11)
    unlinked = _assert_true(vault)  # before any link: every item that needs a letter counts
    coverage.recompute_links(vault)
    linked = _assert_true(vault)
    assert linked != unlinked and any(linked.values()) and not all(linked.values())

    letter = add_letter(vault, tmp_path, "lmn.pdf", "Avery Quill", date(2026, 1, 15), date(2027, 1, 14), ["fitness"])
    receipt, (fitness, other) = add_receipt(
        vault,
        tmp_path,
        "gym.pdf",
        "Harbor Fitness",
        date(2026, 3, 2),
        [("Monthly membership", "49.00", "fitness", True), ("Towel rental", "5.00", "massage", True)],
        patient="Avery Quill",
    )
    _assert_true(vault)  # items stored, no link yet
    with vault.session() as session:
        receipt_doc = session.get(Receipt, receipt).document_id
        letter_doc = session.get(Letter, letter).document_id
    coverage.recompute_links(vault, document_ids=[receipt_doc, letter_doc])
    assert _assert_true(vault)[receipt] == 1  # the fitness item is covered, the other is not

    # a real import of a text PDF (read, stored, relinked)
    (outcome,) = documents.import_files(vault, [make_text_pdf(tmp_path / "club.pdf", [RECEIPT_LINES])])
    assert outcome.kind == "receipt"
    with vault.session() as session:
        imported = session.exec(select(Receipt).where(Receipt.document_id == outcome.document_id)).one().id
        assert session.exec(select(LineItem).where(LineItem.receipt_id == imported, LineItem.needs_lmn)).all()
    assert _assert_true(vault)[imported] == 0  # its membership needs a letter: Avery's (it names no patient)

    changes = [
        lambda: documents.set_field(vault, receipt_doc, "items.2.category", "fitness"),  # now covered too
        lambda: documents.set_field(vault, receipt_doc, "items.1.category", "otc_eligible"),  # needs none
        lambda: documents.set_field(vault, receipt_doc, "items.1.category", "fitness"),
        lambda: documents.set_field(vault, letter_doc, "issue_date", "2026-06-01"),  # the purchase is before it
        lambda: documents.set_field(vault, receipt_doc, "date", "2026-07-01"),
        lambda: coverage.set_manual_link(vault, other, None),
        lambda: coverage.set_manual_link(vault, other, letter, force=True),
        lambda: coverage.clear_manual_link(vault, fitness),
        lambda: coverage.clear_manual_link(vault, other),
    ]
    seen = set()
    for change in changes:
        change()
        seen.add(_assert_true(vault)[receipt])
    assert seen == {0, 1, 2}

    with vault.session() as session:  # an item deleted (as reading a receipt again drops extra lines)
        session.delete(session.get(LineItem, other))
        session.commit()
    _assert_true(vault)
    coverage.recompute_links(vault, document_ids=[receipt_doc])
    _assert_true(vault)
    documents.remove_document(vault, letter_doc)
    assert _assert_true(vault)[receipt] == 1
    coverage.recompute_links(vault)
    _assert_true(vault)


def test_the_migration_fills_the_count_of_an_existing_vault(tmp_path):
    path = tmp_path / "old.db"
    key = keys.derive_key("pw", keys.new_salt())
    create_vault_file(path, key)
    old = Vault(path=path, key=key, engine=make_engine(path, key))
    migrations.upgrade(old, "0008")  # the schema before the count was stored
    # receipt 1: covered, manual, before_letter, not linked yet, one needing no letter; receipt 2: nothing to cover
    items = [(1, True, "covered"), (1, True, "manual"), (1, True, "before_letter"), (1, True, None), (1, False, None)]
    with old.engine.begin() as con:
        for receipt in (1, 2):
            sha = hashlib.sha256(str(receipt).encode()).hexdigest()
            con.execute(
                text(
                    "INSERT INTO document (id, file_name, size, sha256, imported_at, status) "
                    "VALUES (:i, :n, 1, :s, '2026-01-01 00:00:00', 'read')"
                ),
                {"i": receipt, "n": f"r{receipt}.pdf", "s": sha},
            )
            con.execute(text("INSERT INTO receipt (id, document_id, confidence) VALUES (:i, :i, '{}')"), {"i": receipt})
        for item_id, (receipt, needs, status) in enumerate(items, start=1):
            con.execute(
                text(
                    "INSERT INTO lineitem (id, receipt_id, position, description, category, needs_lmn, confidence) "
                    "VALUES (:i, :r, :i, 'item', 'fitness', :n, 0.5)"
                ),
                {"i": item_id, "r": receipt, "n": needs},
            )
            if status is not None:
                con.execute(
                    text("INSERT INTO itemlink (item_id, status, reason, manual) VALUES (:i, :s, '', 0)"),
                    {"i": item_id, "s": status},
                )
    old.close()
    upgraded = open_vault(path, key)
    try:
        assert _assert_true(upgraded) == {1: 2, 2: 0}
        with upgraded.session() as session:  # the triggers are in place: a new item counts at once
            session.add(LineItem(receipt_id=2, position=0, description="x", category="fitness", needs_lmn=True))
            session.commit()
        assert _assert_true(upgraded) == {1: 2, 2: 1}
    finally:
        upgraded.close()


def test_the_letters_column_sorts_through_its_index(vault):
    big_vault.populate(vault, 200, seed=4)
    coverage.recompute_links(vault)
    stored, _ = _stored_and_counted(vault)
    with vault.session() as session:
        for descending in (False, True):
            expected = sorted(stored, key=lambda r: (stored[r], r), reverse=descending)
            assert lists.receipt_ids(session, sort=ReceiptSort.LETTERS, descending=descending) == expected
        plan = " ".join(
            str(row[-1])
            for row in session.connection().execute(
                text("EXPLAIN QUERY PLAN SELECT r.id FROM receipt r ORDER BY r.uncovered_items DESC, r.id DESC")
            )
        )
    assert "ix_receipt_uncovered_items" in plan and "TEMP B-TREE" not in plan
