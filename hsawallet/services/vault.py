"""The vault's life for both faces: create, unlock, back up, restore, change the key, verify.

The CLI and the GUI call these and never the store; the store does the work (store/vault.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hsawallet.store import keys
from hsawallet.store import vault as store
from hsawallet.store.engine import Vault, VaultError, VaultLockedError, VaultNewerError
from hsawallet.store.locks import VaultBusyError
from hsawallet.store.vault import PassphrasePrompt, VerifyReport

__all__ = [
    "PassphrasePrompt",
    "Vault",
    "VaultBusyError",
    "VaultError",
    "VaultLockedError",
    "VaultNewerError",
    "VerifyReport",
    "backup",
    "change_key",
    "change_passphrase",
    "create",
    "keychain_usable",
    "passphrase_from_env",
    "restore",
    "unlock",
    "verify",
]


def passphrase_from_env() -> str | None:
    """$HSAWALLET_PASSPHRASE, the first way to unlock (see CLI.md)."""
    return keys.passphrase_from_env()


def keychain_usable() -> bool:
    """Whether the OS keychain can hold a vault key here (else a passphrase vault is the way)."""
    return keys.keychain_usable()


def create(path: Path, *, passphrase: str | None = None) -> Vault:
    """A new vault, open: a passphrase vault when one is given, else a keychain vault. Never overwrites."""
    return store.create_vault(Path(path), passphrase=passphrase)


def unlock(
    path: Path,
    *,
    passphrase: str | None = None,
    prompt: PassphrasePrompt | None = None,
    notify: Callable[[str], None] | None = None,
) -> Vault:
    """Open the vault: the passphrase given, else the keychain's key, else ``prompt()``; VaultLockedError if none.
    ``notify`` is told of waits (a key change or restore elsewhere, another import)."""
    return store.unlock_vault(Path(path), passphrase=passphrase, prompt=prompt, notify=notify)


def backup(vault: Vault, *, out: Path) -> VerifyReport:
    """An encrypted copy at ``out``, reopened and checked before it is kept."""
    return store.backup_vault(vault, Path(out))


def restore(
    backup: Path,
    *,
    to: Path,
    passphrase: str | None = None,
    prompt: PassphrasePrompt | None = None,
    force: bool = False,
) -> Path | None:
    """The backup becomes the vault at ``to``; returns where the vault it replaced was kept, if any.

    A keychain backup restored to another path gets its key stored for that path too, so it opens there."""
    backup, to = Path(backup), Path(to)
    key = store.resolve_key(backup, passphrase=passphrase, prompt=prompt)
    kept = store.restore_vault(backup, to, key, force=force)
    if key.mode == "keychain" and backup.resolve() != to.resolve():
        keys.keychain_set(to, key.key)
    return kept


def change_key(vault: Vault, *, new_passphrase: str | None) -> Vault:
    """Re-encrypt under a new passphrase (or a new random keychain key when None); returns the reopened vault."""
    return store.change_key(vault, new_passphrase=new_passphrase)


def change_passphrase(vault: Vault, *, current: str | None, new: str) -> Vault:
    """The GUI's change: a passphrase vault asks for its current passphrase first (the key in
    memory is not proof enough that the person at the keyboard knows it). Returns the reopened vault."""
    import hmac

    if vault.key.mode == "passphrase":
        typed = keys.derive_key(current or "", vault.key.salt)
        if not hmac.compare_digest(typed.key, vault.key.key):
            raise VaultError("The current passphrase is not right; the passphrase was not changed.")
    if len(new) < 8:
        raise VaultError("The new passphrase is too short: use at least 8 characters; it was not changed.")
    return change_key(vault, new_passphrase=new)


def verify(vault: Vault) -> VerifyReport:
    """Encryption, structure and every document's SHA-256."""
    return store.verify_vault(vault)
