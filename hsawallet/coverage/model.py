"""Plain values the coverage rules work on; the store maps its rows to these.

Dates are ``datetime.date`` (a letter's ``valid_through`` is the effective, inclusive end);
money is ``decimal.Decimal``; unknown is None. Nothing here touches a database or Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from hsawallet.vocab import AccountType, Category, LinkStatus, Severity, WarningType

# Short names for the link statuses the rules speak of (best first: the order they prefer).
COVERED, BEFORE_LETTER, AFTER_EXPIRY, NO_LETTER, MANUAL, UNLINKED, UNDATED = LinkStatus
LINK_STATUSES = tuple(LinkStatus)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    dob: date | None = None


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    type: AccountType | str  # a str that is not an AccountType is reported by account_problems
    plan_start: date | None = None
    plan_end: date | None = None
    grace_end: date | None = None  # of the plan year plan_start..plan_end
    carryover: Decimal | None = None
    runout_end: date | None = None  # of the plan year plan_start..plan_end
    established: date | None = None  # HSA only


@dataclass(frozen=True)
class Letter:
    id: int
    file: str
    person_id: int | None = None
    patient_name: str | None = None
    patient_dob: date | None = None
    provider_name: str | None = None
    categories: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    issue_date: date | None = None
    valid_through: date | None = None  # effective, inclusive
    valid_through_stated: bool = False
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    id: int
    description: str
    amount: Decimal | None = None
    category: str = Category.NOT_ELIGIBLE.value
    needs_lmn: bool = False


@dataclass(frozen=True)
class Receipt:
    id: int
    file: str
    person_id: int | None = None  # the resolved patient; None = the receipt names no one
    merchant: str | None = None
    date: date | None = None
    total: Decimal | None = None
    account_id: int | None = None
    items: tuple[Item, ...] = ()
    document_sha256: str = ""


@dataclass(frozen=True)
class ManualLink:
    item_id: int
    letter_id: int | None  # None: the user explicitly unlinked the item


@dataclass(frozen=True)
class LinkResult:
    item_id: int
    receipt_id: int
    letter_id: int | None  # the covering letter (covered or manual), else None
    status: LinkStatus
    related_letter_id: int | None  # the letter the status is about (also for before/after)
    reason: str
    # A manual link the letter's own terms do not support: why (category, dates, patient).
    outside_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Warning:
    type: WarningType
    severity: Severity
    message: str
    receipt_id: int | None = None
    item_id: int | None = None  # the first item concerned; all of them in item_ids
    letter_id: int | None = None
    due: date | None = None
    amount: Decimal | None = None
    item_ids: tuple[int, ...] = ()
    account_id: int | None = None
    # Distinguishes warnings that share type/receipt/letter (claim_deadline: the plan year).
    scope: str = ""
    key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(
                self, "key", warning_key(self.type, self.receipt_id, self.letter_id, self.account_id, self.scope)
            )


def warning_key(
    type_: WarningType | str,
    receipt_id: int | None,
    letter_id: int | None,
    account_id: int | None = None,
    scope: str = "",
) -> str:
    """A stable identity for dismissals and notification dedupe: amounts and wording may change."""

    def part(value: object) -> str:
        return "-" if value is None else str(value)

    return ":".join((type_, part(receipt_id), part(letter_id), part(account_id), scope))
