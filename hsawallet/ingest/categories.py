"""The category list of line items and letters, kept as data in resources/categories.json.

A user may extend the file (new categories, more keywords) and change which categories
need a Letter of Medical Necessity. Categorizing a description is a keyword match: the
longest matching phrase wins; a category's regular expressions win outright.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from hsawallet.paths import resource

DEFAULT_PATH = resource("categories.json")


_WORD = re.compile(r"[a-z0-9]+")
_KEYWORD_WORD = re.compile(r"[a-z0-9]+\*?")


def words_of(text: str) -> list[str]:
    """Lower-case words of ``text``; punctuation and hyphens separate words."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class _Phrase:
    category: str
    words: tuple[str, ...]  # a trailing "*" on a word matches any ending
    weight: int


@dataclass
class Category:
    name: str
    label: str
    description: str
    needs_lmn: bool
    keywords: list[str] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)


_ALTERNATIVE = re.compile(r"(\w+)\s*/\s*(\w+)")


def _readings(text: str) -> list[list[str]]:
    """The words of ``text``, and, where a slash joins alternatives sharing what follows
    ("enrollment / processing fee"), each alternative read on its own ("enrollment fee")."""
    readings = [words_of(text)]
    if "/" in text:
        readings.append(words_of(_ALTERNATIVE.sub(r"\1", text)))
        readings.append(words_of(_ALTERNATIVE.sub(r"\2", text)))
    return readings


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def _phrase_in(phrase: tuple[str, ...], words: list[str]) -> bool:
    """Every phrase word appears in order; the words must be adjacent."""
    size = len(phrase)
    for start in range(len(words) - size + 1):
        if all(_word_matches(phrase[k], words[start + k]) for k in range(size)):
            return True
    return False


class Categories:
    """The loaded category table."""

    def __init__(self, data: dict):
        raw = data.get("categories") or {}
        if not raw:
            raise ValueError("categories file lists no categories")
        self._categories: dict[str, Category] = {}
        phrases: list[_Phrase] = []
        for name, spec in raw.items():
            patterns = [re.compile(p, re.IGNORECASE) for p in spec.get("patterns", [])]
            category = Category(
                name=name,
                label=spec.get("label", name),
                description=spec.get("description", ""),
                needs_lmn=bool(spec.get("needs_lmn", False)),
                keywords=list(spec.get("keywords", [])),
                patterns=patterns,
            )
            self._categories[name] = category
            for keyword in category.keywords:
                phrase_words = tuple(_KEYWORD_WORD.findall(keyword.lower()))
                if phrase_words:
                    weight = sum(len(w.rstrip("*")) for w in phrase_words) + len(phrase_words) - 1
                    phrases.append(_Phrase(name, phrase_words, weight))
        self._phrases = phrases
        self.default = data.get("default", "not_eligible")
        if self.default not in self._categories:
            self.default = next(iter(self._categories))

    @property
    def names(self) -> list[str]:
        return list(self._categories)

    def get(self, name: str) -> Category | None:
        return self._categories.get(name)

    def needs_lmn(self, category: str) -> bool:
        found = self._categories.get(category)
        return bool(found and found.needs_lmn)

    def keyword_weights(self, description: str) -> dict[str, int]:
        """Each category whose keywords ``description`` contains, with its longest phrase's weight."""
        best: dict[str, int] = {}
        for words in _readings(description or ""):
            present = set(words)
            for phrase in self._phrases:
                first = phrase.words[0]
                if not first.endswith("*") and first not in present:
                    continue  # most phrases fail on their first word: a set lookup instead of a scan
                if phrase.weight > best.get(phrase.category, 0) and _phrase_in(phrase.words, words):
                    best[phrase.category] = phrase.weight
        return best

    def categorize(self, description: str) -> tuple[str, float]:
        """(category, confidence) of a line item or recommended item description."""
        text = description or ""
        for category in self._categories.values():
            if any(p.search(text) for p in category.patterns):
                return category.name, 0.95
        best = self.keyword_weights(text)
        if not best:
            return self.default, 0.3
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        name, weight = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        confidence = 0.6 + 0.3 * min(1.0, weight / 12) * (1.0 - runner_up / (weight + runner_up))
        return name, round(min(0.95, confidence), 2)


def _read_keywords_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_categories(path: str | Path | None = None) -> Categories:
    """The category table of ``path``, else the default resources/categories.json (cached)."""
    if path is None:
        return default_categories()
    return Categories(_read_keywords_file(Path(path)))


@lru_cache(maxsize=1)
def default_categories() -> Categories:
    return Categories(_read_keywords_file(DEFAULT_PATH))
