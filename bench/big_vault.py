"""A big vault for scale benches and tests, written through the store's own models (no reading, no OCR).

usage: big_vault.py N [--out DIR]   (prints the vault path; passphrase "bench")
A household of four over ten years: about 3% of documents are letters (one or two categories that need
one, some undated, some for someone not in the household), the rest receipts of one to four items,
some printing the patient's name.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import select  # noqa: E402

from hsawallet.ingest.categories import load_categories  # noqa: E402
from hsawallet.store.engine import Vault  # noqa: E402
from hsawallet.store.models import Document, LineItem, Person, Receipt  # noqa: E402
from hsawallet.store.models import Letter as LetterRow  # noqa: E402
from hsawallet.vocab import DocumentKind, DocumentStatus  # noqa: E402

PEOPLE = [
    ("Avery Quill", date(1981, 4, 2)),
    ("Jordan Quill", date(1983, 9, 17)),
    ("Sam Quill", date(2012, 1, 30)),
    ("Riley Quill", date(2015, 6, 8)),
]
DESCRIPTIONS = [
    "monthly membership",
    "deep tissue session",
    "meal plan consult",
    "program fee",
    "sleep study supplies",
    "vitamin pack",
    "custom insoles",
    "treatment visit",
    "activity tracker",
    "mask and tubing",
    "pain relief gel",
    "prescription refill",
    "office visit copay",
    "gift card",
]
START = date(2016, 1, 1)


def populate(vault: Vault, n: int, *, seed: int = 7, batch: int = 500) -> None:
    """Add ``n`` documents (letters about 3%) to ``vault``; people are added when missing."""
    rng = random.Random(seed)
    categories = load_categories()
    needs = [c for c in categories.names if categories.needs_lmn(c)]
    with vault.session() as session:
        if session.exec(select(Person)).first() is None:
            for name, dob in PEOPLE:
                session.add(Person(name=name, dob=dob))
            session.commit()
    for start in range(0, n, batch):
        with vault.session() as session:
            for k in range(start, min(n, start + batch)):
                tag = f"{seed}-{k}"
                sha = hashlib.sha256(tag.encode()).hexdigest()
                day = START + timedelta(days=rng.randrange(3650))
                who, dob = rng.choice(PEOPLE)
                if rng.random() < 0.03:
                    doc = Document(
                        file_name=f"letter-{tag}.pdf",
                        size=1000,
                        sha256=sha,
                        kind=DocumentKind.LETTER,
                        status=DocumentStatus.READ,
                        page_count=1,
                    )
                    session.add(doc)
                    session.flush()
                    cats = rng.sample(needs, rng.choice((1, 1, 2)))
                    patient = who if rng.random() < 0.9 else "Morgan Elsewhere"
                    session.add(
                        LetterRow(
                            document_id=doc.id,
                            patient_name=patient,
                            patient_dob=dob if patient == who else None,
                            provider_name=f"Dr. Provider {k % 40}",
                            categories=cats,
                            items=[DESCRIPTIONS[needs.index(c)] for c in cats],
                            issue_date=None if rng.random() < 0.05 else day,
                            signed=True,
                            medical_necessity_statement=True,
                        )
                    )
                else:
                    doc = Document(
                        file_name=f"receipt-{tag}.pdf",
                        size=1000,
                        sha256=sha,
                        kind=DocumentKind.RECEIPT,
                        status=DocumentStatus.READ,
                        page_count=1,
                    )
                    session.add(doc)
                    session.flush()
                    receipt = Receipt(
                        document_id=doc.id,
                        merchant=f"Store {k % 120}",
                        date=day,
                        patient=who if rng.random() < 0.3 else None,
                    )
                    session.add(receipt)
                    session.flush()
                    total = Decimal("0.00")
                    for position in range(rng.choice((1, 1, 2, 3, 4))):
                        category = rng.choice(categories.names)
                        amount = Decimal(rng.randrange(100, 20000)) / 100
                        total += amount
                        description = DESCRIPTIONS[categories.names.index(category)]
                        session.add(
                            LineItem(
                                receipt_id=receipt.id,
                                position=position,
                                description=description,
                                amount=amount,
                                category=category,
                                needs_lmn=categories.needs_lmn(category),
                            )
                        )
                    receipt.total = total
                    session.add(receipt)
            session.commit()


def main() -> None:
    from hsawallet.store.vault import create_vault

    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    folder = a.out or Path(tempfile.mkdtemp(prefix="hsa-big-"))
    vault = create_vault(folder / "vault.db", passphrase="bench")
    populate(vault, a.n)
    vault.close()
    print(folder / "vault.db")


if __name__ == "__main__":
    main()
