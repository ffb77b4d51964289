"""How the cost of one change, of `check` and of listing grows with the vault (issue 14's table).

usage: scale.py [SIZES...]   (default 1000 10000; vaults built by bench/big_vault.py, in temp folders)
Each figure is the best of a few runs, wall time, through the services the CLI and GUI call.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_vault import populate  # noqa: E402
from sqlmodel import select  # noqa: E402

from hsawallet.services import coverage, documents, records  # noqa: E402
from hsawallet.store.models import Letter, Receipt  # noqa: E402
from hsawallet.store.vault import create_vault  # noqa: E402


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


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


def measure(n: int, folder: Path) -> dict[str, float]:
    vault = create_vault(folder / "vault.db", passphrase="bench")
    populate(vault, n)
    out: dict[str, float] = {}
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
    out["check"] = best(lambda: coverage.check(vault))

    def list_receipts() -> None:
        with vault.session() as session:
            records.list_receipts(session)

    out["list receipts"] = best(list_receipts, 2)
    vault.close()
    return out


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    results = {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="hsa-scale-") as folder:
            results[n] = measure(n, Path(folder))
        print(f"measured {n} documents", file=sys.stderr)
    rows = list(next(iter(results.values())))
    print("| operation | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for row in rows:
        print(f"| {row} | " + " | ".join(f"{results[n][row] * 1000:.0f} ms" for n in sizes) + " |")


if __name__ == "__main__":
    main()
