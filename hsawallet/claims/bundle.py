"""Claim bundle ZIP: the original files as imported, the packet PDF and a manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from hsawallet.claims.model import ClaimPacketInput
from hsawallet.claims.packet import PacketInfo, verify_document

ManifestRow = dict[str, Any]  # one file of the bundle: MANIFEST_FIELDS
MANIFEST_FIELDS = ["file", "role", "sha256", "date", "merchant", "amount", "letter", "packet_page", "expenses"]
# Already-compressed payloads are stored; deflating them again only costs time.
_STORED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".heic", ".heif", ".png", ".webp", ".zip"}


def build_bundle(
    inp: ClaimPacketInput,
    packet_pdf_path: Path | str,
    out: BinaryIO,
    info: PacketInfo | None = None,
    packet_name: str | None = None,
    *,
    started: StartedBundle | None = None,
    packet: bytes | memoryview | None = None,
) -> list[ManifestRow]:
    """Write the ZIP to `out`; return the manifest rows (also written as CSV and JSON).

    Layout: <packet>.pdf, originals/<file> (names made unique), manifest.csv,
    manifest.json. `info` (from build_packet) adds the page each document starts on;
    `packet_name` names the PDF inside the ZIP (default: the file's own name).

    `started` continues a bundle begun with start_bundle() on the same `out` (its
    originals already written); `packet` passes the packet's bytes instead of reading
    them back from `packet_pdf_path`.
    """
    packet_pdf_path = Path(packet_pdf_path)
    if packet is None:
        packet = packet_pdf_path.read_bytes()
    if started is None:
        started = start_bundle(inp, out, packet_name or packet_pdf_path.name)
    return started.finish(packet, info)


def start_bundle(inp: ClaimPacketInput, out: BinaryIO, packet_name: str) -> StartedBundle:
    """Check the documents and write their originals to `out`; finish() adds the rest.

    The originals do not depend on the packet, so they can be on their way to the disk
    while the packet is still being built. Use it as a context manager: leaving the
    block without finish() abandons the archive (the caller discards `out`).
    """
    return StartedBundle(inp, out, packet_name)


class StartedBundle:
    """A bundle ZIP with its originals written; finish() adds the packet and manifests.

    In the archive the originals come first, but its directory (what unzip and file
    managers list) keeps the order packet, originals, manifest.csv, manifest.json.
    """

    def __init__(self, inp: ClaimPacketInput, out: BinaryIO, packet_name: str) -> None:
        self.inp = inp
        self.packet_name = _safe_name(packet_name) or "claim.pdf"
        self._archive: zipfile.ZipFile | None = None
        documents = inp.ordered_receipts() + inp.ordered_letters()
        # Hashing (to check each document) and CRC + write (to store it) both release the
        # GIL: a helper thread checks the documents while this one stores those already
        # checked. No document is written before its own check has passed.
        helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claim-bundle")
        try:
            context = copy_context()  # the helper checks in this thread's context (see documents_checked_once)
            checks = helper.map(lambda doc: context.run(verify_document, doc), documents)
            self._originals = _plan_originals(inp, self.packet_name)
            self._archive = zipfile.ZipFile(out, "w", allowZip64=True)  # writes nothing yet
            # zip() takes the next original, then waits for its check to pass (or raise).
            for (name, _role, _document_id, _row, data), _checked in zip(self._originals, checks):
                _add(self._archive, name, data)
        except BaseException:
            self.abandon()
            raise
        finally:
            helper.shutdown(cancel_futures=True)

    def finish(self, packet: bytes | memoryview, info: PacketInfo | None = None) -> list[ManifestRow]:
        """Add the packet and the manifests, close the archive; return the manifest rows."""
        inp = self.inp
        archive = self._archive
        if archive is None:
            raise RuntimeError("the bundle was abandoned")
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="claim-bundle") as helper:
            digest = helper.submit(_sha256, packet)  # while the packet is stored (both release the GIL)
            try:
                _add(archive, self.packet_name, packet)
            except BaseException:
                self.abandon()
                raise
            rows = [_row(self.packet_name, "packet", digest.result(), page=1)]
        for _name, role, document_id, row, _data in self._originals:
            pages = (info.receipt_pages if role == "receipt" else info.letter_pages) if info else {}
            rows.append({**row, "packet_page": pages.get(document_id)})
        manifest = {
            "claim_id": inp.claim_id,
            "title": inp.title,
            "claimant": inp.claimant,
            "account": inp.account_name,
            "account_type": inp.account_type,
            "plan_year": inp.plan_year,
            "created": inp.created.isoformat(),
            "total": str(inp.total),
            "exported_anyway": list(inp.exported_anyway),
            "files": rows,
        }
        try:
            _add(archive, "manifest.csv", _csv(rows).encode("utf-8"))
            _add(archive, "manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            # List the packet first, as the rows do (the central directory is written on close).
            archive.filelist.sort(key=lambda entry: entry.filename != self.packet_name)
        except BaseException:
            self.abandon()
            raise
        archive.close()
        return rows

    def abandon(self) -> None:
        """Stop without finishing (the caller discards `out`); a no-op once finished."""
        if self._archive is not None:
            self._archive.fp = None  # so close() writes no directory after a failure
            self._archive.close()

    def __enter__(self) -> StartedBundle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.abandon()


def _plan_originals(inp: ClaimPacketInput, packet_name: str) -> list[tuple[str, str, int, ManifestRow, bytes]]:
    """(name in the ZIP, role, document_id, manifest row without its page, bytes) per original."""
    taken: set[str] = {packet_name.casefold(), "manifest.csv", "manifest.json"}
    originals = []
    for doc in inp.ordered_receipts():
        name = "originals/" + _unique(_safe_name(doc.file) or f"receipt-{doc.document_id}", taken)
        expenses = [e for e in inp.expenses if e.document_id == doc.document_id]
        dates = sorted({e.date for e in expenses if e.date})
        merchants = list(dict.fromkeys(e.merchant for e in expenses if e.merchant))
        letters_used = list(dict.fromkeys(e.letter_label or "" for e in expenses if e.letter_document_id is not None))
        row = _row(
            name,
            "receipt",
            doc.sha256.lower(),
            date=dates[0].isoformat() if dates else "",
            merchant="; ".join(merchants),
            amount=str(sum((e.amount for e in expenses), Decimal("0"))) if expenses else "",
            letter="; ".join(x for x in letters_used if x),
            expenses=[e.item_id for e in expenses if e.item_id is not None],
        )
        originals.append((name, "receipt", doc.document_id, row, doc.data))

    for doc in inp.ordered_letters():
        name = "originals/" + _unique(_safe_name(doc.file) or f"letter-{doc.document_id}", taken)
        labels = list(
            dict.fromkeys(
                e.letter_label for e in inp.expenses if e.letter_document_id == doc.document_id and e.letter_label
            )
        )
        covered = [e.item_id for e in inp.expenses if e.letter_document_id == doc.document_id and e.item_id is not None]
        row = _row(name, "letter", doc.sha256.lower(), letter="; ".join(labels), expenses=covered)
        originals.append((name, "letter", doc.document_id, row, doc.data))
    return originals


def _sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def _row(
    file: str,
    role: str,
    sha256: str,
    *,
    date: str = "",
    merchant: str = "",
    amount: str = "",
    letter: str = "",
    page: int | None = None,
    expenses: list[int] | None = None,
) -> ManifestRow:
    return {
        "file": file,
        "role": role,
        "sha256": sha256,
        "date": date,
        "merchant": merchant,
        "amount": amount,
        "letter": letter,
        "packet_page": page,
        "expenses": expenses or [],
    }


def _csv(rows: list[ManifestRow]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANIFEST_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["packet_page"] = "" if row["packet_page"] is None else row["packet_page"]
        flat["expenses"] = " ".join(str(x) for x in row["expenses"])
        writer.writerow(flat)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes | memoryview) -> None:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    stored = PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # health records: owner-only when unpacked
    archive.writestr(info, data)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
# Well under the 255-byte name limit of common file systems, leaving room for _unique's " (2)".
MAX_NAME_CHARS = 150
MAX_SUFFIX_CHARS = 9  # a longer "suffix" is part of the name, not a file type


def _safe_name(file: str) -> str:
    """A file name that unpacks safely on Windows, macOS and Linux (no folders, no '..')."""
    name = unicodedata.normalize("NFC", file.replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip(" .")
    if name.split(".")[0].upper() in {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }:
        name = "_" + name
    if len(name) > MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        keep = MAX_NAME_CHARS - 1 - MAX_SUFFIX_CHARS  # what the stem keeps beside the longest suffix
        name = (stem[:keep] + dot + suffix) if dot and len(suffix) <= MAX_SUFFIX_CHARS else name[:MAX_NAME_CHARS]
    return name


def _unique(name: str, taken: set[str]) -> str:
    """Make `name` unique among `taken` (case-insensitively): a.pdf, a (2).pdf, ..."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, dot, suffix = name, "", ""
    candidate, n = name, 1
    while ("originals/" + candidate).casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{suffix}"
    taken.add(("originals/" + candidate).casefold())
    return candidate
