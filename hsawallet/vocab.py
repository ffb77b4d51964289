"""The app's fixed words, defined once: what is stored in the vault and printed in the CLI's JSON.

Each is a ``StrEnum``, so a member equals its string (``AccountType.HSA == "hsa"``): rows, JSON and
code written with bare strings keep working, and every place that names a value names it here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class AccountType(StrEnum):
    HSA = "hsa"
    FSA = "fsa"
    LPFSA = "lpfsa"  # limited-purpose FSA (dental and vision)
    HRA = "hra"


# Accounts whose plan year ends with a claim deadline (an HSA never expires).
DEADLINE_ACCOUNT_TYPES = frozenset({AccountType.FSA, AccountType.LPFSA, AccountType.HRA})


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REIMBURSED = "reimbursed"
    DENIED = "denied"


# A claim in one of these holds its expenses: the same expense cannot go into another such claim.
LIVE_CLAIM_STATUSES = (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.REIMBURSED)
# An expense in a claim of one of these counts as claimed (sent to the administrator).
CLAIMED_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.REIMBURSED)


class DocumentKind(StrEnum):
    RECEIPT = "receipt"
    LETTER = "letter"
    OTHER = "other"


class DocumentStatus(StrEnum):
    STORED = "stored"  # the bytes are in the vault, not read yet
    READ = "read"
    ERROR = "error"


class SourceKind(StrEnum):
    """Where a document came from when it was not a file of its own (`show --json`'s `source.kind`)."""

    EMAIL = "email"


class ImportStatus(StrEnum):
    """What became of one file given to an import (CLI.md's `import --json`)."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    ERROR = "error"


class LinkStatus(StrEnum):
    """How a line item that needs a letter stands against the letters, best first."""

    COVERED = "covered"
    BEFORE_LETTER = "before_letter"
    AFTER_EXPIRY = "after_expiry"
    NO_LETTER = "no_letter"
    MANUAL = "manual"  # the user linked the item to a letter
    UNLINKED = "unlinked"  # the user said no letter covers the item
    UNDATED = "undated"  # the receipt has no date, so no letter can be checked against it


# The item has a letter that covers it: the rules found one, or the user chose one.
COVERING_LINK_STATUSES = (LinkStatus.COVERED, LinkStatus.MANUAL)
# Set by the user, kept when the links are computed again.
USER_LINK_STATUSES = (LinkStatus.MANUAL, LinkStatus.UNLINKED)


class WarningType(StrEnum):
    """In the order warnings are listed."""

    PURCHASE_BEFORE_LETTER = "purchase_before_letter"
    PURCHASE_AFTER_EXPIRY = "purchase_after_expiry"
    NEEDS_LMN_MISSING = "needs_lmn_missing"
    LETTER_EXPIRING_SOON = "letter_expiring_soon"
    LETTER_EXPIRED = "letter_expired"
    LETTER_INCOMPLETE = "letter_incomplete"
    CLAIM_DEADLINE = "claim_deadline"
    BEFORE_HSA_ESTABLISHED = "before_hsa_established"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    MANUAL_LINK_OUTSIDE_TERMS = "manual_link_outside_terms"  # a hand link the letter's terms do not support
    LETTER_UNKNOWN_PERSON = "letter_unknown_person"  # its patient is no one in People: it covers nothing


# The warnings that carry a due day (the Dashboard lists them as deadlines).
DATED_WARNING_TYPES = (WarningType.LETTER_EXPIRING_SOON, WarningType.CLAIM_DEADLINE, WarningType.LETTER_EXPIRED)


class Severity(StrEnum):
    """Most severe first."""

    ERROR = "error"
    WARNING = "warning"


def severity_rank(severity: str) -> int:
    """0 for the most severe; a value that is not a Severity after all of them."""
    order = tuple(Severity)
    return order.index(Severity(severity)) if severity in order else len(order)


class Category(StrEnum):
    """The built-in categories of resources/categories.json (a user may add more there)."""

    # need a Letter of Medical Necessity
    FITNESS = "fitness"
    MASSAGE = "massage"
    NUTRITION = "nutrition"
    WEIGHT_LOSS = "weight_loss"
    SLEEP = "sleep"
    SUPPLEMENTS = "supplements"
    ORTHOPEDIC = "orthopedic"
    ACUPUNCTURE = "acupuncture"
    WEARABLE = "wearable"
    CPAP = "cpap"
    # do not
    OTC_ELIGIBLE = "otc_eligible"
    RX = "rx"
    MEDICAL_SERVICE = "medical_service"
    NOT_ELIGIBLE = "not_eligible"


LMN_CATEGORIES = (
    Category.FITNESS,
    Category.MASSAGE,
    Category.NUTRITION,
    Category.WEIGHT_LOSS,
    Category.SLEEP,
    Category.SUPPLEMENTS,
    Category.ORTHOPEDIC,
    Category.ACUPUNCTURE,
    Category.WEARABLE,
    Category.CPAP,
)
OTHER_CATEGORIES = (Category.OTC_ELIGIBLE, Category.RX, Category.MEDICAL_SERVICE, Category.NOT_ELIGIBLE)


class RecordKind(StrEnum):
    """What a record reference names (a document, a row read from one, or a thing the user made)."""

    DOCUMENT = "document"
    RECEIPT = "receipt"
    LETTER = "letter"
    CLAIM = "claim"
    PERSON = "person"
    ACCOUNT = "account"


class LetterElement(StrEnum):
    """What a plan administrator looks for in a Letter of Medical Necessity (CLI.md's `missing` keys)."""

    PATIENT_NAME = "patient_name"
    PATIENT_DOB = "patient_dob"
    DIAGNOSIS = "diagnosis"
    ICD10 = "icd10"
    RECOMMENDED_ITEMS = "recommended_items"
    DURATION = "duration"
    MEDICAL_NECESSITY_STATEMENT = "medical_necessity_statement"
    PROVIDER_NAME = "provider_name"
    PROVIDER_CREDENTIALS = "provider_credentials"
    PROVIDER_LICENSE = "provider_license"
    PROVIDER_NPI = "provider_npi"
    PROVIDER_CONTACT = "provider_contact"
    ISSUE_DATE = "issue_date"
    SIGNATURE = "signature"


class ChecklistItem(NamedTuple):
    element: LetterElement
    label: str
    why: str  # why it matters to an administrator


# The letter checklist, in the order of LetterElement (and of CLI.md's `missing`).
LETTER_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        LetterElement.PATIENT_NAME,
        "Patient full name",
        "The administrator must see that the letter is for the person whose expense is claimed.",
    ),
    ChecklistItem(
        LetterElement.PATIENT_DOB,
        "Patient date of birth",
        "The date of birth tells apart family members with similar names; many forms require it.",
    ),
    ChecklistItem(
        LetterElement.DIAGNOSIS,
        "Diagnosis",
        "An item is eligible only when it treats a specific condition, not general health (IRS Pub. 502).",
    ),
    ChecklistItem(
        LetterElement.ICD10,
        "ICD-10-CM diagnosis code",
        "A code makes the diagnosis specific and checkable; administrators often ask for one.",
    ),
    ChecklistItem(
        LetterElement.RECOMMENDED_ITEMS,
        "Specific item or service recommended",
        "Only the items the letter names are covered; a vague recommendation covers nothing.",
    ),
    ChecklistItem(
        LetterElement.DURATION,
        "Frequency and duration of treatment",
        "Without a duration the administrator cannot tell how long the letter supports purchases.",
    ),
    ChecklistItem(
        LetterElement.MEDICAL_NECESSITY_STATEMENT,
        "Statement that the item treats the condition",
        "Wording like 'may help' reads as general wellness and is a common reason for denial.",
    ),
    ChecklistItem(
        LetterElement.PROVIDER_NAME,
        "Provider full name",
        "The letter must come from an identifiable provider who examined the patient.",
    ),
    ChecklistItem(
        LetterElement.PROVIDER_CREDENTIALS,
        "Provider credentials (MD, DO, NP, PA-C, DC, PT)",
        "Credentials show the provider may diagnose and prescribe treatment.",
    ),
    ChecklistItem(
        LetterElement.PROVIDER_LICENSE,
        "Provider state license number",
        "The license number lets the administrator verify the provider is licensed.",
    ),
    ChecklistItem(
        LetterElement.PROVIDER_NPI,
        "Provider NPI",
        "The National Provider Identifier lets the administrator verify the provider.",
    ),
    ChecklistItem(
        LetterElement.PROVIDER_CONTACT,
        "Practice address or phone",
        "Missing contact details are a red flag for a letter issued without a consultation.",
    ),
    ChecklistItem(
        LetterElement.ISSUE_DATE,
        "Date of issue",
        "The letter must be dated on or before the purchase, and its 12 months run from this date.",
    ),
    ChecklistItem(
        LetterElement.SIGNATURE, "Provider signature", "An unsigned letter is not accepted as the provider's statement."
    ),
)
