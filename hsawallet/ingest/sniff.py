"""Tell a document's media type from its first bytes (never from its file name)."""

from __future__ import annotations

import re

from hsawallet.ingest.model import IngestError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
HEIC = "image/heic"

SUPPORTED = (PDF, JPEG, PNG, TIFF, HEIC)

# Containers that import opens to find documents inside (hsawallet.ingest.mail).
MESSAGE = "message/rfc822"
MBOX = "application/mbox"

# ISO base media "ftyp" brands of HEIF still images (HEVC coded or generic HEIF).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file (old Office documents, Outlook .msg)
# Every property stream of an Outlook .msg is named "__substg1.0_..." (UTF-16 in the compound file's directory).
_OUTLOOK_STREAM = "__substg1.0_".encode("utf-16-le")

# Cheap recognisers of common files that are not documents, for a useful message.
_KNOWN_OTHERS: tuple[tuple[bytes, int, str], ...] = (
    (b"PK\x03\x04", 0, "a ZIP archive (or an Office/OpenDocument file)"),
    (b"PK\x05\x06", 0, "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Microsoft Office document"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"BM", 0, "a BMP image"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"\x7fELF", 0, "a program (ELF executable)"),
    (b"MZ", 0, "a Windows program"),
    (b"%!PS", 0, "a PostScript file"),
    (b"{\\rtf", 0, "an RTF document"),
    (b"\x00\x00\x00\x0cjP  ", 0, "a JPEG 2000 image"),
    (b"8BPS", 0, "a Photoshop file"),
    (b"ID3", 0, "an MP3 audio file"),
    (b"OggS", 0, "an Ogg audio/video file"),
    (b"fLaC", 0, "a FLAC audio file"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
)


def sniff(data: bytes) -> str:
    """Return the media type of ``data``; raise IngestError for empty or unsupported files."""
    if not data or not data.strip(b"\x00 \t\r\n"):
        raise IngestError("the file is empty")
    head = data[:64]
    # The PDF spec lets readers accept junk before the header within the first KB.
    if b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return TIFF
    if head[4:8] == b"ftyp":
        brands = _ftyp_brands(data)
        if brands & _HEIF_BRANDS:
            return HEIC
        if brands & {b"avif", b"avis"}:
            raise IngestError("not a supported document type: looks like an AVIF image (convert it to JPEG or PNG)")
        raise IngestError("not a supported document type: looks like a video or audio file")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise IngestError("not a supported document type: looks like a WebP image (convert it to JPEG or PNG)")
    if head.startswith(_OLE) and _OUTLOOK_STREAM in data:
        raise IngestError(
            "not a supported document type: an Outlook message (.msg); save its attachments from "
            "Outlook and import those, or save the message as .eml"
        )
    for magic, offset, what in _KNOWN_OTHERS:
        if head[offset:].startswith(magic):
            raise IngestError(f"not a supported document type: looks like {what}")
    if _looks_like_text(data[:4096]):
        if mail_kind(data):
            raise IngestError("not a document by itself: an e-mail message or mailbox (import opens its attachments)")
        lowered = data[:1024].lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html")):
            raise IngestError("not a supported document type: looks like a web page (HTML); print it to PDF first")
        if lowered.startswith(b"<?xml") or lowered.startswith(b"<svg"):
            raise IngestError("not a supported document type: looks like an XML/SVG file")
        raise IngestError("not a supported document type: looks like a plain text file")
    raise IngestError("not a supported document type: expected a PDF, JPEG, PNG, TIFF or HEIC file")


# Header names that say a text starts with an e-mail's header block (RFC 5322).
_MAIL_HEADERS = {
    b"from",
    b"to",
    b"cc",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"received",
    b"return-path",
    b"delivered-to",
    b"reply-to",
    b"sender",
    b"content-type",
    b"x-mozilla-status",
}
_HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]*:")


def mail_kind(data: bytes) -> str | None:
    """MESSAGE for an RFC 5322 message (.eml), MBOX for a mailbox of them, else None."""
    head = data[:65536]
    if head.startswith(b"From "):
        first, _, rest = head.partition(b"\n")
        return MBOX if _header_block(rest) else None
    return MESSAGE if _header_block(head) else None


def _header_block(head: bytes) -> bool:
    """Whether ``head`` opens with header lines (continuations allowed) naming at least two mail headers;
    a damaged line further down ends the look, it does not undo what came before."""
    names: set[bytes] = set()
    for line in head.splitlines()[:400]:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and names:
            continue  # a folded header continues
        match = _HEADER_LINE.match(line)
        if match is None:
            break
        names.add(match.group(1).lower())
    return len(names & _MAIL_HEADERS) >= 2


def _ftyp_brands(data: bytes) -> set[bytes]:
    size = int.from_bytes(data[0:4], "big")
    box = data[8 : min(max(size, 16), 256)]
    brands = {box[0:4]}  # major brand; then minor version (4 bytes); then compatible brands
    brands.update(box[i : i + 4] for i in range(8, len(box) - 3, 4))
    return brands


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return sample.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text has NULs
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multibyte character cut by the sample's end is still text.
        if error.start < len(sample) - 4:
            return False
    return True
