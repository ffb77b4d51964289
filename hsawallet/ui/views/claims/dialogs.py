"""The Claims view's dialogs: the day of a status change (and a denial's reason), a reimbursement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from hsawallet.services.claim_records import ClaimRecord
from hsawallet.ui.widgets.record_table import money_text


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def day_picker(default: QDate, *, up_to_today: bool) -> QDateEdit:
    edit = QDateEdit(default)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if up_to_today:
        edit.setMaximumDate(QDate.currentDate())  # a status changes on the day it happened, never later
    return edit


def _ok_cancel(dialog: QDialog, form: QFormLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)


class ReimbursedDialog(QDialog):
    """Amount and date of a reimbursement (defaults: the claim total, today)."""

    def __init__(self, total: Decimal | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark claim reimbursed")
        self.amount = QLineEdit("" if total is None else f"{total:.2f}")
        self.amount.setPlaceholderText("0.00")
        self.on = day_picker(QDate.currentDate(), up_to_today=True)
        form = QFormLayout(self)
        form.addRow("&Amount reimbursed:", self.amount)
        form.addRow("&Paid on:", self.on)
        _ok_cancel(self, form)

    def values(self) -> tuple[Decimal | None, date]:
        """The amount (None: the claim's total) and the day; InvalidOperation when the amount is no number."""
        text = self.amount.text().replace("$", "").replace(",", "").strip()
        return (Decimal(text) if text else None), pydate(self.on.date())


class StatusDateDialog(QDialog):
    """The day a claim was submitted or denied (a date picker, default today), and a denial's reason."""

    def __init__(
        self, title: str, claim: ClaimRecord, *, with_reason: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.on = day_picker(QDate.currentDate(), up_to_today=True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. no itemized receipt")
        form = QFormLayout(self)
        form.addRow(QLabel(f"Claim {claim.id}: {claim.title} ({money_text(str(claim.total))})"))
        form.addRow("&On:", self.on)
        if with_reason:
            form.addRow("&Why did the administrator deny it?", self.reason)
        else:
            self.reason.hide()
        _ok_cancel(self, form)

    def values(self) -> tuple[date, str | None]:
        return pydate(self.on.date()), (self.reason.text().strip() or None)
