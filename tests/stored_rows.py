"""Rows written straight into a test vault through the store's own models (nothing read): a document with
its bytes, a receipt with its line items, a letter; add_receipt and add_letter store a small text PDF as the
document."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from hsawallet.store.models import Document, DocumentBlob, Letter, LineItem, Receipt
from tests.conftest import make_text_pdf

# (description, amount, category, needs a letter)
Item = tuple[str, str, str, bool]


def store_document(session: Session, file_name: str, data: bytes, **fields: Any) -> int:
    """A read one-page PDF document holding ``data`` (``fields``: kind, person_id, account_id...); its id."""
    doc = Document(
        file_name=file_name,
        media_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        status="read",
        page_count=1,
        **fields,
    )
    session.add(doc)
    session.flush()
    assert doc.id is not None
    session.add(DocumentBlob(document_id=doc.id, data=data))
    return doc.id


def store_receipt(
    session: Session, document_id: int, items: list[Item], *, item_confidence: float | None = None, **fields: Any
) -> tuple[int, list[int]]:
    """A receipt of the document whose total is its items' sum, and the items in their order (``fields``:
    merchant, date, patient...); (receipt id, item ids)."""
    receipt = Receipt(document_id=document_id, total=sum((Decimal(a) for _, a, _, _ in items), Decimal("0")), **fields)
    session.add(receipt)
    session.flush()
    assert receipt.id is not None
    item_fields = {} if item_confidence is None else {"confidence": item_confidence}
    item_ids = []
    for position, (description, amount, category, needs_lmn) in enumerate(items):
        item = LineItem(
            receipt_id=receipt.id,
            position=position,
            description=description,
            amount=Decimal(amount),
            category=category,
            needs_lmn=needs_lmn,
            **item_fields,
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        item_ids.append(item.id)
    return receipt.id, item_ids


def add_document(vault, tmp_path, name, lines, kind):
    """A document of ``kind`` whose bytes are a text PDF of ``lines`` (written to ``tmp_path``); its id."""
    data = make_text_pdf(tmp_path / name, [lines]).read_bytes()
    with vault.session() as s:
        doc_id = store_document(s, name, data, kind=kind)
        s.commit()
        return doc_id


def add_receipt(vault, tmp_path, name, merchant, day, items, patient=None):
    """A receipt document printing its merchant, day and items; (receipt id, item ids)."""
    lines = [merchant, day.isoformat()] + [f"{d} {a}" for d, a, _, _ in items]
    doc_id = add_document(vault, tmp_path, name, lines, "receipt")
    with vault.session() as s:
        found = store_receipt(s, doc_id, items, merchant=merchant, date=day, patient=patient)
        s.commit()
        return found


def add_letter(vault, tmp_path, name, patient, issued, through, categories):
    """A complete letter for ``patient`` covering ``categories``; its id."""
    doc_id = add_document(vault, tmp_path, name, ["Letter of Medical Necessity", f"Patient: {patient}"], "letter")
    with vault.session() as s:
        letter = Letter(
            document_id=doc_id,
            patient_name=patient,
            provider_name="Dr. Ana Lee",
            issue_date=issued,
            valid_through=through,
            categories=categories,
            items=["gym membership"],
            missing=[],
        )
        s.add(letter)
        s.commit()
        return letter.id
