"""Search takes the newest matching pages up to its limit and ranks only those, best first."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from hsawallet.services import documents
from hsawallet.store.models import PageText

_spec = importlib.util.spec_from_file_location("big_vault", Path(__file__).parents[2] / "bench" / "big_vault.py")
big_vault = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(big_vault)


def _ranks(session, word: str) -> dict[int, float]:
    rows = session.connection().execute(
        text(
            "SELECT p.document_id, bm25(pagetext_fts) FROM pagetext_fts JOIN pagetext p ON p.id = pagetext_fts.rowid "
            "WHERE pagetext_fts MATCH :m"
        ),
        {"m": f'"{word}"*'},
    )
    return dict(rows.all())


def test_a_word_on_every_page_gives_the_newest_pages_ranked(vault):
    big_vault.populate(vault, 300, seed=8)
    with vault.session() as session:
        hits = documents.search(session, "date", limit=40)
        newest = list(session.exec(select(PageText.document_id).order_by(PageText.id.desc()).limit(40)))
        ranks = _ranks(session, "date")
    assert len(ranks) == 300
    assert sorted(d for d, _ in hits) == sorted(newest)
    assert [ranks[d] for d, _ in hits] == sorted(ranks[d] for d, _ in hits)
    assert all("[" in snippet for _, snippet in hits)


def test_a_rare_word_gives_every_match_best_first(vault):
    big_vault.populate(vault, 300, seed=8)
    with vault.session() as session:
        hits = documents.search(session, "necessity", limit=200)
        ranks = _ranks(session, "necessity")
    assert 0 < len(hits) == len(ranks) < 200
    assert [ranks[d] for d, _ in hits] == sorted(ranks.values())
