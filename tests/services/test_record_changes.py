"""Fixing and removing records: people, accounts, documents, through a real vault."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from hsawallet.services import claims, coverage, documents, people
from hsawallet.services.errors import UserError
from hsawallet.store.models import Document, DocumentBlob, FieldEdit, ItemLink, Letter, LineItem, PageText, Receipt
from tests.conftest import RECEIPT_LINES, make_text_pdf
from tests.stored_rows import add_letter, add_receipt


@pytest.fixture
def household(vault, tmp_path):
    people.register_person(vault, name="Kevin Marsh", dob=date(1990, 5, 4))
    people.register_account(vault, name="HSA", type="hsa", established=date(2020, 1, 1))
    letter = add_letter(vault, tmp_path, "lmn.pdf", "Kevin Marsh", date(2026, 1, 10), date(2027, 1, 9), ["fitness"])
    receipt, items = add_receipt(
        vault, tmp_path, "gym.pdf", "Gym", date(2026, 2, 1), [("Membership", "40.00", "fitness", True)]
    )
    coverage.recompute_links(vault)
    return {"letter": letter, "receipt": receipt, "items": items}


def _letter_of(vault, item_id):
    with vault.session() as s:
        return s.get(ItemLink, item_id).letter_id


def test_renaming_a_person_relinks_their_letters(vault, household):
    assert _letter_of(vault, household["items"][0]) == household["letter"]
    people.edit_person(vault, "Kevin Marsh", name="Laura  Chen")  # the wrong member renamed
    assert [p.name for p in _people(vault)] == ["Laura Chen"]
    with vault.session() as s:  # the letter names someone the vault no longer knows
        assert s.get(Letter, household["letter"]).person_id is None
    people.edit_person(vault, "1", name="Kevin Marsh", dob=None)
    (person,) = _people(vault)
    assert person.name == "Kevin Marsh" and person.dob is None
    assert _letter_of(vault, household["items"][0]) == household["letter"]


def _people(vault):
    with vault.session() as s:
        return people.list_people(s)


def test_a_person_named_by_a_claim_is_not_removed(vault, household):
    claim = claims.new_claim(vault, account="HSA", person="Kevin Marsh").claim
    with pytest.raises(UserError, match=rf"claimant of claim {claim.id}.*Nothing was removed"):
        people.remove_person(vault, "Kevin Marsh")
    assert len(_people(vault)) == 1
    claims.delete_claim(vault, claim.id)
    people.remove_person(vault, "Kevin Marsh")
    assert _people(vault) == []
    with vault.session() as s:  # their documents stay
        assert s.exec(select(Letter)).one().person_id is None


def test_editing_an_account_keeps_the_rules_of_a_new_one(vault, household):
    account = people.edit_account(vault, "HSA", established=date(2019, 1, 1), name="Work HSA")
    assert (account.name, account.established, account.type) == ("Work HSA", date(2019, 1, 1), "hsa")
    people.register_account(vault, name="FSA", type="fsa", plan_start=date(2026, 1, 1), plan_end=date(2026, 12, 31))
    with pytest.raises(UserError, match="2 months 15 days"):
        people.edit_account(vault, "FSA", grace_end=date(2027, 6, 1))
    with pytest.raises(UserError, match="already exists"):
        people.edit_account(vault, "FSA", name="Work HSA")
    with pytest.raises(UserError, match="no field colour"):
        people.edit_account(vault, "FSA", colour="red")
    with vault.session() as s:  # a refused edit saved nothing
        fsa = people.find_account(s, "FSA")
        assert fsa.grace_end is None and fsa.name == "FSA"


def test_an_account_holding_a_claim_is_not_removed(vault, household):
    claim = claims.new_claim(vault, account="HSA").claim
    with pytest.raises(UserError, match=rf"holds claim {claim.id}"):
        people.remove_account(vault, "HSA")
    claims.delete_claim(vault, claim.id)
    people.remove_account(vault, "HSA")
    with vault.session() as s:
        assert people.list_accounts(s) == []


def test_removing_a_document_takes_everything_read_from_it(vault, tmp_path):
    pdf = make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
    (outcome,) = documents.import_files(vault, [pdf])
    documents.set_field(vault, outcome.document_id, "total", "51.25")
    removed = documents.remove_document(vault, outcome.document_id)
    assert removed.file_name == "gym.pdf" and removed.data == pdf.read_bytes()
    with vault.session() as s:
        for table in (Document, DocumentBlob, PageText, Receipt, LineItem, FieldEdit):
            assert s.exec(select(table)).all() == [], table.__name__
        assert documents.search(s, "membership") == []
    with pytest.raises(UserError, match="no document"):
        documents.remove_document(vault, outcome.document_id)
    # the same file can come back (the GUI's undo imports the bytes it was given back)
    (again,) = documents.import_files(vault, [pdf])
    assert again.status == "imported"


def test_a_document_a_claim_relies_on_is_not_removed(vault, household):
    claim = claims.new_claim(vault, account="HSA").claim
    with vault.session() as s:
        receipt_doc = s.get(Receipt, household["receipt"]).document_id
        letter_doc = s.get(Letter, household["letter"]).document_id
    for doc_id in (receipt_doc, letter_doc):
        with pytest.raises(UserError, match=rf"part of claim {claim.id}"):
            documents.remove_document(vault, doc_id)
        with pytest.raises(UserError, match=rf"claim {claim.id}"):
            documents.reclassify_document(vault, doc_id, "other")
    with vault.session() as s:
        assert len(s.exec(select(Document)).all()) == 2


def test_reclassifying_reads_the_text_again_as_the_kind_given(vault, tmp_path):
    pdf = make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
    (outcome,) = documents.import_files(vault, [pdf])
    doc = documents.reclassify_document(vault, outcome.document_id, "other")
    assert doc.kind == "other" and doc.kind_confidence == 1.0
    with vault.session() as s:
        assert s.exec(select(Receipt)).all() == [] and s.exec(select(LineItem)).all() == []
    documents.reclassify_document(vault, outcome.document_id, "receipt")
    with vault.session() as s:
        receipt = s.exec(select(Receipt)).one()
        assert receipt.total is not None and s.exec(select(LineItem)).all()
    with pytest.raises(UserError, match="receipt, letter, other"):
        documents.reclassify_document(vault, outcome.document_id, "invoice")
