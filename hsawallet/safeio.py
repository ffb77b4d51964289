"""Safe file writes (temp file in the same folder, fsync, rename, fsync the folder), safe
reads of untrusted files, and file names as they may be shown.

A reader never sees a half-written file under the final name, and a failure (or a
crash) leaves at most the previous version of the file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".part"


class PendingFile:
    """A temp file next to `path` that becomes `path` only on commit().

    Use as a context manager: leaving the block without commit() removes the temp.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        fd, temp_name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=TEMP_SUFFIX)
        self.temp_path = Path(temp_name)
        try:
            self.file: BinaryIO = os.fdopen(fd, "w+b")
        except BaseException:
            os.close(fd)
            _unlink_quietly(self.temp_path)
            raise
        self.committed = False

    def finish(self) -> None:
        """Flush and fsync the temp file; after this it can be read back or committed."""
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()

    def commit(self) -> None:
        """Atomically move the finished temp file over `path` and make it durable."""
        self.finish()
        _copy_mode(self.path, self.temp_path)
        os.replace(self.temp_path, self.path)
        self.committed = True
        fsync_dir(self.path.parent)

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        if not self.committed:
            _unlink_quietly(self.temp_path)

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()


@contextmanager
def atomic_file(path: Path | str) -> Iterator[BinaryIO]:
    """`with atomic_file(p) as f: f.write(...)` replaces p only if the block succeeds."""
    with PendingFile(path) as pending:
        yield pending.file
        pending.commit()


def atomic_write(path: Path | str, writer: Callable[[BinaryIO], None]) -> Path:
    """Call writer(file) on a temp file, then atomically put it in place at `path`."""
    with atomic_file(path) as file:
        writer(file)
    return Path(path)


def fsync_dir(folder: Path | str) -> None:
    """Make a rename in `folder` durable (no-op where folders cannot be opened, e.g. Windows)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (network, FAT) refuse fsync on folders
    finally:
        os.close(fd)


def explain_write_error(exc: OSError, folder: Path | str) -> str:
    """A one-line, user-facing reason why writing into `folder` failed."""
    reasons = {
        errno.EROFS: "the folder is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOSPC: "disk full",
        errno.EDQUOT: "disk quota exceeded",
        errno.ENOENT: "the folder does not exist",
        errno.ENOTDIR: "the path is not a folder",
        errno.EISDIR: "a folder already has that name",
        errno.ENAMETOOLONG: "the file name is too long",
        errno.EIO: "input/output error",
    }
    reason = (reasons.get(exc.errno) if exc.errno is not None else None) or exc.strerror or exc.__class__.__name__
    return f"cannot write to {folder}: {reason}"


def _copy_mode(existing: Path, temp: Path) -> None:
    """Keep the permissions of a file being replaced (new files stay private, 0600)."""
    try:
        mode = existing.stat().st_mode
    except OSError:
        return
    try:
        os.chmod(temp, mode & 0o7777)
    except OSError:
        pass


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # already gone, or the folder vanished; never mask the original error


# ---------------------------------------------------------------- reading untrusted files


class NotARegularFile(OSError):
    """The path is a FIFO, device, socket or folder: never read (a FIFO blocks, /dev/zero never ends)."""


class FileTooLarge(OSError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, "file too large")
        self.size, self.limit = size, limit


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a disk device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular_file(path: Path | str, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    What was opened is judged on the open descriptor (no race with a swap of the path), and
    O_NONBLOCK keeps the open of a FIFO from waiting for a writer. ``follow_links=False``
    (O_NOFOLLOW) refuses a link itself. The read stops at the limit even if the file grows.
    """
    flags = (
        os.O_RDONLY
        | os.O_NONBLOCK
        | getattr(os, "O_NOCTTY", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
        | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    )
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise NotARegularFile(errno.EINVAL, kind, str(path))
        if info.st_size > limit:
            raise FileTooLarge(info.st_size, limit)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise FileTooLarge(total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- file names


def storable_name(name: str) -> str:
    """A name from the file system as valid Unicode: bytes that were not UTF-8 (kept by Python as
    surrogate escapes) become U+FFFD. The exact bytes are kept apart (``name_bytes``)."""
    return os.fsencode(name).decode("utf-8", "replace") if _has_surrogates(name) else name


def name_bytes(name: str) -> bytes | None:
    """The name's original bytes when they are not valid UTF-8, else None (the text says it all)."""
    return os.fsencode(name) if _has_surrogates(name) else None


def printable_name(name: str) -> str:
    """A name safe to print on a terminal or show in a table: invalid bytes as U+FFFD, control
    characters (newlines, ESC sequences) escaped as ``\\n``, ``\\x1b``."""
    out = []
    for ch in storable_name(name):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in "\u200d":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def _has_surrogates(name: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in name)
