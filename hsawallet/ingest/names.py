"""People's names as documents print them, for every parser that reads a person: a receipt's
patient and a letter's patient and provider.

A name is two to five capitalised words none of which labels a form or names an organisation,
in either order ("Jane Q. Roe", "ROE, JANE Q."), given back in natural order and readable case;
the clinical credentials printed after a practitioner's name end it and are read apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def natural_name(raw: str) -> str:
    """A person's name in natural order and readable case ("DELGADO, SCOTT" -> "Scott Delgado")."""
    text = " ".join(raw.replace("_", " ").split()).strip(" ,;:-")
    if text.endswith(".") and not re.search(r"\b[A-Za-z]\.$", text):
        text = text[:-1]
    text = re.split(r"\s{2,}|\b(?:dob|d\.o\.b|date\s+of\s+birth|id|mrn|acct|rx|account)\b", text, flags=_I)[0].strip(
        " ,;:-"
    )
    if "," in text:
        last, _, first = text.partition(",")
        suffix = re.match(r"^\s*(jr|sr|ii|iii|iv)\.?\s*$", first, _I)
        if not suffix and first.strip():
            text = f"{first.strip()} {last.strip()}"
    if text.isupper() or text.islower():
        text = " ".join(_title_word(word) for word in text.split())
    return text


def _title_word(word: str) -> str:
    if len(word) == 2 and word.endswith("."):
        return word.upper()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


__all__ = [
    "CREDENTIAL",
    "CREDENTIALS",
    "NOT_NAME_WORDS",
    "ORGANISATION_WORDS",
    "NameSpan",
    "credentials_after",
    "name_at",
    "name_before",
    "names_in",
    "natural_name",
]
