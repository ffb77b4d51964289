"""The letter checklist: what a plan administrator looks for in a Letter of Medical Necessity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistEntry:
    key: str
    label: str
    ok: bool
    why: str


# (key, label, why it matters to an administrator), in the order of CLI.md's `missing`.
CHECKLIST: tuple[tuple[str, str, str], ...] = (
    ("patient_name", "Patient full name",
     "The administrator must see that the letter is for the person whose expense is claimed."),
    ("patient_dob", "Patient date of birth",
     "The date of birth tells apart family members with similar names; many forms require it."),
    ("diagnosis", "Diagnosis",
     "An item is eligible only when it treats a specific condition, not general health (IRS Pub. 502)."),
    ("icd10", "ICD-10-CM diagnosis code",
     "A code makes the diagnosis specific and checkable; administrators often ask for one."),
    ("recommended_items", "Specific item or service recommended",
     "Only the items the letter names are covered; a vague recommendation covers nothing."),
    ("duration", "Frequency and duration of treatment",
     "Without a duration the administrator cannot tell how long the letter supports purchases."),
    ("medical_necessity_statement", "Statement that the item treats the condition",
     "Wording like 'may help' reads as general wellness and is a common reason for denial."),
    ("provider_name", "Provider full name",
     "The letter must come from an identifiable provider who examined the patient."),
    ("provider_credentials", "Provider credentials (MD, DO, NP, PA-C, DC, PT)",
     "Credentials show the provider may diagnose and prescribe treatment."),
    ("provider_license", "Provider state license number",
     "The license number lets the administrator verify the provider is licensed."),
    ("provider_npi", "Provider NPI",
     "The National Provider Identifier lets the administrator verify the provider."),
    ("provider_contact", "Practice address or phone",
     "Missing contact details are a red flag for a letter issued without a consultation."),
    ("issue_date", "Date of issue",
     "The letter must be dated on or before the purchase, and its 12 months run from this date."),
    ("signature", "Provider signature",
     "An unsigned letter is not accepted as the provider's statement."),
)

CHECKLIST_KEYS: tuple[str, ...] = tuple(key for key, _, _ in CHECKLIST)
LABELS: dict[str, str] = {key: label for key, label, _ in CHECKLIST}
WHY: dict[str, str] = {key: why for key, _, why in CHECKLIST}


def audit_letter(letter_fields_missing: Iterable[str]) -> list[ChecklistEntry]:
    """Every checklist element in order, marked ok unless it is among the missing keys.

    Unknown keys are ignored (the extractor may report more than the checklist)."""
    missing = set(letter_fields_missing)
    return [ChecklistEntry(key, label, key not in missing, why) for key, label, why in CHECKLIST]


def describe_missing(letter_fields_missing: Iterable[str]) -> str:
    """'no ICD-10-CM diagnosis code (why...); no provider signature (why...)' in checklist order."""
    entries = [e for e in audit_letter(letter_fields_missing) if not e.ok]
    return "; ".join(f"missing {_lower_first(e.label)}: {e.why}" for e in entries)


def _lower_first(label: str) -> str:
    # Keep acronyms ("ICD-10-CM ...") as printed.
    return label if label[:2].isupper() else label[0].lower() + label[1:]
