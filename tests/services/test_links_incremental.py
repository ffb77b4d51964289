"""Relinking only what a change touches gives the same links as relinking the whole vault."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlmodel import select

from hsawallet.services import coverage, documents, people
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
    with vault.session() as session:  # an undated letter: reasons name it ("has no issue date")
        undated = session.exec(select(Letter).order_by(Letter.id.desc())).first()
        undated.issue_date = None
        session.add(undated)
        session.commit()
        undated_doc = undated.document_id
    coverage.recompute_links(vault)
    before = _links(vault)
    assert any(row[3] == "covered" for row in before) and any(row[3] != "covered" for row in before)
    with vault.session() as session:
        letter = session.exec(select(Letter).where(Letter.issue_date.is_not(None)).order_by(Letter.id)).first()
        letter_doc, letter_id = letter.document_id, letter.id
        item = session.exec(select(LineItem).where(LineItem.needs_lmn).order_by(LineItem.id)).first()
        receipt_doc = session.get(Receipt, item.receipt_id).document_id
        other_item = session.exec(
            select(LineItem).where(LineItem.needs_lmn, LineItem.id != item.id).order_by(LineItem.id.desc())
        ).first()
        other_item, other_receipt = other_item.id, other_item.receipt_id
    with vault.session() as session:
        listed = {c for l in session.exec(select(Letter)) for c in l.categories}
        unlisted = next(c for c in ("cpap", "wearable", "acupuncture", "sleep", "supplements") if c not in listed)
        lonely_doc = session.get(Receipt, other_receipt).document_id
    changes = [
        # An item no dated letter covers, whose reason names the undated letter while it lists the category,
        # then no longer once the letter's categories change (the terms before the edit are relinked too).
        lambda: documents.set_field(vault, lonely_doc, "items.1.category", unlisted),
        lambda: documents.set_field(vault, undated_doc, "categories", unlisted),
        lambda: documents.set_field(vault, undated_doc, "categories", "massage"),
        lambda: documents.set_field(vault, letter_doc, "valid_through", "2030-01-01"),
        lambda: documents.set_field(vault, letter_doc, "patient_name", "Someone Unknown"),
        lambda: documents.set_field(vault, letter_doc, "patient_name", "Riley Quill"),
        lambda: documents.set_field(vault, letter_doc, "issue_date", "2019-03-01"),
        lambda: documents.set_field(vault, letter_doc, "categories", "massage, cpap"),
        lambda: documents.set_field(vault, receipt_doc, "date", "2019-06-01"),
        lambda: documents.set_field(vault, receipt_doc, "items.1.category", "cpap"),
        lambda: coverage.set_manual_link(vault, other_item, letter_id, force=True),
        lambda: people.assign_letter(vault, letter_id, "Sam Quill"),
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
