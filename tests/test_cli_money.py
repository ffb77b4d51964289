"""Money safety through the command line (real processes, JSON output): an expense is claimed once,
drafts can be deleted and submitted claims withdrawn."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.test_cli import run
from tests.ui.helpers import PATIENT, letter_pdf, receipt_pdf

_TEMPLATE: dict[str, Path] = {}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A household vault with an OTC receipt, a gym receipt and its letter, imported once per module."""
    folder = tmp_path_factory.mktemp("cli-money")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "pharmacy.pdf").write_bytes(
        receipt_pdf(
            merchant="Corner Pharmacy",
            on=date(2026, 4, 5),
            items=(("Ibuprofen 200mg tablets", "8.99"), ("Adhesive bandages 30ct", "4.50")),
        )
    )
    (docs / "gym.pdf").write_bytes(receipt_pdf(on=date(2026, 4, 20)))
    (docs / "letter.pdf").write_bytes(letter_pdf(issued=date(2026, 3, 2)))
    for args in (
        ("init",),
        ("person", "add", PATIENT, "--dob", "1981-06-14"),
        ("account", "add", "HSA", "--type", "hsa", "--established", "2024-01-01"),
        ("import", str(docs)),
    ):
        result = run(folder, *args)
        assert result.returncode == 0, result.stderr
    return folder / "vault.db"


@pytest.fixture
def cli_home(template, tmp_path):
    shutil.copyfile(template, tmp_path / "vault.db")
    return tmp_path


def _json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_second_claim_over_the_same_expenses_is_refused(cli_home):
    first = _json(run(cli_home, "claim", "new", "--account", "HSA", "--json"))
    assert len(first["items"]) == 4 and first["left_out"]["count"] == 0 and first["include_claimed"] is False

    second = run(cli_home, "claim", "new", "--account", "HSA", "--json")
    assert second.returncode == 1 and second.stdout == ""
    assert f"already in claim {first['id']} (draft)" in second.stderr and "--include-claimed" in second.stderr
    item = first["items"][0]["item_id"]
    named = run(cli_home, "claim", "new", "--account", "HSA", "--items", str(item))
    assert named.returncode == 1 and f"Item {item} is already in claim {first['id']}" in named.stderr
    assert [c["id"] for c in _json(run(cli_home, "claim", "list", "--json"))] == [first["id"]]

    on_purpose = _json(run(cli_home, "claim", "new", "--account", "HSA", "--include-claimed", "--json"))
    assert on_purpose["include_claimed"] is True and on_purpose["total"] == first["total"]
    deleted = _json(run(cli_home, "claim", "delete", str(on_purpose["id"]), "--json"))
    assert deleted["deleted"] == on_purpose["id"]


def test_new_claim_says_what_it_left_out(cli_home):
    receipts = _json(run(cli_home, "list", "receipts", "--json"))
    pharmacy = next(r for r in receipts if r["merchant"] == "Corner Pharmacy")
    first = _json(
        run(
            cli_home,
            "claim",
            "new",
            "--account",
            "HSA",
            "--items",
            ",".join(str(i["id"]) for i in pharmacy["items"]),
            "--json",
        )
    )
    rest = run(cli_home, "claim", "new", "--account", "HSA")
    assert rest.returncode == 0, rest.stderr
    assert f"2 expenses ($13.49) left out: already in claim {first['id']} (draft)" in rest.stdout


def test_delete_drafts_only_withdraw_submitted_with_dates(cli_home):
    claim = _json(run(cli_home, "claim", "new", "--account", "HSA", "--json"))
    cid = str(claim["id"])
    submitted = _json(run(cli_home, "claim", "mark", cid, "submitted", "--date", "2026-06-01", "--json"))
    assert submitted["status"] == "submitted" and submitted["submitted_on"] == "2026-06-01"
    refused = run(cli_home, "claim", "delete", cid)
    assert refused.returncode == 1 and f"Withdraw it first (hsawallet claim withdraw {cid})" in refused.stderr
    future = run(cli_home, "claim", "mark", cid, "reimbursed", "--date", "2999-01-01")
    assert future.returncode == 1 and "in the future" in future.stderr

    back = _json(run(cli_home, "claim", "withdraw", cid, "--json"))
    assert back["status"] == "draft" and back["submitted_on"] is None
    gone = _json(run(cli_home, "claim", "delete", cid, "--json"))
    assert gone["deleted"] == claim["id"] and gone["claim"]["total"] == claim["total"]
    assert _json(run(cli_home, "claim", "list", "--json")) == []
    missing = run(cli_home, "claim", "withdraw", cid)
    assert missing.returncode == 1 and f"There is no claim {cid}" in missing.stderr


def test_a_manual_link_outside_the_letter_terms_needs_force(cli_home):
    receipts = _json(run(cli_home, "list", "receipts", "--json"))
    (letter,) = _json(run(cli_home, "list", "letters", "--json"))
    ibuprofen = next(i for r in receipts for i in r["items"] if i["category"] == "otc_eligible")
    refused = run(cli_home, "link", str(ibuprofen["id"]), "--letter", str(letter["id"]), "--json")
    assert refused.returncode == 1 and refused.stdout == ""
    assert f"Letter {letter['id']} does not cover item {ibuprofen['id']}" in refused.stderr
    assert "not otc eligible" in refused.stderr and "--force" in refused.stderr
    assert all(l["item_id"] != ibuprofen["id"] for l in _json(run(cli_home, "links", "--json")))

    forced = _json(run(cli_home, "link", str(ibuprofen["id"]), "--letter", str(letter["id"]), "--force", "--json"))
    assert forced["status"] == "manual" and forced["outside_terms"] == [
        f"the letter lists {', '.join(c.replace('_', ' ') for c in letter['categories'])}, not otc eligible"
    ]
    link = next(l for l in _json(run(cli_home, "links", "--json")) if l["item_id"] == ibuprofen["id"])
    assert link["letter_id"] == letter["id"] and "manual, outside the letter's terms" in link["reason"]
    warnings = _json(run(cli_home, "check", "--as-of", "2026-05-01", "--json"))
    outside = [w for w in warnings if w["type"] == "manual_link_outside_terms"]
    assert [(w["item_id"], w["letter_id"], w["dismissed"]) for w in outside] == [(ibuprofen["id"], letter["id"], False)]

    gym = next(r for r in receipts if r["merchant"] != "Corner Pharmacy")
    inside = _json(run(cli_home, "link", str(gym["items"][0]["id"]), "--letter", str(letter["id"]), "--json"))
    assert inside["status"] == "manual" and inside["outside_terms"] == []


def test_a_dismissed_unsigned_letter_still_blocks_the_export_until_anyway(cli_home):
    from hsawallet.services import coverage
    from hsawallet.store.vault import unlock_vault
    from tests.test_cli import PASS

    (letter,) = _json(run(cli_home, "list", "letters", "--json"))
    assert run(cli_home, "set", str(letter["document_id"]), "signed=no").returncode == 0
    vault = unlock_vault(cli_home / "vault.db", passphrase=PASS)
    try:
        with vault.session() as session:
            (incomplete,) = [w for w in coverage.check(session) if w.type == "letter_incomplete"]
        coverage.dismiss_warning(vault, coverage.warning_key(incomplete))
    finally:
        vault.close()
    rows = _json(run(cli_home, "check", "--json"))
    (shown,) = [w for w in rows if w["type"] == "letter_incomplete"]
    assert shown["dismissed"] is True and shown["letter_id"] == letter["id"]
    assert all(
        set(w)
        >= {
            "type",
            "severity",
            "message",
            "receipt_id",
            "receipt_file",
            "item_id",
            "letter_id",
            "letter_file",
            "due",
            "amount",
            "dismissed",
        }
        for w in rows
    )

    claim = _json(run(cli_home, "claim", "new", "--account", "HSA", "--json"))
    out = cli_home / "out"
    out.mkdir()
    blocked = run(cli_home, "claim", "export", str(claim["id"]), "--out", str(out))
    assert blocked.returncode == 1 and "not exported" in blocked.stderr and "--anyway" in blocked.stderr
    assert list(out.iterdir()) == []
    done = _json(run(cli_home, "claim", "export", str(claim["id"]), "--out", str(out), "--anyway", "--json"))
    assert Path(done["pdf"]).exists() and Path(done["zip"]).exists()


def test_a_letter_for_someone_not_in_people_covers_nothing_until_assigned(cli_home):
    (letter,) = _json(run(cli_home, "list", "letters", "--json"))
    assert run(cli_home, "set", str(letter["document_id"]), "patient_name=Kevin Young").returncode == 0

    def statuses():
        return {l["status"] for l in _json(run(cli_home, "links", "--json"))}

    assert statuses() == {"no_letter"}
    unknown = [w for w in _json(run(cli_home, "check", "--json")) if w["type"] == "letter_unknown_person"]
    assert [(w["letter_id"], w["dismissed"]) for w in unknown] == [(letter["id"], False)]
    assert "Kevin Young, who is not in People" in unknown[0]["message"]

    assigned = _json(run(cli_home, "letter", "assign", str(letter["id"]), PATIENT, "--json"))
    assert assigned["person"] == PATIENT and statuses() == {"covered"}
    reasons = [l["reason"] for l in _json(run(cli_home, "links", "--json"))]
    assert all(f"letter for {PATIENT}, 2026-03-02 to 2027-03-01" in r for r in reasons), reasons

    back = _json(run(cli_home, "letter", "assign", str(letter["id"]), "--none", "--json"))
    assert back["person"] is None and statuses() == {"no_letter"}
    nobody = run(cli_home, "letter", "assign", str(letter["id"]), "Nobody Known")
    assert nobody.returncode == 1 and "Nobody Known" in nobody.stderr
