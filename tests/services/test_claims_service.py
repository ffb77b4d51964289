"""Claims through the vault: selection rules, export, status tracking, the shoebox."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from sqlmodel import select

from hsawallet.services import claims, coverage, people
from hsawallet.services.claim_records import ClaimLine, ClaimWarning, HsaShoebox
from hsawallet.services.errors import UserError
from hsawallet.store.models import Document, Letter
from tests.stored_rows import add_letter, add_receipt


@pytest.fixture
def household(vault, tmp_path):
    with vault.session() as s:
        people.add_person(s, name="Monica Delgado", dob=date(1984, 3, 1))
        people.add_account(s, name="HSA", type="hsa", established=date(2020, 1, 1))
    letter = add_letter(vault, tmp_path, "lmn.pdf", "Monica Delgado", date(2026, 1, 15), date(2027, 1, 14), ["fitness"])
    gym, gym_items = add_receipt(
        vault,
        tmp_path,
        "gym.pdf",
        "Harbor Fitness",
        date(2026, 3, 2),
        [("Monthly membership", "49.00", "fitness", True), ("Protein bar", "3.50", "not_eligible", False)],
    )
    pharmacy, ph_items = add_receipt(
        vault,
        tmp_path,
        "pharmacy.pdf",
        "Corner Pharmacy",
        date(2026, 4, 5),
        [("Ibuprofen 200mg", "8.99", "otc_eligible", False)],
    )
    massage, m_items = add_receipt(
        vault, tmp_path, "massage.pdf", "Spa", date(2026, 5, 1), [("Massage 60 min", "90.00", "massage", True)]
    )
    coverage.recompute_links(vault)
    return {"letter": letter, "gym_items": gym_items, "pharmacy_items": ph_items, "massage_items": m_items}


def test_new_claim_takes_only_eligible_unclaimed_expenses(vault, household):
    claim = claims.new_claim(vault, account="HSA").claim
    ids = {i.item_id for i in claim.items}
    # the covered gym membership and the OTC item; not the protein bar, not the uncovered massage
    assert ids == {household["gym_items"][0], household["pharmacy_items"][0]}
    assert claim.total == Decimal("57.99") and claim.status == "draft"
    gym_line = next(i for i in claim.items if i.item_id == household["gym_items"][0])
    assert gym_line.letter_id == household["letter"]

    claims.mark(vault, claim.id, "submitted", on=date(2026, 6, 1))
    with pytest.raises(UserError, match=rf"already in claim {claim.id} \(submitted\)"):
        claims.new_claim(vault, account="HSA")
    again = claims.new_claim(vault, account="HSA", include_claimed=True).claim
    assert again.total == Decimal("57.99") and again.include_claimed is True
    with pytest.raises(UserError, match="already in claims"):
        claims.new_claim(vault, account="HSA", item_ids=[household["gym_items"][0]])


def test_a_second_claim_over_the_same_expenses_is_refused_while_the_first_is_a_draft(vault, household):
    created = claims.new_claim(vault, account="HSA")
    first = created.claim
    assert created.left_out.count == 0 and first.include_claimed is False
    with pytest.raises(UserError, match=rf"already in claim {first.id} \(draft\).*--include-claimed"):
        claims.new_claim(vault, account="HSA")
    with pytest.raises(UserError, match=rf"Item {household['pharmacy_items'][0]} is already in claim {first.id}"):
        claims.new_claim(vault, account="HSA", item_ids=[household["pharmacy_items"][0]])
    with vault.session() as session:
        offered = claims.claim_candidates(session, "HSA")
    assert offered.expenses == ()
    assert offered.left_out.count == 2 and offered.left_out.amount == Decimal("57.99")
    assert offered.left_out.claims == (first.id,)
    assert "2 expenses ($57.99) left out: already in claim" in (offered.left_out.message or "")
    assert len(claims.list_claims(vault)) == 1


def test_a_new_claim_takes_what_is_free_and_says_what_it_left_out(vault, household, tmp_path):
    first = claims.new_claim(vault, account="HSA", item_ids=[household["gym_items"][0]]).claim
    second = claims.new_claim(vault, account="HSA")
    assert [i.item_id for i in second.claim.items] == household["pharmacy_items"]
    assert second.left_out.count == 1 and second.left_out.claims == (first.id,)


def test_a_denied_claim_frees_its_expenses_and_cannot_then_be_reopened_over_them(vault, household):
    first = claims.new_claim(vault, account="HSA").claim
    claims.mark(vault, first.id, "submitted", on=date(2026, 6, 1))
    denied = claims.mark(vault, first.id, "denied", on=date(2026, 6, 10), reason="no itemized receipt")
    assert denied.denied_on == date(2026, 6, 10)
    second = claims.new_claim(vault, account="HSA").claim
    assert second.total == Decimal("57.99")
    with pytest.raises(UserError, match=rf"cannot be reopened.*claim {second.id} \(draft\)"):
        claims.mark(vault, first.id, "draft")
    with pytest.raises(UserError, match="is denied; it cannot be marked submitted"):
        claims.mark(vault, first.id, "submitted")


def test_delete_takes_drafts_only_and_withdraw_brings_a_submitted_claim_back(vault, household):
    claim = claims.new_claim(vault, account="HSA").claim
    claims.mark(vault, claim.id, "submitted", on=date(2026, 6, 1))
    with pytest.raises(UserError, match="is submitted; only a draft can be deleted. Withdraw it first"):
        claims.delete_claim(vault, claim.id)
    back = claims.withdraw(vault, claim.id)
    assert back.status == "draft" and back.submitted_on is None
    with pytest.raises(UserError, match="already a draft"):
        claims.withdraw(vault, claim.id)
    deleted = claims.delete_claim(vault, claim.id)
    assert deleted.id == claim.id and claims.list_claims(vault) == []
    with vault.session() as s:
        from hsawallet.store.models import ClaimItem

        assert s.exec(select(ClaimItem)).all() == []
    assert claims.new_claim(vault, account="HSA").claim.total == Decimal("57.99")  # the expenses are free again
    with pytest.raises(UserError, match="There is no claim"):
        claims.delete_claim(vault, 999)


def test_status_dates_are_kept_and_checked(vault, household):
    claim = claims.new_claim(vault, account="HSA").claim
    with pytest.raises(UserError, match="in the future"):
        claims.mark(vault, claim.id, "submitted", on=date.today().replace(year=date.today().year + 1))
    claims.mark(vault, claim.id, "submitted", on=date(2026, 6, 1))
    with pytest.raises(UserError, match="cannot have been reimbursed before that"):
        claims.mark(vault, claim.id, "reimbursed", on=date(2026, 5, 1))
    paid = claims.mark(vault, claim.id, "reimbursed", on=date(2026, 6, 20))
    assert (paid.submitted_on, paid.reimbursed_on) == (date(2026, 6, 1), date(2026, 6, 20))
    with pytest.raises(UserError, match="reimbursed; a paid claim stays on record"):
        claims.withdraw(vault, claim.id)


def test_status_changes_and_partial_reimbursement_show_in_list_and_shoebox(vault, household):
    claim = claims.new_claim(vault, account="HSA", item_ids=[household["gym_items"][0]]).claim
    with vault.session() as session:
        before = claims.shoebox(session).accounts[0]
    assert isinstance(before, HsaShoebox)
    assert before.total_available == Decimal("57.99") and before.per_year == {2026: Decimal("57.99")}
    claims.mark(vault, claim.id, "submitted", on=date(2026, 6, 1))
    claims.mark(vault, claim.id, "reimbursed", amount=Decimal("40.00"), on=date(2026, 6, 20))
    listed = {c.id: c for c in claims.list_claims(vault)}[claim.id]
    assert listed.status == "reimbursed" and listed.reimbursed_amount == Decimal("40.00")
    assert listed.reimbursed_on == date(2026, 6, 20) and listed.submitted_on == date(2026, 6, 1)
    with vault.session() as session:
        after = claims.shoebox(session).accounts[0]
    assert isinstance(after, HsaShoebox)
    assert after.total_available == Decimal("17.99")  # 9.00 left of the gym + the unclaimed 8.99
    with pytest.raises(UserError, match="between 0.00"):
        claims.mark(vault, claim.id, "reimbursed", amount=Decimal("100.00"))


def test_export_writes_packet_and_bundle_that_match_the_vault(vault, household, tmp_path):
    claim = claims.new_claim(vault, account="HSA").claim
    out = tmp_path / "out"
    out.mkdir()
    pdf, bundle = claims.export(vault, claim.id, out, as_of=date(2026, 11, 22))
    assert pdf.exists() and bundle.exists()
    with pdfplumber.open(pdf) as doc:
        cover = doc.pages[0].extract_text()
        # cover + gym receipt + pharmacy receipt + the letter once
        assert len(doc.pages) >= 4
    assert "57.99" in cover and "Harbor Fitness" in cover and "Corner Pharmacy" in cover
    with zipfile.ZipFile(bundle) as z:
        manifest = json.loads(z.read("manifest.json"))
        originals = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith("originals/")}
    by_file = {row["file"]: row["sha256"] for row in manifest["files"] if row["file"].startswith("originals/")}
    with vault.session() as s:
        stored = {
            d.file_name: d.sha256
            for d in s.exec(select(Document).where(Document.file_name.in_(["gym.pdf", "pharmacy.pdf", "lmn.pdf"])))
        }
    assert {f"originals/{name}": sha for name, sha in stored.items()} == by_file == originals
    assert manifest["total"] == "57.99"


def test_export_to_a_path_that_cannot_be_a_folder_fails_clearly(vault, household, tmp_path):
    claim = claims.new_claim(vault, account="HSA").claim
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError):
        claims.export(vault, claim.id, blocker / "sub")
    assert list(tmp_path.glob("**/claim-*")) == []


def test_an_unsigned_letter_blocks_the_export_even_when_its_warning_was_dismissed(vault, household, tmp_path):
    with vault.session() as s:
        letter = s.get(Letter, household["letter"])
        letter.missing = ["signature"]
        s.add(letter)
        s.commit()
    with vault.session() as session:
        incomplete = next(w for w in coverage.check(session) if w.type == "letter_incomplete")
    coverage.dismiss_warning(vault, coverage.warning_key(incomplete))
    with vault.session() as session:
        assert all(w.type != "letter_incomplete" for w in coverage.check(session, include_dismissed=False))

    claim = claims.new_claim(vault, account="HSA").claim
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(claims.ExportBlocked, match="was not exported.*signature.*--anyway") as blocked:
        claims.export(vault, claim.id, out)
    assert [b.letter_id for b in blocked.value.blockers] == [household["letter"]]
    assert blocked.value.blockers[0].dismissed is True and list(out.iterdir()) == []

    pdf, bundle = claims.export(vault, claim.id, out, anyway=True)
    with pdfplumber.open(pdf) as doc:
        cover = doc.pages[0].extract_text()
    assert "Exported anyway" in cover and "The claimant chose to export this claim although" in cover
    with zipfile.ZipFile(bundle) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert len(manifest["exported_anyway"]) == 1 and "signature" in manifest["exported_anyway"][0]


def test_one_rule_picks_the_warnings_of_a_claim():
    rows = [
        ClaimLine(1, 10, 100, "a.pdf", None, None, "", Decimal("1"), 7),
        ClaimLine(2, 11, 101, "b.pdf", None, None, "", Decimal("1"), None),
    ]

    def warning(type_: str, item_ids: tuple[int, ...], receipt_id: int | None, letter_id: int | None) -> ClaimWarning:
        return ClaimWarning(type_, "warning", type_, receipt_id, item_ids, letter_id, dismissed=False)

    warnings = [
        warning("purchase_before_letter", (3,), 12, 7),
        warning("possible_duplicate", (), 11, None),
        warning("letter_incomplete", (), None, 7),
        warning("letter_incomplete", (), None, 8),
        warning("manual_link_outside_terms", (1,), 10, 7),
    ]
    picked = claims.warnings_for_expenses(warnings, rows)
    assert [(w.type, w.letter_id, w.blocker) for w in picked] == [
        ("possible_duplicate", None, False),
        ("letter_incomplete", 7, True),
        ("manual_link_outside_terms", 7, False),
    ]


def test_the_cover_names_the_people_whose_expenses_are_claimed(vault, household, tmp_path):
    people.register_person(vault, name="Michael A. Delgado", dob=date(1994, 8, 6))
    out = tmp_path / "out"
    out.mkdir()
    # receipts name no one: the gym membership is Monica's through her letter, the ibuprofen is no one's
    gym = claims.new_claim(vault, account="HSA").claim
    pdf, bundle = claims.export(vault, gym.id, out)
    with pdfplumber.open(pdf) as doc:
        cover = doc.pages[0].extract_text()
    assert "Claimant Monica Delgado" in cover and "Account holder" not in cover
    with zipfile.ZipFile(bundle) as z:
        assert json.loads(z.read("manifest.json"))["claimant"] == "Monica Delgado"

    claims.delete_claim(vault, gym.id)
    otc = claims.new_claim(vault, account="HSA", item_ids=household["pharmacy_items"]).claim
    pdf, _bundle = claims.export(vault, otc.id, out)
    with pdfplumber.open(pdf) as doc:
        cover = doc.pages[0].extract_text()
    assert "Claimant Monica Delgado, Michael A. Delgado" in cover  # an expense of the household
