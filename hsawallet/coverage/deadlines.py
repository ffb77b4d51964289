"""Plan-year arithmetic for FSA / limited-purpose FSA / HRA accounts (and the HSA start date).

An account stores one plan year (plan_start..plan_end) with that year's grace end and
run-out end; other years repeat it shifted by whole years. An FSA has either a grace
period (at most 2 months 15 days after the plan year, Notice 2005-42) or a carryover
(Notice 2013-71), never both; claims are due by the end of the run-out period.
An HSA has no claim deadline; only expenses incurred once it was established qualify.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from hsawallet.vocab import DEADLINE_ACCOUNT_TYPES, AccountType

from .model import Account

PlanYear = tuple[date, date]

# The longest grace period the IRS allows (Notice 2005-42).
MAX_GRACE = relativedelta(months=2, days=15)
# A plan year that does not start on 1 January holds days of two calendar years: the one containing a day
# starts in the day's year or one before or after.
_YEAR_SLACK = 1
# Shifting a plan year by whole years moves its deadline by about as much; this many years of margin either way
# never misses one whose run-out or grace crosses a calendar year.
_DEADLINE_SLACK_YEARS = 2
# Plan types whose unclaimed money is forfeited after the run-out period.


def _shift(d: date, years: int) -> date:
    return d + relativedelta(years=years)


def _offset(account: Account, plan_year: PlanYear) -> int | None:
    if account.plan_start is None:
        return None
    years = plan_year[0].year - account.plan_start.year
    return years if account.plan_start + relativedelta(years=years) == plan_year[0] else None


def plan_year_for(account: Account, d: date) -> PlanYear | None:
    """The plan year (start, end inclusive) containing ``d``, or None when the plan dates are unknown."""
    if account.plan_start is None or account.plan_end is None or account.plan_end < account.plan_start:
        return None
    guess = d.year - account.plan_start.year
    for years in range(guess - _YEAR_SLACK, guess + _YEAR_SLACK + 1):
        start, end = _shift(account.plan_start, years), _shift(account.plan_end, years)
        if start <= d <= end:
            return start, end
    return None


def grace_end(account: Account, plan_year: PlanYear) -> date | None:
    """Last day an expense may still be incurred against ``plan_year`` under a grace period."""
    years = _offset(account, plan_year)
    if years is None or account.grace_end is None or account.carryover:
        return None
    end = _shift(account.grace_end, years)
    return min(end, plan_year[1] + MAX_GRACE)


def incurred_window(account: Account, plan_year: PlanYear) -> PlanYear:
    """First and last day (inclusive) an expense can be charged to ``plan_year``."""
    return plan_year[0], grace_end(account, plan_year) or plan_year[1]


def claim_deadline(account: Account, plan_year: PlanYear) -> date | None:
    """Last day to file claims for ``plan_year``: the run-out end, else (unknown run-out, to be
    safe) the grace end or plan-year end. None for an HSA, which has no deadline."""
    if account.type not in DEADLINE_ACCOUNT_TYPES:
        return None
    years = _offset(account, plan_year)
    runout = _shift(account.runout_end, years) if years is not None and account.runout_end is not None else None
    if runout is not None:
        return runout
    return incurred_window(account, plan_year)[1]


def plan_years_for_dates(account: Account, dates: list[date]) -> list[PlanYear]:
    """Every plan year an expense on one of ``dates`` could be charged to, oldest first
    (a grace-period date counts for the year before as well)."""
    years: set[PlanYear] = set()
    for d in dates:
        current = plan_year_for(account, d)
        if current is None:
            continue
        years.add(current)
        previous = plan_year_for(account, current[0] - relativedelta(days=1))
        if previous is not None and incurred_window(account, previous)[1] >= d:
            years.add(previous)
    return sorted(years)


def plan_years_due(account: Account, first_day: date, last_day: date) -> list[PlanYear]:
    """The plan years whose claim deadline falls in [first_day, last_day] (every plan year is the account's
    one shifted by whole years, so only the few shifts near those days can qualify)."""
    if account.plan_start is None or account.plan_end is None or account.plan_end < account.plan_start:
        return []
    base = claim_deadline(account, (account.plan_start, account.plan_end))
    if base is None:
        return []
    due = []
    for years in range(
        first_day.year - base.year - _DEADLINE_SLACK_YEARS, last_day.year - base.year + _DEADLINE_SLACK_YEARS + 1
    ):
        plan_year = (_shift(account.plan_start, years), _shift(account.plan_end, years))
        deadline = claim_deadline(account, plan_year)
        if deadline is not None and first_day <= deadline <= last_day:
            due.append(plan_year)
    return due


def before_established(account: Account, d: date) -> bool:
    """True for an HSA expense incurred before the HSA existed (IRS Notice 2004-50 Q&A-39)."""
    return account.type == AccountType.HSA and account.established is not None and d < account.established


def account_problems(account: Account) -> list[str]:
    """Settings an administrator would not accept, in words."""
    problems = []
    if account.type not in tuple(AccountType):
        problems.append(f"unknown account type {account.type!r} (use one of {', '.join(AccountType)})")
    if account.plan_start and account.plan_end and account.plan_end < account.plan_start:
        problems.append("the plan year ends before it starts")
    if account.grace_end is not None and account.carryover:
        problems.append("a plan has either a grace period or a carryover, never both")
    if account.grace_end is not None and account.plan_end is not None:
        if account.grace_end < account.plan_end:
            problems.append("the grace period ends before the plan year does")
        elif account.grace_end > account.plan_end + MAX_GRACE:
            problems.append("a grace period lasts at most 2 months and 15 days after the plan year")
    if account.runout_end is not None and account.plan_end is not None and account.runout_end < account.plan_end:
        problems.append("the run-out period ends before the plan year does")
    if account.type == AccountType.HSA and (account.grace_end is not None or account.carryover):
        problems.append("an HSA has no grace period or carryover")
    return problems
