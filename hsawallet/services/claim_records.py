"""What the claims service returns: typed records for the GUI; the CLI prints them as JSON
through `records.jsonable` (field names are the JSON keys of ../shared/CLI.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from hsawallet.services.records import NOT_IN_JSON


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """A claim that holds an expense."""

    id: int
    status: str  # a ClaimStatus


@dataclass(frozen=True, slots=True)
class LineOfReceipt:
    """A receipt's line item and where it stands: its receipt, the receipt's document and day."""

    item_id: int
    receipt_id: int
    document_id: int
    file: str
    date: date | None
    merchant: str | None
    description: str


@dataclass(frozen=True, slots=True)
class Expense(LineOfReceipt):
    """A line item as a new claim sees it: whether it can be claimed, why not, which claims hold it."""

    amount: Decimal | None
    category: str  # a Category
    needs_lmn: bool
    person_id: int | None
    person: str | None
    letter_id: int | None  # the letter that covers it
    eligible: bool
    why_not: str
    claimed: bool  # a submitted or reimbursed claim holds it
    in_claim: tuple[ClaimRef, ...]  # the live claims (not denied) that hold it
    claims: tuple[ClaimRef, ...] = field(default=(), metadata=NOT_IN_JSON)  # every claim that holds it


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Eligible expenses a new claim leaves out because a live claim holds them, and what to do."""

    count: int
    amount: Decimal
    claims: tuple[int, ...]
    message: str | None


@dataclass(frozen=True, slots=True)
class Candidates:
    expenses: tuple[Expense, ...]
    left_out: LeftOut


@dataclass(frozen=True, slots=True)
class ClaimLine(LineOfReceipt):
    """One expense in a claim."""

    amount: Decimal
    letter_id: int | None


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    id: int
    title: str
    account: str | None
    account_type: str | None  # an AccountType
    person: str | None
    status: str  # a ClaimStatus
    created: date
    items: tuple[ClaimLine, ...]
    total: Decimal
    submitted_on: date | None
    reimbursed_amount: Decimal | None
    reimbursed_on: date | None
    denied_on: date | None
    denied_reason: str | None
    include_claimed: bool  # made with "include claimed": some expenses may be in another claim too


@dataclass(frozen=True, slots=True)
class NewClaim:
    claim: ClaimRecord
    left_out: LeftOut


@dataclass(frozen=True, slots=True)
class ClaimWarning:
    """A warning of the check (dismissed ones too: a dismissal hides it from the Dashboard only)."""

    type: str  # a WarningType
    severity: str
    message: str
    receipt_id: int | None
    item_ids: tuple[int, ...]
    letter_id: int | None
    dismissed: bool
    blocker: bool = False  # stops the export of a claim it matters to (see warnings_for_expenses)

    def as_blocker(self, blocker: bool) -> ClaimWarning:
        return replace(self, blocker=blocker)


@dataclass(frozen=True, slots=True)
class HsaShoebox:
    """An HSA's eligible expenses not yet reimbursed, per year; no deadline."""

    account: str
    type: str
    per_year: dict[int, Decimal]
    total_available: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class PlanYearShoebox:
    start: date
    end: date
    deadline: date
    unclaimed: Decimal
    count: int
    days_left: int


@dataclass(frozen=True, slots=True)
class PlanShoebox:
    """An FSA's or HRA's unclaimed expenses per plan year, with the claim deadline."""

    account: str
    type: str
    plan_years: tuple[PlanYearShoebox, ...]


@dataclass(frozen=True, slots=True)
class Shoebox:
    accounts: tuple[HsaShoebox | PlanShoebox, ...]
