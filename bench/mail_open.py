"""Opening e-mail in a reader worker: time and peak memory against the worker's limits.

Two mailboxes made here (no shared data needed), each opened once through the app's
`read_many(..., task=OPEN_MAIL)` with the import's limits (120 s, 1536 MB per worker):
- "attachments": messages with a PDF attachment each, up to just under the 64 MB mailbox limit;
- "order confirmations": HTML-only order confirmations, each classified and drawn into a PDF.
Target: each well inside the limits (under half the time limit; peak worker memory under half the cap).

    .venv/bin/python bench/mail_open.py [--confirmations 1000]
"""

from __future__ import annotations

import argparse
import mailbox
import os
import resource
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_LIMIT_S, MEMORY_MB = 120, 1536

ORDER = """<html><body><h2>Order confirmation</h2><p>Thank you for your order #{n}. Order placed March 2, 2026.</p>
<table><tr><th>Item</th><th>Qty</th><th>Price</th></tr>
<tr><td>Elastic bandage {n}</td><td>1</td><td>$8.99</td></tr><tr><td>Cold pack</td><td>2</td><td>$11.00</td></tr>
<tr><td>Subtotal</td><td></td><td>$19.99</td></tr><tr><td>Order total</td><td></td><td>$21.39</td></tr></table>
<p>Paid with Visa ending in 4242.</p></body></html>"""


def _message(n: int) -> EmailMessage:
    m = EmailMessage()
    m["From"] = "Orders <orders@shop.example>"
    m["Subject"] = f"Order {n}"
    m["Date"] = "Tue, 03 Mar 2026 10:00:00 -0500"
    return m


def attachment_mailbox(path: Path, limit_bytes: int) -> int:
    box = mailbox.mbox(str(path))
    n = 0
    while (path.stat().st_size if path.exists() else 0) < limit_bytes - 600_000:
        m = _message(n)
        m.set_content("Your receipt is attached.")
        m.add_attachment(
            b"%PDF-1.4\n" + os.urandom(300_000), maintype="application", subtype="pdf", filename=f"receipt-{n}.pdf"
        )
        box.add(m)
        box.flush()
        n += 1
    box.close()
    return n


def confirmation_mailbox(path: Path, count: int) -> int:
    box = mailbox.mbox(str(path))
    for n in range(count):
        m = _message(n)
        m.set_content(ORDER.format(n=n), subtype="html")
        box.add(m)
    box.flush()
    box.close()
    return count


def open_once(path: Path) -> tuple[float, int, int]:
    from hsawallet.ingest.pool import OPEN_MAIL, read_many

    data = path.read_bytes()
    started = time.perf_counter()
    [(_, contents)] = list(
        read_many([(0, data, path.name)], workers=1, timeout_s=TIME_LIMIT_S, memory_mb=MEMORY_MB, task=OPEN_MAIL)
    )
    elapsed = time.perf_counter() - started
    if isinstance(contents, Exception):
        raise SystemExit(f"{path.name}: {contents}")
    return elapsed, len(contents.documents), len(contents.problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--confirmations", type=int, default=1000)
    args = parser.parse_args()
    from hsawallet.ingest.mail import MAX_MAILBOX_BYTES

    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for label, build in (
            ("attachments", lambda p: attachment_mailbox(p, MAX_MAILBOX_BYTES)),
            ("order confirmations", lambda p: confirmation_mailbox(p, args.confirmations)),
        ):
            path = Path(folder) / f"{label.replace(' ', '-')}.mbox"
            messages = build(path)
            size_mb = path.stat().st_size / 1e6
            elapsed, documents, problems = open_once(path)
            # the largest resident size of any child process that has ended (the worker, after stop)
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            fits = elapsed < TIME_LIMIT_S / 2 and peak_mb < MEMORY_MB / 2
            ok &= fits and documents == messages and problems == 0
            print(
                f"{label:20} {messages:5d} messages, {size_mb:5.1f} MB: {elapsed:6.1f} s "
                f"({messages / elapsed:6.1f} messages/s), {documents} documents, {problems} problems, "
                f"peak worker memory so far {peak_mb:.0f} MB -> {'ok' if fits else 'OVER TARGET'}"
            )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
