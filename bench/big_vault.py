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

from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402

from hsawallet.ingest.categories import load_categories  # noqa: E402
from hsawallet.store.engine import Vault  # noqa: E402
from hsawallet.store.models import Document, LineItem, PageText, Person, Receipt, utcnow  # noqa: E402
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


def populate(vault: Vault, n: int, *, seed: int = 7, batch: int = 5000) -> None:
    """Add ``n`` documents (letters about 3%) to ``vault``; people are added when missing.

    Rows go in as bulk inserts of the store's own tables with ids chosen here (the next free ones),
    each document with a page of text (so search has something to find: every page has the word "date").
    """
    rng = random.Random(seed)
    categories = load_categories()
    needs = [c for c in categories.names if categories.needs_lmn(c)]
    with vault.session() as session:
        if session.exec(select(Person)).first() is None:
            for name, dob in PEOPLE:
                session.add(Person(name=name, dob=dob))
            session.commit()

    def next_id(session: Session, table: type[SQLModel]) -> int:
        return int(session.exec(select(func.max(table.id))).one() or 0) + 1  # type: ignore[attr-defined]

    for start in range(0, n, batch):
        rows: dict[type[SQLModel], list[dict]] = {t: [] for t in (Document, Receipt, LineItem, LetterRow, PageText)}
        with vault.session() as session:
            ids = {t: next_id(session, t) for t in rows}

            def new_id(table: type[SQLModel], ids: dict[type[SQLModel], int] = ids) -> int:
                ids[table] += 1
                return ids[table] - 1

            for k in range(start, min(n, start + batch)):
                tag = f"{seed}-{k}"
                sha = hashlib.sha256(tag.encode()).hexdigest()
                day = START + timedelta(days=rng.randrange(3650))
                who, dob = rng.choice(PEOPLE)
                doc_id = new_id(Document)
                if rng.random() < 0.03:
                    cats = rng.sample(needs, rng.choice((1, 1, 2)))
                    patient = who if rng.random() < 0.9 else "Morgan Elsewhere"
                    issue = None if rng.random() < 0.05 else day
                    listed = [DESCRIPTIONS[needs.index(c)] for c in cats]
                    rows[Document].append(_document(doc_id, f"letter-{tag}.pdf", sha, DocumentKind.LETTER))
                    rows[LetterRow].append(
                        dict(
                            id=new_id(LetterRow),
                            document_id=doc_id,
                            patient_name=patient,
                            patient_dob=dob if patient == who else None,
                            provider_name=f"Dr. Provider {k % 40}",
                            categories=cats,
                            items=listed,
                            icd10=[],
                            missing=[],
                            confidence={},
                            issue_date=issue,
                            signed=True,
                            medical_necessity_statement=True,
                        )
                    )
                    text = (
                        f"Letter of medical necessity\nDate of issue: {issue or 'not given'}\nPatient: {patient}\n"
                        f"Recommended: {', '.join(listed)}\nDr. Provider {k % 40}"
                    )
                else:
                    receipt_id = new_id(Receipt)
                    merchant = f"Store {k % 120}"
                    lines = [merchant, f"Date: {day.isoformat()}"]
                    patient = who if rng.random() < 0.3 else None
                    total = Decimal("0.00")
                    for position in range(rng.choice((1, 1, 2, 3, 4))):
                        category = rng.choice(categories.names)
                        amount = Decimal(rng.randrange(100, 20000)) / 100
                        total += amount
                        description = DESCRIPTIONS[categories.names.index(category)]
                        lines.append(f"{description}  {amount}")
                        rows[LineItem].append(
                            dict(
                                id=new_id(LineItem),
                                receipt_id=receipt_id,
                                position=position,
                                description=description,
                                amount=amount,
                                category=category,
                                needs_lmn=categories.needs_lmn(category),
                            )
                        )
                    rows[Document].append(_document(doc_id, f"receipt-{tag}.pdf", sha, DocumentKind.RECEIPT))
                    rows[Receipt].append(
                        dict(
                            id=receipt_id,
                            document_id=doc_id,
                            merchant=merchant,
                            date=day,
                            patient=patient,
                            total=total,
                            confidence={},
                        )
                    )
                    text = "\n".join([*lines, f"TOTAL  {total}"])
                rows[PageText].append(
                    dict(id=new_id(PageText), document_id=doc_id, page_index=0, text=text, source="text")
                )
            for table, values in rows.items():
                if values:
                    session.execute(insert(table), values)
            session.commit()


def _document(doc_id: int, name: str, sha: str, kind: DocumentKind) -> dict:
    return dict(
        id=doc_id,
        file_name=name,
        size=1000,
        sha256=sha,
        kind=kind,
        status=DocumentStatus.READ,
        page_count=1,
        imported_at=utcnow(),
    )


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
