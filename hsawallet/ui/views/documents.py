"""Documents: every file in the vault, an Import button, and the results of the last import."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.safeio import printable_name
from hsawallet.services import documents
from hsawallet.ui import ops, style, undo
from hsawallet.ui.context import AppContext, describe_error
from hsawallet.ui.models.documents_model import (
    COL_ERROR,
    COL_FILE,
    COL_IMPORTED,
    COL_KIND,
    COL_PAGES,
    COL_STATUS,
    ID_ROLE,
    document_ids_query,
    documents_model,
)
from hsawallet.ui.models.lazy_table import LazyTable
from hsawallet.ui.widgets.document_viewer import DocumentViewer
from hsawallet.vocab import DocumentKind, ImportStatus, RecordKind

IMPORT_FILTER = (
    "Documents and e-mail ("
    + " ".join(f"*{suffix}" for suffix in sorted(documents.DOCUMENT_SUFFIXES))
    + ");;E-mail (*.eml *.mbox);;All files (*)"
)
KIND_CHOICES = (
    ("All documents", None),
    ("Receipts", DocumentKind.RECEIPT),
    ("Letters", DocumentKind.LETTER),
    ("Other", DocumentKind.OTHER),
)


class ImportPanel(QFrame):
    """Progress and per-file results of an import: imported / duplicate / error with its reason."""

    finished = Signal(list)  # the ImportOutcome list

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importPanel")
        self.running = False
        self._stop = threading.Event()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        top = QHBoxLayout()
        self.title = QLabel("Import")
        self.title.setStyleSheet("font-weight: 600;")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(180)
        self.close_button = QPushButton("Hide")
        self.close_button.setToolTip("Hide the import results")
        self.close_button.clicked.connect(self.hide)
        top.addWidget(self.title, 1)
        top.addWidget(self.progress)
        top.addWidget(self.close_button)
        layout.addLayout(top)
        self.results = QTreeWidget()
        self.results.setColumnCount(3)
        self.results.setHeaderLabels(["File", "Result", "Details"])
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setAlternatingRowColors(True)
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.results.header().setStretchLastSection(True)
        self.results.setColumnWidth(0, 280)
        self.results.setColumnWidth(1, 120)
        self.results.setMaximumHeight(190)
        layout.addWidget(self.results)
        self._icons = {
            ImportStatus.IMPORTED: style.icon("check", style.OK),
            ImportStatus.DUPLICATE: style.icon("duplicate", style.MUTED),
            ImportStatus.ERROR: style.icon("error", style.DANGER),
        }
        self._rows: dict[str, QTreeWidgetItem] = {}
        self.hide()

    def start(self, paths: list[str]) -> None:
        """Import ``paths`` on the database worker; results appear as each file is done. No paths:
        read what an earlier, stopped import left stored but unread."""
        self.running = True
        self._stop = stop = threading.Event()
        self.results.clear()
        self._rows.clear()
        self.title.setText(
            f"Importing {len(paths)} item{'s' if len(paths) != 1 else ''}…"
            if paths
            else "Reading the documents left from an earlier import…"
        )
        self.progress.setRange(0, 0)
        self.progress.show()
        self.close_button.setEnabled(False)
        self.show()

        def work(vault):
            return documents.import_files(vault, paths, progress=ops.progress_reporter(), stop=stop.is_set)

        (
            self.ctx.change(self, work, self._done)
            .failure(self._failed)
            .on_progress(self._progressed)
            .with_progress("Importing")
            .run_in_background()
        )

    def stop(self) -> None:
        """Finish the documents the readers hold and leave the rest stored for the next start."""
        self._stop.set()
        if self.running:
            self.title.setText("Stopping after the documents being read…")

    def _progressed(self, done: int, total: int, outcome) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.title.setText(f"Importing… {done} of {total}")
        if outcome is not None:
            self._show_outcome(outcome)

    def _show_outcome(self, outcome) -> None:
        item = self._rows.get(outcome.path)
        if item is None:
            item = QTreeWidgetItem([printable_name(outcome.file), "", ""])
            item.setToolTip(0, printable_name(outcome.path))
            self._rows[outcome.path] = item
            self.results.addTopLevelItem(item)
        if outcome.deferred:
            result, detail, icon = "Left for later", "Stored; read at the next start", ImportStatus.DUPLICATE
        elif outcome.status == ImportStatus.IMPORTED:
            result, detail, icon = "Imported", (outcome.kind or "document").capitalize(), ImportStatus.IMPORTED
        elif outcome.status == ImportStatus.DUPLICATE:
            result, detail, icon = "Already in the vault", (outcome.kind or "").capitalize(), ImportStatus.DUPLICATE
        elif outcome.error:
            result, detail, icon = "Not imported", outcome.error, ImportStatus.ERROR
        else:
            result, detail, icon = "Reading…", "", None
        if outcome.container and outcome.container != outcome.file:
            detail = f"{detail} (in {outcome.container})" if detail else f"in {outcome.container}"
        item.setText(1, result)
        item.setText(2, detail)
        item.setToolTip(2, detail)
        if icon:
            item.setIcon(1, self._icons[icon])

    def _done(self, outcomes: list) -> None:
        self.running = False
        for outcome in outcomes:
            self._show_outcome(outcome)
        counts = {s: sum(o.status == s and not o.deferred for o in outcomes) for s in ImportStatus}
        parts = [f"{counts[ImportStatus.IMPORTED]} imported"]
        if deferred := sum(o.deferred for o in outcomes):
            parts.append(f"{deferred} left to read at the next start")
        if counts[ImportStatus.DUPLICATE]:
            parts.append(f"{counts[ImportStatus.DUPLICATE]} already in the vault")
        if counts[ImportStatus.ERROR]:
            parts.append(f"{counts[ImportStatus.ERROR]} not imported")
        self.title.setText("Import finished: " + ", ".join(parts))
        self.progress.hide()
        self.close_button.setEnabled(True)
        self.ctx.show_status("Import finished: " + ", ".join(parts), 8000)
        self.finished.emit(outcomes)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.title.setText(f"Import stopped: {describe_error(exc)}")
        self.progress.hide()
        self.close_button.setEnabled(True)
        self.finished.emit([])


class DocumentsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._select_after_reload: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(style.heading("Documents"))
        self.summary = style.subtle("")
        titles.addWidget(self.summary)
        header.addLayout(titles, 1)
        self.import_button = QPushButton(style.icon("import", "#ffffff"), " &Import…")
        self.import_button.setProperty("primary", True)
        self.import_button.setToolTip(
            "Add receipts and letters (PDF or photos, or the e-mail they came in). "
            "You can also drop files on the window."
        )
        self.import_button.clicked.connect(self.choose_files)
        header.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        filters = QHBoxLayout()
        kind_label = QLabel("&Show:")
        self.kind = QComboBox()
        for label, value in KIND_CHOICES:
            self.kind.addItem(label, value)
        kind_label.setBuddy(self.kind)
        self.kind.currentIndexChanged.connect(lambda _: self._kind_changed())
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by file name  Ctrl+Shift+F")
        self.filter_edit.setClearButtonEnabled(True)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind)
        filters.addSpacing(12)
        filters.addWidget(self.filter_edit, 1)
        layout.addLayout(filters)

        # sorted and filtered by the database (services/lists.py), rows fetched as they scroll in
        self.model = documents_model(ctx, self)
        self.model.idsLoaded.connect(self._after_reload)
        self.filter_edit.textChanged.connect(self.model.set_filter)
        self._all_count: int | None = None  # documents of the kind shown, counted when no filter is set

        self.table = LazyTable(self.model, "Documents")
        self.table.setObjectName("documentsTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        head = self.table.horizontalHeader()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(COL_FILE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (COL_KIND, 90),
            (COL_PAGES, 60),
            (COL_STATUS, 140),
            (COL_IMPORTED, 140),
            (COL_ERROR, 200),
        ):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # the selected document's pages: every kind, "other" (an EOB, a statement) included
        self.viewer = DocumentViewer()
        self.viewer.setObjectName("documentPreview")
        self.viewer.clear("Select a document to see its pages.")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("documentsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 300])
        layout.addWidget(self.splitter, 1)

        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        picture = QLabel()
        picture.setPixmap(style.icon("import", style.MUTED).pixmap(56, 56))
        empty_title = QLabel("No documents yet")
        empty_title.setObjectName("emptyTitle")
        empty_text = QLabel(
            "Click Import, or drop receipts and letters (PDFs, photos, or the e-mail they came in)\n"
            "anywhere on this window. They are read on this computer and stored encrypted in your "
            "vault."
        )
        empty_text.setObjectName("emptyText")
        empty_layout.addStretch(1)
        for widget in (picture, empty_title, empty_text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty_layout.addWidget(widget)
        empty_layout.addStretch(2)
        self.empty.hide()
        layout.addWidget(self.empty, 1)

        self.import_panel = ImportPanel(ctx, self)
        self.import_panel.finished.connect(lambda outcomes: self.reload())
        layout.addWidget(self.import_panel)

        QShortcut(QKeySequence("Ctrl+Shift+F"), self, activated=lambda: self.filter_edit.setFocus())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._preview(current))
        self.table.doubleClicked.connect(lambda index: self.open_document(self.model.data(index, ID_ROLE)))
        ctx.bridge.documentsChanged.connect(self.reload)
        self.setTabOrder(self.import_button, self.kind)
        self.setTabOrder(self.kind, self.filter_edit)
        self.setTabOrder(self.filter_edit, self.table)
        self.reload()

    # -- data
    def reload(self) -> None:
        """The documents changed: fetch the ids again and the rows as they show."""
        self.model.refresh()

    def _kind_changed(self) -> None:
        self._all_count = None
        self.model.set_ids_query(document_ids_query(self.kind.currentData()))

    def _after_reload(self) -> None:
        count = self.model.rowCount()
        if not self.model.words:
            self._all_count = count
        kind = self.kind.currentText().lower() if self.kind.currentData() else "documents"
        total = count if self._all_count is None else self._all_count
        shown = f"{count:,}" if total == count else f"{count:,} of {total:,}"
        self.summary.setText(f"{shown} {kind if total != 1 else kind.rstrip('s')}")
        empty = count == 0 and not self.kind.currentData() and not self.model.words
        self.empty.setVisible(empty)
        self.splitter.setVisible(not empty)
        if self._select_after_reload is not None:
            wanted, self._select_after_reload = self._select_after_reload, None
            self.select_record(RecordKind.DOCUMENT, wanted)

    def _preview(self, index) -> None:
        doc_id = self.model.data(index, ID_ROLE) if index.isValid() else None
        if doc_id != self.viewer.document_id:
            self.viewer.show_document(self.ctx, doc_id)

    # -- actions
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import documents", str(Path.home()), IMPORT_FILTER)
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[str]) -> None:
        self.import_panel.start([str(p) for p in paths])

    def select_record(self, kind: str, id: int) -> None:
        """Select document ``id`` (after the ids arrive if they are still loading)."""
        if self.model.loading:
            self._select_after_reload = id
            return
        if self.table.select_id(id):
            self.table.setFocus()
        elif self.kind.currentData() is not None or self.filter_edit.text():
            self._select_after_reload = id  # shown once the list holds every document again
            self.filter_edit.clear()
            self.kind.setCurrentIndex(0)

    # -- removing, reclassifying (Edit > Undo reverses either)
    def _context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            self.table.selectRow(index.row())
        doc_id = self.model.data(index, ID_ROLE)
        menu = QMenu(self.table)
        menu.addAction("&Open", lambda: self.open_document(doc_id))
        kinds = menu.addMenu("&Reclassify as")
        for label, kind in KIND_CHOICES[1:]:
            kinds.addAction(
                label.rstrip("s") if kind != DocumentKind.OTHER else "Other", lambda k=kind: self.reclassify(doc_id, k)
            )
        menu.addSeparator()
        menu.addAction("Re&move…", self.remove_selected)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _file_name(self, doc_id: int) -> str:
        row = self.model.record(doc_id)
        return printable_name(row.file_name) if row is not None else f"document {doc_id}"

    def open_document(self, doc_id: int) -> None:
        """Show a receipt or letter in its own view; anything else stays selected here."""

        def show(found) -> None:
            if found is not None:
                self.ctx.open_record(*found)

        self.ctx.query(self, lambda session: documents.record_of_document(session, doc_id), show).run_in_background()

    def remove_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = [self._file_name(i) for i in ids]
        what = (
            names[0] if len(ids) == 1 else f"{len(ids)} documents ({', '.join(names[:3])}{'…' if len(ids) > 3 else ''})"
        )
        if not undo.confirm(
            self,
            "Remove document",
            f"Remove {what} from the vault, with everything read from it? Edit > Undo puts it back.",
            "&Remove",
        ):
            return
        for doc_id, name in zip(ids, names):
            self._remove(doc_id, name)

    def _remove(self, doc_id: int, name: str) -> None:
        current, removed_document = doc_id, None  # a document put back gets a new id

        def remove(vault):
            nonlocal removed_document
            removed_document = documents.remove_document(vault, current)

        def put_back(vault):
            nonlocal current
            current = documents.restore_document(vault, removed_document)

        def removed(_result) -> None:
            self.reload()
            self.ctx.show_status(f"Removed {name}. Edit > Undo puts it back.", 5000)
            undo.record(self.ctx, f"Remove {name}", put_back, remove, self.reload, self)

        self.ctx.change(self, remove, removed).failure(
            lambda exc: QMessageBox.warning(self, "Not removed", describe_error(exc))
        ).run_in_background()

    def reclassify(self, doc_id: int, kind: str) -> None:
        name = self._file_name(doc_id)

        def change(vault) -> str:
            with vault.session() as session:
                doc = documents.documents_by_id(session, [doc_id]).get(doc_id)
                before = doc.kind if doc is not None else ""
            documents.reclassify_document(vault, doc_id, kind)
            return before

        def done(before: str) -> None:
            self.reload()
            self.ctx.show_status(f"{name} is now read as {kind}.", 5000)
            if before and before != kind:
                undo.record(
                    self.ctx,
                    f"Reclassify {name}",
                    lambda vault: documents.reclassify_document(vault, doc_id, before),
                    lambda vault: documents.reclassify_document(vault, doc_id, kind),
                    self.reload,
                    self,
                )

        self.ctx.change(self, change, done).failure(
            lambda exc: QMessageBox.warning(self, "Not reclassified", describe_error(exc))
        ).with_progress("Reading again").run_in_background()

    def selected_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.id_at(index.row()) for index in sorted(rows, key=lambda index: index.row())]


__all__ = ["DocumentsView", "ImportPanel", "COL_ERROR", "COL_IMPORTED", "COL_KIND", "COL_PAGES", "COL_STATUS"]
