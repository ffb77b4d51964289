"""A stopped import finishes the document in a reader's hands, keeps the rest stored but unread,
and the next import (of no files at all) reads them: nothing is lost."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from hsawallet.services import documents
from hsawallet.store.models import Document
from hsawallet.vocab import DocumentStatus, ImportStatus
from tests.ui.helpers import receipt_pdf


def _files(folder, count):
    folder.mkdir()
    paths = []
    for n in range(count):
        path = folder / f"receipt-{n}.pdf"
        path.write_bytes(receipt_pdf(merchant=f"Corner Pharmacy {n}", on=date(2026, 4, 1 + n)))
        paths.append(path)
    return paths


def test_stop_finishes_the_document_in_hand_and_the_next_import_reads_the_rest(vault, tmp_path):
    paths = _files(tmp_path / "in", 4)
    told = []

    outcomes = documents.import_files(
        vault, paths, workers=1, progress=lambda done, total, outcome: told.append(outcome), stop=lambda: len(told) >= 1
    )

    read = [o for o in outcomes if o.status == ImportStatus.IMPORTED]
    left = [o for o in outcomes if o.deferred]
    assert len(read) == 1 and len(left) == 3  # one reader, one document in hand
    assert all(o.document_id is not None and "next start" in o.error for o in left)
    with vault.session() as session:
        assert documents.unread_documents(session) == 3
        assert {d.status for d in session.exec(select(Document))} == {DocumentStatus.STORED, DocumentStatus.READ}

    again = documents.import_files(vault, [], workers=1)

    assert sorted(o.document_id for o in again if o.status == ImportStatus.IMPORTED) == sorted(
        o.document_id for o in left
    )
    with vault.session() as session:
        assert documents.unread_documents(session) == 0
        assert len(session.exec(select(Document)).all()) == 4
