"""Safe file writes: temp file in the same folder, fsync, rename, fsync the folder.

A reader never sees a half-written file under the final name, and a failure (or a
crash) leaves at most the previous version of the file.
"""

from __future__ import annotations

import errno
import os
import tempfile
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
        fd, temp_name = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=TEMP_SUFFIX
        )
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
