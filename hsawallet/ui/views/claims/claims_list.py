"""The Claims tab: every claim (its status changes, export, withdraw, delete) and the shoebox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.services.claim_records import ClaimRecord, HsaShoebox, Shoebox
from hsawallet.ui import style
from hsawallet.ui.models.lazy_table import LazyColumn, LazyTable, LazyTableModel
from hsawallet.ui.views.claims.dialogs import ReimbursedDialog, StatusDateDialog
from hsawallet.ui.widgets.record_table import money_text
from hsawallet.vocab import ClaimStatus

SHOEBOX_TOTAL = "Total — no deadline"
STATUS_COLORS = {
    ClaimStatus.DRAFT: style.TEXT_MUTED,
    ClaimStatus.SUBMITTED: style.TEXT_INFO,
    ClaimStatus.REIMBURSED: style.TEXT_GOOD,
    ClaimStatus.DENIED: style.TEXT_BAD,
}
BY_ID = "id"  # the list's one order: the claims' ids, oldest first


def claim_note(claim: ClaimRecord) -> str:
    """Why a claim is as it is: a denial's day and reason, or that it was made with "include claimed"."""
    notes = []
    if claim.denied_reason:
        notes.append(f"denied {claim.denied_on or ''}: {claim.denied_reason}".replace("  ", " "))
    if claim.include_claimed:
        notes.append("made with “include claimed”: some expenses are in another claim too")
    return "; ".join(notes)


def _reimbursed(claim: ClaimRecord) -> str:
    if not claim.reimbursed_amount:
        return "—"
    return f"{money_text(str(claim.reimbursed_amount))} on {claim.reimbursed_on or '?'}"


CLAIM_COLUMNS = (
    LazyColumn("#", lambda c: str(c.id), BY_ID),
    LazyColumn("Title", lambda c: c.title),
    LazyColumn("Person", lambda c: c.person or "—"),
    LazyColumn(
        "Status",
        lambda c: c.status.capitalize(),
        foreground=lambda c: QBrush(QColor(STATUS_COLORS.get(c.status, style.TEXT))),
    ),
    LazyColumn("Items", lambda c: str(len(c.items))),
    LazyColumn("Total", lambda c: money_text(str(c.total)), align_right=True),
    LazyColumn("Submitted", lambda c: str(c.submitted_on) if c.submitted_on else "—"),
    LazyColumn("Reimbursed", _reimbursed),
    LazyColumn("Note", claim_note),
)
COL_TITLE, COL_STATUS = 1, 3


def claims_model(ctx: Any, parent: QWidget | None = None) -> LazyTableModel:
    """The claims, oldest first; a page of records at a time (services.claims.claim_ids, claims_by_id)."""
    from hsawallet.services import claims

    return LazyTableModel(
        ctx,
        CLAIM_COLUMNS,
        lambda session, _sort, descending, _words: claims.claim_ids(session, descending=descending),
        lambda session, ids: claims.claims_by_id(session, ids),
        parent,
        descending=False,
    )


class ClaimsListTab(QWidget):
    claimsLoaded = Signal()  # the list and the shoebox are shown
    exportRequested = Signal(int, object)  # claim id, the folder chosen (a Path)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._exporting = False
        self._shoebox_shown = False
        self._selected_before: int | None = None  # kept selected across a reload
        self._build()

    def _build(self) -> None:
        self.model = claims_model(self.ctx, self)
        self.claims_table = LazyTable(self.model, "Claims")
        header = self.claims_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.claims_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.idsLoaded.connect(self._ids_loaded)
        self.model.rowsLoaded.connect(self._rows_loaded)

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
        QVBoxLayout(self).addWidget(split)
        self._update_buttons()

    # ------------------------------------------------------------------ public API

    def reload(self) -> None:
        """The claims (ids now, records as their rows show) and the shoebox."""
        from hsawallet.services import claims

        self._selected_before = self.selected_claim_id()
        self._shoebox_shown = False
        self.model.refresh()
        self.ctx.query(self, claims.shoebox, self._show_shoebox).run_in_background()

    def select_claim(self, claim_id: int) -> bool:
        return self.claims_table.select_id(claim_id)

    def selected_claim_id(self) -> int | None:
        return self.claims_table.current_id()

    def selected_claim(self) -> ClaimRecord | None:
        claim_id = self.selected_claim_id()
        return None if claim_id is None else self.model.record(claim_id)

    def set_exporting(self, busy: bool) -> None:
        """One export at a time: the New claim tab says when one runs."""
        self._exporting = busy
        self._update_buttons()

    def mark_selected(
        self, status: str, *, amount: Decimal | None = None, on: date | None = None, reason: str | None = None
    ) -> None:
        from hsawallet.services import claims

        self._claim_change(
            lambda vault, claim_id: claims.mark(vault, claim_id, status, amount=amount, on=on, reason=reason),
            lambda claim: f"Claim {claim.id} is now {claim.status}.",
        )

    def withdraw_selected(self, *, confirm: bool = True) -> None:
        """Submitted -> draft, after the user confirms."""
        claim = self.selected_claim()
        if claim is None:
            return
        if confirm and not self._confirmed(
            "Withdraw claim",
            f"Withdraw claim {claim.id} ({money_text(str(claim.total))}), submitted on "
            f"{claim.submitted_on or '?'}? It goes back to draft and keeps its expenses. Tell the "
            "administrator too if they received it.",
        ):
            return
        from hsawallet.services import claims

        self._claim_change(claims.withdraw, lambda c: f"Claim {c.id} is a draft again.")

    def delete_selected(self, *, confirm: bool = True) -> None:
        """Delete a draft claim, after the user confirms."""
        claim = self.selected_claim()
        if claim is None:
            return
        if confirm and not self._confirmed(
            "Delete claim",
            f"Delete draft claim {claim.id} ({len(claim.items)} expenses, {money_text(str(claim.total))})? "
            "Its expenses can then go into another claim.",
        ):
            return
        from hsawallet.services import claims

        self._claim_change(claims.delete_claim, lambda c: f"Claim {c.id} deleted.")

    def _confirmed(self, title: str, question: str) -> bool:
        return QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------ showing

    def _ids_loaded(self) -> None:
        if self._selected_before is not None:
            self.select_claim(self._selected_before)
        self._update_buttons()

    def _rows_loaded(self) -> None:
        self._update_buttons()
        self._loaded_part()

    def _show_shoebox(self, shoebox: Shoebox) -> None:
        rows: list[tuple[str, str, str]] = []
        for account in shoebox.accounts:
            name = f"{account.account} ({account.type.upper()})"
            if isinstance(account, HsaShoebox):
                for year, available in account.per_year.items():
                    rows.append((name, str(year), money_text(str(available))))
                rows.append((name, SHOEBOX_TOTAL, money_text(str(account.total_available))))
            else:
                for plan_year in account.plan_years:
                    days = plan_year.days_left
                    left = f"{days} days left" if days >= 0 else "deadline passed"
                    rows.append(
                        (
                            name,
                            f"{plan_year.start} to {plan_year.end} — claim by {plan_year.deadline} ({left})",
                            money_text(str(plan_year.unclaimed)),
                        )
                    )
        self.shoebox.setRowCount(0)
        for index, (name, period, amount) in enumerate(rows or [("", "Nothing waiting to be reimbursed.", "")]):
            self.shoebox.insertRow(index)
            for column, text in enumerate((name, period, amount)):
                cell = QTableWidgetItem(text)
                if column == 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if period == SHOEBOX_TOTAL:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.shoebox.setItem(index, column, cell)
        self._shoebox_shown = True
        self._loaded_part()

    def _loaded_part(self) -> None:
        """claimsLoaded once the shoebox and the first page of claims are both shown."""
        first_page_there = self.model.rowCount() == 0 or self.model.record(self.model.id_at(0)) is not None
        if self._shoebox_shown and first_page_there:
            self.claimsLoaded.emit()

    def _update_buttons(self) -> None:
        claim = self.selected_claim()
        status = claim.status if claim else None
        self.export_again.setEnabled(claim is not None and not self._exporting)
        self.mark_submitted.setEnabled(status == ClaimStatus.DRAFT)
        self.mark_reimbursed.setEnabled(status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED))
        self.mark_denied.setEnabled(status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED))
        self.withdraw_button.setEnabled(status == ClaimStatus.SUBMITTED)
        self.delete_button.setEnabled(status == ClaimStatus.DRAFT)

    # ------------------------------------------------------------------ acting

    def _export_selected_claim(self) -> None:
        claim_id = self.selected_claim_id()
        if claim_id is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Export the claim to folder", str(Path.home()))
        if folder:
            self.exportRequested.emit(claim_id, Path(folder))

    def _mark_with_dialog(self, status: str) -> None:
        claim = self.selected_claim()
        if claim is None:
            return
        if status == ClaimStatus.SUBMITTED:
            dialog = StatusDateDialog("Mark claim submitted", claim, parent=self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.mark_selected(ClaimStatus.SUBMITTED, on=dialog.values()[0])
        elif status == ClaimStatus.REIMBURSED:
            paid = ReimbursedDialog(claim.total, self)
            if paid.exec() == QDialog.DialogCode.Accepted:
                try:
                    amount, paid_on = paid.values()
                except InvalidOperation:
                    self.claim_message.setText(
                        f"<span style='color:{style.TEXT_BAD}'>The amount must be a number such as 42.17.</span>"
                    )
                    return
                self.mark_selected(ClaimStatus.REIMBURSED, amount=amount, on=paid_on)
        elif status == ClaimStatus.DENIED:
            denied = StatusDateDialog("Mark claim denied", claim, with_reason=True, parent=self)
            if denied.exec() == QDialog.DialogCode.Accepted:
                denied_on, reason = denied.values()
                self.mark_selected(ClaimStatus.DENIED, on=denied_on, reason=reason)

    def _claim_change(self, fn: Callable[[Any, int], ClaimRecord], message: Callable[[ClaimRecord], str]) -> None:
        claim_id = self.selected_claim_id()
        if claim_id is None:
            return

        def failed(exc: BaseException) -> None:
            self.claim_message.setText(f"<span style='color:{style.TEXT_BAD}'>{exc}</span>")

        self.ctx.change(
            self, lambda vault: fn(vault, claim_id), lambda claim: self.claim_message.setText(message(claim))
        ).failure(failed).run_in_background()
