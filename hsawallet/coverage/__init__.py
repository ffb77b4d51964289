"""Coverage rules: link line items to letters, audit letters, warnings, plan-year deadlines.

Pure functions over the plain dataclasses of ``model``; no database and no Qt.
"""

from .audit import CHECKLIST_KEYS, ChecklistEntry, audit_letter, describe_missing
from .deadlines import (
    account_problems,
    before_established,
    claim_deadline,
    grace_end,
    incurred_window,
    plan_year_for,
    plan_years_due,
    plan_years_for_dates,
)
from .link import candidate_letters, classify, compute_links, effective_end, letter_label, outside_terms
from .model import (
    LINK_STATUSES,
    Account,
    Item,
    Letter,
    LinkResult,
    ManualLink,
    Person,
    Receipt,
    Warning,
    warning_key,
)
from .people import match_person, parse_name, resolve_receipt_person
from .reminders import ReminderService
from .warnings import WARNING_TYPES, compute_warnings

CoverageWarning = Warning

__all__ = [
    "CHECKLIST_KEYS",
    "ChecklistEntry",
    "audit_letter",
    "describe_missing",
    "account_problems",
    "before_established",
    "claim_deadline",
    "grace_end",
    "incurred_window",
    "plan_year_for",
    "plan_years_due",
    "plan_years_for_dates",
    "candidate_letters",
    "classify",
    "compute_links",
    "effective_end",
    "letter_label",
    "outside_terms",
    "LINK_STATUSES",
    "Account",
    "Item",
    "Letter",
    "LinkResult",
    "ManualLink",
    "Person",
    "Receipt",
    "Warning",
    "CoverageWarning",
    "warning_key",
    "match_person",
    "parse_name",
    "resolve_receipt_person",
    "ReminderService",
    "WARNING_TYPES",
    "compute_warnings",
]
