"""People & Accounts: household members and HSA/FSA/HRA accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.services import people
from hsawallet.services.vault import Vault
from hsawallet.ui import style, undo
from hsawallet.ui.context import AppContext, describe_error
from hsawallet.vocab import AccountType, RecordKind

ACCOUNT_TYPE_LABELS = {
    AccountType.HSA: "HSA",
    AccountType.FSA: "Health FSA",
    AccountType.LPFSA: "Limited-purpose FSA",
    AccountType.HRA: "HRA",
}
ACCOUNT_HEADERS = ("Name", "Type", "Plan year", "Grace period ends", "Carryover", "Run-out ends", "HSA established")


def _person_fields(person: Any) -> dict[str, Any]:
    """A person as PersonDialog.values gives it: what register_person and edit_person take."""
    return {"name": person.name, "dob": person.dob}


def _account_fields(account: Any) -> dict[str, Any]:
    """An account as AccountDialog.values gives it: what register_account and edit_account take."""
    return {"name": account.name, **{term: getattr(account, term) for term in people.ACCOUNT_TERMS}}


def _fmt(day: date | None) -> str:
    return day.isoformat() if day else ""


class OptionalDate(QLineEdit):
    """A date that may be left out: empty until one is typed (never today by default), and typed
    whole (2024-01-15 or 1/15/2024), never spun section by section."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = label
        self.setPlaceholderText("YYYY-MM-DD, or leave empty")
        self.setClearButtonEnabled(True)
        self.editingFinished.connect(self._tidy)

    def _tidy(self) -> None:
        try:
            day = self.value()
        except ValueError:
            return  # told when saved
        if day is not None:
            self.setText(day.isoformat())

    def value(self) -> date | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        parts = text.replace("-", "/").replace(".", "/").split("/")
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            try:
                return date(int(parts[2]), int(parts[0]), int(parts[1]))
            except ValueError:
                pass
        raise ValueError(f"'{text}' is not a date: write it as YYYY-MM-DD (or month/day/year).")

    def set_value(self, day: date | None) -> None:
        self.setText(day.isoformat() if day is not None else "")


class _FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None, action: str = "&Add") -> None:
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
        self.ok = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setProperty("primary", True)
        self.ok.setDefault(True)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.outer.addWidget(self.error)
        self.outer.addWidget(self.buttons)

    def values(self) -> dict[str, Any]:
        """What the user entered, as the service's keyword arguments; ValueError says what is wrong."""
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.ok.setEnabled(True)


_Dialog = TypeVar("_Dialog", bound=_FormDialog)


class PersonDialog(_FormDialog):
    def __init__(self, parent: QWidget | None = None, person=None) -> None:
        super().__init__(
            "Add a person" if person is None else f"Edit {person.name}", parent, "&Add" if person is None else "&Save"
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Alex Rivera")
        self.dob = OptionalDate("Known:")
        name_label = QLabel("&Name:")
        name_label.setBuddy(self.name)
        self.form.addRow(name_label, self.name)
        self.form.addRow("Date of birth:", self.dob)
        self.finish_layout()
        if person is not None:
            self.name.setText(person.name)
            self.dob.set_value(person.dob)

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "dob": self.dob.value()}


class AccountDialog(_FormDialog):
    def __init__(self, parent: QWidget | None = None, account=None) -> None:
        super().__init__(
            "Add an account" if account is None else f"Edit {account.name}",
            parent,
            "&Add" if account is None else "&Save",
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Employer FSA 2026")
        self.type = QComboBox()
        for kind, kind_label in ACCOUNT_TYPE_LABELS.items():
            self.type.addItem(kind_label, kind)
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
        if account is not None:
            self.name.setText(account.name)
            self.type.setCurrentIndex(max(0, self.type.findData(account.type)))
            for field in ("plan_start", "plan_end", "grace_end", "runout_end", "established"):
                getattr(self, field).set_value(getattr(account, field))
            self.carryover.setText(f"{account.carryover:.2f}" if account.carryover is not None else "")

    def _type_changed(self) -> None:
        kind = self.type.currentData()
        is_hsa = kind == AccountType.HSA
        for widget in (self.grace_end, self.carryover):
            widget.setEnabled(kind in (AccountType.FSA, AccountType.LPFSA))
        self.established.setEnabled(is_hsa)
        self.runout_end.setEnabled(not is_hsa)
        self.explain.setText(
            {
                AccountType.HSA: "HSA money never expires; expenses count from the day the HSA was established.",
                AccountType.FSA: "An FSA has either a grace period or a carryover, never both.",
                AccountType.LPFSA: "Limited to dental and vision expenses; grace period or carryover as your plan says.",
                AccountType.HRA: "Your employer's plan sets the plan year and the claim deadline.",
            }[kind]
        )

    def values(self) -> dict[str, Any]:
        carry = self.carryover.text().strip().replace("$", "").replace(",", "")
        try:
            carryover = Decimal(carry) if carry and self.carryover.isEnabled() else None
        except InvalidOperation:
            raise ValueError("The carryover must be an amount like 640 or 640.00.") from None
        kind = self.type.currentData()
        return {
            "name": self.name.text(),
            "type": kind,
            "plan_start": self.plan_start.value(),
            "plan_end": self.plan_end.value(),
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
        layout.addWidget(style.subtle("Who the receipts and letters are for, and the accounts that pay them back."))

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

        self._persons: dict[int, Any] = {}
        self._accounts: dict[int, Any] = {}
        self._dialog: _FormDialog | None = None  # the one open
        for table, edit, remove in (
            (self.people_table, self.edit_person, self.remove_person),
            (self.accounts_table, self.edit_account, self.remove_account),
        ):
            table.setToolTip("Double-click to edit; Delete removes (Edit > Undo puts it back)")
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(
                lambda pos, t=table, e=edit, r=remove: self._context_menu(t, pos, e, r)
            )
            table.itemDoubleClicked.connect(lambda item, e=edit: e(item.data(Qt.ItemDataRole.UserRole)))
            delete = QShortcut(QKeySequence.StandardKey.Delete, table)
            delete.setContext(Qt.ShortcutContext.WidgetShortcut)
            delete.activated.connect(lambda t=table, r=remove: self._on_selected(t, r))

        ctx.bridge.peopleChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        def load(session):
            return people.list_people(session), people.list_accounts(session)

        self.ctx.query(self, load, self._show).run_in_background()

    def _show(self, data) -> None:
        persons, accounts = data
        self._persons = {p.id: p for p in persons}
        self._accounts = {a.id: a for a in accounts}
        self.people_table.setRowCount(len(persons))
        for row, person in enumerate(persons):
            name = QTableWidgetItem(person.name)
            name.setData(Qt.ItemDataRole.UserRole, person.id)
            self.people_table.setItem(row, 0, name)
            self.people_table.setItem(row, 1, QTableWidgetItem(_fmt(person.dob)))
        self.accounts_table.setRowCount(len(accounts))
        for row, account in enumerate(accounts):
            plan = " – ".join(p for p in (_fmt(account.plan_start), _fmt(account.plan_end)) if p)
            cells = (
                account.name,
                ACCOUNT_TYPE_LABELS.get(account.type, account.type),
                plan,
                _fmt(account.grace_end),
                f"${account.carryover:,.2f}" if account.carryover is not None else "",
                _fmt(account.runout_end),
                _fmt(account.established),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, account.id)
                self.accounts_table.setItem(row, column, item)

    def select_record(self, kind: str, id: int) -> None:
        """Select person ``id`` or account ``id`` (the two share ids, so the kind decides the table)."""
        table = self.accounts_table if kind == RecordKind.ACCOUNT else self.people_table
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

    def _save(self, dialog: _FormDialog, add, then=None) -> None:
        try:
            values = dialog.values()
        except ValueError as exc:
            dialog.show_error(str(exc))
            return
        dialog.ok.setEnabled(False)

        def saved(_record) -> None:
            dialog.accept()
            self.ctx.show_status("Saved.", 3000)
            if then is not None:
                then(values)

        self.ctx.change(self, lambda vault: add(vault, values), saved).failure(
            lambda exc: dialog.show_error(describe_error(exc))
        ).run_in_background()

    # -- editing and removing (each change can be undone: Edit > Undo)
    @staticmethod
    def _selected_id(table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        item = table.item(rows[0].row(), 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _on_selected(self, table: QTableWidget, action) -> None:
        record_id = self._selected_id(table)
        if record_id is not None:
            action(record_id)

    def _context_menu(self, table: QTableWidget, pos, edit, remove) -> None:
        item = table.itemAt(pos)
        if item is None:
            return
        table.selectRow(item.row())
        record_id = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(table)
        menu.addAction("&Edit…", lambda: edit(record_id))
        menu.addAction("&Remove…", lambda: remove(record_id))
        menu.exec(table.viewport().mapToGlobal(pos))

    def edit_person(self, person_id: int) -> PersonDialog | None:
        old = self._persons.get(person_id)
        if old is None:
            return None
        return self._edit(PersonDialog(self, old), old.name, person_id, _person_fields(old), people.edit_person)

    def edit_account(self, account_id: int) -> AccountDialog | None:
        old = self._accounts.get(account_id)
        if old is None:
            return None
        return self._edit(AccountDialog(self, old), old.name, account_id, _account_fields(old), people.edit_account)

    def _edit(
        self, dialog: _Dialog, name: str, record_id: int, before: dict[str, Any], edit: Callable[..., object]
    ) -> _Dialog:
        """Open ``dialog`` on a stored record: Save writes its values through ``edit``; Edit > Undo
        writes the values ``before`` back."""
        key = str(record_id)

        def saved(values: dict[str, Any]) -> None:
            undo.record(
                self.ctx,
                f"Edit {name}",
                lambda vault: edit(vault, key, **before),
                lambda vault: edit(vault, key, **values),
                parent_widget=self,
            )

        dialog.ok.clicked.connect(lambda: self._save(dialog, lambda vault, values: edit(vault, key, **values), saved))
        dialog.open()
        self._dialog = dialog
        return dialog

    def remove_person(self, person_id: int) -> None:
        old = self._persons.get(person_id)
        if old is None or not undo.confirm(
            self,
            "Remove person",
            f"Remove {old.name} from the household? Their documents stay and are matched again without them.",
            "&Remove",
        ):
            return
        self._remove(old.name, person_id, _person_fields(old), people.register_person, people.remove_person)

    def remove_account(self, account_id: int) -> None:
        old = self._accounts.get(account_id)
        if old is None or not undo.confirm(self, "Remove account", f"Remove the account {old.name}?", "&Remove"):
            return
        self._remove(old.name, account_id, _account_fields(old), people.register_account, people.remove_account)

    def _remove(
        self,
        name: str,
        record_id: int,
        fields: dict[str, Any],
        register: Callable[..., Any],
        remove: Callable[[Vault, str], object],
    ) -> None:
        """Remove a stored record; Edit > Undo registers it again from ``fields`` (under a new id),
        which Redo removes."""
        text = f"Remove {name}"
        current = record_id

        def take_away(vault: Vault) -> object:
            return remove(vault, str(current))

        def put_back(vault: Vault) -> None:
            nonlocal current
            current = register(vault, **fields).id

        def removed(_record: object) -> None:
            self.ctx.show_status(f"{text}: done. Edit > Undo puts it back.", 5000)
            undo.record(self.ctx, text, put_back, take_away, parent_widget=self)

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self, text, describe_error(exc))

        self.ctx.change(self, take_away, removed).failure(failed).run_in_background()
