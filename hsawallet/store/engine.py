"""Open, create and migrate the SQLCipher vault.

A vault that does not open is never recreated or written: the file stays byte-for-byte
as it was, and the user is told both possible causes (wrong key, damaged file).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from hsawallet.store import locks
from hsawallet.store.keys import VaultKey

log = logging.getLogger(__name__)


class VaultError(Exception):
    """A user-facing problem with the vault file itself."""


class VaultLockedError(VaultError):
    """The vault cannot be unlocked (wrong key, damaged file, or no key at hand). Exit code 3."""


class VaultNewerError(VaultError):
    """The vault was written by a newer HSA Wallet."""


# SQLite's own wait for a lock per attempt (PRAGMA busy_timeout); _begin_immediate waits again after it.
BUSY_TIMEOUT_S = 30
# Connections kept open (each costs a key check): the main thread and the GUI's workers; more are opened for a
# burst beyond them and closed when returned.
POOL_SIZE = 4
POOL_OVERFLOW = 4


def _raw_connect(path: Path, key: VaultKey) -> sqlcipher3.Connection:
    con = sqlcipher3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S)
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
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")


def probe(path: Path, key: VaultKey) -> None:
    """Raise VaultLockedError unless ``key`` opens ``path``; writes nothing."""
    if not path.exists():
        raise VaultError(f"There is no vault at {path}. Create one with 'hsawallet init'.")
    con = _raw_connect(path, key)
    _check_key(con, path)
    con.close()


# A writer holding the lock this long is stuck, not busy: the work fails with SQLite's error.
BUSY_GIVE_UP_S = 30 * 60
# Left behind by a key change or restore that was killed; removed on the next open.
STALE_SUFFIXES = (".rekey", ".rekey-wal", ".rekey-shm", ".restoring")

Notify = Callable[[str], None]


def _begin_immediate(conn: Connection, notify: Notify | None) -> None:
    """Every transaction takes the write lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once with "database is
    locked" when another process committed in between (the busy timeout does not apply);
    an immediate one waits its turn. A lock held longer than the busy timeout is waited
    for again, with a note, rather than failing the work.
    """
    started = time.monotonic()
    told = False
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            message = str(getattr(exc, "orig", exc))
            if "readonly" in message:  # a vault on read-only media can still be read
                conn.exec_driver_sql("BEGIN")
                return
            if "locked" not in message and "busy" not in message:
                raise
            if time.monotonic() - started > BUSY_GIVE_UP_S:
                raise
            if not told:
                told = True
                log.info("vault busy; waiting")
                if notify is not None:
                    notify("the vault is busy (another program is writing to it), waiting...")


def make_engine(path: Path, key: VaultKey, notify: Notify | None = None) -> Engine:
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
        hide_parameters=True,  # an error's text never carries file names or hashes
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
    )

    @event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(
        dbapi_con: sqlcipher3.Connection, _record: object
    ) -> None:  # let SQLAlchemy emit BEGIN
        dbapi_con.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        _begin_immediate(conn, notify)

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
    held: bool = False  # this Vault counts in the process's shared "open" lock (store/locks.py)
    # Where waits are told ("another import is running, waiting..."); the CLI prints them.
    notify: Notify | None = field(default=None, repr=False)

    def tell(self, message: str) -> None:
        if self.notify is not None:
            self.notify(message)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
        if self.held:
            self.held = False
            locks.release_open(self.path)

    def checkpoint(self) -> None:
        # Outside any transaction: inside one (they all begin IMMEDIATE) the checkpoint would wait on itself.
        raw = self.engine.raw_connection()
        try:
            dbapi = raw.driver_connection
            assert dbapi is not None  # a pooled connection that is open
            dbapi.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()


def connect(path: Path, key: VaultKey, *, hold: bool = True, notify: Notify | None = None) -> Vault:
    """The vault as it is, schema untouched (store.vault.open_vault migrates): the key is checked first.

    ``hold``: count as a process that has the vault open (a key change or restore elsewhere is
    refused meanwhile); copies being written or checked are opened with hold=False."""
    if hold:
        locks.hold_open(path, on_wait=notify)
    try:
        if hold and not locks.is_exclusive(path):
            _remove_stale_files(path)
        probe(path, key)
        return Vault(path=path, key=key, engine=make_engine(path, key, notify), held=hold, notify=notify)
    except BaseException:
        if hold:
            locks.release_open(path)
        raise


def _remove_stale_files(path: Path) -> None:
    """Staged copies of a key change or restore that was killed (no one else can be writing them:
    those hold the vault exclusively)."""
    for suffix in STALE_SUFFIXES:
        stale = path.with_name(path.name + suffix)
        try:
            stale.unlink()
            log.info("removed %s left by an interrupted key change or restore", suffix)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # removed next time; never a reason not to open


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
