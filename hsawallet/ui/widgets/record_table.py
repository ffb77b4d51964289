"""A read-only table of record dicts (the JSON shapes of services.records) with sort and filter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[dict], Any]  # the shown text
    align_right: bool = False
    sort: Callable[[dict], Any] | None = None  # a sortable key (defaults to the text)
    tooltip: Callable[[dict], str | None] | None = None
    foreground: Callable[[dict], Any] | None = None


def money_text(value: str | None) -> str:
    if value in (None, ""):
        return "—"
    try:
        return f"${Decimal(value):,.2f}"
    except (InvalidOperation, TypeError):
        return str(value)


def money_sort(value: str | None) -> float:
    try:
        return float(Decimal(value)) if value not in (None, "") else -1.0
    except (InvalidOperation, TypeError):
        return -1.0


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], parent=None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_dict(self, row: int) -> dict:
        return self._rows[row]

    def rows(self) -> list[dict]:
        return list(self._rows)

    def row_of_id(self, record_id: int) -> int | None:
        for index, row in enumerate(self._rows):
            if row.get("id") == record_id:
                return index
        return None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == ID_ROLE:
            return row.get("id")
        if role == SORT_ROLE:
            key = column.sort(row) if column.sort else column.value(row)
            return "" if key is None else key
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground:
            return column.foreground(row)
        return None


class RecordTable(QTableView):
    """A sortable, filterable list of records; ``current_id()`` is the selected record's id."""

    def __init__(self, columns: list[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = RecordTableModel(columns, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    def set_rows(self, rows: list[dict], keep_id: int | None = None) -> None:
        self.source.set_rows(rows)
        if keep_id is not None:
            self.select_id(keep_id)

    def set_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)

    def current_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        return self.proxy.data(index, ID_ROLE)

    def current_row(self) -> dict | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.source.row_dict(self.proxy.mapToSource(index).row())

    def select_id(self, record_id: int) -> bool:
        source_row = self.source.row_of_id(record_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.source.index(source_row, 0))
        if not index.isValid():  # hidden by the filter: show everything again
            self.proxy.setFilterFixedString("")
            index = self.proxy.mapFromSource(self.source.index(source_row, 0))
        self.setCurrentIndex(index)
        self.selectRow(index.row())
        self.scrollTo(index)
        return True


def select_and_clear_filter(table: RecordTable, filter_edit: QLineEdit, record_id: int) -> bool:
    """Select the record (False when the table does not have it); the filter box is emptied, quietly."""
    if not table.select_id(record_id):
        return False
    filter_edit.blockSignals(True)
    filter_edit.clear()
    filter_edit.blockSignals(False)
    return True


def list_pane(table: RecordTable, filter_edit: QLineEdit, name: str) -> tuple[QWidget, QLabel]:
    """The left pane of a record view: the filter box over the table, newest first, and a count."""
    table.setAccessibleName(name)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    filter_edit.textChanged.connect(table.set_filter)
    count_label = QLabel()
    count_label.setStyleSheet("color: palette(mid);")
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(filter_edit)
    layout.addWidget(table, 1)
    layout.addWidget(count_label)
    return pane, count_label
