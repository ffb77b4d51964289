"""Dashboard: what needs attention, this year's money per account, deadlines, claimed vs unclaimed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsawallet.ui.widgets.bar_chart import BarChart, BarGroup
from hsawallet.ui.widgets.record_table import money_text
from hsawallet.vocab import DATED_WARNING_TYPES, RecordKind, Severity, WarningType, severity_rank

WARNING_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ICONS = {
    Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
}


@dataclass
class AccountYear:
    account: str
    spent: Decimal = Decimal("0")
    covered: Decimal = Decimal("0")
    unclaimed: Decimal = Decimal("0")


@dataclass
class DashboardData:
    warnings: list[dict] = field(default_factory=list)  # warning_json + "dismissed"
    totals: list[AccountYear] = field(default_factory=list)  # this year, per account
    deadlines: list[dict] = field(default_factory=list)  # {"due", "what", "kind", "id"}
    chart: list[BarGroup] = field(default_factory=list)  # per (account, year): claimed, unclaimed
    year: int = 0
    people: list[tuple[int, str]] = field(default_factory=list)  # for "Assign to…"


def load_dashboard(vault, today: date | None = None, include_dismissed: bool = False) -> DashboardData:
    """Worker-side: everything the dashboard shows, from the core services."""
    from sqlmodel import select

    from hsawallet.services import claims, coverage, records
    from hsawallet.services.people import list_accounts
    from hsawallet.store.models import Document, Letter, LineItem, Person, Receipt

    today = today or date.today()
    data = DashboardData(year=today.year)
    warnings = coverage.check(vault, as_of=today, include_dismissed=include_dismissed)
    with vault.session() as session:
        dismissed = coverage.dismissed_keys(session)
        files = records.file_maps(session)
        letters = {l.id: l for l in session.exec(select(Letter))}
        for warning in warnings:
            entry = records.warning_json(session, warning, files, dismissed)
            entry["account_id"] = getattr(warning, "account_id", None)
            if warning.type == WarningType.LETTER_UNKNOWN_PERSON and warning.letter_id in letters:
                entry["patient_name"] = letters[warning.letter_id].patient_name
            data.warnings.append(entry)
        data.people = [(p.id, p.name) for p in session.exec(select(Person).order_by(Person.id))]
        accounts = list_accounts(session)
        spent: dict[int | None, Decimal] = defaultdict(Decimal)
        rows = session.exec(
            select(LineItem.amount, Document.account_id)
            .join(Receipt, Receipt.id == LineItem.receipt_id)
            .join(Document, Document.id == Receipt.document_id)
            .where(Receipt.date >= date(today.year, 1, 1), Receipt.date <= date(today.year, 12, 31))
        )
        for amount, account_id in rows:
            spent[account_id] += amount or Decimal("0")
    data.warnings.sort(key=lambda w: (w["dismissed"], severity_rank(w["severity"]), w["due"] or "9999"))

    for account in accounts:
        # receipts not filed under an account count for each account, as claims.candidate_expenses does
        line = AccountYear(
            account=account.name, spent=spent.get(account.id, Decimal("0")) + spent.get(None, Decimal("0"))
        )
        per_year: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
        for row in claims.candidate_expenses(vault, account.id, include_claimed=True):
            amount = Decimal(row["amount"] or "0")
            year = int(row["date"][:4]) if row.get("date") else None
            if year == today.year:
                line.covered += amount
                if not row["claimed"]:
                    line.unclaimed += amount
            if year is not None:
                per_year[year][0 if row["claimed"] else 1] += amount
        data.totals.append(line)
        for year in sorted(per_year):
            claimed, unclaimed = per_year[year]
            data.chart.append(BarGroup(f"{account.name} {year}", (claimed, unclaimed)))

    for warning in data.warnings:
        if warning["dismissed"] or not warning["due"] or warning["type"] not in DATED_WARNING_TYPES:
            continue
        if warning["type"] == WarningType.CLAIM_DEADLINE:
            what = f"Claim deadline — {money_text(warning['amount'])} unclaimed"
        else:
            what = f"Letter {warning.get('letter_file') or ''} expires".replace("  ", " ")
        data.deadlines.append({"due": warning["due"], "what": what, "message": warning["message"], "warning": warning})
    data.deadlines.sort(key=lambda d: d["due"])
    return data


def record_for_warning(warning: dict) -> tuple[RecordKind, int] | None:
    """Which record a warning is about: the receipt first, else the letter, else the account."""
    if warning.get("receipt_id") is not None:
        return RecordKind.RECEIPT, warning["receipt_id"]
    if warning.get("letter_id") is not None:
        return RecordKind.LETTER, warning["letter_id"]
    if warning.get("account_id") is not None:
        return RecordKind.ACCOUNT, warning["account_id"]
    return None


class DashboardView(QWidget):
    """Needs attention (Enter opens the record, Delete dismisses), totals, deadlines and a chart."""

    loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data = DashboardData()

        # ---- needs attention
        self.attention = QListWidget()
        self.attention.setWordWrap(True)
        self.attention.setUniformItemSizes(False)
        self.attention.setResizeMode(QListView.ResizeMode.Adjust)
        self.attention.setSpacing(3)
        self.attention.setIconSize(QSize(22, 22))
        self.attention.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.attention.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attention.setAccessibleName("Needs attention")
        self.attention.setToolTip("Enter or double-click opens the receipt or letter; Delete dismisses")
        self.attention.itemActivated.connect(self.open_warning)
        self.attention.currentItemChanged.connect(lambda *_: self._update_buttons())

        self.open_button = QPushButton("&Open")
        self.open_button.setToolTip("Show the receipt or letter this warning is about (Enter)")
        self.open_button.clicked.connect(lambda: self.open_warning(self.attention.currentItem()))
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setToolTip("Hide this warning; it stays hidden until you restore it (Delete)")
        self.dismiss_button.clicked.connect(self.dismiss_current)
        # One-click answers to "whose letter is this?" (letter_unknown_person).
        self.add_person_button = QPushButton("&Add person")
        self.add_person_button.setToolTip("Add the patient this letter names to People")
        self.add_person_button.clicked.connect(self.add_letter_patient)
        self.assign_button = QPushButton("Assign &to…")
        self.assign_button.setToolTip("Say which household member this letter is for")
        self.assign_menu = QMenu(self.assign_button)
        self.assign_menu.triggered.connect(lambda action: self.assign_letter(action.data()))
        self.assign_button.setMenu(self.assign_menu)
        self.show_dismissed = QCheckBox("Show dis&missed")
        self.show_dismissed.toggled.connect(lambda _on: self.reload())
        self.attention_summary = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.attention_summary, 1)
        buttons.addWidget(self.show_dismissed)
        buttons.addWidget(self.add_person_button)
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.dismiss_button)
        attention_box = QGroupBox("Needs attention")
        attention_layout = QVBoxLayout(attention_box)
        attention_layout.addWidget(self.attention, 1)
        attention_layout.addLayout(buttons)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.attention)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.dismiss_current)

        # ---- this year per account
        self.totals = QTableWidget(0, 4)
        self.totals.setHorizontalHeaderLabels(["Account", "Spent", "Eligible", "Unclaimed"])
        self.totals.verticalHeader().hide()
        self.totals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.totals.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.totals.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.totals.setToolTip(
            "Spent: every line item this year. Eligible: items you can claim (covered by a "
            "letter where one is needed). Unclaimed: eligible and not in a submitted or "
            "reimbursed claim."
        )
        self.totals_box = QGroupBox("This year")
        totals_layout = QVBoxLayout(self.totals_box)
        totals_layout.addWidget(self.totals)

        # ---- deadlines
        self.deadlines = QTreeWidget()
        self.deadlines.setHeaderLabels(["Due", "What"])
        self.deadlines.setRootIsDecorated(False)
        self.deadlines.setAccessibleName("Upcoming deadlines")
        self.deadlines.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.deadlines.itemActivated.connect(lambda item, _col: self.open_warning(item))
        deadlines_box = QGroupBox("Upcoming deadlines")
        deadlines_layout = QVBoxLayout(deadlines_box)
        deadlines_layout.addWidget(self.deadlines)

        # ---- chart
        self.chart = BarChart(("Claimed", "Unclaimed"), ("#2e7d32", "#f0a020"))
        chart_box = QGroupBox("Claimed and unclaimed, per account and year")
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.addWidget(self.chart)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.totals_box)
        right.addWidget(deadlines_box)
        right.addWidget(chart_box)
        right.setSizes([170, 190, 300])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(attention_box)
        splitter.addWidget(right)
        splitter.setSizes([700, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        for signal in (
            ctx.bridge.documentsChanged,
            ctx.bridge.linksChanged,
            ctx.bridge.claimsChanged,
            ctx.bridge.peopleChanged,
        ):
            signal.connect(self.reload)
        self._update_buttons()
        self.reload()

    # ------------------------------------------------------------------ public API

    def warnings_shown(self) -> list[dict]:
        return [self.attention.item(i).data(WARNING_ROLE) for i in range(self.attention.count())]

    def reload(self) -> None:
        include = self.show_dismissed.isChecked()
        vault = self.ctx.vault
        from hsawallet.ui.ops import QueryOp

        QueryOp(self, lambda: load_dashboard(vault, include_dismissed=include), self._show).run_in_background()

    def open_warning(self, item: QListWidgetItem | QTreeWidgetItem | None) -> None:
        if item is None:
            return
        warning = item.data(WARNING_ROLE) if isinstance(item, QListWidgetItem) else item.data(0, WARNING_ROLE)
        target = record_for_warning(warning) if warning else None
        if target is not None:
            self.ctx.open_record(*target)

    def _current_warning(self) -> dict | None:
        item = self.attention.currentItem()
        return item.data(WARNING_ROLE) if item else None

    def add_letter_patient(self) -> None:
        """Add the current letter_unknown_person warning's patient to People (the letter then covers)."""
        warning = self._current_warning()
        if not warning or warning["type"] != WarningType.LETTER_UNKNOWN_PERSON:
            return
        from hsawallet.services import coverage

        letter_id, name = warning["letter_id"], warning.get("patient_name")
        self.ctx.change(
            self,
            lambda vault: coverage.add_letter_patient(vault, letter_id),
            lambda _id: self.ctx.show_status(f"{name} added to People."),
        ).run_in_background()

    def assign_letter(self, person_id: int) -> None:
        """Assign the current letter_unknown_person warning's letter to a household member."""
        warning = self._current_warning()
        if not warning or warning["type"] != WarningType.LETTER_UNKNOWN_PERSON:
            return
        from hsawallet.services import coverage

        letter_id = warning["letter_id"]
        name = dict(self.data.people).get(person_id, "")
        self.ctx.change(
            self,
            lambda vault: coverage.assign_letter(vault, letter_id, person_id),
            lambda _r: self.ctx.show_status(f"Letter assigned to {name}."),
        ).run_in_background()

    def dismiss_current(self) -> None:
        item = self.attention.currentItem()
        warning = item.data(WARNING_ROLE) if item else None
        if not warning:
            return
        from hsawallet.services import coverage

        key, restore = warning["key"], warning.get("dismissed", False)
        self.ctx.change(
            self,
            lambda vault: coverage.dismiss_warning(vault, key, not restore),
            lambda _r: self.ctx.show_status(
                "Warning restored." if restore else "Warning dismissed. Tick “Show dismissed” to see it again."
            ),
        ).run_in_background()

    # ------------------------------------------------------------------ drawing

    def _show(self, data: DashboardData) -> None:
        self.data = data
        current = self.attention.currentItem()
        current_key = (current.data(WARNING_ROLE) or {}).get("key") if current else None
        self.attention.clear()
        style = self.style()
        select = None
        for warning in data.warnings:
            details = [
                f"due {warning['due']}" if warning["due"] else "",
                f"{money_text(warning['amount'])} at stake" if warning["amount"] else "",
                "dismissed" if warning.get("dismissed") else "",
            ]
            details_text = " · ".join(d for d in details if d)
            item = QListWidgetItem(warning["message"] + (f"\n{details_text}" if details_text else ""))
            item.setIcon(
                style.standardIcon(
                    SEVERITY_ICONS.get(warning["severity"], QStyle.StandardPixmap.SP_MessageBoxInformation)
                )
            )
            item.setData(WARNING_ROLE, warning)
            item.setToolTip(f"{warning['severity'].capitalize()}: {warning['message']}")
            if warning.get("dismissed"):
                item.setForeground(self.palette().brush(self.palette().ColorRole.PlaceholderText))
            self.attention.addItem(item)
            if warning["key"] == current_key:
                select = item
        if select is None and self.attention.count():
            select = self.attention.item(0)
        if select is not None:
            self.attention.setCurrentItem(select)
        active = [w for w in data.warnings if not w.get("dismissed")]
        errors = sum(1 for w in active if w["severity"] == Severity.ERROR)
        if active:
            self.attention_summary.setText(f"{len(active)} to look at" + (f", {errors} urgent" if errors else ""))
        else:
            self.attention_summary.setText("Nothing needs your attention. ✓")

        self.totals_box.setTitle(f"This year ({data.year})")
        self.totals.setRowCount(0)
        for row, line in enumerate(data.totals):
            self.totals.insertRow(row)
            for column, text in enumerate(
                (
                    line.account,
                    money_text(str(line.spent)),
                    money_text(str(line.covered)),
                    money_text(str(line.unclaimed)),
                )
            ):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.totals.setItem(row, column, cell)
        if not data.totals:
            self.totals.insertRow(0)
            self.totals.setItem(0, 0, QTableWidgetItem("No accounts yet — add one under People & accounts."))
            self.totals.setSpan(0, 0, 1, 4)

        self.deadlines.clear()
        for deadline in data.deadlines:
            item = QTreeWidgetItem([deadline["due"], deadline["what"]])
            item.setToolTip(1, deadline["message"])
            item.setData(0, WARNING_ROLE, deadline["warning"])
            self.deadlines.addTopLevelItem(item)
        if not data.deadlines:
            self.deadlines.addTopLevelItem(QTreeWidgetItem(["", "No deadlines coming up."]))

        self.chart.set_groups(data.chart, "No eligible expenses yet.")
        self._update_buttons()
        self.loaded.emit()

    def _update_buttons(self) -> None:
        item = self.attention.currentItem()
        warning = item.data(WARNING_ROLE) if item else None
        self.open_button.setEnabled(bool(warning) and record_for_warning(warning) is not None)
        self.dismiss_button.setEnabled(bool(warning))
        self.dismiss_button.setText("&Restore" if warning and warning.get("dismissed") else "&Dismiss")
        unknown = bool(warning) and warning["type"] == WarningType.LETTER_UNKNOWN_PERSON
        self.add_person_button.setVisible(unknown and bool(warning.get("patient_name")))
        if unknown and warning.get("patient_name"):
            self.add_person_button.setText(f"&Add {warning['patient_name']} to People")
        self.assign_button.setVisible(unknown)
        self.assign_button.setEnabled(unknown and bool(self.data.people))
        self.assign_menu.clear()
        for person_id, name in self.data.people:
            action = self.assign_menu.addAction(name)
            action.setData(person_id)
