"""Open, create and migrate the SQLCipher vault.

A vault that does not open is never recreated or written: the file stays byte-for-byte
as it was, and the user is told both possible causes (wrong key, damaged file).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from hsawallet.store.keys import VaultKey


class VaultError(Exception):
    """A user-facing problem with the vault file itself."""


class VaultLockedError(VaultError):
    """The vault cannot be unlocked (wrong key, damaged file, or no key at hand). Exit code 3."""


class VaultNewerError(VaultError):
    """The vault was written by a newer HSA Wallet."""


def _raw_connect(path: Path, key: VaultKey) -> sqlcipher3.Connection:
    con = sqlcipher3.connect(str(path), check_same_thread=False, timeout=30)
    con.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is reported by us, not on stderr
    con.execute(f"PRAGMA key = {key.pragma_value()}")
    return con


def _check_key(con: sqlcipher3.Connection, path: Path) -> None:
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        con.close()
        raise VaultLockedError(
            f"Cannot open the vault {path}: either the passphrase or key is wrong, or the "
            "file is damaged. The file was not changed."
        ) from exc


def _configure(con: sqlcipher3.Connection) -> None:
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    con.execute("PRAGMA temp_store = MEMORY")
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA busy_timeout = 30000")


def probe(path: Path, key: VaultKey) -> None:
    """Raise VaultLockedError unless ``key`` opens ``path``; writes nothing."""
    if not path.exists():
        raise VaultError(f"There is no vault at {path}. Create one with 'hsawallet init'.")
    con = _raw_connect(path, key)
    _check_key(con, path)
    con.close()


def make_engine(path: Path, key: VaultKey) -> Engine:
    def creator() -> sqlcipher3.Connection:
        con = _raw_connect(path, key)
        _check_key(con, path)
        _configure(con)
        return con

    engine = create_engine(
        "sqlite://",
        creator=creator,
        module=sqlcipher3.dbapi2,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
    )

    @event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(dbapi_con: sqlcipher3.Connection, _record: object) -> None:  # let SQLAlchemy emit BEGIN
        dbapi_con.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def create_vault_file(path: Path, key: VaultKey) -> None:
    """Create a new, empty, encrypted vault at ``path`` (refuses an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    con = _raw_connect(path, key)
    _configure(con)
    con.execute("CREATE TABLE IF NOT EXISTS _hsawallet_init (x)")
    con.execute("DROP TABLE _hsawallet_init")
    con.commit()
    con.close()


@dataclass
class Vault:
    path: Path
    key: VaultKey
    engine: Engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def checkpoint(self) -> None:
        with self.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def connect(path: Path, key: VaultKey) -> Vault:
    """The vault as it is, schema untouched (store.vault.open_vault migrates): the key is checked first."""
    probe(path, key)
    return Vault(path=path, key=key, engine=make_engine(path, key))


def export_copy(vault: Vault, out: Path, key: VaultKey | None = None) -> None:
    """Write an encrypted copy of the vault with sqlcipher_export (same key unless given)."""
    key = key or vault.key
    out = Path(out)
    if out.exists():
        raise VaultError(f"{out} already exists; choose another name.")
    fd = os.open(out, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        raw = vault.engine.raw_connection()
        try:
            dbapi = raw.driver_connection
            assert dbapi is not None  # a pooled connection that is open
            dbapi.execute(f"ATTACH DATABASE ? AS backup KEY {key.pragma_value()}", (str(out),))
            try:
                dbapi.execute("SELECT sqlcipher_export('backup')")
                version = dbapi.execute("PRAGMA user_version").fetchone()[0]
                dbapi.execute(f"PRAGMA backup.user_version = {int(version)}")
            finally:
                dbapi.execute("DETACH DATABASE backup")
        finally:
            raw.close()
        with open(out, "rb+") as fh:
            os.fsync(fh.fileno())
    except Exception:
        out.unlink(missing_ok=True)
        raise

