"""Import documents into the vault, store what was read, list, show, correct and search."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict

from sqlalchemy import delete, text
from sqlmodel import Session, col, select

from hsawallet import config
from hsawallet.ingest.model import IngestError, LetterFields, ReadResult, ReceiptFields
from hsawallet.ingest.sniff import mail_kind, sniff
from hsawallet.safeio import FileTooLarge, NotARegularFile, name_bytes, read_regular_file, storable_name
from hsawallet.services import events
from hsawallet.services.errors import UserError
from hsawallet.store.engine import Vault
from hsawallet.store.models import (
    Document,
    DocumentBlob,
    DocumentSource,
    FieldEdit,
    Letter,
    LineItem,
    PageText,
    Person,
    Receipt,
    row_id,
)
from hsawallet.vocab import Category, DocumentKind, DocumentStatus, ImportStatus, SourceKind

if TYPE_CHECKING:
    from PIL import Image

    from hsawallet.ingest.mail import MailSource

MAX_FILE_BYTES = 200 * 1024 * 1024

# A file or folder as the caller names it.
PathArg = str | os.PathLike[str]


class ImportLine(TypedDict):
    """One line of `import --json` (../shared/CLI.md)."""

    file: str
    status: ImportStatus
    document_id: int | None
    kind: str | None
    error: str | None
    container: str | None
    duplicate_of: NotRequired[int | None]  # a duplicate's line only


@dataclass
class ImportOutcome:
    file: str  # the file's name, no folder (bytes that are not UTF-8 kept as surrogate escapes)
    path: str
    status: ImportStatus
    document_id: int | None = None
    kind: str | None = None
    error: str | None = None
    container: str | None = None  # the e-mail file (.eml, .mbox) this document came out of
    duplicate_of: int | None = None  # a duplicate's document (stored earlier or earlier in this batch)
    deferred: bool = False  # stored, left unread by a stopped import: the next import reads it

    def as_json(self) -> ImportLine:
        line: ImportLine = {
            "file": storable_name(self.file),
            "status": self.status,
            "document_id": self.document_id,
            "kind": self.kind,
            "error": self.error,
            "container": None if self.container is None else storable_name(self.container),
        }
        if self.status == ImportStatus.DUPLICATE:
            line["duplicate_of"] = self.duplicate_of
        return line


Progress = Callable[[int, int, ImportOutcome], None]


# What a folder walk takes: documents and saved e-mail. A file named as given is always tried (its
# content decides); in a folder, a file named as something else (notes, spreadsheets, a scanner's
# .json sidecars) is not a document the user meant, and an error line for each would bury the real ones.
# A name without a suffix is tried too: mail clients keep mailboxes so ("Inbox").
DOCUMENT_SUFFIXES = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".heic", ".heif", ".webp", ".bmp", ".gif", ".eml", ".mbox"}
)


def expand_paths(paths: Iterable[PathArg]) -> list[Path]:
    """Files as given, folders walked recursively (hidden entries and files named as something other
    than a document skipped), in a stable order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(Path(root) / f for f in sorted(files) if not f.startswith(".") and _named_as_document(f))
        else:
            out.append(path)
    return out


def _named_as_document(name: str) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    return not suffix or suffix in DOCUMENT_SUFFIXES


def _read_file(path: Path) -> bytes:
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except NotARegularFile as exc:
        if exc.strerror == "a folder":
            raise IngestError("it is a folder, not a file") from None
        raise IngestError(f"it is {exc.strerror}, not a regular file; only saved files are imported") from None
    except FileTooLarge as exc:
        raise IngestError(
            f"the file is too large ({exc.size // (1024 * 1024)} MB; the limit is {exc.limit // (1024 * 1024)} MB)"
        ) from None
    except FileNotFoundError:
        raise IngestError("the file was not found (moved or deleted before it could be read)") from None
    except PermissionError:
        raise IngestError("permission denied: HSA Wallet may not read this file") from None
    except IsADirectoryError:
        raise IngestError("it is a folder, not a file") from None
    except OSError as exc:
        raise IngestError(f"the file could not be read ({exc.strerror or type(exc).__name__})") from None
    if not data:
        raise IngestError("the file is empty")
    return data


def import_files(
    vault: Vault,
    paths: Iterable[PathArg],
    *,
    person_id: int | None = None,
    account_id: int | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[ImportOutcome]:
    """Store each file (one transaction per file), then read the new ones in worker processes.

    One bad file never stops the batch; an interruption leaves stored-but-unread documents
    that the next import (of any files, or of none) reads. ``stop()`` turning true ends the
    reading after the documents already in a reader's hands; the rest stay stored and unread
    (outcomes marked ``deferred``). One import runs at a time per vault: a second one waits
    for the first (told through ``vault.notify``).
    """
    from hsawallet.store import locks

    with locks.writing(vault.path, on_wait=vault.tell):
        return _import_files(vault, paths, person_id, account_id, progress, workers, stop)


def unread_documents(session: Session) -> int:
    """How many documents are stored but not yet read (an import that was stopped or killed)."""
    return len(session.exec(select(Document.id).where(Document.status == DocumentStatus.STORED)).all())


def _import_files(
    vault: Vault,
    paths: Iterable[PathArg],
    person_id: int | None,
    account_id: int | None,
    progress: Progress | None,
    workers: int | None,
    stop: Callable[[], bool] | None = None,
) -> list[ImportOutcome]:
    from hsawallet.ingest.pool import read_many

    files = expand_paths(paths)
    total = len(files)
    outcomes: list[ImportOutcome] = []
    to_read: list[tuple[int, str]] = []  # (outcome index, file name)
    first_by_sha: dict[str, int] = {}  # sha256 -> index of the outcome that stores it in this batch
    copies: dict[int, list[ImportOutcome]] = {}  # that index -> later copies, told once it is read
    told = 0

    def report(outcome: ImportOutcome) -> None:
        nonlocal told
        told += 1
        if progress:
            progress(told, total, outcome)

    with vault.session() as session:
        date_order = config.get(session, "date_order")
        workers = workers or config.get(session, "ocr_workers")
        people = tuple(person.name for person in session.exec(select(Person)))
        messages: list[tuple[ImportOutcome, Path]] = []  # e-mail files, opened together below

        def stage(outcome: ImportOutcome, data: bytes) -> None:
            """Store ``data`` as a new document to read, or make ``outcome`` a duplicate or an error.

            A new document is told once read; a copy of a file earlier in this batch is its
            duplicate (read once, the first name kept), told once that file has been read."""
            settled = True
            try:
                if outcome.error is not None:
                    raise IngestError(outcome.error)
                sniff(data)  # refuse what is not a document before it is stored
                sha = hashlib.sha256(data).hexdigest()
                existing = session.exec(select(Document).where(Document.sha256 == sha)).first()
                if (first := first_by_sha.get(sha)) is not None:
                    outcome.status = ImportStatus.DUPLICATE
                    outcome.document_id = outcome.duplicate_of = outcomes[first].document_id
                    copies.setdefault(first, []).append(outcome)
                    settled = False
                elif existing is not None and existing.status != DocumentStatus.STORED:
                    outcome.status, outcome.document_id, outcome.kind = (
                        ImportStatus.DUPLICATE,
                        existing.id,
                        existing.kind,
                    )
                    outcome.duplicate_of = existing.id
                else:
                    doc = existing or _store_document(session, outcome.file, data, sha, person_id, account_id)
                    outcome.document_id = doc.id
                    first_by_sha[sha] = len(outcomes)
                    to_read.append((len(outcomes), outcome.file))
                    settled = False
            except IngestError as exc:
                outcome.error = str(exc)
            finally:
                session.commit()  # ends the transaction: no write lock held while the next file is read
            outcomes.append(outcome)
            if settled:
                report(outcome)

        for path in files:
            outcome = ImportOutcome(file=path.name, path=str(path), status=ImportStatus.ERROR)
            try:
                data = _read_file(path)
            except IngestError as exc:
                outcome.error = str(exc)
                data = b""
            if data and mail_kind(data):
                messages.append((outcome, path))  # read again when its turn comes: a batch of mailboxes
            else:  # is never all in memory at once
                stage(outcome, data)
        # A message or mailbox expands to the documents it carries, each staged as a file of its own.
        total -= len(messages)
        for outcome, data, source in _open_messages(messages, workers):
            total += 1
            stage(outcome, data)
            if source is not None and outcome.document_id is not None and outcome.status != ImportStatus.DUPLICATE:
                _remember_source(session, outcome.document_id, outcome.container, source)
        # Documents an interrupted import stored but never read are read now as well.
        queued = {outcomes[index].document_id for index, _ in to_read}
        for doc in session.exec(select(Document).where(Document.status == DocumentStatus.STORED)):
            if doc.id not in queued:
                to_read.append((len(outcomes), doc.file_name))
                outcomes.append(
                    ImportOutcome(
                        file=doc.file_name,
                        path="(left unread by an earlier import)",
                        status=ImportStatus.ERROR,
                        document_id=doc.id,
                    )
                )
                total += 1

    handed: set[int] = set()  # outcome indexes given to a reader

    def jobs() -> Iterator[tuple[int, bytes, str]]:
        for index, name in to_read:
            if stop is not None and stop():
                return  # what the readers hold is finished below; the rest stays stored for later
            handed.add(index)
            with vault.session() as session:
                blob = session.get(DocumentBlob, outcomes[index].document_id)
                data = blob.data if blob else b""
            yield index, data, storable_name(name)

    for index, result in read_many(jobs(), workers=workers, date_order=date_order, people=people):
        outcome = outcomes[index]
        with vault.session() as session:
            if isinstance(result, IngestError):
                _forget_document(session, outcome.document_id)
                outcome.status, outcome.error, outcome.document_id = ImportStatus.ERROR, str(result), None
            elif (
                stored := session.get(Document, outcome.document_id)
            ) is None:  # removed (another window, the CLI) while a reader had it
                outcome.status, outcome.document_id = ImportStatus.ERROR, None
                outcome.error = "the document was removed from the vault while it was being read"
            else:
                store_read_result(session, stored, result)
                outcome.status, outcome.kind = ImportStatus.IMPORTED, result.kind
        report(outcome)
        for copy in copies.pop(index, ()):
            if outcome.status == ImportStatus.IMPORTED:
                copy.kind = outcome.kind
            else:
                copy.status, copy.document_id, copy.duplicate_of = ImportStatus.ERROR, None, None
                copy.error = (
                    f"the same bytes as {storable_name(outcome.file)}, which could not be read: {outcome.error}"
                )
            report(copy)
    for index, _name in to_read:
        if index not in handed:
            left = outcomes[index]
            left.deferred = True
            left.error = "not read yet: the import was stopped; it is read at the next start or import"
            report(left)
            for copy in copies.pop(index, ()):
                copy.deferred = True  # still a duplicate of the stored document
                report(copy)

    if any(o.status == ImportStatus.IMPORTED for o in outcomes):
        from hsawallet.services.coverage import recompute_links

        recompute_links(
            vault,
            document_ids=[
                o.document_id for o in outcomes if o.status == ImportStatus.IMPORTED and o.document_id is not None
            ],
        )
        events.publish(events.DOCUMENTS_CHANGED)
    return outcomes


def _open_messages(
    messages: list[tuple[ImportOutcome, Path]], workers: int
) -> Iterator[tuple[ImportOutcome, bytes, MailSource | None]]:
    """Each e-mail file's documents as (outcome, bytes, source), opened in the reader workers; a file
    or message that gives no document comes back as its outcome with the reason (bytes b"", no source)."""
    from hsawallet.ingest.pool import OPEN_MAIL, read_many

    unreadable: list[ImportOutcome] = []

    def jobs() -> Iterator[tuple[int, bytes, str]]:
        for index, (outcome, path) in enumerate(messages):
            try:
                yield index, _read_file(path), outcome.file
            except IngestError as exc:  # gone or changed since it was first read
                outcome.error = str(exc)
                unreadable.append(outcome)

    for index, contents in read_many(jobs(), workers=workers, task=OPEN_MAIL):
        container = messages[index][0]
        if isinstance(contents, IngestError):
            container.error = str(contents)
            yield container, b"", None
            continue
        paths: set[str] = set()
        for problem in contents.problems:
            name = problem.attachment or container.file
            reason = f"{problem.where}: {problem.message}" if problem.where else problem.message
            yield (
                ImportOutcome(
                    file=name,
                    path=_unique(f"{container.path}/{problem.where}/{name}", paths),
                    status=ImportStatus.ERROR,
                    error=reason,
                    container=container.file,
                ),
                b"",
                None,
            )
        for document in contents.documents:
            path = _unique(f"{container.path}/{document.name}", paths)
            yield (
                ImportOutcome(file=document.name, path=path, status=ImportStatus.ERROR, container=container.file),
                document.data,
                document.source,
            )
    for outcome in unreadable:
        yield outcome, b"", None


def _unique(path: str, taken: set[str]) -> str:
    """Two parts of one name in a message: the import results keep a row for each."""
    while path in taken:
        path += "'"
    taken.add(path)
    return path


def _remember_source(session: Session, document_id: int, container: str | None, source: MailSource) -> None:
    if session.get(DocumentSource, document_id) is None:
        session.add(
            DocumentSource(
                document_id=document_id,
                kind=SourceKind.EMAIL,
                container=container,
                message_date=source.date,
                sender=source.sender,
                subject=source.subject,
            )
        )
        session.commit()


def _store_document(
    session: Session, name: str, data: bytes, sha: str, person_id: int | None, account_id: int | None
) -> Document:
    doc = Document(
        file_name=storable_name(name),
        file_name_bytes=name_bytes(name),
        size=len(data),
        sha256=sha,
        status=DocumentStatus.STORED,
        person_id=person_id,
        account_id=account_id,
    )
    session.add(doc)
    session.flush()
    session.add(DocumentBlob(document_id=row_id(doc.id), data=data))
    session.commit()
    return doc


def _forget_document(session: Session, document_id: int | None) -> None:
    if document_id is None:
        return
    session.exec(delete(DocumentBlob).where(col(DocumentBlob.document_id) == document_id))
    session.exec(delete(Document).where(col(Document.id) == document_id))
    session.commit()


# ---------------------------------------------------------------- storing what was read

RECEIPT_FIELDS = ("merchant", "date", "total", "subtotal", "tax", "card_last4", "patient")
LETTER_FIELDS = (
    "patient_name",
    "patient_dob",
    "provider_name",
    "provider_credentials",
    "provider_license",
    "provider_npi",
    "provider_contact",
    "diagnosis",
    "icd10",
    "items",
    "categories",
    "frequency",
    "duration_months",
    "issue_date",
    "valid_through",
    "valid_through_stated",
    "signed",
    "medical_necessity_statement",
    "missing",
)
ITEM_FIELDS = ("description", "amount", "category", "needs_lmn")
DATE_FIELDS = {"date", "patient_dob", "issue_date", "valid_through"}
MONEY_FIELDS = {"total", "subtotal", "tax", "amount"}
LIST_FIELDS = {"icd10", "items", "categories", "missing"}
BOOL_FIELDS = {"valid_through_stated", "signed", "medical_necessity_statement", "needs_lmn"}
INT_FIELDS = {"duration_months"}


def store_read_result(session: Session, doc: Document, result: ReadResult) -> None:
    """Replace what was read of ``doc``; the user's edits are applied again on top."""
    document_id = row_id(doc.id)
    source = session.get(DocumentSource, document_id)
    if source is not None and source.message_date is not None:
        _date_from_message(result, source.message_date)
    doc.media_type = result.media_type
    doc.page_count = result.page_count
    doc.kind = result.kind
    doc.kind_confidence = result.kind_confidence
    doc.status = DocumentStatus.READ
    doc.error = None
    session.add(doc)
    session.exec(delete(PageText).where(col(PageText.document_id) == document_id))
    for page in result.pages:
        session.add(
            PageText(
                document_id=document_id,
                page_index=page.index,
                text=page.text,
                source=page.source,
                confidence=page.confidence,
            )
        )
    receipt = session.exec(select(Receipt).where(Receipt.document_id == document_id)).first()
    letter = session.exec(select(Letter).where(Letter.document_id == document_id)).first()
    if result.kind == DocumentKind.RECEIPT and result.receipt is not None:
        if letter is not None:
            session.delete(letter)
        receipt = receipt or Receipt(document_id=document_id)
        _take_read_fields(session, receipt, result.receipt, RECEIPT_FIELDS)
        items = _items_of(session, row_id(receipt.id))
        for position, item_fields in enumerate(result.receipt.items):
            item = (
                items[position]
                if position < len(items)
                else LineItem(
                    receipt_id=row_id(receipt.id),
                    position=position,
                    description="",
                    category=Category.NOT_ELIGIBLE,
                    needs_lmn=False,
                )
            )
            for name in ITEM_FIELDS:
                setattr(item, name, getattr(item_fields, name))
            item.confidence = item_fields.confidence
            session.add(item)
        for extra in items[len(result.receipt.items) :]:
            session.delete(extra)
        session.flush()
        _apply_edits(session, "receipt", receipt)
        for item in session.exec(select(LineItem).where(LineItem.receipt_id == receipt.id)):
            _apply_edits(session, "item", item)
    elif result.kind == DocumentKind.LETTER and result.letter is not None:
        if receipt is not None:
            session.delete(receipt)
        letter = letter or Letter(document_id=document_id)
        _take_read_fields(session, letter, result.letter, LETTER_FIELDS)
        _apply_edits(session, "letter", letter)
    else:
        for row in (receipt, letter):
            if row is not None:
                session.delete(row)
    session.commit()


def _take_read_fields(
    session: Session, row: Receipt | Letter, fields: ReceiptFields | LetterFields, names: Iterable[str]
) -> None:
    """Copy what was read into the receipt's or letter's row (lists as the row's JSON lists), and store it."""
    for name in names:
        value = getattr(fields, name)
        setattr(row, name, list(value) if name in LIST_FIELDS else value)
    row.confidence = dict(fields.confidence)
    session.add(row)
    session.flush()


def _items_of(session: Session, receipt_id: int) -> list[LineItem]:
    """A receipt's line items in their printed order."""
    return list(
        session.exec(select(LineItem).where(LineItem.receipt_id == receipt_id).order_by(col(LineItem.position)))
    )


# A message's date says when a receipt or letter was sent, not when it was written: weaker than a printed date.
MESSAGE_DATE_CONFIDENCE = 0.5


def _date_from_message(result: ReadResult, sent: date) -> None:
    """The e-mail's date stands in for a receipt's or letter's date that the document does not print."""
    if result.receipt is not None and result.receipt.date is None:
        result.receipt.date = sent
        result.receipt.confidence["date"] = MESSAGE_DATE_CONFIDENCE
    letter = result.letter
    if letter is not None and letter.issue_date is None:
        from hsawallet.ingest.dates import default_valid_through

        letter.issue_date = sent
        letter.confidence["issue_date"] = MESSAGE_DATE_CONFIDENCE
        if letter.valid_through is None:
            letter.valid_through = default_valid_through(sent)
            letter.confidence["valid_through"] = MESSAGE_DATE_CONFIDENCE
        # "issue_date" stays in the checklist: the letter itself still shows no date.


# A field's value as edited by the user (parse_field_value) and kept as JSON in FieldEdit (_encode, _decode).
FieldValue = str | int | bool | date | Decimal | list[str] | None
# A row the user may correct: field edits name it "receipt", "letter" or "item".
EditableRow = Receipt | Letter | LineItem


def _apply_edits(session: Session, target: str, row: EditableRow) -> None:
    edits = session.exec(select(FieldEdit).where(FieldEdit.target == target, FieldEdit.target_id == row.id))
    for edit in edits:
        setattr(row, edit.field, _decode(edit.field, edit.value))
        _mark_edited(row, edit.field)
    session.add(row)


def _mark_edited(row: EditableRow, field: str) -> None:
    """What the user wrote is certain: a receipt or letter keeps a confidence per field, an item one in all."""
    if isinstance(row, LineItem):
        row.confidence = 1.0
    else:
        row.confidence = {**row.confidence, field: 1.0}


def _decode(field: str, stored: str | None) -> FieldValue:
    value: FieldValue = json.loads(stored) if stored else None  # what _encode wrote
    if isinstance(value, str) and field in DATE_FIELDS:
        return date.fromisoformat(value)
    if isinstance(value, str) and field in MONEY_FIELDS:
        return Decimal(value)
    return value


# ---------------------------------------------------------------- user corrections


def parse_field_value(field: str, raw: str) -> FieldValue:
    """A CLI/GUI string to the field's type, with a specific message when it does not fit."""
    raw = raw.strip()
    if raw == "" or raw.lower() in ("null", "none"):
        return None
    if field in DATE_FIELDS:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise UserError(f"{field} must be a date written YYYY-MM-DD, not '{raw}'.") from None
    if field in MONEY_FIELDS:
        try:
            value = Decimal(raw.replace("$", "").replace(",", ""))
        except InvalidOperation:
            raise UserError(f"{field} must be an amount such as 42.17, not '{raw}'.") from None
        return value.quantize(Decimal("0.01"))
    if field in LIST_FIELDS:
        return [part.strip() for part in raw.split(",") if part.strip()]
    if field in BOOL_FIELDS:
        if raw.lower() in ("yes", "true", "1", "y"):
            return True
        if raw.lower() in ("no", "false", "0", "n"):
            return False
        raise UserError(f"{field} must be yes or no, not '{raw}'.")
    if field in INT_FIELDS:
        if not raw.isdigit():
            raise UserError(f"{field} must be a whole number, not '{raw}'.")
        return int(raw)
    return raw


def _encode(value: FieldValue) -> str | None:
    if value is None:
        return None
    return json.dumps(str(value) if isinstance(value, (date, Decimal)) else value)


def set_field(vault: Vault, document_id: int, field: str, raw_value: str) -> None:
    """Record a user edit of a receipt/letter field (``items.N.field`` for line item N, 1-based)."""
    from hsawallet.ingest.categories import load_categories
    from hsawallet.services.coverage import letter_terms

    with vault.session() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise UserError(f"There is no document {document_id}.")
        receipt = session.exec(select(Receipt).where(Receipt.document_id == document_id)).first()
        letter = session.exec(select(Letter).where(Letter.document_id == document_id)).first()
        # What the letter covered before the edit: items of categories it no longer lists are relinked too.
        letters_before = [letter_terms(letter)] if letter is not None else []
        row: EditableRow
        if field.startswith("items.") and receipt is not None:
            parts = field.split(".")
            if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in ITEM_FIELDS:
                raise UserError(f"Item fields are written items.N.FIELD with FIELD one of {', '.join(ITEM_FIELDS)}.")
            items = _items_of(session, row_id(receipt.id))
            number = int(parts[1])
            if not 1 <= number <= len(items):
                raise UserError(f"Receipt {document_id} has {len(items)} items; there is no item {number}.")
            item = items[number - 1]
            target, row, name = "item", item, parts[2]
            value = parse_field_value(name, raw_value)
            if name == "category":
                categories = load_categories()
                if not isinstance(value, str) or value not in categories.names:
                    raise UserError(f"Unknown category '{value}'; known: {', '.join(categories.names)}.")
                _record_edit(session, "item", row_id(item.id), "needs_lmn", categories.needs_lmn(value))
                item.needs_lmn = categories.needs_lmn(value)
        elif receipt is not None and field in RECEIPT_FIELDS:
            target, row, name = "receipt", receipt, field
            value = parse_field_value(name, raw_value)
        elif letter is not None and field in LETTER_FIELDS:
            target, row, name = "letter", letter, field
            value = parse_field_value(name, raw_value)
        else:
            known = RECEIPT_FIELDS if receipt is not None else LETTER_FIELDS if letter is not None else ()
            if not known:
                raise UserError(f"Document {document_id} is neither a receipt nor a letter; nothing to correct.")
            raise UserError(
                f"Unknown field '{field}'. Fields: {', '.join(known)}"
                + (", items.N.FIELD" if receipt is not None else "")
                + "."
            )
        _record_edit(session, target, row_id(row.id), name, value)
        setattr(row, name, value)
        if isinstance(row, Letter) and name != "missing":
            _refresh_letter(session, row, name)
        _mark_edited(row, name)
        session.add(row)
        session.commit()
    from hsawallet.services.coverage import recompute_links

    recompute_links(vault, document_ids=[document_id], letters_before=letters_before)
    events.publish(events.DOCUMENTS_CHANGED)


# Which checklist element (../shared/CLI.md `missing`) a corrected letter field fills.
CHECKLIST_OF_FIELD = {
    "patient_name": "patient_name",
    "patient_dob": "patient_dob",
    "diagnosis": "diagnosis",
    "icd10": "icd10",
    "items": "recommended_items",
    "provider_name": "provider_name",
    "provider_credentials": "provider_credentials",
    "provider_license": "provider_license",
    "provider_npi": "provider_npi",
    "provider_contact": "provider_contact",
    "issue_date": "issue_date",
    "signed": "signature",
    "medical_necessity_statement": "medical_necessity_statement",
    "duration_months": "duration",
    "frequency": "duration",
}


def _refresh_letter(session: Session, letter: Letter, field: str) -> None:
    """Keep the checklist and the default validity in step with a corrected field."""
    from hsawallet.ingest.dates import default_valid_through

    element = CHECKLIST_OF_FIELD.get(field)
    if element is not None:
        if element == "duration":
            present = bool(letter.duration_months or letter.frequency)
        else:
            present = bool(getattr(letter, field))
        missing = [m for m in letter.missing if m != element]
        if not present:
            missing.append(element)
        letter.missing = missing
        _record_edit(session, "letter", row_id(letter.id), "missing", list(missing))
    if field == "issue_date" and not letter.valid_through_stated and letter.issue_date:
        letter.valid_through = default_valid_through(letter.issue_date)
        _record_edit(session, "letter", row_id(letter.id), "valid_through", letter.valid_through)
    if field == "valid_through":
        letter.valid_through_stated = letter.valid_through is not None
        _record_edit(session, "letter", row_id(letter.id), "valid_through_stated", letter.valid_through_stated)


def _record_edit(session: Session, target: str, target_id: int, name: str, value: FieldValue) -> None:
    edit = session.exec(
        select(FieldEdit).where(FieldEdit.target == target, FieldEdit.target_id == target_id, FieldEdit.field == name)
    ).first()
    edit = edit or FieldEdit(target=target, target_id=target_id, field=name)
    edit.value = _encode(value)
    session.add(edit)


def edited_fields(session: Session, target: str, target_id: int) -> set[str]:
    return {
        e.field
        for e in session.exec(select(FieldEdit).where(FieldEdit.target == target, FieldEdit.target_id == target_id))
    }


# ---------------------------------------------------------------- reading back


def document_ids(session: Session, *, kind: str | None = None) -> list[int]:
    """Ids only, newest first: the GUI's lazy table model fetches rows as they scroll in."""
    query = select(col(Document.id)).order_by(col(Document.id).desc())
    if kind:
        query = query.where(Document.kind == kind)
    return [row_id(i) for i in session.exec(query)]


def documents_by_id(session: Session, ids: list[int]) -> dict[int, Document]:
    if not ids:
        return {}
    return {row_id(d.id): d for d in session.exec(select(Document).where(col(Document.id).in_(ids)))}


def document_bytes(session: Session, document_id: int) -> bytes:
    """The stored bytes, verified against the SHA-256 recorded at import."""
    doc = session.get(Document, document_id)
    blob = session.get(DocumentBlob, document_id)
    if doc is None or blob is None:
        raise UserError(f"There is no document {document_id}.")
    if hashlib.sha256(blob.data).hexdigest() != doc.sha256:
        raise UserError(
            f"Document {document_id} ({doc.file_name}) is damaged in the vault: its bytes no "
            "longer match their SHA-256. Restore it from a backup."
        )
    return blob.data


def page_images(session: Session, document_id: int, *, dpi: int) -> list[Image.Image]:
    """The stored document drawn as upright page images (its bytes hash-verified first)."""
    from hsawallet.ingest.render import page_images as draw

    data = document_bytes(session, document_id)
    doc = session.get(Document, document_id)
    return draw(data, doc.media_type if doc is not None else None, dpi=dpi)


def category_names() -> list[str]:
    """The categories a line item may be given: the built-in ones and any added to the categories file."""
    from hsawallet.ingest.categories import load_categories

    return list(load_categories().names)


def search(session: Session, query: str, *, limit: int = 200) -> list[tuple[int, str]]:
    """Full-text search over the read text: (document id, snippet), best first."""
    return [(hit.document_id, hit.snippet) for hit in search_pages(session, query, limit=limit)]


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    page_index: int  # 0-based: the best-matching page of the document
    snippet: str
    file_name: str
    record: tuple[str, int] | None  # ("receipt", id) / ("letter", id); None for an "other" document


def search_pages(session: Session, query: str, *, limit: int = 200) -> list[SearchHit]:
    """Full-text search: one hit per document (its best page), best first, with what it was read as.

    Bounded: the newest ``limit`` matching pages are taken in the index's own order (it stops there), and
    only they are ranked (bm25) and given a snippet, so a word every document has costs what a rare one
    does. With no more than ``limit`` matching pages that is every match, best first."""
    terms = [t for t in query.replace('"', " ").split() if t]
    if not terms:
        return []
    match = " ".join(f'"{t}"*' for t in terms)
    rows = (
        session.connection()
        .execute(
            text(
                "SELECT p.document_id, p.page_index, snippet(pagetext_fts, 0, '[', ']', '…', 10), "
                "bm25(pagetext_fts) "
                "FROM pagetext_fts JOIN pagetext p ON p.id = pagetext_fts.rowid "
                "WHERE pagetext_fts MATCH :match ORDER BY pagetext_fts.rowid DESC LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        )
        .all()
    )
    best: dict[int, tuple[int, str]] = {}
    for doc_id, page_index, snippet, _ in sorted(rows, key=lambda row: row[3]):  # bm25: lower is better
        best.setdefault(doc_id, (page_index, snippet))
    docs = documents_by_id(session, list(best))
    receipts = dict(
        session.exec(select(Receipt.document_id, Receipt.id).where(col(Receipt.document_id).in_(best))).all()
    )
    letters = dict(session.exec(select(Letter.document_id, Letter.id).where(col(Letter.document_id).in_(best))).all())
    hits = []
    for doc_id, (page_index, snippet) in best.items():
        record: tuple[str, int] | None = None
        if doc_id in receipts:
            record = ("receipt", row_id(receipts[doc_id]))
        elif doc_id in letters:
            record = ("letter", row_id(letters[doc_id]))
        doc = docs.get(doc_id)
        name = doc.file_name if doc is not None else f"Document {doc_id}"
        hits.append(SearchHit(doc_id, int(page_index), snippet, name, record))
    return hits


def person_names(session: Session) -> dict[int, str]:
    return {row_id(p.id): p.name for p in session.exec(select(Person))}


# ---------------------------------------------------------------- removing and reclassifying


@dataclass(frozen=True)
class RemovedDocument:
    """What a removal took out of the vault: enough to import the document again (the GUI's undo)."""

    document_id: int
    file_name: str
    data: bytes
    person_id: int | None
    account_id: int | None


def _claims_holding(session: Session, document_id: int) -> list[int]:
    """Claims that hold one of the document's expenses, or an expense its letter covers."""
    from hsawallet.store.models import ClaimItem, ItemLink

    item_ids = (
        select(col(LineItem.id))
        .join(Receipt, col(LineItem.receipt_id) == col(Receipt.id))
        .where(Receipt.document_id == document_id)
    )
    letter_ids = select(col(Letter.id)).where(Letter.document_id == document_id)
    covered = select(ItemLink.item_id).where(col(ItemLink.letter_id).in_(letter_ids))
    rows = session.exec(
        select(ClaimItem.claim_id)
        .where(col(ClaimItem.item_id).in_(item_ids) | col(ClaimItem.item_id).in_(covered))
        .distinct()
    )
    return sorted(rows)


def remove_document(vault: Vault, document_id: int) -> RemovedDocument:
    """Remove a document with everything read from it and the user's corrections of it. Refused
    while a claim holds its expenses or relies on its letter: the claim's packet would change."""
    with vault.session() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise UserError(f"There is no document {document_id}.")
        claims = _claims_holding(session, document_id)
        if claims:
            raise UserError(
                f"Document {document_id} ({doc.file_name}) is part of claim "
                f"{', '.join(map(str, claims))}; remove it from the claim (or delete a draft claim) "
                f"first. Nothing was removed."
            )
        blob = session.get(DocumentBlob, document_id)
        removed = RemovedDocument(document_id, doc.file_name, blob.data if blob else b"", doc.person_id, doc.account_id)
        _forget_edits(session, document_id)
        session.delete(doc)  # blob, pages, receipt, items, letter and links go with it (ON DELETE CASCADE)
        session.commit()
    from hsawallet.services.coverage import recompute_links

    recompute_links(vault)
    events.publish(events.DOCUMENTS_CHANGED)
    return removed


def record_of_document(session: Session, document_id: int) -> tuple[str, int] | None:
    """("receipt", id) or ("letter", id) read from the document; None for an "other" document."""
    receipt = session.exec(select(Receipt.id).where(Receipt.document_id == document_id)).first()
    if receipt is not None:
        return "receipt", int(receipt)
    letter = session.exec(select(Letter.id).where(Letter.document_id == document_id)).first()
    return ("letter", int(letter)) if letter is not None else None


def restore_document(vault: Vault, removed: RemovedDocument) -> int:
    """Put a removed document back from the bytes ``remove_document`` returned (the GUI's undo):
    stored and read again like an import, never written to disk. Returns its new id."""
    sha = hashlib.sha256(removed.data).hexdigest()
    with vault.session() as session:
        existing = session.exec(select(Document).where(Document.sha256 == sha)).first()
        if existing is not None:
            return row_id(existing.id)
        doc = _store_document(session, removed.file_name, removed.data, sha, removed.person_id, removed.account_id)
        document_id = row_id(doc.id)
    # an import of nothing reads what is stored but unread: this document
    outcome = next((o for o in import_files(vault, []) if o.document_id == document_id), None)
    if outcome is None or outcome.error:
        raise UserError(
            f"{removed.file_name} could not be read again: {outcome.error if outcome else 'it was not found'}"
        )
    return document_id


def _forget_edits(session: Session, document_id: int) -> None:
    receipt_ids = list(session.exec(select(col(Receipt.id)).where(Receipt.document_id == document_id)))
    letter_ids = list(session.exec(select(col(Letter.id)).where(Letter.document_id == document_id)))
    item_ids = list(session.exec(select(col(LineItem.id)).where(col(LineItem.receipt_id).in_(receipt_ids))))
    for target, ids in (("receipt", receipt_ids), ("letter", letter_ids), ("item", item_ids)):
        if ids:
            session.exec(delete(FieldEdit).where(col(FieldEdit.target) == target, col(FieldEdit.target_id).in_(ids)))


def reclassify_document(vault: Vault, document_id: int, kind: str) -> Document:
    """Say what a document is (receipt, letter or other) and read its text again as that kind; the
    text is not OCR'd again. Refused while a claim holds its expenses or relies on its letter."""
    from hsawallet.ingest.model import PageText as ReadPage
    from hsawallet.ingest.pipeline import parse_as

    if kind not in tuple(DocumentKind):
        raise UserError(f"A document is one of {', '.join(DocumentKind)}, not '{kind}'.")
    with vault.session() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise UserError(f"There is no document {document_id}.")
        if doc.status != DocumentStatus.READ:
            raise UserError(f"Document {document_id} has not been read yet; import it again first.")
        if doc.kind != kind:
            claims = _claims_holding(session, document_id)
            if claims:
                raise UserError(
                    f"Document {document_id} is part of claim {', '.join(map(str, claims))}; "
                    f"its kind cannot change while a claim relies on it."
                )
            pages = [
                ReadPage(index=p.page_index, text=p.text, source=p.source, confidence=p.confidence)
                for p in session.exec(
                    select(PageText).where(PageText.document_id == document_id).order_by(col(PageText.page_index))
                )
            ]
            result = parse_as(
                pages, kind, media_type=doc.media_type or "", date_order=config.get(session, "date_order")
            )
            store_read_result(session, doc, result)
        session.refresh(doc)
    from hsawallet.services.coverage import recompute_links

    recompute_links(vault)
    events.publish(events.DOCUMENTS_CHANGED)
    return doc
