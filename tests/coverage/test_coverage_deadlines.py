from datetime import date
from decimal import Decimal

from hsawallet.coverage import (
    Account,
    account_problems,
    before_established,
    claim_deadline,
    grace_end,
    incurred_window,
    plan_year_for,
    plan_years_for_dates,
)

CALENDAR = Account(
    1, "FSA", "fsa", date(2026, 1, 1), date(2026, 12, 31), grace_end=date(2027, 3, 15), runout_end=date(2027, 3, 31)
)
JULY = Account(
    2, "FSA", "fsa", date(2025, 7, 1), date(2026, 6, 30), carryover=Decimal("640.00"), runout_end=date(2026, 9, 30)
)


def test_plan_year_repeats_the_configured_one():
    assert plan_year_for(CALENDAR, date(2026, 6, 1)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert plan_year_for(CALENDAR, date(2025, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert plan_year_for(CALENDAR, date(2028, 1, 1)) == (date(2028, 1, 1), date(2028, 12, 31))
    assert plan_year_for(JULY, date(2026, 7, 1)) == (date(2026, 7, 1), date(2027, 6, 30))
    assert plan_year_for(JULY, date(2025, 6, 30)) == (date(2024, 7, 1), date(2025, 6, 30))
    assert plan_year_for(Account(3, "x", "fsa"), date(2026, 1, 1)) is None


def test_grace_and_run_out_shift_with_the_plan_year():
    previous = (date(2025, 1, 1), date(2025, 12, 31))
    assert grace_end(CALENDAR, previous) == date(2026, 3, 15)
    assert claim_deadline(CALENDAR, previous) == date(2026, 3, 31)
    assert incurred_window(CALENDAR, previous) == (date(2025, 1, 1), date(2026, 3, 15))


def test_carryover_plan_has_no_grace_period():
    year = (date(2025, 7, 1), date(2026, 6, 30))
    assert grace_end(JULY, year) is None
    assert incurred_window(JULY, year) == year
    assert claim_deadline(JULY, year) == date(2026, 9, 30)
    both = Account(
        4, "FSA", "fsa", date(2026, 1, 1), date(2026, 12, 31), grace_end=date(2027, 3, 15), carryover=Decimal("500")
    )
    assert grace_end(both, (date(2026, 1, 1), date(2026, 12, 31))) is None
    assert "never both" in " ".join(account_problems(both))


def test_grace_is_capped_at_two_months_fifteen_days():
    long = Account(5, "FSA", "fsa", date(2026, 1, 1), date(2026, 12, 31), grace_end=date(2027, 4, 30))
    assert grace_end(long, (date(2026, 1, 1), date(2026, 12, 31))) == date(2027, 3, 15)
    assert any("2 months and 15 days" in p for p in account_problems(long))
    assert account_problems(CALENDAR) == [] and account_problems(JULY) == []


def test_deadline_without_run_out_falls_back_to_the_last_incurred_day():
    no_runout = Account(6, "HRA", "hra", date(2026, 1, 1), date(2026, 12, 31))
    assert claim_deadline(no_runout, (date(2026, 1, 1), date(2026, 12, 31))) == date(2026, 12, 31)
    hsa = Account(7, "HSA", "hsa", date(2026, 1, 1), date(2026, 12, 31), established=date(2024, 5, 1))
    assert claim_deadline(hsa, (date(2026, 1, 1), date(2026, 12, 31))) is None


def test_grace_period_date_counts_for_both_plan_years():
    years = plan_years_for_dates(CALENDAR, [date(2027, 2, 1), date(2026, 5, 1)])
    assert years == [(date(2026, 1, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 12, 31))]
    assert plan_years_for_dates(JULY, [date(2026, 7, 2)]) == [(date(2026, 7, 1), date(2027, 6, 30))]


def test_before_established():
    hsa = Account(7, "HSA", "hsa", established=date(2024, 5, 1))
    assert before_established(hsa, date(2024, 4, 30))
    assert not before_established(hsa, date(2024, 5, 1))
    assert not before_established(CALENDAR, date(1990, 1, 1))
