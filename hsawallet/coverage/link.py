"""Link each line item that needs a letter to the letter that covers it, and say why.

Rules (corpus `rules`, PRODUCT.md): a candidate letter is one whose categories include the
item's category (or that lists this very item), for the same patient when the receipt
names one. Among candidates in force on the purchase date (issue date .. effective end,
both inclusive) the latest issue wins: ``covered``. Otherwise ``before_letter`` (related:
the earliest letter issued after the purchase), ``after_expiry`` (related: the one that
ended last), or ``no_letter``. A user's manual link or unlink always wins.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from rapidfuzz import fuzz, utils

from hsawallet.vocab import LinkStatus

from .model import (
    AFTER_EXPIRY,
    BEFORE_LETTER,
    COVERED,
    MANUAL,
    NO_LETTER,
    UNDATED,
    UNLINKED,
    Item,
    Letter,
    LinkResult,
    ManualLink,
    Person,
    Receipt,
)

DEFAULT_VALIDITY = relativedelta(months=12)
# A needs-letter item whose description is (nearly) one the letter lists is covered even
# when its category was read differently.
_ITEM_MATCH_MIN = 90.0
# Words shorter than this ("of", "mg", "x2") say nothing about which item a line is.
_WORD_MIN_LEN = 3
# An item matches a listed one only when they share this many words: one ("session", "fee") joins unrelated items.
_SHARED_WORDS_MIN = 2
# An item's description in a reason is cut to this many characters, so the reason stays one line.
_SUBJECT_CHARS = 60
# Distinct issue dates whose default end is remembered: far more than a household's letters.
_END_CACHE_SIZE = 1 << 14
# Distinct descriptions tokenised and remembered: every item and listed item of a large vault.
_WORDS_CACHE_SIZE = 1 << 16


def effective_end(letter: Letter) -> date | None:
    """Last day (inclusive) a letter is in force: the stated date, else issue + 12 months - 1 day."""
    if letter.valid_through is not None:
        return letter.valid_through
    if letter.issue_date is None:
        return None
    return _default_end(letter.issue_date)


@lru_cache(maxsize=_END_CACHE_SIZE)
def _default_end(issue: date) -> date:
    # Cached: relativedelta arithmetic is slow and reasons name a letter's end for every item it covers.
    return issue + DEFAULT_VALIDITY - relativedelta(days=1)


@lru_cache(maxsize=_WORDS_CACHE_SIZE)
def _words(text: str) -> frozenset[str]:
    # Cached: a letter's listed items are compared with every item, so each is tokenised once.
    return frozenset({w for w in re.findall(r"[a-z0-9]+", text.casefold()) if len(w) >= _WORD_MIN_LEN})


def item_matches_letter_items(description: str, letter_items: Iterable[str]) -> bool:
    """True when the description is close to an item the letter names (sharing at least _SHARED_WORDS_MIN words)."""
    words = _words(description)
    for listed in letter_items:
        if (
            len(words & _words(listed)) >= _SHARED_WORDS_MIN
            and fuzz.token_set_ratio(description, listed, processor=utils.default_process) >= _ITEM_MATCH_MIN
        ):
            return True
    return False


def letter_applies_to_item(letter: Letter, item: Item) -> bool:
    return item.category in letter.categories or item_matches_letter_items(item.description, letter.items)


def letter_applies_to_person(letter: Letter, receipt: Receipt) -> bool:
    """Same patient when the receipt names one; a receipt naming no one may use any member's letter.

    A letter whose patient is no one in People covers nothing: who it is for is a question for the
    user (add the person or assign the letter), not a match."""
    if letter.person_id is None:
        return False
    if receipt.person_id is None:
        return True
    return letter.person_id == receipt.person_id


def candidate_letters(receipt: Receipt, item: Item, letters: Iterable[Letter]) -> list[Letter]:
    return [l for l in letters if letter_applies_to_person(l, receipt) and letter_applies_to_item(l, item)]


def outside_terms(
    letter: Letter, receipt: Receipt, item: Item, people: dict[int, Person] | None = None
) -> tuple[str, ...]:
    """Why the letter's own terms do not cover this item (empty when they do): its categories and
    listed items, its validity window, its patient."""
    people = people or {}
    reasons = []
    if not letter_applies_to_item(letter, item):
        listed = ", ".join(c.replace("_", " ") for c in letter.categories) or "no category"
        reasons.append(f"the letter lists {listed}, not {item.category.replace('_', ' ')}")
    end = effective_end(letter)
    if receipt.date is None:
        reasons.append("the receipt has no date to check against the letter's")
    elif letter.issue_date is None or end is None:
        reasons.append("the letter has no issue date")
    elif receipt.date < letter.issue_date:
        reasons.append(
            f"bought {_days((letter.issue_date - receipt.date).days)} before the letter's date "
            f"{letter.issue_date.isoformat()}"
        )
    elif receipt.date > end:
        reasons.append(f"bought {_days((receipt.date - end).days)} after the letter ended on {end.isoformat()}")
    if letter.person_id is None:
        who = f"{letter.patient_name}" if letter.patient_name else "a patient whose name was not read"
        reasons.append(f"the letter is for {who}, who is not in People")
    elif receipt.person_id is not None and receipt.person_id != letter.person_id:
        reasons.append(
            f"the letter is for {_person_name(letter.person_id, people) or letter.patient_name or 'another person'}, "
            f"the purchase for {_person_name(receipt.person_id, people) or 'another person'}"
        )
    return tuple(reasons)


def in_force(letter: Letter, day: date) -> bool:
    end = effective_end(letter)
    return letter.issue_date is not None and end is not None and letter.issue_date <= day <= end


def classify(day: date, candidates: Sequence[Letter]) -> tuple[LinkStatus, Letter | None]:
    """(status, related letter) for a purchase on ``day`` among candidate letters."""
    # (issue, end, letter) of the dated ones: a dated letter always has an end
    dated = [(issue, end, l) for l in candidates if (issue := l.issue_date) and (end := effective_end(l))]
    covering = [(issue, end, l.id, l) for issue, end, l in dated if issue <= day <= end]
    if covering:
        return COVERED, max(covering, key=lambda c: c[:3])[3]
    later = [(issue, l.id, l) for issue, _end, l in dated if issue > day]
    if later:
        return BEFORE_LETTER, min(later, key=lambda c: c[:2])[2]
    ended = [(end, l.id, l) for _issue, end, l in dated if end < day]
    if ended:
        return AFTER_EXPIRY, max(ended, key=lambda c: c[:2])[2]
    return NO_LETTER, None


# ---- reasons a person can read ----


# Cached: a vault's items repeat a few thousand descriptions, each shortened for every reason that names it.
@lru_cache(maxsize=_WORDS_CACHE_SIZE)
def _short(text: str, limit: int = _SUBJECT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def letter_label(letter: Letter) -> str:
    who = f"{letter.provider_name}'s letter" if letter.provider_name else f"the letter {letter.file}"
    when = f" of {letter.issue_date.isoformat()}" if letter.issue_date else " (undated)"
    return who + when


def letter_terms(letter: Letter, people: dict[int, Person]) -> str:
    """ "Dr X's letter for Kevin Y, 2026-02-01 to 2027-01-31": who wrote it, for whom, and when it is in force."""
    who = f"{letter.provider_name}'s letter" if letter.provider_name else f"the letter {letter.file}"
    patient = _person_name(letter.person_id, people) or letter.patient_name
    text = who + (f" for {patient}" if patient else "")
    end = effective_end(letter)
    if letter.issue_date is not None and end is not None:
        text += f", {letter.issue_date.isoformat()} to {end.isoformat()}"
    elif letter.issue_date is None:
        text += " (undated)"
    return text


def _person_name(person_id: int | None, people: dict[int, Person]) -> str | None:
    person = people.get(person_id) if person_id is not None else None
    return person.name if person else None


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _subject(receipt: Receipt, item: Item) -> str:
    when = receipt.date.isoformat() if receipt.date else "no date"
    return f"{_short(item.description) or 'Item'}, {when}"


def _why(
    status: LinkStatus,
    receipt: Receipt,
    item: Item,
    letter: Letter | None,
    candidates: Sequence[Letter],
    others: Sequence[Letter],
    people: dict[int, Person],
) -> str:
    """The reason after its subject (": covered by ..."); ``others``: the letters that list the item but are not
    for this purchase's person, in order. Of the receipt and item it reads the person, the date (for a purchase
    before or after a letter) and the category only: compute_links shares one text among items alike in those."""
    category = item.category.replace("_", " ")
    if status == COVERED and letter is not None:
        return f": covered by {letter_terms(letter, people)} ({category})"
    if status == BEFORE_LETTER and letter is not None and letter.issue_date and receipt.date:
        days = (letter.issue_date - receipt.date).days
        return (
            f": bought {_days(days)} before {letter_label(letter)} ({category}); "
            "a letter must be dated on or before the purchase"
        )
    end = effective_end(letter) if letter is not None else None
    if status == AFTER_EXPIRY and letter is not None and end is not None and receipt.date:
        days = (receipt.date - end).days
        return f": bought {_days(days)} after {letter_label(letter)} ({category}) ended on {end.isoformat()}"
    if status == UNDATED:
        hint = f"; {letter_label(letter)} ({category}) may cover it" if letter else ""
        return f": the receipt has no date, so no letter can be checked against it{hint}"
    patient = _person_name(receipt.person_id, people)
    text = f": no letter for {category}" + (f" for {patient}" if patient else "")
    undated = [l for l in candidates if l.issue_date is None]
    if undated:
        return text + f"; {letter_label(undated[0])} has no issue date, so it cannot cover a purchase"
    unknown = [l for l in others if l.person_id is None]
    if unknown:
        patient = unknown[0].patient_name or "a patient whose name was not read"
        return text + (
            f" ({letter_label(unknown[0])} is for {patient}, who is not in People: add the person "
            "or assign the letter to someone)"
        )
    if others:
        owner = _person_name(others[0].person_id, people) or others[0].patient_name or "another person"
        text += f" ({letter_label(others[0])} is for {owner})"
    return text


class _Group:
    """The letters one kind of item meets: those for its person (any member's when the receipt names no one)
    that list its category or its very description, in the letters' order; classified by day, remembered."""

    def __init__(self, applicable: list[Letter], receipt_person: int | None, ends: dict[int, date | None]):
        def for_person(l: Letter) -> bool:
            return l.person_id is not None and (receipt_person is None or l.person_id == receipt_person)

        self.candidates = [l for l in applicable if for_person(l)]
        self.others = [l for l in applicable if not for_person(l)]
        # (issue, end, letter) of the dated candidates: a dated letter always has an end
        dated = [(issue, end, l) for l in self.candidates if (issue := l.issue_date) and (end := ends[l.id])]
        self.newest = max(dated, key=lambda d: (d[0], d[2].id))[2] if dated else None
        # Newest first by (issue, end, id): the first one still in force on a day covers it.
        by_issue_desc = sorted(dated, key=lambda d: (d[0], d[1], d[2].id), reverse=True)
        self.by_issue_desc = [l for _issue, _end, l in by_issue_desc]
        self.issues_desc = [issue for issue, _end, _l in by_issue_desc]
        self.ends_desc = [end for _issue, end, _l in by_issue_desc]
        # The latest end among those issued on or before (this position onward): none in force when it is past.
        self.latest_end_from: list[date] = []
        for end in reversed(self.ends_desc):
            self.latest_end_from.append(max(end, self.latest_end_from[-1]) if self.latest_end_from else end)
        self.latest_end_from.reverse()
        by_issue = sorted(dated, key=lambda d: (d[0], d[2].id))
        self.by_issue = [l for _issue, _end, l in by_issue]
        self.issues = [issue for issue, _end, _l in by_issue]
        by_end = sorted(dated, key=lambda d: (d[1], d[2].id))
        self.by_end = [l for _issue, _end, l in by_end]
        self.end_keys = [end for _issue, end, _l in by_end]
        self.memo: dict[date, tuple[LinkStatus, Letter | None]] = {}

    def classify(self, day: date) -> tuple[LinkStatus, Letter | None]:
        """classify(day, self.candidates), by bisection instead of a walk over every letter."""
        known = self.memo.get(day)
        if known is not None:
            return known
        # by_issue_desc is in descending issue order: the first index whose issue is on or before the day.
        lo, hi = 0, len(self.issues_desc)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.issues_desc[mid] > day:
                lo = mid + 1
            else:
                hi = mid
        result: tuple[LinkStatus, Letter | None] | None = None
        if lo < len(self.by_issue_desc) and self.latest_end_from[lo] >= day:
            for k in range(lo, len(self.by_issue_desc)):
                if self.ends_desc[k] >= day:
                    result = (COVERED, self.by_issue_desc[k])
                    break
        if result is None:
            later = bisect_right(self.issues, day)
            if later < len(self.by_issue):
                result = (BEFORE_LETTER, self.by_issue[later])
            else:
                ended = bisect_left(self.end_keys, day)
                result = (AFTER_EXPIRY, self.by_end[ended - 1]) if ended else (NO_LETTER, None)
        self.memo[day] = result
        return result


class LetterIndex:
    """Letters indexed by category and by the words of the items they list, each letter's end computed and
    each listed item tokenised once; items of the same person, category and listed-item matches share a group."""

    def __init__(self, letters: Sequence[Letter]):
        self.letters = list(letters)
        self.position = {l.id: k for k, l in enumerate(self.letters)}
        self.ends = {l.id: effective_end(l) for l in self.letters}
        self.by_category: dict[str, list[int]] = {}
        self.by_word: dict[str, set[int]] = {}
        for k, l in enumerate(self.letters):
            for category in dict.fromkeys(l.categories):
                self.by_category.setdefault(category, []).append(k)
            for listed in l.items:
                for word in _words(listed):
                    self.by_word.setdefault(word, set()).add(k)
        self._listing: dict[str, frozenset[int]] = {}
        self._groups: dict[tuple[int | None, str, frozenset[int]], _Group] = {}
        # the group of each (person, category, description) met: most items repeat one
        self._group_of: dict[tuple[int | None, str, str], _Group] = {}

    def listing(self, description: str) -> frozenset[int]:
        """Positions of the letters that list this description as one of their items."""
        found = self._listing.get(description)
        if found is None:
            words = _words(description)
            near = set().union(*(self.by_word.get(w, ()) for w in words)) if len(words) >= _SHARED_WORDS_MIN else set()
            found = frozenset(k for k in near if item_matches_letter_items(description, self.letters[k].items))
            self._listing[description] = found
        return found

    def group(self, receipt: Receipt, item: Item) -> _Group:
        seen = (receipt.person_id, item.category, item.description)
        group = self._group_of.get(seen)
        if group is None:
            listing = self.listing(item.description)
            key = (receipt.person_id, item.category, listing)
            group = self._groups.get(key)
            if group is None:
                positions = sorted(set(self.by_category.get(item.category, ())) | listing)
                group = _Group([self.letters[k] for k in positions], receipt.person_id, self.ends)
                self._groups[key] = group
            self._group_of[seen] = group
        return group


def compute_links(
    receipts: Iterable[Receipt],
    letters: Iterable[Letter],
    manual_links: Iterable[ManualLink] = (),
    people: Iterable[Person] = (),
) -> list[LinkResult]:
    """One result per item that needs a letter (or that the user linked by hand), in receipt order."""
    letters = list(letters)
    index = LetterIndex(letters)
    by_id = {l.id: l for l in letters}
    people_by_id = {p.id: p for p in people}
    manual = {m.item_id: m for m in manual_links}
    results: list[LinkResult] = []
    # Reasons after their subject, shared by the items _why reads alike (most of a vault's items).
    whys: dict[tuple[int, LinkStatus, int | None, str, int | None, date | None], str] = {}
    for receipt in receipts:
        for item in receipt.items:
            override = manual.get(item.id)
            if override is not None and override.letter_id is None:
                results.append(
                    LinkResult(
                        item.id,
                        receipt.id,
                        None,
                        UNLINKED,
                        None,
                        f"{_subject(receipt, item)}: you marked it as not covered by any letter",
                    )
                )
                continue
            if override is not None and override.letter_id in by_id:
                linked = by_id[override.letter_id]
                outside = outside_terms(linked, receipt, item, people_by_id)
                reason = f"{_subject(receipt, item)}: you linked it to {letter_terms(linked, people_by_id)}"
                if outside:
                    reason += f"; manual, outside the letter's terms: {'; '.join(outside)}"
                results.append(LinkResult(item.id, receipt.id, linked.id, MANUAL, linked.id, reason, outside))
                continue
            if not item.needs_lmn:
                continue
            group = index.group(receipt, item)
            status: LinkStatus
            letter: Letter | None
            if receipt.date is None and group.newest is not None:
                # Without a purchase date no letter can be checked; with no letter at all it does not matter.
                status, letter = UNDATED, group.newest
            elif receipt.date is None:
                status, letter = NO_LETTER, None
            else:
                status, letter = group.classify(receipt.date)
            related_id = letter.id if letter is not None else None
            dated = receipt.date if status in (BEFORE_LETTER, AFTER_EXPIRY) else None
            key = (id(group), status, related_id, item.category, receipt.person_id, dated)
            why = whys.get(key)
            if why is None:
                why = whys[key] = _why(status, receipt, item, letter, group.candidates, group.others, people_by_id)
            reason = _subject(receipt, item) + why
            covering = letter.id if status == COVERED and letter is not None else None
            results.append(LinkResult(item.id, receipt.id, covering, status, related_id, reason))
    return results
