"""Import, user edits that survive re-reading, search, and manual links, through a real vault."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select

from hsawallet.ingest.pool import read_one
from hsawallet.services import coverage, documents
from hsawallet.store.models import Document, FieldEdit, ItemLink, Receipt
from tests.conftest import RECEIPT_LINES, make_text_pdf
from tests.stored_rows import add_letter, add_receipt


def test_user_edit_survives_reading_the_document_again(vault, tmp_path):
    pdf = make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
    (outcome,) = documents.import_files(vault, [pdf])
    assert outcome.status == "imported" and outcome.kind == "receipt"
    documents.set_field(vault, outcome.document_id, "total", "51.25")
    documents.set_field(vault, outcome.document_id, "merchant", "Harbor Fitness")
    with vault.session() as s:
        doc = s.get(Document, outcome.document_id)
        store = documents.document_bytes(s, doc.id)
    again = read_one(store, "gym.pdf")
    with vault.session() as s:
        documents.store_read_result(s, s.get(Document, outcome.document_id), again)
    with vault.session() as s:
        receipt = s.exec(select(Receipt).where(Receipt.document_id == outcome.document_id)).one()
        assert receipt.total == Decimal("51.25") and receipt.merchant == "Harbor Fitness"
        assert receipt.confidence["total"] == 1.0
        assert receipt.date == date(2026, 3, 2)  # not edited: re-read value
        assert {e.field for e in s.exec(select(FieldEdit))} == {"total", "merchant"}


def test_bad_values_get_specific_messages(vault, tmp_path):
    import pytest

    from hsawallet.services.errors import UserError

    pdf = make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
    (outcome,) = documents.import_files(vault, [pdf])
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        documents.set_field(vault, outcome.document_id, "date", "next tuesday")
    with pytest.raises(UserError, match="amount"):
        documents.set_field(vault, outcome.document_id, "total", "lots")
    with pytest.raises(UserError, match="Unknown field"):
        documents.set_field(vault, outcome.document_id, "colour", "red")
    with pytest.raises(UserError, match="Unknown category"):
        documents.set_field(vault, outcome.document_id, "items.1.category", "snacks")


def test_search_finds_words_of_the_read_text(vault, tmp_path):
    pdf = make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
    (outcome,) = documents.import_files(vault, [pdf])
    with vault.session() as s:
        hits = documents.search(s, "membership")
        assert [doc_id for doc_id, _ in hits] == [outcome.document_id]
        assert "[membership]" in hits[0][1].lower()
        assert documents.search(s, "zeppelin") == []


def test_a_file_that_vanishes_mid_import_gets_its_own_result(vault, tmp_path, monkeypatch):
    folder = tmp_path / "inbox"
    folder.mkdir()
    first = make_text_pdf(folder / "a.pdf", [RECEIPT_LINES])
    doomed = make_text_pdf(folder / "b.pdf", [RECEIPT_LINES + ["copy"]])
    last = make_text_pdf(folder / "c.pdf", [RECEIPT_LINES + ["another"]])
    listed = documents.expand_paths

    def list_then_lose_one(paths):
        files = listed(paths)
        doomed.unlink()  # gone after the folder was listed, before it was read
        return files

    monkeypatch.setattr(documents, "expand_paths", list_then_lose_one)
    outcomes = {o.file: o for o in documents.import_files(vault, [folder])}
    assert outcomes["b.pdf"].status == "error" and "not found" in outcomes["b.pdf"].error
    assert outcomes["a.pdf"].status == outcomes["c.pdf"].status == "imported"
    assert first.exists() and last.exists()


def test_manual_unlink_and_link_survive_recomputation(vault, tmp_path):
    from hsawallet.services import people

    with vault.session() as s:
        people.add_person(s, name="Monica Delgado", dob=date(1984, 3, 1))
    letter = add_letter(vault, tmp_path, "lmn.pdf", "Monica Delgado", date(2026, 1, 15), date(2027, 1, 14), ["fitness"])
    _, (item,) = add_receipt(
        vault,
        tmp_path,
        "gym.pdf",
        "Harbor Fitness",
        date(2026, 3, 2),
        [("Monthly membership", "49.00", "fitness", True)],
    )
    coverage.recompute_links(vault)

    def link():
        with vault.session() as s:
            return s.get(ItemLink, item)

    assert link().letter_id == letter and link().status == "covered"
    coverage.set_manual_link(vault, item, None)
    coverage.recompute_links(vault)
    assert link().letter_id is None and link().status == "unlinked"
    with vault.session() as session:
        types = {w.type for w in coverage.check(session, as_of=date(2026, 6, 1))}
    assert "needs_lmn_missing" in types
    coverage.clear_manual_link(vault, item)
    assert link().letter_id == letter
    with vault.session() as session:
        assert "needs_lmn_missing" not in {w.type for w in coverage.check(session, as_of=date(2026, 6, 1))}


def test_correcting_a_letter_updates_its_checklist_and_default_validity(vault, tmp_path):
    from hsawallet.store.models import Letter

    letter_id = add_letter(
        vault, tmp_path, "lmn.pdf", "Monica Delgado", date(2026, 1, 15), date(2027, 1, 14), ["fitness"]
    )
    with vault.session() as s:
        letter = s.get(Letter, letter_id)
        letter.missing = ["provider_license", "signature"]
        s.add(letter)
        s.commit()
        doc_id = letter.document_id
    documents.set_field(vault, doc_id, "provider_license", "MD-123456")
    documents.set_field(vault, doc_id, "issue_date", "2026-03-12")
    with vault.session() as s:
        letter = s.get(Letter, letter_id)
        assert letter.missing == ["signature"]
        assert letter.valid_through == date(2027, 3, 11) and not letter.valid_through_stated
    documents.set_field(vault, doc_id, "provider_license", "")
    with vault.session() as s:
        assert sorted(s.get(Letter, letter_id).missing) == ["provider_license", "signature"]


def test_documents_left_unread_by_an_interrupted_import_are_read_by_the_next(vault, tmp_path):
    import hashlib

    from hsawallet.services.documents import _store_document

    stored = make_text_pdf(tmp_path / "stored.pdf", [RECEIPT_LINES])
    data = stored.read_bytes()
    with vault.session() as s:  # what an import killed between storing and reading leaves behind
        pending_id = _store_document(s, "stored.pdf", data, hashlib.sha256(data).hexdigest(), None, None).id
    other = make_text_pdf(tmp_path / "other.pdf", [RECEIPT_LINES + ["second copy"]])
    outcomes = {o.file: o for o in documents.import_files(vault, [other])}
    assert outcomes["other.pdf"].status == "imported"
    assert outcomes["stored.pdf"].status == "imported" and outcomes["stored.pdf"].document_id == pending_id
    with vault.session() as s:
        assert s.get(Document, pending_id).status == "read"
        assert s.exec(select(Receipt).where(Receipt.document_id == pending_id)).one().total == Decimal("49.00")


def test_import_reads_letters_with_the_vaults_people_as_evidence(vault, tmp_path):
    from hsawallet.services import people
    from hsawallet.store.models import Letter

    with vault.session() as s:
        people.add_person(s, name="Ottilie Brandvold", dob=date(1958, 7, 14))
    lines = [
        "Letter of Medical Necessity",
        "Ilse Vantongeren, DPT - Willowmere Physical Therapy",
        "Aquatic exercise classes twice a week are medically necessary for BRANDVOLD, OTTILIE.",
        "Dated 02/09/2026",
    ]
    pdf = make_text_pdf(tmp_path / "lmn.pdf", [lines])
    (outcome,) = documents.import_files(vault, [pdf])
    assert outcome.kind == "letter"
    with vault.session() as s:
        letter = s.exec(select(Letter).where(Letter.document_id == outcome.document_id)).one()
        assert letter.patient_name == "Ottilie Brandvold"
        assert letter.confidence["patient_name"] >= 0.8


def test_a_folder_gives_its_documents_not_its_other_files(tmp_path):
    folder = tmp_path / "Receipts 2026"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.PDF", "notes.txt", "scan.json", "sub/photo.jpeg", "sub/Inbox", "sub/budget.xlsx", ".hidden.pdf"):
        (folder / name).write_bytes(b"x")
    loose = tmp_path / "letter.txt"  # named on purpose: tried, and its content decides
    loose.write_bytes(b"x")
    got = [p.relative_to(tmp_path).as_posix() for p in documents.expand_paths([folder, loose])]
    assert got == ["Receipts 2026/a.PDF", "Receipts 2026/sub/Inbox", "Receipts 2026/sub/photo.jpeg", "letter.txt"]
