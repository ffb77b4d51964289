"""A letter's dates by role: the issue date (dated, issued, signed, the date of the letter, the
date beside the signature) and the stated validity in any phrasing ("valid through 12/31/2026",
"certification period: A through B", "valid for 6 months", "12 months from the date of issue").

Every date on the letter is a candidate; the words before it (or the caption over or under
it on a form) give it a role. Dates of birth, visits, exams and services are never the issue
date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hsawallet.ingest.dates import find_dates
from hsawallet.ingest.letter_doc import LetterDoc
from hsawallet.ingest.letter_roles import SIGNATURE_CUE

_I = re.IGNORECASE

# (role words before a date, weight)
_ISSUE_ROLES = (
    (
        re.compile(
            r"date\s+of\s+(?:issue|letter|certification|attestation|signature)|(?:issue|letter|signature|attestation|certification|signing)\s+date"
            r"|date\s+(?:issued|signed|written)|issued(?:\s+on)?|dated|written\s+on",
            _I,
        ),
        0.9,
    ),
    (re.compile(r"\bsigned(?:\s+on)?|e-?signed|\bsignature\b", _I), 0.88),
    (re.compile(r"effective(?:\s+date|\s+from|\s+as\s+of)?|start\s+date|(?:valid|effective)\s+from", _I), 0.85),
)
_NOT_ISSUE = re.compile(
    r"birth|\bdob\b|born|visit|exam|seen|service|consult|appointment|evaluat|last|recent|since|admi|discharge"
    r"|through|thru|until|till|expir|end\s+date|valid\s+(?:to|through|until)|rev\.?|revis|form|printed|fax|statement|period\s*$",
    _I,
)
_PLAIN_DATE_LABEL = re.compile(r"(?:^|\s)date\s*[:\-]?\s*$", _I)
_SIGNED_CAPTION = re.compile(r"date\s+signed|signature\s+date|date\s+of\s+signature|signature\b.*\bdate\b", _I)


@dataclass(frozen=True)
class DateEvidence:
    value: date
    weight: float
    source: str


def _left(text: str, start: int, previous_end: int) -> str:
    return text[max(previous_end, start - 45) : start]


def issue_date(doc: LetterDoc, date_order: str) -> tuple[date | None, float]:
    evidence: list[DateEvidence] = []
    for index, text in enumerate(doc.texts):
        dates = find_dates(text, date_order)
        previous_end = 0
        signature_at = min((m.end() for m in SIGNATURE_CUE.finditer(text)), default=None)
        for found in dates:
            left = _left(text, found.start, previous_end)
            previous_end = found.end
            if _NOT_ISSUE.search(left):
                continue
            for pattern, weight in _ISSUE_ROLES:
                if pattern.search(left):
                    evidence.append(DateEvidence(found.value, weight, pattern.pattern[:12]))
                    break
            else:
                if signature_at is not None and found.start > signature_at:
                    evidence.append(DateEvidence(found.value, 0.85, "signature"))
                elif _PLAIN_DATE_LABEL.search(left):
                    evidence.append(DateEvidence(found.value, 0.7, "date"))
        # a form's signature row: the date on the line over or under the "Date signed" caption
        if _SIGNED_CAPTION.search(text) and not dates:
            for near in (index - 1, index + 1):
                if 0 <= near < len(doc.texts):
                    near_dates = find_dates(doc.texts[near], date_order)
                    if near_dates and not _NOT_ISSUE.search(doc.texts[near][: near_dates[-1].start]):
                        evidence.append(DateEvidence(near_dates[-1].value, 0.85, "caption"))
                        break
    # a letter dates itself on a line of its own near the top
    for text in doc.texts[:12]:
        dates = find_dates(text, date_order)
        if dates and len(text) - (dates[0].end - dates[0].start) <= 6 and not _NOT_ISSUE.search(text):
            evidence.append(DateEvidence(dates[0].value, 0.8, "heading"))
            break
    if not evidence:
        return None, 0.0
    best = max(evidence, key=lambda e: e.weight)
    agreeing = {e.source for e in evidence if e.value == best.value}
    rivals = [e for e in evidence if e.value != best.value and e.weight >= 0.8]
    confidence = best.weight + 0.04 * (len(agreeing) - 1)
    if rivals:
        confidence = min(confidence, 0.6)
    return best.value, round(min(0.97, confidence), 2)


_END_LABEL = re.compile(
    r"valid\s+(?:through|thru|until|till|to)|good\s+(?:through|thru|until)|(?:remains?|is|stays?)\s+(?:valid|in\s+effect)\s+(?:until|through|thru|to)"
    r"|relied\s+(?:up)?on\s+(?:through|until)|used\s+(?:through|until)|expir(?:es|ation(?:\s+date)?|y(?:\s+date)?)(?:\s+on)?"
    r"|(?:end|stop|expiration|through)\s+date|ends?\s+on|effective\s+(?:through|until|thru|to)|valid\s+(?:date\s+)?range|(?:period|dates?)\s+ends?",
    _I,
)
_RANGE_LINE = re.compile(r"period|valid|effective|certif|cover|\bfrom\b", _I)
_RANGE_JOIN = re.compile(r"^\s*(?:through|thru|until|till|to|[-–—])\s*$", _I)
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a": 1,
    "an": 1,
    "eighteen": 18,
    "twenty-four": 24,
    "twenty four": 24,
}
_NUMBER = r"(\d{1,2}|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b"
_VALID_MONTHS = (
    re.compile(
        rf"\b(?:valid(?:ity)?|good|effective|in\s+effect)\s*(?:period)?\s*(?:for|of|:)?\s*(?:a\s+period\s+of\s+)?{_NUMBER}\s*(?:\(\d+\)\s*)?[\s-]*(months?|years?)",
        _I,
    ),
    re.compile(
        rf"(?:letter|certificat\w*|recommendation|attestation|form)\b[^.]{{0,40}}?\bfor\s+{_NUMBER}\s*(?:\(\d+\)\s*)?[\s-]*(months?|years?)\s+(?:from|after|following)",
        _I,
    ),
    re.compile(
        rf"{_NUMBER}\s*(?:\(\d+\)\s*)?[\s-]*(months?|years?)\s+(?:from|after|following)\s+(?:the\s+)?(?:date|issue|signature|signing|it\s+was)",
        _I,
    ),
)


def number(text: str) -> int:
    return _WORD_NUMBERS.get(text.lower()) or int(text)


def stated_end(doc: LetterDoc, date_order: str) -> tuple[date | None, float]:
    """An end date the letter prints ("valid through", "expires", the end of a period)."""
    for index, text in enumerate(doc.texts):
        for match in _END_LABEL.finditer(text):
            dates = find_dates(text[match.end() :], date_order)
            if dates and dates[0].start <= 40:
                return dates[0].value, 0.9
            if not text[match.end() :].strip(" :.") and index + 1 < len(doc.texts):
                dates = find_dates(doc.texts[index + 1], date_order)
                if dates:
                    return dates[0].value, 0.8
        if _RANGE_LINE.search(text):
            dates = find_dates(text, date_order)
            for first, second in zip(dates, dates[1:]):
                if _RANGE_JOIN.match(text[first.end : second.start]) and second.value > first.value:
                    return second.value, 0.9
    return None, 0.0


def stated_months(doc: LetterDoc) -> int | None:
    """A validity stated as a number of months ("valid for 6 months", "12 months from the date of issue")."""
    for pattern in _VALID_MONTHS:
        match = pattern.search(doc.flat)
        if match:
            months = number(match.group(1)) * (12 if match.group(2).lower().startswith("year") else 1)
            if 1 <= months <= 36:
                return months
    return None


__all__ = ["issue_date", "number", "stated_end", "stated_months"]
