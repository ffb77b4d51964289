"""Receipts: the list, and for the selected one its pages beside its fields and line items.

Each line item shows its category, whether it needs a letter, its link status and the reason;
the user can link it to a letter by hand, unlink it, or give it back to the automatic rules.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.safeio import printable_name
from hsawallet.services import document_records, lists
from hsawallet.services.document_records import ItemRecord, LetterRecord, ReceiptRecord
from hsawallet.services.lists import ReceiptRow, ReceiptSort
from hsawallet.ui import style
from hsawallet.ui.context import AppContext
from hsawallet.ui.labels import category_label, category_name
from hsawallet.ui.models.lazy_table import LazyColumn, LazyTableModel
from hsawallet.ui.views.list_detail import ListDetailView
from hsawallet.ui.widgets.field_form import RECEIPT_FIELDS
from hsawallet.ui.widgets.record_table import money_text
from hsawallet.vocab import COVERING_LINK_STATUSES, USER_LINK_STATUSES, LinkStatus, RecordKind

LINK_LABELS: dict[str, str] = {
    LinkStatus.COVERED: "Covered",
    LinkStatus.BEFORE_LETTER: "Bought before the letter",
    LinkStatus.AFTER_EXPIRY: "Bought after the letter expired",
    LinkStatus.NO_LETTER: "No letter",
    LinkStatus.MANUAL: "Linked by hand",
    LinkStatus.UNLINKED: "Unlinked by hand",
    LinkStatus.UNDATED: "Receipt has no date",
}
OUTSIDE_TERMS_LABEL = "Linked by hand, outside the letter's terms"
GOOD, CAUTION, BAD, MUTED = (QColor(c) for c in (style.TEXT_GOOD, style.TEXT_CAUTION, style.TEXT_BAD, style.TEXT_MUTED))

ITEM_COLUMNS = ("#", "Description", "Amount", "Link", "Category", "Needs letter", "Letter", "Why")
COL_DESCRIPTION, COL_AMOUNT, COL_LINK, COL_CATEGORY, COL_NEEDS_LETTER, COL_LETTER, COL_WHY = 1, 2, 3, 4, 5, 6, 7
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def link_summary(row: ReceiptRow) -> str:
    """'2 covered · 1 no letter' over the items that need a letter."""
    if not row.link_counts:
        return "no letter needed"
    return " · ".join(f"{n} {LINK_LABELS.get(s, s).lower()}" for s, n in row.link_counts)


def _summary_color(row: ReceiptRow) -> QBrush:
    statuses = {status for status, _n in row.link_counts}
    if not statuses:
        return QBrush(MUTED)
    return QBrush(GOOD if statuses <= set(COVERING_LINK_STATUSES) else BAD)


def _merchant_tip(row: ReceiptRow) -> str:
    name = printable_name(row.file)
    return f"{row.merchant}\n{name}" if row.merchant else name


RECEIPT_COLUMNS = (
    LazyColumn("Date", lambda r: r.date.isoformat() if r.date else "—", ReceiptSort.DATE),
    LazyColumn("Merchant", lambda r: r.merchant or printable_name(r.file), ReceiptSort.MERCHANT, tooltip=_merchant_tip),
    LazyColumn("Total", lambda r: money_text(r.total), ReceiptSort.TOTAL, align_right=True),
    LazyColumn("Person", lambda r: r.person or "—", ReceiptSort.PERSON),
    LazyColumn(
        "Letters",
        link_summary,
        ReceiptSort.LETTERS,
        foreground=_summary_color,
        tooltip=lambda r: "Link status of the items that need a Letter of Medical Necessity",
    ),
)
COL_LIST_TOTAL = 2


def receipts_model(ctx: AppContext, parent: QWidget | None = None, *, background: bool = True) -> LazyTableModel:
    """The Receipts list: newest first, sorted and filtered by the database, rows a page at a time."""
    return LazyTableModel(
        ctx,
        RECEIPT_COLUMNS,
        lambda session, sort, descending, words: lists.receipt_ids(
            session, sort=ReceiptSort(sort), descending=descending, words=words
        ),
        lists.receipt_rows,
        parent,
        background=background,
    )


def letter_choice_label(letter: LetterRecord) -> str:
    who = letter.patient_name or letter.person or "unknown patient"
    span = f"{letter.issue_date or '?'} → {letter.valid_through or '?'}"
    cats = ", ".join(letter.categories) or "no categories"
    return f"#{letter.id} {who}, {span} ({cats})"


class LetterChoices(QAbstractListModel):
    """The letters to link an item to, for the combo: replaced in one step (a vault can hold thousands)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._choices: list[tuple[str, int | None]] = [("No letters in the vault yet", None)]
        self._positions: dict[int, int] = {}

    def set_letters(self, letters: list[LetterRecord]) -> None:
        self.beginResetModel()
        self._choices = [(letter_choice_label(l), l.id) for l in letters] or [("No letters in the vault yet", None)]
        self._positions = {letter_id: row for row, (_label, letter_id) in enumerate(self._choices) if letter_id}
        self.endResetModel()

    def position_of(self, letter_id: int | None) -> int:
        """The row of a letter, -1 when it is not offered (a dict: the combo's findData asks every row)."""
        return self._positions.get(letter_id, -1) if letter_id is not None else -1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._choices)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        label, letter_id = self._choices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return label
        if role == Qt.ItemDataRole.UserRole:
            return letter_id
        return None


class _CategoryDelegate(QStyledItemDelegate):
    """A combo of the known categories for the Category column."""

    def __init__(self, names: list[str], parent=None) -> None:
        super().__init__(parent)
        self._names = names

    def set_names(self, names: list[str]) -> None:
        self._names = list(names)

    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.addItems([category_label(name) for name in self._names])
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        position = editor.findText(index.data() or "")
        editor.setCurrentIndex(max(0, position))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentText())


class ReceiptsView(ListDetailView):
    """List of receipts with a detail pane: document viewer | fields, items and links."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            receipts_model,
            noun="receipt",
            filter_hint="Filter receipts (merchant, person, date…)",
            empty_hint="Select a receipt to see its pages, fields and line items.",
            fields=RECEIPT_FIELDS,
            parent=parent,
        )
        self._receipt: ReceiptRecord | None = None
        self._letters: dict[int, LetterRecord] = {}  # the letters to link to, by id
        self._letters_stale = False  # the letters to link to are asked for again with the list's next ids
        self._asked_item: int | None = None  # the line item to select, with the receipt asked for
        self._pending_item: int | None = None  # ... once that receipt is shown
        self._loading_items = False

        self.items = QTableWidget(0, len(ITEM_COLUMNS))
        self.items.setHorizontalHeaderLabels(list(ITEM_COLUMNS))
        self.items.setAccessibleName("Line items")
        self.items.verticalHeader().hide()
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.items.setWordWrap(False)
        self.items.setAlternatingRowColors(True)
        header = self.items.horizontalHeader()
        # every column fits the pane: the description takes what is left and the letter's name is cut
        # short ("…"); the reason ("Why") is said in full under the table, and whether an item needs a
        # letter in its Link ("not needed"), so those two columns stay hidden
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_LETTER, QHeaderView.ResizeMode.Interactive)
        self.items.setColumnWidth(COL_LETTER, self.fontMetrics().horizontalAdvance("#0000 letter-00"))
        self.items.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.items.setColumnHidden(COL_WHY, True)
        self.items.setColumnHidden(COL_NEEDS_LETTER, True)
        self.items.setToolTip("Double-click (or F2) a description, amount or category to correct it")
        self.items.itemChanged.connect(self._item_edited)
        self.items.itemSelectionChanged.connect(self._update_link_buttons)
        self.category_delegate = _CategoryDelegate([], self.items)
        self.items.setItemDelegateForColumn(COL_CATEGORY, self.category_delegate)
        self._load_category_names()

        self.letter_combo = QComboBox()
        self.letter_choices = LetterChoices(self.letter_combo)
        self.letter_combo.setModel(self.letter_choices)
        self.letter_combo.setMinimumContentsLength(16)
        self.letter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.letter_combo.setAccessibleName("Letter to link")
        self.letter_combo.currentIndexChanged.connect(lambda _i: self._update_link_buttons())
        letter_label = QLabel("Le&tter:")
        letter_label.setBuddy(self.letter_combo)
        self.link_button = QPushButton("&Link item")
        self.link_button.setToolTip("Link the selected item to the chosen letter (kept until you change it)")
        self.link_button.clicked.connect(self.link_selected_item)
        self.unlink_button = QPushButton("U&nlink")
        self.unlink_button.setToolTip("Say that no letter covers the selected item")
        self.unlink_button.clicked.connect(self.unlink_selected_item)
        self.auto_button = QPushButton("Back to a&utomatic")
        self.auto_button.setToolTip("Forget your choice; the automatic link applies again")
        self.auto_button.clicked.connect(self.automatic_selected_item)
        link_row = QVBoxLayout()
        choose_row = QHBoxLayout()
        choose_row.addWidget(letter_label)
        choose_row.addWidget(self.letter_combo, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.link_button)
        buttons_row.addWidget(self.unlink_button)
        buttons_row.addWidget(self.auto_button)
        link_row.addLayout(choose_row)
        link_row.addLayout(buttons_row)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link_message = QLabel()
        self.link_message.setWordWrap(True)
        self.link_message.setStyleSheet(f"color: {style.TEXT_BAD};")
        self.link_message.hide()

        items_box = QGroupBox("Line items")
        items_layout = QVBoxLayout(items_box)
        items_layout.addWidget(self.items, 1)
        items_layout.addWidget(self.reason_label)
        items_layout.addLayout(link_row)
        items_layout.addWidget(self.link_message)

        fields_box = QGroupBox("Fields")
        fields_layout = QVBoxLayout(fields_box)
        fields_layout.addWidget(self.form)

        details = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.title_label)
        top_layout.addWidget(self.source_label)
        top_layout.addWidget(fields_box, 1)
        # the fields scroll so the line items keep room when the window is short
        top_scroll = QScrollArea()
        top_scroll.setWidgetResizable(True)
        top_scroll.setFrameShape(QFrame.Shape.NoFrame)
        top_scroll.setWidget(top)
        details.addWidget(top_scroll)
        details.addWidget(items_box)
        details.setStretchFactor(0, 0)
        details.setStretchFactor(1, 1)
        details.setSizes([170, 430])

        self.detail_splitter.addWidget(details)
        self.detail_splitter.setStretchFactor(0, 1)
        self.detail_splitter.setStretchFactor(1, 1)
        self.detail_splitter.setSizes([380, 640])
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        # every column fits the width at 1280x800 and at 1.5x; the merchant is cut short ("…"), never
        # the total: its column fits the widest amount
        for column, width in enumerate((96, 240, 0, 150)):
            self.table.setColumnWidth(column, width)
        self.table.setColumnWidth(COL_LIST_TOTAL, self.table.fontMetrics().horizontalAdvance("$999,999.99") + 24)
        self._update_link_buttons()
        self.reload()

    def _load_category_names(self) -> None:
        """The category table is read (and checked) once, off the UI thread: it takes a while."""
        from hsawallet.services import documents

        def names(_session) -> list[str]:
            try:
                return documents.category_names()
            except Exception:  # a damaged categories file must not stop the view
                return []

        self.ctx.query(self, names, self.category_delegate.set_names).run_in_background()

    # ------------------------------------------------------------------ public API

    def select_record(self, kind: str, receipt_id: int, item_id: int | None = None) -> None:
        """Show receipt ``receipt_id`` and, when given, select its line item ``item_id`` (from a warning or
        a search hit). A filter that hides the receipt is cleared."""
        self._asked_item = item_id
        super().select_record(kind, receipt_id)

    def current_receipt(self) -> ReceiptRecord | None:
        return self._receipt

    def shown_id(self) -> int | None:
        return self._receipt.id if self._receipt else None

    def reload(self) -> None:
        """The vault changed: the list's ids and rows, the letters to link to and the receipt shown."""
        self._letters_stale = True  # asked for once the list's first page is in: the list comes first
        super().reload()

    # ------------------------------------------------------------------ list

    def _ids_loaded(self) -> None:
        if self._letters_stale:
            self._letters_stale = False
            self.ctx.query(self, document_records.letter_records, self._letters_loaded).run_in_background()
        super()._ids_loaded()

    def _take_pending(self) -> None:
        if self._pending_select is not None:
            self._pending_item, self._asked_item = self._asked_item, None
        super()._take_pending()

    def _reshown(self) -> None:
        if self._pending_item is not None:
            self.select_item(self._pending_item)
            self._pending_item = None

    def _letters_loaded(self, letters: list[LetterRecord]) -> None:
        self._letters = {letter.id: letter for letter in letters}
        self._fill_letter_combo()
        if self._receipt is not None:
            self._fill_items(self._receipt)

    def _load_detail(self, receipt_id: int) -> None:
        self._wanted = receipt_id

        def shown(receipt: ReceiptRecord | None) -> None:
            if self._wanted != receipt_id:
                return  # another receipt was chosen meanwhile
            self._show_detail(receipt)
            if receipt is not None:
                self._reshown()

        self.ctx.query(self, lambda session: lists.receipt_record(session, receipt_id), shown).run_in_background()

    # ------------------------------------------------------------------ detail

    def _show_detail(self, receipt: ReceiptRecord | None) -> None:
        previous_document = self._receipt.document_id if self._receipt else None
        self._receipt = receipt
        if receipt is None:
            self._show_empty()
            self.items.setRowCount(0)
            return
        self._show_pages(receipt.document_id, previous_document)
        self.title_label.setText(f"{receipt.merchant or 'Unknown merchant'} — {receipt.file}")
        self._fill_items(receipt)
        self._show_fields(receipt, RecordKind.RECEIPT, [item.id for item in receipt.items])

    def _fill_items(self, receipt: ReceiptRecord) -> None:
        selected = self._selected_item_id()
        self._loading_items = True
        self.items.setRowCount(0)
        for row, item in enumerate(receipt.items):
            self.items.insertRow(row)
            status = item.link_status
            needs = item.needs_lmn
            letter = self._letters.get(item.letter_id) if item.letter_id is not None else None
            reason = item.link_reason or ("This item does not need a letter." if not needs else "")
            outside = bool(item.link_outside_terms)
            cells = [
                str(row + 1),
                item.description or "",
                money_text(item.amount),
                OUTSIDE_TERMS_LABEL
                if outside
                else LINK_LABELS.get(status or "", status or ("not needed" if not needs else "No letter")),
                category_label(item.category),
                "yes" if needs else "no",
                f"#{letter.id} {letter.file}" if letter else "—",
                reason,
            ]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(ITEM_ID_ROLE, item.id)
                if column not in (COL_DESCRIPTION, COL_AMOUNT, COL_CATEGORY):
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if column == COL_AMOUNT:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column in (COL_LINK, COL_WHY):
                    cell.setToolTip(reason)
                if column == COL_LINK and (needs or outside):
                    cell.setForeground(
                        QBrush(CAUTION if outside else GOOD if status in COVERING_LINK_STATUSES else BAD)
                    )
                self.items.setItem(row, column, cell)
        self._loading_items = False
        if selected is not None:
            self.select_item(selected)
        elif self.items.rowCount():
            self.items.selectRow(0)
        self._update_link_buttons()

    def _mark_item_edits(self, item_edits: dict[int, set[str]]) -> None:
        self._loading_items = True
        columns = {"description": COL_DESCRIPTION, "amount": COL_AMOUNT, "category": COL_CATEGORY}
        for row in range(self.items.rowCount()):
            item_id = self.items.item(row, 0).data(ITEM_ID_ROLE)
            for name in item_edits.get(item_id, ()):
                if name in columns:
                    cell = self.items.item(row, columns[name])
                    cell.setText(cell.text() + "  ✎")
                    cell.setToolTip("You corrected this value")
        self._loading_items = False

    def _fill_letter_combo(self) -> None:
        current = self.letter_combo.currentData()
        self.letter_choices.set_letters(list(self._letters.values()))
        position = self.letter_choices.position_of(current)
        if position >= 0:
            self.letter_combo.setCurrentIndex(position)
        self._update_link_buttons()

    # ------------------------------------------------------------------ item edits and links

    def _selected_item_id(self) -> int | None:
        rows = self.items.selectionModel().selectedRows() if self.items.selectionModel() else []
        if not rows:
            return None
        cell = self.items.item(rows[0].row(), 0)
        return cell.data(ITEM_ID_ROLE) if cell else None

    def _selected_item(self) -> ItemRecord | None:
        item_id = self._selected_item_id()
        if self._receipt is None or item_id is None:
            return None
        return next((i for i in self._receipt.items if i.id == item_id), None)

    def select_item(self, item_id: int) -> bool:
        for row in range(self.items.rowCount()):
            if self.items.item(row, 0).data(ITEM_ID_ROLE) == item_id:
                self.items.selectRow(row)
                return True
        return False

    def _update_link_buttons(self) -> None:
        item = self._selected_item()
        if item is None:
            self.reason_label.setText("")
        else:
            status = (
                OUTSIDE_TERMS_LABEL
                if item.link_outside_terms
                else LINK_LABELS.get(item.link_status or "", "No letter needed" if not item.needs_lmn else "—")
            )
            reason = item.link_reason or "This item does not need a letter."
            self.reason_label.setText(f"<b>{status}.</b> {reason}")
        self.link_button.setEnabled(item is not None and self.letter_combo.currentData() is not None)
        self.unlink_button.setEnabled(item is not None and item.link_status != LinkStatus.UNLINKED)
        self.auto_button.setEnabled(item is not None and item.link_status in USER_LINK_STATUSES)
        if item is not None and item.letter_id is not None:
            position = self.letter_choices.position_of(item.letter_id)
            if position >= 0:
                self.letter_combo.setCurrentIndex(position)

    def _run_link_change(self, fn, done_message: str, on_failure=None) -> None:
        self.link_message.hide()

        def failed(exc: BaseException) -> None:
            if on_failure is not None and on_failure(exc):
                return
            self.link_message.setText(str(exc))
            self.link_message.show()
            self.reload()  # put back what the table showed before the failed change

        def done(_result) -> None:
            self.ctx.show_status(done_message)

        self.ctx.change(self, fn, done).failure(failed).run_in_background()

    def link_selected_item(self) -> None:
        item, letter_id = self._selected_item(), self.letter_combo.currentData()
        if item is None or letter_id is None:
            return
        from hsawallet.services import coverage

        item_id = item.id

        def outside_terms(exc: BaseException) -> bool:
            """The letter does not cover the item by its own terms: link anyway only if the user says so."""
            if not isinstance(exc, coverage.OutsideTermsError):
                return False
            answer = QMessageBox.question(
                self,
                "Link outside the letter's terms?",
                f"Letter #{letter_id} does not cover “{item.description}”:\n\n• "
                + "\n• ".join(exc.reasons)
                + "\n\nLink it anyway? The link will be marked “manual, outside the letter's terms” and a "
                "warning will stay until you change it; an administrator may deny the expense.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._run_link_change(
                    lambda vault: coverage.set_manual_link(vault, item_id, letter_id, force=True),
                    f"Item linked to letter #{letter_id}, outside the letter's terms.",
                )
            else:
                self.ctx.show_status("Not linked.")
            return True

        self._run_link_change(
            lambda vault: coverage.set_manual_link(vault, item_id, letter_id),
            f"Item linked to letter #{letter_id}.",
            on_failure=outside_terms,
        )

    def unlink_selected_item(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        from hsawallet.services import coverage

        item_id = item.id
        self._run_link_change(
            lambda vault: coverage.set_manual_link(vault, item_id, None), "Item unlinked: no letter covers it."
        )

    def automatic_selected_item(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        from hsawallet.services import coverage

        item_id = item.id
        self._run_link_change(
            lambda vault: coverage.clear_manual_link(vault, item_id), "The automatic link applies again."
        )

    def _item_edited(self, cell: QTableWidgetItem) -> None:
        if self._loading_items or self._receipt is None:
            return
        field = {COL_DESCRIPTION: "description", COL_AMOUNT: "amount", COL_CATEGORY: "category"}.get(cell.column())
        if field is None:
            return
        from hsawallet.services import documents

        document_id, number = self._receipt.document_id, cell.row() + 1
        value = cell.text().replace("✎", "").strip()
        if field == "category":
            value = category_name(value)
        self._run_link_change(
            lambda vault: documents.set_field(vault, document_id, f"items.{number}.{field}", value),
            f"Item {number} corrected.",
        )
