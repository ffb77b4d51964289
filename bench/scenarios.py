"""Links and warnings against each household's expected outcome (scenario.json), per family.

    python bench/scenarios.py                         # both corpora, end to end through the CLI
    python bench/scenarios.py --family corpus2        # one family
    python bench/scenarios.py --ground-truth          # the rules alone, on the documents' true values
    python bench/scenarios.py h03 h05 -v              # some households, listing every difference

Families: ../shared/corpus and ../shared/corpus2 (each skipped when absent). Links are compared
as (receipt file, item index, letter file or null, status) — the status only when the CLI
reports one — and warnings as (type, receipt file, letter file). Figures are given overall and
restricted to rows whose documents were read correctly (the receipt and every household letter
for the item's categories match their ground truth). Target per family (issue 11): links and
warnings, precision and recall each >= 0.97.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FAMILIES = {"corpus": SHARED / "corpus", "corpus2": SHARED / "corpus2"}
TARGET = 0.97
sys.path.insert(0, str(REPO))

from hsawallet.coverage import (  # noqa: E402
    Account,
    Item,
    Letter,
    Person,
    Receipt,
    compute_links,
    compute_warnings,
    match_person,
    resolve_receipt_person,
)


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _m(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: set, got: set) -> None:
        self.tp += len(expected & got)
        self.fp += len(got - expected)
        self.fn += len(expected - got)

    def __iadd__(self, other: Score) -> Score:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def text(self) -> str:
        return f"P {self.precision:.2f} R {self.recall:.2f} ({self.tp}/{self.tp + self.fp}/{self.tp + self.fn})"


@dataclass
class Outcome:
    links: set = field(default_factory=set)  # (receipt, index, letter, status|None)
    warnings: set = field(default_factory=set)  # (type, receipt, letter)
    read_ok: set = field(default_factory=set)  # files read correctly
    misread: dict = field(default_factory=dict)  # file -> key fields read wrong
    errors: list = field(default_factory=list)


class Household:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = folder.name
        self.scenario = json.loads((folder / "scenario.json").read_text())
        self.truth = {}
        for path in sorted(folder.iterdir()):
            if path.suffix == ".json" and path.name != "scenario.json":
                gt = json.loads(path.read_text())
                self.truth[Path(gt["file"]).name] = gt
        self.files = sorted(folder / name for name in self.truth)
        self.people = self.scenario["people"]

    def expected(self, with_status: bool) -> tuple[set, set]:
        links = {
            (Path(l["receipt"]).name, l["item_index"], _base(l["letter"]), l["status"] if with_status else None)
            for l in self.scenario["expected"]["links"]
        }
        warnings = {(w["type"], _base(w["receipt"]), _base(w["letter"])) for w in self.scenario["expected"]["warnings"]}
        return links, warnings

    def letters_for(self, categories: set[str]) -> set[str]:
        return {
            f for f, gt in self.truth.items() if gt["kind"] == "letter" and set(gt["letter"]["categories"]) & categories
        }

    def lmn_categories(self, receipt_file: str, index: int | None = None) -> set[str]:
        gt = self.truth.get(receipt_file)
        if not gt or gt["kind"] != "receipt":
            return set()
        items = gt["receipt"]["items"]
        chosen = items if index is None else items[index : index + 1]
        return {i["category"] for i in chosen if i["needs_lmn"]}


def _base(path: str | None) -> str | None:
    return Path(path).name if path else None


# ---- the rules alone, on ground truth ----


def run_ground_truth(hh: Household) -> Outcome:
    ids = {p["id"]: n for n, p in enumerate(hh.people, start=1)}
    people = [Person(ids[p["id"]], p["name"], _d(p["dob"])) for p in hh.people]
    acc = hh.scenario["account"]
    account = Account(
        1,
        acc.get("administrator") or "Account",
        acc["type"].lower(),
        _d(acc.get("plan_year_start")),
        _d(acc.get("plan_year_end")),
        _d(acc.get("grace_period_end")),
        _m(acc.get("carryover_max")),
        _d(acc.get("runout_end")),
        _d(acc.get("established")),
    )
    receipts, letters, files = [], [], {}
    item_index = {}
    next_id = 1
    for path in hh.files:
        gt = hh.truth[path.name]
        if gt.get("duplicate_of"):
            continue
        doc_id = next_id
        next_id += 1
        files[doc_id] = path.name
        if gt["kind"] == "receipt":
            r = gt["receipt"]
            items = []
            for n, it in enumerate(r["items"]):
                item_id = doc_id * 1000 + n
                item_index[item_id] = (path.name, n)
                items.append(Item(item_id, it["description"], _m(it["amount"]), it["category"], it["needs_lmn"]))
            receipts.append(
                Receipt(
                    doc_id,
                    path.name,
                    resolve_receipt_person(r.get("patient"), None, people),
                    r["merchant"],
                    _d(r["date"]),
                    _m(r["total"]),
                    None,
                    tuple(items),
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                )
            )
        elif gt["kind"] == "letter":
            lt = gt["letter"]
            letters.append(
                Letter(
                    doc_id,
                    path.name,
                    match_person(lt["patient_name"], _d(lt["patient_dob"]), people),
                    lt["patient_name"],
                    _d(lt["patient_dob"]),
                    lt["provider_name"],
                    tuple(lt["categories"]),
                    tuple(lt["items"]),
                    _d(lt["issue_date"]),
                    _d(lt["effective_valid_through"]),
                    lt["valid_through"] is not None,
                    tuple(lt["missing"]),
                )
            )
    links = compute_links(receipts, letters, people=people)
    warnings = compute_warnings(
        receipts=receipts,
        letters=letters,
        links=links,
        accounts=[account],
        people=people,
        as_of=date.fromisoformat(hh.scenario["as_of"]),
    )
    out = Outcome(read_ok=set(hh.truth))
    for link in links:
        receipt_file, n = item_index[link.item_id]
        out.links.add((receipt_file, n, files.get(link.letter_id), link.status))
    for w in warnings:
        out.warnings.add((w.type, files.get(w.receipt_id), files.get(w.letter_id)))
    return out


# ---- end to end through the CLI ----


def _cli(args: list[str], env: dict, errors: list) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "hsawallet", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=3600
    )
    if proc.returncode not in (0, 4):
        errors.append(
            f"{args[0]} {args[1] if len(args) > 1 else ''}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}"
        )
    return proc.returncode, proc.stdout


def _json(text: str):
    text = text.strip()
    if not text:
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _receipt_misread(gt: dict, got: dict, people: list[dict]) -> list[str]:
    """The key fields (for links and warnings) read differently from the ground truth."""
    r = gt["receipt"]
    wrong = [f for f in ("date", "total") if got.get(f) != r[f]]
    if _fold(got.get("merchant")) != _fold(r["merchant"]):
        wrong.append("merchant")
    if r.get("patient"):
        people_objs = [Person(n, p["name"], _d(p["dob"])) for n, p in enumerate(people)]
        want = match_person(r["patient"], None, people_objs)
        have = match_person(got.get("person"), None, people_objs) if got.get("person") else None
        if want is not None and want != have:
            wrong.append("person")
    items = got.get("items") or []
    if len(items) != len(r["items"]):
        wrong.append(f"items {len(items)}/{len(r['items'])}")
    elif not all(
        i.get("category") == t["category"] and bool(i.get("needs_lmn")) == t["needs_lmn"]
        for i, t in zip(items, r["items"])
    ):
        wrong.append("item categories")
    return wrong


def _letter_misread(gt: dict, got: dict) -> list[str]:
    lt = gt["letter"]
    wrong = []
    if _fold(got.get("patient_name")) != _fold(lt["patient_name"]):
        wrong.append("patient_name")
    if set(got.get("categories") or []) != set(lt["categories"]):
        wrong.append("categories")
    if got.get("issue_date") != lt["issue_date"]:
        wrong.append("issue_date")
    if got.get("valid_through") != lt["effective_valid_through"]:
        wrong.append("valid_through")
    if set(got.get("missing") or []) != set(lt["missing"]):
        wrong.append(f"missing {sorted(got.get('missing') or [])} vs {sorted(lt['missing'])}")
    return wrong


def run_cli(hh: Household, workdir: Path) -> Outcome:
    out = Outcome()
    env = dict(os.environ, HSAWALLET_VAULT=str(workdir / "v.db"), HSAWALLET_PASSPHRASE="bench")
    env.pop("HSAWALLET_DATA", None)
    _cli(["init", "--json"], env, out.errors)
    for p in hh.people:
        _cli(["person", "add", p["name"], *(["--dob", p["dob"]] if p.get("dob") else []), "--json"], env, out.errors)
    acc = hh.scenario["account"]
    args = ["account", "add", acc.get("administrator") or "Account", "--type", acc["type"].lower()]
    for flag, key in (
        ("--plan-start", "plan_year_start"),
        ("--plan-end", "plan_year_end"),
        ("--grace-end", "grace_period_end"),
        ("--carryover", "carryover_max"),
        ("--runout-end", "runout_end"),
        ("--established", "established"),
    ):
        if acc.get(key):
            args += [flag, str(acc[key])]
    _cli(args + ["--json"], env, out.errors)
    _cli(["import", *map(str, hh.files), "--json"], env, out.errors)
    receipts = _json(_cli(["list", "receipts", "--json"], env, out.errors)[1])
    letters = _json(_cli(["list", "letters", "--json"], env, out.errors)[1])
    links = _json(_cli(["links", "--json"], env, out.errors)[1])
    warnings = _json(_cli(["check", "--as-of", hh.scenario["as_of"], "--json"], env, out.errors)[1])

    # An exact copy may be kept under either name (whichever was imported first): use the original's.
    alias = {name: Path(gt["duplicate_of"]).name for name, gt in hh.truth.items() if gt.get("duplicate_of")}
    for row in [*receipts, *letters]:
        row["file"] = alias.get(row["file"], row["file"])
    for row in [*links, *warnings]:
        for key in ("receipt_file", "letter_file"):
            row[key] = alias.get(row.get(key), row.get(key))

    item_index = {}
    for r in receipts:
        for n, item in enumerate(r.get("items") or []):
            item_index[item["id"]] = (r["file"], n)
        gt = hh.truth.get(r["file"])
        wrong = ["kind"] if not gt or gt["kind"] != "receipt" else _receipt_misread(gt, r, hh.people)
        out.misread[r["file"]] = wrong
    for l in letters:
        gt = hh.truth.get(l["file"])
        wrong = ["kind"] if not gt or gt["kind"] != "letter" else _letter_misread(gt, l)
        out.misread[l["file"]] = wrong
    for name, gt in hh.truth.items():
        if gt["kind"] in ("receipt", "letter") and not gt.get("duplicate_of") and name not in out.misread:
            out.misread[name] = [f"not listed as a {gt['kind']}"]
    out.read_ok = {f for f, wrong in out.misread.items() if not wrong}
    for link in links:
        receipt_file, n = item_index.get(link["item_id"], (link.get("receipt_file"), None))
        out.links.add((receipt_file, n, link.get("letter_file"), link.get("status")))
    for w in warnings:
        out.warnings.add((w["type"], w.get("receipt_file"), w.get("letter_file")))
    return out


# ---- scoring ----


def _link_readable(hh: Household, row: tuple, read_ok: set) -> bool:
    receipt_file, n = row[0], row[1]
    if receipt_file not in read_ok or n is None:
        return False
    return hh.letters_for(hh.lmn_categories(receipt_file, n)) <= read_ok


def _warning_readable(hh: Household, row: tuple, read_ok: set) -> bool:
    _, receipt_file, letter_file = row
    if letter_file is not None and letter_file not in read_ok:
        return False
    if receipt_file is not None:
        return receipt_file in read_ok and hh.letters_for(hh.lmn_categories(receipt_file)) <= read_ok
    return True


def score(hh: Household, out: Outcome, verbose: bool) -> dict[str, Score]:
    with_status = any(row[3] is not None for row in out.links) or not out.links
    exp_links, exp_warnings = hh.expected(with_status)
    got_links = {row if with_status else row[:3] + (None,) for row in out.links}
    scores = {name: Score() for name in ("links", "warnings", "links_read_ok", "warnings_read_ok")}
    scores["links"].add(exp_links, got_links)
    scores["warnings"].add(exp_warnings, out.warnings)
    ok_links = lambda rows: {r for r in rows if _link_readable(hh, r, out.read_ok)}  # noqa: E731
    ok_warnings = lambda rows: {r for r in rows if _warning_readable(hh, r, out.read_ok)}  # noqa: E731
    scores["links_read_ok"].add(ok_links(exp_links), ok_links(got_links))
    scores["warnings_read_ok"].add(ok_warnings(exp_warnings), ok_warnings(out.warnings))
    if verbose:
        for row in sorted(exp_links - got_links, key=str):
            print("   missing link  ", row)
        for row in sorted(got_links - exp_links, key=str):
            print("   extra link    ", row)
        for row in sorted(exp_warnings - out.warnings, key=str):
            print("   missing warn  ", row)
        for row in sorted(out.warnings - exp_warnings, key=str):
            print("   extra warn    ", row)
        for name, wrong in sorted(out.misread.items()):
            if wrong:
                print("   misread       ", name, ", ".join(wrong))
        for error in out.errors:
            print("   cli error     ", error)
    return scores


def run_family(family: str, folder: Path, households: list[str], ground_truth: bool, verbose: bool) -> None:
    folders = sorted(p for p in folder.glob("h[0-9]*") if p.is_dir() and (p / "scenario.json").exists())
    if households:
        folders = [p for p in folders if p.name in households]
    totals = {name: Score() for name in ("links", "warnings", "links_read_ok", "warnings_read_ok")}
    total_read = total_docs = 0
    print(f"== {family}")
    for path in folders:
        hh = Household(path)
        if ground_truth:
            out = run_ground_truth(hh)
        else:
            with tempfile.TemporaryDirectory(prefix="hsawallet-bench-") as tmp:
                out = run_cli(hh, Path(tmp))
        docs = {f for f, gt in hh.truth.items() if gt["kind"] in ("receipt", "letter") and not gt.get("duplicate_of")}
        read = len(docs & out.read_ok)
        total_read += read
        total_docs += len(docs)
        print(f"{hh.name}  read {read}/{len(docs)}", flush=True)
        scores = score(hh, out, verbose)
        for name, s in scores.items():
            totals[name] += s
        print("   " + "  ".join(f"{name} {s.text()}" for name, s in scores.items()))
    print(f"TOTAL {family}  read {total_read}/{total_docs}")
    for name, s in totals.items():
        print(f"   {name:17s} {s.text()}")
    for name in ("links", "warnings"):
        s = totals[name]
        verdict = "PASS" if min(s.precision, s.recall) >= TARGET else "FAIL"
        print(f"  {verdict}  {family} {name}: P {s.precision:.2f} R {s.recall:.2f} (target >= {TARGET} each)")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("households", nargs="*", help="e.g. h01 h05 (default: all)")
    parser.add_argument("--family", default=",".join(FAMILIES), help="families to run (corpus,corpus2)")
    parser.add_argument("--ground-truth", action="store_true", help="run the rules on the true document values")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    args = parser.parse_args(argv)
    families = [f for f in args.family.split(",") if f]
    unknown = set(families) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown family: {', '.join(sorted(unknown))} (known: {', '.join(FAMILIES)})")
    mode = "ground truth" if args.ground_truth else "CLI"
    print(f"scenarios ({mode}); P/R (true positives/predicted/expected)")
    for family in families:
        folder = FAMILIES[family]
        if not folder.is_dir():
            print(f"{family}: {folder} not found; skipped")
            continue
        run_family(family, folder, args.households, args.ground_truth, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
