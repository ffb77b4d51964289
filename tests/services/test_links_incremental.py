"""Relinking only what a change touches gives the same links as relinking the whole vault."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlmodel import select

from hsawallet.services import coverage, documents
from hsawallet.store.models import ItemLink, Letter, LineItem, Receipt

_spec = importlib.util.spec_from_file_location("big_vault", Path(__file__).parents[2] / "bench" / "big_vault.py")
big_vault = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(big_vault)


def _links(vault) -> list[tuple]:
    with vault.session() as session:
        return [
            (l.item_id, l.letter_id, l.related_letter_id, l.status, l.reason, l.manual)
            for l in session.exec(select(ItemLink).order_by(ItemLink.item_id))
        ]


def _full(vault) -> list[tuple]:
    coverage.recompute_links(vault)
    return _links(vault)


def test_incremental_links_match_a_full_recompute_after_each_kind_of_change(vault):
    big_vault.populate(vault, 400, seed=3)
    coverage.recompute_links(vault)
    before = _links(vault)
    assert any(row[3] == "covered" for row in before) and any(row[3] != "covered" for row in before)
    with vault.session() as session:
        letter = session.exec(select(Letter).where(Letter.issue_date.is_not(None)).order_by(Letter.id)).first()
        letter_doc, letter_id = letter.document_id, letter.id
        item = session.exec(select(LineItem).where(LineItem.needs_lmn).order_by(LineItem.id)).first()
        receipt_doc = session.get(Receipt, item.receipt_id).document_id
        other_item = (
            session.exec(
                select(LineItem).where(LineItem.needs_lmn, LineItem.id != item.id).order_by(LineItem.id.desc())
            )
            .first()
            .id
        )
    changes = [
        lambda: documents.set_field(vault, letter_doc, "issue_date", "2019-03-01"),
        lambda: documents.set_field(vault, letter_doc, "categories", "massage, cpap"),
        lambda: documents.set_field(vault, receipt_doc, "date", "2019-06-01"),
        lambda: documents.set_field(vault, receipt_doc, "items.1.category", "cpap"),
        lambda: coverage.set_manual_link(vault, other_item, letter_id, force=True),
        lambda: coverage.assign_letter(vault, letter_id, "Sam Quill"),
        lambda: coverage.set_manual_link(vault, item.id, None),
        lambda: coverage.clear_manual_link(vault, other_item),
    ]
    for change in changes:
        change()
        incremental = _links(vault)
        assert incremental == _full(vault)
    assert _links(vault) != before


def test_new_documents_relink_like_a_full_recompute(vault):
    big_vault.populate(vault, 300, seed=5)
    coverage.recompute_links(vault)
    with vault.session() as session:
        known = set(session.exec(select(Receipt.document_id))) | set(session.exec(select(Letter.document_id)))
    big_vault.populate(vault, 100, seed=6)  # letters among them
    with vault.session() as session:
        new = (set(session.exec(select(Receipt.document_id))) | set(session.exec(select(Letter.document_id)))) - known
    assert any(d in new for d in set(_letter_docs(vault)))
    coverage.recompute_links(vault, document_ids=new)
    assert _links(vault) == _full(vault)


def _letter_docs(vault) -> list[int]:
    with vault.session() as session:
        return list(session.exec(select(Letter.document_id)))
