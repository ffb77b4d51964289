"""Dates in the many forms printed on receipts and letters.

``date_order`` ("mdy", "dmy" or "ymd") says how to read an all-numeric date whose order
is ambiguous (03/04/2026); forms that are not ambiguous (2026-03-04, 4 March 2026,
March 4, 2026, 20260304) read the same under every order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

DATE_ORDERS = ("mdy", "dmy", "ymd")

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
    # Malay month abbreviations seen on day-first receipts
    "mac": 3,
    "mei": 5,
    "ogos": 8,
    "okt": 10,
    "dis": 12,
}
_MONTH_NAME = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<a>\d{1,4})\s?(?P<sep>[/.\-])\s?(?P<b>\d{1,2})\s?(?P=sep)\s?(?P<c>\d{2,4})(?![\d/]|\.\d)"
)
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")
_DAY_MONTH_YEAR = re.compile(
    # "3 March 2026", "3rd of March, 2026", an attestation's "this 3rd day of March, 2026"
    r"(?<![\w])(?P<d>\d{1,2})(?:(?:st|nd|rd|th)(?:\s+day)?\s+of\s+|(?:st|nd|rd|th)?[\s\-/.]*)"
    + _MONTH_NAME
    + r"[\s\-/.,]*(?P<y>\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    r"(?<![\w])" + _MONTH_NAME + r"[\s\-/.]*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)[\s,.\-/]*(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
_YEAR_MONTH_DAY = re.compile(
    r"(?<!\d)(?P<y>\d{4})[\s\-/.]+" + _MONTH_NAME + r"[\s\-/.]+(?P<d>\d{1,2})(?!\d)", re.IGNORECASE
)

MIN_YEAR = 1900
MAX_YEAR = 2100


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int
    ambiguous: bool  # numeric with day and month both <= 12, read through date_order


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric(a: str, b: str, c: str, date_order: str) -> tuple[date | None, bool]:
    if len(a) == 4:  # 2026-03-04 / 2026/03/04: year first is never ambiguous
        return _make(int(a), int(b), int(c)), False
    if len(a) == 3 or len(c) == 3:
        return None, False
    first, second, year = int(a), int(b), _year(c)
    if date_order == "ymd" and len(c) == 2 and len(a) == 2:
        # "26/03/04" read as year/month/day
        as_ymd = _make(_year(a), second, int(c))
        if as_ymd:
            return as_ymd, True
    day_first = date_order == "dmy"
    if first > 12 and second <= 12:
        day_first = True
    elif second > 12 and first <= 12:
        day_first = False
    ambiguous = first <= 12 and second <= 12 and first != second
    if day_first:
        return _make(year, second, first), ambiguous
    return _make(year, first, second), ambiguous


# digits OCR often reads in place of another in a printed date ("2078" for "2018", "69/02" for "09/02")
_DIGIT_CONFUSIONS = {"7": "1", "4": "1", "6": "0", "5": "0", "8": "0", "9": "0", "3": "2"}
_YEAR_IN_DATE = re.compile(r"(?<![\d])(2\d{3})(?!\d)")


def repair_years(text: str, earliest: int, latest: int) -> str:
    """Replace 4-digit years outside earliest..latest by the nearest OCR-confusable year inside it."""

    def repair(match: re.Match[str]) -> str:
        year = match.group(1)
        if earliest <= int(year) <= latest:
            return year
        for position in (2, 1, 3):
            fixed = _DIGIT_CONFUSIONS.get(year[position])
            if fixed is not None:
                candidate = year[:position] + fixed + year[position + 1 :]
                if earliest <= int(candidate) <= latest:
                    return candidate
        return year

    return _YEAR_IN_DATE.sub(repair, text)


_BAD_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})(?![\d/]|\.\d)"
)


def repair_day_month(text: str, date_order: str = "mdy") -> str:
    """Mend a numeric date whose day or month cannot be ("69/02/2018", "61/09/26") when changing one
    OCR-confusable leading digit gives the only valid date ("09/02/2018")."""

    def repair(match: re.Match[str]) -> str:
        a, b, c = match["a"], match["b"], match["c"]
        if _numeric(a, b, c, date_order)[0] is not None:
            return match.group(0)
        repairs = set()
        for field in ("a", "b"):
            digits = match[field]
            fixed = _DIGIT_CONFUSIONS.get(digits[0]) if len(digits) == 2 else None
            if fixed is None:
                continue
            fields = {"a": a, "b": b, field: fixed + digits[1:]}
            if _numeric(fields["a"], fields["b"], c, date_order)[0] is not None:
                repairs.add(f"{fields['a']}{match['sep']}{fields['b']}{match['sep']}{c}")
        return repairs.pop() if len(repairs) == 1 else match.group(0)

    return _BAD_NUMERIC.sub(repair, text)


# letters OCR confuses in a printed month name ("Mat" for "Mar", "0ct" for "Oct")
_LETTER_CONFUSIONS = {
    "t": "rf",
    "r": "t",
    "0": "o",
    "o": "0ad",
    "1": "li",
    "l": "1i",
    "i": "l",
    "c": "eo",
    "e": "c",
    "n": "um",
    "u": "nv",
    "v": "uy",
    "5": "s",
    "s": "5",
    "8": "b",
    "b": "8h",
    "h": "bn",
    "q": "g",
    "g": "q",
}
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MISREAD_MONTH = re.compile(
    r"(?<!\w)(?P<d>\d{1,2})(?P<before>[\s\-/.]+)(?P<mon>[A-Za-z0-9]{3})(?P<after>\.?[\s\-/.,]+)(?P<y>\d{4}|\d{2})(?!\d)"
)


def repair_month_names(text: str) -> str:
    """Mend a month name OCR misread in a day-month-year date ("27 Mat 2018" -> "27 Mar 2018")
    when one confusable letter gives exactly one month."""

    def repair(match: re.Match[str]) -> str:
        token = match["mon"].lower()
        if token in MONTHS or token.isdigit():
            return match.group(0)
        months = {
            token[:i] + other + token[i + 1 :]
            for i, char in enumerate(token)
            for other in _LETTER_CONFUSIONS.get(char, "")
        } & set(_MONTH_ABBREVIATIONS)
        if len(months) != 1:
            return match.group(0)
        return f"{match['d']}{match['before']}{months.pop().title()}{match['after']}{match['y']}"

    return _MISREAD_MONTH.sub(repair, text)


def find_dates(text: str, date_order: str = "mdy") -> list[DateMatch]:
    """Every date in ``text``, in reading order; overlapping forms are read once."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}")
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def add(value: date | None, start: int, end: int, ambiguous: bool = False) -> None:
        if value is None or any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMatch(value, start, end, ambiguous))

    for m in _MONTH_DAY_YEAR.finditer(text):
        add(_make(_year(m["y"]), MONTHS[m["mon"].lower()], int(m["d"])), m.start(), m.end())
    for m in _DAY_MONTH_YEAR.finditer(text):
        add(_make(_year(m["y"]), MONTHS[m["mon"].lower()], int(m["d"])), m.start(), m.end())
    for m in _YEAR_MONTH_DAY.finditer(text):
        add(_make(int(m["y"]), MONTHS[m["mon"].lower()], int(m["d"])), m.start(), m.end())
    for m in _NUMERIC.finditer(text):
        value, ambiguous = _numeric(m["a"], m["b"], m["c"], date_order)
        add(value, m.start(), m.end(), ambiguous)
    for m in _COMPACT.finditer(text):
        add(_make(int(m["y"]), int(m["m"]), int(m["d"])), m.start(), m.end())
    found.sort(key=lambda match: match.start)
    return found


def parse_date(text: str | None, date_order: str = "mdy") -> date | None:
    """The first date in ``text``, else None."""
    if not text:
        return None
    found = find_dates(text, date_order)
    return found[0].value if found else None


def add_months(start: date, months: int) -> date:
    return start + relativedelta(months=months)


def default_valid_through(issued: date, months: int = 12) -> date:
    """Inclusive end of a letter valid ``months`` from its issue date (2026-03-12 -> 2027-03-11)."""
    return add_months(issued, months) - relativedelta(days=1)
