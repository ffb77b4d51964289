"""What the services give for a receipt, its line items, a letter and a document's e-mail source: typed
records for the GUI, made from the vault's rows here; the CLI prints them through `records` (field
names are the JSON keys of ../shared/CLI.md, but for the source's sender, printed as "from")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from hsawallet.store.models import Document, DocumentSource, ItemLink, Letter, LineItem, Person, Receipt, row_id

Names = dict[int | None, str]  # id -> name or file (ids of stored rows, never None in practice)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """Where a document came from when it was not a file of its own: the e-mail that carried it."""

    kind: str  # a SourceKind
    date: date | None
    sender: str | None
    subject: str | None
    file: str | None  # the message's file (.eml, .mbox)


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """A receipt's line item with its link to a letter (none when no link was computed)."""

    id: int
    description: str
    amount: Decimal | None
    category: str  # a Category
    needs_lmn: bool
    letter_id: int | None
    link_status: str | None  # a LinkStatus
    link_reason: str | None
    link_outside_terms: tuple[str, ...]  # why a manual link is outside the letter's terms
    confidence: float


@dataclass(frozen=True, slots=True)
class ReadRecord:
    """What a receipt and a letter share: the document it was read from, whom it is for."""

    id: int
    document_id: int
    file: str
    person: str | None  # the household member it is for


@dataclass(frozen=True, slots=True)
class ReceiptRecord(ReadRecord):
    merchant: str | None
    date: date | None
    total: Decimal | None
    subtotal: Decimal | None
    tax: Decimal | None
    card_last4: str | None
    patient: str | None  # as printed
    items: tuple[ItemRecord, ...]
    confidence: dict[str, float]  # field name -> how sure the reading was, rounded to 3 places


@dataclass(frozen=True, slots=True)
class LetterRecord(ReadRecord):
    patient_name: str | None  # as printed
    patient_dob: date | None
    provider_name: str | None
    provider_credentials: str | None
    provider_license: str | None
    provider_npi: str | None
    provider_contact: str | None
    icd10: tuple[str, ...]
    diagnosis: str | None
    items: tuple[str, ...]  # what it recommends
    categories: tuple[str, ...]
    frequency: str | None
    duration_months: int | None
    issue_date: date | None
    valid_through: date | None
    valid_through_stated: bool  # else 12 months from the issue date
    signed: bool
    missing: tuple[str, ...]  # checklist elements missing or weak
    confidence: dict[str, float]


def people_names(session: Session) -> Names:
    return {p.id: p.name for p in session.exec(select(Person))}


def rounded_confidence(confidence: dict[str, Any] | None) -> dict[str, float]:
    return {k: round(float(v), 3) for k, v in (confidence or {}).items()}


def receipt_record(
    session: Session,
    receipt: Receipt,
    doc: Document,
    people: Names | None = None,
) -> ReceiptRecord:
    people = people if people is not None else people_names(session)
    items = list(
        session.exec(select(LineItem).where(LineItem.receipt_id == receipt.id).order_by(col(LineItem.position)))
    )
    links = {
        link.item_id: link
        for link in session.exec(select(ItemLink).where(col(ItemLink.item_id).in_([i.id for i in items])))
    }
    return ReceiptRecord(
        *_read_fields(receipt.id, doc, receipt.person_id, people),
        merchant=receipt.merchant,
        date=receipt.date,
        total=receipt.total,
        subtotal=receipt.subtotal,
        tax=receipt.tax,
        card_last4=receipt.card_last4,
        patient=receipt.patient,
        items=tuple(_item_record(item, links.get(row_id(item.id))) for item in items),
        confidence=rounded_confidence(receipt.confidence),
    )


def _read_fields(
    record_id: int | None, doc: Document, person_id: int | None, people: Names
) -> tuple[int, int, str, str | None]:
    """The ReadRecord fields of a receipt or letter, in their order."""
    return row_id(record_id), row_id(doc.id), doc.file_name, people.get(person_id) if person_id else None


def _item_record(item: LineItem, link: ItemLink | None) -> ItemRecord:
    return ItemRecord(
        id=row_id(item.id),
        description=item.description,
        amount=item.amount,
        category=item.category,
        needs_lmn=item.needs_lmn,
        letter_id=link.letter_id if link else None,
        link_status=link.status if link else None,
        link_reason=link.reason if link else None,
        link_outside_terms=tuple(link.outside_terms) if link else (),
        confidence=item.confidence,
    )


def letter_record(letter: Letter, doc: Document, people: Names) -> LetterRecord:
    return LetterRecord(
        *_read_fields(letter.id, doc, letter.person_id, people),
        patient_name=letter.patient_name,
        patient_dob=letter.patient_dob,
        provider_name=letter.provider_name,
        provider_credentials=letter.provider_credentials,
        provider_license=letter.provider_license,
        provider_npi=letter.provider_npi,
        provider_contact=letter.provider_contact,
        icd10=tuple(letter.icd10),
        diagnosis=letter.diagnosis,
        items=tuple(letter.items),
        categories=tuple(letter.categories),
        frequency=letter.frequency,
        duration_months=letter.duration_months,
        issue_date=letter.issue_date,
        valid_through=letter.valid_through,
        valid_through_stated=bool(letter.valid_through_stated),
        signed=bool(letter.signed),
        missing=tuple(letter.missing),
        confidence=rounded_confidence(letter.confidence),
    )


def letter_records(session: Session) -> list[LetterRecord]:
    """Every letter, by id."""
    people = people_names(session)
    rows = session.exec(
        select(Letter, Document).join(Document, col(Document.id) == Letter.document_id).order_by(col(Letter.id))
    )
    return [letter_record(letter, doc, people) for letter, doc in rows]


def source_record(session: Session, document_id: int) -> SourceRecord | None:
    """Where the document came from when not a file of its own (an e-mail); None for a file."""
    source = session.get(DocumentSource, document_id)
    return None if source is None else _source_record(source)


def source_records(session: Session, document_ids: Iterable[int]) -> dict[int, SourceRecord]:
    """``source_record`` of many documents in one query (those that have one)."""
    wanted = list(document_ids)
    if not wanted:
        return {}
    rows = session.exec(select(DocumentSource).where(col(DocumentSource.document_id).in_(wanted)))
    return {row.document_id: _source_record(row) for row in rows}


def _source_record(source: DocumentSource) -> SourceRecord:
    return SourceRecord(
        kind=source.kind,
        date=source.message_date,
        sender=source.sender,
        subject=source.subject,
        file=source.container,
    )
