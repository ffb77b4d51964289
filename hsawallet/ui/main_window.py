"""The main window: a sidebar of sections, a stack of views, a search box, menus, a status bar,
and files dropped anywhere on the window are imported."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

import hsawallet
from hsawallet.safeio import printable_name
from hsawallet.services import documents
from hsawallet.ui import ops, remembered, style, undo
from hsawallet.ui.context import AppContext, describe_error
from hsawallet.ui.views import RECORD_SECTIONS, SECTIONS, Section, load_view

if TYPE_CHECKING:
    from hsawallet.ui.views.documents import ImportPanel

ABOUT = (
    "<h3>HSA Wallet {version}</h3>"
    "<p>Keeps your HSA/FSA receipts and Letters of Medical Necessity in one encrypted "
    "vault on this computer, checks each expense against your letters, and builds "
    "reimbursement claims.</p>"
    "<p>Nothing leaves this computer. Vault: <code>{path}</code></p>"
)


class SearchResults(QWidget):
    """Full-text search results; activating one opens the receipt or letter (or, for another kind of
    document, its preview) at the page that matched."""

    opened = Signal(object)  # the SearchHit

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        self.title = style.heading("Search")
        self.summary = style.subtle("")
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setWordWrap(True)
        self.results.setSpacing(2)
        self.results.itemActivated.connect(self._open)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        self.query = ""

    def search(self, query: str) -> None:
        self.query = query
        self.title.setText(f"Search: “{query}”")
        self.summary.setText("Searching…")
        self.results.clear()

        self.ctx.query(
            self, lambda session: documents.search_pages(session, query), lambda hits, q=query: self._show(q, hits)
        ).failure(
            lambda exc: self.summary.setText(f"The search did not work: {describe_error(exc)}")
        ).run_in_background()

    def _show(self, query: str, hits: list[documents.SearchHit]) -> None:
        if query != self.query:
            return  # a newer search is on its way
        self.summary.setText(
            f"{len(hits)} document{'s' if len(hits) != 1 else ''} found. Press Enter on a result to open it at that page."
            if hits
            else "Nothing found. Search looks at the text read from each document."
        )
        for hit in hits:
            what = {"receipt": "Receipt", "letter": "Letter"}.get(hit.record[0], "") if hit.record else "Other document"
            item = QListWidgetItem(
                style.icon(hit.record[0] + "s" if hit.record else "documents", style.MUTED),
                f"{printable_name(hit.file_name)} — {what}, page {hit.page_index + 1}\n{' '.join(hit.snippet.split())}",
            )
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)

    def _open(self, item: QListWidgetItem) -> None:
        self.opened.emit(item.data(Qt.ItemDataRole.UserRole))


class MainWindow(QMainWindow):
    closed = Signal()  # the window has closed for good (app.py then releases the single-instance lock)

    @staticmethod
    def _initial_size() -> QSize:
        """Most of the screen, so the document viewer and the fields fit side by side."""
        screen = QApplication.primaryScreen()
        if screen is None:
            return QSize(1180, 760)
        room = screen.availableGeometry().size()
        return QSize(max(1180, int(room.width() * 0.9)), max(760, int(room.height() * 0.9))).boundedTo(room)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._views: dict[str, QWidget] = {}
        self._active_ops: dict[int, str] = {}
        # the platform appends the application's display name ("vault.db — HSA Wallet")
        self.setWindowTitle(ctx.vault.path.name)
        self.setWindowIcon(style.app_icon())
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(860, 560))
        if not remembered.restore_window(self):
            self.resize(self._initial_size())

        self._build_sidebar()
        self.stack = QStackedWidget()
        self._placeholders: dict[str, QWidget] = {}
        for sec in SECTIONS:  # each view is built the first time it is shown
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._placeholders[sec.key] = holder
            self.stack.addWidget(holder)
        self.search_results = SearchResults(ctx)
        self.search_results.opened.connect(
            lambda hit: self.open_document_at(hit.document_id, hit.page_index, hit.record)
        )
        self.stack.addWidget(self.search_results)

        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._sidebar_box)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.drop_hint = QLabel("Drop receipts and letters to import them", body)
        self.drop_hint.setObjectName("dropHint")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.drop_hint.setStyleSheet(
            f"#dropHint {{ border: 3px dashed {style.ACCENT}; border-radius: 12px; background: rgba(255, 255, 255, 215);"
            f" color: {style.ACCENT_DARK}; font-size: 18pt; font-weight: 600; }}"
        )
        self.drop_hint.hide()

        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()

        self.reminders = None  # the reminder scheduler, started on unlock (start_reminders)
        self._locked = False
        self._quitting = False  # quit asked for; closing once the work in progress has ended
        from hsawallet.ui.idle import IdleLock

        self.idle_lock = IdleLock(self.lock, self)
        self._load_lock_minutes()
        ctx.settingChanged.connect(self._setting_changed)
        ctx.recordRequested.connect(self.open_record)
        ctx.statusMessage.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        ops.set_progress_host(self)
        ops.set_default_failure_handler(self._op_failed)
        self.sidebar.setCurrentRow(0)

    # -- building
    def _build_sidebar(self) -> None:
        self._sidebar_box = QWidget()
        self._sidebar_box.setObjectName("sidebarBox")
        self._sidebar_box.setFixedWidth(220)
        self._sidebar_box.setStyleSheet(
            f"#sidebarBox {{ background: {style.SIDEBAR}; border-right: 1px solid {style.BORDER}; }}"
        )
        layout = QVBoxLayout(self._sidebar_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        brand = QLabel("HSA Wallet")
        brand.setObjectName("brand")
        layout.addWidget(brand)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setStyleSheet("QListWidget#sidebar { border-right: none; }")
        for number, sec in enumerate(SECTIONS, start=1):
            item = QListWidgetItem(style.icon(sec.icon, style.MUTED), sec.title)
            item.setData(Qt.ItemDataRole.UserRole, sec.key)
            item.setToolTip(f"{sec.title} (Ctrl+{number})")
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._section_changed)
        self.sidebar.itemClicked.connect(lambda item: self._section_changed(self.sidebar.row(item)))
        layout.addWidget(self.sidebar, 1)
        self.vault_label = QLabel(f"Vault unlocked\n{self.ctx.vault.path.name}")
        self.vault_label.setObjectName("hint")
        self.vault_label.setContentsMargins(18, 8, 12, 14)
        self.vault_label.setToolTip(str(self.ctx.vault.path))
        layout.addWidget(self.vault_label)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.import_action = QAction(style.icon("import", style.ACCENT), "Import…", self)
        self.import_action.setShortcut(QKeySequence.StandardKey.Open)
        self.import_action.setToolTip("Import receipts and letters (Ctrl+O)")
        self.import_action.triggered.connect(self.choose_import)
        self.section_title = QLabel("")
        self.section_title.setObjectName("subtle")
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search documents (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.addAction(style.icon("search", style.MUTED), QLineEdit.ActionPosition.LeadingPosition)
        self.search_box.returnPressed.connect(self.run_search)
        bar.addAction(self.import_action)
        bar.addWidget(spacer)
        bar.addWidget(self.search_box)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.import_action)
        self.backup_action = file_menu.addAction(style.icon("backup"), "&Back up vault…", self.choose_backup)
        file_menu.addSeparator()
        self.lock_action = file_menu.addAction("&Lock now", self.lock)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setToolTip("Close the vault and forget what is shown until the passphrase is typed again")
        quit_action = file_menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit_menu = menu.addMenu("&Edit")
        self.undo_stack = undo.stack(self.ctx)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.find_action = edit_menu.addAction(style.icon("search"), "&Find…", self.focus_search)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)

        go_menu = menu.addMenu("&Go")
        self.section_actions: list[QAction] = []
        for number, sec in enumerate(SECTIONS, start=1):
            action = go_menu.addAction(style.icon(sec.icon), sec.title.replace("&", "&&"))  # "&" is no mnemonic
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, key=sec.key: self.show_section(key))
            self.section_actions.append(action)

        help_menu = menu.addMenu("&Help")
        about = help_menu.addAction("&About HSA Wallet", self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel("")
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(160)
        self.progress_bar.setTextVisible(False)
        self.progress_label.hide()
        self.progress_bar.hide()
        bar.addPermanentWidget(self.progress_label)
        bar.addPermanentWidget(self.progress_bar)
        bar.showMessage("Ready. Drop receipts or letters anywhere on this window to import them.", 10000)

    # -- sections
    def view(self, key: str) -> QWidget:
        """The section's view, built on first use."""
        if key not in self._views:
            sec = next(s for s in SECTIONS if s.key == key)
            holder = self._placeholders[key]
            widget = load_view(sec, self.ctx, holder)
            holder.layout().addWidget(widget)
            remembered.restore_view(key, widget)
            self._views[key] = widget
        return self._views[key]

    def show_section(self, key: str) -> QWidget:
        row = next(i for i, s in enumerate(SECTIONS) if s.key == key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)
        else:
            self.sidebar.item(row).setSelected(True)
            self._section_changed(row)
        return self.view(key)

    def current_section(self) -> str | None:
        if self.stack.currentWidget() is self.search_results:
            return "search"
        row = self.sidebar.currentRow()
        return SECTIONS[row].key if row >= 0 else None

    def _section_changed(self, row: int) -> None:
        if row < 0:
            return
        sec: Section = SECTIONS[row]
        self.sidebar.item(row).setSelected(True)
        self.view(sec.key)
        self.stack.setCurrentWidget(self._placeholders[sec.key])
        for i in range(self.sidebar.count()):
            item = self.sidebar.item(i)
            colour = style.ACCENT_DARK if i == row else style.MUTED
            item.setIcon(style.icon(SECTIONS[i].icon, colour))

    def open_record(self, kind: str, record_id: int, item_id: int = 0) -> None:
        """Show a record in its view; the kind is kept (people and accounts share a view and ids)."""
        key = RECORD_SECTIONS.get(kind)
        if key is None:
            return
        view = self.show_section(key)
        select = getattr(view, "select_record", None)
        if not callable(select):
            return
        if item_id and kind == "receipt":
            select(kind, record_id, item_id)
        else:
            select(kind, record_id)

    def open_document_at(self, document_id: int, page_index: int, record: tuple[str, int] | None) -> None:
        """A receipt or letter in its own view, any other document in the Documents preview, shown
        at ``page_index`` once its pages are drawn."""
        if record is not None:
            self.open_record(record[0], record[1])
            view = self.view(RECORD_SECTIONS[record[0]])
        else:
            view = self.show_section("documents")
            view.select_record("document", document_id)  # type: ignore[attr-defined]
        viewer = getattr(view, "viewer", None)
        if viewer is None:
            return
        if viewer.document_id == document_id and viewer.page_count:
            viewer.go_to_page(page_index)
            return

        def loaded(shown_id: int) -> None:
            if shown_id == document_id:
                viewer.loaded.disconnect(loaded)
                viewer.go_to_page(page_index)

        viewer.loaded.connect(loaded)

    # -- search
    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def run_search(self) -> None:
        query = self.search_box.text().strip()
        if not query:
            return
        # keep the current row (an item view re-selects one when focused) but show none selected
        self.sidebar.clearSelection()
        self.stack.setCurrentWidget(self.search_results)
        self.search_results.search(query)

    # -- import
    def choose_import(self) -> None:
        view = self.show_section("documents")
        choose = getattr(view, "choose_files", None)
        if callable(choose):
            choose()

    def import_paths(self, paths: list[str]) -> None:
        """Import files (or folders) off the UI thread; results show in the Documents view."""
        if not paths:
            return
        view = self.show_section("documents")
        view.import_files(paths)  # type: ignore[attr-defined]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()
            body = self.centralWidget()
            self.drop_hint.setGeometry(body.rect().adjusted(12, 12, -12, -12))
            self.drop_hint.raise_()
            self.drop_hint.show()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self.drop_hint.hide()

    def dragMoveEvent(self, event) -> None:
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_hint.hide()
        paths = _local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        # after the drop returns, so the drag source is not kept waiting
        QTimer.singleShot(0, lambda: self.import_paths(paths))

    # -- backup
    def choose_backup(self) -> None:
        stamp = datetime.now().strftime("%Y-%m-%d")
        suggested = Path.home() / f"HSA Wallet backup {stamp}.db"
        out, _ = QFileDialog.getSaveFileName(self, "Back up vault", str(suggested), "HSA Wallet vault (*.db)")
        if out:
            self.backup_to(Path(out))

    def backup_to(self, out: Path) -> None:
        from hsawallet.services import vault as vaults

        def done(report) -> None:
            self.statusBar().showMessage(
                f"Backup written and verified ({report.documents_checked} documents): {out}", 10000
            )

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self, "Backup not written", f"The backup was not written.\n\n{describe_error(exc)}")

        self.ctx.change(self, lambda vault: vaults.backup(vault, out=out), done).failure(failed).with_progress(
            "Backing up"
        ).run_in_background()

    # -- reminders
    def start_reminders(self, **options) -> None:
        """Start the start-up and daily warning check (ui/notifications.py); the check itself
        honours the ``notifications`` setting and the warning windows in Settings."""
        from hsawallet.ui.notifications import start_reminders

        self.stop_reminders()
        self.reminders = start_reminders(self.ctx, self, **options)

    def stop_reminders(self) -> None:
        if self.reminders is not None:
            self.reminders.stop()
            self.reminders = None

    # -- lock
    def lock(self) -> None:
        """Close the vault and drop every view (and the undo history, which holds document bytes),
        then ask for the passphrase again; work in progress finishes first."""
        if self._locked:
            return
        modal = QApplication.activeModalWidget()
        if modal is not None:  # a dialog left open (the idle lock): cancelled first, its view is about to go
            modal.reject() if isinstance(modal, QDialog) else modal.close()
            QTimer.singleShot(200, self.lock)
            return
        if ops.pending_ops():
            self.statusBar().showMessage("Locking when the work in progress has finished…", 5000)
            QTimer.singleShot(500, self.lock)
            return
        self._locked = True
        reminders_were_on = self.reminders is not None
        self.stop_reminders()
        self._drop_views()
        path = self.ctx.vault.path
        self._keychain_vault = self.ctx.vault.key.mode == "keychain"  # unlocked again without a passphrase
        self.ctx.vault.close()
        self.ctx.vault = None  # type: ignore[assignment]  # the key goes with it; unlock sets a new one
        self.vault_label.setText("Vault locked")
        self.hide()
        QTimer.singleShot(0, lambda: self._unlock_again(path, reminders_were_on))

    def _drop_views(self) -> None:
        """Forget everything decrypted on screen (and the undo history, which holds document bytes)."""
        self.save_layout()
        self.undo_stack.clear()
        for widget in list(self._views.values()):
            widget.setParent(None)
            widget.deleteLater()
        self._views.clear()
        self.search_results.results.clear()
        self.search_box.clear()

    def _load_lock_minutes(self) -> None:
        from hsawallet import config

        self.ctx.query(
            self, lambda session: config.get(session, "lock_minutes"), self.idle_lock.set_minutes
        ).run_in_background()

    def _setting_changed(self, key: str, value: object) -> None:
        if key == "lock_minutes":
            self.idle_lock.set_minutes(int(value))  # type: ignore[call-overload]

    # -- passphrase
    def change_passphrase(self, current: str | None, new: str, done=None) -> None:
        """Re-encrypt the vault under ``new`` (services.vault.change_passphrase) on the database
        worker, then reopen every view over the new vault; ``done(error or None)`` after."""
        from hsawallet.services import vault as vaults

        if ops.pending_ops():  # the views reopen over the new vault: nothing may be using the old one
            self.statusBar().showMessage("Changing the passphrase when the work in progress has finished…", 3000)
            QTimer.singleShot(300, lambda: self.change_passphrase(current, new, done))
            return
        reminders_were_on = self.reminders is not None
        self.stop_reminders()
        section = self.current_section()
        self._drop_views()  # views hold the old vault's engine
        old = self.ctx.vault

        def changed(vault) -> None:
            self.ctx.vault = vault
            self._reopen(section, reminders_were_on)
            self.ctx.show_status("Passphrase changed. Use the new one from now on.", 8000)
            if done is not None:
                done(None)

        def failed(exc: BaseException) -> None:
            self._reopen(section, reminders_were_on)
            QMessageBox.warning(self, "Passphrase not changed", describe_error(exc))
            if done is not None:
                done(exc)

        self.ctx.change(self, lambda _vault: vaults.change_passphrase(old, current=current, new=new), changed).failure(
            failed
        ).with_progress("Changing the passphrase").run_in_background()

    def _reopen(self, section: str | None, reminders: bool) -> None:
        keys = [s.key for s in SECTIONS]
        self._section_changed(keys.index(section) if section in keys else 0)
        if reminders:
            self.start_reminders()

    def ask_passphrase(self, path: Path):
        """The unlock dialog; the vault it opened, or None when the user gives up."""
        from hsawallet.ui.unlock import UnlockDialog

        dialog = UnlockDialog(path, None, keychain=getattr(self, "_keychain_vault", False))
        return dialog.vault if dialog.exec() == UnlockDialog.DialogCode.Accepted else None

    def _unlock_again(self, path: Path, start_reminders: bool) -> None:
        vault = self.ask_passphrase(path)
        if vault is None:
            QApplication.quit()
            return
        self.ctx.vault = vault
        self._locked = False
        self._load_lock_minutes()
        self.vault_label.setText(f"Vault unlocked\n{vault.path.name}")
        self.show()
        row = self.sidebar.currentRow()
        self._section_changed(row if row >= 0 else 0)
        if start_reminders:
            self.start_reminders()

    # -- about
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About HSA Wallet",
            ABOUT.format(version=getattr(hsawallet, "__version__", ""), path=self.ctx.vault.path),
        )

    # -- progress host for ops.with_progress
    def op_started(self, op_id: int, label: str) -> None:
        self._active_ops[op_id] = label
        self._refresh_progress()
        self.progress_bar.setRange(0, 0)

    def op_progress(self, op_id: int, done: int, total: int) -> None:
        if op_id not in self._active_ops:
            return
        label = self._active_ops[op_id]
        self.progress_label.setText(f"{label}… {done} of {total}" if total else f"{label}…")
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def op_finished(self, op_id: int) -> None:
        self._active_ops.pop(op_id, None)
        self._refresh_progress()

    def _refresh_progress(self) -> None:
        busy = bool(self._active_ops)
        self.progress_label.setVisible(busy)
        self.progress_bar.setVisible(busy)
        if busy:
            self.progress_label.setText(f"{next(reversed(self._active_ops.values()))}…")

    def _op_failed(self, parent, exc: BaseException) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Something went wrong", describe_error(exc), QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not modal-blocking: the rest of the app keeps working

    # -- closing
    def _import_panel(self) -> ImportPanel | None:
        """The Documents view's import panel, once that view is open."""
        from hsawallet.ui.views.documents import DocumentsView

        view = self._views.get("documents")
        return view.import_panel if isinstance(view, DocumentsView) else None

    def import_running(self) -> bool:
        panel = self._import_panel()
        return panel is not None and panel.running

    def ask_stop_import(self) -> bool:
        """Quit during an import: stop it (True) or keep importing (False)."""
        return self._ask_quit(
            "An import is running",
            "HSA Wallet is still reading the documents you imported.\n\n"
            "Stop the import and quit: the documents being read are finished, the others stay in the "
            "vault and are read the next time HSA Wallet starts. Nothing is lost.",
            "&Stop the import and quit",
            "&Keep importing",
        )

    def ask_finish_work(self) -> bool:
        """Quit while other work runs (a backup, an export): finish it, then quit (True)."""
        return self._ask_quit(
            "Work in progress",
            "HSA Wallet is still working (" + ", ".join(self._active_ops.values()).lower() + ").",
            "&Quit when it has finished",
            "&Keep working",
        )

    def _ask_quit(self, title: str, text: str, quit_label: str, keep_label: str) -> bool:
        """A quit question whose safe answer (keep going) is the default and Escape; True to quit."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, self)
        quit_button = box.addButton(quit_label, QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(keep_label, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is quit_button

    def _close_when_idle(self) -> None:
        if ops.pending_ops():
            QTimer.singleShot(200, self._close_when_idle)
        else:
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if ops.pending_ops():
            if not self._quitting:
                if self.import_running():
                    if not self.ask_stop_import():
                        event.ignore()
                        return
                    panel = self._import_panel()
                    if panel is not None:
                        panel.stop()
                elif self._active_ops and not self.ask_finish_work():
                    event.ignore()
                    return
                self._quitting = True
                self.statusBar().showMessage("Quitting when the work in progress has finished…")
                QTimer.singleShot(200, self._close_when_idle)
            event.ignore()  # the window stays, with its progress, until the work has ended
            return
        self.save_layout()
        self.stop_reminders()
        ops.set_progress_host(None)
        ops.set_default_failure_handler(None)
        event.accept()
        self.closed.emit()

    def save_layout(self) -> None:
        """Window geometry, and the splitters and columns of every view built (remembered.py)."""
        remembered.save_window(self)
        for key, widget in self._views.items():
            remembered.save_view(key, widget)

    # -- start-up
    def resume_import(self) -> None:
        """Read what an import stopped at quit (or killed) left stored but unread."""

        def resume(count: int) -> None:
            if count:
                self.ctx.show_status(f"Reading {count} document{'s' if count != 1 else ''} left from the last import…")
                self.view("documents").import_files([])  # type: ignore[attr-defined]

        self.ctx.query(self, documents.unread_documents, resume).run_in_background()

    def bring_to_front(self) -> None:
        """Another launch of the app asked for this window."""
        if self._locked:
            return  # the unlock dialog is what shows; the window stays hidden until unlocked
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()


def _local_paths(mime) -> list[str]:
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]
