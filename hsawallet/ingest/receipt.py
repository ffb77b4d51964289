"""Read the fields of a receipt (till slip, pharmacy slip, online order, statement of services).

Each field is chosen among candidates by the evidence around them: the merchant among the
header's name lines (receipt_merchant), the purchase date and card digits by the words left of
them and their column headers (receipt_evidence), the items as a table (receipt_items).
The summary amounts come from labelled lines ("SUBTOTAL", "Amount paid", "Paid today"; never
gross charges, an eligible sum or the next draft), and the amounts are cross-checked (items add up to the subtotal; subtotal,
tax and shipping add up to the total) to pick between candidates and to set confidence.
On OCR text, a total one misread digit away from what other parts of the slip give (cash
less change, the rows of a tax summary, the items) is taken for a misreading of that amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from hsawallet.ingest.candidates import Line, document_lines, header_line_above, money_candidates
from hsawallet.ingest.categories import Categories, load_categories
from hsawallet.ingest.dates import find_dates
from hsawallet.ingest.model import SURE, PageText, ReceiptFields
from hsawallet.ingest.money import find_amounts, looks_misread, round_to_nickel, to_money
from hsawallet.ingest.names import name_at, natural_name
from hsawallet.ingest.payment_words import CARD_BRANDS
from hsawallet.ingest.receipt_evidence import find_card_last4, find_purchase_date
from hsawallet.ingest.receipt_items import PAYMENT, SKIP_ITEM, SUMMARY_LABEL, find_items
from hsawallet.ingest.receipt_merchant import find_merchant

_I = re.IGNORECASE

_SUBTOTAL = re.compile(r"\bsub\s*[-.]?\s*t[o0]ta[l1]\b|\bmerchandise\s+total\b|\bitems?\s+total\b|\bnet\s+sales\b", _I)
# "TOTAL" and OCR's usual misreadings of it ("fotal", "iotal", "igtal")
# what was actually paid, in the words documents use for it
_PAID = (
    r"\bamount\s+(paid|charged|drafted|debited|settled|collected|received)\b|\bpaid\s+(today|now|in\s+full)\b"
    r"|\btotal\s+(paid|charged)\b|\byou\s+paid\b|\bpayment\s+(amount|received|total)\b|\bcharged\s+to\b"
    r"|\bpatient\s+paid\b|\bpaid\s+amount\b"
)
# "TOTAL" and OCR's usual misreadings of it ("fotal", "iotal", "igtal")
_TOTAL = re.compile(
    r"\bt[o0]ta[l1]\b|\b[fil1|][o0g]ta[l1]\b|\bt[o0]ta\b(?=\s*[:(])|\bamount\s+(paid|due|charged)\b|\bbalance\s+(paid|due)\b"
    r"|\bgrand\s+t[o0]tal\b|" + _PAID,
    _I,
)
_TOTAL_STRONG = re.compile(
    r"\b(grand|order|invoice|nett?|final)\s+t[o0]ta[l1]\b|\bt[o0]ta[l1]\s+(paid|due|charged|amount|payable|sales?\s*\(?incl)"
    r"|\bt[o0]ta[l1]\s*:?\s*(rm|usd|\$)|\brounded\s+t[o0]tal|\bt[o0]ta[l1]\s+after\s+round|" + _PAID,
    _I,
)
_TOTAL_INCL = re.compile(r"\binc[lt](\.|usive|uding)?\b|\bt[o0]ta[l1]\s+after\b", _I)
_TOTAL_NOT = re.compile(
    r"\bsub\s*[-.]?\s*t|eligible|saving|saved|discount|\b[qo0]ty\b|quantity|\bitems?\b|\bunits?\b|\bpoints?\b|\btax\b|\bgst\b"
    r"|\bvat\b|excl|before|\bweight\b|\bpcs\b|\bno\.?\s+of\b|count|tendered|change|\bdue\s+date\b|\bbilled\b|plan\s+paid"
    r"|\bcharges\b|\bnext\b|\bscheduled\b|\bshipment\b|\bper\s+(shipment|month|visit)\b|qualified|\bhsa\b|\bfsa\b"
    r"|\binsurance\b|\bplan\s+(paid|pays)\b|\bprevious\b|\bremaining\b",
    _I,
)
_TAX = re.compile(r"\b(sales\s+)?tax\b|\bgst\b|\bvat\b|\bhst\b|\bpst\b|\bsst\b", _I)
_TAX_NOT = re.compile(
    r"tax\s*(id|no|#|reg|invoice|exempt)|pre[-\s]?tax|before\s+tax|excl|incl|\bid\b|gst\s*(id|no|reg|#)|@?\s*0(\.0+)?\s*%\s*$"
    r"|t[o0]ta[l1]\s+sales",
    _I,
)
_SHIPPING = re.compile(r"\bshipping\b|\bdelivery\b|\bhandling\b|\bfreight\b|\bpostage\b", _I)
_PATIENT = re.compile(
    r"^\W*(?:patient(?:\s+name)?|pt\.?(?:\s+name)?|client(?:\s+name)?|member(?:\s+name)?|for\s+patient|"
    r"patient/client|name\s+of\s+patient|customer\s+name)\s*[:#][\s;:,.|]*(?P<name>[A-Za-z][A-Za-z .,'\-]{1,60})",
    _I,
)
# The person a line is for, its label first with or without a colon: a statement's "Patient
# DOE, JANE  Account # 123", a membership's "Member Jane Roe", a pharmacy label's "For: ROE, JANE".
_PERSON_WORDS = r"(?:(?:patient|pt\.?|client|member|customer)(?:'s)?(?:\s+name)?|name\s+of\s+patient|for(?=\s*:)|for\s+patient)(?!\w)"
_PERSON_LABEL = re.compile(rf"^\W*{_PERSON_WORDS}(?P<colon>\s*[:#])?\s*", _I)
# with its colon the label may stand after other fields or OCR debris on the line ("Rx 55  For: ROE, JANE")
_PERSON_LABEL_INSIDE = re.compile(rf"(?<=\s){_PERSON_WORDS}(?P<colon>\s*:)\s*", _I)
# the next labelled field on the line ("Acct # 123", "DOB: ...", "Member no. 5"): the value ends there
_NEXT_FIELD = re.compile(r"\s+[A-Za-z][A-Za-z.']*\s*(?:#|:|\bno\.)", _I)


@dataclass
class _Line:
    page: int
    number: int  # position in the document
    text: str


_EDGE_JUNK = re.compile(r"^(?:[^\w$#(]+|[a-z]{1,2}[^\w\s]*|[A-Za-z]?[^\w\s$#(]+[a-z]?)$")


def _trim_edges(text: str) -> str:
    """Drop OCR debris at the ends of a line (page edges, shadows): "a NORTHSTAR MART i;" -> "NORTHSTAR MART"."""
    tokens = text.split()
    while len(tokens) > 1 and _EDGE_JUNK.match(tokens[-1]) and not find_amounts(tokens[-1]):
        tokens.pop()
    while len(tokens) > 1 and _EDGE_JUNK.match(tokens[0]) and not tokens[0].isdigit():
        if tokens[0].islower() and not tokens[1][:1].isupper():
            break  # a lower-case word starting an ordinary sentence
        tokens.pop(0)
    return " ".join(tokens)


def _lines(pages: list[PageText]) -> list[_Line]:
    found: list[_Line] = []
    for page in pages:
        for raw in page.text.splitlines():
            text = " ".join(raw.replace("(cid:127)", "").split())
            if page.source == "ocr":
                text = _trim_edges(text)
            if text:
                found.append(_Line(page.index, len(found), text))
    return found


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


_SUFFIX_LINE = re.compile(r"^\W*(co\.|company\b|sdn\b|bhd\b|\(m\)|inc\b|llc\b|ltd\b|limited\b)", _I)
_NAME_LABEL = re.compile(r"^\W*[A-Za-z ]{3,20}:\s*(?=\S)")


def _name_quality(text: str) -> float:
    """How much a line looks like words rather than OCR debris (0-1)."""
    tokens = text.split()
    if not tokens:
        return 0.0
    wordlike = sum(1 for t in tokens if re.fullmatch(r"[A-Za-z][A-Za-z'&.\-]{2,}|&|[A-Z]\.?|\(?[A-Z]\)|\d{1,4}", t))
    return wordlike / len(tokens)


def _amount_of(lines: list[_Line], index: int, lenient: bool = False) -> Decimal | None:
    """The right-most amount of a labelled line, else a lone amount on the next line."""
    found = find_amounts(lines[index].text)
    if found:
        return found[-1].value
    if lenient:
        # OCR may drop the last digit of a labelled total ("NET TOTAL 174.9")
        match = re.search(r"(?<![\d.,])(\d{1,6})[.,](\d)\s*$", lines[index].text)
        if match:
            return Decimal(f"{match.group(1)}.{match.group(2)}0")
    if index + 1 < len(lines):
        following = lines[index + 1].text
        amounts = find_amounts(following)
        if len(amounts) == 1 and _letters(following) <= 3:
            return amounts[0].value
    return None


def _total_including_tax(text: str) -> bool:
    """ "Total Incl. GST 6%", "Total Sales (Inclusive of GST)": the amount paid, tax included."""
    return bool(_TOTAL_INCL.search(text)) and not re.search(r"\bsub\s*[-.]?\s*t|excl", text, _I)


_PAID_ONLY = re.compile(_PAID, _I)


def _cash_handed_over(lines: list[_Line], index: int) -> bool:
    """ "Paid amount 100.00" followed by "Change 20.50": the cash handed over, not the total."""
    if not _PAID_ONLY.search(lines[index].text) or re.search(r"\bt[o0]ta[l1]\b", lines[index].text, _I):
        return False
    for line in lines[index + 1 : index + 4]:
        if re.search(r"\b[cg]h[ae]nge\b", line.text, _I):
            found = find_amounts(line.text)
            return bool(found) and found[-1].value > 0
    return False


_ITEM_TABLE_WORDS = re.compile(
    r"\b(description|items?|products?|services?|qty|quantity|price|units?|code|sku|each)\b", _I
)


def _column_totals(layout: list[Line]) -> list[tuple[int, Decimal, bool]]:
    """Amounts under a column header that says paid or charged ("AMOUNT PAID" over "$48.03"),
    outside an item table (whose "Total" column holds each row's amount)."""
    found = []
    for candidate in money_candidates(layout):
        found_header = header_line_above(layout, candidate)
        if found_header is None:
            continue
        above, header = found_header
        if _ITEM_TABLE_WORDS.search(above.text) or find_amounts(above.text) or ":" in above.text:
            continue
        row = layout[candidate.line].text
        if not above.measured and (len(header.split()) > 4 or len(find_amounts(row)) + len(find_dates(row)) < 2):
            continue  # columns made from characters: only a header over a row of several values counts
        if (_PAID_ONLY.search(header) or _TOTAL_STRONG.search(header)) and not _TOTAL_NOT.search(header):
            found.append((candidate.line, candidate.value, True))
    return found


def _summary_candidates(
    lines: list[_Line], layout: list[Line] | None = None
) -> dict[str, list[tuple[int, Decimal, bool]]]:
    """Labelled summary amounts: {"subtotal"|"total"|"tax"|"shipping": [(line, amount, strong)]}."""
    found: dict[str, list[tuple[int, Decimal, bool]]] = {"subtotal": [], "total": [], "tax": [], "shipping": []}
    if layout is not None and len(layout) == len(lines):
        found["total"] += _column_totals(layout)
    for index, line in enumerate(lines):
        text = line.text
        if _SUBTOTAL.search(text):
            amount = _amount_of(lines, index)
            if amount is not None:
                found["subtotal"].append((index, amount, True))
            continue
        if _TOTAL.search(text) and (not _TOTAL_NOT.search(text) or _total_including_tax(text)):
            if _cash_handed_over(lines, index) or any(c[0] in (index, index + 1) for c in found["total"]):
                continue  # the cash handed over; a column header (its value is taken from the column)
            amount = _amount_of(lines, index, lenient=True)
            if amount is not None:
                strong = bool(_TOTAL_STRONG.search(text)) or _total_including_tax(text)
                found["total"].append((index, amount, strong))
            continue
        if _TAX.search(text) and not _TAX_NOT.search(text):
            amount = _amount_of(lines, index)
            if amount is not None and amount >= 0:
                found["tax"].append((index, amount, True))
            continue
        if _SHIPPING.search(text) and not re.search(r"ship\s+to|address|free\s+shipping\s+on", text, _I):
            amount = _amount_of(lines, index)
            if amount is not None and amount >= 0:
                found["shipping"].append((index, amount, True))
    return found


def _find_patient(lines: list[_Line]) -> tuple[str | None, float]:
    for line in lines:
        label = _PERSON_LABEL.match(line.text) or _PERSON_LABEL_INSIDE.search(line.text)
        if label:
            value = line.text[label.end() :]
            field_after = _NEXT_FIELD.search(value)
            value = value[: field_after.start()] if field_after else value
            span = name_at(value)
            # without a colon the label might be a word of a phrase ("Patient Responsibility
            # Amount 20.00"): the name must fill the value, up to the line's end or its next field
            if span and (label.group("colon") or not re.search(r"\w", value[span.end :])):
                return span.text, 0.85 if label.group("colon") else 0.6
        match = _PATIENT.search(line.text)
        if not match:
            continue
        name = natural_name(match.group("name"))
        words = [w for w in name.split() if _letters(w)]
        if 2 <= len(words) <= 5:
            return name, 0.85
    return None, 0.0


def _quantity_times_price(text: str) -> Decimal | None:
    match = re.search(r"(\d+)\s*[/xX]?\s*@\s*\$?(\d+[.,]\d{2})", text)
    if not match:
        return None
    return (int(match.group(1)) * Decimal(match.group(2).replace(",", "."))).quantize(Decimal("0.01"))


# OCR reads a printed C as G ("GASH", "GHANGE")
_TENDER = re.compile(
    r"\b([cg]ash|" + CARD_BRANDS + r"|debit|credit|card|tender(ed)?|"
    r"amount\s+paid|paid\s+by|payment|e-?wallet|boost|grabpay|touch\s*n\s*go)\b",
    _I,
)
_SUMMARY_SECTION = re.compile(r"\b(gst|tax|vat)\s+summary\b|\bsummary\s+of\s+(tax|gst)\b|\btax\s+code\b", _I)


def _tender_amounts(lines: list[_Line]) -> tuple[set[Decimal], Decimal | None]:
    """Amounts handed over (cash, card) and the change given back."""
    tendered: set[Decimal] = set()
    change = None
    for line_index, line in enumerate(lines):
        if re.search(r"\b[cg]hange\b", line.text, _I):
            found = find_amounts(line.text)
            if found:
                change = found[-1].value
            continue
        if _TENDER.search(line.text) and (not _TOTAL.search(line.text) or _cash_handed_over(lines, line_index)):
            found = find_amounts(line.text)
            if found:
                tendered.add(found[-1].value)
    return tendered, change


_QUANTITY_PRICE = re.compile(r"(?<![\d.])(\d{1,3})\s*[xX@]\s*\$?(\d+[.,]\d{2})(?!\d)")


def _items_sum(lines: list[_Line], stop_at: int) -> Decimal | None:
    """The amounts above the summary lines added up, a quantity line ("2X 5.30") counting as
    quantity times price when its own amount is unreadable. Rougher than the item list (lines
    without a readable description count too), so it only serves to check the total."""
    total = Decimal("0")
    count = 0
    for line in lines[:stop_at]:
        amounts = find_amounts(line.text)
        if not amounts or find_dates(line.text) or PAYMENT.search(line.text) or SKIP_ITEM.search(line.text):
            continue
        quantity = _QUANTITY_PRICE.search(line.text)
        if quantity and len(amounts) == 1:
            total += int(quantity.group(1)) * Decimal(quantity.group(2).replace(",", "."))
        else:
            total += amounts[-1].value
        count += 1
    return total if count else None


_RATE = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d{1,2})?)\s*%")
_SUMMARY_ROWS_END = re.compile(r"^\W*t[o0]ta\w?\b|\bthank|^\W*(gst|tax|vat)\s*:", _I)
_TAX_SUMMARY_ROWS = 6  # code rows follow the summary header closely; what comes later is the footer


def _tax_summary_gross(lines: list[_Line], start: int) -> Decimal | None:
    """Net amounts plus tax over the rows of a tax summary ("SR @ 6% 9.85 0.59"): the amount
    charged before cash rounding, printed apart from the total line and so misread apart from it.
    None when any row cannot be read, since a missing row would make the sum wrong."""
    gross = Decimal("0")
    rows = 0
    for line in lines[start + 1 : start + 1 + _TAX_SUMMARY_ROWS]:
        text = line.text
        if _SUMMARY_ROWS_END.search(text):
            break
        if re.search(r"\bservice\b|\bsvc\b", text, _I):
            return None  # a service charge row is part of the GST base: adding it would count it twice
        amounts = [match.value for match in find_amounts(text)]
        rate_match = _RATE.search(text)
        rate = Decimal(rate_match.group(1)) / 100 if rate_match else None
        if len(amounts) >= 3 and amounts[-3] + amounts[-2] == amounts[-1]:
            net, tax = amounts[-3], amounts[-2]  # net, tax, gross columns
        elif len(amounts) >= 2:
            net, tax = amounts[-2], amounts[-1]
        elif len(amounts) == 1 and rate is not None:
            net, tax = amounts[0], None  # tax column unreadable: the rate gives it
        elif not amounts and rate is None:
            continue  # a column heading or debris
        else:
            return None
        if net < 0:
            return None
        plausible = tax is not None and 0 <= tax <= net * Decimal("0.3")
        if rate is not None:
            from_rate = to_money(net * rate)
            if tax is None or (abs(tax - from_rate) > Decimal("0.01") and not plausible):
                tax = from_rate
            elif abs(tax - from_rate) > Decimal("0.01"):
                return None  # the rate and the tax column disagree: one of them is misread
        elif tax is None or not plausible:  # (a missing tax is never plausible; said for the type checker)
            return None
        gross += net + tax
        rows += 1
    return gross if rows and gross > 0 else None


# Weights of the evidence for a total candidate (see _pick_total).
LABELLED_TOTAL = 1.0  # a line labelled total
STRONG_LABEL = 1.5  # "grand total", "amount paid", "total incl. tax": no other total outranks it
AFTER_ROUNDING = 1.5  # below a rounding line: the amount after cash rounding
ADDS_UP = 3.0  # subtotal + tax + shipping give it: the strongest agreement a slip offers
PAID_OR_SUMMED = 2.0  # the card charged, cash less change or the tax summary give it too
CASH_HANDED_OVER = 3.0  # less change, another total: it is the cash handed over, not the total
LOOKS_MISREAD = 1.5  # one digit away from what other lines add up to
IN_TAX_SUMMARY = 3.0  # inside a tax summary's rows: a row's gross, not the slip's total
SEVERAL_AMOUNTS = 1.0  # a line of several amounts is a table row more than a total line
NOT_POSITIVE = 2.0  # a zero or negative total is a balance or a refund line
CASH_LESS_CHANGE = 3.0  # cash handed over less the change given, no total line says it
PAID_WITHOUT_CHANGE = 2.0  # an amount paid with no change line to check it by
TAX_SUMMARY_FALLBACK = 0.5  # the tax summary's rows added up: only when no labelled total is better
# Confidence of the chosen total by its score: (least score, confidence), best first; 0.8 is "sure".
TOTAL_CONFIDENCE = ((5.0, 0.97), (3.5, 0.9), (2.5, 0.8), (float("-inf"), 0.65))


def _pick_total(
    lines: list[_Line],
    candidates: list[tuple[int, Decimal, bool]],
    subtotal: Decimal | None,
    tax: Decimal | None,
    shipping: Decimal | None,
    ocr: bool = False,
    items_sum: Decimal | None = None,
) -> tuple[Decimal | None, float]:
    """The total among the labelled candidates, scored by label and by agreement with the other
    amounts; ``ocr`` allows correcting a total that looks misread."""
    tendered, change = _tender_amounts(lines)
    paid = {amount - change for amount in tendered} if change is not None else set()
    summary_start = next((i for i, line in enumerate(lines) if _SUMMARY_SECTION.search(line.text)), len(lines))
    expected = None
    if subtotal is not None:
        expected = subtotal + (tax or Decimal("0")) + (shipping or Decimal("0"))
    rounding_at = [i for i, line in enumerate(lines) if re.search(r"\bround(ing|ed)?\b", line.text, _I)]
    summary_gross = _tax_summary_gross(lines, summary_start) if summary_start < len(lines) else None
    # the total as the tax summary gives it, rounded to five cents where the slip shows a rounding
    summary_total = None
    if summary_gross is not None:
        summary_total = round_to_nickel(summary_gross) if rounding_at else summary_gross
    printed = {abs(a.value) for line in lines for a in find_amounts(line.text)}

    def misread_of(amount: Decimal, reference: Decimal | None) -> bool:
        # an OCR slip rather than a real difference: a discount printed on the slip, a cash rounding
        if not ocr or reference is None or not looks_misread(amount, reference):
            return False
        difference = abs(amount - reference)
        return difference not in printed and not (rounding_at and difference < Decimal("0.05"))

    best: tuple[float, int, Decimal] | None = None
    for amount in paid:
        # cash handed over less the change given: the amount paid, whatever OCR made of the total line
        if amount > 0 and all(c[1] != amount for c in candidates):
            score = CASH_LESS_CHANGE if amount in tendered and change else PAID_WITHOUT_CHANGE
            if best is None or score > best[0]:
                best = (score, len(lines), amount)
    if summary_total is not None and all(c[1] != summary_total for c in candidates) and summary_total not in paid:
        # only a fallback: it loses to any labelled total that is not itself doubtful
        if best is None or best[0] < TAX_SUMMARY_FALLBACK:
            best = (TAX_SUMMARY_FALLBACK, len(lines), summary_total)
    for index, amount, strong in candidates:
        score = LABELLED_TOTAL + (STRONG_LABEL if strong else 0.0)
        if any(r < index for r in rounding_at):
            score += AFTER_ROUNDING
        if expected is not None and amount == expected:
            score += ADDS_UP
        if amount in tendered or amount in paid or amount == summary_total:
            score += PAID_OR_SUMMED
        if change and change > 0 and any(c[1] == amount - change for c in candidates):
            score -= CASH_HANDED_OVER  # "Paid 100.00 / Change 20.50" beside a total of 79.50
        if misread_of(amount, expected) or misread_of(amount, summary_total):
            score -= LOOKS_MISREAD
        if index > summary_start:
            score -= IN_TAX_SUMMARY
        if len(find_amounts(lines[index].text)) > 1:
            score -= SEVERAL_AMOUNTS
        if amount <= 0:
            score -= NOT_POSITIVE
        if best is None or score >= best[0]:
            best = (score, index, amount)
    if best is None:
        if tendered and change is not None:
            amount = max(tendered) - change
            if amount > 0:
                return amount, 0.6
        return None, 0.0
    score, best_index, total = best
    confidence = next(value for least, value in TOTAL_CONFIDENCE if score >= least)
    rounded = round_to_nickel(total)
    if rounded != total and any(
        index > best_index and rounded in {a.value for a in find_amounts(lines[index].text)} for index in rounding_at
    ):
        return rounded, min(confidence, SURE)  # the total after rounding, printed on a rounding line below
    # Amounts read elsewhere on the slip that the total must equal. When the chosen total is a
    # digit away from one of them, OCR misread the total line.
    witnesses = [amount for amount in paid if amount > 0] if len(tendered) == 1 else []
    if summary_gross is not None and summary_total is not None:  # (both or neither)
        witnesses.append(summary_total)
        if total % Decimal("0.05") == 0:
            witnesses.append(round_to_nickel(summary_gross))  # a cash total, though no rounding line was read
        witnesses.append(summary_gross)
    if items_sum is not None and tax is None:
        witnesses.append(items_sum)  # no tax added on top: the items add up to the total
    # a total that another line confirms (a second total line, the cash handed over) is kept
    support = sum(1 for c in candidates if c[1] == total) + (total in tendered) + (total in paid) + (total == expected)
    if total not in witnesses and support <= 1:
        for witness in witnesses:
            if misread_of(total, witness):
                return witness, 0.8
    return total, confidence


def items_reference(subtotal: Decimal | None, tax: Decimal | None, total: Decimal | None) -> Decimal | None:
    """What a receipt's item amounts add up to: the subtotal, or the total where no tax is added."""
    return subtotal if subtotal is not None else (total if tax in (None, Decimal("0.00")) else None)


def parse_receipt(
    pages: list[PageText], *, date_order: str = "mdy", categories: Categories | None = None
) -> ReceiptFields:
    """The fields of a receipt; None where a field cannot be read."""
    categories = categories or load_categories()
    lines = _lines(pages)
    result = ReceiptFields()
    if not lines:
        return result
    ocr_factor = min([1.0] + [max(0.5, p.confidence) for p in pages if p.source == "ocr"])

    layout = document_lines(pages)
    result.merchant, merchant_confidence = find_merchant(layout)
    result.date, date_confidence = find_purchase_date(layout, date_order, any(p.source == "ocr" for p in pages))

    summary = _summary_candidates(lines, layout)
    subtotal = summary["subtotal"][-1][1] if summary["subtotal"] else None
    shipping = summary["shipping"][-1][1] if summary["shipping"] else None
    tax_values = [amount for _, amount, _ in summary["tax"]]
    tax = tax_values[-1] if tax_values else None
    ocr = any(p.source == "ocr" for p in pages)
    # an amount under a "paid" column header stands in the document's head, not in its summary
    in_head = {index for index, _, _ in (_column_totals(layout) if len(layout) == len(lines) else [])}
    first_summary = min(
        [c[0] for key in ("subtotal", "total", "tax") for c in summary[key] if c[0] not in in_head] or [len(lines)]
    )
    total, total_confidence = _pick_total(
        lines, summary["total"], subtotal, tax, shipping, ocr, _items_sum(lines, first_summary)
    )
    if subtotal is not None and total is not None and len(tax_values) > 1:
        combined = sum(tax_values, Decimal("0"))
        if subtotal + combined + (shipping or 0) == total:
            tax = combined
    if total is None:
        total, total_confidence = _fallback_total(lines)
    if tax is None and subtotal is not None and total is not None and total == subtotal + (shipping or 0):
        tax, tax_confidence = Decimal("0.00"), 0.6
    else:
        tax_confidence = 0.85 if tax is not None else 0.0
    if subtotal is not None and tax is not None and total is not None and subtotal + tax + (shipping or 0) == total:
        tax_confidence = 0.95
    result.subtotal, result.tax, result.total = subtotal, tax, total

    summary_lines = [c[0] for key in summary for c in summary[key] if c[0] not in in_head] + [
        i for i, line in enumerate(lines) if SUMMARY_LABEL.search(line.text) and find_amounts(line.text)
    ]
    first_row_end = min([first_summary] + [i for i in summary_lines if i > 0])
    last_summary = max(summary_lines, default=len(lines))
    result.items = find_items([line.text for line in lines], first_row_end, last_summary, subtotal, categories)
    reference = items_reference(subtotal, tax, total)
    if result.items and reference is not None:
        if sum((i.amount or Decimal("0")) for i in result.items) == reference:
            for item in result.items:
                item.confidence = round(min(0.98, item.confidence + 0.1), 2)
            total_confidence = max(total_confidence, 0.9)

    result.card_last4, card_confidence = find_card_last4(layout)
    result.patient, patient_confidence = _find_patient(lines)

    subtotal_confidence = 0.9 if subtotal is not None else 0.0
    result.confidence = {
        key: round(value * (ocr_factor if value else 1.0), 2)
        for key, value in {
            "merchant": merchant_confidence,
            "date": date_confidence,
            "total": total_confidence,
            "subtotal": subtotal_confidence,
            "tax": tax_confidence,
            "card_last4": card_confidence,
            "patient": patient_confidence,
        }.items()
    }
    return result


_CHARGED = re.compile(r"\b(" + CARD_BRANDS + r"|debit|charged|paid)\b", _I)


def _fallback_total(lines: list[_Line]) -> tuple[Decimal | None, float]:
    """No labelled total: the amount charged to a card or paid, else the largest amount."""
    for line in reversed(lines):
        if _CHARGED.search(line.text):
            found = find_amounts(line.text)
            if found:
                return found[-1].value, 0.6
    amounts = [a.value for line in lines for a in find_amounts(line.text) if a.value > 0]
    if amounts:
        return max(amounts), 0.35
    return None, 0.0
