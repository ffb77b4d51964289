"""The New claim tab: the account's eligible expenses, ticked; their warnings; create and export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.services.claim_records import Candidates, ClaimWarning, Expense, LeftOut
from hsawallet.ui import style
from hsawallet.ui.views.claims.dialogs import pydate, qdate
from hsawallet.ui.widgets.record_table import money_text
from hsawallet.vocab import Severity

if TYPE_CHECKING:
    from sqlmodel import Session

    from hsawallet.services.claims import ExportBlocked

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
EXPENSE_COLUMNS = ("", "Date", "Merchant", "Description", "Person", "Amount", "Letter")
ANY_DATE, THIS_YEAR, LAST_YEAR, PLAN_YEAR, CUSTOM = "all", "this_year", "last_year", "plan_year", "custom"


@dataclass(frozen=True, slots=True)
class AccountChoice:
    id: int
    name: str
    type: str
    plan_start: date | None
    plan_end: date | None


@dataclass(frozen=True, slots=True)
class Offer:
    """What the tab shows for the chosen filters: the expenses, the warnings that may matter, what was left out."""

    expenses: tuple[Expense, ...]
    warnings: tuple[ClaimWarning, ...]
    left_out: LeftOut | None
    letter_files: dict[int, str]  # letter id -> its file, for the Letter column


NOTHING_OFFERED = Offer((), (), None, {})


class NewClaimTab(QWidget):
    candidatesLoaded = Signal()
    exported = Signal(str, str)  # pdf path, zip path
    busyChanged = Signal(bool)  # a claim is being created or exported (one at a time)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._accounts: list[AccountChoice] = []
        self._candidates: tuple[Expense, ...] = ()
        self._warnings: tuple[ClaimWarning, ...] = ()
        self._filling = False
        self.last_export: tuple[Path, Path] | None = None
        self._export_dir: Path | None = None
        self.busy = False
        self._build()

    def _build(self) -> None:
        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("Account")
        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Person")
        self.person_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName("Period")
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        today = date.today()
        self.date_from.setDate(qdate(date(today.year, 1, 1)))
        self.date_to.setDate(qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.reload_candidates())
        self.account_combo.currentIndexChanged.connect(lambda _i: self._account_changed())
        self.person_combo.currentIndexChanged.connect(lambda _i: self.reload_candidates())
        self.period_combo.currentIndexChanged.connect(lambda _i: self._period_changed())

        filters = QHBoxLayout()
        for text, widget in (
            ("&Account:", self.account_combo),
            ("&Person:", self.person_combo),
            ("Pe&riod:", self.period_combo),
            ("&From:", self.date_from),
            ("&To:", self.date_to),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 1 if widget in (self.account_combo, self.period_combo) else 0)

        self.expenses = QTableWidget(0, len(EXPENSE_COLUMNS))
        self.expenses.setHorizontalHeaderLabels(list(EXPENSE_COLUMNS))
        self.expenses.setAccessibleName("Eligible expenses")
        self.expenses.verticalHeader().hide()
        self.expenses.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.expenses.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.expenses.setAlternatingRowColors(True)
        self.expenses.setToolTip("Space ticks or unticks the selected expense")
        header = self.expenses.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.expenses.itemChanged.connect(self._tick_changed)

        self.select_all = QPushButton("Tick a&ll")
        self.select_all.clicked.connect(lambda: self._tick_all(True))
        self.select_none = QPushButton("Untick all")
        self.select_none.clicked.connect(lambda: self._tick_all(False))
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-size: 14px; font-weight: 600;")
        self.left_out_label = QLabel()
        self.left_out_label.setWordWrap(True)
        self.left_out_label.setAccessibleName("Expenses left out")
        self.left_out_label.setStyleSheet(f"color: {style.TEXT_CAUTION};")
        self.left_out_label.hide()
        ticks = QHBoxLayout()
        ticks.addWidget(self.select_all)
        ticks.addWidget(self.select_none)
        ticks.addStretch(1)
        ticks.addWidget(self.total_label)

        self.warnings = QListWidget()
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Warnings about the ticked expenses")
        warnings_box = QGroupBox("Check before you export")
        warnings_layout = QVBoxLayout(warnings_box)
        warnings_layout.addWidget(self.warnings)

        self.create_button = QPushButton("Create claim and e&xport…")
        self.create_button.setDefault(True)
        self.create_button.setToolTip(
            "Create a claim of the ticked expenses, then write its PDF packet and ZIP bundle to a folder you choose"
        )
        self.create_button.clicked.connect(self._choose_folder_and_export)
        self.draft_button = QPushButton("Save as &draft")
        self.draft_button.setToolTip("Create the claim without exporting it yet")
        self.draft_button.clicked.connect(lambda: self.create_claim(None))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_folder_button = QPushButton("Show in f&older")
        self.show_folder_button.clicked.connect(self.show_export_folder)
        self.show_folder_button.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.result_label, 1)
        actions.addWidget(self.progress)
        actions.addWidget(self.show_folder_button)
        actions.addWidget(self.draft_button)
        actions.addWidget(self.create_button)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(filters)
        top_layout.addWidget(self.left_out_label)
        top_layout.addWidget(self.expenses, 1)
        top_layout.addLayout(ticks)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(warnings_box)
        split.setSizes([460, 160])

        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(actions)

    # ------------------------------------------------------------------ public API

    def reload(self) -> None:
        """The accounts and people of the filters (then the expenses they offer)."""
        from hsawallet.services.people import list_accounts, list_people

        def load(session: Session) -> tuple[list[AccountChoice], list[tuple[int, str]]]:
            accounts = [
                AccountChoice(a.id, a.name, a.type, a.plan_start, a.plan_end)
                for a in list_accounts(session)
                if a.id is not None
            ]
            return accounts, [(p.id, p.name) for p in list_people(session) if p.id is not None]

        self.ctx.query(self, load, self._show_filters).run_in_background()

    def ticked_item_ids(self) -> list[int]:
        out = []
        for row in range(self.expenses.rowCount()):
            cell = self.expenses.item(row, 0)
            if cell and cell.checkState() == Qt.CheckState.Checked:
                out.append(cell.data(ITEM_ID_ROLE))
        return out

    def ticked_total(self) -> Decimal:
        ticked = set(self.ticked_item_ids())
        return sum((r.amount or Decimal("0") for r in self._candidates if r.item_id in ticked), Decimal("0"))

    def set_period(self, key: str) -> None:
        index = self.period_combo.findData(key)
        if index >= 0:
            self.period_combo.setCurrentIndex(index)

    def set_ticked(self, item_ids: set[int]) -> None:
        self._filling = True
        for row in range(self.expenses.rowCount()):
            cell = self.expenses.item(row, 0)
            cell.setCheckState(
                Qt.CheckState.Checked if cell.data(ITEM_ID_ROLE) in item_ids else Qt.CheckState.Unchecked
            )
        self._filling = False
        self._ticks_updated()

    def create_claim(self, out_dir: Path | None) -> None:
        """Create a claim of the ticked expenses; with ``out_dir``, export it there too."""
        account_id = self.account_combo.currentData()
        item_ids = self.ticked_item_ids()
        if account_id is None or not item_ids:
            self.result_label.setText("Tick at least one expense first.")
            return
        from hsawallet.services import claims

        person_id = self.person_combo.currentData()
        date_from, date_to = self._period_range()

        def work(vault: Any) -> tuple[int, tuple[Path, Path] | None]:
            created = claims.new_claim(
                vault,
                account=account_id,
                person=str(person_id) if person_id else None,
                date_from=date_from,
                date_to=date_to,
                item_ids=item_ids,
            )
            paths = claims.export(vault, created.claim.id, out_dir) if out_dir is not None else None
            return created.claim.id, paths

        self._export_dir = out_dir
        self._busy(True, "Exporting the claim…" if out_dir else "Creating the claim…")
        self.ctx.change(self, work, self._claim_created).failure(self._claim_failed).with_progress(
            "Exporting claim" if out_dir else "Creating claim"
        ).run_in_background()

    def export_claim(self, claim_id: int, out_dir: Path, *, anyway: bool = False) -> None:
        """Export a claim; ``anyway``: despite blockers (the user chose "Export anyway")."""
        from hsawallet.services import claims

        self._export_dir = out_dir
        self._busy(True, "Exporting the claim…")
        self.ctx.change(
            self,
            lambda vault: (claim_id, claims.export(vault, claim_id, out_dir, anyway=anyway)),
            self._claim_created,
        ).failure(self._claim_failed).with_progress("Exporting claim").run_in_background()

    def show_export_folder(self) -> None:
        if self.last_export:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_export[0].parent)))

    # ------------------------------------------------------------------ filters and candidates

    def _show_filters(self, result: tuple[list[AccountChoice], list[tuple[int, str]]]) -> None:
        accounts, people = result
        self._accounts = accounts
        current_account = self.account_combo.currentData()
        current_person = self.person_combo.currentData()
        self._filling = True
        self.account_combo.clear()
        for account in accounts:
            self.account_combo.addItem(f"{account.name} ({account.type.upper()})", account.id)
        if not accounts:
            self.account_combo.addItem("No accounts yet — add one under People & accounts", None)
        self.person_combo.clear()
        self.person_combo.addItem("Anyone in the household", None)
        for person_id, name in people:
            self.person_combo.addItem(name, person_id)
        for combo, value in ((self.account_combo, current_account), (self.person_combo, current_person)):
            index = combo.findData(value)
            if value is not None and index >= 0:
                combo.setCurrentIndex(index)
        self._filling = False
        self._account_changed()

    def _current_account(self) -> AccountChoice | None:
        return next((a for a in self._accounts if a.id == self.account_combo.currentData()), None)

    def _account_changed(self) -> None:
        if self._filling:
            return
        account = self._current_account()
        current = self.period_combo.currentData()
        self._filling = True
        self.period_combo.clear()
        self.period_combo.addItem("Any date", ANY_DATE)
        if account and account.plan_start and account.plan_end:
            self.period_combo.addItem(f"Plan year {account.plan_start} to {account.plan_end}", PLAN_YEAR)
        year = date.today().year
        self.period_combo.addItem(f"Calendar year {year}", THIS_YEAR)
        self.period_combo.addItem(f"Calendar year {year - 1}", LAST_YEAR)
        self.period_combo.addItem("Dates from… to…", CUSTOM)
        index = self.period_combo.findData(current)
        self.period_combo.setCurrentIndex(index if index >= 0 else 0)
        self._filling = False
        self._period_changed()

    def _period_changed(self) -> None:
        custom = self.period_combo.currentData() == CUSTOM
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        self.reload_candidates()

    def _period_range(self) -> tuple[date | None, date | None]:
        key = self.period_combo.currentData()
        year = date.today().year
        if key == THIS_YEAR:
            return date(year, 1, 1), date(year, 12, 31)
        if key == LAST_YEAR:
            return date(year - 1, 1, 1), date(year - 1, 12, 31)
        if key == PLAN_YEAR:
            account = self._current_account()
            if account:
                return account.plan_start, account.plan_end
        if key == CUSTOM:
            return pydate(self.date_from.date()), pydate(self.date_to.date())
        return None, None

    def reload_candidates(self) -> None:
        if self._filling:
            return
        account_id = self.account_combo.currentData()
        if account_id is None:
            self._show_candidates(NOTHING_OFFERED)
            return
        person_id = self.person_combo.currentData()
        date_from, date_to = self._period_range()

        def load(session: Session) -> Offer:
            from hsawallet.services import claims, records

            offered: Candidates = claims.claim_candidates(
                session, account_id, person=str(person_id) if person_id else None, date_from=date_from, date_to=date_to
            )
            letter_files = records.file_maps(session)[1]
            return Offer(
                offered.expenses,
                tuple(claims.check_rows(session)),  # dismissed ones too: a dismissal only hides from the Dashboard
                offered.left_out,
                {e.letter_id: letter_files.get(e.letter_id, "") for e in offered.expenses if e.letter_id is not None},
            )

        self.ctx.query(self, load, self._show_candidates).run_in_background()

    def _show_candidates(self, offer: Offer) -> None:
        message = offer.left_out.message if offer.left_out else None
        self.left_out_label.setText(message or "")
        self.left_out_label.setVisible(bool(message))
        previously = set(self.ticked_item_ids())
        first_fill = not self._candidates
        self._candidates, self._warnings = offer.expenses, offer.warnings
        self._filling = True
        self.expenses.setRowCount(0)
        for row_index, row in enumerate(offer.expenses):
            self.expenses.insertRow(row_index)
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            ticked = first_fill or row.item_id in previously
            tick.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            tick.setData(ITEM_ID_ROLE, row.item_id)
            self.expenses.setItem(row_index, 0, tick)
            letter_file = offer.letter_files.get(row.letter_id) if row.letter_id is not None else None
            letter = letter_file or ("—" if not row.needs_lmn else "")
            for column, text in enumerate(
                (
                    row.date.isoformat() if row.date else "—",
                    row.merchant or row.file,
                    row.description,
                    row.person or "—",
                    money_text(None if row.amount is None else str(row.amount)),
                    letter,
                ),
                start=1,
            ):
                cell = QTableWidgetItem(text or "")
                cell.setData(ITEM_ID_ROLE, row.item_id)
                if column == 5:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.expenses.setItem(row_index, column, cell)
        self._filling = False
        self._ticks_updated()
        self.candidatesLoaded.emit()

    def _tick_changed(self, cell: QTableWidgetItem) -> None:
        if not self._filling and cell.column() == 0:
            self._ticks_updated()

    def _tick_all(self, on: bool) -> None:
        self.set_ticked({r.item_id for r in self._candidates} if on else set())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        # Space on a selected expense row ticks it, whichever column has focus.
        if event.key() == Qt.Key.Key_Space and self.expenses.hasFocus() and self.expenses.currentRow() >= 0:
            cell = self.expenses.item(self.expenses.currentRow(), 0)
            cell.setCheckState(
                Qt.CheckState.Unchecked if cell.checkState() == Qt.CheckState.Checked else Qt.CheckState.Checked
            )
            return
        super().keyPressEvent(event)

    def _ticks_updated(self) -> None:
        ticked = set(self.ticked_item_ids())
        count = len(ticked)
        self.total_label.setText(
            f"{count} expense{'s' if count != 1 else ''} ticked — total {money_text(str(self.ticked_total()))}"
        )
        self.create_button.setEnabled(count > 0)
        self.draft_button.setEnabled(count > 0)
        from hsawallet.services.claims import warnings_for_expenses

        self.warnings.clear()
        qt_style = self.style()
        severity_icons: dict[str, QStyle.StandardPixmap] = {
            Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
            Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
        }
        relevant = warnings_for_expenses(self._warnings, [r for r in self._candidates if r.item_id in ticked])
        for warning in sorted(relevant, key=lambda w: not w.blocker):
            icon = severity_icons.get(warning.severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
            text = warning.message
            if warning.blocker:
                icon = QStyle.StandardPixmap.SP_MessageBoxCritical
                text = "Blocks the export: " + text
            if warning.dismissed:
                text += " (dismissed on the Dashboard; it still applies)"
            entry = QListWidgetItem(qt_style.standardIcon(icon), text)
            entry.setData(Qt.ItemDataRole.UserRole, warning)
            self.warnings.addItem(entry)
        if not self.warnings.count():
            item = QListWidgetItem(
                "No warnings about the ticked expenses."
                if ticked
                else "Tick the expenses to claim; their warnings show here."
            )
            item.setForeground(QBrush(QColor(style.TEXT_GOOD if ticked else style.TEXT_MUTED)))
            self.warnings.addItem(item)

    # ------------------------------------------------------------------ creating and exporting

    def _choose_folder_and_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the claim to folder", str(Path.home()))
        if folder:
            self.create_claim(Path(folder))

    def _busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.create_button.setEnabled(not busy and bool(self.ticked_item_ids()))
        self.draft_button.setEnabled(not busy and bool(self.ticked_item_ids()))
        self.busyChanged.emit(busy)
        if text:
            self.result_label.setText(text)

    def _claim_created(self, result: tuple[int, tuple[Path, Path] | None]) -> None:
        claim_id, paths = result
        self._busy(False)
        if paths:
            pdf, bundle = (Path(p) for p in paths)
            self.last_export = (pdf, bundle)
            self.result_label.setText(
                f"Claim {claim_id} exported: <b>{pdf.name}</b> and <b>{bundle.name}</b> in {pdf.parent}"
            )
            self.show_folder_button.show()
            self.exported.emit(str(pdf), str(bundle))
        else:
            self.result_label.setText(f"Claim {claim_id} saved as a draft; export it from the Claims tab.")
        self.ctx.show_status(f"Claim {claim_id} ready.")

    def _claim_failed(self, exc: BaseException) -> None:
        from hsawallet.services.claims import ExportBlocked

        self._busy(False)
        self.result_label.setText(f"<span style='color:{style.TEXT_BAD}'>Not done: {exc}</span>")
        if isinstance(exc, ExportBlocked) and self._export_dir is not None:
            self.result_label.setText(
                f"<span style='color:{style.TEXT_BAD}'>Claim {exc.claim_id} is saved but was not "
                "exported: a letter it uses would be refused.</span>"
            )
            if self._confirm_export_anyway(exc):
                self.export_claim(exc.claim_id, self._export_dir, anyway=True)

    def _confirm_export_anyway(self, exc: ExportBlocked) -> bool:
        """Ask before exporting a claim whose letter administrators would refuse; True for "Export anyway"."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Export the claim anyway?",
            f"Claim {exc.claim_id} relies on a letter an administrator would refuse:",
            parent=self,
        )
        box.setInformativeText(
            "\n\n".join(b.message for b in exc.blockers)
            + "\n\nCorrect the letter first (or what was misread), or export anyway: the "
            "packet's cover will say it was exported despite this."
        )
        anyway = box.addButton("Export &anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is anyway
