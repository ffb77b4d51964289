"""People & Accounts: household members and HSA/FSA/HRA accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.services import events, people
from hsawallet.ui import style
from hsawallet.ui.context import AppContext, describe_error
from hsawallet.vocab import AccountType

ACCOUNT_TYPE_LABELS = {AccountType.HSA: "HSA", AccountType.FSA: "Health FSA", AccountType.LPFSA: "Limited-purpose FSA",
                       AccountType.HRA: "HRA"}
ACCOUNT_HEADERS = ("Name", "Type", "Plan year", "Grace period ends", "Carryover", "Run-out ends", "HSA established")


def _fmt(day: date | None) -> str:
    return day.isoformat() if day else ""


class OptionalDate(QWidget):
    """A date that may be left out: a checkbox enables the date field."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(label)
        self.edit = QDateEdit(QDate.currentDate())
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setEnabled(False)
        self.enabled.toggled.connect(self.edit.setEnabled)
        row.addWidget(self.enabled)
        row.addWidget(self.edit, 1)
        self.setFocusProxy(self.enabled)

    def value(self) -> date | None:
        return self.edit.date().toPython() if self.enabled.isChecked() else None

    def set_value(self, day: date | None) -> None:
        self.enabled.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(QDate(day.year, day.month, day.day))


class _FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(22, 18, 22, 16)
        self.outer.addWidget(style.heading(title))
        self.form = QFormLayout()
        self.form.setSpacing(10)
        self.outer.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("&Add", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setProperty("primary", True)
        self.ok.setDefault(True)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.outer.addWidget(self.error)
        self.outer.addWidget(self.buttons)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.ok.setEnabled(True)


class PersonDialog(_FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add a person", parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Alex Rivera")
        self.dob = OptionalDate("Known:")
        name_label = QLabel("&Name:")
        name_label.setBuddy(self.name)
        self.form.addRow(name_label, self.name)
        self.form.addRow("Date of birth:", self.dob)
        self.finish_layout()

    def values(self) -> dict:
        return {"name": self.name.text(), "dob": self.dob.value()}


class AccountDialog(_FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add an account", parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Employer FSA 2026")
        self.type = QComboBox()
        for key, label in ACCOUNT_TYPE_LABELS.items():
            self.type.addItem(label, key)
        self.plan_start = OptionalDate("Set:")
        self.plan_end = OptionalDate("Set:")
        self.grace_end = OptionalDate("Has one:")
        self.carryover = QLineEdit()
        self.carryover.setPlaceholderText("amount carried into next year, if any")
        self.runout_end = OptionalDate("Set:")
        self.established = OptionalDate("Set:")
        self.explain = style.subtle("")
        for text, widget in (("&Name:", self.name), ("&Type:", self.type)):
            label = QLabel(text)
            label.setBuddy(widget)
            self.form.addRow(label, widget)
        self.form.addRow("Plan year starts:", self.plan_start)
        self.form.addRow("Plan year ends:", self.plan_end)
        self.form.addRow("Grace period ends:", self.grace_end)
        carry_label = QLabel("&Carryover:")
        carry_label.setBuddy(self.carryover)
        self.form.addRow(carry_label, self.carryover)
        self.form.addRow("Claims due by (run-out):", self.runout_end)
        self.form.addRow("HSA established:", self.established)
        self.form.addRow("", self.explain)
        self.type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()
        self.finish_layout()

    def _type_changed(self) -> None:
        kind = self.type.currentData()
        is_hsa = kind == AccountType.HSA
        for widget in (self.grace_end, self.carryover):
            widget.setEnabled(kind in (AccountType.FSA, AccountType.LPFSA))
        self.established.setEnabled(is_hsa)
        self.runout_end.setEnabled(not is_hsa)
        self.explain.setText({
            AccountType.HSA: "HSA money never expires; expenses count from the day the HSA was established.",
            AccountType.FSA: "An FSA has either a grace period or a carryover, never both.",
            AccountType.LPFSA: "Limited to dental and vision expenses; grace period or carryover as your plan says.",
            AccountType.HRA: "Your employer's plan sets the plan year and the claim deadline.",
        }[kind])

    def values(self) -> dict:
        carry = self.carryover.text().strip().replace("$", "").replace(",", "")
        try:
            carryover = Decimal(carry) if carry and self.carryover.isEnabled() else None
        except InvalidOperation:
            raise ValueError("The carryover must be an amount like 640 or 640.00.") from None
        kind = self.type.currentData()
        return {
            "name": self.name.text(), "type": kind,
            "plan_start": self.plan_start.value(), "plan_end": self.plan_end.value(),
            "grace_end": self.grace_end.value() if self.grace_end.isEnabled() else None,
            "carryover": carryover,
            "runout_end": self.runout_end.value() if self.runout_end.isEnabled() else None,
            "established": self.established.value() if self.established.isEnabled() else None,
        }


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(30)
    return table


class PeopleView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(style.heading("People & Accounts"))
        layout.addWidget(style.subtle(
            "Who the receipts and letters are for, and the accounts that pay them back."))

        people_head = QHBoxLayout()
        people_head.addWidget(QLabel("<b>People</b>"), 1)
        self.add_person_button = QPushButton(style.icon("add"), " Add &person…")
        self.add_person_button.clicked.connect(self.add_person)
        people_head.addWidget(self.add_person_button)
        layout.addLayout(people_head)
        self.people_table = _table(("Name", "Date of birth"))
        self.people_table.setMaximumHeight(220)
        layout.addWidget(self.people_table)

        accounts_head = QHBoxLayout()
        accounts_head.addWidget(QLabel("<b>Accounts</b>"), 1)
        self.add_account_button = QPushButton(style.icon("add"), " Add &account…")
        self.add_account_button.clicked.connect(self.add_account)
        accounts_head.addWidget(self.add_account_button)
        layout.addSpacing(8)
        layout.addLayout(accounts_head)
        self.accounts_table = _table(ACCOUNT_HEADERS)
        layout.addWidget(self.accounts_table, 1)

        ctx.bridge.peopleChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        def load(session):
            return people.list_people(session), people.list_accounts(session)

        self.ctx.query(self, load, self._show).run_in_background()

    def _show(self, data) -> None:
        persons, accounts = data
        self.people_table.setRowCount(len(persons))
        for row, person in enumerate(persons):
            name = QTableWidgetItem(person.name)
            name.setData(Qt.ItemDataRole.UserRole, person.id)
            self.people_table.setItem(row, 0, name)
            self.people_table.setItem(row, 1, QTableWidgetItem(_fmt(person.dob)))
        self.accounts_table.setRowCount(len(accounts))
        for row, account in enumerate(accounts):
            plan = " – ".join(p for p in (_fmt(account.plan_start), _fmt(account.plan_end)) if p)
            cells = (account.name, ACCOUNT_TYPE_LABELS.get(account.type, account.type), plan,
                     _fmt(account.grace_end), f"${account.carryover:,.2f}" if account.carryover is not None else "",
                     _fmt(account.runout_end), _fmt(account.established))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, account.id)
                self.accounts_table.setItem(row, column, item)

    def select_record(self, id: int) -> None:
        for table in (self.people_table, self.accounts_table):
            for row in range(table.rowCount()):
                item = table.item(row, 0)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == id:
                    table.selectRow(row)
                    return

    def add_person(self) -> None:
        dialog = PersonDialog(self)
        dialog.ok.clicked.connect(lambda: self._save(dialog, lambda vault, v: people.register_person(vault, **v)))
        dialog.open()
        self._dialog = dialog

    def add_account(self) -> None:
        dialog = AccountDialog(self)
        dialog.ok.clicked.connect(lambda: self._save(dialog, lambda vault, v: people.register_account(vault, **v)))
        dialog.open()
        self._dialog = dialog

    def _save(self, dialog: _FormDialog, add) -> None:
        try:
            values = dialog.values()  # type: ignore[attr-defined]
        except ValueError as exc:
            dialog.show_error(str(exc))
            return
        dialog.ok.setEnabled(False)

        def saved(_record) -> None:
            dialog.accept()
            self.ctx.bridge.emit_now(events.PEOPLE_CHANGED)
            self.ctx.show_status("Saved.", 3000)

        self.ctx.change(self, lambda vault: add(vault, values), saved) \
            .failure(lambda exc: dialog.show_error(describe_error(exc))).run_in_background()
