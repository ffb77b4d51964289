"""Field accuracy of document reading, per family: the synthetic corpora and real SROIE receipts.

    .venv/bin/python bench/accuracy.py [--family corpus,corpus2,sroie] [--only text_pdf,scan_pdf,photo]
                                       [--kind receipt,letter,other] [--limit N] [--workers 2] [--misses]
                                       [--json FILE]

Families (each skipped when absent): ../shared/corpus, ../shared/corpus2 (same format, other
templates) and the 120 real SROIE receipts in ../shared/realdata/sroie, reported whole and as
its two halves of 60 (ids 001, 005, 009, ... and 002, 006, 010, ...; see its README). Documents
go through the app's own path (hsawallet.ingest.pool.read_many, else pipeline.read_document).

Printed per family: the share of each field read exactly right per rendering, PASS/FAIL per
target of issue 11, and the calibration: of the fields the reader marks >= 0.8 sure, the share
that is wrong (target <= 1%). Key fields, item categories (per item) and the calibration are
counted as the outside check ../shared/checks/eval_extract.py counts them (exact copies once). `--misses` lists the documents read wrong and the sure-but-wrong
fields (file names and field names only). Exits 0 whatever the figures.
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
CORPORA = {"corpus": SHARED / "corpus", "corpus2": SHARED / "corpus2"}
SROIE = SHARED / "realdata" / "sroie"
FAMILIES = (*CORPORA, "sroie")
RENDERINGS = ("text_pdf", "scan_pdf", "photo")
SROIE_GROUPS = ("all", "half1", "half2")  # half1: ids 001, 005, ...; half2: ids 002, 006, ...

# Key fields and how they are compared follow the outside check (../shared/checks/eval_extract.py),
# so that this bench and the judge agree; the info fields are printed, without a target.
RECEIPT_KEY = ("merchant", "date", "total", "card_last4", "item_category")
RECEIPT_INFO = ("subtotal", "tax", "patient", "item_amounts")
LETTER_KEY = (
    "patient_name",
    "patient_dob",
    "provider_name",
    "provider_credentials",
    "provider_license",
    "provider_npi",
    "icd10",
    "issue_date",
    "valid_through",
    "categories",
    "signed",
    "missing",
)
LETTER_INFO = ("duration_months", "valid_through_stated")

SURE = 0.8  # a field marked at least this sure must be right
CALIBRATION_TARGET = 0.01


def fold(text) -> str:
    """Case, compatibility forms, whitespace and trailing punctuation folded, for comparing names."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"\s+", " ", text).strip(" .,")


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
    """Hits and counts per (group, field), a group being "family/rendering" or "family/all";
    and per group how many fields were marked sure and how many of those were wrong."""

    hits: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    misses: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    sure: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sure_wrong: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, groups: tuple[str, ...], name: str, ok: bool, label: str, confidence: float | None) -> None:
        for group in groups:
            self.counts[(group, name)] += 1
            self.hits[(group, name)] += int(ok)
            if not ok:
                self.misses[(group, name)].append(label)
            if confidence is not None and confidence >= SURE:
                self.sure[group] += 1
                if not ok:
                    self.sure_wrong[group].append(f"{label} {name} ({confidence:.2f})")

    def share(self, group: str, name: str) -> float | None:
        count = self.counts.get((group, name), 0)
        return None if count == 0 else self.hits[(group, name)] / count


def same(got, want) -> bool:
    """The outside check's comparison: money to the cent, lists as folded sets, flags exactly, text folded."""
    if isinstance(want, bool):
        return bool(got) is want
    if isinstance(want, list):
        return sorted(fold(x) for x in (got or [])) == sorted(fold(x) for x in want)
    if isinstance(got, Decimal) or isinstance(want, Decimal):
        return got == want
    return fold(iso(got)) == fold(want)


def _item_amounts_match(truth_items: list[dict], got_items) -> bool:
    want = sorted(money(i["amount"]) for i in truth_items)
    have = sorted(i.amount for i in got_items if i.amount is not None)
    return want == have


def _item_category_hits(truth_items: list[dict], got_items) -> list[bool]:
    """Per true item: some item read with the same amount has its category (as the outside check counts)."""
    return [
        any(g.category == want["category"] for g in got_items if g.amount == money(want["amount"]))
        for want in truth_items
    ]


def _receipt_checks(want: dict) -> dict:
    return {
        "merchant": lambda g: same(g.merchant, want["merchant"]),
        "date": lambda g: same(g.date, want["date"]),
        "total": lambda g: g.total == money(want["total"]),
        "card_last4": lambda g: same(g.card_last4, want.get("card_last4")),
        "subtotal": lambda g: g.subtotal == money(want["subtotal"]),
        "tax": lambda g: g.tax == money(want["tax"]),
        "patient": lambda g: same(g.patient, want.get("patient")),
        "item_amounts": lambda g: _item_amounts_match(want["items"], g.items),
    }


def _letter_checks(want: dict) -> dict:
    checks = {name: (lambda g, name=name: same(getattr(g, name), want[name])) for name in LETTER_KEY}
    checks["valid_through"] = lambda g: same(g.valid_through, want["effective_valid_through"])
    checks["duration_months"] = lambda g: g.duration_months == want.get("duration_months")
    checks["valid_through_stated"] = lambda g: bool(g.valid_through_stated) == (want.get("valid_through") is not None)
    return checks


def score_corpus_document(tally: Tally, family: str, truth: dict, result, label: str) -> None:
    """Compare one read document with its ground truth. A field's confidence is the reader's
    own (the fields' ``confidence`` dict); fields it gives none for (kind, item lists) are
    scored but not in the calibration, as in the outside check."""
    groups = (f"{family}/{truth['rendering']}", f"{family}/all")
    kind = getattr(result, "kind", None)
    tally.add(groups, "classification", kind == truth["kind"], f"{label}: {truth['kind']}->{kind}", None)
    if truth["kind"] not in ("receipt", "letter"):
        return
    prefix = truth["kind"]
    want = truth[prefix]
    checks = _receipt_checks(want) if prefix == "receipt" else _letter_checks(want)
    got = getattr(result, prefix, None) if result is not None and result.kind == prefix else None
    for name, check in checks.items():
        confidence = got.confidence.get(name) if got is not None else None
        tally.add(groups, f"{prefix}.{name}", bool(got is not None and check(got)), label, confidence)
    if prefix == "receipt":
        hits = _item_category_hits(want["items"], got.items if got is not None else [])
        for index, ok in enumerate(hits):
            tally.add(groups, "receipt.item_category", ok, f"{label}#{index}", None)


def sroie_half(image: Path) -> str:
    """The README's two sets of 60: ids 001, 005, 009, ... and 002, 006, 010, ..."""
    return "half1" if int(image.stem) % 4 == 1 else "half2"


def score_sroie_document(tally: Tally, truth: dict, result, image: Path) -> None:
    from rapidfuzz import fuzz

    groups = ("sroie/all", f"sroie/{sroie_half(image)}")
    label = image.name
    got = result.receipt if result is not None else None
    confidence = got.confidence if got is not None else {}
    tally.add(groups, "classification", getattr(result, "kind", None) == "receipt", label, None)
    total_ok = bool(got and got.total is not None and got.total == money(truth.get("total")))
    tally.add(groups, "sroie.total", total_ok, label, confidence.get("total"))
    want_date = _sroie_date(truth.get("date"))
    tally.add(
        groups,
        "sroie.date",
        bool(got and got.date is not None and got.date == want_date),
        label,
        confidence.get("date"),
    )
    merchant_ok = bool(got and got.merchant and fuzz.ratio(fold(got.merchant), fold(truth.get("company"))) >= 90)
    tally.add(groups, "sroie.merchant", merchant_ok, label, confidence.get("merchant"))


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


def _key_fields() -> list[str]:
    return [f"receipt.{f}" for f in RECEIPT_KEY] + [f"letter.{f}" for f in LETTER_KEY]


def targets(family: str) -> list[tuple[str, str, list[str], float]]:
    """(label, group, fields, threshold) per target of issue 11; each field must reach it."""
    if family == "sroie":
        rows = []
        for part in SROIE_GROUPS:
            group = f"sroie/{part}"
            rows += [
                (f"kind, {part}", group, ["classification"], 0.99),
                (f"total, {part}", group, ["sroie.total"], 0.92),
                (f"date, {part}", group, ["sroie.date"], 0.92),
                (f"merchant, {part}", group, ["sroie.merchant"], 0.85),
            ]
        return rows
    return [
        ("kind (all)", f"{family}/all", ["classification"], 0.99),
        ("key fields and item categories, text PDFs", f"{family}/text_pdf", _key_fields(), 0.99),
        ("key fields and item categories, scans", f"{family}/scan_pdf", _key_fields(), 0.95),
        ("key fields and item categories, photos", f"{family}/photo", _key_fields(), 0.95),
    ]


def _field_names(family: str) -> list[str]:
    if family == "sroie":
        return ["classification", "sroie.total", "sroie.date", "sroie.merchant"]
    return (
        ["classification"]
        + [f"receipt.{f}" for f in RECEIPT_KEY + RECEIPT_INFO]
        + [f"letter.{f}" for f in LETTER_KEY + LETTER_INFO]
    )


def _groups(family: str) -> list[str]:
    parts = SROIE_GROUPS if family == "sroie" else (*RENDERINGS, "all")
    return [f"{family}/{part}" for part in parts]


def print_report(tally: Tally, family: str, show_misses: bool) -> None:
    groups = [g for g in _groups(family) if any(k[0] == g for k in tally.counts)]
    if not groups:
        return
    names = [n for n in _field_names(family) if any((g, n) in tally.counts for g in groups)]
    info = {f"receipt.{f}" for f in RECEIPT_INFO} | {f"letter.{f}" for f in LETTER_INFO}
    width = max(len(n) for n in names) + 8
    print(f"== {family}")
    print(f"{'field':<{width}}" + "".join(f"{g.split('/')[1]:>16}" for g in groups))
    for name in names:
        tag = " (info)" if name in info else ""
        row = f"{name + tag:<{width}}"
        for group in groups:
            share = tally.share(group, name)
            count = tally.counts.get((group, name), 0)
            row += f"{'-':>16}" if share is None else f"{share * 100:>9.1f}% {count:>4}n"
        print(row)
    print()
    for label, group, fields, threshold in targets(family):
        measured = [(tally.share(group, f), f) for f in fields if tally.counts.get((group, f))]
        if not measured:
            print(f"  SKIP  {label}: no documents")
            continue
        hits = sum(tally.hits.get((group, f), 0) for f in fields)
        counts = sum(tally.counts.get((group, f), 0) for f in fields)
        worst = min(measured, key=lambda x: x[0])
        verdict = "PASS" if worst[0] >= threshold else "FAIL"
        print(
            f"  {verdict}  {label}: target >= {threshold:.0%} per field; "
            f"pooled {hits / counts:.1%}, weakest {worst[1]} {worst[0]:.1%}"
        )
    for group in groups:
        sure = tally.sure.get(group, 0)
        wrong = len(tally.sure_wrong.get(group, ()))
        if not sure:
            continue
        if family != "sroie" and group != f"{family}/all":
            continue  # the target is per family; the halves of SROIE are families of their own
        share = wrong / sure
        verdict = "PASS" if share <= CALIBRATION_TARGET else "FAIL"
        print(
            f"  {verdict}  calibration, {group}: {wrong} of {sure} fields marked >= {SURE} sure are wrong "
            f"({share:.1%}; target <= {CALIBRATION_TARGET:.0%})"
        )
    if show_misses:
        print("\n  misses:")
        listed = ["sroie/all"] if family == "sroie" else [f"{family}/{r}" for r in RENDERINGS]
        for (group, name), labels in sorted(tally.misses.items()):
            if group in listed:
                print(f"    {group:16} {name:28} {', '.join(labels[:12])}{' ...' if len(labels) > 12 else ''}")
        sure_wrong = tally.sure_wrong.get(f"{family}/all", [])
        if sure_wrong:
            print("  sure but wrong:\n    " + "\n    ".join(sure_wrong))
    print()


def figures(tally: Tally) -> dict:
    """Everything measured, for --json: share and count per group and field, and calibration."""
    out: dict = {"fields": defaultdict(dict), "calibration": {}}
    for (group, name), count in sorted(tally.counts.items()):
        out["fields"][group][name] = {"share": round(tally.hits[(group, name)] / count, 4), "n": count}
    for group, sure in sorted(tally.sure.items()):
        out["calibration"][group] = {"sure": sure, "wrong": len(tally.sure_wrong.get(group, ()))}
    return out


# ---------------------------------------------------------------- documents


def corpus_jobs(folder: Path, limit: int | None, only: set[str], kinds: set[str]) -> list[tuple[Path, dict]]:
    manifest = json.loads((folder / "manifest.json").read_text())
    jobs = []
    for entry in manifest["documents"]:
        if entry["rendering"] not in only or entry.get("duplicate_of"):
            continue  # an exact copy is read once, as the outside check counts
        truth = json.loads((folder / entry["json"]).read_text())
        if truth["kind"] not in kinds:
            continue
        jobs.append((folder / entry["file"], truth))
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
    parser.add_argument("--family", default=",".join(FAMILIES), help="families to read (corpus,corpus2,sroie)")
    parser.add_argument("--only", default=",".join(RENDERINGS), help="renderings of the corpora to read")
    parser.add_argument(
        "--kind", default="receipt,letter,other", help="true kinds of the corpora's documents to read (e.g. letter)"
    )
    parser.add_argument("--limit", type=int, help="read at most N documents of each family")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-sroie", action="store_true", help="same as leaving sroie out of --family")
    parser.add_argument("--misses", action="store_true", help="list the documents read wrong (file names only)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    families = [f for f in args.family.split(",") if f]
    unknown = set(families) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown family: {', '.join(sorted(unknown))} (known: {', '.join(FAMILIES)})")
    if args.no_sroie and "sroie" in families:
        families.remove("sroie")

    tally = Tally()
    started = time.monotonic()
    read: list[str] = []
    for family in families:
        if family == "sroie":
            if not SROIE.exists():
                print(f"sroie: {SROIE} absent, skipped")
                continue
            jobs = sroie_jobs(args.limit)
            print(f"sroie: reading {len(jobs)} receipts (date order dmy) ...", flush=True)
            results = read_documents([(path, "dmy") for path, _ in jobs], args.workers)
            for (path, truth), result in zip(jobs, results):
                score_sroie_document(tally, truth, result, path)
        else:
            folder = CORPORA[family]
            if not (folder / "manifest.json").exists():
                print(f"{family}: {folder} absent, skipped")
                continue
            jobs = corpus_jobs(folder, args.limit, set(args.only.split(",")), set(args.kind.split(",")))
            print(f"{family}: reading {len(jobs)} documents ...", flush=True)
            results = read_documents([(path, "mdy") for path, _ in jobs], args.workers)
            for (_path, truth), result in zip(jobs, results):
                score_corpus_document(tally, family, truth, result, truth["file"])
        read.append(family)
    print(f"read in {time.monotonic() - started:.0f} s\n")
    for family in read:
        print_report(tally, family, args.misses)
    if args.json:
        args.json.write_text(json.dumps(figures(tally), indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
