from __future__ import annotations

from datetime import date
from decimal import Decimal

from hsawallet.claims.shoebox import PlanYear, ShoeboxExpense, fsa_unclaimed, hsa_shoebox
from hsawallet.vocab import AccountType


def expense(item_id, when, amount, account=AccountType.HSA, eligible=True, status=None, reimbursed=None):
    return ShoeboxExpense(
        item_id,
        item_id,
        when,
        Decimal(amount),
        account,
        eligible,
        status,
        None if reimbursed is None else Decimal(reimbursed),
    )


def test_hsa_shoebox_totals_per_year_and_counts_partial_remainders():
    rows = [
        expense(1, date(2023, 3, 1), "100.00"),
        expense(2, date(2023, 7, 4), "25.50", status="draft"),
        expense(3, date(2024, 1, 9), "80.00", status="reimbursed", reimbursed="30.00"),  # 50 left
        expense(4, date(2024, 2, 1), "60.00", status="reimbursed"),  # fully reimbursed
        expense(5, date(2024, 5, 5), "40.00", status="reimbursed", reimbursed="40.00"),
        expense(6, date(2024, 6, 6), "10.00", status="submitted"),
        expense(7, date(2025, 1, 1), "999.00", eligible=False),
        expense(8, date(2025, 1, 1), "70.00", account=AccountType.FSA),
        expense(9, None, "5.00"),
        expense(10, date(2025, 8, 8), "12.00", account="hsa", status="denied"),
    ]
    summary = hsa_shoebox(rows)
    assert summary.per_year == {2023: Decimal("125.50"), 2024: Decimal("60.00"), 2025: Decimal("12.00")}
    assert summary.undated == Decimal("5.00")
    assert summary.total_available == Decimal("202.50")
    assert summary.count == 6
    assert summary.partially_reimbursed == 1
    assert summary.item_ids == [1, 2, 3, 6, 9, 10]


def test_hsa_shoebox_empty():
    summary = hsa_shoebox([])
    assert (summary.per_year, summary.total_available, summary.count) == ({}, Decimal("0"), 0)


def test_fsa_unclaimed_per_plan_year_with_grace_overlap():
    py2025 = PlanYear(date(2025, 1, 1), date(2026, 3, 15), date(2026, 3, 31))  # grace period to 3/15
    py2026 = (date(2026, 1, 1), date(2026, 12, 31), date(2027, 3, 31))
    rows = [
        expense(1, date(2025, 4, 1), "100.00", account=AccountType.FSA),
        expense(2, date(2025, 5, 1), "50.00", account=AccountType.FSA, status="submitted"),
        expense(3, date(2026, 2, 1), "30.00", account=AccountType.LPFSA, status="draft"),  # grace: plan year 2025
        expense(4, date(2026, 6, 1), "20.00", account=AccountType.FSA),
        expense(5, date(2026, 7, 1), "15.00", account=AccountType.FSA, eligible=False),
        expense(6, date(2026, 7, 1), "99.00", account=AccountType.HSA),
        expense(7, date(2026, 8, 1), "45.00", account=AccountType.FSA, status="reimbursed", reimbursed="10.00"),
    ]
    result = fsa_unclaimed(rows, [py2025, py2026])
    assert [(r.plan_year.start.year, r.deadline, r.amount, r.count) for r in result] == [
        (2025, date(2026, 3, 31), Decimal("130.00"), 2),
        (2026, date(2027, 3, 31), Decimal("20.00"), 1),
    ]
    plan_year, deadline, amount = result[1]
    assert plan_year.end == date(2026, 12, 31) and amount == Decimal("20.00")
