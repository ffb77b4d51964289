"""Create, unlock, verify, back up, restore and rekey a vault. Shared by the CLI and GUI."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from hsawallet.store import keys, locks, migrations
from hsawallet.store.engine import (
    Notify,
    Vault,
    VaultError,
    VaultLockedError,
    connect,
    create_vault_file,
    export_copy,
    probe,
)

PassphrasePrompt = Callable[[], "str | None"]
# A backup is copied back this much at a time, never whole in memory.
COPY_CHUNK_BYTES = 1 << 20


def open_vault(
    path: Path, key: keys.VaultKey, *, migrate: bool = True, hold: bool = True, notify: Notify | None = None
) -> Vault:
    """The vault opened and, unless ``migrate`` is False, brought to the newest schema (a copy kept first).
    ``hold`` and ``notify``: see engine.connect."""
    vault = connect(path, key, hold=hold, notify=notify)
    if migrate:
        try:
            migrations.upgrade_if_needed(vault)
        except BaseException:
            vault.close()
            raise
    return vault


def _wal_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def create_vault(path: Path, *, passphrase: str | None = None) -> Vault:
    """A new vault: keychain (random key) unless a passphrase is given."""
    path = Path(path)
    if path.exists():
        raise VaultError(f"{path} already exists; HSA Wallet never overwrites a vault.")
    salt = keys.new_salt()
    if passphrase is not None:
        if not passphrase:
            raise VaultError("The passphrase must not be empty.")
        key = keys.derive_key(passphrase, salt)
    else:
        if not keys.keychain_usable():
            raise VaultError(
                "No usable OS keychain was found. Create the vault with a passphrase "
                "instead (set HSAWALLET_PASSPHRASE, or run 'hsawallet init' in a terminal)."
            )
        key = keys.new_random_key(salt)
        keys.keychain_set(path, key.key)
    create_vault_file(path, key)
    return open_vault(path, key)


def _keychain_key(path: Path) -> keys.VaultKey | None:
    """The keychain key that opens the vault, trying a key left pending by an interrupted passwd."""
    try:
        salt = keys.read_salt(path)
    except (OSError, ValueError):
        return None
    for pending in (False, True):
        raw = keys.keychain_get(path, pending=pending)
        if raw is None:
            continue
        candidate = keys.VaultKey(raw, salt, "keychain")
        try:
            probe(path, candidate)
        except VaultLockedError:
            continue
        if pending:  # finish the interrupted passwd: the pending key is the real one now
            keys.keychain_set(path, raw)
            keys.keychain_delete(path, pending=True)
        return candidate
    return None


def resolve_key(path: Path, *, passphrase: str | None = None, prompt: PassphrasePrompt | None = None) -> keys.VaultKey:
    """Find the key: passphrase given (env), else keychain, else prompt, else fail (exit 3)."""
    path = Path(path)
    if not path.exists():
        raise VaultError(f"There is no vault at {path}. Create one with 'hsawallet init'.")
    try:
        salt = keys.read_salt(path)
    except (OSError, ValueError) as exc:
        raise VaultLockedError(f"Cannot open the vault {path}: the file is damaged or not a vault ({exc}).") from exc
    if passphrase is not None:
        key = keys.derive_key(passphrase, salt)
        probe(path, key)
        return key
    stored = _keychain_key(path)
    if stored is not None:
        return stored
    if prompt is not None:
        entered = prompt()
        if entered:
            key = keys.derive_key(entered, salt)
            probe(path, key)
            return key
    raise VaultLockedError(
        f"Cannot unlock the vault {path}: no key in the OS keychain and no passphrase. "
        f"Set {keys.PASSPHRASE_ENV} or run the command in a terminal to be asked for it."
    )


def unlock_vault(
    path: Path,
    *,
    passphrase: str | None = None,
    prompt: PassphrasePrompt | None = None,
    notify: Notify | None = None,
) -> Vault:
    return open_vault(Path(path), resolve_key(path, passphrase=passphrase, prompt=prompt), notify=notify)


@dataclass
class VerifyReport:
    cipher_errors: list[str] = field(default_factory=list)
    integrity_errors: list[str] = field(default_factory=list)
    bad_documents: list[tuple[int, str]] = field(default_factory=list)  # (id, file name)
    documents_checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.cipher_errors or self.integrity_errors or self.bad_documents)


def verify_vault(vault: Vault) -> VerifyReport:
    """SQLCipher's page HMACs, SQLite's structure, and every document against its SHA-256.

    Each step runs on its own connection so a damaged page found by one still lets the
    others report what they can.
    """
    from sqlalchemy.exc import DBAPIError

    damage = (DBAPIError, MemoryError)  # a damaged record can claim an absurd length
    report = VerifyReport()
    try:
        with vault.engine.connect() as con:
            report.cipher_errors = [str(r[0]) for r in con.exec_driver_sql("PRAGMA cipher_integrity_check")]
    except damage as exc:
        report.cipher_errors.append(
            f"the encryption check could not finish ({getattr(exc, 'orig', exc) or 'out of memory'})"
        )
    try:
        with vault.engine.connect() as con:
            rows = [str(r[0]) for r in con.exec_driver_sql("PRAGMA integrity_check")]
            report.integrity_errors = [r for r in rows if r != "ok"]
    except damage as exc:
        report.integrity_errors.append(
            f"the structure check could not finish ({getattr(exc, 'orig', exc) or 'out of memory'})"
        )
    try:
        with vault.engine.connect() as con:
            docs = con.execute(text("SELECT id, file_name, sha256 FROM document ORDER BY id")).all()
    except damage as exc:
        report.integrity_errors.append(
            f"the document list cannot be read ({getattr(exc, 'orig', exc) or 'out of memory'})"
        )
        return report
    for doc_id, name, sha in docs:
        report.documents_checked += 1
        try:
            with vault.engine.connect() as con:
                blob = con.execute(
                    text("SELECT data FROM documentblob WHERE document_id = :id"), {"id": doc_id}
                ).scalar()
        except damage:
            blob = None
        if blob is None or hashlib.sha256(blob).hexdigest() != sha:
            report.bad_documents.append((doc_id, name))
    return report


def document_hashes(vault: Vault) -> dict[str, str]:
    """sha256 recorded -> sha256 of the stored bytes, for every document."""
    out = {}
    with vault.engine.connect() as con:
        for sha, blob in con.execute(
            text("SELECT d.sha256, b.data FROM document d JOIN documentblob b ON b.document_id = d.id")
        ):
            out[sha] = hashlib.sha256(blob).hexdigest()
    return out


def backup_vault(vault: Vault, out: Path) -> VerifyReport:
    """An encrypted copy (same key), then reopened and verified document by document."""
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    if out.exists():
        raise VaultError(f"{out} already exists; choose another name.")
    try:
        export_copy(vault, tmp)
    except OSError as exc:
        from hsawallet.safeio import explain_write_error

        # The reason names the folder the user chose, never the temp file.
        raise VaultError(f"The backup was not written: {explain_write_error(exc, out.parent)}.") from None
    try:
        copy = open_vault(tmp, vault.key, migrate=False, hold=False)
        try:
            report = verify_vault(copy)
            same = document_hashes(copy) == document_hashes(vault)
        finally:
            copy.close()
        for extra in _wal_files(tmp):
            extra.unlink(missing_ok=True)
        if not report.ok or not same:
            raise VaultError("The backup did not verify after writing; it was removed.")
        os.replace(tmp, out)
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    return report


def restore_vault(backup: Path, path: Path, key: keys.VaultKey, *, force: bool = False) -> Path | None:
    """The backup becomes the vault; an existing vault is moved aside (its path is returned)."""
    backup, path = Path(backup), Path(path)
    if not backup.exists():
        raise VaultError(f"There is no backup at {backup}.")
    if path.exists() and not force:
        raise VaultError(
            f"A vault already exists at {path}. Use --force to restore anyway; "
            "the current vault will be kept aside, not deleted."
        )
    copy = open_vault(backup, key, migrate=False, hold=False)
    try:
        report = verify_vault(copy)
    finally:
        copy.close()
    if not report.ok:
        raise VaultError(f"The backup {backup} is damaged; nothing was restored.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with locks.exclusive(path, "restore over the vault"):
        return _swap_in_backup(backup, path)


def _swap_in_backup(backup: Path, path: Path) -> Path | None:
    kept = None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    staged = path.with_name(path.name + ".restoring")
    with open(backup, "rb") as src, open(staged, "wb") as dst:
        while chunk := src.read(COPY_CHUNK_BYTES):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(staged, 0o600)
    if path.exists():
        kept = path.with_name(f"{path.name}.before-restore-{stamp}")
        os.replace(path, kept)
        for extra in _wal_files(path):
            if extra.exists():
                os.replace(extra, kept.with_name(kept.name + extra.name[len(path.name) :]))
    os.replace(staged, path)
    return kept


def change_key(vault: Vault, *, new_passphrase: str | None) -> Vault:
    """passwd: re-encrypt to a new key (passphrase, or a fresh keychain key).

    The new copy is verified by reopening before it replaces the vault, and the keychain
    holds the new key as "pending" until the swap is done, so a crash at any point
    leaves a vault that one of the stored keys opens.
    """
    path = vault.path
    salt = vault.key.salt
    if new_passphrase is not None:
        if not new_passphrase:
            raise VaultError("The passphrase must not be empty.")
        new_key = keys.derive_key(new_passphrase, salt)
    else:
        if not keys.keychain_usable():
            raise VaultError("No usable OS keychain; give a new passphrase instead.")
        new_key = keys.new_random_key(salt)
    with locks.exclusive(path, "change the key", own_opens=1 if vault.held else 0):
        return _rekey(vault, new_key)


def _rekey(vault: Vault, new_key: keys.VaultKey) -> Vault:
    path = vault.path
    staged = path.with_name(path.name + ".rekey")
    staged.unlink(missing_ok=True)
    export_copy(vault, staged, key=new_key)
    before = document_hashes(vault)
    copy = open_vault(staged, new_key, migrate=False, hold=False)
    try:
        if document_hashes(copy) != before or not verify_vault(copy).ok:
            raise VaultError("The re-encrypted copy did not verify; the vault was not changed.")
    finally:
        copy.close()
    for extra in _wal_files(staged):
        extra.unlink(missing_ok=True)
    if new_key.mode == "keychain":
        keys.keychain_set(path, new_key.key, pending=True)
    vault.checkpoint()
    vault.close()
    for extra in _wal_files(path):
        extra.unlink(missing_ok=True)
    os.replace(staged, path)
    if new_key.mode == "keychain":
        keys.keychain_set(path, new_key.key)
        keys.keychain_delete(path, pending=True)
    else:
        keys.keychain_delete(path)
    return open_vault(path, new_key, notify=vault.notify)
