"""Vault keys: a random key kept in the OS keychain, or one derived from a passphrase.

Both end up as a raw 256-bit SQLCipher key, so every pooled connection opens in about
a millisecond; the passphrase goes through PBKDF2 once per unlock, not per connection.
The KDF salt is SQLCipher's own file salt (the first 16 bytes of the vault file).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

KEYRING_SERVICE = "HSA Wallet"
# SQLCipher 4's own count for its passphrase KDF (PBKDF2-HMAC-SHA512): as slow to guess as a stock vault.
PBKDF2_ITERATIONS = 256_000
# SQLCipher's file salt: the first 16 bytes of the vault file.
SALT_BYTES = 16
# SQLCipher's raw key: 256 bits.
KEY_BYTES = 32
PASSPHRASE_ENV = "HSAWALLET_PASSPHRASE"


@dataclass(frozen=True)
class VaultKey:
    """A raw SQLCipher key plus the file salt it goes with."""

    key: bytes
    salt: bytes
    mode: str  # "keychain" | "passphrase"

    def pragma_value(self) -> str:
        return f"\"x'{self.key.hex()}{self.salt.hex()}'\""

    def __repr__(self) -> str:  # never print key material
        return f"VaultKey(mode={self.mode!r})"


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def new_random_key(salt: bytes) -> VaultKey:
    return VaultKey(secrets.token_bytes(KEY_BYTES), salt, "keychain")


def derive_key(passphrase: str, salt: bytes) -> VaultKey:
    # NFC so the same passphrase typed on another OS derives the same key.
    normalized = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    key = hashlib.pbkdf2_hmac("sha512", normalized, salt, PBKDF2_ITERATIONS, dklen=KEY_BYTES)
    return VaultKey(key, salt, "passphrase")


def read_salt(vault: Path) -> bytes:
    with open(vault, "rb") as fh:
        salt = fh.read(SALT_BYTES)
    if len(salt) != SALT_BYTES:
        raise ValueError("file too short")
    return salt


def _keyring_user(vault: Path) -> str:
    return str(Path(vault).resolve())


def keychain_usable() -> bool:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return getattr(backend, "priority", 1) > 0


def keychain_get(vault: Path, *, pending: bool = False) -> bytes | None:
    import keyring
    from keyring.errors import KeyringError

    user = _keyring_user(vault) + ("#pending" if pending else "")
    try:
        value = keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError:
        return None
    if not value:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def keychain_set(vault: Path, key: bytes, *, pending: bool = False) -> None:
    import keyring

    user = _keyring_user(vault) + ("#pending" if pending else "")
    keyring.set_password(KEYRING_SERVICE, user, key.hex())


def keychain_delete(vault: Path, *, pending: bool = False) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    user = _keyring_user(vault) + ("#pending" if pending else "")
    try:
        keyring.delete_password(KEYRING_SERVICE, user)
    except (PasswordDeleteError, KeyringError):
        pass


def passphrase_from_env() -> str | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None
