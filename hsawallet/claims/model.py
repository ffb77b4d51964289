"""Plain data handed to the claim export: no database rows, no Qt.

The store layer maps vault rows onto these dataclasses; packet, bundle and export
only ever see them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class ClaimDataError(ValueError):
    """The claim input is inconsistent (e.g. a document's bytes do not match its hash)."""


@dataclass(frozen=True)
class ClaimDocument:
    """One stored file (receipt or letter) exactly as it was imported."""

    document_id: int
    file: str  # original file name, used for the bundle and the cover index
    media_type: str
    data: bytes
    sha256: str  # hex digest recorded at import

    def verify(self) -> None:
        """Raise ClaimDataError when the bytes are not the ones recorded at import."""
        if hashlib.sha256(self.data).hexdigest().lower() != self.sha256.lower():
            raise ClaimDataError(f"document {self.document_id} does not match its recorded checksum")


@dataclass(frozen=True)
class ClaimExpense:
    """One claimed line: a receipt item (or a whole receipt when item_id is None)."""

    item_id: int | None
    receipt_id: int
    document_id: int  # the receipt's ClaimDocument
    date: date | None
    merchant: str | None
    description: str
    amount: Decimal  # eligible amount claimed
    person: str | None
    letter_document_id: int | None  # covering letter's ClaimDocument, if any
    letter_label: str | None  # e.g. "Dr. Lee, 2026-01-15"


@dataclass
class ClaimPacketInput:
    """Everything one claim export needs, already selected and ordered."""

    claim_id: int
    title: str
    claimant: str
    account_name: str
    account_type: str  # "HSA", "FSA", "LPFSA", "HRA"
    plan_year: str | None
    created: date
    expenses: list[ClaimExpense]
    warnings: list[str] = field(default_factory=list)
    # Blockers (e.g. an unsigned letter) the claimant chose to export despite; the cover says so.
    exported_anyway: list[str] = field(default_factory=list)
    receipts: list[ClaimDocument] = field(default_factory=list)
    letters: list[ClaimDocument] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((e.amount for e in self.expenses), Decimal("0"))

    def ordered_receipts(self) -> list[ClaimDocument]:
        """Receipts in the order of the expenses that use them, each once."""
        return _ordered(self.receipts, (e.document_id for e in self.expenses), "receipt")

    def ordered_letters(self) -> list[ClaimDocument]:
        """Covering letters in the order of the expenses they cover, each once."""
        ids = (e.letter_document_id for e in self.expenses if e.letter_document_id is not None)
        return _ordered(self.letters, ids, "letter")


def _ordered(documents: list[ClaimDocument], wanted_ids: Iterable[int], role: str) -> list[ClaimDocument]:
    by_id = {d.document_id: d for d in documents}
    ordered: list[ClaimDocument] = []
    seen: set[int] = set()
    for document_id in wanted_ids:
        if document_id in seen:
            continue
        seen.add(document_id)
        if document_id not in by_id:
            raise ClaimDataError(f"{role} document {document_id} is referenced but was not supplied")
        ordered.append(by_id[document_id])
    # Documents supplied but not referenced by any expense still go in, after the rest.
    for document in documents:
        if document.document_id not in seen:
            seen.add(document.document_id)
            ordered.append(document)
    return ordered
