"""Roles of a letter's entities, decided by the evidence around them.

A person's name becomes the patient when a label says so ("Patient", "Re:", "Name of
patient"), when a date of birth stands beside it, or when the prose is about them ("my patient
Jane Roe", "Jane Roe has been seen"); the provider when credentials follow it, when it signs
("/s/", "electronically signed by", the name under "Sincerely"), or when a provider's label
stands before it. Every piece of evidence has a weight; a name found by several agrees and is
surer, two different names with strong evidence for one role make it doubtful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hsawallet.ingest.dates import find_dates
from hsawallet.ingest.letter_doc import LetterDoc, is_caption_line
from hsawallet.ingest.letter_entities import LICENSE_LABEL, NPI_LABEL, license_value, ten_digit_numbers
from hsawallet.ingest.names import CREDENTIAL, credentials_after, name_at, name_before, names_in, natural_name
from hsawallet.ingest.validate import npi_is_valid

_I = re.IGNORECASE


@dataclass(frozen=True)
class Evidence:
    name: str
    weight: float
    source: str
    credentials: str | None = None
    line: int = -1


def person_key(name: str) -> str:
    """Who a name is: first and last name (a household shares its surname)."""
    words = [w for w in name.lower().split() if len(w.rstrip(".")) > 1]
    return f"{words[0]} {words[-1]}" if len(words) > 1 else name.lower()


def decide(evidence: list[Evidence], exclude: frozenset[str] | set[str] = frozenset()) -> tuple[Evidence | None, float]:
    """The best-supported name and its confidence: the strongest evidence, raised when other
    sources name the same person, lowered when strong evidence names someone else."""
    groups: dict[str, list[Evidence]] = {}
    for item in evidence:
        if person_key(item.name) in exclude:
            continue
        groups.setdefault(person_key(item.name), []).append(item)
    if not groups:
        return None, 0.0

    def score(items: list[Evidence]) -> float:
        sources = {e.source for e in items}
        return max(e.weight for e in items) + 0.04 * (len(sources) - 1)

    ranked = sorted(groups.values(), key=score, reverse=True)
    best = ranked[0]
    confidence = min(0.97, score(best))
    # a rival named by evidence of its own (a vault's person merely printed is no rival)
    rivals = [e for group in ranked[1:] for e in group if e.source != "roster" and e.weight >= 0.75]
    if rivals:
        confidence = min(confidence, 0.6)
    top = max(best, key=lambda e: (e.weight, len(e.name)))
    return top, round(confidence, 2)


# ---- patient ---------------------------------------------------------------------------------

_PATIENT_LABEL = re.compile(
    r"(?<![\w-])(?:patient|client)(?:'s)?(?:\s+(?:full\s+|legal\s+)?name)?(?:\s*\([^)]{0,40}\))?\s*[:#\-–]?"
    r"|\bname\s+of\s+(?:the\s+)?(?:patient|(?:person|individual)\s+(?:receiving|being\s+treated|treated))\b[^:]{0,20}[:\-–]"
    # a plan's form asks for the person treated, who may be the holder's dependent
    r"|\b(?:person|individual|dependent|family\s+member)\s+(?:receiving|being\s+treated|treated|who\s+(?:received|receives))\b[^:]{0,20}:"
    r"|\bdependent(?:'s)?\s+name\s*:",
    _I,
)
# the insured person a plan's form names: usually, not always, the patient
_MEMBER_LABEL = re.compile(r"(?<![\w-])(?:member|insured|beneficiary|enrollee)(?:'s)?(?:\s+name)?\s*[:#\-–]", _I)
_REGARDING = re.compile(r"(?:^|\s)(?:re|regarding|subject)\s*:\s*", _I)
_DOB_CUE = re.compile(r"\b(?:date\s+of\s+birth|birth\s*date|d\.?o\.?b\b\.?|born(?:\s+on)?)", _I)
_PROSE_BEFORE = re.compile(
    r"(?:\bmy\s+patient|\bour\s+patient|\bcertif(?:y|ies)\s+that|\bon\s+behalf\s+of|\btreating|\bevaluated|\bexamined"
    r"|\bseen|\bregarding)\s*,?\s*(?:(?:my|our)\s+patient\s*,?\s*)?(?:(?:mr|mrs|ms|miss|mx)\.?\s+)?$",
    _I,
)
_PROSE_AFTER = re.compile(
    r"^\s*,?\s*(?:\(|has\s+been|is\s+(?:currently\s+)?(?:under|being|a\s+patient|seen|treated)|was\s+(?:seen|evaluated|examined)"
    r"|presents|suffers|continues|is\s+an?\s+\d{1,3}[\s-]*(?:years?|yrs?|y/?o|months?)\b)",
    _I,
)
# whom the document is for: "Letter of Medical Necessity for Jane Roe", "Prepared for: Jane Roe".
# Title-case headings put other capitalised words after "for" ("Certification for Eligible
# Expenses"), so this is weak evidence: it agrees with stronger evidence, never overrules it.
_FOR_PERSON = re.compile(r"\bfor\s*:?\s*(?:(?:mr|mrs|ms|miss|mx)\.?\s+)?$", _I)


def roster_names(doc: LetterDoc, people: tuple[str, ...] | list[str]) -> list[Evidence]:
    """The vault's people whose names the letter prints, in either order ("Jane Q. Roe", "ROE, JANE")."""
    found: list[Evidence] = []
    for person in people:
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]+", person) if len(w) > 1]
        if len(words) < 2:
            continue
        first, last = re.escape(words[0]), re.escape(words[-1])
        pattern = re.compile(
            rf"\b{first}\b(?:\s+[A-Za-z]\.?){{0,2}}(?:\s+[A-Za-z'\-]+)?\s+{last}\b|\b{last}\s*,\s*{first}\b(?:\s+[A-Z]\b\.?)?",
            _I,
        )
        match = pattern.search(doc.flat)
        if match:
            found.append(Evidence(natural_name(match.group(0)), 0.8, "roster"))
    return found


def find_patient(
    doc: LetterDoc, date_order: str, provider_keys: set[str], people: tuple[str, ...] | list[str] = ()
) -> tuple[str | None, date | None, float, float]:
    """(name, date of birth, name confidence, dob confidence)."""
    evidence: list[Evidence] = roster_names(doc, people)
    for index, value in doc.labelled(_PATIENT_LABEL):
        span = name_at(value)
        if span and not credentials_after(value, span.end):
            evidence.append(Evidence(span.text, 0.9, "label", line=index))
    for index, text in enumerate(doc.texts):
        # "Name: ..." in the patient's part of a form
        for match in _NAME_LABEL.finditer(text):
            if _section_role(doc, index + 1) == "patient" and not re.search(
                r"provider|physician|practitioner", text[: match.start()], _I
            ):
                value = text[match.end() :]
                span = name_at(value)
                if span and not credentials_after(value, span.end):
                    # the account holder's own name: the patient only when no one else is named
                    holder = re.search(
                        r"participant|employee|account\s+holder|subscriber|member|insured", text[: match.start()], _I
                    )
                    evidence.append(Evidence(span.text, 0.7 if holder else 0.85, "form", line=index))
    for index, value in doc.labelled(_MEMBER_LABEL):
        span = name_at(value)
        if span and not credentials_after(value, span.end):
            evidence.append(Evidence(span.text, 0.7, "member", line=index))
    for index, value in doc.labelled(_REGARDING):
        span = name_at(value)
        if span:
            evidence.append(Evidence(span.text, 0.8, "regarding", line=index))
    for index, value in doc.under_caption(re.compile(r"patient(?:'s)?\s+name|name\s+of\s+patient", _I)):
        span = name_at(value)
        if span:
            evidence.append(Evidence(span.text, 0.85, "caption", line=index))
    # a name with a date of birth beside it, anywhere ("Jane Roe, date of birth 01/02/1980")
    for match in _DOB_CUE.finditer(doc.flat):
        before = doc.flat[max(0, match.start() - 60) : match.start()]
        before = re.sub(r"[\s,(\-–]+$", "", before)
        before = re.sub(r"(?:\s+(?:patient|member|client|insured)(?:'s)?)+$", "", before, flags=_I)
        span = name_before(before)
        if span:
            evidence.append(Evidence(span.text, 0.85, "dob"))
    # the person the prose is about
    for span in names_in(doc.flat):
        if credentials_after(doc.flat, span.end):
            continue
        if _PROSE_BEFORE.search(doc.flat[max(0, span.start - 40) : span.start]) or _PROSE_AFTER.match(
            doc.flat[span.end : span.end + 40]
        ):
            evidence.append(Evidence(span.text, 0.75, "prose"))
        if _FOR_PERSON.search(doc.flat[max(0, span.start - 12) : span.start]):
            evidence.append(Evidence(span.text, 0.7, "for"))
    best, confidence = decide(evidence, exclude=provider_keys)
    dob, dob_confidence, among_several = find_dob(doc, date_order, best.name if best else None)
    if among_several:
        dob_confidence = min(dob_confidence, max(confidence, 0.6))  # no surer than whose birth date it is
    return (best.name if best else None), dob, confidence, dob_confidence


def find_dob(doc: LetterDoc, date_order: str, patient: str | None) -> tuple[date | None, float, bool]:
    """The patient's date of birth: the date after a birth-date cue; when the letter gives several
    (the account holder's too), the one on the patient's line or after a patient's label.
    Returns (date, confidence, whether it was chosen among several)."""
    found: list[tuple[date, float, str]] = []  # (date, confidence, text before it on its line)
    for index, line in enumerate(doc.texts):
        for match in _DOB_CUE.finditer(line):
            dates = find_dates(line[match.end() : match.end() + 40], date_order)
            if dates:
                found.append((dates[0].value, 0.9, line[: match.start()]))
            elif not line[match.end() :].strip(" :()/-.MDYmdy") and index + 1 < len(doc.texts):
                dates = find_dates(doc.texts[index + 1], date_order)
                if dates:
                    found.append((dates[0].value, 0.8, line[: match.start()]))
    if not found:
        for _, row in doc.under_caption(re.compile(r"date\s+of\s+birth|\bdob\b|birth\s*date", _I)):
            dates = find_dates(row, date_order)
            if dates:
                found.append((dates[-1].value if len(dates) > 1 and patient else dates[0].value, 0.8, ""))
                break
    if not found:
        return None, 0.0, False
    if len({born for born, _, _ in found}) == 1:
        return found[0][0], found[0][1], False
    for born, confidence, before in found:
        if re.search(r"patient|client", before[-30:], _I):
            return born, confidence, True
    names = [w.lower() for w in (patient or "").split() if len(w.rstrip(".")) > 1]
    for born, confidence, before in found:
        if names and all(n in before.lower() for n in names):
            return born, confidence, True
    return found[0][0], 0.6, True  # several people's birth dates, none clearly the patient's


# ---- provider --------------------------------------------------------------------------------

SIGNATURE_CUE = re.compile(
    r"/s/|(?:electronically|digitally)\s+(?:signed|authenticated|approved)(?:\s+by)?|signed\s+(?:electronically\s+|digitally\s+)?by"
    r"|authenticated\s+(?:electronically\s+)?by|\be-?\s?signed(?:\s+by)?|\be-?signature(?:\s+on\s+file)?|signature\s+on\s+file",
    _I,
)
_PROVIDER_LABEL = re.compile(
    r"\b(?:clinician|provider|physician|practitioner|prescriber|doctor|attending|treating\s+(?:provider|physician|clinician)"
    r"|ordering\s+(?:provider|physician)|referring\s+(?:provider|physician))(?:'s)?(?:\s+name)?\s*[:#\-–]?",
    _I,
)
_NAME_LABEL = re.compile(r"(?:^|\s)(?:\d{1,2}\s?\.\s?)?name\s*[:#\-–]?(?=\s)", _I)
CLOSING = re.compile(
    r"^\W*(?:(?:sincerely|respectfully|regards|best\s+regards|kind\s+regards|yours\s+(?:truly|sincerely)|cordially|warm\s+regards)\b"
    r"|(?:thank\s+you|thanks|with\s+thanks|best|warmly)\W*$)",
    _I,
)
_ROLE_WORD = re.compile(
    r"\b(patient|participant|account\s+holder|member|employee|practitioner|provider|physician|prescriber|clinician)", _I
)


def _section_role(doc: LetterDoc, index: int) -> str | None:
    """Whether the lines just above ``index`` are about the patient or the provider."""
    for text in reversed(doc.texts[max(0, index - 8) : index]):
        roles = _ROLE_WORD.findall(text)
        if roles:
            word = roles[-1].lower()
            return (
                "provider"
                if word in ("practitioner", "provider", "physician", "prescriber", "clinician")
                else "patient"
            )
    return None


def find_provider(doc: LetterDoc) -> tuple[str | None, str | None, float, list[Evidence]]:
    """(name, credentials, confidence, all evidence)."""
    evidence: list[Evidence] = []
    closing_lines: set[int] = set()
    for index, text in enumerate(doc.texts):
        if CLOSING.match(text):
            closing_lines.update(range(index + 1, index + 6))
    for index, text in enumerate(doc.texts):
        for match in SIGNATURE_CUE.finditer(text):
            rest = re.sub(r"^\s*[:\-–]?\s*(?:dr\.?\s+)?", "", text[match.end() :], flags=_I)
            span = name_at(rest)
            if span:
                evidence.append(Evidence(span.text, 0.9, "signature", credentials_after(rest, span.end), index))
        for match in _PROVIDER_LABEL.finditer(text):
            value = text[match.end() :]
            span = name_at(value)
            if span:
                evidence.append(Evidence(span.text, 0.85, "label", credentials_after(value, span.end), index))
        for match in _NAME_LABEL.finditer(text):
            if re.search(r"patient|participant|holder|member|employee", text[: match.start()], _I):
                continue
            # a provider's section, or a row that also holds the provider's own fields
            if _section_role(doc, index) != "provider" and not re.search(
                r"credentials?|specialty|npi|licen[sc]e", text[match.end() :], _I
            ):
                continue
            value = text[match.end() :]
            span = name_at(value)
            if span:
                evidence.append(Evidence(span.text, 0.85, "form", credentials_after(value, span.end), index))
        for span in names_in(text):
            credentials = credentials_after(text, span.end)
            before = text[max(0, span.start - 4) : span.start]
            if credentials:
                weight = 0.9 if index in closing_lines else 0.8
                evidence.append(Evidence(span.text, weight, "credentials", credentials, index))
            elif re.search(r"\bdr\.?\s*$", before, _I):
                evidence.append(Evidence(span.text, 0.7, "title", None, index))
            elif index in closing_lines and span.start <= 3 and not SIGNATURE_CUE.search(text):
                evidence.append(Evidence(span.text, 0.75, "closing", None, index))
    for index, value in doc.under_caption(
        re.compile(r"(?:provider|physician|practitioner|prescriber)(?:'s)?\s+name", _I)
    ):
        span = name_at(value)
        if span:
            evidence.append(Evidence(span.text, 0.85, "caption", credentials_after(value, span.end), index))
    best, confidence = decide(evidence)
    if best is None:
        return None, None, 0.0, evidence
    same = [e for e in evidence if person_key(e.name) == person_key(best.name)]
    credentials = _credentials_of(doc, same)
    return best.name, credentials, confidence, evidence


def _credentials_of(doc: LetterDoc, evidence: list[Evidence]) -> str | None:
    ranked = sorted((e for e in evidence if e.credentials), key=lambda e: -e.weight)
    if ranked:
        return ranked[0].credentials
    # a form's own field: "Credentials  NP", or under a "Credentials" caption
    for _, value in doc.labelled(re.compile(r"\bcredentials?\s*[:#]?", _I)):
        match = CREDENTIAL.match(value.strip(" :|"))
        if match:
            return match.group(0)
    for _, value in doc.under_caption(re.compile(r"\bcredentials?\b", _I)):
        for span in names_in(value):
            found = credentials_after(value, span.end)
            if found:
                return found
        match = CREDENTIAL.search(value)
        if match:
            return match.group(0)
    surname = evidence[0].name.split()[-1] if evidence else None
    if surname:
        match = re.search(rf"{re.escape(surname)}\s*,?\s*({CREDENTIAL.pattern})", doc.text)
        if match:
            return match.group(1)
    return None


# ---- identifiers -----------------------------------------------------------------------------


def find_npi(doc: LetterDoc) -> tuple[str | None, float]:
    """The NPI: a 10-digit number with a right check digit, surest with its label before it."""
    labelled_valid: list[str] = []
    labelled_invalid = False
    unlabelled: list[str] = []
    for index, text in enumerate(doc.texts):
        labels = [m.end() for m in NPI_LABEL.finditer(text)]
        caption_above = index > 0 and NPI_LABEL.search(doc.texts[index - 1]) and is_caption_line(doc.texts[index - 1])
        for number, start, _ in ten_digit_numbers(text):
            near = any(0 <= start - end <= 25 for end in labels) or bool(caption_above)
            valid = npi_is_valid(number)
            if near and valid:
                labelled_valid.append(number)
            elif near:
                labelled_invalid = True
            elif valid and not LICENSE_LABEL.search(text[max(0, start - 30) : start]):
                unlabelled.append(number)
    distinct = list(dict.fromkeys(labelled_valid))
    if distinct:
        return distinct[0], 0.95 if len(distinct) == 1 else 0.6
    if unlabelled and not labelled_invalid:
        return unlabelled[0], 0.5
    return None, 0.0


def find_license(doc: LetterDoc, npi: str | None) -> tuple[str | None, float]:
    for text in doc.texts:
        for match in LICENSE_LABEL.finditer(text):
            value = license_value(text[match.end() : match.end() + 60])
            if value and value != npi and not NPI_LABEL.fullmatch(value):
                return value, 0.9
    for _, value in doc.under_caption(re.compile(r"licen[sc]e", _I)):
        for token in value.split():
            found = license_value(token)
            if found and found != npi and not re.fullmatch(r"\d{10}", found) and not find_dates(token):
                return found, 0.75
    return None, 0.0


_PHONE = re.compile(r"(?<![\d-])\(?\b\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}\b")


def find_contact(doc: LetterDoc) -> str | None:
    for text in doc.texts:
        if re.search(r"provider|office|tel\b|phone|support|practice|clinic|contact|questions|\bT\b", text, _I):
            for match in _PHONE.finditer(text):
                if re.search(r"fax\W*$", text[max(0, match.start() - 8) : match.start()], _I):
                    continue
                if not re.search(r"\b1-8\d\d", text[max(0, match.start() - 3) : match.end()]):
                    return match.group(0)
    for text in doc.texts:
        phone = _PHONE.search(text)
        if phone and not re.search(r"fax", text[: phone.start()], _I):
            return phone.group(0)
    return None


# ---- signature -------------------------------------------------------------------------------

_UNSIGNED = re.compile(r"\bunsigned\b|\bnot\s+signed\b|signature\s*:?\s*_{3,}\s*$", _I | re.M)
_SIGNATURE_ROW = re.compile(
    r"(?:provider|physician|practitioner|prescriber|clinician)(?:'s)?\s+signature|signature\s+of\s+(?:provider|physician|practitioner)",
    _I,
)


def find_signed(doc: LetterDoc, provider: str | None) -> tuple[bool, float]:
    if SIGNATURE_CUE.search(doc.text):
        return True, 0.95
    if _UNSIGNED.search(doc.text):
        return False, 0.8
    if not doc.ocr:
        signed, confidence = _drawn_signature(doc, provider)
        if not signed and re.search(r"\bsignature\s*:\s*[A-Z][a-z]+\s+[A-Z]", doc.text):
            return True, 0.6  # a typed name on the signature line: an electronic signature, doubtfully
        return signed, confidence
    lines = doc.texts
    for index, line in enumerate(lines):
        if _SIGNATURE_ROW.search(line):
            neighbours = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
            if any(n in doc.scrawled for n in neighbours):
                return True, 0.7  # handwriting in the signature row, beside the date
            following = lines[index + 1] if index + 1 < len(lines) else ""
            rest = following
            for match in reversed(find_dates(following)):
                rest = rest[: match.start] + rest[match.end :]
            if find_dates(following) and len(re.findall(r"[A-Za-z]", rest)) == 0:
                return False, 0.6
            return True, 0.6
    # OCR drops a faint or scribbled signature: nothing between a closing and the typed name
    # proves nothing. Only an empty signature row of a form counts as unsigned.
    return True, 0.4


def _drawn_signature(doc: LetterDoc, provider: str | None) -> tuple[bool, float]:
    """A text layer never carries a hand signature as text: it is a drawing or a picture near
    the signature block (above the typed name, or on the signature row of a form)."""
    anchors: list[tuple[int, float, float]] = []  # (page, top, bottom) of the lines a signature stands by
    surname = provider.split()[-1].lower() if provider else None
    for line in doc.lines:
        text = line.text
        if (
            CLOSING.match(text)
            or _SIGNATURE_ROW.search(text)
            or re.search(r"\bsignature\b", text, _I)
            or (surname and surname in text.lower() and CREDENTIAL.search(text))
        ):
            if line.measured:
                anchors.append((line.page, line.top, line.bottom))
    marks = [(p.index, m) for p in doc.pages for m in p.marks]
    for page, (x0, top, x1, bottom) in marks:
        width, height = x1 - x0, bottom - top
        if width < 30 or height > 80:
            continue
        for anchor_page, anchor_top, anchor_bottom in anchors:
            if anchor_page == page and anchor_top - 70 <= bottom and top <= anchor_bottom + 40:
                return True, 0.85
    if not anchors:
        return True, 0.4  # no signature block seen at all: nothing to judge by
    return False, 0.7


__all__ = [
    "CLOSING",
    "SIGNATURE_CUE",
    "Evidence",
    "decide",
    "find_contact",
    "find_license",
    "find_npi",
    "find_patient",
    "find_provider",
    "find_signed",
    "person_key",
]
