"""Entities a letter of medical necessity is made of, found anywhere in its lines before any
role is given to them: NPIs, ICD-10-CM codes, license numbers (person names and credentials,
which receipts read too, are found by ``names``).

Each finder states what is true of the entity itself (an NPI has a check digit, a code is in
the ICD-10-CM code set); which entity is the patient, the provider or the issue date is decided
later from the evidence around it (``letter_roles``).
"""

from __future__ import annotations

import re

from hsawallet.ingest.validate import normalize_icd10

_I = re.IGNORECASE

# ---- identifiers -------------------------------------------------------------------------

_TEN_DIGITS = re.compile(r"(?<![\d\-/.])(\d{10})(?![\d\-/]|\.\d)")
NPI_LABEL = re.compile(r"\bN\s?P\s?[I1l|](?![a-z])|national\s+provider\s+(?:identifier|id|number)", _I)


def ten_digit_numbers(text: str) -> list[tuple[str, int, int]]:
    """Every 10-digit number in ``text`` (an NPI's shape; its check digit is tested by the caller,
    who also wants to know that an NPI was printed with a wrong one): (number, start, end)."""
    return [(m.group(1), m.start(1), m.end(1)) for m in _TEN_DIGITS.finditer(text)]


US_STATES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "district of columbia": "DC",
}
_STATE_CODES = frozenset(US_STATES.values())
LICENSE_LABEL = re.compile(
    r"\b(?:(?:state|medical|professional)\s+)?licen[sc]e(?:d)?\b(?:\s*(?:no\.?|number|num|#))?(?:\s*\(state\))?"
    r"|\blic\b\.?(?:\s*(?:no\.?|#))?",
    _I,
)
_LICENSE_VALUE = re.compile(r"(?=[A-Z0-9.\-/]*\d)[A-Z0-9][A-Z0-9.\-/]{2,19}", _I)


def license_value(text: str) -> str | None:
    """The license number at the start of ``text`` (after its label): a state's name or code
    may stand first ("WI 70632-33", "in Virginia: 0101-2345", "ANP1908 (TN)")."""
    rest = text.strip(" :#.-–—|")
    rest = re.sub(r"^(?:in|for|of)\s+", "", rest, flags=_I)
    for name in sorted(US_STATES, key=len, reverse=True):
        if rest.lower().startswith(name + " ") or rest.lower().startswith(name + ":"):
            rest = rest[len(name) :].strip(" :#-–—")
            break
    rest = re.sub(r"^(?:license|licence|lic\.?)\s*(?:no\.?|number|#)?\s*[:#]?\s*", "", rest, flags=_I)
    tokens = rest.split()
    if tokens and tokens[0].strip(".,:") in _STATE_CODES and len(tokens) > 1 and re.search(r"\d", tokens[1]):
        tokens = tokens[1:]
    if not tokens:
        return None
    match = _LICENSE_VALUE.fullmatch(tokens[0].strip(",;:()").rstrip("."))
    if not match:
        return None
    value = match.group(0).rstrip(".-/")
    if re.fullmatch(r"\d{1,3}", value) or find_phone_like(value):
        return None
    return value


def find_phone_like(text: str) -> bool:
    return bool(re.fullmatch(r"\(?\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}", text))


# ---- ICD-10-CM codes -----------------------------------------------------------------------

ICD_LABEL = re.compile(r"\b[I1l|\[]CD(?:[\s-]*10(?:[\s-]*CM)?)?|diagnos\w*\s+codes?|\bdx\s+codes?", _I)
_ICD_TOKEN = re.compile(r"(?<![A-Za-z0-9.\-])([A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?)(?![A-Za-z0-9/]|-\d)")
_OCR_ICD_TOKEN = re.compile(r"(?<![A-Za-z0-9.])([1\[|l][0-9OIlS|][0-9A-Z](?:\.?[0-9A-Z]{1,4})?)(?![A-Za-z0-9/])")
_OCR_LETTER = {"1": "I", "[": "I", "|": "I", "l": "I"}
_OCR_DIGIT = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5"}


def icd10_codes(text: str, ocr: bool = False) -> list[str]:
    """ICD-10-CM codes in ``text``, dotted, in order: dotted codes where a sentence or list gives
    them, and undotted ones ("E559") only within reach of a label that announces codes."""
    codes: list[str] = []
    labelled = [(m.start(), m.end() + 160) for m in ICD_LABEL.finditer(text)]

    def add(token: str) -> None:
        dotted = normalize_icd10(token)
        if dotted and dotted not in codes:
            codes.append(dotted)

    for match in _ICD_TOKEN.finditer(text):
        token = match.group(1)
        near_label = any(start <= match.start() <= end for start, end in labelled)
        if near_label:
            add(token)
            continue
        if "." not in token:
            continue
        # a dotted code outside any labelled run must read like one in a sentence or list
        before = text[max(0, match.start() - 30) : match.start()]
        if re.search(r"\(\s*$|code|dx|diagnos|[,;/]\s*$|\band\s*$|^\s*$|\n\s*$", before, _I):
            add(token)
    if not codes and ocr:
        # OCR reads the letter I of a code as 1, [ or | ("110" for "I10")
        for start, end in labelled:
            for match in _OCR_ICD_TOKEN.finditer(text[start:end]):
                token = match.group(1)
                add(_OCR_LETTER.get(token[0], token[0]) + _OCR_DIGIT.get(token[1], token[1]) + token[2:])
    return codes


__all__ = [
    "ICD_LABEL",
    "LICENSE_LABEL",
    "NPI_LABEL",
    "US_STATES",
    "icd10_codes",
    "license_value",
    "ten_digit_numbers",
]
