"""A lazy table model over the vault's documents.

It holds ids only (documents.document_ids: one small query even for 50,000 documents) and
fetches the rows it is asked to show in pages of PAGE_SIZE, in the background, so opening
a big vault is instant and scrolling loads what comes into view.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from sqlmodel import Session

from hsawallet.safeio import printable_name
from hsawallet.services import documents
from hsawallet.ui.ops import QueryOp
from hsawallet.vocab import DocumentKind, DocumentStatus

COL_FILE, COL_KIND, COL_PAGES, COL_STATUS, COL_IMPORTED, COL_ERROR = range(6)
HEADERS = ("File", "Kind", "Pages", "Status", "Imported", "Error")
PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

KIND_LABELS = {DocumentKind.RECEIPT: "Receipt", DocumentKind.LETTER: "Letter", DocumentKind.OTHER: "Other", None: "—"}
STATUS_LABELS = {
    DocumentStatus.STORED: "Waiting to be read",
    DocumentStatus.READ: "Read",
    DocumentStatus.ERROR: "Could not read",
}


class DocumentRow(NamedTuple):
    id: int
    file_name: str
    kind: str | None
    page_count: int | None
    status: str
    imported_at: datetime | None
    error: str | None
    source: str = ""  # the e-mail it came in, said for people ("" for a file imported directly)


def load_rows(session: Session, ids: list[int]) -> dict[int, DocumentRow]:
    """Plain rows for ``ids`` (runs on a worker thread)."""
    from hsawallet.services.document_records import source_records
    from hsawallet.ui.widgets.source_label import source_text

    found = documents.documents_by_id(session, ids)
    sources = source_records(session, found)
    return {
        doc_id: DocumentRow(
            doc.id,
            doc.file_name,
            doc.kind,
            doc.page_count,
            doc.status,
            doc.imported_at,
            doc.error,
            source_text(sources.get(doc_id)),
        )
        for doc_id, doc in found.items()
    }


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:  # stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class DocumentsModel(QAbstractTableModel):
    """Rows are document ids; their fields arrive page by page.

    ``ids_loader(kind)`` and ``rows_loader(ids)`` do the reading. With ``background=True``
    (the app) they run as QueryOps; with ``background=False`` (tests, tools) they run inline.
    """

    def __init__(
        self,
        ids_loader: Callable[[str | None], list[int]],
        rows_loader: Callable[[list[int]], dict[int, DocumentRow]],
        parent=None,
        *,
        background: bool = True,
    ) -> None:
        super().__init__(parent)
        self._ids_loader = ids_loader
        self._rows_loader = rows_loader
        self._background = background
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._rows: dict[int, DocumentRow] = {}
        self._pending_pages: set[int] = set()
        self._generation = 0  # results of a load started before a reset are dropped
        self.kind: str | None = None
        self.loading = False
        self.on_reset: Callable[[], None] | None = None  # after ids (re)load

    @classmethod
    def for_vault(cls, vault, parent=None, *, background: bool = True) -> DocumentsModel:
        def ids_loader(kind: str | None) -> list[int]:
            with vault.session() as session:
                return documents.document_ids(session, kind=kind)

        def rows_loader(ids: list[int]) -> dict[int, DocumentRow]:
            with vault.session() as session:
                return load_rows(session, ids)

        return cls(ids_loader, rows_loader, parent, background=background)

    # -- loading
    def reload(self, kind: str | None = ...) -> None:  # type: ignore[assignment]
        """Fetch the ids again (after an import, or with another kind filter)."""
        if kind is not ...:
            self.kind = kind
        self._generation += 1
        generation, wanted_kind = self._generation, self.kind
        self.loading = True
        if self._background:
            QueryOp(
                self, lambda: self._ids_loader(wanted_kind), lambda ids: self._set_ids(ids, generation)
            ).run_in_background()
        else:
            self._set_ids(self._ids_loader(wanted_kind), generation)

    def _set_ids(self, ids: list[int], generation: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = list(ids)
        self._row_of = {doc_id: row for row, doc_id in enumerate(self._ids)}
        self._rows = {}  # statuses may have changed; pages are fetched again as they show
        self._pending_pages.clear()
        self.loading = False
        self.endResetModel()
        if self.on_reset:
            self.on_reset()

    def _request_page(self, page: int) -> None:
        if page in self._pending_pages:
            return
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        if not ids:
            return
        self._pending_pages.add(page)
        generation = self._generation
        if self._background:
            QueryOp(
                self, lambda: self._rows_loader(ids), lambda rows: self._rows_arrived(rows, page, generation)
            ).run_in_background()
        else:
            self._rows_arrived(self._rows_loader(ids), page, generation)

    def _rows_arrived(self, rows: dict[int, DocumentRow], page: int, generation: int) -> None:
        if generation != self._generation:
            return
        self._pending_pages.discard(page)
        self._rows.update(rows)
        first = page * PAGE_SIZE
        last = min(len(self._ids), first + PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))

    def fully_loaded(self) -> bool:
        return len(self._rows) >= len(self._ids)

    def load_all(self) -> None:
        """Ask for every page not loaded yet (sorting or filtering on a column needs them)."""
        for page in range((len(self._ids) + PAGE_SIZE - 1) // PAGE_SIZE):
            first = self._ids[page * PAGE_SIZE] if page * PAGE_SIZE < len(self._ids) else None
            if first is not None and first not in self._rows:
                self._request_page(page)

    # -- lookups
    def document_id(self, row: int) -> int:
        return self._ids[row]

    def row_for_id(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    def loaded_row(self, doc_id: int) -> DocumentRow | None:
        return self._rows.get(doc_id)

    def ids(self) -> list[int]:
        return list(self._ids)

    # -- Qt model
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        doc_id = self._ids[index.row()]
        if role == ID_ROLE:
            return doc_id
        row = self._rows.get(doc_id)
        if row is None and role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            self._request_page(index.row() // PAGE_SIZE)
            row = self._rows.get(doc_id)  # there already when loading inline
        if row is None:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                if role == Qt.ItemDataRole.DisplayRole and index.column() == COL_FILE:
                    return "Loading…"
                return None if role == Qt.ItemDataRole.DisplayRole else ""
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_ERROR and row.error:
                return row.error
            if column == COL_FILE:
                name = printable_name(row.file_name)
                return f"{name}\n{row.source}" if row.source else name
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_PAGES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(row: DocumentRow, column: int):
        if column == COL_FILE:
            return printable_name(row.file_name)
        if column == COL_KIND:
            return KIND_LABELS.get(row.kind, row.kind or "—")
        if column == COL_PAGES:
            return "" if row.page_count is None else str(row.page_count)
        if column == COL_STATUS:
            return STATUS_LABELS.get(row.status, row.status)
        if column == COL_IMPORTED:
            return local_time(row.imported_at)
        if column == COL_ERROR:
            return row.error or ""
        return None

    @staticmethod
    def _sort_key(row: DocumentRow, column: int):
        if column == COL_PAGES:
            return row.page_count or 0
        if column == COL_IMPORTED:
            return row.imported_at.isoformat() if row.imported_at else ""
        if column == COL_FILE:
            return row.file_name.casefold()
        return str(DocumentsModel._display(row, column)).casefold()


class DocumentsProxy(QSortFilterProxyModel):
    """Sort by any column and filter by file name; loads every row first when it must."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(COL_FILE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)

    def source(self) -> DocumentsModel:
        return self.sourceModel()  # type: ignore[return-value]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= 0 and self.source() is not None and not self.source().fully_loaded():
            self.source().load_all()
        super().sort(column, order)

    def set_name_filter(self, text: str) -> None:
        if text and not self.source().fully_loaded():
            self.source().load_all()
        self.setFilterFixedString(text)
