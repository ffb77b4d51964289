"""A receipt's date of purchase and card digits, chosen among candidates by the evidence around them.

Every date on the page is a candidate. The words left of it and the column header above it say
what it is: a purchase ("ordered", "paid", "date of service", "posted", a DOS column) or
something else (a birth date, a delivery, a statement or print date, the next draft, the end
of a billing period). A date is marked sure only when such words say it is the purchase, or
when it is the only date on the slip with the time of sale beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hsawallet.ingest.candidates import Candidate, Line, card_candidates, header_above
from hsawallet.ingest.dates import find_dates, repair_day_month, repair_month_names, repair_years
from hsawallet.ingest.model import DOUBTFUL
from hsawallet.ingest.payment_words import CARD_BRANDS

_I = re.IGNORECASE

# words that say a date is when the purchase was made or paid
PURCHASE_WORDS = re.compile(
    r"\b(date|dated|ordered|order\s+date|placed|purchased?|transaction|trans|txn|sale|sold|service|serviced|dos|"
    r"visit|paid|payment|charged|settled|drafted|debited|posted|received|invoice\s+date|receipt\s+date|tarikh|tendered|"
    r"checkout|bought|appointment|session)\b",
    _I,
)
# words that say a date is something else
OTHER_DATE_WORDS = re.compile(
    r"\b(birth|dob|d\.o\.b|born|exp|expires?|expiry|expiration|valid|due|returns?|refund|since|print(ed)?|"
    r"effective|next|upcoming|refill|use\s+by|best\s+before|statement|delivered|delivery|shipped|ships|arriv\w*|"
    r"estimated|through|thru|until|cycle|period|renews?|renewal|scheduled|follow[-\s]?up|issued\s+on|"
    r"generated|as\s+of|opened|enrolled)\b",
    _I,
)
_SERVICE_DATE = re.compile(r"date\s+of\s+service|service\s+date|\bdos\b|date\s+of\s+(sale|purchase|visit)", _I)
_TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?!\d)")  # the line reader may glue words on ("21:13SH")
_LABEL_WORDS = 5  # how many words left of a date count as its label
# A till prints the time of sale beside the date. In choosing, that is worth more than the date's
# place on the slip (a product code in the header can read as a date) and less than a label saying
# what a date is; as confidence, a little.
TIME_OF_SALE_RANK = 0.15
TIME_OF_SALE_CONFIDENCE = 0.05
# A date's score, which is also its confidence. Any date on a slip is likely the sale's: a start above half.
DATE_PRIOR = 0.6
DATE_LABELLED = 0.3  # a label or column header saying purchase makes it sure
DATE_OTHER_LABEL = 0.5  # a label saying birth, expiry, refill... rules it out
DATE_AMBIGUOUS = 0.05  # day and month could be swapped
DATE_REPAIRED = 0.15  # the reading's digits or month name were mended to make it a date
DATE_IMPLAUSIBLE_YEAR = 0.3  # more than a year ahead or forty back: a code, not a purchase
DATE_PER_LINE_DOWN = 0.004  # the sale's date is printed near the top; a footer's dates are others
DATE_LINE_DOWN_MOST = 0.2
DATE_RIVAL = 0.3  # another date with more than this score makes an unlabelled choice doubtful
DATE_AGREEING = 0.05  # each other labelled line printing the same date, up to DATE_AGREEING_MOST
DATE_AGREEING_MOST = 0.1
DATE_CLOSE_RIVAL = 0.1  # two labelled dates this close in score: the label does not settle it
DATE_LEAST, DATE_MOST = 0.3, 0.95


@dataclass
class _DateChoice:
    value: date
    score: float
    labelled: bool
    line: int
    timed: bool = False  # the time of sale printed beside it

    @property
    def rank(self) -> float:
        return self.score + (TIME_OF_SALE_RANK - TIME_OF_SALE_CONFIDENCE if self.timed else 0.0)


def _label_of(text_before: str) -> str:
    """The last few words before a value, up to a separator that starts another field ("|", "·")."""
    segment = re.split(r"[|·•]|\s{3,}", text_before)[-1]
    return " ".join(segment.split()[-_LABEL_WORDS:])


def _evidence(words: str) -> int:
    """+1 for purchase words, -1 for other-date words, 0 for neither."""
    if not words:
        return 0
    if _SERVICE_DATE.search(words):
        return 1
    if OTHER_DATE_WORDS.search(words):
        return -1
    return 1 if PURCHASE_WORDS.search(words) else 0


def find_purchase_date(layout: list[Line], date_order: str, ocr: bool) -> tuple[date | None, float]:
    this_year = date.today().year
    choices: list[_DateChoice] = []
    for line in layout:
        text = line.text
        if sum(ch in "-=_~*" for ch in text) > 0.3 * len(text):
            continue  # a rule of dashes ("2-22-22 --2---") is no date
        repaired = False
        if ocr:
            fixed = repair_day_month(repair_month_names(repair_years(text, this_year - 30, this_year + 1)), date_order)
            repaired, text = fixed != text, fixed
        for match in find_dates(text, date_order):
            x0, x1 = line.span_box(match.start, match.end)
            candidate = Candidate("date", match.value, line.index, match.start, match.end, x0, x1)
            label = _label_of(text[: match.start])
            left = -1 if re.search(r"\b(to|until|thru)\s*$", label, _I) else _evidence(label)  # a period's end
            header = header_above(layout, candidate)
            if not line.measured and (len(header.split()) > 6 or re.search(r"\d", header)):
                header = ""  # columns made from characters: only a short header line is trusted
            above = _evidence(header)
            score = DATE_PRIOR
            labelled = False
            if left < 0 or (above < 0 and left <= 0):
                score -= DATE_OTHER_LABEL
            elif left > 0 or above > 0:
                score += DATE_LABELLED
                labelled = True
            timed = bool(_TIME.search(text[match.end : match.end + 16]))
            if timed:
                score += TIME_OF_SALE_CONFIDENCE
            if match.ambiguous:
                score -= DATE_AMBIGUOUS
            if repaired:
                score -= DATE_REPAIRED
            if match.value.year > this_year + 1 or match.value.year < this_year - 40:
                score -= DATE_IMPLAUSIBLE_YEAR
            score -= min(DATE_LINE_DOWN_MOST, line.index * DATE_PER_LINE_DOWN)
            choices.append(_DateChoice(match.value, score, labelled, line.index, timed))
    if not choices:
        return None, 0.0
    best = max(choices, key=lambda c: (c.rank, -c.line))
    agreeing = sum(1 for c in choices if c.value == best.value and c.labelled and c is not best)
    rivals = [c for c in choices if c.value != best.value and c.score > DATE_RIVAL]
    confidence = best.score + min(DATE_AGREEING_MOST, DATE_AGREEING * agreeing)
    if best.labelled:
        if any(c.labelled and c.score >= best.score - DATE_CLOSE_RIVAL for c in rivals):
            confidence = min(confidence, DOUBTFUL)  # two labelled purchase dates that differ
    elif rivals:
        confidence = min(confidence, DOUBTFUL)  # no label and another plausible date
    return best.value, round(max(DATE_LEAST, min(DATE_MOST, confidence)), 2)


# words just before four digits that make them something other than a card's
_NOT_CARD = re.compile(
    r"\b(auth|approval|appr|trn|trans|txn|ref|invoice|inv|order|phone|tel|store|str|reg|member|no|po|box|suite|ste|"
    r"unit|rx|npi|license|lic|id|zip|tr|te|op|st)\b\W*$",
    _I,
)
_CARD_WORDS = re.compile(
    r"\b(mc|"
    + CARD_BRANDS
    + r"|debit|credit|card|acct|account|ending|last\s*(4|four)|paid|payment|tend(er(ed)?)?|chip|tap|swipe|"
    r"contactless|on\s+file)\b",
    _I,
)


# How sure four digits are the card's: masked digits ("****1234") are printed for nothing else; digits
# after a brand or "ending in" nearly so; a card word on the line adds to either.
CARD_MASKED, CARD_LABELLED, CARD_OTHER = 0.85, 0.8, 0.7
CARD_WORDS_ON_LINE = 0.1
CARD_AGREEING = 0.03  # each other place printing the same digits, up to two
CARD_MOST = 0.97


def find_card_last4(layout: list[Line]) -> tuple[str | None, float]:
    """The card's last four digits: masked digits, or digits right after a card brand or "ending in"."""
    scored: list[tuple[float, int, str]] = []
    for candidate in card_candidates(layout):
        digits, how = candidate.value, candidate.mark
        line = layout[candidate.line].text
        before = line[max(0, candidate.start - 24) : candidate.start]
        if _NOT_CARD.search(before.rstrip(" *xX#•·.-:")) and not _CARD_WORDS.search(before):
            continue
        score = {"masked": CARD_MASKED, "labelled": CARD_LABELLED}.get(how, CARD_OTHER)
        if _CARD_WORDS.search(line):
            score += CARD_WORDS_ON_LINE
        scored.append((score, candidate.line, digits))
    if not scored:
        return None, 0.0
    best = max(scored, key=lambda s: (s[0], -s[1]))
    others = {d for _, _, d in scored if d != best[2]}
    agree = sum(1 for _, _, d in scored if d == best[2]) - 1
    confidence = best[0] + CARD_AGREEING * min(agree, 2)
    if others:
        confidence = min(confidence, DOUBTFUL)  # two different last fours: ask
    return best[2], round(min(CARD_MOST, confidence), 2)
