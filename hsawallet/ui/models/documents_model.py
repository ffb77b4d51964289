"""The Documents list: the shared lazy model (ui/models/lazy_table.py) over services/lists.py's documents.

Ids come sorted and filtered (file name words, the kind chosen) by the database; rows a page at a time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QObject
from sqlmodel import Session

from hsawallet.safeio import printable_name
from hsawallet.services import lists
from hsawallet.services.lists import DocumentRow, DocumentSort
from hsawallet.ui.models.lazy_table import ID_ROLE, PAGE_SIZE, IdsQuery, LazyColumn, LazyTableModel
from hsawallet.ui.widgets.source_label import source_text
from hsawallet.vocab import DocumentKind, DocumentStatus

COL_FILE, COL_KIND, COL_PAGES, COL_STATUS, COL_IMPORTED, COL_ERROR = range(6)

KIND_LABELS = {DocumentKind.RECEIPT: "Receipt", DocumentKind.LETTER: "Letter", DocumentKind.OTHER: "Other", None: "—"}
STATUS_LABELS = {
    DocumentStatus.STORED: "Waiting to be read",
    DocumentStatus.READ: "Read",
    DocumentStatus.ERROR: "Could not read",
}


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:  # stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _file_tip(row: DocumentRow) -> str:
    name, source = printable_name(row.file_name), source_text(row.source)
    return f"{name}\n{source}" if source else name


DOCUMENT_COLUMNS = (
    LazyColumn("File", lambda r: printable_name(r.file_name), DocumentSort.FILE, tooltip=_file_tip),
    LazyColumn("Kind", lambda r: KIND_LABELS.get(r.kind, r.kind or "—"), DocumentSort.KIND),
    LazyColumn(
        "Pages", lambda r: "" if r.page_count is None else str(r.page_count), DocumentSort.PAGES, align_right=True
    ),
    LazyColumn("Status", lambda r: STATUS_LABELS.get(r.status, r.status), DocumentSort.STATUS),
    LazyColumn("Imported", lambda r: local_time(r.imported_at), DocumentSort.IMPORTED),
    LazyColumn("Error", lambda r: r.error or "", DocumentSort.ERROR, tooltip=lambda r: r.error or None),
)


def document_ids_query(kind: str | None) -> IdsQuery:
    """The ids of the documents of ``kind`` (all when None), for the model."""

    def ids(session: Session, sort: str, descending: bool, words: str) -> list[int]:
        return lists.document_ids(session, sort=DocumentSort(sort), descending=descending, words=words, kind=kind)

    return ids


def documents_model(ctx, parent: QObject | None = None, *, background: bool = True) -> LazyTableModel:
    """Every document, newest first, rows a page at a time."""
    return LazyTableModel(
        ctx,
        DOCUMENT_COLUMNS,
        document_ids_query(None),
        lists.document_rows,
        parent,
        sort_column=COL_IMPORTED,
        descending=True,
        background=background,
    )


__all__ = [
    "COL_ERROR",
    "COL_FILE",
    "COL_IMPORTED",
    "COL_KIND",
    "COL_PAGES",
    "COL_STATUS",
    "DOCUMENT_COLUMNS",
    "ID_ROLE",
    "PAGE_SIZE",
    "document_ids_query",
    "documents_model",
]
