"""Entities a letter of medical necessity is made of, found anywhere in its lines before any
role is given to them: person names, credentials, NPIs, ICD-10-CM codes, license numbers.

Each finder states what is true of the entity itself (an NPI has a check digit, a code is in
the ICD-10-CM code set, a name is two to five capitalised words none of which is a word that
labels a form); which entity is the patient, the provider or the issue date is decided later
from the evidence around it (``letter_roles``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hsawallet.ingest.receipt import natural_name
from hsawallet.ingest.validate import normalize_icd10

_I = re.IGNORECASE

# Clinical credentials printed after a practitioner's name (US licensure and board titles).
CREDENTIALS = (
    "MD",
    "M.D.",
    "DO",
    "D.O.",
    "MBBS",
    "NP",
    "APRN",
    "APNP",
    "ARNP",
    "CRNP",
    "FNP",
    "FNP-C",
    "FNP-BC",
    "AGNP",
    "AGNP-C",
    "ANP",
    "ANP-BC",
    "PNP",
    "PMHNP",
    "WHNP",
    "DNP",
    "CNP",
    "CNS",
    "CNM",
    "RN",
    "BSN",
    "MSN",
    "PA-C",
    "PA",
    "DPT",
    "PT",
    "MPT",
    "OTR",
    "OTR/L",
    "OT",
    "DC",
    "D.C.",
    "LAc",
    "L.Ac.",
    "L.Ac",
    "DAOM",
    "DACM",
    "RD",
    "RDN",
    "LD",
    "LDN",
    "CDCES",
    "CDE",
    "ND",
    "NMD",
    "DPM",
    "OD",
    "DDS",
    "DMD",
    "PhD",
    "PsyD",
    "LCSW",
    "LMFT",
    "LPC",
    "LMHC",
    "MSW",
    "LMT",
    "CMT",
    "ATC",
    "CSCS",
    "CEP",
    "RCEP",
    "RRT",
    "FACP",
    "FAAFP",
    "FACS",
    "MPH",
    "NP-C",
    "ANP-C",
    "AGNP-BC",
    "AGPCNP-BC",
    "AGACNP-BC",
    "PMHNP-BC",
    "CPNP",
    "WHNP-BC",
    "APRN-BC",
    "APRN-CNP",
    "DPT",
    "OTD",
    "DCN",
    "CNS",
    "CCN",
    "IFMCP",
    "MS RD",
    "DABSM",
    "RPSGT",
    "RCP",
)
_CRED_ALT = "|".join(re.escape(c) for c in sorted(CREDENTIALS, key=len, reverse=True))
CREDENTIAL = re.compile(rf"(?<![\w.])(?:{_CRED_ALT})(?![\w-])")
# "Jane Roe, MD", "Jane Roe MD, FACP", "Jane Roe, PA-C" (a name followed by its credentials)
# (OCR of a form reads its cell borders as "|": "Jane Roe | | MD")
CREDENTIAL_RUN = re.compile(rf"^[\s|]*,?[\s|]*((?:{_CRED_ALT})(?![\w-])(?:\s*,?\s*(?:{_CRED_ALT})(?![\w-]))*)")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that label forms, name documents or places, or belong to the prose around a name:
# none of them is part of a person's name, so a run of capitalised words stops at them.
NOT_NAME_WORDS = _word_set("""
patient patients name names date dates birth dob d.o.b born visit visits clinician provider providers physician
practitioner prescriber doctor dr signature signed sign license licensed lic npi phone tel fax email address
credentials credential practice clinic center centre medical medicine health healthcare care family group
associates partners services service hospital office pharmacy plan account holder employer member subscriber
id type section part form letter certificate certification medical necessity necessary re regarding subject
to from for of the and or in on at by with is was has have this that dear sincerely respectfully regards
yours truly whom it may concern diagnosis condition conditions treated treatment item items recommended
frequency duration valid through until effective expires issued issue attestation summary assessment plan goals
intervention icd code codes cpt telehealth televisit video secure page continued relationship self spouse
dependent state mi last first middle suffix street st ave avenue road rd suite ste blvd drive dr lane ln
benefits benefit reviewer administrator administrators department insurance savings bank spending flexible
health-savings hsa fsa hra lmn to-whom questions support verify note notes comments explanation yes no
mr mrs ms miss mx prof sir madam
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
""")

# Words that end an organisation's name: a run of capitalised words followed by one of them
# names a practice, a plan or a shop, not a person ("Cedar Hill Family Medicine").
ORGANISATION_WORDS = _word_set("""
family medicine medical clinic clinics center centre centers health healthcare care group associates partners
services hospital pharmacy practice physicians doctors specialists therapy therapeutics rehabilitation rehab
wellness institute foundation university college labs laboratory llc inc pllc corp company bank
savings benefits insurance administrators telehealth virtual network system systems alliance
""")


@dataclass(frozen=True)
class NameSpan:
    text: str  # natural order ("Jane Q. Roe")
    start: int  # span in the text searched
    end: int


def _name_word(token: str) -> bool:
    bare = token.rstrip(".,").replace("’", "'")
    if not bare or bare.lower() in NOT_NAME_WORDS:
        return False
    if CREDENTIAL.fullmatch(bare) or CREDENTIAL.fullmatch(token.rstrip(",")):
        return False
    if len(bare) == 1:
        return bare.isupper()  # an initial
    return bare[0].isupper() and bool(re.fullmatch(r"[A-Za-z][A-Za-z'\-]+", bare))


def _is_initial(token: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]\.?", token.rstrip(",")))


def name_at(text: str, start: int = 0) -> NameSpan | None:
    """The person's name that begins at ``start`` of ``text`` (leading spaces skipped): two to
    five name words ("Jane Q. Roe", "ROE, JANE Q."), stopping at the first word that is not one."""
    position = start
    while position < len(text) and text[position] in " \t:-–—#|[{(":
        position += 1
    title = re.match(r"(?:dr|mr|mrs|ms|miss|mx|prof)\.?\s+(?=[A-Z])", text[position:], _I)
    if title:  # "Dr. Jane Roe": the title is not part of the name
        position += title.end()
    tokens: list[tuple[str, int, int]] = []
    comma_seen = False
    for match in re.finditer(r"\S+", text[position:]):
        raw = match.group(0)
        token = raw.strip('()[]{}"“”')
        if not token:
            break
        core = token.rstrip(",;:")
        if not _name_word(core):
            break
        tokens.append((core, position + match.start(), position + match.start() + len(raw.rstrip(",;:"))))
        if len(core) == 2 and core.isalpha() and core.isupper() and not text[position:].split(",")[0].isupper():
            tokens.pop()
            break  # a state's code ("Springfield, IL"), not a name in mixed case
        if token.endswith(",") or raw.endswith(","):
            if comma_seen or len(tokens) != 1:
                break  # only "LAST, FIRST" puts a comma inside a name
            following = re.match(r"\s*(\S+)", text[position + match.end() :])
            if (
                not following
                or not _name_word(following.group(1).rstrip(",.;:"))
                or CREDENTIAL.match(following.group(1))
            ):
                break
            comma_seen = True
        elif raw.endswith((";", ":")):
            break
        if len(tokens) == 5:
            break
    # a trailing initial is a middle initial only in "LAST, FIRST M."
    while tokens and _is_initial(tokens[-1][0]) and not comma_seen:
        tokens.pop()
    words = [t for t, _, _ in tokens if not _is_initial(t)]
    if len(words) < 2:
        return None
    end = tokens[-1][2]
    following = re.match(r"\s+([A-Za-z]+)", text[end:])
    if following and following.group(1).lower() in ORGANISATION_WORDS and following.group(1)[0].isupper():
        return None
    raw = text[tokens[0][1] : end]
    return NameSpan(natural_name(raw), tokens[0][1], end)


def names_in(text: str) -> list[NameSpan]:
    """Every person-name span in ``text``."""
    found: list[NameSpan] = []
    position = 0
    for match in re.finditer(r"(?<![\w'’-])[A-Z]", text):
        if match.start() < position:
            continue
        span = name_at(text, match.start())
        if span:
            found.append(span)
            position = span.end
    return found


def name_before(text: str) -> NameSpan | None:
    """The person's name that ends ``text`` ("... regarding my patient Jane Roe" -> Jane Roe)."""
    text = text.rstrip(" ,(")
    spans = [s for s in names_in(text) if s.end >= len(text) - 1]
    return spans[-1] if spans else None


def credentials_after(text: str, end: int) -> str | None:
    """The credentials printed right after a name ending at ``end`` ("..., PA-C" -> "PA-C")."""
    match = CREDENTIAL_RUN.match(text[end:])
    if not match:
        return None
    found = [c for c in re.split(r"\s*,\s*|\s+", match.group(1)) if c]
    return ", ".join(dict.fromkeys(found))


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
    "CREDENTIAL",
    "CREDENTIALS",
    "ICD_LABEL",
    "LICENSE_LABEL",
    "NOT_NAME_WORDS",
    "NPI_LABEL",
    "NameSpan",
    "US_STATES",
    "credentials_after",
    "icd10_codes",
    "license_value",
    "name_at",
    "name_before",
    "names_in",
    "ten_digit_numbers",
]
