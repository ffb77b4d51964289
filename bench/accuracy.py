"""Field accuracy of document reading on the synthetic corpus and on real SROIE receipts.

    .venv/bin/python bench/accuracy.py [--limit N] [--workers 2] [--only text_pdf,scan_pdf,photo] [--no-sroie]

Reads ../shared/corpus and ../shared/realdata/sroie relative to the repo (skipping what is
absent) through the app's own path (hsawallet.ingest.pool.read_many, else
pipeline.read_document), and prints per rendering and per field the share read exactly
right, then PASS/FAIL per target. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SROIE = SHARED / "realdata" / "sroie"
RENDERINGS = ("text_pdf", "scan_pdf", "photo")

RECEIPT_KEY = ("merchant", "date", "total")
RECEIPT_INFO = ("subtotal", "tax", "card_last4", "patient", "item_amounts", "item_categories")
LETTER_KEY = ("patient_name", "provider_name", "provider_npi", "icd10", "issue_date", "valid_through", "categories")
LETTER_INFO = ("missing", "patient_dob", "signed", "duration_months", "valid_through_stated")


def fold(text) -> str:
    """Case, accents and whitespace folded, for comparing names."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    return " ".join(text.casefold().split())


def money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        # ground truth may carry a currency ("$6.90", "RM 3.90")
        return Decimal(re.sub(r"[^\d.\-]", "", str(value).replace(",", ""))).quantize(Decimal("0.01"))
    except Exception:
        return None


def iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


@dataclass
class Tally:
    hits: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    misses: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, group: str, name: str, ok: bool, label: str = "") -> None:
        for key in ((group, name), ("all", name)):
            self.counts[key] += 1
            self.hits[key] += int(ok)
        if not ok and label:
            self.misses[(group, name)].append(label)

    def share(self, group: str, name: str) -> float | None:
        count = self.counts.get((group, name), 0)
        return None if count == 0 else self.hits[(group, name)] / count


def _items_match(truth_items: list[dict], got_items, attribute: str) -> bool:
    if attribute == "amount":
        want = sorted(money(i["amount"]) for i in truth_items)
        have = sorted(i.amount for i in got_items if i.amount is not None)
        return want == have
    want = sorted((money(i["amount"]), i["category"]) for i in truth_items)
    have = sorted((i.amount, i.category) for i in got_items if i.amount is not None)
    return want == have


def score_corpus_document(tally: Tally, truth: dict, result, label: str) -> None:
    """Compare one read document with its ground truth."""
    group = truth["rendering"]
    kind = getattr(result, "kind", None)
    tally.add(group, "classification", kind == truth["kind"], f"{label}: {truth['kind']}->{kind}")
    if truth["kind"] == "receipt":
        want = truth["receipt"]
        got = result.receipt if result is not None and result.kind == "receipt" else None
        checks = {
            "merchant": lambda g: fold(g.merchant) == fold(want["merchant"]),
            "date": lambda g: iso(g.date) == want["date"],
            "total": lambda g: g.total == money(want["total"]),
            "subtotal": lambda g: g.subtotal == money(want["subtotal"]),
            "tax": lambda g: g.tax == money(want["tax"]),
            "card_last4": lambda g: (g.card_last4 or None) == want.get("card_last4"),
            "patient": lambda g: fold(g.patient) == fold(want.get("patient")),
            "item_amounts": lambda g: _items_match(want["items"], g.items, "amount"),
            "item_categories": lambda g: _items_match(want["items"], g.items, "category"),
        }
        for name, check in checks.items():
            tally.add(group, f"receipt.{name}", bool(got is not None and check(got)), label)
    elif truth["kind"] == "letter":
        want = truth["letter"]
        got = result.letter if result is not None and result.kind == "letter" else None
        checks = {
            "patient_name": lambda g: fold(g.patient_name) == fold(want["patient_name"]),
            "provider_name": lambda g: fold(g.provider_name) == fold(want["provider_name"]),
            "provider_npi": lambda g: (g.provider_npi or None) == want.get("provider_npi"),
            "icd10": lambda g: set(g.icd10) == set(want["icd10"]),
            "issue_date": lambda g: iso(g.issue_date) == want["issue_date"],
            "valid_through": lambda g: iso(g.valid_through) == want["effective_valid_through"],
            "categories": lambda g: set(g.categories) == set(want["categories"]),
            "missing": lambda g: set(g.missing) == set(want["missing"]),
            "patient_dob": lambda g: iso(g.patient_dob) == want.get("patient_dob"),
            "signed": lambda g: bool(g.signed) == bool(want.get("signed")),
            "duration_months": lambda g: g.duration_months == want.get("duration_months"),
            "valid_through_stated": lambda g: bool(g.valid_through_stated) == (want.get("valid_through") is not None),
        }
        for name, check in checks.items():
            tally.add(group, f"letter.{name}", bool(got is not None and check(got)), label)


def score_sroie_document(tally: Tally, truth: dict, result, label: str) -> None:
    from rapidfuzz import fuzz

    got = result.receipt if result is not None else None
    tally.add("sroie", "classification", getattr(result, "kind", None) == "receipt", label)
    tally.add("sroie", "sroie.total", bool(got and got.total is not None and got.total == money(truth.get("total"))), label)
    want_date = _sroie_date(truth.get("date"))
    tally.add("sroie", "sroie.date", bool(got and got.date is not None and got.date == want_date), label)
    merchant_ok = bool(got and got.merchant and fuzz.ratio(fold(got.merchant), fold(truth.get("company"))) >= 90)
    tally.add("sroie", "sroie.merchant", merchant_ok, label)


def _sroie_date(printed: str | None) -> date | None:
    """The ground-truth date as printed (day-first), read with the app's own date reader."""
    from hsawallet.ingest.dates import parse_date

    return parse_date(printed or "", "dmy")


# ---------------------------------------------------------------- reading


def read_documents(jobs: list[tuple[Path, str]], workers: int) -> list:
    """ReadResult (or None on error) per (path, date_order), through the app's own path."""
    try:
        from hsawallet.ingest import pool
    except ImportError:
        pool = None
    if pool is not None and hasattr(pool, "read_many"):
        return _read_with_pool(pool, jobs, workers)
    from hsawallet.ingest.pipeline import read_document

    results = []
    for path, date_order in jobs:
        try:
            results.append(read_document(path.read_bytes(), filename=path.name, date_order=date_order))
        except Exception as error:  # noqa: BLE001 - a failed read counts as wrong, the run goes on
            print(f"  error reading {path.name}: {type(error).__name__}", file=sys.stderr)
            results.append(None)
    return results


def _read_with_pool(pool, jobs: list[tuple[Path, str]], workers: int) -> list:
    results: list = [None] * len(jobs)
    by_order: dict[str, list[int]] = defaultdict(list)
    for index, (_, date_order) in enumerate(jobs):
        by_order[date_order].append(index)
    for date_order, indexes in by_order.items():
        # a generator, so files are read from disk only as workers free up
        batch = ((i, jobs[i][0].read_bytes(), jobs[i][0].name) for i in indexes)
        for index, outcome in pool.read_many(batch, workers=workers, date_order=date_order):
            if isinstance(outcome, BaseException):
                print(f"  error reading {jobs[index][0].name}: {outcome}", file=sys.stderr)
                continue
            results[index] = outcome
    return results


# ---------------------------------------------------------------- report


TARGETS = [
    # (label, group, fields, threshold)
    ("classification (all)", "all", ["classification"], 0.99),
    ("synthetic key fields, text PDFs", "text_pdf", [f"receipt.{f}" for f in RECEIPT_KEY] + [f"letter.{f}" for f in LETTER_KEY], 0.99),
    ("synthetic key fields, scans", "scan_pdf", [f"receipt.{f}" for f in RECEIPT_KEY] + [f"letter.{f}" for f in LETTER_KEY], 0.95),
    ("synthetic key fields, photos", "photo", [f"receipt.{f}" for f in RECEIPT_KEY] + [f"letter.{f}" for f in LETTER_KEY], 0.95),
    ("SROIE total", "sroie", ["sroie.total"], 0.90),
    ("SROIE date", "sroie", ["sroie.date"], 0.90),
    ("SROIE merchant", "sroie", ["sroie.merchant"], 0.80),
]


def print_report(tally: Tally, show_misses: bool) -> None:
    groups = [g for g in (*RENDERINGS, "sroie", "all") if any(k[0] == g for k in tally.counts)]
    names = []
    for name in (
        ["classification"]
        + [f"receipt.{f}" for f in RECEIPT_KEY + RECEIPT_INFO]
        + [f"letter.{f}" for f in LETTER_KEY + LETTER_INFO]
        + ["sroie.total", "sroie.date", "sroie.merchant"]
    ):
        if any((g, name) in tally.counts for g in groups):
            names.append(name)
    info = {f"receipt.{f}" for f in RECEIPT_INFO} | {f"letter.{f}" for f in LETTER_INFO}
    width = max(len(n) for n in names) + 8
    print(f"{'field':<{width}}" + "".join(f"{g:>16}" for g in groups))
    for name in names:
        row = f"{name + (' (info)' if name in info else ''):<{width}}"
        for group in groups:
            share = tally.share(group, name)
            count = tally.counts.get((group, name), 0)
            row += f"{'-':>16}" if share is None else f"{share * 100:>9.1f}% {count:>4}n"
        print(row)
    print()
    for label, group, fields, threshold in TARGETS:
        hits = sum(tally.hits.get((group, f), 0) for f in fields)
        counts = sum(tally.counts.get((group, f), 0) for f in fields)
        if counts == 0:
            print(f"  SKIP  {label}: no documents")
            continue
        worst = min(
            ((tally.share(group, f), f) for f in fields if tally.counts.get((group, f))), key=lambda x: x[0]
        )
        verdict = "PASS" if worst[0] >= threshold else "FAIL"
        print(
            f"  {verdict}  {label}: target >= {threshold:.0%} per field; "
            f"pooled {hits / counts:.1%}, weakest {worst[1]} {worst[0]:.1%}"
        )
    if show_misses:
        print("\nmisses:")
        for (group, name), labels in sorted(tally.misses.items()):
            if group != "all":
                print(f"  {group:9} {name:28} {', '.join(labels[:12])}{' ...' if len(labels) > 12 else ''}")


def corpus_jobs(limit: int | None, only: set[str]) -> list[tuple[Path, dict]]:
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    jobs = []
    for entry in manifest["documents"]:
        if entry["rendering"] not in only:
            continue
        truth = json.loads((CORPUS / entry["json"]).read_text())
        jobs.append((CORPUS / entry["file"], truth))
    return jobs[:limit] if limit else jobs


def sroie_jobs(limit: int | None) -> list[tuple[Path, dict]]:
    jobs = []
    for image in sorted((SROIE / "img").glob("*.jpg")):
        key = SROIE / "key" / f"{image.stem}.json"
        if key.exists():
            jobs.append((image, json.loads(key.read_text())))
    return jobs[:limit] if limit else jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="read at most N documents of each set")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default=",".join(RENDERINGS), help="renderings of the corpus to read")
    parser.add_argument("--no-sroie", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the documents read wrong (file names only)")
    args = parser.parse_args(argv)

    tally = Tally()
    started = time.monotonic()
    if (CORPUS / "manifest.json").exists():
        jobs = corpus_jobs(args.limit, set(args.only.split(",")))
        print(f"corpus: reading {len(jobs)} documents ...", flush=True)
        results = read_documents([(path, "mdy") for path, _ in jobs], args.workers)
        for (path, truth), result in zip(jobs, results):
            score_corpus_document(tally, truth, result, truth["file"])
    else:
        print(f"corpus: {CORPUS} absent, skipped")
    if SROIE.exists() and not args.no_sroie:
        jobs = sroie_jobs(args.limit)
        print(f"sroie: reading {len(jobs)} receipts (date order dmy) ...", flush=True)
        results = read_documents([(path, "dmy") for path, _ in jobs], args.workers)
        for (path, truth), result in zip(jobs, results):
            score_sroie_document(tally, truth, result, path.name)
    elif not args.no_sroie:
        print(f"sroie: {SROIE} absent, skipped")
    print(f"read in {time.monotonic() - started:.0f} s\n")
    print_report(tally, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
