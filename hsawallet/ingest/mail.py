"""Open e-mail: an .eml message or an .mbox mailbox -> the documents it carries.

Each PDF or image attachment is a document (nested message/rfc822 parts are opened too);
a message with none whose HTML or text body reads as a receipt becomes a document of its
own, its text drawn into a PDF. Every document keeps where it came from (the message's
date, sender and subject). Messages are untrusted input: this runs in a reader worker
(hsawallet.ingest.pool, task "mail") with its time and memory limits, and writes nothing
to disk.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from email import errors as email_errors
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from hsawallet.ingest.model import IngestError, PageText
from hsawallet.ingest.sniff import HEIC, JPEG, MBOX, MESSAGE, PDF, PNG, TIFF, mail_kind, sniff

# A mailbox is parsed whole in one reader worker; past this, export the messages that matter.
MAX_MAILBOX_BYTES = 64 * 1024 * 1024
# Logos and signature pictures placed in a message's body are this small; a legible receipt is not.
MIN_INLINE_IMAGE_BYTES = 10 * 1024
MAX_NESTING = 16  # message/rfc822 and multipart levels; real mail stays far below

_EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", TIFF: ".tif", HEIC: ".heic"}
_DOCUMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".gif", ".bmp", ".webp")
_SMIME = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
_SIGNATURES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
_TNEF = {"application/ms-tnef", "application/vnd.ms-tnef"}
# The parser's signs that a multipart message's parts cannot be found.
_BROKEN_STRUCTURE = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)


@dataclass(frozen=True)
class MailSource:
    """Where a document came from: the message that carried it."""

    date: date | None
    sender: str | None
    subject: str | None


@dataclass
class MailDocument:
    name: str  # the attachment's own file name (made safe), or one made up for a message body
    data: bytes
    source: MailSource
    from_body: bool = False  # drawn from the message's text, not attached


@dataclass
class MailProblem:
    """Something in the file that could not become a document, said for the user."""

    where: str  # "" (the message of an .eml, or the whole file) or "message 3 of 12" in a mailbox
    message: str
    attachment: str | None = None  # the attachment's name when the problem is one attachment


@dataclass
class MailContents:
    documents: list[MailDocument] = field(default_factory=list)
    problems: list[MailProblem] = field(default_factory=list)
    messages: int = 0


def open_mail(data: bytes, *, filename: str = "") -> MailContents:
    """The documents in an .eml or .mbox file; raises IngestError when the file as a whole is unusable."""
    kind = mail_kind(data)
    if kind is None:
        raise IngestError("not an e-mail message or mailbox")
    if kind == MBOX:
        if len(data) > MAX_MAILBOX_BYTES:
            raise IngestError(
                f"the mailbox is too large to import at once ({len(data) // (1024 * 1024)} MB; the limit is "
                f"{MAX_MAILBOX_BYTES // (1024 * 1024)} MB): in your mail program, export only the messages "
                "that carry receipts or letters"
            )
        raw_messages = split_mbox(data)
    else:
        raw_messages = [data]
    contents = MailContents(messages=len(raw_messages))
    for number, raw in enumerate(raw_messages, 1):
        where = f"message {number} of {len(raw_messages)}" if kind == MBOX else ""
        try:
            _open_message(BytesParser(policy=policy.default).parsebytes(raw), where, contents)
        except _Unusable as problem:
            contents.problems.append(MailProblem(where, str(problem)))
        except MemoryError:
            raise
        except Exception as error:  # the parser and header classes can raise on input far from the standards
            contents.problems.append(
                MailProblem(where, f"the message is malformed and could not be read ({type(error).__name__})")
            )
    if kind == MBOX and not contents.documents and not contents.problems:
        contents.problems.append(
            MailProblem(
                "",
                f"none of the mailbox's {len(raw_messages)} messages has a PDF or "
                "image attachment or a receipt in its text",
            )
        )
    return contents


def split_mbox(data: bytes) -> list[bytes]:
    """Messages of an mbox file, split at its "From " lines as Python's mailbox module does
    (writers quote a body line starting "From " as ">From ")."""
    messages: list[bytes] = []
    start = None
    position = 0
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From "):
            if start is not None:
                messages.append(data[start:position])
            start = position + len(line)
        position += len(line)
    if start is not None:
        messages.append(data[start:position])
    return [m for m in messages if m.strip()]


class _Unusable(Exception):
    """A message that gives no document, with the reason for the user."""


def _open_message(message: Message, where: str, contents: MailContents) -> None:
    source = _source(message, None)
    before = len(contents.documents)
    bodies: list[tuple[Message, MailSource]] = []
    problems: list[MailProblem] = []
    _walk(message, source, 0, contents.documents, bodies, problems, where)
    contents.problems.extend(problems)
    if len(contents.documents) > before:
        return
    if any(p.message.startswith(_ENCRYPTED_PREFIX) for p in problems):
        return  # already said why nothing could be found
    for body_message, body_source in bodies:
        document = _body_receipt(body_message, body_source)
        if document is not None:
            contents.documents.append(document)
    if len(contents.documents) == before and not problems and not where:
        raise _Unusable("the message has no PDF or image attachment, and its text does not read as a receipt")


_ENCRYPTED_PREFIX = "the message is encrypted"


def _walk(
    part: Message,
    source: MailSource,
    depth: int,
    found: list[MailDocument],
    bodies: list[tuple[Message, MailSource]],
    problems: list[MailProblem],
    where: str,
) -> None:
    if depth > MAX_NESTING:
        raise _Unusable("the message is malformed: its parts are nested too deeply")
    if any(isinstance(defect, _BROKEN_STRUCTURE) for defect in part.defects):
        raise _Unusable(
            "the message is malformed: its parts could not be found (a multipart boundary is missing or broken)"
        )
    content_type = part.get_content_type()
    if content_type == "message/rfc822" and part.is_multipart():
        inner = part.get_payload(0)
        if not isinstance(inner, Message):
            raise _Unusable("the message is malformed: a forwarded message in it is empty")
        inner_source = _source(inner, source)
        bodies.append((inner, inner_source))
        _walk(inner, inner_source, depth + 1, found, bodies, problems, where)
        return
    if content_type == "multipart/encrypted":
        problems.append(
            MailProblem(
                where,
                f"{_ENCRYPTED_PREFIX} (OpenPGP), so its attachments cannot be read: "
                "open it in your mail program, save the attachments and import those",
            )
        )
        return
    if part.is_multipart():
        if depth == 0:
            bodies.insert(0, (part, source))
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _walk(sub, source, depth + 1, found, bodies, problems, where)
        return
    if depth == 0:
        bodies.insert(0, (part, source))
    if content_type in _SMIME:
        problems.append(
            MailProblem(
                where,
                f"{_ENCRYPTED_PREFIX} with S/MIME (or signed in S/MIME's opaque "
                "form), so its attachments cannot be read: open it in your mail "
                "program, save the attachments and import those",
            )
        )
        return
    if content_type in _SIGNATURES:
        return
    name = _safe_name(part.get_filename())
    if content_type in _TNEF or (name or "").lower() == "winmail.dat":
        problems.append(
            MailProblem(
                where,
                "this is Outlook's winmail.dat (TNEF) wrapper, which HSA Wallet cannot open: "
                "ask the sender to send the attachments as ordinary files",
                name or "winmail.dat",
            )
        )
        return
    maintype = part.get_content_maintype()
    attached = part.get_content_disposition() == "attachment"
    if maintype == "text" and not attached:
        return  # a body, read only when the message has no document attached
    if maintype == "multipart" or maintype == "message":
        return  # e.g. a delivery report; holds no document
    declared = content_type == PDF or maintype == "image" or (name or "").lower().endswith(_DOCUMENT_SUFFIXES)
    if not (declared or attached or content_type == "application/octet-stream"):
        return
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    inline = not attached or part["Content-ID"] is not None
    try:
        media_type = sniff(data)
    except IngestError as error:
        # A picture placed in the body (a GIF banner, a WebP logo) is decoration, not a document to report.
        if declared and not (inline and maintype == "image"):
            problems.append(MailProblem(where, str(error), name or f"attachment {len(found) + 1}"))
        return  # an attachment that is not a document (a calendar invitation, a spreadsheet) is left out
    if media_type != PDF and inline and len(data) < MIN_INLINE_IMAGE_BYTES:
        return
    found.append(
        MailDocument(name=name or f"attachment {len(found) + 1}{_EXTENSIONS[media_type]}", data=data, source=source)
    )


def _source(message: Message, outer: MailSource | None) -> MailSource:
    """A message's date, sender and subject; a forwarded message missing one takes its envelope's."""
    sent = None
    try:
        header = message["Date"]
        moment = getattr(header, "datetime", None)
        sent = moment.date() if moment is not None else None
    except (TypeError, ValueError, IndexError, AttributeError):
        pass
    sender = _header_text(message, "From")
    subject = _header_text(message, "Subject")
    if outer is not None:
        sent, sender, subject = sent or outer.date, sender or outer.sender, subject or outer.subject
    return MailSource(date=sent, sender=sender, subject=subject)


def _header_text(message: Message, name: str) -> str | None:
    try:
        value = message[name]
        if value is None:
            return None
        addresses = getattr(value, "addresses", None)
        if addresses:  # "Name <addr>" as people read it, without the header's quoting
            text = ", ".join(f"{a.display_name} <{a.addr_spec}>" if a.display_name else a.addr_spec for a in addresses)
        else:
            text = str(value)
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    text = " ".join(text.split())
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text[:300] or None


def _safe_name(raw: str | None) -> str | None:
    """The attachment's name without folders or control characters (it is the sender's to choose)."""
    if not raw:
        return None
    name = re.split(r"[\\/]", str(raw))[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return name[:200] or None


# ---------------------------------------------------------------- a receipt in the message's text


def _body_receipt(message: Message, source: MailSource) -> MailDocument | None:
    """The message's own text as a PDF document, when it reads as a receipt (an order confirmation)."""
    from hsawallet.ingest.classify import classify

    best: tuple[float, str] | None = None
    for text in _body_texts(message):
        kind, confidence = classify([PageText(index=0, text=text, source="text", confidence=1.0)])
        if kind == "receipt" and (best is None or confidence > best[0]):
            best = (confidence, text)
    if best is None:
        return None
    title = _safe_name(source.subject) or "e-mail receipt"
    return MailDocument(name=f"{title}.pdf", data=text_to_pdf(best[1]), source=source, from_body=True)


def _body_texts(message: Message) -> list[str]:
    """The HTML body as laid-out text first (tables keep their columns), then the plain one."""
    if not isinstance(message, EmailMessage):  # parsed with policy.default, every message is one
        return []
    texts = []
    for subtype in ("html", "plain"):
        try:
            body = message.get_body(preferencelist=(subtype,))
            content = body.get_content() if body is not None else None
        except (LookupError, ValueError, TypeError, AttributeError, KeyError):
            continue  # an unknown charset or a damaged body part
        if not isinstance(content, str) or not content.strip():
            continue
        texts.append(html_to_text(content) if subtype == "html" else content)
    return [t for t in texts if t.strip()]


def html_to_text(html: str) -> str:
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    return get_text(html, ParserConfig(css=CSS_PROFILES["strict"], display_links=False))


# Punctuation that mail uses and the PDF's standard Courier font lacks.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2022": "*",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2212": "-",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\t": "    ",
    }
)
PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0  # US Letter, points
_MARGIN = 40.0


def text_to_pdf(text: str) -> bytes:
    """Lines of text in a monospaced font on US Letter pages: columns stay columns for the reader."""
    from reportlab.pdfgen import canvas

    lines = [line.rstrip() for line in unicodedata.normalize("NFKC", text).translate(_PLAIN).splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    lines = [re.sub(r"[^\x20-\x7e\xa1-\xff\u20ac]", "?", line) for line in _squeeze_blank_lines(lines)]
    room = PAGE_WIDTH - 2 * _MARGIN
    longest = max((len(line) for line in lines), default=1)
    size = max(6.0, min(10.0, room / (0.6 * max(longest, 1))))  # Courier glyphs are 0.6 em wide
    per_line = int(room / (0.6 * size))
    wrapped = [chunk for line in lines for chunk in (_wrap(line, per_line) if line else [""])]
    leading = size * 1.3
    per_page = int((PAGE_HEIGHT - 2 * _MARGIN) / leading)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    for start in range(0, max(len(wrapped), 1), per_page):
        y = PAGE_HEIGHT - _MARGIN - size
        for line in wrapped[start : start + per_page]:
            pdf.setFont("Courier", size)
            pdf.drawString(_MARGIN, y, line)
            y -= leading
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _squeeze_blank_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return out


def _wrap(line: str, width: int) -> list[str]:
    return [line[i : i + width] for i in range(0, len(line), width)]


__all__ = [
    "MAX_MAILBOX_BYTES",
    "MESSAGE",
    "MBOX",
    "MailContents",
    "MailDocument",
    "MailProblem",
    "MailSource",
    "open_mail",
    "split_mbox",
    "text_to_pdf",
]
