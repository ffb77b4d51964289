"""Money amounts as printed on receipts and letters, read to ``Decimal`` with two places."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# An amount with exactly two decimals: "$1,234.56", "1234.56", "(12.00)", "12.00-", "RM 8.50".
# OCR often reads the decimal point as a comma ("12,99") or drops it next to a space ("12 .99").
_AMOUNT = re.compile(
    r"""
    (?<![\w.,/:-])                         # not glued to a word, date or longer number
    (?P<open>\()?
    (?:(?P<neg>-)(?=\S))?                  # a minus only when glued on ("TOTAL - 80.08" is not negative)
    (?P<cur>\$|US\$|USD|RM|S\$|€|£)?\s?
    (?P<int>\d{1,3}(?:,\d{3})+|\d+)
    \s?[.,]\s?(?P<dec>\d{2})
    (?P<close>\))?
    (?P<trail>-)?
    (?![\d%]|[.,]\d|/\d)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class AmountMatch:
    value: Decimal
    start: int
    end: int
    has_currency: bool


def to_money(value: Decimal | int | float | str) -> Decimal:
    """Round to cents."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str | None) -> Decimal | None:
    """The single amount in ``text`` ("$1,234.50", "12.00-", "RM 8.50"), else None."""
    if not text:
        return None
    stripped = text.strip()
    if re.fullmatch(r"[-$]?\s?\d+", stripped):  # a whole number such as "42" or "$42"
        try:
            return to_money(stripped.replace("$", "").replace(" ", ""))
        except InvalidOperation:
            return None
    found = find_amounts(stripped)
    if len(found) != 1:
        return None
    return found[0].value


def find_amounts(line: str) -> list[AmountMatch]:
    """Every money-looking amount in one line, left to right."""
    found: list[AmountMatch] = []
    for match in _AMOUNT.finditer(line):
        digits = match.group("int").replace(",", "")
        try:
            value = Decimal(f"{digits}.{match.group('dec')}")
        except InvalidOperation:
            continue
        negative = bool(match.group("neg") or match.group("trail") or (match.group("open") and match.group("close")))
        if negative:
            value = -value
        found.append(AmountMatch(to_money(value), match.start(), match.end(), bool(match.group("cur"))))
    return found


def looks_misread(read: Decimal, actual: Decimal) -> bool:
    """Whether OCR could have turned ``actual`` into ``read``: one digit misread ("48.00" for
    "18.00"), or the leading digits lost or mixed with debris ("0.10" or "740.45" for "30.10",
    "10.45") while the units and cents agree."""
    read_text, actual_text = f"{abs(read):.2f}", f"{abs(actual):.2f}"
    if read_text == actual_text:
        return False
    if len(read_text) == len(actual_text):
        return sum(a != b for a, b in zip(read_text, actual_text)) == 1
    return read_text[-4:] == actual_text[-4:]


def round_to_nickel(value: Decimal) -> Decimal:
    """The nearest multiple of 0.05: a cash total where the smallest coin is five cents."""
    return (value / Decimal("0.05")).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * Decimal("0.05")


def last_amount(line: str) -> Decimal | None:
    """The right-most amount of a line (the amount column of a receipt), else None."""
    found = find_amounts(line)
    return found[-1].value if found else None
