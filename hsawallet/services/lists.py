"""The Documents, Receipts and Letters lists as the database gives them: ids in order, then rows a page
at a time.

A list is first asked for its ids (``document_ids``, ``receipt_ids``, ``letter_ids``: sorted and
filtered in SQL, one small query even at 50,000 documents), then for the rows it shows
(``document_rows``, ``receipt_rows``, ``letter_rows``: a page of ids). The receipts' and letters'
sorted columns are indexed (migrations 0006, 0009). A filter is words, each of which
must appear (case-insensitive) in one of the list's text columns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from hsawallet import config
from hsawallet.coverage.audit import audit_letter
from hsawallet.services import document_records
from hsawallet.services.document_records import LetterRecord, ReceiptRecord, SourceRecord
from hsawallet.store.models import Document, Letter, Receipt
from hsawallet.vocab import LinkStatus


class DocumentSort(StrEnum):
    FILE = "file"
    KIND = "kind"
    PAGES = "pages"
    STATUS = "status"
    IMPORTED = "imported"
    ERROR = "error"


class ReceiptSort(StrEnum):
    DATE = "date"
    MERCHANT = "merchant"
    TOTAL = "total"
    PERSON = "person"
    LETTERS = "letters"  # how many items that need a letter have none covering them


class LetterSort(StrEnum):
    ISSUED = "issued"
    PATIENT = "patient"
    PROVIDER = "provider"
    VALID_THROUGH = "valid_through"
    STATUS = "status"
    CHECKLIST = "checklist"
    COVERS = "covers"


class LetterState(StrEnum):
    """Where today falls in a letter's validity window (the Letters list's Status column)."""

    ACTIVE = "active"
    EXPIRING = "expiring"  # ends within the expiring_days setting
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # no end date was read


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    file_name: str
    kind: str | None  # a DocumentKind
    page_count: int | None
    status: str  # a DocumentStatus
    imported_at: datetime | None  # UTC
    error: str | None
    source: SourceRecord | None  # the e-mail it came in, None for a file imported directly


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    id: int
    document_id: int
    file: str
    date: date | None
    merchant: str | None
    total: str | None  # exact text, "42.17"
    person: str | None  # the household member it is for, else the patient printed on it
    # (link status, number of items) over the items that need a letter, in item order
    link_counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class LetterRow:
    id: int
    document_id: int
    file: str
    issue_date: date | None
    valid_through: date | None
    patient: str | None  # as printed, else the household member it was assigned to
    provider: str | None
    state: LetterState
    missing_count: int  # checklist elements missing or weak
    categories: tuple[str, ...]


# ORDER BY expressions (kinds and statuses sort by their stored names, which sort as their labels do)
_DOCUMENT_ORDER = {
    DocumentSort.FILE: "d.file_name COLLATE NOCASE",
    DocumentSort.KIND: "d.kind",
    DocumentSort.PAGES: "COALESCE(d.page_count, 0)",
    DocumentSort.STATUS: "d.status",
    # a document is stamped with the time as it is inserted, so the id order is the import order, and
    # the primary key needs no sort (the time, unindexed, cost 20 ms a keystroke at 50,000)
    DocumentSort.IMPORTED: "d.id",
    DocumentSort.ERROR: "COALESCE(d.error, '') COLLATE NOCASE",
}
_DOCUMENT_TEXT = ("d.file_name",)
# ORDER BY expressions; the text ones match the NOCASE indexes of migration 0006
_RECEIPT_ORDER = {
    ReceiptSort.DATE: "r.date",
    ReceiptSort.MERCHANT: "r.merchant COLLATE NOCASE",
    ReceiptSort.TOTAL: "CAST(r.total AS REAL)",
    ReceiptSort.PERSON: "COALESCE(p.name, r.patient) COLLATE NOCASE",
    ReceiptSort.LETTERS: "r.uncovered_items",  # stored per receipt (migration 0009), indexed
}
# the filter's columns; names of people and files through small subqueries (each an index scan)
_RECEIPT_TEXT = (
    "r.merchant",
    "r.patient",
    "r.date",
    "r.total",
    "r.person_id IN (SELECT id FROM person WHERE name",
    "r.document_id IN (SELECT id FROM document WHERE file_name",
)

_STATE_RANK = (
    LetterState.ACTIVE,
    LetterState.EXPIRING,
    LetterState.NOT_YET_VALID,
    LetterState.EXPIRED,
    LetterState.UNKNOWN,
)
# The state of a letter computed in the query (ranked as _STATE_RANK), so the list sorts on it.
_STATE = (
    "CASE WHEN l.valid_through IS NULL THEN 4 WHEN l.valid_through < :today THEN 3 "
    "WHEN l.issue_date IS NOT NULL AND l.issue_date > :today THEN 2 "
    "WHEN l.valid_through <= :soon THEN 1 ELSE 0 END"
)
_LETTER_ORDER = {
    LetterSort.ISSUED: "l.issue_date",
    LetterSort.PATIENT: "COALESCE(l.patient_name, p.name) COLLATE NOCASE",
    LetterSort.PROVIDER: "l.provider_name COLLATE NOCASE",
    LetterSort.VALID_THROUGH: "l.valid_through",
    LetterSort.STATUS: _STATE,
    LetterSort.CHECKLIST: "json_array_length(l.missing)",
    LetterSort.COVERS: "l.categories",
}
_LETTER_TEXT = (
    "l.patient_name",
    "l.provider_name",
    "l.categories",
    "l.issue_date",
    "l.person_id IN (SELECT id FROM person WHERE name",
    "l.document_id IN (SELECT id FROM document WHERE file_name",
)


def _where_words(words: str, columns: Sequence[str], params: dict[str, Any]) -> str:
    """``AND (...)`` per word of the filter: the word in any of ``columns`` (LIKE, case-insensitive)."""
    clauses = []
    for n, word in enumerate(words.split()):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"w{n}"] = f"%{escaped}%"
        like = f"LIKE :w{n} ESCAPE '\\'"
        # a column written "x IN (SELECT id FROM t WHERE name" is closed after its LIKE
        tests = [f"{column} {like})" if "(SELECT" in column else f"{column} {like}" for column in columns]
        clauses.append("(" + " OR ".join(tests) + ")")
    return "".join(f" AND {clause}" for clause in clauses)


def _sorted_ids(
    session: Session,
    source: str,
    *,
    id_column: str,
    order: str,
    descending: bool,
    words: str,
    columns: Sequence[str],
    params: Mapping[str, Any] | None = None,
) -> list[int]:
    """The ids ``source`` selects (``SELECT <id_column> AS id FROM ... WHERE ...``) whose ``columns`` hold
    every word, in ``order`` (ties by id, the same way)."""
    params = dict(params or {})
    direction = "DESC" if descending else "ASC"
    sql = source + _where_words(words, columns, params) + f" ORDER BY {order} {direction}, {id_column} {direction}"
    # One JSON array built by SQLite in the query's order: 50,000 rows fetched one by one cost more
    # than the query (tests/services/test_lists.py checks the order).
    found = session.connection().execute(text(f"SELECT json_group_array(id) FROM ({sql})"), params).scalar()
    return list(json.loads(found or "[]"))


def _id_list(ids: Sequence[int]) -> str:
    """Ids for an ``IN (...)`` (ints written by us, so no parameter limit to mind)."""
    return ", ".join(str(int(i)) for i in ids)


def document_ids(
    session: Session,
    *,
    sort: DocumentSort = DocumentSort.IMPORTED,
    descending: bool = True,
    words: str = "",
    kind: str | None = None,
) -> list[int]:
    """Every document's id (of ``kind`` when given) whose file name holds ``words``, in the order of ``sort``."""
    return _sorted_ids(
        session,
        "SELECT d.id AS id FROM document d WHERE 1" + (" AND d.kind = :kind" if kind else ""),
        id_column="d.id",
        order=_DOCUMENT_ORDER[DocumentSort(sort)],
        descending=descending,
        words=words,
        columns=_DOCUMENT_TEXT,
        params={"kind": kind},
    )


def document_rows(session: Session, ids: Sequence[int]) -> dict[int, DocumentRow]:
    """The rows of these documents (a page), by id, with the e-mail each came in."""
    if not ids:
        return {}
    marks = _id_list(ids)
    rows = session.connection().execute(
        text(f"SELECT id, file_name, kind, page_count, status, imported_at, error FROM document WHERE id IN ({marks})")
    )
    sources = document_records.source_records(session, [int(i) for i in ids])
    return {
        row[0]: DocumentRow(
            id=row[0],
            file_name=row[1],
            kind=row[2],
            page_count=row[3],
            status=row[4],
            imported_at=datetime.fromisoformat(row[5]) if row[5] else None,
            error=row[6],
            source=sources.get(row[0]),
        )
        for row in rows
    }


def receipt_ids(
    session: Session, *, sort: ReceiptSort = ReceiptSort.DATE, descending: bool = True, words: str = ""
) -> list[int]:
    """Every receipt's id matching ``words``, in the order of ``sort`` (ties by id, the same way)."""
    return _sorted_ids(
        session,
        "SELECT r.id AS id FROM receipt r"
        # filtered: the words are tested on one index holding every filtered column (migration 0007)
        + (" INDEXED BY ix_receipt_list" if words.split() else "")
        + (" LEFT JOIN person p ON p.id = r.person_id" if sort == ReceiptSort.PERSON else "")
        + " WHERE 1",
        id_column="r.id",
        order=_RECEIPT_ORDER[ReceiptSort(sort)],
        descending=descending,
        words=words,
        columns=_RECEIPT_TEXT,
    )


def receipt_rows(session: Session, ids: Sequence[int]) -> dict[int, ReceiptRow]:
    """The rows of these receipts (a page), by id."""
    if not ids:
        return {}
    marks = _id_list(ids)
    connection = session.connection()
    counts: dict[int, list[tuple[str, int]]] = {}
    for receipt_id, status, n in connection.execute(
        text(
            f"SELECT li.receipt_id, COALESCE(il.status, '{LinkStatus.NO_LETTER}'), COUNT(*) FROM lineitem li "
            f"LEFT JOIN itemlink il ON il.item_id = li.id WHERE li.receipt_id IN ({marks}) AND li.needs_lmn "
            "GROUP BY 1, 2 ORDER BY 1, MIN(li.position)"
        )
    ):
        counts.setdefault(receipt_id, []).append((status, n))
    rows = connection.execute(
        text(
            "SELECT r.id, d.id, d.file_name, r.date, r.merchant, r.total, COALESCE(p.name, r.patient) "
            "FROM receipt r JOIN document d ON d.id = r.document_id LEFT JOIN person p ON p.id = r.person_id "
            f"WHERE r.id IN ({marks})"
        )
    )
    return {
        row[0]: ReceiptRow(
            id=row[0],
            document_id=row[1],
            file=row[2],
            date=date.fromisoformat(row[3]) if row[3] else None,
            merchant=row[4],
            total=row[5],
            person=row[6],
            link_counts=tuple(counts.get(row[0], ())),
        )
        for row in rows
    }


def _letter_params(session: Session, today: date | None) -> dict[str, Any]:
    today = today or date.today()
    soon = today + timedelta(days=int(config.get(session, "expiring_days")))
    return {"today": today.isoformat(), "soon": soon.isoformat()}


def letter_ids(
    session: Session,
    *,
    sort: LetterSort = LetterSort.ISSUED,
    descending: bool = True,
    words: str = "",
    today: date | None = None,
) -> list[int]:
    """Every letter's id matching ``words``, in the order of ``sort``; the status as of ``today``."""
    return _sorted_ids(
        session,
        "SELECT l.id AS id FROM letter l LEFT JOIN person p ON p.id = l.person_id WHERE 1",
        id_column="l.id",
        order=_LETTER_ORDER[LetterSort(sort)],
        descending=descending,
        words=words,
        columns=_LETTER_TEXT,
        params=_letter_params(session, today),
    )


def letter_rows(session: Session, ids: Sequence[int], *, today: date | None = None) -> dict[int, LetterRow]:
    """The rows of these letters (a page), by id, with their state as of ``today``."""
    if not ids:
        return {}
    params = _letter_params(session, today)
    marks = _id_list(ids)
    rows = session.connection().execute(
        text(
            "SELECT l.id, d.id, d.file_name, l.issue_date, l.valid_through, COALESCE(l.patient_name, p.name), "
            f"l.provider_name, {_STATE}, l.missing, l.categories FROM letter l "
            "JOIN document d ON d.id = l.document_id LEFT JOIN person p ON p.id = l.person_id "
            f"WHERE l.id IN ({marks})"
        ),
        params,
    )
    out = {}
    for row in rows:
        missing = json.loads(row[8] or "[]")
        out[row[0]] = LetterRow(
            id=row[0],
            document_id=row[1],
            file=row[2],
            issue_date=date.fromisoformat(row[3]) if row[3] else None,
            valid_through=date.fromisoformat(row[4]) if row[4] else None,
            patient=row[5],
            provider=row[6],
            state=_STATE_RANK[row[7]],
            missing_count=sum(not entry.ok for entry in audit_letter(missing)),
            categories=tuple(json.loads(row[9] or "[]")),
        )
    return out


def receipt_record(session: Session, receipt_id: int) -> ReceiptRecord | None:
    """One receipt with its items and links, for its detail pane."""
    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        return None
    document = session.get(Document, receipt.document_id)
    return None if document is None else document_records.receipt_record(session, receipt, document)


def letter_record(session: Session, letter_id: int) -> LetterRecord | None:
    """One letter, for its detail pane."""
    letter = session.get(Letter, letter_id)
    if letter is None:
        return None
    document = session.get(Document, letter.document_id)
    if document is None:
        return None
    return document_records.letter_record(letter, document, document_records.people_names(session))
