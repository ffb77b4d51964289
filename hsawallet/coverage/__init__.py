"""Coverage rules: link line items to letters, audit letters, warnings, plan-year deadlines.

Pure functions over the plain dataclasses of ``model``; no database and no Qt.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Loaded on first use (PEP 562): the command line lists records without the link rules' fuzzy matching
# or the reminders' scheduler (start-up time).
_MODULE_OF = {
    "CHECKLIST_KEYS": "audit",
    "ChecklistEntry": "audit",
    "audit_letter": "audit",
    "describe_missing": "audit",
    "account_problems": "deadlines",
    "before_established": "deadlines",
    "claim_deadline": "deadlines",
    "grace_end": "deadlines",
    "incurred_window": "deadlines",
    "plan_year_for": "deadlines",
    "plan_years_due": "deadlines",
    "plan_years_for_dates": "deadlines",
    "candidate_letters": "link",
    "classify": "link",
    "compute_links": "link",
    "effective_end": "link",
    "letter_label": "link",
    "outside_terms": "link",
    "LINK_STATUSES": "model",
    "Account": "model",
    "Item": "model",
    "Letter": "model",
    "LinkResult": "model",
    "ManualLink": "model",
    "Person": "model",
    "Receipt": "model",
    "Warning": "model",
    "warning_key": "model",
    "match_person": "people",
    "parse_name": "people",
    "resolve_receipt_person": "people",
    "ReminderService": "reminders",
    "WARNING_TYPES": "warnings",
    "compute_warnings": "warnings",
    "CoverageWarning": "model",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), "Warning" if name == "CoverageWarning" else name)
    globals()[name] = value
    return value


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
