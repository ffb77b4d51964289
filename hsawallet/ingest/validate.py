"""Check identifiers printed on letters: NPI check digits and ICD-10-CM codes."""

from __future__ import annotations

import re

import simple_icd_10_cm as icd

_NPI_PREFIX = "80840"  # the NPI check digit is Luhn over 80840 + the first nine digits
_ICD_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")


def _luhn_check_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: the rightmost digit of the payload, then every other
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_is_valid(npi: str | None) -> bool:
    """True for a 10-digit National Provider Identifier whose check digit is right."""
    if not npi or not re.fullmatch(r"\d{10}", npi):
        return False
    return _luhn_check_digit(_NPI_PREFIX + npi[:9]) == int(npi[9])


def normalize_icd10(code: str | None) -> str | None:
    """The code dotted ("E669" -> "E66.9") when it is in the ICD-10-CM code set, else None."""
    if not code:
        return None
    text = code.strip().upper().rstrip(".")
    if not _ICD_SHAPE.match(text):
        return None
    try:
        if not icd.is_valid_item(text):
            return None
        return icd.add_dot(icd.remove_dot(text))
    except (ValueError, KeyError):
        return None


def icd10_is_valid(code: str | None) -> bool:
    return normalize_icd10(code) is not None


def describe_icd10(code: str | None) -> str | None:
    """The official title of an ICD-10-CM code, in words; None for an unknown code."""
    dotted = normalize_icd10(code)
    if dotted is None:
        return None
    try:
        return icd.get_description(dotted)
    except (ValueError, KeyError):
        return None
