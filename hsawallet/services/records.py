"""The JSON shapes of the command-line contract (../shared/CLI.md): rows in those shapes, and
`jsonable`, the one place a service's typed records become them."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from hsawallet.coverage.model import Warning
from hsawallet.services.document_records import (
    LetterRecord,
    Names,
    ReceiptRecord,
    SourceRecord,
    letter_record,
    letter_records,
    people_names,
    receipt_record,
    source_record,
)
from hsawallet.store.models import Document, ItemLink, Letter, LineItem, Receipt

JsonObject = dict[str, Any]  # one record as the CLI prints it


_CENTS = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(_CENTS))


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def document_json(doc: Document) -> JsonObject:
    imported = doc.imported_at.isoformat(timespec="seconds") if isinstance(doc.imported_at, datetime) else None
    return {
        "id": doc.id,
        "file": doc.file_name,
        "sha256": doc.sha256,
        "kind": doc.kind,
        "pages": doc.page_count,
        "status": doc.status,
        "imported_at": imported,
        "error": doc.error,
        "media_type": doc.media_type,
        "size": doc.size,
        # The name's exact bytes (hex) when they are not UTF-8 and "file" shows them as U+FFFD.
        "file_bytes_hex": doc.file_name_bytes.hex() if doc.file_name_bytes else None,
    }


def list_documents(session: Session) -> list[JsonObject]:
    return [document_json(d) for d in session.exec(select(Document).order_by(col(Document.id)))]


def receipt_json(record: ReceiptRecord) -> JsonObject:
    return dict(jsonable(record))


def list_receipts(session: Session) -> list[JsonObject]:
    """Every receipt in receipt_json's shape, from bulk column queries read as the database stores the
    values (no ORM rows, no records, no per-value conversion: a vault may hold tens of thousands of
    receipts; tests/services/test_records_bulk.py checks it gives what receipt_json does)."""
    people = people_names(session)
    links: dict[int, tuple[Any, ...]] = {
        row[0]: row
        for row in _stored_rows(
            session,
            columns(
                col(ItemLink.item_id),
                col(ItemLink.letter_id),
                col(ItemLink.status),
                col(ItemLink.reason),
                col(ItemLink.outside_terms),
            ),
        )
    }
    items: dict[int, list[JsonObject]] = {}
    for receipt_id, item_id, description, amount, category, needs_lmn, confidence in _stored_rows(
        session,
        columns(
            col(LineItem.receipt_id),
            col(LineItem.id),
            col(LineItem.description),
            col(LineItem.amount),
            col(LineItem.category),
            col(LineItem.needs_lmn),
            col(LineItem.confidence),
        ).order_by(col(LineItem.receipt_id), col(LineItem.position)),
    ):
        link = links.get(item_id)
        items.setdefault(receipt_id, []).append(
            {
                "id": item_id,
                "description": description,
                "amount": _money_text(amount),
                "category": category,
                "needs_lmn": bool(needs_lmn),
                "letter_id": link[1] if link else None,
                "link_status": link[2] if link else None,
                "link_reason": link[3] if link else None,
                "link_outside_terms": _json_list(link[4]) if link else [],
                "confidence": confidence,
            }
        )
    rows = _stored_rows(
        session,
        columns(
            col(Receipt.id),
            col(Document.id),
            col(Document.file_name),
            col(Receipt.person_id),
            col(Receipt.merchant),
            col(Receipt.date),
            col(Receipt.total),
            col(Receipt.subtotal),
            col(Receipt.tax),
            col(Receipt.card_last4),
            col(Receipt.patient),
            col(Receipt.confidence),
        )
        .join(Document, col(Document.id) == col(Receipt.document_id))
        .order_by(col(Receipt.id)),
    )
    return [
        {
            "id": receipt_id,
            "document_id": document_id,
            "file": file_name,
            "person": people.get(person_id) if person_id else None,
            "merchant": merchant,
            "date": when,  # stored as its ISO text, which is what day() writes
            "total": _money_text(total),
            "subtotal": _money_text(subtotal),
            "tax": _money_text(tax),
            "card_last4": card_last4,
            "patient": patient,
            "items": items.get(receipt_id, []),
            "confidence": _confidence(confidence),
        }
        for (
            receipt_id,
            document_id,
            file_name,
            person_id,
            merchant,
            when,
            total,
            subtotal,
            tax,
            card_last4,
            patient,
            confidence,
        ) in rows
    ]


def _stored_rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """A query without parameters, run on the driver's cursor: values as stored (money and JSON as text,
    dates as ISO text, booleans 0/1), without SQLAlchemy's per-row work."""
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect))
    return list(connection.connection.driver_connection.execute(sql).fetchall())  # type: ignore[union-attr]


def _json_list(stored: str | None) -> list[Any]:
    return [] if not stored or stored == "[]" else list(json.loads(stored))


def _confidence(stored: str | None) -> dict[str, float]:
    loaded = json.loads(stored) if stored and stored != "{}" else {}
    return {k: round(float(v), 3) for k, v in loaded.items()}


_PLAIN_CENTS = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]{2}")


def _money_text(stored: str | None) -> str | None:
    """money() of a stored amount, read as its text: amounts are stored quantized ("42.17"), which is
    already what money() gives; anything else goes through Decimal."""
    if stored is None or _PLAIN_CENTS.fullmatch(stored):
        return stored
    return money(Decimal(stored))


def letter_json(record: LetterRecord) -> JsonObject:
    return dict(jsonable(record))


def list_letters(session: Session) -> list[JsonObject]:
    return [letter_json(record) for record in letter_records(session)]


def show_document(session: Session, document_id: int) -> JsonObject | None:
    doc = session.get(Document, document_id)
    if doc is None:
        return None
    out = document_json(doc)
    receipt = session.exec(select(Receipt).where(Receipt.document_id == doc.id)).first()
    letter = session.exec(select(Letter).where(Letter.document_id == doc.id)).first()
    out["receipt"] = receipt_json(receipt_record(session, receipt, doc)) if receipt else None
    out["letter"] = letter_json(letter_record(letter, doc, people_names(session))) if letter else None
    out["source"] = source_json(source_record(session, document_id))
    return out


def source_json(source: SourceRecord | None) -> JsonObject | None:
    """The source's sender is printed as "from" (a Python keyword, so not a field name)."""
    if source is None:
        return None
    return {
        "kind": source.kind,
        "date": day(source.date),
        "from": source.sender,
        "subject": source.subject,
        "file": source.file,
    }


def links_json(session: Session) -> list[JsonObject]:
    rows = session.exec(
        select(ItemLink, LineItem, Receipt, Document)
        .join(LineItem, col(LineItem.id) == ItemLink.item_id)
        .join(Receipt, col(Receipt.id) == LineItem.receipt_id)
        .join(Document, col(Document.id) == Receipt.document_id)
        .order_by(col(Receipt.id), col(LineItem.position))
    )
    letter_files = {
        l.id: d.file_name
        for l, d in session.exec(select(Letter, Document).join(Document, col(Document.id) == Letter.document_id))
    }
    return [
        {
            "item_id": link.item_id,
            "receipt_id": receipt.id,
            "receipt_file": doc.file_name,
            "letter_id": link.letter_id,
            "letter_file": letter_files.get(link.letter_id),
            "reason": link.reason,
            "status": link.status,
            "description": item.description,
            "related_letter_id": link.related_letter_id,
            "outside_terms": list(link.outside_terms),
        }
        for link, item, receipt, doc in rows
    ]


def warning_json(
    session: Session,
    warning: Warning,
    files: tuple[Names, Names] | None = None,
    dismissed: set[str] | frozenset[str] | None = None,
) -> JsonObject:
    """One warning in the `check --json` shape; ``dismissed``: the dismissed keys (read when not given)."""
    receipt_files, letter_files = files or file_maps(session)
    from hsawallet.services.coverage import dismissed_keys, warning_key

    key = warning_key(warning)
    dismissed = dismissed if dismissed is not None else dismissed_keys(session)
    return {
        "type": warning.type,
        "severity": warning.severity,
        "message": warning.message,
        "receipt_id": warning.receipt_id,
        "receipt_file": receipt_files.get(warning.receipt_id),
        "item_id": warning.item_id,
        "letter_id": warning.letter_id,
        "letter_file": letter_files.get(warning.letter_id),
        "due": day(warning.due),
        "amount": money(warning.amount),
        "key": key,
        "dismissed": key in dismissed,
        "item_ids": list(getattr(warning, "item_ids", ()) or ([warning.item_id] if warning.item_id else [])),
    }


def file_maps(
    session: Session, receipt_ids: Collection[int] | None = None, letter_ids: Collection[int] | None = None
) -> tuple[Names, Names]:
    """File names of receipts and letters by their ids (of those given, else all), from column queries."""

    def names(table: Any, ids: Collection[int] | None) -> Names:
        query = columns(col(table.id), col(Document.file_name)).join(Document, col(Document.id) == table.document_id)
        if ids is None:
            return dict(session.connection().execute(query).tuples().all())
        found: Names = {}
        ordered = sorted(ids)
        for k in range(0, len(ordered), 20000):  # SQLite takes at most 32766 bound parameters
            chunk = query.where(col(table.id).in_(ordered[k : k + 20000]))
            found.update(session.connection().execute(chunk).tuples().all())
        return found

    return names(Receipt, receipt_ids), names(Letter, letter_ids)


# A record's field with this metadata is the service's own and stays out of the JSON.
NOT_IN_JSON = {"json": False}


def jsonable(value: Any) -> Any:
    """A service's typed records (dataclasses, and lists, tuples and dicts of them) in the CLI's JSON
    shapes: field names are the keys, amounts "12.50", days ISO dates; NOT_IN_JSON fields left out."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value) if f.metadata != NOT_IN_JSON}
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value
