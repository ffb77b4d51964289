"""What every view gets: the open vault, the background-op helpers, the event bridge,
and a way to ask the main window to show a record.

Views are ``View(ctx: AppContext, parent=None)`` QWidgets; views that show records expose
``select_record(kind: str, id: int)``. Example::

    ctx.query(self, lambda s: records.list_receipts(s), self._show).run_in_background()
    ctx.change(self, lambda v: documents.set_field(v, doc_id, "total", "12.50"),
               lambda _: None).with_progress("Saving…").run_in_background()
    ctx.bridge.documentsChanged.connect(self.reload)
    ctx.open_record("receipt", 12)   # Dashboard -> main window shows the receipt
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from sqlmodel import Session

from hsawallet.services.vault import Vault
from hsawallet.ui.bridge import EventBridge
from hsawallet.ui.ops import CollectionOp, QueryOp
from hsawallet.vocab import RecordKind

T = TypeVar("T")


class AppContext(QObject):
    # (kind, id): a RecordKind and the record's id
    recordRequested = Signal(str, int, int)  # and a receipt's line item id (0: none)
    # (message, timeout ms): a short note for the status bar
    statusMessage = Signal(str, int)
    # (key, parsed value): a setting saved in Settings (the main window follows lock_minutes)
    settingChanged = Signal(str, object)

    def __init__(self, vault: Vault, parent: QObject | None = None, bridge: EventBridge | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.bridge = bridge or EventBridge(self)

    # -- navigation
    def open_record(self, kind: RecordKind | str, id: int, item_id: int | None = None) -> None:
        """Ask the main window to switch to the view for ``kind`` and select record ``id`` (and, for a
        receipt, its line item ``item_id``)."""
        if kind not in tuple(RecordKind):
            raise ValueError(f"unknown record kind {kind!r}")
        self.recordRequested.emit(kind, int(id), int(item_id or 0))

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        self.statusMessage.emit(message, timeout_ms)

    # -- background work with the vault
    def query(
        self, parent: QObject | None, fn: Callable[[Session], T], success: Callable[[T], None] | None = None
    ) -> QueryOp[T]:
        """A read: ``fn(session)`` on a worker thread; call ``.run_in_background()`` on the result."""
        vault = self.vault

        def op() -> T:
            with vault.session() as session:
                return fn(session)

        return QueryOp(parent, op, success)

    def change(
        self, parent: QObject | None, fn: Callable[[Vault], T], success: Callable[[T], None] | None = None
    ) -> CollectionOp[T]:
        """A change: ``fn(vault)`` on the database worker thread (service functions take the vault)."""
        vault = self.vault
        return CollectionOp(parent, lambda: fn(vault), success)

    def close(self) -> None:
        self.bridge.close()


def describe_error(exc: BaseException) -> str:
    """A user-facing one-liner for an exception from the core (never a database error's SQL text)."""
    from hsawallet.services.errors import UserError, describe_failure
    from hsawallet.services.vault import VaultBusyError, VaultError

    if isinstance(exc, (UserError, VaultError, VaultBusyError, ValueError)) and str(exc).strip():
        return str(exc).strip()
    return describe_failure(exc).message


__all__ = ["AppContext", "describe_error", "QueryOp", "CollectionOp"]
