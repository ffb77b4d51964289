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

from hsawallet.services.coverage import letter_checklist
from hsawallet.ui.labels import category_label
from hsawallet.ui.widgets.document_viewer import DocumentViewer
from hsawallet.ui.widgets.field_form import LETTER_FIELDS, FieldForm
from hsawallet.ui.widgets.record_table import Column, RecordTable, list_pane, select_and_clear_filter
from hsawallet.ui.widgets.source_label import SourceLabel
from hsawallet.vocab import RecordKind

GOOD = QColor("#1e7b34")
BAD = QColor("#b3261e")
AMBER = QColor("#9a6700")
TICK, CROSS = "✓", "✗"
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
OK_ROLE = Qt.ItemDataRole.UserRole + 2


def validity_state(letter: dict, today: date | None = None, expiring_days: int | None = None) -> str:
    """'active' | 'expiring' | 'expired' | 'not yet valid' | 'unknown'; 'expiring' within the
    ``expiring_days`` setting (the view puts it on each row it loads)."""
    from hsawallet import config

    if expiring_days is None:
        expiring_days = int(letter.get("expiring_days") or config.OPTIONS["expiring_days"].default)
    today = today or date.today()
    end = letter.get("valid_through")
    start = letter.get("issue_date")
    if not end:
        return "unknown"
    end_day = date.fromisoformat(end)
    if end_day < today:
        return "expired"
    if start and date.fromisoformat(start) > today:
        return "not yet valid"
    if (end_day - today).days <= expiring_days:
        return "expiring"
    return "active"


STATE_TEXT = {
    "active": "Valid",
    "expiring": "Expiring soon",
    "expired": "Expired",
    "not yet valid": "Not yet valid",
    "unknown": "No dates",
}


def _state_brush(letter: dict):
    state = validity_state(letter)
    return QBrush(GOOD if state == "active" else AMBER if state in ("expiring", "not yet valid") else BAD)


def checklist_text(letter: dict) -> str:
    missing = [e for e in letter_checklist(letter.get("missing") or []) if not e.ok]
    return "complete" if not missing else f"{len(missing)} missing"


def validity_text(letter: dict) -> str:
    issued, end = letter.get("issue_date"), letter.get("valid_through")
    if not issued and not end:
        return "No issue date was read, so the validity window is unknown."
    how = "stated on the letter" if letter.get("valid_through_stated") else "default: 12 months from the issue date"
    return f"Issued {issued or '?'}  →  valid through {end or '?'}  ({how})"


class LettersView(QWidget):
    detailShown = Signal(int)  # letter id whose details are on screen

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._letter: dict | None = None
        self._pending_select: int | None = None

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter letters (patient, provider, category…)  Ctrl+Shift+F")
        self.filter_edit.setClearButtonEnabled(True)
        self.table = RecordTable(
            [
                Column("Issued", lambda r: r.get("issue_date") or "—"),
                Column("Patient", lambda r: r.get("patient_name") or r.get("person") or "—"),
                Column("Provider", lambda r: r.get("provider_name") or "—"),
                Column("Valid through", lambda r: r.get("valid_through") or "—"),
                Column("Status", lambda r: STATE_TEXT[validity_state(r)], foreground=_state_brush),
                Column("Checklist", checklist_text, foreground=lambda r: QBrush(GOOD if not r.get("missing") else BAD)),
                Column("Covers", lambda r: ", ".join(category_label(c) for c in r.get("categories") or []) or "—"),
            ]
        )
        list_box, self.count_label = list_pane(self.table, self.filter_edit, "Letters")

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
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        ctx.bridge.documentsChanged.connect(self.reload)
        ctx.bridge.linksChanged.connect(self.reload)
        ctx.bridge.peopleChanged.connect(self.reload)
        self.reload()

    # ------------------------------------------------------------------ public API

    def select_record(self, kind: str, letter_id: int) -> None:
        self._pending_select = letter_id
        if select_and_clear_filter(self.table, self.filter_edit, letter_id):
            self._pending_select = None
            self._selection_changed()

    def current_letter(self) -> dict | None:
        return self._letter

    def checklist_entries(self) -> list[tuple[str, bool, str]]:
        """(label, ok, why) as shown, for tests and accessibility checks."""
        out = []
        for index in range(self.checklist.count()):
            row = self.checklist.item(index)
            out.append((row.data(LABEL_ROLE), row.data(OK_ROLE), row.toolTip()))
        return out

    def reload(self) -> None:
        from hsawallet import config
        from hsawallet.services import records

        def load(session) -> list[dict]:
            days = config.get(session, "expiring_days")
            return [{**letter, "expiring_days": days} for letter in records.list_letters(session)]

        self.ctx.query(self, load, self._show_rows).run_in_background()

    # ------------------------------------------------------------------ internals

    def _show_rows(self, letters: list[dict]) -> None:
        keep = self._pending_select or (self._letter or {}).get("id")
        self.table.set_rows(letters)
        n = len(letters)
        self.count_label.setText(f"{n} letter{'s' if n != 1 else ''}")
        if keep is not None and self.table.select_id(keep):
            self._pending_select = None
            self._show_detail(next((l for l in letters if l["id"] == keep), None))
        elif self._letter is not None:
            self._show_detail(None)

    def _selection_changed(self) -> None:
        row = self.table.current_row()
        if row is None or (self._letter and row["id"] == self._letter["id"]):
            return
        self._show_detail(row)

    def _show_detail(self, letter: dict | None) -> None:
        previous_doc = (self._letter or {}).get("document_id")
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
        who = letter.get("patient_name") or "Unknown patient"
        self.title_label.setText(f"Letter for {who} — {letter.get('file')}")
        state = validity_state(letter)
        color = {"active": GOOD, "expiring": AMBER, "not yet valid": AMBER}.get(state, BAD)
        self.validity_label.setText(
            f"{validity_text(letter)}<br><span style='color:{color.name()}; font-weight:600'>{STATE_TEXT[state]}</span>"
        )
        self._fill_checklist(letter)
        if letter["document_id"] != previous_doc or self.viewer.document_id != letter["document_id"]:
            self.viewer.show_document(self.ctx, letter["document_id"])
        letter_id, document_id = letter["id"], letter["document_id"]

        def edited(session):
            from hsawallet.services import documents, records

            return documents.edited_fields(session, RecordKind.LETTER, letter_id), records.source_json(
                session, document_id
            )

        def show_edits(result) -> None:
            if self._letter is None or self._letter["id"] != letter_id:
                return
            edits, source = result
            self.source_label.show_source(source)
            if not self.form.is_dirty() or self.form.document_id != document_id:
                self.form.set_record(document_id, letter, letter.get("confidence"), edits)
            self.detailShown.emit(letter_id)

        self.ctx.query(self, edited, show_edits).run_in_background()

    def _fill_checklist(self, letter: dict) -> None:
        self.checklist.clear()
        entries = letter_checklist(letter.get("missing") or [])
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
