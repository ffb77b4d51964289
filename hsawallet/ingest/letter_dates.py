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
from hsawallet.ingest.letter_roles import CLOSING, SIGNATURE_CUE
from hsawallet.ingest.names import credentials_after, names_in

_I = re.IGNORECASE

# (role words before a date, weight)
_ISSUE_ROLES = (
    (
        re.compile(
            r"date\s+of\s+(?:(?:this|the)\s+)?(?:issue|letter|certification|attestation|signature)"
            r"|(?:issue|letter|signature|attestation|certification|signing)\s+date"
            r"|date\s+(?:issued|signed|written|completed|prepared|attested|certified)|issued(?:\s+on)?|dated|written\s+on"
            # right before the date only: "she completed 12 weeks of therapy on 1/15" is no issue
            r"|\b(?:completed|prepared|attested|certified|written)(?:\s+(?:on|this))?\s*:?\s*$",
            _I,
        ),
        0.9,
    ),
    (re.compile(r"\bsigned(?:\s+on)?|e-?signed|\bsignature\b", _I), 0.88),
    (re.compile(r"effective(?:\s+date|\s+from|\s+as\s+of)?|start\s+date|(?:valid|effective)\s+from", _I), 0.85),
)
_NOT_ISSUE = re.compile(
    r"birth|\bdob\b|born|visit|exam|seen|service|consult|appointment|evaluat|last|recent|since|admi|discharge"
    r"|through|thru|until|till|expir|\bexp\b|end\s+date|valid\s+(?:to|through|until)|rev\.?|revis|form\s*(?:rev|version|v\d|no\b|number|#|id\b|\d)|printed|fax|statement|period\s*$",
    _I,
)
# a dateline: the place the letter was written, then its date ("Bayport, Maine, March 3, 2026")
_PLACE_BEFORE_DATE = re.compile(
    r"[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*)*(?:\s*,\s*[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*)*){0,2}\s*[,\-–—]?\s*"
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


def _signature_block(doc: LetterDoc) -> set[int]:
    """Lines of the signature block: the few after a closing ("Sincerely,"), and any line that
    holds a name with its credentials (the signer's typed name)."""
    block: set[int] = set()
    for index, text in enumerate(doc.texts):
        if CLOSING.match(text):
            block.update(range(index + 1, index + 5))
        if any(credentials_after(text, span.end) for span in names_in(text)):
            block.add(index)
    return block


def issue_date(doc: LetterDoc, date_order: str) -> tuple[date | None, float]:
    evidence: list[DateEvidence] = []
    signature_block = _signature_block(doc)
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
                elif index in signature_block:
                    # the date the signer wrote beside or under the typed name
                    evidence.append(DateEvidence(found.value, 0.85, "signature"))
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
        if not dates or _NOT_ISSUE.search(text):
            continue
        if len(text) - (dates[0].end - dates[0].start) <= 6:
            evidence.append(DateEvidence(dates[0].value, 0.8, "heading"))
            break
        # a dateline written out after a place: a name and a birth date can look the same
        # ("Jane Roe, March 3, 1979"), so it stays doubtful unless other evidence agrees
        if (
            len(dates) == 1
            and not text[dates[0].end :].strip(" .")
            and re.search(r"[A-Za-z]{3}", text[dates[0].start : dates[0].end])
            and _PLACE_BEFORE_DATE.fullmatch(text[: dates[0].start])
        ):
            evidence.append(DateEvidence(dates[0].value, 0.75, "dateline"))
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
# "This recommendation applies through 12/31/2026", "may be relied on until ...": an end date
# after through/until in a sentence that speaks of the letter being valid or applying
_VALIDITY_SENTENCE = re.compile(
    r"\b(?:valid|in\s+effect|effective|current|appl(?:y|ies)|good|honou?r|relied|used?|cover(?:s|ing)?|remains?|stands?)\b",
    _I,
)
_THROUGH = re.compile(
    r"\b(?:through|thru|until|till|up\s+to|to|ending(?:\s+on)?)\s+(?:and\s+including\s+)?(?:the\s+)?(?=\w)", _I
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
        rf"\b(?:valid(?:ity)?|good|effective|in\s+effect|current|certification\s+period|length\s+of\s+(?:certification|validity))\s*(?:period)?\s*(?:for|of|:)?\s*(?:a\s+(?:period|term)\s+of\s+)?{_NUMBER}\s*(?:\(\d+\)\s*)?[\s-]*(months?|mos?\b\.?|years?)",
        _I,
    ),
    re.compile(
        rf"(?:letter|certificat\w*|recommendation|attestation|form)\b[^.]{{0,40}}?\bfor\s+{_NUMBER}\s*(?:\(\d+\)\s*)?[\s-]*(months?|mos?\b\.?|years?)\s+(?:from|after|following)",
        _I,
    ),
    re.compile(
        rf"{_NUMBER}\s*(?:\(\d+\)\s*)?[\s-]*(months?|mos?\b\.?|years?)\s+(?:from|after|following)\s+(?:the\s+)?(?:date|issue|signature|signing|it\s+was)",
        _I,
    ),
    # "a 6-month validity", "expires in six months", "lapses after one year"
    re.compile(rf"\b{_NUMBER}[\s-]*(month|year)s?\s+(?:validity|valid|term|expiry|expiration)", _I),
    re.compile(
        rf"\b(?:letter|it|this|recommendation|certificat\w*)\s+(?:expires?|lapses?|ends?|runs?\s+out)\s+(?:in|after)\s+{_NUMBER}\s*(?:\(\d+\)\s*)?[\s-]*(months?|mos?\b\.?|years?)",
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
    for sentence in re.split(r"(?<=[.;!?])\s+(?=[A-Z])", doc.flat):
        for match in _THROUGH.finditer(sentence):
            dates = find_dates(sentence[match.end() :], date_order)
            if dates and dates[0].start == 0 and _VALIDITY_SENTENCE.search(sentence[: match.start()]):
                return dates[0].value, 0.85
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
