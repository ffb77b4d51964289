"""How the cost of one change, of `check`, of listing and of search grows with the vault (issue 14's table).

usage: scale.py [SIZES...]   (default 1000 10000; vaults built by bench/big_vault.py, in temp folders)
Each figure is the best of a few runs, wall time, through the services the CLI and GUI call. "import of 1 new
document" is also measured into an empty vault, and the last row is the ratio to that (issue 14: <= 1.5x).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_vault import populate  # noqa: E402
from sqlmodel import select  # noqa: E402

from hsawallet import cli  # noqa: E402
from hsawallet.services import coverage, documents, records  # noqa: E402
from hsawallet.store.models import Letter, Receipt  # noqa: E402
from hsawallet.store.vault import create_vault  # noqa: E402


def best(fn, runs: int = 3) -> float:
    """Wall seconds of the fastest run; its CPU seconds are kept in LAST_CPU (the machine may be shared)."""
    global LAST_CPU
    times = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t, time.process_time() - c))
    wall, LAST_CPU = min(times)
    return wall


LAST_CPU = 0.0


class Row(dict[str, float]):
    """Figures of one vault: wall seconds, and in .cpu the CPU seconds of the same runs."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, float] = {}

    def __setitem__(self, key: str, value: float) -> None:
        super().__setitem__(key, value)
        self.cpu[key] = LAST_CPU


def receipt_pdf(path: Path, k: int) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    lines = [
        "Lakeside Wellness Shop",
        f"Receipt {k}",
        "Date: 03/02/2024",
        "Deep tissue session   60.00",
        "TOTAL   60.00",
        "VISA **** 4242",
    ]
    for i, line in enumerate(lines):
        c.drawString(72, 720 - 18 * i, line)
    c.save()
    return path


def measure(n: int, folder: Path) -> Row:
    vault = create_vault(folder / "vault.db", passphrase="bench")
    t = time.perf_counter()
    populate(vault, n)
    print(f"built a vault of {n} documents in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    out = Row()
    out["link recompute, full"] = best(lambda: coverage.recompute_links(vault), 2)
    with vault.session() as session:
        letter_doc = session.exec(select(Letter.document_id).order_by(Letter.id)).first()
        receipt_doc = session.exec(select(Receipt.document_id).order_by(Receipt.id)).first()
    days = iter(range(1, 28))
    out["edit a receipt (relink included)"] = best(
        lambda: documents.set_field(vault, receipt_doc, "date", f"2020-01-{next(days):02d}")
    )
    out["edit a letter (relink included)"] = best(
        lambda: documents.set_field(vault, letter_doc, "issue_date", f"2020-02-{next(days):02d}")
    )
    out["link recompute after a receipt edit"] = best(
        lambda: coverage.recompute_links(vault, document_ids=[receipt_doc])
    )
    out["link recompute after a letter edit"] = best(lambda: coverage.recompute_links(vault, document_ids=[letter_doc]))
    counter = iter(range(1000))
    out["import of 1 new document"] = statistics.median(
        [
            best(
                lambda: documents.import_files(vault, [receipt_pdf(folder / f"new{next(counter)}.pdf", n)], workers=1),
                1,
            )
            for _ in range(3)
        ]
    )

    def check() -> None:
        with vault.session() as session:
            coverage.check(session)

    out["check"] = best(check)

    def list_receipts() -> None:
        with vault.session() as session:
            records.list_receipts(session)

    out["list receipts"] = best(list_receipts, 2)

    out["`list receipts --json` (whole command, in process)"] = best(
        lambda: command(folder / "vault.db", "list", "receipts", "--json"), 2
    )
    out["`check --json` (whole command, in process)"] = best(lambda: command(folder / "vault.db", "check", "--json"))

    def search_everywhere() -> None:
        with vault.session() as session:
            hits = documents.search(session, "date")
            assert n == 0 or hits, "every generated page has the word"
            documents.documents_by_id(session, [h[0] for h in hits])

    out["search for a word every document has"] = best(search_everywhere)
    vault.close()
    return out


def command(vault_path: Path, *args: str) -> None:
    """One CLI command as `hsawallet` runs it (unlock with the passphrase included), output to /dev/null."""
    os.environ["HSAWALLET_PASSPHRASE"] = "bench"
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        code = cli.main(["--vault", str(vault_path), *args])
    assert code == 0, args


def import_into_empty(folder: Path) -> float:
    vault = create_vault(folder / "vault.db", passphrase="bench")
    populate(vault, 0)
    counter = iter(range(1000))
    took = statistics.median(
        [
            best(
                lambda: documents.import_files(vault, [receipt_pdf(folder / f"new{next(counter)}.pdf", 0)], workers=1),
                1,
            )
            for _ in range(3)
        ]
    )
    vault.close()
    return took


def _cell(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds * 1000:.0f} ms"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    with tempfile.TemporaryDirectory(prefix="hsa-scale-") as folder:
        empty = import_into_empty(Path(folder))
    results = {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="hsa-scale-") as folder:
            results[n] = measure(n, Path(folder))
        print(f"measured {n} documents", file=sys.stderr)
    rows = list(next(iter(results.values())))
    print(f"import of 1 new document into an empty vault: {empty * 1000:.0f} ms")
    print("| operation | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for row in rows:
        print(f"| {row} | " + " | ".join(_cell(results[n][row]) for n in sizes) + " |")
    print("\nCPU seconds of the same runs (this process only; the import's reader is another process):")
    print("| operation | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for row in rows:
        if row != "import of 1 new document":
            print(f"| {row} | " + " | ".join(_cell(results[n].cpu[row]) for n in sizes) + " |")
    ratios = " | ".join(f"{results[n]['import of 1 new document'] / empty:.2f}x" for n in sizes)
    print(f"| import of 1 new document / into an empty vault | {ratios} |")


if __name__ == "__main__":
    main()
