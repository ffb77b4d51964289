"""Typed candidates found anywhere on a document's pages, with where they stand.

Reading by evidence (after Majumder et al., ACL 2020): first every value that could fill a
field (every date, amount, card's last digits, web domain, phone), then the evidence around
each one (the words left of it, the column header above it, its print size, its place on the
page) decides which one fills the field. Receipts and letters share these finders.

Geometry comes from the page's words (pdfplumber's for a text layer, tesseract's boxes for
OCR). A page without words still gets lines, from its text: each line its own row and a
character its own column, so "left of" and "above" keep their meaning on plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Any

from hsawallet.ingest.dates import find_dates
from hsawallet.ingest.model import PageText, Word
from hsawallet.ingest.money import find_amounts
from hsawallet.ingest.payment_words import CARD_BRANDS

_I = re.IGNORECASE


@dataclass(frozen=True)
class Line:
    """One printed line of a page, with its words' boxes (real, or made from the text)."""

    page: int
    index: int  # position in the document, over all pages
    text: str
    words: tuple[Word, ...]
    page_height: float  # 0 when unknown
    measured: bool  # True when the boxes come from the page, False when made from the text

    @property
    def top(self) -> float:
        return min(w.top for w in self.words) if self.words else 0.0

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words) if self.words else 0.0

    @property
    def size(self) -> float:
        """Print size: the median word height (0 when the boxes are made from text)."""
        if not self.measured or not self.words:
            return 0.0
        return float(median(w.height for w in self.words))

    def span_box(self, start: int, end: int) -> tuple[float, float]:
        """Horizontal extent (x0, x1) of the characters ``start:end`` of ``text``."""
        boxes = [w for w, (ws, we) in zip(self.words, _word_spans(self.text)) if we > start and ws < end]
        if not boxes:
            return (float(start), float(end))
        return (min(w.x0 for w in boxes), max(w.x1 for w in boxes))


@dataclass(frozen=True)
class Candidate:
    """A value that could fill a field, where it was found."""

    kind: str  # "date" | "money" | "card" | "domain" | "phone"
    value: Any  # date for "date", Decimal for "money", str for the others
    line: int  # index into the document's lines
    start: int  # character span in the line's text
    end: int
    x0: float
    x1: float
    ambiguous: bool = False  # a numeric date read through the date order
    has_currency: bool = False
    mark: str = (
        ""  # how card digits were marked: "masked", "labelled" (a brand or "ending in"), "brand" (a brand's line)
    )


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _synthetic_words(raw: str, row: int) -> tuple[Word, ...]:
    """Boxes from character positions of the raw line (its runs of spaces keep columns apart)."""
    text = raw.expandtabs(4)
    return tuple(Word(text[s:e], float(s), float(row), float(e), float(row) + 1.0) for s, e in _word_spans(text))


def _match_words(tokens: list[str], words: tuple[Word, ...], start: int) -> tuple[list[Word] | None, int]:
    """The page words that spell ``tokens`` in order from ``start`` (a few skipped words allowed)."""
    for skip in range(0, 4):
        at = start + skip
        if at + len(tokens) > len(words):
            break
        run = words[at : at + len(tokens)]
        if all(w.text == t for w, t in zip(run, tokens)):
            return list(run), at + len(tokens)
    return None, start


def document_lines(pages: list[PageText]) -> list[Line]:
    """The lines of every page in reading order, each with its words' boxes.

    The page's text gives the lines; its words (when the reader gave them) give the boxes.
    A line whose words cannot be matched gets boxes made from its characters."""
    lines: list[Line] = []
    for page in pages:
        words = page.words
        cursor = 0
        row = 0
        for raw in page.text.splitlines():
            text = " ".join(raw.split())
            if not text:
                continue
            tokens = text.split()
            matched, cursor_after = _match_words(tokens, words, cursor) if words else (None, cursor)
            if matched is not None:
                cursor = cursor_after
                lines.append(Line(page.index, len(lines), text, tuple(matched), page.height, True))
            else:
                lines.append(Line(page.index, len(lines), text, _synthetic_words(raw, row), 0.0, False))
            row += 1
    return lines


def make_lines(texts: list[str], page: int = 0) -> list[Line]:
    """Lines from plain text alone (boxes made from the characters)."""
    kept = [t for t in texts if t.strip()]
    return [Line(page, i, " ".join(t.split()), _synthetic_words(t, i), 0.0, False) for i, t in enumerate(kept)]


def _candidate(kind: str, value: Any, line: Line, start: int, end: int, **extra: Any) -> Candidate:
    x0, x1 = line.span_box(start, end)
    return Candidate(kind, value, line.index, start, end, x0, x1, **extra)


def date_candidates(lines: list[Line], date_order: str = "mdy") -> list[Candidate]:
    return [
        _candidate("date", m.value, line, m.start, m.end, ambiguous=m.ambiguous)
        for line in lines
        for m in find_dates(line.text, date_order)
    ]


def money_candidates(lines: list[Line]) -> list[Candidate]:
    return [
        _candidate("money", m.value, line, m.start, m.end, has_currency=m.has_currency)
        for line in lines
        for m in find_amounts(line.text)
    ]


CARD_BRAND = re.compile(
    r"\b(mc|" + CARD_BRANDS + r"|debit|credit|card|acct|account)\b",
    _I,
)
# four digits after a mask ("****1234", "XXXX 1234", "...1234", "•• 1234") or after a brand or
# "ending in" / "last 4" with at most a dash or colon between ("VISA 1234", "DISCOVER – 1234")
_MASKED_DIGITS = re.compile(
    r"(?:[*xX#•·.]{2,}[\s*xX#•·.-]*)(\d{4}|(?=[\dOQDGIlSBZ]{4}\b)[\dOQDGIlSBZ]*\d[\dOQDGIlSBZ]*)(?![\d.,]\d)"
)
# letters a reading makes of digits ("****Q141" for "****0141")
_DIGIT_LOOKALIKES = str.maketrans("OQDGIlSBZ", "000011582")
_BRANDS = r"mc|" + CARD_BRANDS
# digits right after a brand or an "ending in" / "last 4" / "card no." label ("VISA 1234", "DISCOVER – 1234");
# a bare "card" or "account" needs a mask or a number label ("Gift card 1234" is not a card's digits)
_LABELLED_DIGITS = re.compile(
    r"(?:\bending(?:\s+(?:in|with))?\b|\blast\s*(?:4|four)(?:\s+digits)?\b|"
    r"\b(?:card|acct|account)\s*(?:no\.?|number|#)|\b(?:" + _BRANDS + r")\b)"
    r"\s*[:#\-–—]?\s*(?:[*xX#•·.]+\s*)?(\d{4})(?![\d]|[.,]\d)",
    _I,
)
# a brand, masked digits that the reading turned into letters or symbols ("VISA KKK 6150 76.26"), the last four
_BRAND_LINE_DIGITS = re.compile(
    r"\b(?:" + CARD_BRANDS + r"|debit)\b[^\n]{2,40}?"
    r"(?<![\d.,])(\d{4})(?![\d.,])(?:\s+[$]?\d+[.,]\d{2})?\W*$",
    _I,
)


def card_candidates(lines: list[Line]) -> list[Candidate]:
    """The last four digits of a payment card, with how they were marked ("masked", "labelled")."""
    found: list[Candidate] = []
    for line in lines:
        seen: set[int] = set()
        for pattern, how in ((_MASKED_DIGITS, "masked"), (_LABELLED_DIGITS, "labelled"), (_BRAND_LINE_DIGITS, "brand")):
            for m in pattern.finditer(line.text):
                group = m.lastindex or 1
                if m.start(group) in seen:
                    continue
                seen.add(m.start(group))
                digits = m.group(group)
                mark = how if digits.isdigit() else "misread"
                found.append(
                    _candidate(
                        "card", digits.translate(_DIGIT_LOOKALIKES), line, m.start(group), m.end(group), mark=mark
                    )
                )
    return found


_DOMAIN = re.compile(
    r"(?<![@\w.-])(?:https?://)?(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|net|org|example|co|us|shop|store|health|care|io|biz|info|my|uk|ca|au))(?![\w.-]*@)(?=[/\s,;)|]|$)",
    _I,
)


def domain_candidates(lines: list[Line]) -> list[Candidate]:
    """Web domains ("www.shop.example/orders" -> "shop.example"); e-mail addresses are not domains here."""
    return [
        _candidate("domain", m.group(1).lower(), line, m.start(1), m.end(1))
        for line in lines
        for m in _DOMAIN.finditer(line.text)
    ]


_PHONE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?!\d)")


def phone_candidates(lines: list[Line]) -> list[Candidate]:
    return [
        _candidate("phone", m.group(0), line, m.start(), m.end()) for line in lines for m in _PHONE.finditer(line.text)
    ]


def left_text(lines: list[Line], candidate: Candidate) -> str:
    """The words before the candidate on its line: where its label usually stands."""
    return lines[candidate.line].text[: candidate.start].strip()


def header_above(lines: list[Line], candidate: Candidate, reach: int = 6) -> str:
    """The words of the nearest line above, on the same page, that stand over the candidate's
    column and carry no value of its kind: a column header ("AMOUNT PAID" over "$48.03")."""
    found = header_line_above(lines, candidate, reach)
    return found[1] if found else ""


def header_line_above(lines: list[Line], candidate: Candidate, reach: int = 6) -> tuple[Line, str] | None:
    """(the header line, its words over the candidate's column), as ``header_above``; None when
    there is no header (nothing above, or a value of the same kind right above: a column's rows)."""
    own = lines[candidate.line]
    for line in reversed(lines[max(0, candidate.line - reach) : candidate.line]):
        if line.page != own.page:
            break
        over = [w for w in line.words if w.x1 > candidate.x0 - 2 and w.x0 < candidate.x1 + 2]
        if not over:
            continue
        text = " ".join(w.text for w in over)
        if candidate.kind == "money" and find_amounts(text):
            return None  # an amount above: the candidate is a row of a column, not under its header
        if candidate.kind == "date" and find_dates(text):
            return None
        return line, _column_phrase(line, over)
    return None


def _column_phrase(line: Line, over: list[Word]) -> str:
    """The header words over a column, widened to the neighbouring words that belong to the same
    header ("AMOUNT PAID" when only "PAID" stands over the value)."""
    if not line.measured:
        return " ".join(w.text for w in over)
    words = list(line.words)
    first, last = words.index(over[0]), words.index(over[-1])
    gap = max(2.0, 0.6 * max(w.height for w in over))
    while first > 0 and over[0].x0 - words[first - 1].x1 < gap and words[first - 1].x1 <= over[0].x0:
        first -= 1
        over = [words[first]] + over
    while last + 1 < len(words) and words[last + 1].x0 - over[-1].x1 < gap:
        last += 1
        over = over + [words[last]]
    return " ".join(w.text for w in over)


def body_size(lines: list[Line]) -> float:
    """The usual print size of the document (0 when no line has measured boxes)."""
    sizes = [line.size for line in lines if line.size > 0]
    return float(median(sizes)) if sizes else 0.0
