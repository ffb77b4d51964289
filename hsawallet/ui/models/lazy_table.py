"""The one table-model style of the app's record lists: ids in the database's order, rows a page at a time.

A ``LazyTableModel`` asks its ids query for the ids to show (sorted and filtered by the database, in
the background) and its rows query for the rows of a page of them when the view first paints that
page. Sorting (a click on a header) and filtering ask for the ids again; rows already fetched are
kept, so the rows on screen show at once. ``refresh()`` (the data changed) forgets them. Results
of a query started before a newer one are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget
from sqlmodel import Session

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
LOADING_TEXT = "…"
# the roles data() answers, as plain ints (a view asks for a dozen roles per cell it paints)
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ID = int(ID_ROLE)
_ROLES = frozenset((_DISPLAY, _ALIGNMENT, _TOOLTIP, _FOREGROUND, _ID))
_LEFT = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value

# ids_query(session, sort, descending, words) and rows_query(session, ids)
IdsQuery = Callable[[Session, str, bool, str], list[int]]
RowsQuery = Callable[[Session, Sequence[int]], Mapping[int, Any]]


@dataclass(frozen=True)
class LazyColumn:
    title: str
    text: Callable[[Any], str]  # the shown text of a row
    sort: str | None = None  # the ids query's name for this order; None: not sortable
    align_right: bool = False
    tooltip: Callable[[Any], str | None] | None = None
    foreground: Callable[[Any], Any] | None = None


class LazyTableModel(QAbstractTableModel):
    """Rows are record ids; their fields arrive page by page from ``rows_query``."""

    idsLoaded = Signal()  # the ids (re)arrived: after a reload, a sort or a filter
    rowsLoaded = Signal()  # a page of rows arrived

    def __init__(
        self,
        ctx: Any,
        columns: Sequence[LazyColumn],
        ids_query: IdsQuery,
        rows_query: RowsQuery,
        parent: QObject | None = None,
        *,
        sort_column: int = 0,
        descending: bool = True,
        background: bool = True,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._columns = list(columns)
        self._ids_query = ids_query
        self._rows_query = rows_query
        self._background = background
        self._ids: list[int] = []
        self._rows: dict[int, Any] = {}
        self._pending: set[tuple[int, ...]] = set()
        self._generation = 0  # ids results of an older query are dropped
        self._data_generation = 0  # rows fetched before a refresh are dropped
        self.sort_column = sort_column
        self.descending = descending
        self.words = ""
        self.loading = False
        self.loaded_once = False

    # -- asking
    def _run(self, fn: Callable[[Session], Any], done: Callable[[Any], None]) -> None:
        if self._background:
            self._ctx.query(self, fn, done).run_in_background()
        else:
            with self._ctx.vault.session() as session:
                done(fn(session))

    def _sort_name(self) -> str:
        return self._columns[self.sort_column].sort or ""

    def reload(self) -> None:
        """Ask for the ids again, keeping the rows already fetched (a new sort or filter)."""
        self._generation += 1
        generation, sort, descending, words = self._generation, self._sort_name(), self.descending, self.words
        ids_query, rows_query = self._ids_query, self._rows_query
        self.loading = True

        data_generation, fetched = self._data_generation, self._rows

        def ids_and_rows(session: Session) -> tuple[list[int], Mapping[int, Any]]:
            ids = ids_query(session, sort, descending, words)
            # the first page comes with the ids (a reset shows the top): one trip to the worker, not two
            first_page = rows_query(session, [i for i in ids[:PAGE_SIZE] if i not in fetched])
            return ids, first_page

        def arrived(found: tuple[list[int], Mapping[int, Any]]) -> None:
            ids, first_page = found
            if generation == self._generation and data_generation == self._data_generation:
                self._rows.update(first_page)
            self._set_ids(ids, generation)

        self._run(ids_and_rows, arrived)

    def refresh(self) -> None:
        """The records changed: forget the fetched rows and ask for the ids again."""
        self._data_generation += 1
        self._rows = {}
        self._pending.clear()
        self.reload()

    def set_ids_query(self, ids_query: IdsQuery) -> None:
        """Another ids query over the same rows (the Documents view's kind), asked at once."""
        self._ids_query = ids_query
        self.reload()

    def set_filter(self, words: str) -> None:
        if words != self.words:
            self.words = words
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0 or column >= len(self._columns) or self._columns[column].sort is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self.sort_column, self.descending) and self.loaded_once:
            return
        self.sort_column, self.descending = column, descending
        self.reload()

    def _set_ids(self, ids: list[int], generation: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = ids
        self._pending.clear()
        self.loading = False
        self.loaded_once = True
        self.endResetModel()
        self.idsLoaded.emit()

    def _request_page(self, page: int) -> None:
        ids = tuple(i for i in self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE] if i not in self._rows)
        if not ids or ids in self._pending:
            return
        self._pending.add(ids)
        generation = self._data_generation
        self._run(
            lambda session: self._rows_query(session, ids),
            lambda rows: self._rows_arrived(rows, ids, page, generation),
        )

    def _rows_arrived(self, rows: Mapping[int, Any], ids: tuple[int, ...], page: int, generation: int) -> None:
        if generation != self._data_generation:
            return
        self._pending.discard(ids)
        self._rows.update(rows)
        if self._ids:
            first, last = page * PAGE_SIZE, min(len(self._ids), (page + 1) * PAGE_SIZE) - 1
            if not set(ids) <= set(self._ids[first : last + 1]):  # sorted or filtered meanwhile: anywhere
                first, last = 0, len(self._ids) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._columns) - 1))
        self.rowsLoaded.emit()

    # -- lookups
    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, record_id: int) -> int | None:
        # a scan of the ids (under a millisecond at 50,000) instead of an index rebuilt on every sort
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def record(self, record_id: int) -> Any | None:
        """The fetched row of ``record_id`` (None until its page has arrived)."""
        return self._rows.get(record_id)

    def fetch_rows(self, first: int, last: int) -> None:
        """Ask for the pages holding rows ``first``..``last`` (a view does this by painting them)."""
        for page in range(first // PAGE_SIZE, last // PAGE_SIZE + 1):
            self._request_page(page)

    # -- Qt model
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # called for every role of every cell painted: unknown roles leave first, no enum arithmetic
        if role not in _ROLES or not index.isValid():
            return None
        position = index.row()
        if position >= len(self._ids):
            return None
        record_id = self._ids[position]
        if role == _ID:
            return record_id
        column = self._columns[index.column()]
        if role == _ALIGNMENT:
            return _RIGHT if column.align_right else _LEFT
        row = self._rows.get(record_id)
        if row is None:
            if role == _DISPLAY:
                self._request_page(position // PAGE_SIZE)
                row = self._rows.get(record_id)  # there already when asked inline
                if row is None:
                    return LOADING_TEXT if index.column() == 0 else ""
            else:
                return None
        if role == _DISPLAY:
            return column.text(row)
        if role == _TOOLTIP:
            return column.tooltip(row) if column.tooltip else None
        if role == _FOREGROUND and column.foreground:
            return column.foreground(row)
        return None


class LazyTable(QTableView):
    """A read-only list over a LazyTableModel: sorting by header, one row selected, ids in and out."""

    def __init__(self, model: LazyTableModel, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring of 50,000 rows
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(
            model.sort_column, Qt.SortOrder.DescendingOrder if model.descending else Qt.SortOrder.AscendingOrder
        )
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(model.sort)

    def lazy_model(self) -> LazyTableModel:
        return self.model()  # type: ignore[return-value]

    def current_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        return self.lazy_model().id_at(index.row())

    def select_id(self, record_id: int) -> bool:
        """Select and show the row of ``record_id``; False when the list does not hold it."""
        row = self.lazy_model().row_of(record_id)
        if row is None:
            return False
        index = self.lazy_model().index(row, 0)
        self.setCurrentIndex(index)
        self.selectRow(row)
        self.scrollTo(index)
        return True
