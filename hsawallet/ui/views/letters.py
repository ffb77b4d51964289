"""Letters of Medical Necessity: the list, and for the selected one its pages beside its fields,
its validity window and the administrator's checklist (tick or cross per element, with the why)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from hsawallet.safeio import printable_name
from hsawallet.services import lists
from hsawallet.services.coverage import letter_checklist
from hsawallet.services.document_records import LetterRecord
from hsawallet.services.lists import LetterRow, LetterSort, LetterState
from hsawallet.ui import style
from hsawallet.ui.context import AppContext
from hsawallet.ui.labels import category_label
from hsawallet.ui.models.lazy_table import LazyColumn, LazyTableModel
from hsawallet.ui.views.list_detail import ListDetailView
from hsawallet.ui.widgets.field_form import LETTER_FIELDS
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


def letters_model(ctx: AppContext, parent: QWidget | None = None, *, background: bool = True) -> LazyTableModel:
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


class LettersView(ListDetailView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            letters_model,
            noun="letter",
            filter_hint="Filter letters (patient, provider, category…)",
            empty_hint="Select a letter to see its pages, its checklist and its validity.",
            fields=LETTER_FIELDS,
            parent=parent,
        )
        self._letter: LetterRecord | None = None
        self._state: LetterState | None = None  # the shown letter's, as the list computed it
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
        self.detail_splitter.addWidget(details)
        self.detail_splitter.setSizes([420, 440])

        # every column fits the width at 1280x800 and at 1.5x
        for column, width in enumerate((96, 160, 170, 124, 110, 120)):
            self.table.setColumnWidth(column, width)
        self.reload()

    # ------------------------------------------------------------------ public API

    def current_letter(self) -> LetterRecord | None:
        return self._letter

    def shown_id(self) -> int | None:
        return self._letter.id if self._letter else None

    def checklist_entries(self) -> list[tuple[str, bool, str]]:
        """(label, ok, why) as shown, for tests and accessibility checks."""
        out = []
        for index in range(self.checklist.count()):
            row = self.checklist.item(index)
            out.append((row.data(LABEL_ROLE), row.data(OK_ROLE), row.toolTip()))
        return out

    # ------------------------------------------------------------------ internals

    def _load_detail(self, letter_id: int) -> None:
        self._wanted = letter_id

        def load(session: Session) -> tuple[LetterRecord | None, LetterRow | None]:
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
        previous_document = self._letter.document_id if self._letter else None
        self._letter = letter
        if letter is None:
            self._show_empty()
            self.checklist.clear()
            return
        self._show_pages(letter.document_id, previous_document)
        who = letter.patient_name or "Unknown patient"
        self.title_label.setText(f"Letter for {who} — {letter.file}")
        state = self._state or LetterState.UNKNOWN
        color = state_color(state)
        self.validity_label.setText(
            f"{validity_text(letter)}<br><span style='color:{color.name()}; font-weight:600'>{STATE_TEXT[state]}</span>"
        )
        self._fill_checklist(letter)
        self._show_fields(letter, RecordKind.LETTER)

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
