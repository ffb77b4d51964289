"""The fast subset of the fault-injection suite (`make soak` runs the rest at full counts), and the
pieces it rests on: special files, names, duplicates in a batch, locks, the error handler."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability import harness
from tests.reliability.malformed import fast_sample, malformed_files


def assert_ok(tally: harness.Tally) -> None:
    assert tally.cases > 0
    assert tally.ok, (tally.row(), tally.notes)


def test_the_generator_makes_at_least_150_distinct_malformed_files():
    files = list(malformed_files())
    assert len(files) >= 150
    assert len({name for name, _ in files}) == len(files)
    assert len({data for _, data in files}) >= 140  # not one file many times


def test_malformed_sample_beside_good_files(tmp_path):
    assert_ok(harness.malformed_family(tmp_path, files=fast_sample()))


def test_odd_names_and_special_files(tmp_path):
    tally = harness.names_family(tmp_path)
    assert tally.cases >= 24
    assert_ok(tally)


def test_ten_kills_during_import(tmp_path):
    assert_ok(harness.kill_family(tmp_path, kills=10, max_delay_s=2.0))


def test_two_imports_at_the_same_moment(tmp_path):
    assert_ok(harness.concurrent_family(tmp_path, trials=1))


@pytest.mark.soak
def test_soak_full_counts(tmp_path):
    """`make soak` prints the table; this runs the same families at the issue's counts under pytest."""
    for tally in (
        harness.malformed_family(tmp_path / "m"),
        harness.names_family(tmp_path / "n"),
        harness.kill_family(tmp_path / "k", 200),
        harness.concurrent_family(tmp_path / "c", 20),
        harness.damaged_family(tmp_path / "d", 50),
        harness.key_change_family(tmp_path / "r", 20),
    ):
        assert_ok(tally)


# ---------------------------------------------------------------- the pieces, in process


def _holder(vault_path: Path) -> subprocess.Popen:
    """Another process that has the vault open until killed."""
    code = (
        "import sys, time\nfrom hsawallet.store.vault import unlock_vault\n"
        f"v = unlock_vault({str(vault_path)!r}, passphrase={harness.PASS!r})\nprint('open', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    return proc


def test_passwd_and_restore_are_refused_while_another_process_has_the_vault_open(tmp_path):
    from hsawallet.store.vault import backup_vault, unlock_vault

    vault = harness.new_vault(tmp_path)
    backup = tmp_path / "backup.db"
    opened = unlock_vault(vault, passphrase=harness.PASS)
    backup_vault(opened, backup)
    opened.close()
    holder = _holder(vault)
    try:
        code, _, err = harness.run(vault, "passwd", extra={"HSAWALLET_NEW_PASSPHRASE": "another one"})
        assert code == 1
        assert f"process {holder.pid}" in err and "nothing was changed" in err
        code, _, err = harness.run(vault, "restore", str(backup), "--force")
        assert code == 1 and f"process {holder.pid}" in err
    finally:
        holder.kill()
        holder.wait()
    code, _, err = harness.run(vault, "passwd", extra={"HSAWALLET_NEW_PASSPHRASE": "another one"})
    assert code == 0, err
    assert harness.read_document_ids(vault, "another one") == set()


def test_a_stale_rekey_copy_is_removed_on_the_next_open(vault):
    from hsawallet.store.vault import open_vault

    staged = vault.path.with_name(vault.path.name + ".rekey")
    staged.write_bytes(b"half a re-encrypted copy")
    vault.close()
    reopened = open_vault(vault.path, vault.key)
    try:
        assert not staged.exists()
    finally:
        reopened.close()


def test_a_second_import_waits_for_the_first_and_says_so(vault, tmp_path):
    from hsawallet.services.documents import import_files
    from hsawallet.store import locks

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(harness.text_pdf(1))
    told: list[str] = []
    vault.notify = told.append
    code = (
        "import time\nfrom pathlib import Path\nfrom hsawallet.store import locks\n"
        f"with locks.writing(Path({str(vault.path)!r})):\n    print('held', flush=True)\n    time.sleep(3)\n"
    )
    other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "held"
    started = time.monotonic()
    outcomes = import_files(vault, [pdf], workers=1)
    other.wait()
    assert [o.status for o in outcomes] == ["imported"]
    assert time.monotonic() - started > 1  # it waited for the other's lock
    assert told and told[0].startswith("another import is running (process ")
    assert not locks.is_exclusive(vault.path)


def test_a_copy_in_the_same_batch_is_a_duplicate_of_the_first_read_once(vault, tmp_path):
    from hsawallet.services.documents import import_files

    data = harness.text_pdf(5)
    (tmp_path / "a-first.pdf").write_bytes(data)
    (tmp_path / "b-copy.pdf").write_bytes(data)
    seen = []
    outcomes = import_files(
        vault,
        [tmp_path / "a-first.pdf", tmp_path / "b-copy.pdf"],
        workers=1,
        progress=lambda done, total, o: seen.append((done, o.file, o.status)),
    )
    first, copy = outcomes
    assert first.status == "imported" and copy.status == "duplicate"
    assert copy.duplicate_of == first.document_id == copy.document_id
    assert copy.kind == first.kind
    assert copy.as_json()["duplicate_of"] == first.document_id
    assert [s[1] for s in seen] == ["a-first.pdf", "b-copy.pdf"] and [s[0] for s in seen] == [1, 2]
    from sqlmodel import select

    from hsawallet.store.models import Document

    with vault.session() as session:
        docs = list(session.exec(select(Document)))
    assert [d.file_name for d in docs] == ["a-first.pdf"]


def test_special_files_get_a_message_and_are_never_opened_for_reading(tmp_path):
    from hsawallet.safeio import FileTooLarge, NotARegularFile, read_regular_file

    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile, match="named pipe"):
        read_regular_file(fifo, 1000)  # returns at once: no writer is waited for
    (tmp_path / "zero.jpg").symlink_to("/dev/zero")
    with pytest.raises(NotARegularFile, match="device"):
        read_regular_file(tmp_path / "zero.jpg", 1000)
    with pytest.raises(OSError):
        read_regular_file(tmp_path / "zero.jpg", 1000, follow_links=False)
    (tmp_path / "big.pdf").write_bytes(b"%PDF-" + b"0" * 2000)
    with pytest.raises(FileTooLarge):
        read_regular_file(tmp_path / "big.pdf", 1000)
    assert read_regular_file(tmp_path / "big.pdf", 5000).startswith(b"%PDF-")


def test_names_are_kept_exactly_and_shown_safely():
    from hsawallet.safeio import name_bytes, printable_name, storable_name

    raw = b"scan-\xff\n\x1b[2J.pdf"
    name = os.fsdecode(raw)
    assert name_bytes(name) == raw
    assert storable_name(name) == "scan-\ufffd\n\x1b[2J.pdf"
    assert printable_name(name) == "scan-\ufffd\\n\\x1b[2J.pdf"
    assert name_bytes("plain.pdf") is None and printable_name("café 🧾.pdf") == "café 🧾.pdf"


def test_a_database_error_becomes_one_line_without_sql(vault, tmp_path):
    """A damaged page met while listing: one line naming the remedy, exit 3, no SQL text or parameters."""
    from sqlalchemy import text

    from hsawallet.services.errors import describe_failure, safe_traceback

    try:
        with vault.session() as session:
            session.execute(text("SELECT * FROM document WHERE file_name = :name"), {"name": "secret-name.pdf"})
            session.execute(text("SELECT nonsense FROM nowhere WHERE x = :name"), {"name": "secret-name.pdf"})
    except Exception as exc:  # noqa: BLE001
        error = exc
    failure = describe_failure(error, vault.path)
    assert "SELECT" not in failure.message and "secret-name" not in failure.message
    assert "no such table" in failure.message
    trace = safe_traceback(error)
    assert "SELECT" not in trace and "secret-name" not in trace and "no such table" in trace
    for reason, damaged in (
        ("file is not a database", True),
        ("database disk image is malformed", True),
        ("database or disk is full", False),
    ):
        import sqlcipher3

        assert describe_failure(sqlcipher3.DatabaseError(reason)).damaged is damaged


def test_a_damaged_page_is_one_line_and_exit_3_and_debug_shows_frames_but_no_sql(tmp_path):
    vault = harness.new_vault(tmp_path)
    with open(vault, "r+b") as fh:  # damage every page after the first (the key check still passes)
        fh.seek(4096)
        fh.write(os.urandom(max(0, vault.stat().st_size - 4096)))
    code, out, err = harness.run(vault, "list", "documents")
    assert code == 3 and "Traceback" not in err
    assert err.startswith("hsawallet: ") and "damaged" in err and len(err.strip().splitlines()) == 1
    code, out, err = harness.run(vault, "--debug", "list", "documents")
    assert code == 3 and "Traceback" in err and "SELECT" not in err


def test_damaged_pages_on_list_and_show_give_one_line_and_a_contract_exit_code(vault, tmp_path, monkeypatch, capsys):
    """A byte flipped in each of several pages of a vault with documents: list and show answer in one
    line (a damaged page met after unlocking: exit 3, 'run hsawallet verify'), never an exception."""
    import shutil

    from hsawallet import cli
    from hsawallet.services.documents import import_files

    for i in range(2):
        (tmp_path / f"r{i}.pdf").write_bytes(harness.text_pdf(40 + i, words=20))
    assert [o.status for o in import_files(vault, [tmp_path / "r0.pdf", tmp_path / "r1.pdf"], workers=1)] == [
        "imported",
        "imported",
    ]
    vault.close()
    monkeypatch.setenv("HSAWALLET_PASSPHRASE", "correct horse")
    pages = vault.path.stat().st_size // 4096
    answers = []
    for page in range(1, pages, max(1, pages // 10)):
        copy = tmp_path / f"copy-{page}" / "vault.db"
        copy.parent.mkdir()
        shutil.copy(vault.path, copy)
        with open(copy, "r+b") as fh:
            fh.seek(page * 4096 + 100)
            byte = fh.read(1)
            fh.seek(page * 4096 + 100)
            fh.write(bytes([byte[0] ^ 0x5A]))
        for args in (["list", "documents", "--json"], ["show", "1"]):
            code = cli.main(["--vault", str(copy), *args])
            err = capsys.readouterr().err
            assert code in (0, 1, 3), (page, args, err)
            if code:
                assert len(err.strip().splitlines()) == 1 and "SELECT" not in err, err
            answers.append((code, err))
    damaged = [err for code, err in answers if code == 3 and "is damaged" in err]
    assert damaged and "hsawallet verify" in damaged[0]
