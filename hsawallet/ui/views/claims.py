"""Claims: build a claim from eligible expenses and export its packet; track claims; the shoebox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hsawallet.ui.widgets.record_table import money_text
from hsawallet.vocab import AccountType, ClaimStatus

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CLAIM_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_COLORS = {
    ClaimStatus.DRAFT: "#6b6b6b",
    ClaimStatus.SUBMITTED: "#1f5fa8",
    ClaimStatus.REIMBURSED: "#1e7b34",
    ClaimStatus.DENIED: "#b3261e",
}
EXPENSE_COLUMNS = ("", "Date", "Merchant", "Description", "Person", "Amount", "Letter")
CLAIM_COLUMNS = ("#", "Title", "Person", "Status", "Items", "Total", "Submitted", "Reimbursed", "Note")

ANY_DATE, THIS_YEAR, LAST_YEAR, PLAN_YEAR, CUSTOM = "all", "this_year", "last_year", "plan_year", "custom"


def claims_service():
    from hsawallet.services import claims

    return claims


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


class ReimbursedDialog(QDialog):
    """Amount and date of a reimbursement (defaults: the claim total, today)."""

    def __init__(self, total: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark claim reimbursed")
        self.amount = QLineEdit(total or "")
        self.amount.setPlaceholderText("0.00")
        self.on = QDateEdit(QDate.currentDate())
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setMaximumDate(QDate.currentDate())
        form = QFormLayout(self)
        form.addRow("&Amount reimbursed:", self.amount)
        form.addRow("&Paid on:", self.on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[Decimal | None, date]:
        text = self.amount.text().replace("$", "").replace(",", "").strip()
        return (Decimal(text) if text else None), _pydate(self.on.date())


class StatusDateDialog(QDialog):
    """The day a claim was submitted or denied (a date picker, default today), and a denial's reason."""

    def __init__(self, title: str, claim: dict, *, with_reason: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.on = QDateEdit(QDate.currentDate())
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setMaximumDate(QDate.currentDate())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. no itemized receipt")
        form = QFormLayout(self)
        form.addRow(QLabel(f"Claim {claim['id']}: {claim['title']} ({money_text(claim['total'])})"))
        form.addRow("&On:", self.on)
        if with_reason:
            form.addRow("&Why did the administrator deny it?", self.reason)
        else:
            self.reason.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[date, str | None]:
        return _pydate(self.on.date()), (self.reason.text().strip() or None)


class ClaimsView(QWidget):
    candidatesLoaded = Signal()
    exported = Signal(str, str)  # pdf path, zip path
    claimsLoaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._accounts: list[dict] = []
        self._candidates: list[dict] = []
        self._warnings: list[dict] = []
        self._claims: list[dict] = []
        self._filling = False
        self.last_export: tuple[Path, Path] | None = None
        self._export_dir: Path | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_new_claim(), "&New claim")
        self.tabs.addTab(self._build_claims(), "Cla&ims and shoebox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs)

        ctx.bridge.peopleChanged.connect(self.reload)
        ctx.bridge.documentsChanged.connect(self.reload_candidates)
        ctx.bridge.linksChanged.connect(self.reload_candidates)
        ctx.bridge.claimsChanged.connect(self.reload_claims)
        ctx.bridge.claimsChanged.connect(self.reload_candidates)
        self.reload()

    # ------------------------------------------------------------------ building

    def _build_new_claim(self) -> QWidget:
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
        self.date_from.setDate(_qdate(date(today.year, 1, 1)))
        self.date_to.setDate(_qdate(today))
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
        self.left_out_label.setStyleSheet("color: #8a5a00;")
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

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(split, 1)
        page_layout.addLayout(actions)
        return page

    def _build_claims(self) -> QWidget:
        self.claims_table = QTableWidget(0, len(CLAIM_COLUMNS))
        self.claims_table.setHorizontalHeaderLabels(list(CLAIM_COLUMNS))
        self.claims_table.setAccessibleName("Claims")
        self.claims_table.verticalHeader().hide()
        self.claims_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.claims_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.claims_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.claims_table.setAlternatingRowColors(True)
        header = self.claims_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.claims_table.itemSelectionChanged.connect(self._update_claim_buttons)

        self.export_again = QPushButton("&Export…")
        self.export_again.clicked.connect(self._export_selected_claim)
        self.mark_submitted = QPushButton("Mark &submitted")
        self.mark_submitted.clicked.connect(lambda: self._mark_with_dialog(ClaimStatus.SUBMITTED))
        self.mark_reimbursed = QPushButton("Mark &reimbursed…")
        self.mark_reimbursed.clicked.connect(lambda: self._mark_with_dialog(ClaimStatus.REIMBURSED))
        self.mark_denied = QPushButton("Mark de&nied…")
        self.mark_denied.clicked.connect(lambda: self._mark_with_dialog(ClaimStatus.DENIED))
        self.withdraw_button = QPushButton("&Withdraw…")
        self.withdraw_button.setToolTip("Take a submitted claim back to draft (it keeps its expenses)")
        self.withdraw_button.clicked.connect(lambda: self.withdraw_selected())
        self.delete_button = QPushButton("De&lete…")
        self.delete_button.setToolTip("Delete a draft claim; its expenses can be claimed again")
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.claim_message = QLabel()
        self.claim_message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.claim_message, 1)
        for button in (
            self.export_again,
            self.mark_submitted,
            self.mark_reimbursed,
            self.mark_denied,
            self.withdraw_button,
            self.delete_button,
        ):
            buttons.addWidget(button)

        claims_box = QGroupBox("Claims")
        claims_layout = QVBoxLayout(claims_box)
        claims_layout.addWidget(self.claims_table, 1)
        claims_layout.addLayout(buttons)

        self.shoebox = QTableWidget(0, 3)
        self.shoebox.setHorizontalHeaderLabels(["Account", "Period", "Not yet reimbursed"])
        self.shoebox.verticalHeader().hide()
        self.shoebox.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.shoebox.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.shoebox.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.shoebox.horizontalHeader().setStretchLastSection(True)
        self.shoebox.setToolTip(
            "HSA: eligible expenses you paid yourself and can still reimburse, with no "
            "deadline. FSA/HRA: unclaimed per plan year, with the claim deadline."
        )
        shoebox_box = QGroupBox("Shoebox")
        shoebox_layout = QVBoxLayout(shoebox_box)
        shoebox_layout.addWidget(self.shoebox)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(claims_box)
        split.addWidget(shoebox_box)
        split.setSizes([420, 220])
        page = QWidget()
        QVBoxLayout(page).addWidget(split)
        self._update_claim_buttons()
        return page

    # ------------------------------------------------------------------ public API

    def select_record(self, kind: str, claim_id: int) -> None:
        self.tabs.setCurrentIndex(1)
        self._select_claim(claim_id)

    def reload(self) -> None:
        from hsawallet.services.people import list_accounts, list_people

        def load(session):
            accounts = [
                {"id": a.id, "name": a.name, "type": a.type, "plan_start": a.plan_start, "plan_end": a.plan_end}
                for a in list_accounts(session)
            ]
            return accounts, [(p.id, p.name) for p in list_people(session)]

        self.ctx.query(self, load, self._show_filters).run_in_background()
        self.reload_claims()

    def ticked_item_ids(self) -> list[int]:
        out = []
        for row in range(self.expenses.rowCount()):
            cell = self.expenses.item(row, 0)
            if cell and cell.checkState() == Qt.CheckState.Checked:
                out.append(cell.data(ITEM_ID_ROLE))
        return out

    def ticked_total(self) -> Decimal:
        ticked = set(self.ticked_item_ids())
        return sum((Decimal(r["amount"] or "0") for r in self._candidates if r["item_id"] in ticked), Decimal("0"))

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

        def work(vault):
            claim = claims.new_claim(
                vault,
                account=account_id,
                person=str(person_id) if person_id else None,
                date_from=date_from,
                date_to=date_to,
                item_ids=item_ids,
            )
            paths = claims.export(vault, claim["id"], out_dir) if out_dir is not None else None
            return claim, paths

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
            lambda vault: ({"id": claim_id}, claims.export(vault, claim_id, out_dir, anyway=anyway)),
            self._claim_created,
        ).failure(self._claim_failed).with_progress("Exporting claim").run_in_background()

    def mark_selected(
        self, status: str, *, amount: Decimal | None = None, on: date | None = None, reason: str | None = None
    ) -> None:
        claim_id = self._selected_claim_id()
        if claim_id is None:
            return
        from hsawallet.services import claims

        def failed(exc: BaseException) -> None:
            self.claim_message.setText(f"<span style='color:#b3261e'>{exc}</span>")

        self.ctx.change(
            self,
            lambda vault: claims.mark(vault, claim_id, status, amount=amount, on=on, reason=reason),
            lambda claim: self.claim_message.setText(f"Claim {claim['id']} is now {claim['status']}."),
        ).failure(failed).run_in_background()

    def show_export_folder(self) -> None:
        if self.last_export:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_export[0].parent)))

    # ------------------------------------------------------------------ filters and candidates

    def _show_filters(self, result) -> None:
        accounts, people = result
        self._accounts = accounts
        current_account = self.account_combo.currentData()
        current_person = self.person_combo.currentData()
        self._filling = True
        self.account_combo.clear()
        for account in accounts:
            self.account_combo.addItem(f"{account['name']} ({account['type'].upper()})", account["id"])
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

    def _account_changed(self) -> None:
        if self._filling:
            return
        account = next((a for a in self._accounts if a["id"] == self.account_combo.currentData()), None)
        current = self.period_combo.currentData()
        self._filling = True
        self.period_combo.clear()
        self.period_combo.addItem("Any date", ANY_DATE)
        if account and account["plan_start"] and account["plan_end"]:
            self.period_combo.addItem(f"Plan year {account['plan_start']} to {account['plan_end']}", PLAN_YEAR)
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
            account = next((a for a in self._accounts if a["id"] == self.account_combo.currentData()), None)
            if account:
                return account["plan_start"], account["plan_end"]
        if key == CUSTOM:
            return _pydate(self.date_from.date()), _pydate(self.date_to.date())
        return None, None

    def reload_candidates(self) -> None:
        if self._filling:
            return
        account_id = self.account_combo.currentData()
        if account_id is None:
            self._show_candidates(([], [], None))
            return
        person_id = self.person_combo.currentData()
        date_from, date_to = self._period_range()
        vault = self.ctx.vault

        def load():
            from hsawallet.services import claims, records

            offered = claims.claim_candidates(
                vault, account_id, person=str(person_id) if person_id else None, date_from=date_from, date_to=date_to
            )
            rows = offered["expenses"]
            shown = claims.check_rows(vault)  # dismissed ones too: a dismissal only hides from the Dashboard
            with vault.session() as session:
                letter_files = records.file_maps(session)[1]
            for row in rows:
                row["letter_file"] = letter_files.get(row.get("letter_id"))
            return rows, shown, offered["left_out"]

        from hsawallet.ui.ops import QueryOp

        QueryOp(self, load, self._show_candidates).run_in_background()

    def _show_candidates(self, result) -> None:
        rows, warnings, left_out = result
        message = (left_out or {}).get("message")
        self.left_out_label.setText(message or "")
        self.left_out_label.setVisible(bool(message))
        previously = set(self.ticked_item_ids())
        first_fill = not self._candidates
        self._candidates, self._warnings = rows, warnings
        self._filling = True
        self.expenses.setRowCount(0)
        for row_index, row in enumerate(rows):
            self.expenses.insertRow(row_index)
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            ticked = first_fill or row["item_id"] in previously
            tick.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            tick.setData(ITEM_ID_ROLE, row["item_id"])
            self.expenses.setItem(row_index, 0, tick)
            letter = row.get("letter_file") or ("—" if not row.get("needs_lmn") else "")
            for column, text in enumerate(
                (
                    row.get("date") or "—",
                    row.get("merchant") or row.get("file"),
                    row.get("description"),
                    row.get("person") or "—",
                    money_text(row.get("amount")),
                    letter,
                ),
                start=1,
            ):
                cell = QTableWidgetItem(text or "")
                cell.setData(ITEM_ID_ROLE, row["item_id"])
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
        self.set_ticked({r["item_id"] for r in self._candidates} if on else set())

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
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
        style = self.style()
        relevant = warnings_for_expenses(self._warnings, [r for r in self._candidates if r["item_id"] in ticked])
        for warning in sorted(relevant, key=lambda w: not w["blocker"]):
            icon = {
                "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
            }.get(warning["severity"], QStyle.StandardPixmap.SP_MessageBoxInformation)
            text = warning["message"]
            if warning["blocker"]:
                icon = QStyle.StandardPixmap.SP_MessageBoxCritical
                text = "Blocks the export: " + text
            if warning.get("dismissed"):
                text += " (dismissed on the Dashboard; it still applies)"
            entry = QListWidgetItem(style.standardIcon(icon), text)
            entry.setData(Qt.ItemDataRole.UserRole, warning)
            self.warnings.addItem(entry)
        if not self.warnings.count():
            item = QListWidgetItem(
                "No warnings about the ticked expenses."
                if ticked
                else "Tick the expenses to claim; their warnings show here."
            )
            item.setForeground(QBrush(QColor("#1e7b34") if ticked else QColor("#6b6b6b")))
            self.warnings.addItem(item)

    # ------------------------------------------------------------------ creating and exporting

    def _choose_folder_and_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the claim to folder", str(Path.home()))
        if folder:
            self.create_claim(Path(folder))

    def _busy(self, busy: bool, text: str = "") -> None:
        self.progress.setVisible(busy)
        self.create_button.setEnabled(not busy and bool(self.ticked_item_ids()))
        self.draft_button.setEnabled(not busy and bool(self.ticked_item_ids()))
        self.export_again.setEnabled(not busy and self._selected_claim_id() is not None)
        if text:
            self.result_label.setText(text)

    def _claim_created(self, result) -> None:
        claim, paths = result
        self._busy(False)
        if paths:
            pdf, bundle = (Path(p) for p in paths)
            self.last_export = (pdf, bundle)
            self.result_label.setText(
                f"Claim {claim['id']} exported: <b>{pdf.name}</b> and <b>{bundle.name}</b> in {pdf.parent}"
            )
            self.show_folder_button.show()
            self.exported.emit(str(pdf), str(bundle))
        else:
            self.result_label.setText(f"Claim {claim['id']} saved as a draft; export it from the Claims tab.")
        self.ctx.show_status(f"Claim {claim['id']} ready.")

    def _claim_failed(self, exc: BaseException) -> None:
        from hsawallet.services.claims import ExportBlocked

        self._busy(False)
        self.result_label.setText(f"<span style='color:#b3261e'>Not done: {exc}</span>")
        if isinstance(exc, ExportBlocked) and self._export_dir is not None:
            self.result_label.setText(
                f"<span style='color:#b3261e'>Claim {exc.claim_id} is saved but was not "
                "exported: a letter it uses would be refused.</span>"
            )
            if self._confirm_export_anyway(exc):
                self.export_claim(exc.claim_id, self._export_dir, anyway=True)

    def _confirm_export_anyway(self, exc) -> bool:
        """Ask before exporting a claim whose letter administrators would refuse; True for "Export anyway"."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Export the claim anyway?",
            f"Claim {exc.claim_id} relies on a letter an administrator would refuse:",
            parent=self,
        )
        box.setInformativeText(
            "\n\n".join(b["message"] for b in exc.blockers)
            + "\n\nCorrect the letter first (or what was misread), or export anyway: the "
            "packet's cover will say it was exported despite this."
        )
        anyway = box.addButton("Export &anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is anyway

    # ------------------------------------------------------------------ claims list

    def reload_claims(self) -> None:
        vault = self.ctx.vault

        def load():
            from hsawallet.services import claims

            return claims.list_claims(vault), claims.shoebox(vault)

        from hsawallet.ui.ops import QueryOp

        QueryOp(self, load, self._show_claims).run_in_background()

    def _show_claims(self, result) -> None:
        claims_list, shoebox = result
        selected = self._selected_claim_id()
        self._claims = claims_list
        self.claims_table.setRowCount(0)
        for row, claim in enumerate(claims_list):
            self.claims_table.insertRow(row)
            note = "; ".join(
                n
                for n in (
                    f"denied {claim.get('denied_on') or ''}: {claim['denied_reason']}".replace("  ", " ")
                    if claim.get("denied_reason")
                    else "",
                    "made with “include claimed”: some expenses are in another claim too"
                    if claim.get("include_claimed")
                    else "",
                )
                if n
            )
            reimbursed = ""
            if claim.get("reimbursed_amount"):
                reimbursed = f"{money_text(claim['reimbursed_amount'])} on {claim.get('reimbursed_on') or '?'}"
            cells = (
                str(claim["id"]),
                claim["title"],
                claim.get("person") or "—",
                claim["status"].capitalize(),
                str(len(claim["items"])),
                money_text(claim["total"]),
                claim.get("submitted_on") or "—",
                reimbursed or "—",
                note,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(CLAIM_ID_ROLE, claim["id"])
                if column == 3:
                    cell.setForeground(QBrush(QColor(STATUS_COLORS.get(claim["status"], "#000000"))))
                if column == 5:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.claims_table.setItem(row, column, cell)
        if selected is not None:
            self._select_claim(selected)
        self._fill_shoebox(shoebox)
        self._update_claim_buttons()
        self.claimsLoaded.emit()

    def _fill_shoebox(self, shoebox: dict) -> None:
        rows: list[tuple[str, str, str]] = []
        for account in shoebox.get("accounts", []):
            name = f"{account['account']} ({account['type'].upper()})"
            if account["type"] == AccountType.HSA:
                for year, amount in account.get("per_year", {}).items():
                    rows.append((name, year, money_text(amount)))
                rows.append((name, "Total — no deadline", money_text(account.get("total_available"))))
            else:
                for plan_year in account.get("plan_years", []):
                    days = plan_year.get("days_left")
                    left = f"{days} days left" if days is not None and days >= 0 else "deadline passed"
                    rows.append(
                        (
                            name,
                            f"{plan_year['start']} to {plan_year['end']} — claim by {plan_year['deadline']} ({left})",
                            money_text(plan_year.get("unclaimed")),
                        )
                    )
        self.shoebox.setRowCount(0)
        for index, (name, period, amount) in enumerate(rows or [("", "Nothing waiting to be reimbursed.", "")]):
            self.shoebox.insertRow(index)
            for column, text in enumerate((name, period, amount)):
                cell = QTableWidgetItem(text)
                if column == 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if period.startswith("Total"):
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.shoebox.setItem(index, column, cell)

    def _selected_claim_id(self) -> int | None:
        rows = self.claims_table.selectionModel().selectedRows() if self.claims_table.selectionModel() else []
        if not rows:
            return None
        return self.claims_table.item(rows[0].row(), 0).data(CLAIM_ID_ROLE)

    def _select_claim(self, claim_id: int) -> bool:
        for row in range(self.claims_table.rowCount()):
            if self.claims_table.item(row, 0).data(CLAIM_ID_ROLE) == claim_id:
                self.claims_table.selectRow(row)
                return True
        return False

    def _selected_claim(self) -> dict | None:
        claim_id = self._selected_claim_id()
        return next((c for c in self._claims if c["id"] == claim_id), None)

    def _update_claim_buttons(self) -> None:
        claim = self._selected_claim()
        status = claim["status"] if claim else None
        self.export_again.setEnabled(claim is not None)
        self.mark_submitted.setEnabled(status == ClaimStatus.DRAFT)
        self.mark_reimbursed.setEnabled(status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED))
        self.mark_denied.setEnabled(status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED))
        self.withdraw_button.setEnabled(status == ClaimStatus.SUBMITTED)
        self.delete_button.setEnabled(status == ClaimStatus.DRAFT)

    def _export_selected_claim(self) -> None:
        claim_id = self._selected_claim_id()
        if claim_id is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Export the claim to folder", str(Path.home()))
        if folder:
            self.tabs.setCurrentIndex(0)
            self.export_claim(claim_id, Path(folder))

    def _mark_with_dialog(self, status: str) -> None:
        claim = self._selected_claim()
        if claim is None:
            return
        if status == ClaimStatus.SUBMITTED:
            dialog = StatusDateDialog("Mark claim submitted", claim, parent=self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.mark_selected(ClaimStatus.SUBMITTED, on=dialog.values()[0])
        elif status == ClaimStatus.REIMBURSED:
            paid = ReimbursedDialog(claim["total"], self)
            if paid.exec() == QDialog.DialogCode.Accepted:
                try:
                    amount, paid_on = paid.values()
                except InvalidOperation:
                    self.claim_message.setText(
                        "<span style='color:#b3261e'>The amount must be a number such as 42.17.</span>"
                    )
                    return
                self.mark_selected(ClaimStatus.REIMBURSED, amount=amount, on=paid_on)
        elif status == ClaimStatus.DENIED:
            denied = StatusDateDialog("Mark claim denied", claim, with_reason=True, parent=self)
            if denied.exec() == QDialog.DialogCode.Accepted:
                denied_on, reason = denied.values()
                self.mark_selected(ClaimStatus.DENIED, on=denied_on, reason=reason)

    def withdraw_selected(self, *, confirm: bool = True) -> None:
        """Submitted -> draft, after the user confirms."""
        claim = self._selected_claim()
        if claim is None:
            return
        if (
            confirm
            and QMessageBox.question(
                self,
                "Withdraw claim",
                f"Withdraw claim {claim['id']} ({money_text(claim['total'])}), submitted on "
                f"{claim.get('submitted_on') or '?'}? It goes back to draft and keeps its expenses. Tell the "
                "administrator too if they received it.",
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self._claim_change(
            lambda vault, claim_id: claims_service().withdraw(vault, claim_id),
            lambda c: f"Claim {c['id']} is a draft again.",
        )

    def delete_selected(self, *, confirm: bool = True) -> None:
        """Delete a draft claim, after the user confirms."""
        claim = self._selected_claim()
        if claim is None:
            return
        if (
            confirm
            and QMessageBox.question(
                self,
                "Delete claim",
                f"Delete draft claim {claim['id']} ({len(claim['items'])} expenses, {money_text(claim['total'])})? "
                "Its expenses can then go into another claim.",
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self._claim_change(
            lambda vault, claim_id: claims_service().delete_claim(vault, claim_id),
            lambda c: f"Claim {c['id']} deleted.",
        )

    def _claim_change(self, fn, message) -> None:
        claim_id = self._selected_claim_id()
        if claim_id is None:
            return

        def failed(exc: BaseException) -> None:
            self.claim_message.setText(f"<span style='color:#b3261e'>{exc}</span>")

        self.ctx.change(
            self, lambda vault: fn(vault, claim_id), lambda c: self.claim_message.setText(message(c))
        ).failure(failed).run_in_background()
