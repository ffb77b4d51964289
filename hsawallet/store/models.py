"""Vault tables (SQLModel). Schema changes go through Alembic migrations in migrations/."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from datetime import date as Date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Column, Index, LargeBinary, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlmodel import Field, SQLModel, col

from hsawallet.vocab import ClaimStatus, DocumentStatus, SourceKind


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# Text width of a stored amount: far more digits than any household expense.
MONEY_CHARS = 24


class Money(TypeDecorator[Decimal]):
    """Decimal money stored as exact text ("42.17"); SQLite has no decimal type."""

    impl = String(MONEY_CHARS)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return str(Decimal(value).quantize(Decimal("0.01")))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class JSONList(TypeDecorator[list[Any]]):
    """A short JSON list (codes, categories, checklist keys) kept as text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str:
        return json.dumps(list(value or []))

    def process_result_value(self, value: Any, dialect: Any) -> list[Any]:
        return json.loads(value) if value else []


class JSONDict(TypeDecorator[dict[str, Any]]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str:
        return json.dumps(dict(value or {}), sort_keys=True)

    def process_result_value(self, value: Any, dialect: Any) -> dict[str, Any]:
        return json.loads(value) if value else {}


def row_id(value: int | None) -> int:
    """The id of a stored row: the tables' ids are None only until the row is first flushed."""
    if value is None:
        raise ValueError("the row has not been stored yet: it has no id")
    return value


def id_col(column: int | None) -> Mapped[int]:
    """A table's id column in a query, typed as the stored rows have it: never NULL (the attribute is
    Optional only because a row has no id until it is first stored)."""
    return cast("Mapped[int]", col(column))


def money_field(**kw: Any) -> Any:
    return Field(default=None, sa_column=Column(Money(), nullable=True), **kw)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    dob: Date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    type: str  # an AccountType
    plan_start: Date | None = None
    plan_end: Date | None = None
    grace_end: Date | None = None
    carryover: Decimal | None = money_field()
    runout_end: Date | None = None
    established: Date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    file_name: str  # as shown: bytes that were not UTF-8 appear as U+FFFD
    # The name's exact bytes when they were not valid UTF-8 (safeio.name_bytes), else None.
    file_name_bytes: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    media_type: str | None = None
    size: int
    sha256: str = Field(unique=True, index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    kind: str | None = Field(default=None, index=True)  # a DocumentKind
    kind_confidence: float | None = None
    page_count: int | None = None
    status: str = DocumentStatus.STORED.value
    error: str | None = None
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")


class DocumentBlob(SQLModel, table=True):
    """The document's bytes, apart so listing documents never loads them."""

    document_id: int = Field(primary_key=True, foreign_key="document.id", ondelete="CASCADE")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DocumentSource(SQLModel, table=True):
    """Where a document came from when it was not a file of its own: the e-mail that carried it."""

    document_id: int = Field(primary_key=True, foreign_key="document.id", ondelete="CASCADE")
    kind: str = SourceKind.EMAIL
    container: str | None = None  # the .eml/.mbox file's name
    message_date: Date | None = None
    sender: str | None = None
    subject: str | None = None


class PageText(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    page_index: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    source: str  # text | ocr
    confidence: float = 1.0


class Receipt(SQLModel, table=True):
    __table_args__ = (
        Index("ix_receipt_date_total", "date", "total", "merchant"),  # possible duplicates (check), index only
        Index("ix_receipt_uncovered_items", "uncovered_items", "id"),  # the Receipts list's Letters column
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", unique=True, ondelete="CASCADE")
    merchant: str | None = None
    date: Date | None = Field(default=None, index=True)
    total: Decimal | None = money_field()
    subtotal: Decimal | None = money_field()
    tax: Decimal | None = money_field()
    card_last4: str | None = None
    patient: str | None = None
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    confidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONDict, nullable=False))
    # How many of its items that need a letter have none covering them (status not covered or manual; no link
    # yet counts). Kept by the database's triggers (migration 0009) on every line item and link write: read only.
    uncovered_items: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LineItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    receipt_id: int = Field(foreign_key="receipt.id", index=True, ondelete="CASCADE")
    position: int
    description: str = Field(index=True)
    amount: Decimal | None = money_field()
    category: str = Field(index=True)
    needs_lmn: bool
    confidence: float = 0.5


class Letter(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", unique=True, ondelete="CASCADE")
    patient_name: str | None = None
    patient_dob: Date | None = None
    provider_name: str | None = None
    provider_credentials: str | None = None
    provider_license: str | None = None
    provider_npi: str | None = None
    provider_contact: str | None = None
    diagnosis: str | None = None
    icd10: list[Any] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    items: list[Any] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    categories: list[Any] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    frequency: str | None = None
    duration_months: int | None = None
    issue_date: Date | None = None
    valid_through: Date | None = None
    valid_through_stated: bool = False
    signed: bool = False
    medical_necessity_statement: bool = False
    missing: list[Any] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    # The user's answer to "whose letter is this?"; wins over matching the printed patient name.
    assigned_person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    confidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONDict, nullable=False))


class ItemLink(SQLModel, table=True):
    """The computed link of a line item that needs a letter (rebuilt on every change)."""

    __table_args__ = (Index("ix_itemlink_by_status", "status"),)  # relinking and check find links by status

    item_id: int = Field(primary_key=True, foreign_key="lineitem.id", ondelete="CASCADE")
    letter_id: int | None = Field(default=None, foreign_key="letter.id", ondelete="SET NULL", index=True)
    related_letter_id: int | None = Field(default=None, foreign_key="letter.id", ondelete="SET NULL", index=True)
    status: str  # a LinkStatus
    reason: str
    manual: bool = False
    # A manual link the letter's own terms do not support: why (category, dates, patient).
    outside_terms: list[Any] = Field(
        default_factory=list, sa_column=Column(JSONList, nullable=False, server_default="[]")
    )


class ManualLink(SQLModel, table=True):
    """The user's own link (letter_id set) or unlink (letter_id None); survives recomputation."""

    item_id: int = Field(primary_key=True, foreign_key="lineitem.id", ondelete="CASCADE")
    letter_id: int | None = Field(default=None, foreign_key="letter.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    title: str
    status: str = ClaimStatus.DRAFT.value
    date_from: Date | None = None
    date_to: Date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    submitted_on: Date | None = None
    reimbursed_amount: Decimal | None = money_field()
    reimbursed_on: Date | None = None
    denied_on: Date | None = None
    denied_reason: str | None = None
    # Made with --include-claimed: its expenses may also be in another live claim, on purpose.
    include_claimed: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class ClaimItem(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("claim_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="lineitem.id", index=True, ondelete="CASCADE")
    amount: Decimal | None = money_field()


class FieldEdit(SQLModel, table=True):
    """A user's correction of an extracted field; re-reading a document never overwrites it."""

    __table_args__ = (UniqueConstraint("target", "target_id", "field"),)

    id: int | None = Field(default=None, primary_key=True)
    target: str  # receipt | letter | item
    target_id: int = Field(index=True)
    field: str
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    edited_at: datetime = Field(default_factory=utcnow)


class Setting(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class WarningState(SQLModel, table=True):
    """Warnings the user dismissed or was already notified of, by their stable key."""

    key: str = Field(primary_key=True)
    dismissed: bool = False
    notified: bool = False
    updated_at: datetime = Field(default_factory=utcnow)
