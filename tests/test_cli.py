"""The command line as a user or script runs it: real processes, exit codes, JSON shapes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RECEIPT_LINES, make_text_image, make_text_pdf

PASS = "Tr1cky \"q' @:/%; pässwörd"


def run(tmp_path: Path, *args: str, passphrase: str | None = PASS, extra_env: dict | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HSAWALLET_")}
    env["HSAWALLET_VAULT"] = str(tmp_path / "vault.db")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    if passphrase is not None:
        env["HSAWALLET_PASSPHRASE"] = passphrase
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "hsawallet", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def cli_vault(tmp_path):
    result = run(tmp_path, "init")
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_init_refuses_an_existing_vault(cli_vault):
    before = hashlib.sha256((cli_vault / "vault.db").read_bytes()).hexdigest()
    result = run(cli_vault, "init")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert hashlib.sha256((cli_vault / "vault.db").read_bytes()).hexdigest() == before


def test_wrong_passphrase_exits_3_and_leaves_the_file_unchanged(cli_vault):
    path = cli_vault / "vault.db"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run(cli_vault, "list", "documents", passphrase="not it")
    assert result.returncode == 3
    assert "wrong" in result.stderr and "damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_no_key_and_no_terminal_exits_3_saying_how_to_unlock(cli_vault):
    result = run(cli_vault, "list", "documents", passphrase=None)
    assert result.returncode == 3 and "HSAWALLET_PASSPHRASE" in result.stderr


def test_people_and_accounts(cli_vault):
    assert run(cli_vault, "person", "add", "Monica Delgado", "--dob", "1984-03-01").returncode == 0
    people = json.loads(run(cli_vault, "person", "list", "--json").stdout)
    assert people == [{"id": 1, "name": "Monica Delgado", "dob": "1984-03-01"}]
    result = run(
        cli_vault,
        "account",
        "add",
        "Work FSA",
        "--type",
        "fsa",
        "--plan-start",
        "2026-01-01",
        "--plan-end",
        "2026-12-31",
        "--grace-end",
        "2027-03-15",
        "--runout-end",
        "2027-03-31",
    )
    assert result.returncode == 0, result.stderr
    both = run(cli_vault, "account", "add", "Bad", "--type", "fsa", "--grace-end", "2027-03-15", "--carryover", "640")
    assert both.returncode != 0
    accounts = json.loads(run(cli_vault, "account", "list", "--json").stdout)
    assert accounts[0]["name"] == "Work FSA" and accounts[0]["grace_end"] == "2027-03-15"
    bad_date = run(cli_vault, "person", "add", "X", "--dob", "03/01/1984")
    assert bad_date.returncode != 0 and "YYYY-MM-DD" in bad_date.stderr


def test_vault_and_json_options_work_before_or_after_the_command(tmp_path):
    elsewhere = tmp_path / "elsewhere.db"  # not $HSAWALLET_VAULT, which run() points at vault.db
    assert run(tmp_path, "--vault", str(elsewhere), "init").returncode == 0
    assert elsewhere.exists() and not (tmp_path / "vault.db").exists()
    assert run(tmp_path, "--vault", str(elsewhere), "person", "add", "Ada").returncode == 0
    before = run(tmp_path, "--vault", str(elsewhere), "--json", "person", "list")
    after = run(tmp_path, "person", "list", "--vault", str(elsewhere), "--json")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout) == [{"id": 1, "name": "Ada", "dob": None}]


def test_import_twice_stores_once_and_bad_files_do_not_stop_the_batch(cli_vault, tmp_path):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    make_text_pdf(folder / "gym.pdf", [RECEIPT_LINES])
    make_text_image(
        folder / "sub" / "pharmacy.png",
        ["Corner Pharmacy", "Date: 04/05/2026", "Ibuprofen 200mg   8.99", "TOTAL   8.99"],
    )
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "budget.csv").write_text("passed over: in a folder, only what is named as a document is taken")
    (tmp_path / "notes.txt").write_text("not a document")  # named on purpose: tried, and refused
    result = run(cli_vault, "import", str(folder), str(tmp_path / "notes.txt"), "--json")
    assert result.returncode == 4, result.stderr  # partial failure
    rows = {r["file"]: r for r in json_lines(result.stdout)}
    assert set(rows) == {"gym.pdf", "pharmacy.png", "empty.pdf", "notes.txt"}
    assert rows["gym.pdf"]["status"] == "imported" and rows["gym.pdf"]["kind"] == "receipt"
    assert rows["pharmacy.png"]["status"] == "imported"
    assert rows["empty.pdf"]["status"] == "error" and "empty" in rows["empty.pdf"]["error"]
    assert rows["notes.txt"]["status"] == "error" and rows["notes.txt"]["error"]
    for row in rows.values():
        assert set(row) >= {"file", "status", "document_id", "kind", "error"}

    again = run(cli_vault, "import", str(folder / "gym.pdf"), "--json")
    assert again.returncode == 0
    (dup,) = json_lines(again.stdout)
    assert dup["status"] == "duplicate" and dup["document_id"] == rows["gym.pdf"]["document_id"]
    docs = json.loads(run(cli_vault, "list", "documents", "--json").stdout)
    assert len(docs) == 2
    gym = next(d for d in docs if d["file"] == "gym.pdf")
    assert gym["sha256"] == hashlib.sha256((folder / "gym.pdf").read_bytes()).hexdigest()
    assert set(gym) >= {"id", "file", "sha256", "kind", "pages", "status", "imported_at", "error"}

    shown = json.loads(run(cli_vault, "show", str(gym["id"]), "--json").stdout)
    assert shown["receipt"]["total"] == "49.00"
    verify = run(cli_vault, "verify", "--json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["documents_checked"] == 2


def test_backup_restore_passwd_verify(cli_vault, tmp_path):
    pdf = make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
    assert run(cli_vault, "import", str(pdf)).returncode == 0
    backup = tmp_path / "backup.db"
    result = run(cli_vault, "backup", str(backup), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents_verified"] == 1
    restored = run(cli_vault, "restore", str(backup))
    assert restored.returncode == 1 and "--force" in restored.stderr
    restored = run(cli_vault, "restore", str(backup), "--force", "--json")
    assert restored.returncode == 0, restored.stderr
    assert Path(json.loads(restored.stdout)["kept_aside"]).exists()
    docs = json.loads(run(cli_vault, "list", "documents", "--json").stdout)
    assert [d["sha256"] for d in docs] == [hashlib.sha256(pdf.read_bytes()).hexdigest()]

    changed = run(cli_vault, "passwd", extra_env={"HSAWALLET_NEW_PASSPHRASE": "brand new"})
    assert changed.returncode == 0, changed.stderr
    assert run(cli_vault, "verify").returncode == 3  # the old passphrase no longer opens it
    assert run(cli_vault, "verify", passphrase="brand new").returncode == 0


def test_settings(cli_vault):
    assert run(cli_vault, "settings", "set", "date_order", "dmy").returncode == 0
    values = json.loads(run(cli_vault, "settings", "list", "--json").stdout)
    assert values["date_order"] == "dmy" and values["expiring_days"] == 60
    bad = run(cli_vault, "settings", "set", "expiring_days", "soon")
    assert bad.returncode == 1 and "whole number" in bad.stderr


def test_people_accounts_and_documents_can_be_fixed_and_removed(cli_vault, tmp_path):
    assert run(cli_vault, "person", "add", "Pat Exampel", "--dob", "1980-01-01").returncode == 0
    edited = run(cli_vault, "person", "edit", "Pat Exampel", "--name", "Pat Example", "--json")
    assert edited.returncode == 0, edited.stderr
    assert json.loads(edited.stdout) == {"id": 1, "name": "Pat Example", "dob": "1980-01-01"}
    assert run(cli_vault, "account", "add", "HSA", "--type", "hsa").returncode == 0
    account = run(cli_vault, "account", "edit", "HSA", "--established", "2019-01-01", "--json")
    assert account.returncode == 0, account.stderr
    got = json.loads(account.stdout)
    assert got["established"] == "2019-01-01" and got["type"] == "hsa"  # terms not given are kept
    refused = run(cli_vault, "account", "edit", "HSA", "--plan-start", "2026-02-01", "--plan-end", "2026-01-01")
    assert refused.returncode == 1 and "ends before it starts" in refused.stderr

    pdf = make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
    assert run(cli_vault, "import", str(pdf)).returncode == 0
    other = run(cli_vault, "document", "reclassify", "1", "other", "--json")
    assert other.returncode == 0 and json.loads(other.stdout)["kind"] == "other"
    assert json.loads(run(cli_vault, "list", "receipts", "--json").stdout) == []
    assert run(cli_vault, "document", "reclassify", "1", "receipt").returncode == 0
    assert json.loads(run(cli_vault, "list", "receipts", "--json").stdout)[0]["total"] == "49.00"

    removed = run(cli_vault, "document", "remove", "1")
    assert removed.returncode == 0 and "gym.pdf" in removed.stdout
    assert json.loads(run(cli_vault, "list", "documents", "--json").stdout) == []
    missing = run(cli_vault, "document", "remove", "1")
    assert missing.returncode == 1 and "no document 1" in missing.stderr
    assert run(cli_vault, "person", "remove", "Pat Example").returncode == 0
    assert run(cli_vault, "account", "remove", "1").returncode == 0
    assert json.loads(run(cli_vault, "person", "list", "--json").stdout) == []
    assert json.loads(run(cli_vault, "account", "list", "--json").stdout) == []
