"""Money still to be claimed: the HSA "shoebox" and unclaimed FSA plan years.

Pure functions over plain rows; the store maps vault rows onto ShoeboxExpense.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from hsawallet.vocab import AccountType, ClaimStatus

ZERO = Decimal("0")
# FSAs whose unclaimed money is lost at the plan year's deadline (an HRA's plan decides itself).
FORFEITING_TYPES = (AccountType.FSA, AccountType.LPFSA)


@dataclass(frozen=True)
class ShoeboxExpense:
    item_id: int | None
    receipt_id: int
    date: date | None
    amount: Decimal
    account_type: AccountType | str
    eligible: bool
    claim_status: ClaimStatus | str | None  # None: in no claim
    reimbursed_amount: Decimal | None  # for "reimbursed": None means the whole amount


@dataclass
class ShoeboxSummary:
    per_year: dict[int, Decimal]  # year of the expense -> amount still available
    total_available: Decimal
    count: int  # expenses with something still available
    undated: Decimal = ZERO  # part of the total without a date (not in per_year)
    partially_reimbursed: int = 0
    item_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PlanYear:
    start: date
    end: date  # last day an expense can be incurred (include any grace period)
    deadline: date  # last day to file a claim (end of the run-out period)


@dataclass(frozen=True)
class FsaUnclaimed:
    plan_year: PlanYear
    deadline: date
    amount: Decimal
    count: int

    def __iter__(self) -> Iterator[object]:  # unpacks as (plan_year, deadline, amount)
        return iter((self.plan_year, self.deadline, self.amount))


def remaining(expense: ShoeboxExpense) -> Decimal:
    """What is left to reimburse for one expense (never negative)."""
    if expense.claim_status != ClaimStatus.REIMBURSED:
        return max(expense.amount, ZERO)
    if expense.reimbursed_amount is None:
        return ZERO
    return max(expense.amount - expense.reimbursed_amount, ZERO)


def hsa_shoebox(expenses: Iterable[ShoeboxExpense]) -> ShoeboxSummary:
    """Eligible HSA expenses not yet reimbursed (partial reimbursements count their remainder).

    Draft, submitted and denied claims are not reimbursements, so their expenses still
    count: HSA self-reimbursement has no deadline.
    """
    per_year: dict[int, Decimal] = {}
    total = undated = ZERO
    count = partial = 0
    item_ids: list[int] = []
    for expense in expenses:
        if not expense.eligible or expense.account_type != AccountType.HSA:
            continue
        left = remaining(expense)
        if left <= ZERO:
            continue
        count += 1
        total += left
        if expense.claim_status == ClaimStatus.REIMBURSED:
            partial += 1
        if expense.item_id is not None:
            item_ids.append(expense.item_id)
        if expense.date is None:
            undated += left
        else:
            per_year[expense.date.year] = per_year.get(expense.date.year, ZERO) + left
    return ShoeboxSummary(
        per_year=dict(sorted(per_year.items())),
        total_available=total,
        count=count,
        undated=undated,
        partially_reimbursed=partial,
        item_ids=item_ids,
    )


def fsa_unclaimed(
    expenses: Iterable[ShoeboxExpense],
    plan_years: Iterable[PlanYear | tuple[date, date, date]],
) -> list[FsaUnclaimed]:
    """Per plan year (in the order given): eligible FSA expenses incurred in it and not
    yet in a submitted claim, with the filing deadline. Years with nothing left are
    included with amount 0 so the caller can show "all claimed". Whether the
    deadline has passed is the caller's call (it knows today's date).
    """
    years = [y if isinstance(y, PlanYear) else PlanYear(*y) for y in plan_years]
    fsa = [
        e
        for e in expenses
        if e.eligible
        and e.date is not None
        and e.account_type in FORFEITING_TYPES
        and e.claim_status in (None, ClaimStatus.DRAFT)
    ]
    # A grace period overlaps the next plan year; such expenses go to the earlier year first.
    assigned: dict[int, list[ShoeboxExpense]] = {i: [] for i in range(len(years))}
    by_start = sorted(range(len(years)), key=lambda i: years[i].start)
    for expense in fsa:
        for i in by_start:
            if expense.date is not None and years[i].start <= expense.date <= years[i].end:
                assigned[i].append(expense)
                break
    result = []
    for i, year in enumerate(years):
        amount = sum((max(e.amount, ZERO) for e in assigned[i]), ZERO)
        result.append(FsaUnclaimed(year, year.deadline, amount, len(assigned[i])))
    return result
