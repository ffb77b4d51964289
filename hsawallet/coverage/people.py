"""Match a printed patient name (any case, "LAST, FIRST M." order, OCR noise) to a household member."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from .model import Person

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "mx"}
# Close enough to be the same name misread by OCR (one or two letters off).
_FUZZY_MIN = 88.0


@dataclass(frozen=True)
class NameParts:
    first: str
    middles: tuple[str, ...]
    last: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def parse_name(name: str | None) -> NameParts | None:
    """Split a name into first / middle(s) / last; "DELGADO, SCOTT A" is read as Scott A Delgado."""
    if not name or not name.strip():
        return None
    folded = _fold(name)
    if "," in folded:
        last_part, _, rest = folded.partition(",")
        rest_tokens = _tokens(rest)
        last_tokens = _tokens(last_part)
        # "Delgado, Jr." is a suffix, not the given name.
        if rest_tokens and not all(t in _SUFFIXES for t in rest_tokens):
            folded = " ".join(rest_tokens + last_tokens)
    tokens = [t for t in _tokens(folded) if t not in _SUFFIXES and t not in _TITLES]
    if not tokens:
        return None
    if len(tokens) == 1:
        return NameParts(tokens[0], (), "")
    return NameParts(tokens[0], tuple(tokens[1:-1]), tokens[-1])


def _tokens(text: str) -> list[str]:
    # Apostrophes and hyphens join name parts (O'Brien, Smith-Jones) rather than split them.
    text = re.sub(r"['\u2019`-]", "", text)
    # Digits stay inside a word (OCR reads "l" as "1"); a token of digits alone is no name.
    return [t for t in re.findall(r"[^\W_]+", text) if not t.isdigit()]


def _middles_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Middle names are optional; when both are printed, their initials must agree."""
    if not a or not b:
        return True
    return all(x[0] == y[0] for x, y in zip(a, b))


def _first_agrees(a: str, b: str) -> bool:
    if a == b:
        return True
    # A lone initial ("M. Delgado") agrees with any first name with that letter.
    return (len(a) == 1 or len(b) == 1) and a[0] == b[0]


def _joined(parts: NameParts) -> str:
    return "".join((parts.first, *parts.middles, parts.last))


def _exact_match(parts: NameParts, other: NameParts) -> bool:
    if _joined(parts) == _joined(other):  # "Obrien Nunez" vs "O'Brien-Nunez"
        return True
    if not parts.last or not other.last:
        return parts.first == other.first and not parts.last and not other.last
    return (
        parts.last == other.last
        and _first_agrees(parts.first, other.first)
        and _middles_agree(parts.middles, other.middles)
    )


def _fuzzy_score(parts: NameParts, other: NameParts) -> float:
    if not _middles_agree(parts.middles, other.middles):
        return 0.0
    return fuzz.ratio(f"{parts.first} {parts.last}", f"{other.first} {other.last}")


def match_person(name: str | None, dob: date | None, people: Iterable[Person]) -> int | None:
    """The id of the one household member this name (and date of birth) designates, else None.

    An exact name match is preferred to a near one; a date of birth, when known on both
    sides, must agree and picks between people with the same name.
    """
    parts = parse_name(name)
    if parts is None:
        return None
    people = list(people)

    def dob_ok(person: Person) -> bool:
        return dob is None or person.dob is None or person.dob == dob

    candidates = [p for p in people if (pp := parse_name(p.name)) and _exact_match(parts, pp) and dob_ok(p)]
    if not candidates:
        scored = []
        for person in people:
            pp = parse_name(person.name)
            if pp is None or not dob_ok(person):
                continue
            score = _fuzzy_score(parts, pp)
            if score >= _FUZZY_MIN:
                scored.append((score, person))
        if scored:
            best = max(score for score, _ in scored)
            candidates = [p for score, p in scored if score == best]
    if len(candidates) > 1 and dob is not None:
        by_dob = [p for p in candidates if p.dob == dob]
        if by_dob:
            candidates = by_dob
    if len(candidates) > 1:
        # Several people fit ("M. Galloway"): prefer the one whose full printed name matches exactly.
        exact = [p for p in candidates if parse_name(p.name) == parts]
        candidates = exact or candidates
    return candidates[0].id if len(candidates) == 1 else None


def resolve_receipt_person(
    printed_name: str | None,
    chosen_person_id: int | None,
    people: Iterable[Person],
    *,
    printed_dob: date | None = None,
) -> int | None:
    """Whose expense a receipt is: the patient printed on it, else the person chosen at import,
    else the household's only person, else None (then any member's letter may cover it)."""
    people = list(people)
    if printed_name:
        matched = match_person(printed_name, printed_dob, people)
        if matched is not None:
            return matched
    if chosen_person_id is not None:
        return chosen_person_id
    if len(people) == 1:
        return people[0].id
    return None
