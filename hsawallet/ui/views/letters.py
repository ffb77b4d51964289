"""Letters of Medical Necessity: the list, and for the selected one its pages beside its fields,
its validity window and the administrator's checklist (tick or cross per element, with the why)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hsawallet.safeio import printable_name
from hsawallet.services import lists
from hsawallet.services.coverage import letter_checklist
from hsawallet.services.document_records import LetterRecord, SourceRecord
from hsawallet.services.lists import LetterRow, LetterSort, LetterState
from hsawallet.ui import style
from hsawallet.ui.labels import category_label
from hsawallet.ui.models.lazy_table import LazyColumn, LazyTable, LazyTableModel
from hsawallet.ui.widgets.document_viewer import DocumentViewer
from hsawallet.ui.widgets.field_form import LETTER_FIELDS, FieldForm
from hsawallet.ui.widgets.record_table import count_text, list_pane
from hsawallet.ui.widgets.source_label import SourceLabel
from hsawallet.vocab import RecordKind

GOOD, AMBER, BAD = (QColor(c) for c in (style.TEXT_GOOD, style.TEXT_CAUTION, style.TEXT_BAD))
TICK, CROSS = "✓", "✗"
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
OK_ROLE = Qt.ItemDataRole.UserRole + 2


STATE_TEXT = {
    LetterState.ACTIVE: "Valid",
    LetterState.EXPIRING: "Expiring soon",
    LetterState.EXPIRED: "Expired",
    LetterState.NOT_YET_VALID: "Not yet valid",
    LetterState.UNKNOWN: "No dates",
}


def state_color(state: LetterState) -> QColor:
    return (
        GOOD
        if state == LetterState.ACTIVE
        else AMBER
        if state in (LetterState.EXPIRING, LetterState.NOT_YET_VALID)
        else BAD
    )


def checklist_text(row: LetterRow) -> str:
    return "complete" if not row.missing_count else f"{row.missing_count} missing"


def validity_text(letter: LetterRecord) -> str:
    issued, end = letter.issue_date, letter.valid_through
    if not issued and not end:
        return "No issue date was read, so the validity window is unknown."
    how = "stated on the letter" if letter.valid_through_stated else "default: 12 months from the issue date"
    return f"Issued {issued or '?'}  →  valid through {end or '?'}  ({how})"


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"


LETTER_COLUMNS = (
    LazyColumn("Issued", lambda r: _day(r.issue_date), LetterSort.ISSUED),
    LazyColumn("Patient", lambda r: r.patient or "—", LetterSort.PATIENT),
    LazyColumn("Provider", lambda r: r.provider or "—", LetterSort.PROVIDER),
    LazyColumn("Valid through", lambda r: _day(r.valid_through), LetterSort.VALID_THROUGH),
    LazyColumn(
        "Status", lambda r: STATE_TEXT[r.state], LetterSort.STATUS, foreground=lambda r: QBrush(state_color(r.state))
    ),
    LazyColumn(
        "Checklist",
        checklist_text,
        LetterSort.CHECKLIST,
        foreground=lambda r: QBrush(GOOD if not r.missing_count else BAD),
    ),
    LazyColumn(
        "Covers",
        lambda r: ", ".join(category_label(c) for c in r.categories) or "—",
        LetterSort.COVERS,
        tooltip=lambda r: printable_name(r.file),
    ),
)


def letters_model(ctx, parent=None, *, background: bool = True) -> LazyTableModel:
    """The Letters list: newest first, the status computed by the database as of today."""
    return LazyTableModel(
        ctx,
        LETTER_COLUMNS,
        lambda session, sort, descending, words: lists.letter_ids(
            session, sort=LetterSort(sort), descending=descending, words=words
        ),
        lambda session, ids: lists.letter_rows(session, ids),
        parent,
        background=background,
    )


class LettersView(QWidget):
    detailShown = Signal(int)  # letter id whose details are on screen

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._letter: LetterRecord | None = None
        self._pending_select: int | None = None
        self._wanted: int | None = None  # the letter whose details are being fetched

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter letters (patient, provider, category…)  Ctrl+Shift+F")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = letters_model(ctx, self)
        self.table = LazyTable(self.model, "Letters")
        self.model.idsLoaded.connect(self._ids_loaded)
        self.filter_edit.textChanged.connect(self.model.set_filter)
        self._all_count: int | None = None  # letters in the vault, counted when no filter is set
        self._state: LetterState | None = None  # the shown letter's, as the list computed it
        list_box, self.count_label = list_pane(self.table, self.filter_edit)

        self.viewer = DocumentViewer()
        self.form = FieldForm(ctx, LETTER_FIELDS)
        self.form.saved.connect(lambda _doc: self.reload())
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.title_label.setWordWrap(True)
        self.source_label = SourceLabel()
        self.validity_label = QLabel()
        self.validity_label.setWordWrap(True)
        self.validity_label.setAccessibleName("Validity window")

        self.checklist = QListWidget()
        self.checklist.setWordWrap(True)
        self.checklist.setSpacing(1)
        self.checklist.setUniformItemSizes(False)
        self.checklist.setResizeMode(QListView.ResizeMode.Adjust)
        self.checklist.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checklist.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.checklist.setAccessibleName("Letter checklist")
        self.checklist_summary = QLabel()
        self.checklist_summary.setWordWrap(True)
        checklist_box = QGroupBox("Administrator's checklist")
        checklist_layout = QVBoxLayout(checklist_box)
        checklist_layout.addWidget(self.checklist_summary)
        checklist_layout.addWidget(self.checklist, 1)

        fields_box = QGroupBox("Fields")
        fields_layout = QVBoxLayout(fields_box)
        fields_layout.addWidget(self.form)
        fields_scroll = QScrollArea()
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        fields_scroll.setWidget(fields_box)

        validity_box = QGroupBox("Validity window")
        validity_layout = QVBoxLayout(validity_box)
        validity_layout.addWidget(self.validity_label)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.title_label)
        top_layout.addWidget(self.source_label)
        top_layout.addWidget(validity_box)
        top_layout.addWidget(checklist_box, 1)
        details = QSplitter(Qt.Orientation.Vertical)
        details.addWidget(top)
        details.addWidget(fields_scroll)
        details.setSizes([380, 380])

        self.detail_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.detail_splitter.addWidget(self.viewer)
        self.detail_splitter.addWidget(details)
        self.detail_splitter.setSizes([420, 440])

        self.empty_label = QLabel("Select a letter to see its pages, its checklist and its validity.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(mid);")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.empty_label, 1)
        right_layout.addWidget(self.detail_splitter, 1)
        self.detail_splitter.hide()

        # the list above the details: every column fits the width at 1280x800 and at 1.5x
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(right)
        self.splitter.setSizes([240, 560])
        for column, width in enumerate((96, 160, 170, 124, 110, 120)):
            self.table.setColumnWidth(column, width)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        # Ctrl+F belongs to the window's document search; Ctrl+Shift+F filters this list (Ctrl+L locks).
        find = QShortcut(QKeySequence("Ctrl+Shift+F"), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(lambda: (self.filter_edit.setFocus(), self.filter_edit.selectAll()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        ctx.bridge.documentsChanged.connect(self.reload)
        ctx.bridge.linksChanged.connect(self.reload)
        ctx.bridge.peopleChanged.connect(self.reload)
        self.reload()

    # ------------------------------------------------------------------ public API

    def select_record(self, kind: str, letter_id: int) -> None:
        """Show letter ``letter_id``; a filter that hides it is cleared."""
        self._pending_select = letter_id
        if self.table.select_id(letter_id):
            self._take_pending()
        elif self.filter_edit.text():
            self.filter_edit.clear()
        else:
            self.model.refresh()

    def current_letter(self) -> LetterRecord | None:
        return self._letter

    def checklist_entries(self) -> list[tuple[str, bool, str]]:
        """(label, ok, why) as shown, for tests and accessibility checks."""
        out = []
        for index in range(self.checklist.count()):
            row = self.checklist.item(index)
            out.append((row.data(LABEL_ROLE), row.data(OK_ROLE), row.toolTip()))
        return out

    def reload(self) -> None:
        """The vault changed: the list's ids and rows, and the letter shown."""
        self.model.refresh()
        if self._letter is not None:
            self._load_detail(self._letter.id)

    # ------------------------------------------------------------------ internals

    def _ids_loaded(self) -> None:
        shown = self.model.rowCount()
        if not self.model.words:
            self._all_count = shown
        self.count_label.setText(count_text(shown, self._all_count, "letter"))
        if self._pending_select is not None:
            if self.table.select_id(self._pending_select):
                self._take_pending()
            return
        if self._letter is not None:
            self.table.select_id(self._letter.id)

    def _take_pending(self) -> None:
        letter_id, self._pending_select = self._pending_select, None
        if letter_id is not None and (self._letter is None or self._letter.id != letter_id):
            self._load_detail(letter_id)

    def _selection_changed(self) -> None:
        letter_id = self.table.current_id()
        if letter_id is None or (self._letter and letter_id == self._letter.id):
            return
        self._load_detail(letter_id)

    def _load_detail(self, letter_id: int) -> None:
        self._wanted = letter_id

        def load(session) -> tuple[LetterRecord | None, LetterRow | None]:
            letter = lists.letter_record(session, letter_id)
            return letter, lists.letter_rows(session, [letter_id]).get(letter_id)

        def shown(result: tuple[LetterRecord | None, LetterRow | None]) -> None:
            if self._wanted != letter_id:
                return
            letter, row = result
            self._state = row.state if row else None
            self._show_detail(letter)

        self.ctx.query(self, load, shown).run_in_background()

    def _show_detail(self, letter: LetterRecord | None) -> None:
        previous_doc = self._letter.document_id if self._letter else None
        self._letter = letter
        if letter is None:
            self.detail_splitter.hide()
            self.empty_label.show()
            self.viewer.clear()
            self.form.clear()
            self.checklist.clear()
            return
        self.empty_label.hide()
        self.detail_splitter.show()
        who = letter.patient_name or "Unknown patient"
        self.title_label.setText(f"Letter for {who} — {letter.file}")
        state = self._state or LetterState.UNKNOWN
        color = state_color(state)
        self.validity_label.setText(
            f"{validity_text(letter)}<br><span style='color:{color.name()}; font-weight:600'>{STATE_TEXT[state]}</span>"
        )
        self._fill_checklist(letter)
        letter_id, document_id = letter.id, letter.document_id
        if document_id != previous_doc or self.viewer.document_id != document_id:
            self.viewer.show_document(self.ctx, document_id)

        def edited(session) -> tuple[set[str], SourceRecord | None]:
            from hsawallet.services import document_records, documents

            edits = documents.edited_fields(session, RecordKind.LETTER, letter_id)
            return edits, document_records.source_record(session, document_id)

        def show_edits(result: tuple[set[str], SourceRecord | None]) -> None:
            if self._letter is None or self._letter.id != letter_id:
                return
            edits, source = result
            self.source_label.show_source(source)
            if not self.form.is_dirty() or self.form.document_id != document_id:
                self.form.set_record(document_id, letter, edits)
            self.detailShown.emit(letter_id)

        self.ctx.query(self, edited, show_edits).run_in_background()

    def _fill_checklist(self, letter: LetterRecord) -> None:
        self.checklist.clear()
        entries = letter_checklist(letter.missing)
        # Missing elements first: they are what the user has to act on.
        for entry in sorted(entries, key=lambda e: e.ok):
            text = f"{TICK}  {entry.label}" if entry.ok else f"{CROSS}  {entry.label}\n      {entry.why}"
            row = QListWidgetItem(text)
            row.setForeground(QBrush(GOOD if entry.ok else BAD))
            row.setToolTip(entry.why)
            row.setData(LABEL_ROLE, entry.label)
            row.setData(OK_ROLE, entry.ok)
            self.checklist.addItem(row)
        missing = [e for e in entries if not e.ok]
        if missing:
            self.checklist_summary.setText(
                f"<span style='color:{BAD.name()}'><b>{len(missing)} of {len(entries)} elements missing or "
                "weak.</b></span> Ask the provider for a corrected letter before you claim."
            )
        else:
            self.checklist_summary.setText(
                f"<span style='color:{GOOD.name()}'><b>All {len(entries)} elements present.</b></span>"
            )
