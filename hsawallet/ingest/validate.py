"""Check identifiers printed on letters: NPI check digits and ICD-10-CM codes."""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

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


# The official ICD-10-CM code set ships as data in the simple_icd_10_cm package. Importing
# that package parses its whole 10 MB XML (about 2.5 s in every reader process), so the
# code list is read directly and titles are looked up in the XML text only when asked.
def _icd_data_file(pattern: str) -> Path:
    # find_spec locates the package without running it (running it is the slow part)
    spec = find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the simple_icd_10_cm package (the ICD-10-CM code set) is not installed")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    matches = sorted((f for f in data.iterdir() if re.fullmatch(pattern, f.name)), key=lambda f: f.name)
    if not matches:
        raise FileNotFoundError(f"ICD-10-CM data file {pattern} is missing from simple_icd_10_cm")
    return matches[-1]


def _icd_data_text(pattern: str) -> str:
    # the desktop bundle ships the files gzip-compressed (packaging/hsawallet.spec)
    path = _icd_data_file(pattern + r"(\.gz)?")
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


@lru_cache(maxsize=1)
def _icd_codes() -> frozenset[str]:
    text = _icd_data_text(r"code-list-.*\.txt")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and "-" not in line)


@lru_cache(maxsize=1)
def _icd_tabular() -> str:
    return _icd_data_text(r"icd10.*tabular.*\.xml")


def normalize_icd10(code: str | None) -> str | None:
    """The code dotted ("E669" -> "E66.9") when it is in the ICD-10-CM code set, else None."""
    if not code:
        return None
    text = code.strip().upper().rstrip(".")
    if not _ICD_SHAPE.match(text):
        return None
    bare = text.replace(".", "")
    if bare not in _icd_codes():
        return None
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def icd10_is_valid(code: str | None) -> bool:
    return normalize_icd10(code) is not None


@lru_cache(maxsize=512)
def describe_icd10(code: str | None) -> str | None:
    """The official title of an ICD-10-CM code, in words; None for an unknown code."""
    dotted = normalize_icd10(code)
    if dotted is None:
        return None
    found = re.search(rf"<name>{re.escape(dotted)}</name>\s*<desc>([^<]*)</desc>", _icd_tabular())
    if found is None:
        return None
    import html

    return html.unescape(found.group(1)).strip()
