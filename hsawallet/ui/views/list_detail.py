"""What the Receipts and Letters views share: the list (filter box, lazy table, count) above the
selected record's details (its pages beside its fields), a record chosen from elsewhere shown even when
the filter hides it, and its fields read in the background with the user's corrections marked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QSplitter, QVBoxLayout, QWidget
from sqlmodel import Session

from hsawallet.services.document_records import LetterRecord, ReceiptRecord, SourceRecord
from hsawallet.ui.context import AppContext
from hsawallet.ui.models.lazy_table import LazyTable, LazyTableModel
from hsawallet.ui.widgets.document_viewer import DocumentViewer
from hsawallet.ui.widgets.field_form import FieldForm, FieldSpec
from hsawallet.ui.widgets.record_table import count_text, list_pane
from hsawallet.ui.widgets.source_label import SourceLabel
from hsawallet.vocab import RecordKind

# what _show_fields reads: the record's corrected fields, its items' (by id), its e-mail source
_Edits = tuple[set[str], dict[int, set[str]], SourceRecord | None]


class ListDetailView(QWidget):
    """A subclass fills ``detail_splitter`` (``viewer`` first) and says which record is shown
    (``shown_id``) and how one is loaded (``_load_detail``)."""

    detailShown = Signal(int)  # id of the record whose details are on screen

    def __init__(
        self,
        ctx: AppContext,
        model: Callable[[AppContext, QWidget], LazyTableModel],
        *,
        noun: str,
        filter_hint: str,
        empty_hint: str,
        fields: tuple[FieldSpec, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._noun = noun
        self._pending_select: int | None = None  # the record asked for, selected once the list has it
        # the record whose details are shown or on their way (the last one fetched by _load_detail)
        self._wanted: int | None = None
        self._all_count: int | None = None  # records in the vault, counted when no filter is set

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(f"{filter_hint}  Ctrl+Shift+F")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = model(ctx, self)
        self.table = LazyTable(self.model, f"{noun.capitalize()}s")
        self.model.idsLoaded.connect(self._ids_loaded)
        self.filter_edit.textChanged.connect(self.model.set_filter)
        list_box, self.count_label = list_pane(self.table, self.filter_edit)

        self.viewer = DocumentViewer()
        self.form = FieldForm(ctx, fields)
        self.form.saved.connect(lambda _doc: self.reload())
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.title_label.setWordWrap(True)
        self.source_label = SourceLabel()
        self.detail_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.detail_splitter.addWidget(self.viewer)

        self.empty_label = QLabel(empty_hint)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(mid);")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.empty_label, 1)
        right_layout.addWidget(self.detail_splitter, 1)
        self.detail_splitter.hide()

        # the list above the details
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(right)
        self.splitter.setSizes([240, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        # Ctrl+F belongs to the window's document search; Ctrl+Shift+F filters this list (Ctrl+L locks).
        find = QShortcut(QKeySequence("Ctrl+Shift+F"), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus_filter)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.setTabOrder(self.filter_edit, self.table)
        ctx.bridge.documentsChanged.connect(self.reload)
        ctx.bridge.linksChanged.connect(self.reload)
        ctx.bridge.peopleChanged.connect(self.reload)

    # ------------------------------------------------------------------ what a subclass says

    def shown_id(self) -> int | None:
        """The id of the record whose details are shown."""
        raise NotImplementedError

    def _load_detail(self, record_id: int) -> None:
        """Fetch record ``record_id`` in the background and show it (if still ``_wanted``)."""
        raise NotImplementedError

    def _reshown(self) -> None:
        """The record asked for is the one already shown."""

    def _mark_item_edits(self, item_edits: dict[int, set[str]]) -> None:
        """The user's corrections of the record's line items, by item id (a receipt's)."""

    # ------------------------------------------------------------------ public API

    def select_record(self, kind: str, record_id: int) -> None:
        """Show record ``record_id``; a filter that hides it is cleared."""
        self._pending_select = record_id
        if self.table.select_id(record_id):
            self._take_pending()
        elif self.filter_edit.text():
            self.filter_edit.clear()  # the ids come again without the filter; _ids_loaded selects it
        else:
            self.model.refresh()  # a record this list has not fetched yet (just imported)

    def reload(self) -> None:
        """The vault changed: the list's ids and rows, and the record shown (or on its way)."""
        self.model.refresh()
        if self._wanted is not None:
            self._load_detail(self._wanted)

    # ------------------------------------------------------------------ internals

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _ids_loaded(self) -> None:
        shown = self.model.rowCount()
        if not self.model.words:
            self._all_count = shown
        self.count_label.setText(count_text(shown, self._all_count, self._noun))
        if self._pending_select is not None:
            if self.table.select_id(self._pending_select):
                self._take_pending()
            return
        # the same record stays selected after a sort or a refresh, also while its details are on their way
        if self._wanted is not None:
            self.table.select_id(self._wanted)

    def _take_pending(self) -> None:
        record_id, self._pending_select = self._pending_select, None
        if record_id is None:
            return
        if record_id == self.shown_id():
            self._reshown()
        else:
            self._load_detail(record_id)

    def _selection_changed(self) -> None:
        record_id = self.table.current_id()
        if record_id is not None and record_id != self._wanted:
            self._load_detail(record_id)

    def _show_empty(self) -> None:
        self.detail_splitter.hide()
        self.empty_label.show()
        self.viewer.clear()
        self.form.clear()

    def _show_pages(self, document_id: int, previous_document: int | None) -> None:
        """Show the details; the pages are rendered again only for another document."""
        self.empty_label.hide()
        self.detail_splitter.show()
        if document_id != previous_document or self.viewer.document_id != document_id:
            self.viewer.show_document(self.ctx, document_id)

    def _show_fields(
        self, record: ReceiptRecord | LetterRecord, kind: RecordKind, item_ids: Sequence[int] = ()
    ) -> None:
        """The record's fields in the form (unless the user is editing them), its corrections and its
        e-mail source, read in the background; then ``detailShown``."""
        record_id, document_id = record.id, record.document_id

        def load(session: Session) -> _Edits:
            from hsawallet.services import document_records, documents

            items = {item_id: documents.edited_fields(session, "item", item_id) for item_id in item_ids}
            edits = documents.edited_fields(session, kind, record_id)
            return edits, items, document_records.source_record(session, document_id)

        def show(result: _Edits) -> None:
            if self.shown_id() != record_id:
                return
            edits, item_edits, source = result
            self.source_label.show_source(source)
            if not self.form.is_dirty() or self.form.document_id != document_id:
                self.form.set_record(document_id, record, edits)
            self._mark_item_edits(item_edits)
            self.detailShown.emit(record_id)

        self.ctx.query(self, load, show).run_in_background()
