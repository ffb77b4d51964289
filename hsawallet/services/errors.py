"""Errors whose message is written for the user, and one readable line for any other error.

The CLI and the GUI both turn an unexpected exception into ``describe_failure``'s line; a
database error's own text is never shown or logged (SQLAlchemy's includes the SQL and its
parameters: file names, hashes), only SQLite's short reason.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path


class UserError(Exception):
    """Bad input or a request that cannot be done; exit code 1 in the CLI."""


@dataclass(frozen=True)
class Failure:
    message: str
    damaged: bool = False  # the vault file itself: "cannot unlock/use the vault" (CLI exit 3)
    internal: bool = False  # a bug: the details are for --debug


# SQLite's reasons that mean the file's pages do not decrypt or do not hold a database.
_DAMAGE = ("malformed", "not a database", "file is encrypted", "corrupt", "hmac", "disk image")


def _database_reason(exc: BaseException) -> str | None:
    """SQLite's own short reason for a database error (no SQL, no parameters); None if not one."""
    try:
        import sqlcipher3
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError
    except ImportError:  # pragma: no cover - both are dependencies
        return None
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        return (str(orig.args[0]) if orig is not None and orig.args else type(orig).__name__).splitlines()[0]
    if isinstance(exc, sqlcipher3.Error):
        return (str(exc.args[0]) if exc.args else type(exc).__name__).splitlines()[0]
    if isinstance(exc, SQLAlchemyError):
        return type(exc).__name__
    return None


def describe_failure(exc: BaseException, vault: Path | str | None = None) -> Failure:
    """One line for the user, for any exception that reached the top without a message of its own."""
    from hsawallet.safeio import printable_name

    where = f"the vault {vault}" if vault else "the vault"
    reason = _database_reason(exc)
    if reason is not None:
        low = reason.lower()
        if any(word in low for word in _DAMAGE):
            return Failure(
                f"{where[0].upper()}{where[1:]} is damaged ({reason}). Run 'hsawallet verify' to see "
                "what is affected, and restore from a backup ('hsawallet restore').",
                damaged=True,
            )
        if "locked" in low or "busy" in low:
            return Failure(
                f"{where[0].upper()}{where[1:]} stayed busy: another program kept it locked. "
                "Nothing was lost; try again when it has finished."
            )
        if "full" in low:
            return Failure(
                f"The disk holding {where} is full; nothing more was written. Free some space and try again."
            )
        if "readonly" in low or "read-only" in low:
            return Failure(f"{where[0].upper()}{where[1:]} is read-only here; nothing was written.")
        if "i/o" in low or "unable to open" in low:
            return Failure(
                f"{where[0].upper()}{where[1:]} could not be read or written ({reason}). Check the "
                "disk; then run 'hsawallet verify'."
            )
        return Failure(
            f"{where[0].upper()}{where[1:]} could not be used ({reason}). Run 'hsawallet verify'; "
            "if it reports damage, restore from a backup.",
            internal=True,
        )
    if isinstance(exc, MemoryError):
        return Failure(
            "Out of memory: close other programs, or import fewer or smaller files at a time. "
            "Nothing acknowledged was lost."
        )
    if isinstance(exc, UnicodeError):
        reason = getattr(exc, "reason", "")  # the codec's reason, never the text itself
        return Failure(f"A name or text could not be converted ({type(exc).__name__}: {reason}).", internal=True)
    if isinstance(exc, OSError):
        name = f": {printable_name(str(exc.filename))}" if exc.filename else ""
        return Failure(f"{exc.strerror or type(exc).__name__}{name}")
    return Failure(f"Internal error ({type(exc).__name__}); nothing acknowledged was lost.", internal=True)


def safe_traceback(exc: BaseException) -> str:
    """The stack frames of ``exc`` and its causes (file, line, function; no source lines) with each
    message replaced by its type (and SQLite's reason for database errors): fit for a log, never
    quoting SQL, parameters or document text."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # Where, not what: a frame's source line may hold a query or a value.
        frames = "".join(
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(current.__traceback__)
        )
        reason = _database_reason(current)
        head = f"{type(current).__module__}.{type(current).__name__}" + (f": {reason}" if reason else "")
        lines.append(f"Traceback (most recent call last):\n{frames}{head}\n")
        current = current.__cause__ or current.__context__
    return "\nwhich happened while handling:\n".join(reversed(lines))
