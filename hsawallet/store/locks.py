"""Who has a vault open, and who is writing to it, across processes.

Byte-range POSIX locks on ``<vault>.inuse`` (never deleted: removing a lock file races):
every process with the vault open holds a shared lock on byte 0, and the key change and
restore take it exclusively, so they never replace the file under a process that has it
open. Byte 1 is the import lock: one import at a time, a second one waits. A lock dies
with its process, so a crash never leaves a stale one, and F_GETLK names the holder.

POSIX locks belong to the process and are all dropped when any descriptor of the file
closes, so each process keeps one descriptor per vault, counted. Where there is no fcntl
(Windows) these locks are not kept.
"""

from __future__ import annotations

import os
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

OPEN_BYTE, WRITE_BYTE = 0, 1
# How often a waiting process tries a lock again: prompt, without spinning.
POLL_S = 0.2
# How long an open waits for a key change or restore in another process before saying the vault is busy.
OPEN_WAIT_S = 60.0
# A holder named in a message: its program and first arguments, cut to one short phrase.
_NAME_WORDS = 3
_NAME_CHARS = 60


class VaultBusyError(Exception):
    """Another process holds the vault in a way that forbids what was asked."""


def inuse_path(vault: Path) -> Path:
    return Path(vault).with_name(Path(vault).name + ".inuse")


class _LockFile:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        self.open_count = 0  # Vaults of this process holding the shared open lock
        self.exclusive = False
        self.writer = threading.RLock()  # one import per process; the byte lock covers other processes
        self.writer_depth = 0


_files: dict[str, _LockFile] = {}
_guard = threading.RLock()


def _lock_file(vault: Path) -> _LockFile | None:
    if fcntl is None:
        return None
    path = inuse_path(vault)
    key = os.path.realpath(path)
    with _guard:
        entry = _files.get(key)
        if entry is None:
            try:
                entry = _files[key] = _LockFile(path)
            except OSError:  # a read-only folder: the vault can still be read, unguarded
                return None
        return entry


def _try(fd: int, kind: int, byte: int) -> bool:
    try:
        fcntl.lockf(fd, kind | fcntl.LOCK_NB, 1, byte)
        return True
    except OSError:
        return False


def holder(vault: Path, byte: int = OPEN_BYTE) -> str:
    """'process 1234 (hsawallet gui)' for a process holding ``byte`` against a write lock, else ''."""
    entry = _lock_file(vault)
    if entry is None:
        return ""
    pid = _locking_pid(entry.fd, byte)
    if not pid:
        return "another process"
    return f"process {pid}" + (f" ({name})" if (name := _process_name(pid)) else "")


def _locking_pid(fd: int, byte: int) -> int:
    if sys.platform.startswith("linux"):
        layout = "hhqqi4x"  # struct flock: type, whence, start, len, pid
        query = struct.pack(layout, fcntl.F_WRLCK, os.SEEK_SET, byte, 1, 0)
        l_type, _, _, _, pid = struct.unpack(layout, fcntl.fcntl(fd, fcntl.F_GETLK, query))
    elif sys.platform == "darwin" or "bsd" in sys.platform:
        layout = "qqihh"  # start, len, pid, type, whence
        query = struct.pack(layout, byte, 1, 0, fcntl.F_WRLCK, os.SEEK_SET)
        _, _, pid, l_type, _ = struct.unpack(layout, fcntl.fcntl(fd, fcntl.F_GETLK, query))
    else:
        return 0
    return pid if l_type != fcntl.F_UNLCK else 0


def _process_name(pid: int) -> str:
    """A short name for the process (Linux: from /proc): 'hsawallet gui', 'python'."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = [w for w in raw.decode("utf-8", "replace").split("\0") if w]
    if words and os.path.basename(words[0]).startswith("python"):
        words = words[2:] if words[1:2] == ["-m"] else [] if words[1:2] == ["-c"] else words[1:]
        words = words or ["python"]
    if not words:
        return ""
    words[0] = os.path.basename(words[0])
    return " ".join(w if w.isprintable() else "…" for w in words[:_NAME_WORDS])[:_NAME_CHARS]


def hold_open(vault: Path, wait_s: float = OPEN_WAIT_S, on_wait: Callable[[str], None] | None = None) -> None:
    """Mark the vault open by this process (shared); waits while a key change or restore runs."""
    entry = _lock_file(vault)
    if entry is None:
        return
    with _guard:
        if entry.open_count or entry.exclusive:
            entry.open_count += 1
            return
        deadline = time.monotonic() + wait_s
        told = False
        while not _try(entry.fd, fcntl.LOCK_SH, OPEN_BYTE):
            if time.monotonic() > deadline:
                raise VaultBusyError(
                    f"The vault {vault} is being replaced by {holder(vault)} (key change or "
                    "restore); try again when it has finished."
                )
            if not told and on_wait is not None:
                on_wait(f"the vault is being replaced by {holder(vault)} (key change or restore), waiting...")
                told = True
            time.sleep(POLL_S)
        entry.open_count = 1


def is_exclusive(vault: Path) -> bool:
    entry = _lock_file(vault)
    return entry is not None and entry.exclusive


def release_open(vault: Path) -> None:
    entry = _lock_file(vault)
    if entry is None:
        return
    with _guard:
        if entry.open_count == 0:
            return
        entry.open_count -= 1
        if entry.open_count == 0 and not entry.exclusive:
            fcntl.lockf(entry.fd, fcntl.LOCK_UN, 1, OPEN_BYTE)


@contextmanager
def exclusive(vault: Path, action: str, *, own_opens: int = 0) -> Iterator[None]:
    """Hold the vault alone (key change, restore); refuse, naming the holder, if anyone else has it open.

    ``own_opens``: how many of this process's open Vaults belong to the caller (closed by it before the swap).
    """
    entry = _lock_file(vault)
    if entry is None:
        yield
        return
    with _guard:
        if entry.open_count > own_opens:
            raise VaultBusyError(
                f"Cannot {action}: the vault {vault} is open elsewhere in this program. "
                "Close it first; nothing was changed."
            )
        if not _try(entry.fd, fcntl.LOCK_EX, OPEN_BYTE):
            raise VaultBusyError(
                f"Cannot {action}: the vault {vault} is open in {holder(vault)}. "
                "Close it there first; nothing was changed."
            )
        entry.exclusive = True
    try:
        yield
    finally:
        with _guard:
            entry.exclusive = False
            if entry.open_count:  # back to shared for this process's own open Vaults
                fcntl.lockf(entry.fd, fcntl.LOCK_SH, 1, OPEN_BYTE)
            else:
                fcntl.lockf(entry.fd, fcntl.LOCK_UN, 1, OPEN_BYTE)


@contextmanager
def writing(vault: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """One import at a time: a second one waits (telling ``on_wait`` once) until the first has finished."""
    entry = _lock_file(vault)
    if entry is None:
        yield
        return
    with entry.writer:
        if entry.writer_depth == 0:
            told = False
            while not _try(entry.fd, fcntl.LOCK_EX, WRITE_BYTE):
                if not told and on_wait is not None:
                    on_wait(f"another import is running ({holder(vault, WRITE_BYTE)}), waiting...")
                    told = True
                time.sleep(POLL_S)
        entry.writer_depth += 1
        try:
            yield
        finally:
            entry.writer_depth -= 1
            if entry.writer_depth == 0:
                fcntl.lockf(entry.fd, fcntl.LOCK_UN, 1, WRITE_BYTE)
