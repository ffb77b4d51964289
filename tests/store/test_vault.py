"""The encrypted vault: encryption at rest, keys, backup/restore, passwd, verify, migrations."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from hsawallet.services.documents import _store_document, document_bytes
from hsawallet.store import keys
from hsawallet.store.engine import VaultLockedError, VaultNewerError
from hsawallet.store.vault import (
    backup_vault,
    change_key,
    create_vault,
    document_hashes,
    open_vault,
    restore_vault,
    unlock_vault,
    verify_vault,
)
from tests.conftest import make_text_pdf

MARKER = "ZEBRA-MARKER-7F3A91"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store(vault, name: str, data: bytes) -> int:
    with vault.session() as session:
        return _store_document(session, name, data, hashlib.sha256(data).hexdigest(), None, None).id


def test_document_text_never_appears_in_vault_files(tmp_path):
    vault = create_vault(tmp_path / "v.db", passphrase="pw")
    pdf = make_text_pdf(tmp_path / "marker.pdf", [[f"Receipt {MARKER}"]], compress=False)
    assert MARKER.encode() in pdf.read_bytes()  # the marker is in the plaintext file
    doc_id = _store(vault, "marker.pdf", pdf.read_bytes())
    with vault.session() as session:
        from hsawallet.store.models import PageText

        session.add(PageText(document_id=doc_id, page_index=0, text=f"Receipt {MARKER}", source="text"))
        session.commit()
    # Leave the WAL in place (no checkpoint) so all three files are on disk.
    files = [tmp_path / "v.db", tmp_path / "v.db-wal", tmp_path / "v.db-shm"]
    assert files[1].exists()
    for path in files:
        if path.exists():
            raw = path.read_bytes()
            assert MARKER.encode() not in raw, path
            assert MARKER.encode("utf-16-le") not in raw, path
    assert files[0].read_bytes()[:16] != b"SQLite format 3\x00"
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(files[0]).execute("SELECT * FROM sqlite_master").fetchall()
    assert (files[0].stat().st_mode & 0o777) == 0o600
    vault.close()


def test_wrong_passphrase_is_refused_and_file_untouched(tmp_path):
    path = tmp_path / "v.db"
    create_vault(path, passphrase="right").close()
    before = _sha(path)
    with pytest.raises(VaultLockedError) as info:
        unlock_vault(path, passphrase="wrong")
    assert "wrong" in str(info.value) and "damaged" in str(info.value)
    assert _sha(path) == before


@pytest.mark.parametrize("passphrase", ["a\"b'c@d:e/f%g;h", "pässwörd-日本語-🔑", " spaced  out "])
def test_passphrase_with_special_characters_round_trips(tmp_path, passphrase):
    path = tmp_path / "v.db"
    create_vault(path, passphrase=passphrase).close()
    unlock_vault(path, passphrase=passphrase).close()
    with pytest.raises(VaultLockedError):
        unlock_vault(path, passphrase=passphrase.strip() + "x")


def test_keychain_vault_unlocks_without_prompt(tmp_path, memory_keyring):
    path = tmp_path / "v.db"
    create_vault(path).close()
    assert len(memory_keyring.store) == 1

    def prompt():
        raise AssertionError("a keychain vault must not ask for a passphrase")

    unlock_vault(path, prompt=prompt).close()


def test_without_keychain_falls_back_to_passphrase_and_writes_no_key(tmp_path):
    from hsawallet.store.engine import VaultError

    path = tmp_path / "v.db"
    with pytest.raises(VaultError, match="keychain"):
        create_vault(path)  # the autouse fixture installs keyring's "fail" backend
    assert not path.exists()
    vault = create_vault(path, passphrase="fallback")
    key = vault.key
    vault.close()
    asked = []
    unlock_vault(path, prompt=lambda: asked.append(1) or "fallback").close()
    assert asked == [1]
    for file in tmp_path.rglob("*"):
        if file.is_file():
            raw = file.read_bytes()
            assert key.key not in raw and key.key.hex().encode() not in raw, file


def test_no_key_at_all_is_a_lock_error(tmp_path):
    path = tmp_path / "v.db"
    create_vault(path, passphrase="pw").close()
    with pytest.raises(VaultLockedError, match="HSAWALLET_PASSPHRASE"):
        unlock_vault(path)


def test_backup_then_restore_gives_identical_documents(tmp_path, vault):
    _store(vault, "a.pdf", b"%PDF-1.4 first document")
    _store(vault, "b.png", b"\x89PNG second document" * 100)
    before = document_hashes(vault)
    backup = tmp_path / "backup.db"
    report = backup_vault(vault, backup)
    assert report.ok and report.documents_checked == 2
    _store(vault, "c.pdf", b"%PDF-1.4 added after the backup")
    key = vault.key
    vault.close()
    kept = restore_vault(backup, vault.path, key, force=True)
    assert kept is not None and kept.exists()
    restored = open_vault(vault.path, key)
    assert document_hashes(restored) == before
    restored.close()


def test_restore_refuses_to_replace_without_force(tmp_path, vault):
    from hsawallet.store.engine import VaultError

    backup = tmp_path / "backup.db"
    backup_vault(vault, backup)
    with pytest.raises(VaultError, match="--force"):
        restore_vault(backup, vault.path, vault.key)


def test_passwd_leaves_only_the_new_key_working(tmp_path):
    path = tmp_path / "v.db"
    vault = create_vault(path, passphrase="old-pass")
    _store(vault, "a.pdf", b"%PDF-1.4 kept across rekey")
    before = document_hashes(vault)
    vault = change_key(vault, new_passphrase="new-pass")
    vault.close()
    with pytest.raises(VaultLockedError):
        unlock_vault(path, passphrase="old-pass")
    reopened = unlock_vault(path, passphrase="new-pass")
    assert document_hashes(reopened) == before
    reopened.close()


def test_passwd_keychain_replaces_the_stored_key(tmp_path, memory_keyring):
    path = tmp_path / "v.db"
    vault = create_vault(path)
    old = keys.keychain_get(path)
    vault = change_key(vault, new_passphrase=None)
    vault.close()
    new = keys.keychain_get(path)
    assert new and new != old
    assert keys.keychain_get(path, pending=True) is None
    with pytest.raises(VaultLockedError):
        open_vault(path, keys.VaultKey(old, keys.read_salt(path), "keychain"))
    unlock_vault(path).close()


def test_verify_reports_a_flipped_byte_in_a_stored_document(vault):
    data = bytes(range(256)) * 40
    doc_id = _store(vault, "blob.bin", data)
    assert verify_vault(vault).ok
    with vault.engine.begin() as con:
        flipped = bytearray(data)
        flipped[5000] ^= 0x01
        con.execute(
            text("UPDATE documentblob SET data = :d WHERE document_id = :i"), {"d": bytes(flipped), "i": doc_id}
        )
    report = verify_vault(vault)
    assert not report.ok and report.bad_documents == [(doc_id, "blob.bin")]
    from hsawallet.services.errors import UserError

    with vault.session() as session, pytest.raises(UserError, match="damaged"):
        document_bytes(session, doc_id)


def test_verify_reports_a_flipped_byte_in_the_file(tmp_path):
    path = tmp_path / "v.db"
    vault = create_vault(path, passphrase="pw")
    _store(vault, "big.bin", bytes(range(256)) * 2000)  # ~500 KB over many pages
    vault.checkpoint()
    key = vault.key
    vault.close()
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x40
    path.write_bytes(bytes(raw))
    reopened = open_vault(path, key, migrate=False)
    report = verify_vault(reopened)
    reopened.close()
    assert not report.ok
    assert report.cipher_errors  # SQLCipher's HMAC check names the damaged page


def test_upgrade_from_first_revision_keeps_data_and_makes_a_backup(tmp_path):
    from hsawallet.store import migrations
    from hsawallet.store.engine import Vault, create_vault_file, make_engine

    path = tmp_path / "old.db"
    key = keys.derive_key("pw", keys.new_salt())
    create_vault_file(path, key)
    old = Vault(path=path, key=key, engine=make_engine(path, key))
    migrations.upgrade(old, "0001")  # the vault as the first release wrote it
    with old.engine.begin() as con:
        con.execute(text("INSERT INTO person (name, created_at) VALUES ('Ada Lovelace', '2026-01-01 00:00:00')"))
    old.close()
    upgraded = open_vault(path, key)
    assert migrations.current_revision(upgraded) == migrations.head_revision()
    with upgraded.engine.connect() as con:
        assert con.execute(text("SELECT name FROM person")).scalar() == "Ada Lovelace"
        assert con.execute(text("SELECT count(*) FROM warningstate")).scalar() == 0
    upgraded.close()
    backups = list(tmp_path.glob("old.db.before-*.bak"))
    assert len(backups) == 1
    copy = open_vault(backups[0], key, migrate=False)
    assert migrations.current_revision(copy) == "0001"
    copy.close()


def test_vault_from_a_newer_version_is_refused_untouched(tmp_path, vault):
    with vault.engine.begin() as con:
        con.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    vault.checkpoint()
    key, path = vault.key, vault.path
    vault.close()
    before = _sha(path)
    with pytest.raises(VaultNewerError, match="newer version"):
        open_vault(path, key)
    assert _sha(path) == before
