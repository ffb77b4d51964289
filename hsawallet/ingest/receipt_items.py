"""A receipt's line items, read as a table.

A row is a line with a description and an amount that is not a summary, payment or
recommendation line. A header row ("Description ... Qty ... Charge ... Paid") names the
table's columns in whatever order; an item's amount is taken from the column that says what
was paid for it, else the extended amount (the right-most), never a balance or an adjustment.
A leading date (a date-of-service column) and a code column (CPT, SKU, UPC) are not part of
the description. Rows are taken before the summary; rows printed after it (an order page
with its summary box on top) are taken when they, not the rows above, add up to the subtotal.
The category comes from the description alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from hsawallet.ingest.categories import Categories
from hsawallet.ingest.dates import find_dates
from hsawallet.ingest.model import ItemFields
from hsawallet.ingest.money import AmountMatch, find_amounts
from hsawallet.ingest.payment_words import CARD_BRANDS

_I = re.IGNORECASE

PAYMENT = re.compile(
    r"\b(" + CARD_BRANDS + r"|debit|credit|cash|tender(ed)?|change|"
    r"paid\s+by|payment|card\s*(#|no\b|number|ending|type)|auth|approval|rounding|round\s+adj|account|acct|"
    r"balance(?=\s*(due|forward|paid|remaining|owing|:|\$|-?\d))|"
    r"eligible|qualified|you\s+saved|savings)\b|[*xX#]{4}",
    _I,
)
SKIP_ITEM = re.compile(
    r"\b(subtotal|sub\s+total|total|tax|gst|vat|shipping|handling|delivery\s+fee|postage)\b|\bon\s+\$?\d+[.,]\d{2}\b|%"
    r"|\bitems?\s*(\(s\))?\s*:",  # "Shipment item(s): $350.99" sums the rows above
    _I,
)
# a summary line: where the rows end ("Charges", "Adjustments", "Net charges", "Amount paid")
SUMMARY_LABEL = re.compile(
    r"^\W*(sub\s*-?\s*total|total|net\s+(charges|amount|total|sales)|charges|adjustments?|discounts?|"
    r"balance(?=\s*(due|forward|paid|remaining|owing|:|\$|\d))|"
    r"amount\s+(paid|due|charged|drafted)|paid\s+today|tax|sales\s+tax|shipping|postage)\b",
    _I,
)
DISTRACTOR = re.compile(
    r"also\s+(viewed|bought|like)|you\s+may\s+(also\s+)?like|recommended\s+for\s+you|related\s+products|"
    r"customers\s+who|frequently\s+bought|inspired\s+by|similar\s+items|\bsponsored\b|customers\s+also",
    _I,
)
QTY_LINE = re.compile(r"^\W*\d+\s*[/xX]?\s*@|^\W*\d+\s*(x|pcs?|ea)\s*@?\s*\$?\d", _I)
# a row that only details the row above: "Qty 2 · $8.49 each", "3 AT 14.97 EA"
_DETAIL_LINE = re.compile(r"^\W*(qty|quantity)\b\s*:?\s*\d|^\W*\d+\s*(at|@)\s*\$?\d+[.,]\d{2}\s*(ea|each)?\b", _I)
_LEADING_DATE = re.compile(r"^\W*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\s+|^\W*\d{1,2}-[A-Za-z]{3}-\d{2,4}\s+")
_CODE_HEADER = re.compile(r"\b(code|cpt|hcpcs|sku|upc|item\s*#|ref|plu)\b", _I)
_LONG_CODE = re.compile(r"\s\d{8,14}\b")  # a bar code number printed beside the description
_FLAG_END = re.compile(r"(\s+[A-Z]{1,3})+$")  # tax and eligibility flags after a till's description: "H", "T", "HSA"

# header words of an amount column, and how much each says "the amount paid for this row"
_MONEY_HEADERS = [
    (re.compile(r"\b(pt|patient|you|amount|amt)\.?\s+paid\b|\bpaid\b|\byour\s+(cost|price)\b", _I), 3),
    (re.compile(r"\b(amount|amt|total|ext(ended)?|line\s+total|net)\b", _I), 2),
    (re.compile(r"\b(charges?|charged|billed|fee|price|cost|rate|each|unit\s+price|list)\b", _I), 1),
    (re.compile(r"\b(balance|adj(ustment)?s?\.?|discount|insurance|plan|allowed|copay\s+due|due)\b", _I), -1),
]
_HEADER_WORDS = re.compile(
    r"\b(description|item|items|product|service|services|code|cpt|hcpcs|qty|quantity|units?|price|fee|charges?|"
    r"amount|paid|billed|balance|adj\.?|total|dos|date|posted|ref)\b",
    _I,
)


@dataclass
class _Table:
    money_columns: list[int]  # one weight per amount column, left to right
    code_column: bool


def _header(text: str) -> _Table | None:
    """The columns of a header row, or None when the line is not one."""
    if find_amounts(text) or len(_HEADER_WORDS.findall(text)) < 2:
        return None
    columns = sorted((m.start(), m.end(), weight) for pattern, weight in _MONEY_HEADERS for m in pattern.finditer(text))
    # "Pt paid" also matches "paid": overlapping matches are one column, with the most telling weight
    merged: list[tuple[int, int, int]] = []
    for start, end, weight in columns:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), max(weight, merged[-1][2]))
        else:
            merged.append((start, end, weight))
    return _Table([w for _, _, w in merged], bool(_CODE_HEADER.search(text)))


def _row_amount(amounts: list[AmountMatch], table: _Table | None) -> Decimal:
    """The amount paid for a row: from the column whose header says so, else the right-most."""
    if table and len(table.money_columns) == len(amounts) > 1:
        best = max(range(len(amounts)), key=lambda i: (table.money_columns[i], i))
        if table.money_columns[best] > 0:
            return amounts[best].value
    # a zero at the row's end beside a positive amount is a balance column, not the price
    if len(amounts) > 1 and amounts[-1].value == 0:
        positive = [a for a in amounts if a.value > 0]
        if positive:
            return positive[-1].value
    return amounts[-1].value


def item_description(text: str, first_amount: AmountMatch, code_column: bool) -> str:
    description = text[: first_amount.start].strip()
    description = _LEADING_DATE.sub("", description)
    description = re.sub(r"[\s$]+$", "", description)
    description = _LONG_CODE.sub(" ", description)
    # a trailing quantity column ("... 60 min 1 $95.00"), a quantity mark ("x 2") and flags
    description = re.sub(r"\s+\d{1,3}\s*$", "", description)
    description = re.sub(r"\s+[x×@]\s*\d{0,3}\s*$", "", description, flags=_I)
    if code_column:
        parts = description.split(" ", 1)
        if len(parts) == 2 and re.fullmatch(r"[A-Z0-9]{1,8}", parts[0]) and re.search(r"[a-z]", parts[1]):
            description = parts[1]
        description = (
            re.sub(r"\s+[A-Z][A-Z0-9\-]{1,7}$", "", description) if re.search(r"[a-z]", description) else description
        )
    if description.isupper():
        description = _FLAG_END.sub(lambda m: m.group(0) if len(description.split()) <= 2 else "", description)
    return " ".join(description.split()).strip(" .:;,-_'‘’\"|~")


def _quantity_times_price(text: str) -> Decimal | None:
    match = re.search(r"(\d+)\s*[/xX]?\s*@\s*\$?(\d+[.,]\d{2})", text)
    if not match:
        return None
    return (int(match.group(1)) * Decimal(match.group(2).replace(",", "."))).quantize(Decimal("0.01"))


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


# a CPT procedure code (five digits) billed in a code column: the row is a service, not goods
_PROCEDURE_CODE = re.compile(r"^\W*(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\s+)?\d{5}\s+[A-Za-z]")


def _item(description: str, amount: Decimal, categories: Categories, base: float, service: bool = False) -> ItemFields:
    category, category_confidence = categories.categorize(description)
    if service and category in ("otc_eligible", categories.default) and categories.get("medical_service"):
        category = "medical_service"  # "Rapid strep test" billed as a procedure is the test done, not a kit sold
    return ItemFields(
        description=description,
        amount=amount,
        category=category,
        needs_lmn=categories.needs_lmn(category),
        confidence=round(base + 0.4 * category_confidence, 2),
    )


def _rows(texts: list[str], start: int, stop: int, categories: Categories) -> list[tuple[ItemFields, int]]:
    items: list[tuple[ItemFields, int]] = []
    table: _Table | None = None
    in_distractor = False
    for index in range(start, stop):
        text = texts[index]
        header = _header(text)
        if header is not None:
            table = header
            continue
        if DISTRACTOR.search(text):
            in_distractor = True
        if in_distractor:
            if SUMMARY_LABEL.search(text) or re.match(r"^\W*(https?://|page\s+\d)", text, _I):
                in_distractor = False  # a recommendation block ends at the summary or the page's foot
            continue
        amounts = find_amounts(text)
        if not amounts:
            continue
        if QTY_LINE.search(text):
            # "DARK CHOC BAR" / "2 @ 2.49 4.98": the quantity line carries the amount
            previous = texts[index - 1] if index > 0 else ""
            if (
                index > start
                and not find_amounts(previous)
                and _letters(previous) >= 3
                and not SKIP_ITEM.search(previous)
            ):
                amount = amounts[-1].value if len(amounts) > 1 else _quantity_times_price(text)
                if amount is not None:
                    placeholder = previous + " 0.00"
                    description = item_description(
                        placeholder, find_amounts(placeholder)[-1], bool(table and table.code_column)
                    )
                    items.append((_item(description, amount, categories, 0.45), index))
            continue
        if _DETAIL_LINE.search(text) or SKIP_ITEM.search(text) or PAYMENT.search(text) or SUMMARY_LABEL.search(text):
            continue
        body = _LEADING_DATE.sub("", text)
        if find_dates(body):
            continue
        first = find_amounts(body)[0]
        description = item_description(body, first, bool(table and table.code_column))
        if _letters(description) < 3:
            continue
        service = bool(table and table.code_column and _PROCEDURE_CODE.match(text))
        items.append((_item(description, _row_amount(find_amounts(body), table), categories, 0.5, service), index))
    return items


def find_items(
    texts: list[str], first_summary: int, last_summary: int, subtotal: Decimal | None, categories: Categories
) -> list[ItemFields]:
    """The line items of a receipt whose lines are ``texts``; the summary spans first..last_summary."""
    before = _rows(texts, 0, first_summary, categories)
    if subtotal is not None and before and _sum(before) < subtotal:
        before = _recover_misread_row(texts, first_summary, before, subtotal - _sum(before), categories)
    if subtotal is not None and last_summary + 1 < len(texts):
        after = _rows(texts, last_summary + 1, len(texts), categories)
        if after and _sum(before) != subtotal:
            if _sum(after) == subtotal:
                return [item for item, _ in after]
            if _sum(before) + _sum(after) == subtotal:
                return [item for item, _ in before + after]
    return [item for item, _ in before]


def _recover_misread_row(
    texts: list[str], stop: int, rows: list[tuple[ItemFields, int]], missing: Decimal, categories: Categories
) -> list[tuple[ItemFields, int]]:
    """The rows fall short of the subtotal by ``missing``, and one row above the summary whose amount
    the reading garbled ("3.291;") still shows those digits: that row is the missing item."""
    used = {index for _, index in rows}
    digits = f"{missing:.2f}"
    found = [
        index
        for index in range(stop)
        if index not in used
        and not find_amounts(texts[index])
        and not SKIP_ITEM.search(texts[index])
        and not PAYMENT.search(texts[index])
        and re.search(rf"(?<![\d.]){re.escape(digits)}", texts[index])
    ]
    if len(found) != 1:
        return rows
    index = found[0]
    text = texts[index]
    description = item_description(text, AmountMatch(missing, text.index(digits), len(text), False), False)
    if _letters(description) < 3:
        return rows
    recovered = (_item(description, missing, categories, 0.35), index)
    return sorted(rows + [recovered], key=lambda row: row[1])


def _sum(rows: list[tuple[ItemFields, int]]) -> Decimal:
    return sum((item.amount or Decimal("0") for item, _ in rows), Decimal("0"))
