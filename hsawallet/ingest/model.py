"""Plain results of reading a document; shared by the ingest steps, the store and the rules.

Every extracted value travels with a confidence in 0.0-1.0 (see ``confidence`` dicts).
Dates are ``datetime.date``; money is ``decimal.Decimal`` with two places; unknown is None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# A value read with at least this confidence is "sure": shown without asking (the GUI asks below it).
SURE = 0.8
# Where the evidence disagrees or is thin, a value is held to this: below SURE, so the user is asked.
DOUBTFUL = 0.7


class IngestError(Exception):
    """A document that cannot be read; ``str(error)`` is a message fit for the user."""


@dataclass(frozen=True)
class Word:
    """One word where it stands on its page: the geometry that reading by evidence needs
    (labels left of and above a value, column headers, print size). Coordinates are in the
    page's own units (PDF points for a text layer, pixels for OCR), origin top left."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float = 1.0  # OCR word confidence 0-1; 1.0 for a text layer

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class PageText:
    index: int  # 0-based page number
    text: str
    source: str  # "text" (PDF text layer) | "ocr"
    confidence: float  # mean OCR word confidence 0-1; 1.0 for a text layer
    scrawled_lines: tuple[str, ...] = ()  # OCR lines with handwriting beside them (a signature by its date)
    # Word geometry where the reader has it (never stored in the vault: only the reading uses it).
    words: tuple[Word, ...] = ()
    width: float = 0.0
    height: float = 0.0
    # Freehand drawings and pictures on a text-layer page, (x0, top, x1, bottom) in points: a
    # hand signature in a PDF is one of these, never text.
    marks: tuple[tuple[float, float, float, float], ...] = ()
    # An OCR'd page that does not read as a letter's is also read by a second engine (PP-OCRv4,
    # ingest/rapid.py); the pipeline weighs the two readings field by field. Never stored.
    second_reading: PageText | None = None


@dataclass
class ItemFields:
    description: str
    amount: Decimal | None
    category: str  # one of resources/categories.json
    needs_lmn: bool
    confidence: float = 0.5


@dataclass
class ReceiptFields:
    merchant: str | None = None
    date: date | None = None
    total: Decimal | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    card_last4: str | None = None
    patient: str | None = None  # natural order, e.g. "Scott Delgado"
    items: list[ItemFields] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)


@dataclass
class LetterFields:
    patient_name: str | None = None
    patient_dob: date | None = None
    provider_name: str | None = None
    provider_credentials: str | None = None
    provider_license: str | None = None
    provider_npi: str | None = None  # only when the check digit is valid
    provider_contact: str | None = None  # phone or address line
    diagnosis: str | None = None
    icd10: list[str] = field(default_factory=list)  # valid ICD-10-CM codes, dotted
    items: list[str] = field(default_factory=list)  # recommended items/services
    categories: list[str] = field(default_factory=list)
    frequency: str | None = None
    duration_months: int | None = None
    issue_date: date | None = None
    valid_through: date | None = None  # stated, else issue date + 12 months - 1 day
    valid_through_stated: bool = False
    signed: bool = False
    medical_necessity_statement: bool = False
    missing: list[str] = field(default_factory=list)  # checklist keys of ../shared/CLI.md
    confidence: dict[str, float] = field(default_factory=dict)


@dataclass
class ReadResult:
    media_type: str  # "application/pdf", "image/jpeg", "image/png", "image/tiff", "image/heic"
    page_count: int
    pages: list[PageText]
    kind: str  # "receipt" | "letter" | "other"
    kind_confidence: float
    receipt: ReceiptFields | None = None
    letter: LetterFields | None = None
