"""Dashboard: what needs attention (grouped by kind and person, expanded on demand), this year's money
per account, deadlines, claimed vs unclaimed; the first steps while the vault holds no documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.services import dashboard
from hsawallet.services.dashboard import DashboardData, WarningGroup, WarningRow, record_for_warning
from hsawallet.ui import style, undo
from hsawallet.ui.widgets.bar_chart import BarChart, BarGroup
from hsawallet.ui.widgets.record_table import money_text
from hsawallet.vocab import Severity, WarningType

WARNING_ROLE = Qt.ItemDataRole.UserRole + 1
CHILD_PAGE = 200  # warnings of a group added when it is opened, and each time "Show more" is chosen
NO_PARENT = 0  # internalId of a group row; a warning row's is its group's position + 1
SEVERITY_ICONS = {
    Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
}
EXPAND_ALL_UNDER = 12  # a Dashboard with this few warnings shows them all at once


def warning_text(row: WarningRow) -> str:
    details = [
        f"{money_text(str(row.amount))} at stake" if row.amount is not None else "",
        "dismissed" if row.dismissed else "",
    ]
    extra = " · ".join(d for d in details if d)
    return row.message + (f"  ({extra})" if extra else "")


def group_text(group: WarningGroup) -> str:
    urgent = f", {group.urgent} urgent" if group.urgent and group.urgent != group.count else ""
    return f"{group.title} — {group.person}  ({group.count}{urgent})"


class WarningTreeModel(QAbstractItemModel):
    """Groups of warnings at the top; a group's warnings are added when it is expanded, a page at a time."""

    COLUMNS = ("Warning", "Due")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[WarningGroup] = []
        self._fetched: list[int] = []  # rows of each group the view has been given

    def set_groups(self, groups: Sequence[WarningGroup]) -> None:
        self.beginResetModel()
        self._groups = list(groups)
        self._fetched = [0] * len(self._groups)
        self.endResetModel()

    def groups(self) -> list[WarningGroup]:
        return list(self._groups)

    def group_at(self, index: QModelIndex | QPersistentModelIndex) -> WarningGroup | None:
        if not index.isValid():
            return None
        position = index.row() if index.internalId() == NO_PARENT else index.internalId() - 1
        return self._groups[position]

    def warning_at(self, index: QModelIndex | QPersistentModelIndex) -> WarningRow | None:
        if not index.isValid() or index.internalId() == NO_PARENT:
            return None
        position = index.internalId() - 1
        return self._groups[position].rows[index.row()] if index.row() < self._fetched[position] else None

    def is_more_row(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        """The "Show more" row closing a group whose warnings are not all there yet."""
        return index.isValid() and index.internalId() != NO_PARENT and self.warning_at(index) is None

    def group_index(self, position: int) -> QModelIndex:
        return self.index(position, 0)

    def fetched(self, position: int) -> int:
        return self._fetched[position]

    def show_more(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        """Add the group's next page of warnings (the first when it is opened)."""
        if not parent.isValid() or parent.internalId() != NO_PARENT:
            return
        position = parent.row()
        old, total = self._fetched[position], self._groups[position].count
        if old >= total:
            return
        new = min(total, old + CHILD_PAGE)
        rows_before = self.rowCount(parent)
        rows_after = new + (1 if new < total else 0)
        if rows_after > rows_before:
            self.beginInsertRows(parent, rows_before, rows_after - 1)
            self._fetched[position] = new
            self.endInsertRows()
        else:
            self._fetched[position] = new
        if old:  # the old "Show more" row is now a warning
            self.dataChanged.emit(self.index(old, 0, parent), self.index(old, len(self.COLUMNS) - 1, parent))

    def index_of(self, key: str) -> QModelIndex:
        """The row of warning ``key``, adding its group's pages up to it; invalid when it is not shown."""
        for position, group in enumerate(self._groups):
            for row, warning in enumerate(group.rows):
                if warning.key == key:
                    parent = self.group_index(position)
                    while self._fetched[position] <= row:
                        self.show_more(parent)
                    return self.index(row, 0, parent)
        return QModelIndex()

    # -- Qt model
    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(self.COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, NO_PARENT) if row < len(self._groups) else QModelIndex()
        if parent.internalId() != NO_PARENT or row >= self.rowCount(parent):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == NO_PARENT:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, NO_PARENT)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == NO_PARENT and parent.column() == 0:
            fetched = self._fetched[parent.row()]
            return fetched + (1 if 0 < fetched < self._groups[parent.row()].count else 0)
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(self.COLUMNS)

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        if not parent.isValid():
            return bool(self._groups)
        return parent.internalId() == NO_PARENT and parent.column() == 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        warning = self.warning_at(index)
        group = self.group_at(index)
        assert group is not None
        if self.is_more_row(index):
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                left = group.count - self._fetched[index.internalId() - 1]
                return f"Show {min(left, CHILD_PAGE)} more of {left} left… (Enter)"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(style.ACCENT))
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 1:
                due = warning.due if warning else group.due
                return due.isoformat() if due else ""
            return warning_text(warning) if warning else group_text(group)
        if role == WARNING_ROLE:
            return warning
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            if warning:
                return f"{warning.severity.capitalize()}: {warning.message}"
            return f"{group.count} warning{'s' if group.count != 1 else ''}: expand to see them, select to act on all"
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            severity = warning.severity if warning else group.severity
            icon = SEVERITY_ICONS.get(Severity(severity), QStyle.StandardPixmap.SP_MessageBoxInformation)
            return _icon(icon)
        if role == Qt.ItemDataRole.ForegroundRole and warning is not None and warning.dismissed:
            return QBrush(QColor(style.MUTED))
        if role == Qt.ItemDataRole.FontRole and warning is None:
            font = QFont()
            font.setBold(True)
            return font
        return None


_icons: dict[QStyle.StandardPixmap, QIcon] = {}


def _icon(pixmap: QStyle.StandardPixmap) -> QIcon:
    if pixmap not in _icons:
        _icons[pixmap] = QApplication.style().standardIcon(pixmap)
    return _icons[pixmap]


class FirstRunPanel(QFrame):
    """The three first steps, shown while the vault holds no documents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(style.heading("Welcome to HSA Wallet"))
        intro = style.subtle(
            "Three steps to a shoebox you can claim from. Everything stays on this computer, encrypted."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(18)
        self.people_button = QPushButton("Open People && accounts")
        self.import_button = QPushButton("Import documents…")
        self.import_button.setProperty("primary", True)
        self.step_marks: list[QLabel] = []
        steps = (
            (
                "Add your household and your HSA",
                "The people whose expenses you keep, and the account that pays for them (its plan year "
                "sets the claim deadlines).",
                self.people_button,
            ),
            (
                "Drop your receipts and letters",
                "Drag PDFs, photos or the e-mails they came in onto this window, or import them. They are "
                "read here, never sent anywhere.",
                self.import_button,
            ),
            (
                "See what needs attention",
                "This page then lists what to fix before you claim: items without a letter, letters that "
                "expire or lack something, deadlines coming up.",
                None,
            ),
        )
        for row, (title, text, button) in enumerate(steps):
            mark = QLabel(str(row + 1))
            mark.setObjectName("stepNumber")
            mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
            mark.setFixedSize(30, 30)
            self.step_marks.append(mark)
            words = QLabel(f"<b>{title}</b><br>{text}")
            words.setWordWrap(True)
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(words, row, 1)
            if button is not None:
                grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setStyleSheet(
            "#firstRun { background: palette(base); border: 1px solid palette(mid); border-radius: 8px; }"
            "#stepNumber { border-radius: 15px; font-weight: 600; background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )

    def set_done(self, household: bool) -> None:
        """Tick the first step once people and an account exist."""
        self.step_marks[0].setText("✓" if household else "1")


class DashboardView(QWidget):
    """Needs attention (Enter opens the record, Delete dismisses the selection), totals, deadlines, a chart."""

    loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data = DashboardData()
        self._expanded: set[tuple[str, str]] = set()  # groups the user opened, kept across reloads
        self.filter_asked = 0  # filter texts asked for, and the number of the last one shown
        self.filter_shown = 0

        # ---- needs attention
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter warnings (kind, person, merchant…)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.model = WarningTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Needs attention")
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setToolTip(
            "Expand a group to see its warnings. Enter opens the receipt or letter; Delete dismisses "
            "the selected warnings (a selected group: all of them)."
        )
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("2026-12-31") + 24)
        self.tree.activated.connect(self._activated)
        self.tree.expanded.connect(self._group_opened)
        self.tree.clicked.connect(
            lambda index: self.model.show_more(index.parent()) if self.model.is_more_row(index) else None
        )
        self.tree.collapsed.connect(lambda index: self._remember(index, False))
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.open_button = QPushButton("&Open")
        self.open_button.setToolTip("Show the receipt or letter this warning is about (Enter)")
        self.open_button.clicked.connect(self.open_current)
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setToolTip("Hide the selected warnings until you restore them (Delete); Ctrl+Z undoes")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        # One-click answers to "whose letter is this?" (letter_unknown_person).
        self.add_person_button = QPushButton("&Add person")
        self.add_person_button.setToolTip("Add the patient this letter names to People")
        self.add_person_button.clicked.connect(self.add_letter_patient)
        self.assign_button = QPushButton("Assign &to…")
        self.assign_button.setToolTip("Say which household member this letter is for")
        self.assign_menu = QMenu(self.assign_button)
        self.assign_menu.triggered.connect(lambda action: self.assign_letter(action.data()))
        self.assign_button.setMenu(self.assign_menu)
        self.show_dismissed = QCheckBox("Show dis&missed")
        self.show_dismissed.toggled.connect(lambda _on: self.reload())
        self.attention_summary = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.attention_summary, 1)
        buttons.addWidget(self.show_dismissed)
        buttons.addWidget(self.add_person_button)
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.dismiss_button)
        self.attention_box = QGroupBox("Needs attention")
        attention_layout = QVBoxLayout(self.attention_box)
        attention_layout.addWidget(self.filter_edit)
        attention_layout.addWidget(self.tree, 1)
        # the selected warning in full (rows are one line, cut short)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("Selected warning")
        attention_layout.addWidget(self.details)
        attention_layout.addLayout(buttons)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.tree)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.dismiss_selected)

        self.first_run = FirstRunPanel()
        self.first_run.people_button.clicked.connect(lambda: self._go("show_section", "people"))
        self.first_run.import_button.clicked.connect(lambda: self._go("choose_import"))
        self.left = QStackedWidget()
        self.left.addWidget(self.attention_box)
        self.left.addWidget(self.first_run)

        # ---- this year per account
        self.totals = QTableWidget(0, 4)
        self.totals.setHorizontalHeaderLabels(["Account", "Spent", "Eligible", "Unclaimed"])
        self.totals.verticalHeader().hide()
        self.totals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.totals.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.totals.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.totals.setToolTip(
            "Spent: every line item this year. Eligible: items you can claim (covered by a "
            "letter where one is needed). Unclaimed: eligible and not in a submitted or "
            "reimbursed claim."
        )
        self.totals_box = QGroupBox("This year")
        totals_layout = QVBoxLayout(self.totals_box)
        totals_layout.addWidget(self.totals)

        # ---- deadlines
        self.deadlines = QTreeWidget()
        self.deadlines.setHeaderLabels(["Due", "What"])
        self.deadlines.setRootIsDecorated(False)
        self.deadlines.setAccessibleName("Upcoming deadlines")
        self.deadlines.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.deadlines.itemActivated.connect(lambda item, _col: self._open_warning(item.data(0, WARNING_ROLE)))
        deadlines_box = QGroupBox("Upcoming deadlines")
        deadlines_layout = QVBoxLayout(deadlines_box)
        deadlines_layout.addWidget(self.deadlines)

        # ---- chart
        self.chart = BarChart(("Claimed", "Unclaimed"), ("#2e7d32", "#f0a020"))
        chart_box = QGroupBox("Claimed and unclaimed, per account and year")
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.addWidget(self.chart)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.totals_box)
        right.addWidget(deadlines_box)
        right.addWidget(chart_box)
        right.setSizes([170, 190, 300])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left)
        splitter.addWidget(right)
        splitter.setSizes([700, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        for signal in (
            ctx.bridge.documentsChanged,
            ctx.bridge.linksChanged,
            ctx.bridge.claimsChanged,
            ctx.bridge.peopleChanged,
        ):
            signal.connect(self.reload)
        self._update_buttons()
        self.reload()

    # ------------------------------------------------------------------ public API

    def warnings_shown(self) -> list[WarningRow]:
        """Every warning the list holds under the filter (expanded or not), group by group."""
        return [row for group in self.model.groups() for row in group.rows]

    def select_warning(self, key: str) -> bool:
        """Open the warning's group and select it alone; False when the list does not show it."""
        index = self.model.index_of(key)
        if not index.isValid():
            return False
        self.tree.expand(index.parent())
        self.tree.setCurrentIndex(index)
        self.tree.selectionModel().select(
            index,
            self.tree.selectionModel().SelectionFlag.ClearAndSelect | self.tree.selectionModel().SelectionFlag.Rows,
        )
        self.tree.scrollTo(index)
        return True

    def selected_warnings(self) -> list[WarningRow]:
        """The selected warnings; a selected group stands for all its warnings (under the filter)."""
        out: dict[str, WarningRow] = {}
        for index in self.tree.selectionModel().selectedRows(0):
            warning = self.model.warning_at(index)
            if warning is not None:
                out[warning.key] = warning
                continue
            group = self.model.group_at(index)
            for row in group.rows if group else ():
                out[row.key] = row
        return list(out.values())

    def reload(self) -> None:
        include = self.show_dismissed.isChecked()
        self.ctx.query(
            self, lambda _session: dashboard.load(self.ctx.vault, include_dismissed=include), self._show
        ).run_in_background()

    def open_current(self) -> None:
        self._open_warning(self.model.warning_at(self.tree.currentIndex()))

    def _activated(self, index: QModelIndex) -> None:
        if self.model.is_more_row(index):
            self.model.show_more(index.parent())
            return
        warning = self.model.warning_at(index)
        if warning is None:  # Enter on a group opens or closes it
            self.tree.setExpanded(index, not self.tree.isExpanded(index))
            return
        self._open_warning(warning)

    def _open_warning(self, warning: WarningRow | None) -> None:
        target = record_for_warning(warning) if warning else None
        if target is not None:
            self.ctx.open_record(*target, item_id=warning.item_id if warning else None)

    def _current_warning(self) -> WarningRow | None:
        selected = self.selected_warnings()
        return selected[0] if len(selected) == 1 else None

    def add_letter_patient(self) -> None:
        """Add the current letter_unknown_person warning's patient to People (the letter then covers)."""
        warning = self._current_warning()
        if not warning or warning.type != WarningType.LETTER_UNKNOWN_PERSON or warning.letter_id is None:
            return
        from hsawallet.services import people

        letter_id, name = warning.letter_id, warning.patient_name
        self.ctx.change(
            self,
            lambda vault: people.add_letter_patient(vault, letter_id),
            lambda _id: self.ctx.show_status(f"{name} added to People."),
        ).run_in_background()

    def assign_letter(self, person_id: int) -> None:
        """Assign the current letter_unknown_person warning's letter to a household member."""
        warning = self._current_warning()
        if not warning or warning.type != WarningType.LETTER_UNKNOWN_PERSON or warning.letter_id is None:
            return
        from hsawallet.services import people

        letter_id = warning.letter_id
        name = dict(self.data.people).get(person_id, "")
        self.ctx.change(
            self,
            lambda vault: people.assign_letter(vault, letter_id, person_id),
            lambda _r: self.ctx.show_status(f"Letter assigned to {name}."),
        ).run_in_background()

    def dismiss_selected(self) -> None:
        """Dismiss the selected warnings, or restore them when all are dismissed; Edit > Undo takes it back."""
        selected = self.selected_warnings()
        if not selected:
            return
        from hsawallet.services import coverage

        keys = [w.key for w in selected]
        dismiss = not all(w.dismissed for w in selected)
        n = len(keys)
        what = f"{n} warning{'s' if n != 1 else ''}"
        text = f"{'Dismiss' if dismiss else 'Restore'} {what}"

        def done(_result: object) -> None:
            undo.record(
                self.ctx,
                text,
                lambda vault: coverage.dismiss_warnings(vault, keys, not dismiss),
                lambda vault: coverage.dismiss_warnings(vault, keys, dismiss),
                parent_widget=self,
            )
            self.ctx.show_status(
                f"{what.capitalize()} dismissed. Ctrl+Z undoes; tick “Show dismissed” to see them."
                if dismiss
                else f"{what.capitalize()} restored."
            )

        self.ctx.change(self, lambda vault: coverage.dismiss_warnings(vault, keys, dismiss), done).run_in_background()

    def _go(self, method: str, *args: str) -> None:
        """A first-run step's button: the main window's section or import dialog."""
        target = getattr(self.window(), method, None)
        if callable(target):
            target(*args)

    # ------------------------------------------------------------------ filter

    def _filter_changed(self, words: str) -> None:
        self.filter_asked += 1
        generation, groups = self.filter_asked, self.data.groups

        def show(found: list[WarningGroup]) -> None:
            if generation == self.filter_asked:
                self._show_groups(found)
                self.filter_shown = generation

        self.ctx.query(self, lambda _session: dashboard.filter_groups(groups, words), show).run_in_background()

    def _group_opened(self, index: QModelIndex) -> None:
        if self.model.fetched(index.row()) == 0:
            self.model.show_more(index)
        self._remember(index, True)

    def _remember(self, index: QModelIndex, expanded: bool) -> None:
        group = self.model.group_at(index)
        if group is None:
            return
        if expanded:
            self._expanded.add((group.type, group.person))
        else:
            self._expanded.discard((group.type, group.person))

    # ------------------------------------------------------------------ drawing

    def _show_groups(self, groups: list[WarningGroup]) -> None:
        current = self.model.warning_at(self.tree.currentIndex())
        current_key = current.key if current else None
        expanded = set(self._expanded)
        self.model.set_groups(groups)
        every = sum(g.count for g in groups) <= EXPAND_ALL_UNDER
        for position, group in enumerate(groups):
            if every or (group.type, group.person) in expanded:
                self.tree.expand(self.model.group_index(position))
        self._expanded = expanded
        if current_key is None or not self.select_warning(current_key):
            first = self.model.index(0, 0)
            if first.isValid() and every and self.model.rowCount(first):
                first = self.model.index(0, 0, first)
            if first.isValid():
                self.tree.setCurrentIndex(first)
        self._update_buttons()

    def _show(self, data: DashboardData) -> None:
        self.data = data
        self.left.setCurrentWidget(self.first_run if data.first_run else self.attention_box)
        self.first_run.set_done(bool(data.people) and bool(data.totals))
        words = self.filter_edit.text()
        self._show_groups(dashboard.filter_groups(data.groups, words) if words else data.groups)
        active = [w for w in data.warnings if not w.dismissed]
        errors = sum(1 for w in active if w.severity == Severity.ERROR)
        if active:
            kinds = len({(w.type, w.person) for w in active})
            self.attention_summary.setText(
                f"{len(active)} to look at in {kinds} group{'s' if kinds != 1 else ''}"
                + (f", {errors} urgent" if errors else "")
            )
        else:
            self.attention_summary.setText("Nothing needs your attention. ✓")

        self.totals_box.setTitle(f"This year ({data.year})")
        self.totals.setRowCount(0)
        for row, line in enumerate(data.totals):
            self.totals.insertRow(row)
            for column, text in enumerate(
                (
                    line.account,
                    money_text(str(line.spent)),
                    money_text(str(line.covered)),
                    money_text(str(line.unclaimed)),
                )
            ):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.totals.setItem(row, column, cell)
        if not data.totals:
            self.totals.insertRow(0)
            self.totals.setItem(0, 0, QTableWidgetItem("No accounts yet — add one under People & accounts."))
            self.totals.setSpan(0, 0, 1, 4)

        self.deadlines.clear()
        for deadline in data.deadlines:
            item = QTreeWidgetItem([deadline.due.isoformat(), deadline.what])
            item.setToolTip(1, deadline.warning.message)
            item.setData(0, WARNING_ROLE, deadline.warning)
            self.deadlines.addTopLevelItem(item)
        if not data.deadlines:
            self.deadlines.addTopLevelItem(QTreeWidgetItem(["", "No deadlines coming up."]))

        self.chart.set_groups(
            [BarGroup(bar.label, (bar.claimed, bar.unclaimed)) for bar in data.chart], "No eligible expenses yet."
        )
        self.loaded.emit()

    @staticmethod
    def _details_text(selected: list[WarningRow]) -> str:
        if not selected:
            return "Select a warning to see it in full; select a group to act on all of its warnings."
        if len(selected) > 1:
            return f"{len(selected)} warnings selected: Dismiss (Delete) hides them all; Ctrl+Z undoes."
        warning = selected[0]
        extra = [f"due {warning.due.isoformat()}" if warning.due else "", "dismissed" if warning.dismissed else ""]
        tail = " · ".join(e for e in extra if e)
        return warning.message + (f"  ({tail})" if tail else "")

    def _update_buttons(self) -> None:
        selected = self.selected_warnings()
        one = selected[0] if len(selected) == 1 else None
        self.details.setText(self._details_text(selected))
        self.open_button.setEnabled(one is not None and record_for_warning(one) is not None)
        self.dismiss_button.setEnabled(bool(selected))
        restore = bool(selected) and all(w.dismissed for w in selected)
        verb = "&Restore" if restore else "&Dismiss"
        self.dismiss_button.setText(verb if len(selected) <= 1 else f"{verb} {len(selected)}")
        unknown = one is not None and one.type == WarningType.LETTER_UNKNOWN_PERSON
        self.add_person_button.setVisible(unknown and bool(one and one.patient_name))
        if unknown and one and one.patient_name:
            self.add_person_button.setText(f"&Add {one.patient_name} to People")
        self.assign_button.setVisible(unknown)
        self.assign_button.setEnabled(unknown and bool(self.data.people))
        self.assign_menu.clear()
        for person_id, name in self.data.people:
            action = self.assign_menu.addAction(name)
            action.setData(person_id)
