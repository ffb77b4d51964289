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
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from hsawallet.claims.model import ClaimPacketInput
from hsawallet.claims.packet import PacketInfo

MANIFEST_FIELDS = ["file", "role", "sha256", "date", "merchant", "amount", "letter", "packet_page", "expenses"]
# Already-compressed payloads are stored; deflating them again only costs time.
_STORED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".heic", ".heif", ".png", ".webp", ".zip"}


def build_bundle(
    inp: ClaimPacketInput,
    packet_pdf_path: Path | str,
    out: BinaryIO,
    info: PacketInfo | None = None,
    packet_name: str | None = None,
) -> list[dict]:
    """Write the ZIP to `out`; return the manifest rows (also written as CSV and JSON).

    Layout: <packet>.pdf, originals/<file> (names made unique), manifest.csv,
    manifest.json. `info` (from build_packet) adds the page each document starts on;
    `packet_name` names the PDF inside the ZIP (default: the file's own name).
    """
    packet_pdf_path = Path(packet_pdf_path)
    packet_bytes = packet_pdf_path.read_bytes()
    packet_name = _safe_name(packet_name or packet_pdf_path.name) or "claim.pdf"
    receipts = inp.ordered_receipts()
    letters = inp.ordered_letters()
    for doc in receipts + letters:
        doc.verify()

    taken: set[str] = {packet_name.casefold(), "manifest.csv", "manifest.json"}
    rows: list[dict] = []
    entries: list[tuple[str, bytes]] = [(packet_name, packet_bytes)]
    rows.append(_row(packet_name, "packet", hashlib.sha256(packet_bytes).hexdigest(), page=1))

    for doc in receipts:
        name = "originals/" + _unique(_safe_name(doc.file) or f"receipt-{doc.document_id}", taken)
        expenses = [e for e in inp.expenses if e.document_id == doc.document_id]
        dates = sorted({e.date for e in expenses if e.date})
        merchants = list(dict.fromkeys(e.merchant for e in expenses if e.merchant))
        letters_used = list(dict.fromkeys(e.letter_label or "" for e in expenses if e.letter_document_id is not None))
        page = info.receipt_pages.get(doc.document_id) if info else None
        rows.append(_row(
            name, "receipt", doc.sha256.lower(),
            date=dates[0].isoformat() if dates else "",
            merchant="; ".join(merchants),
            amount=str(sum((e.amount for e in expenses), Decimal("0"))) if expenses else "",
            letter="; ".join(x for x in letters_used if x),
            page=page,
            expenses=[e.item_id for e in expenses if e.item_id is not None],
        ))
        entries.append((name, doc.data))

    for doc in letters:
        name = "originals/" + _unique(_safe_name(doc.file) or f"letter-{doc.document_id}", taken)
        labels = list(dict.fromkeys(
            e.letter_label for e in inp.expenses if e.letter_document_id == doc.document_id and e.letter_label
        ))
        page = info.letter_pages.get(doc.document_id) if info else None
        covered = [e.item_id for e in inp.expenses if e.letter_document_id == doc.document_id and e.item_id is not None]
        rows.append(_row(name, "letter", doc.sha256.lower(), letter="; ".join(labels), page=page, expenses=covered))
        entries.append((name, doc.data))

    manifest = {
        "claim_id": inp.claim_id,
        "title": inp.title,
        "claimant": inp.claimant,
        "account": inp.account_name,
        "account_type": inp.account_type,
        "plan_year": inp.plan_year,
        "created": inp.created.isoformat(),
        "total": str(inp.total),
        "files": rows,
    }
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
        for name, data in entries:
            _add(archive, name, data)
        _add(archive, "manifest.csv", _csv(rows).encode("utf-8"))
        _add(archive, "manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return rows


def _row(file: str, role: str, sha256: str, *, date: str = "", merchant: str = "", amount: str = "",
         letter: str = "", page: int | None = None, expenses: list[int] | None = None) -> dict:
    return {
        "file": file, "role": role, "sha256": sha256, "date": date, "merchant": merchant,
        "amount": amount, "letter": letter, "packet_page": page, "expenses": expenses or [],
    }


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANIFEST_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["packet_page"] = "" if row["packet_page"] is None else row["packet_page"]
        flat["expenses"] = " ".join(str(x) for x in row["expenses"])
        writer.writerow(flat)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    stored = PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # health records: owner-only when unpacked
    archive.writestr(info, data)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def _safe_name(file: str) -> str:
    """A file name that unpacks safely on Windows, macOS and Linux (no folders, no '..')."""
    name = unicodedata.normalize("NFC", file.replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip(" .")
    if name.split(".")[0].upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        name = "_" + name
    if len(name) > 150:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:140] + dot + suffix[:9]) if dot and len(suffix) <= 9 else name[:150]
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
