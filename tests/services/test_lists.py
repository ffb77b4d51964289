"""The Documents, Receipts and Letters lists' queries: the database's order and filter against the records themselves."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from hsawallet.services import coverage, lists, records
from hsawallet.services.lists import DocumentSort, LetterSort, LetterState, ReceiptSort
from hsawallet.store.models import Document, Letter, LineItem, Person, Receipt
from hsawallet.store.vault import create_vault
from hsawallet.vocab import DocumentKind, DocumentStatus

MERCHANTS = ["Harbor Pharmacy", "lakeside gym", "Zephyr Massage", None, "Alder Optics", "harbor pharmacy"]


def fill(vault, n_receipts: int, *, seed: int = 3) -> dict:
    """A household, ``n_receipts`` receipts (ties, missing merchants, dates and totals) and letters in
    every validity state as of 2026-06-01."""
    rng = random.Random(seed)
    with vault.session() as session:
        people = [Person(name="Robin Ash", dob=date(1980, 1, 1)), Person(name="kit Ash", dob=date(2010, 5, 5))]
        session.add_all(people)
        session.flush()
        for k in range(n_receipts):
            doc = Document(
                file_name=f"scan-{k:04d}.pdf",
                size=1,
                sha256=f"r{k:063d}",
                kind=DocumentKind.RECEIPT,
                status=DocumentStatus.READ,
            )
            session.add(doc)
            session.flush()
            receipt = Receipt(
                document_id=doc.id,
                merchant=rng.choice(MERCHANTS),
                date=None if k % 17 == 0 else date(2024, 1, 1) + timedelta(days=rng.randrange(700)),
                total=None if k % 23 == 0 else Decimal(rng.choice([500, 1999, 10000, 12345, 999])) / 100,
                person_id=rng.choice([people[0].id, people[1].id, None]),
                patient="Printed Patient" if k % 5 == 0 else None,
            )
            session.add(receipt)
            session.flush()
            session.add(
                LineItem(
                    receipt_id=receipt.id,
                    position=0,
                    description="massage session",
                    amount=receipt.total,
                    category="massage" if k % 3 else "otc_eligible",
                    needs_lmn=bool(k % 3),
                )
            )
        spans = [  # (issue, valid through) -> expected state on 2026-06-01
            (date(2026, 1, 1), date(2026, 12, 31), LetterState.ACTIVE),
            (date(2025, 7, 1), date(2026, 6, 20), LetterState.EXPIRING),
            (date(2025, 1, 1), date(2025, 12, 31), LetterState.EXPIRED),
            (date(2026, 7, 1), date(2027, 6, 30), LetterState.NOT_YET_VALID),
            (None, None, LetterState.UNKNOWN),
        ]
        expected = {}
        for k, (issued, through, state) in enumerate(spans * 3):
            doc = Document(
                file_name=f"lmn-{k}.pdf", size=1, sha256=f"l{k:063d}", kind=DocumentKind.LETTER, status="read"
            )
            session.add(doc)
            session.flush()
            letter = Letter(
                document_id=doc.id,
                patient_name=["Robin Ash", None, "KIT ASH"][k % 3],
                provider_name=f"Dr. {'Bay' if k % 2 else 'alder'} {k}",
                categories=["massage"],
                issue_date=issued,
                valid_through=through,
                missing=["provider_license", "signature"][: k % 3],
                person_id=people[k % 2].id,
            )
            session.add(letter)
            session.flush()
            expected[letter.id] = state
        session.commit()
    coverage.recompute_links(vault)
    return expected


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    vault = create_vault(tmp_path_factory.mktemp("lists") / "vault.db", passphrase="test")
    expected = fill(vault, 300)
    yield vault, expected
    vault.close()


def _key(value, *, text: bool = False):
    """SQLite's order: NULL first, text without case."""
    if value is None:
        return (0, "")
    return (1, value.casefold() if text else value)


def _ordered(rows: list[dict], key, descending: bool) -> list[int]:
    ordered = sorted(rows, key=lambda r: (key(r), r["id"]))
    return [r["id"] for r in (reversed(ordered) if descending else ordered)]


def test_receipt_ids_follow_each_columns_order_both_ways(filled):
    vault, _ = filled
    with vault.session() as session:
        receipts = records.list_receipts(session)
        keys = {
            ReceiptSort.DATE: lambda r: _key(r["date"]),
            ReceiptSort.MERCHANT: lambda r: _key(r["merchant"], text=True),
            ReceiptSort.TOTAL: lambda r: _key(None if r["total"] is None else Decimal(r["total"])),
            ReceiptSort.PERSON: lambda r: _key(r["person"] or r["patient"], text=True),
            ReceiptSort.LETTERS: lambda r: sum(
                1 for i in r["items"] if i["needs_lmn"] and i["link_status"] not in ("covered", "manual")
            ),
        }
        for sort, key in keys.items():
            for descending in (False, True):
                assert lists.receipt_ids(session, sort=sort, descending=descending) == _ordered(
                    receipts, key, descending
                ), (sort, descending)


def test_receipt_filter_keeps_the_rows_whose_text_has_every_word(filled):
    vault, _ = filled
    with vault.session() as session:
        receipts = records.list_receipts(session)

        def has(r, word):
            fields = (r["merchant"], r["person"], r["patient"], r["file"], r["date"], r["total"])
            return any(word.casefold() in (f or "").casefold() for f in fields)

        for words in ("harbor", "HARBOR ash", "scan-01", "2025-03", "123.45", "100%", "nobody"):
            expected = {r["id"] for r in receipts if all(has(r, w) for w in words.split())}
            got = lists.receipt_ids(session, words=words)
            assert set(got) == expected, words
            assert len(got) == len(set(got))
        assert lists.receipt_ids(session, words="harbor") != []


def test_receipt_rows_carry_what_the_list_shows(filled):
    vault, _ = filled
    with vault.session() as session:
        receipts = {r["id"]: r for r in records.list_receipts(session)}
        page = lists.receipt_ids(session)[200:260]
        rows = lists.receipt_rows(session, page)
    assert sorted(rows) == sorted(page)
    for receipt_id, row in rows.items():
        full = receipts[receipt_id]
        assert (row.merchant, row.total, row.file) == (full["merchant"], full["total"], full["file"])
        assert row.person == (full["person"] or full["patient"])
        needing = [i for i in full["items"] if i["needs_lmn"]]
        assert sum(n for _s, n in row.link_counts) == len(needing)


def test_letter_state_is_computed_by_the_query_and_sorts(filled):
    vault, expected = filled
    today = date(2026, 6, 1)  # expiring_days defaults to 60: 2026-06-20 is expiring
    with vault.session() as session:
        rows = lists.letter_rows(session, list(expected), today=today)
        assert {i: r.state for i, r in rows.items()} == expected
        by_status = lists.letter_ids(session, sort=LetterSort.STATUS, descending=False, today=today)
        ranks = [list(LetterState).index(expected[i]) for i in by_status]
        order = [LetterState.ACTIVE, LetterState.EXPIRING, LetterState.NOT_YET_VALID, LetterState.EXPIRED]
        assert [expected[i] for i in by_status] == sorted(
            (expected[i] for i in by_status), key=lambda s: (order + [LetterState.UNKNOWN]).index(s)
        )
        assert ranks  # every letter is listed
        letters = records.list_letters(session)
        by_patient = lists.letter_ids(session, sort=LetterSort.PATIENT, descending=False)
        assert by_patient == _ordered(letters, lambda r: _key(r["patient_name"] or r["person"], text=True), False)
        assert set(lists.letter_ids(session, words="bay")) == {
            r["id"] for r in letters if "bay" in (r["provider_name"] or "").casefold()
        }
        missing = {r["id"]: len(r["missing"]) for r in letters}
        assert {i: r.missing_count for i, r in rows.items()} == missing


def test_document_ids_follow_each_columns_order_and_the_filters(vault):
    fill(vault, 60)
    with vault.session() as session:
        with session.no_autoflush:
            docs = session.exec(select(Document)).all()
            for n, doc in enumerate(docs):  # pages, errors and statuses to sort on, some missing
                doc.page_count = None if n % 7 == 0 else n % 4
                doc.error = None if n % 5 else f"{'Unreadable' if n % 2 else 'bad scan'} {n}"
                doc.status = DocumentStatus.ERROR if doc.error else DocumentStatus.READ
        session.commit()
        rows = [
            {
                "id": d.id,
                "file": d.file_name,
                "kind": d.kind,
                "pages": d.page_count or 0,
                "status": d.status,
                "imported": d.imported_at,
                "error": d.error or "",
            }
            for d in session.exec(select(Document)).all()
        ]
        keys = {
            DocumentSort.FILE: lambda r: r["file"].casefold(),
            DocumentSort.KIND: lambda r: r["kind"],
            DocumentSort.PAGES: lambda r: r["pages"],
            DocumentSort.STATUS: lambda r: r["status"],
            DocumentSort.IMPORTED: lambda r: r["imported"],
            DocumentSort.ERROR: lambda r: r["error"].casefold(),
        }
        for sort, key in keys.items():
            for descending in (False, True):
                assert lists.document_ids(session, sort=sort, descending=descending) == _ordered(
                    rows, key, descending
                ), (sort, descending)
        for words in ("SCAN-01", "lmn 1", "nothing"):
            expected = {r["id"] for r in rows if all(w.casefold() in r["file"].casefold() for w in words.split())}
            assert set(lists.document_ids(session, words=words)) == expected, words
        letters = lists.document_ids(session, kind=DocumentKind.LETTER, sort=DocumentSort.FILE, descending=False)
        assert letters == _ordered(
            [r for r in rows if r["kind"] == DocumentKind.LETTER], keys[DocumentSort.FILE], False
        )
        page = lists.document_rows(session, letters[:3])
    assert sorted(page) == sorted(letters[:3])
    assert all(row.kind == DocumentKind.LETTER and row.file_name.startswith("lmn-") for row in page.values())
