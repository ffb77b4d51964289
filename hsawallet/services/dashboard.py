"""What the Dashboard shows: the warnings grouped by kind and person with counts, this year's money per
account, the coming deadlines, claimed and unclaimed per account and year, and whether the vault is
still empty (the first-run steps). The CLI's `check` and the GUI read the same warnings
(``coverage.check``); grouping and filtering them happen here, never on the UI thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from hsawallet.coverage.model import Warning
from hsawallet.services import claims, coverage
from hsawallet.services.people import list_accounts
from hsawallet.store.engine import Vault
from hsawallet.store.models import Document, LineItem, Person, Receipt
from hsawallet.vocab import DATED_WARNING_TYPES, RecordKind, Severity, WarningType, severity_rank

# What each kind of warning is called in the Dashboard's groups.
WARNING_TITLES: dict[str, str] = {
    WarningType.PURCHASE_BEFORE_LETTER: "Bought before the letter",
    WarningType.PURCHASE_AFTER_EXPIRY: "Bought after the letter expired",
    WarningType.NEEDS_LMN_MISSING: "Needs a letter, has none",
    WarningType.LETTER_EXPIRING_SOON: "Letter expiring soon",
    WarningType.LETTER_EXPIRED: "Letter expired",
    WarningType.LETTER_INCOMPLETE: "Letter incomplete",
    WarningType.CLAIM_DEADLINE: "Claim deadline",
    WarningType.BEFORE_HSA_ESTABLISHED: "Before the HSA was opened",
    WarningType.POSSIBLE_DUPLICATE: "Possible duplicate",
    WarningType.MANUAL_LINK_OUTSIDE_TERMS: "Linked by hand outside the letter's terms",
    WarningType.LETTER_UNKNOWN_PERSON: "Letter for someone not in People",
}
HOUSEHOLD = "Household"  # the group of warnings about no one person (an account's deadline)


@dataclass(frozen=True, slots=True)
class WarningRow:
    key: str
    type: str  # a WarningType
    severity: str  # a Severity
    message: str
    dismissed: bool
    person: str  # whose: the household member of its receipt or letter, else the name printed, else HOUSEHOLD
    receipt_id: int | None = None
    item_id: int | None = None
    letter_id: int | None = None
    account_id: int | None = None
    due: date | None = None
    amount: Decimal | None = None
    patient_name: str | None = None  # letter_unknown_person: the name the letter prints
    letter_file: str | None = None
    provider: str | None = None  # the letter's


@dataclass(frozen=True, slots=True)
class WarningGroup:
    """Warnings of one kind about one person; the summary is worked out once, on the worker."""

    type: str
    person: str
    rows: tuple[WarningRow, ...]
    severity: str  # the most severe of its rows
    urgent: int  # errors not dismissed
    due: date | None  # the earliest due day

    @classmethod
    def of(cls, kind: str, person: str, rows: Iterable[WarningRow]) -> WarningGroup:
        ordered = tuple(sorted(rows, key=_order))
        return cls(
            kind,
            person,
            ordered,
            min((r.severity for r in ordered), key=severity_rank, default=Severity.WARNING),
            sum(1 for r in ordered if r.severity == Severity.ERROR and not r.dismissed),
            min((r.due for r in ordered if r.due), default=None),
        )

    @property
    def title(self) -> str:
        return WARNING_TITLES.get(self.type, self.type.replace("_", " ").capitalize())

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class AccountYear:
    account: str
    spent: Decimal = Decimal("0")
    covered: Decimal = Decimal("0")
    unclaimed: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class ChartBar:
    label: str  # "account year"
    claimed: Decimal
    unclaimed: Decimal


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date
    what: str
    warning: WarningRow


@dataclass
class DashboardData:
    groups: list[WarningGroup] = field(default_factory=list)
    totals: list[AccountYear] = field(default_factory=list)  # this year, per account
    deadlines: list[Deadline] = field(default_factory=list)
    chart: list[ChartBar] = field(default_factory=list)
    year: int = 0
    people: list[tuple[int, str]] = field(default_factory=list)  # for "Assign to…"
    first_run: bool = False  # no documents yet

    @property
    def warnings(self) -> list[WarningRow]:
        return [row for group in self.groups for row in group.rows]


def record_for_warning(warning: WarningRow) -> tuple[RecordKind, int] | None:
    """Which record a warning is about: the receipt first, else the letter, else the account."""
    if warning.receipt_id is not None:
        return RecordKind.RECEIPT, warning.receipt_id
    if warning.letter_id is not None:
        return RecordKind.LETTER, warning.letter_id
    if warning.account_id is not None:
        return RecordKind.ACCOUNT, warning.account_id
    return None


def _order(row: WarningRow) -> tuple[bool, int, str]:
    return row.dismissed, severity_rank(row.severity), row.due.isoformat() if row.due else "9999"


def group_warnings(rows: Iterable[WarningRow]) -> list[WarningGroup]:
    """Groups by kind and person; the most severe group first, then the largest; rows most urgent first."""
    grouped: dict[tuple[str, str], list[WarningRow]] = defaultdict(list)
    for row in rows:
        grouped[(row.type, row.person)].append(row)
    groups = [WarningGroup.of(kind, person, found) for (kind, person), found in grouped.items()]
    kinds = list(WarningType)
    groups.sort(
        key=lambda g: (
            all(r.dismissed for r in g.rows),
            severity_rank(g.severity),
            kinds.index(WarningType(g.type)) if g.type in kinds else len(kinds),
            g.person == HOUSEHOLD,
            g.person.casefold(),
        )
    )
    return groups


def filter_groups(groups: Sequence[WarningGroup], words: str) -> list[WarningGroup]:
    """The groups' rows whose message, kind or person holds every word (case-insensitive); empty groups go."""
    needles = [w.casefold() for w in words.split()]
    if not needles:
        return list(groups)
    out = []
    for group in groups:
        prefix = f"{group.title} {group.person}".casefold()
        kept = tuple(r for r in group.rows if all(n in prefix or n in r.message.casefold() for n in needles))
        if kept:
            out.append(WarningGroup.of(group.type, group.person, kept))
    return out


def _warning_rows(session: Session, warnings: list[Warning], dismissed: frozenset[str]) -> list[WarningRow]:
    # only the receipts and letters the warnings name (a few thousand at most, not every record)
    names = {p.id: p.name for p in session.exec(select(Person))}
    connection = session.connection()
    receipt_ids = ", ".join(str(int(i)) for i in {w.receipt_id for w in warnings if w.receipt_id is not None})
    receipt_people: dict[int, int | None] = dict(
        connection.execute(text(f"SELECT id, person_id FROM receipt WHERE id IN ({receipt_ids})")).tuples().all()
    )
    letter_ids = ", ".join(str(int(i)) for i in {w.letter_id for w in warnings if w.letter_id is not None})
    letters: dict[int, tuple[int | None, str | None, str | None, str | None]] = {
        letter_id: (person_id, patient, file_name, provider)
        for letter_id, person_id, patient, file_name, provider in connection.execute(
            text(
                "SELECT l.id, l.person_id, l.patient_name, d.file_name, l.provider_name FROM letter l "
                f"JOIN document d ON d.id = l.document_id WHERE l.id IN ({letter_ids})"
            )
        )
    }
    rows = []
    for warning in warnings:
        person_id = receipt_people.get(warning.receipt_id) if warning.receipt_id is not None else None
        letter = letters.get(warning.letter_id) if warning.letter_id is not None else None
        if person_id is None and letter is not None:
            person_id = letter[0]
        person = names.get(person_id) if person_id is not None else None
        if person is None and letter is not None and letter[1]:
            person = letter[1]  # as the letter prints it (no one in People)
        key = coverage.warning_key(warning)
        rows.append(
            WarningRow(
                key=key,
                type=warning.type,
                severity=warning.severity,
                message=warning.message,
                dismissed=key in dismissed,
                person=person or HOUSEHOLD,
                receipt_id=warning.receipt_id,
                item_id=warning.item_id,
                letter_id=warning.letter_id,
                account_id=warning.account_id,
                due=warning.due,
                amount=warning.amount,
                patient_name=letter[1] if letter is not None else None,
                letter_file=letter[2] if letter is not None else None,
                provider=letter[3] if letter is not None else None,
            )
        )
    return rows


def is_first_run(session: Session) -> bool:
    """No document in the vault yet (the Dashboard shows the first steps; people may already be there)."""
    return session.exec(select(func.count()).select_from(Document)).one() == 0


def load(vault: Vault, *, today: date | None = None, include_dismissed: bool = False) -> DashboardData:
    """Everything the Dashboard shows as of ``today`` (runs on a worker thread)."""
    today = today or date.today()
    data = DashboardData(year=today.year)
    with vault.session() as session:
        warnings = coverage.check(session, as_of=today, include_dismissed=include_dismissed)
        data.first_run = is_first_run(session)
        rows = _warning_rows(session, warnings, coverage.dismissed_keys(session))
        data.groups = group_warnings(rows)
        data.people = [(p.id, p.name) for p in session.exec(select(Person).order_by(col(Person.id))) if p.id]
        accounts = list_accounts(session)
        offered = {
            a.id: claims.claim_candidates(session, a.id, include_claimed=True).expenses for a in accounts if a.id
        }
        spent: dict[int | None, Decimal] = defaultdict(Decimal)
        year_items = session.exec(
            select(col(LineItem.amount), col(Document.account_id))
            .join(Receipt, col(Receipt.id) == LineItem.receipt_id)
            .join(Document, col(Document.id) == Receipt.document_id)
            .where(col(Receipt.date) >= date(today.year, 1, 1), col(Receipt.date) <= date(today.year, 12, 31))
        )
        for amount, account_id in year_items:
            spent[account_id] += amount or Decimal("0")

    for account in accounts:
        if account.id is None:
            continue
        # receipts not filed under an account count for each account, as claims.claim_candidates does
        line = AccountYear(
            account=account.name, spent=spent.get(account.id, Decimal("0")) + spent.get(None, Decimal("0"))
        )
        per_year: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
        for expense in offered[account.id]:
            amount = expense.amount or Decimal("0")
            year = expense.date.year if expense.date else None
            if year == today.year:
                line.covered += amount
                if not expense.claimed:
                    line.unclaimed += amount
            if year is not None:
                per_year[year][0 if expense.claimed else 1] += amount
        data.totals.append(line)
        for year in sorted(per_year):
            claimed, unclaimed = per_year[year]
            data.chart.append(ChartBar(f"{account.name} {year}", claimed, unclaimed))

    for row in data.warnings:
        if row.dismissed or row.due is None or row.type not in DATED_WARNING_TYPES:
            continue
        if row.type == WarningType.CLAIM_DEADLINE:
            stake = f"${row.amount:,.2f}" if row.amount is not None else "money"
            what = f"Claim deadline: {stake} unclaimed"
        else:
            whose = f"{row.person}'s letter" if row.person != HOUSEHOLD else f"Letter {row.letter_file or ''}".strip()
            what = f"{whose} from {row.provider} expires" if row.provider else f"{whose} expires"
        data.deadlines.append(Deadline(row.due, what, row))
    data.deadlines.sort(key=lambda d: d.due)
    return data
