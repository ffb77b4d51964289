"""`list receipts` from bulk column queries gives each receipt exactly as the per-receipt record does."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from hsawallet.services import coverage, document_records, records
from hsawallet.store.models import Document, Receipt

_spec = importlib.util.spec_from_file_location("big_vault", Path(__file__).parents[2] / "bench" / "big_vault.py")
big_vault = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(big_vault)


def test_bulk_receipt_list_equals_the_per_receipt_records(vault):
    big_vault.populate(vault, 150, seed=2)
    coverage.recompute_links(vault)
    with vault.session() as session:  # a confidence read, and amounts stored unquantized or as an exponent
        receipt = session.exec(select(Receipt).order_by(Receipt.id)).first()
        receipt.confidence = {"total": 0.91234, "merchant": 0.5}
        session.add(receipt)
        session.commit()
        session.connection().execute(text("UPDATE lineitem SET amount = '7.5' WHERE id = 1"))
        session.connection().execute(text("UPDATE receipt SET total = '1E+1' WHERE id = 2"))
        session.commit()
    with vault.session() as session:
        listed = records.list_receipts(session)
        one_by_one = [
            records.receipt_json(document_records.receipt_record(session, receipt, doc))
            for receipt, doc in session.exec(
                select(Receipt, Document).join(Document, Document.id == Receipt.document_id).order_by(Receipt.id)
            )
        ]
    assert listed == one_by_one
    assert listed[0]["confidence"] == {"total": 0.912, "merchant": 0.5}
    assert any(item["amount"] == "7.50" for r in listed for item in r["items"]) and listed[1]["total"] == "10.00"
    assert any(item["letter_id"] for r in listed for item in r["items"])
    assert any(r["person"] for r in listed) and any(r["person"] is None for r in listed)
