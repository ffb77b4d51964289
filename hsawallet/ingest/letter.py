"""Read a Letter of Medical Necessity (a free letter, a telehealth summary, a care plan, a plan's form).

Entities first (``letter_entities``: names, credentials, NPIs, ICD-10-CM codes, licenses,
dates), then their roles from the evidence around them (``letter_roles``: patient, provider,
signature; ``letter_dates``: issue date and validity; ``letter_items``: recommended items,
categories, duration, the necessity statement). Every field carries a confidence that is high
only when its evidence is strong and agrees. Then the letter is audited against the checklist
of elements administrators require.
"""

from __future__ import annotations

import re

from dateutil.relativedelta import relativedelta

from hsawallet.ingest.categories import Categories, load_categories
from hsawallet.ingest.dates import default_valid_through
from hsawallet.ingest.letter_dates import issue_date, stated_end, stated_months
from hsawallet.ingest.letter_doc import LetterDoc
from hsawallet.ingest.letter_entities import icd10_codes
from hsawallet.ingest.letter_items import (
    categories_from_text,
    duration_months,
    item_categories,
    necessity_stated,
    recommended_items,
)
from hsawallet.ingest.letter_roles import (
    find_contact,
    find_license,
    find_npi,
    find_patient,
    find_provider,
    find_signed,
    person_key,
)
from hsawallet.ingest.model import LetterFields, PageText
from hsawallet.ingest.validate import describe_icd10
from hsawallet.vocab import LetterElement

CHECKLIST = tuple(LetterElement)

_I = re.IGNORECASE


def _diagnosis(doc: LetterDoc, codes: list[str]) -> str | None:
    caption = re.compile(
        r"\W*(?:icd-?10(?:-cm)?\s+)?(?:treatment\s+)?(?:diagnos[ie]s|conditions?|assessment)(?:\s*/\s*medical\s+condition)?\W*",
        _I,
    )
    for index, text in enumerate(doc.texts):
        if caption.fullmatch(text):
            for value in doc.texts[index + 1 : index + 3]:
                if caption.fullmatch(value):
                    continue
                value = re.sub(r"^\W*[A-Z]\d[0-9A-Z.]*\s+", "", value)
                if re.search(r"[a-z]{3}", value) and not re.search(r"\bicd\b|code", value, _I):
                    return value.strip(" :|")
                break
    label = re.compile(
        r"(?:diagnosis(?:\s*/\s*medical\s+condition)?|condition\(?s?\)?\s+treated|condition|assessment)\s*[:\-]?\s*(.+)$",
        _I,
    )
    for text in doc.texts:
        match = label.match(text.strip())
        if (
            match
            and re.search(r"[a-z]{3}", match.group(1))
            and not match.group(1).startswith("/")
            and not re.search(r"icd|code", match.group(1), _I)
        ):
            return match.group(1).strip(" :|")
    for pattern in (
        r"(?:under\s+my\s+care|being\s+treated|treated(?:\s+by\s+me)?|followed)\s+for\s+(.+?)(?:\s*\(|,\s*ICD|\.\s|$)",
        r"for\s+the\s+treatment\s+of\s+(.+?)(?:\s*\(|\.\s|$)",
        r"(?:suffers|suffering)\s+from\s+(.+?)(?:\s*\(|\.\s|$)",
    ):
        match = re.search(pattern, doc.flat, _I)
        if match and 3 <= len(match.group(1)) <= 160:
            return match.group(1).strip(" ,.")
    described = [d for d in (describe_icd10(c) for c in codes) if d]
    return "; ".join(described) if described else None


def parse_letter(
    pages: list[PageText],
    *,
    date_order: str = "mdy",
    categories: Categories | None = None,
    people: tuple[str, ...] | list[str] = (),
) -> LetterFields:
    """The fields of a Letter of Medical Necessity, with the checklist items it lacks. ``people``
    are names the patient is likely among (the vault's people): evidence, never a constraint."""
    categories = categories or load_categories()
    doc = LetterDoc.of(pages)
    result = LetterFields()
    confidence: dict[str, float] = {}

    name, credentials, confidence["provider_name"], _ = find_provider(doc)
    result.provider_name, result.provider_credentials = name, credentials
    confidence["provider_credentials"] = confidence["provider_name"] if credentials else 0.0
    provider_keys = {person_key(name)} if name else set()
    result.patient_name, result.patient_dob, confidence["patient_name"], confidence["patient_dob"] = find_patient(
        doc, date_order, provider_keys, people
    )
    result.provider_npi, confidence["provider_npi"] = find_npi(doc)
    result.provider_license, confidence["provider_license"] = find_license(doc, result.provider_npi)
    result.provider_contact = find_contact(doc)
    confidence["provider_contact"] = 0.8 if result.provider_contact else 0.0
    result.icd10 = icd10_codes(doc.text, ocr=doc.ocr)
    confidence["icd10"] = (0.9 if not doc.ocr else 0.85) if result.icd10 else 0.0
    result.diagnosis = _diagnosis(doc, result.icd10)
    confidence["diagnosis"] = 0.7 if result.diagnosis else 0.0

    result.items, frequencies, how = recommended_items(doc)
    result.frequency = "; ".join(dict.fromkeys(frequencies)) if frequencies else None
    result.duration_months = duration_months(doc, frequencies, result.items)
    result.categories, every_item_known = item_categories(result.items, categories)
    confidence["items"] = 0.85 if result.items and how != "prose" else (0.7 if result.items else 0.0)
    confidence["categories"] = (confidence["items"] if every_item_known else 0.5) if result.categories else 0.0
    if not result.items:
        # no item stands out as one: the categories the recommending sentences name, doubtfully
        result.categories = categories_from_text(doc, categories)
        confidence["categories"] = 0.5 if result.categories else 0.0

    result.issue_date, confidence["issue_date"] = issue_date(doc, date_order)
    end, end_confidence = stated_end(doc, date_order)
    if end is not None and result.issue_date is not None and end <= result.issue_date:
        end, end_confidence = None, 0.0  # an end before the issue is some other date
    if end is not None:
        result.valid_through, result.valid_through_stated = end, True
        confidence["valid_through"] = end_confidence
        if result.issue_date is None:
            # a letter that prints only its end date: assume the usual 12-month validity
            result.issue_date = end - relativedelta(months=12) + relativedelta(days=1)
            confidence["issue_date"] = 0.3
    elif result.issue_date is not None:
        months = stated_months(doc) or 12
        result.valid_through = default_valid_through(result.issue_date, months)
        confidence["valid_through"] = round(confidence["issue_date"] * 0.95, 2)
    else:
        confidence["valid_through"] = 0.0

    result.signed, confidence["signed"] = find_signed(doc, result.provider_name)
    result.medical_necessity_statement = necessity_stated(doc)
    confidence["medical_necessity_statement"] = 0.8

    present = {
        "patient_name": result.patient_name is not None,
        "patient_dob": result.patient_dob is not None,
        "diagnosis": result.diagnosis is not None or bool(result.icd10),
        "icd10": bool(result.icd10),
        "recommended_items": bool(result.items),
        "duration": result.frequency is not None or result.duration_months is not None,
        "medical_necessity_statement": result.medical_necessity_statement,
        "provider_name": result.provider_name is not None,
        "provider_credentials": result.provider_credentials is not None,
        "provider_license": result.provider_license is not None,
        "provider_npi": result.provider_npi is not None,
        "provider_contact": result.provider_contact is not None,
        "issue_date": result.issue_date is not None,
        "signature": result.signed,
    }
    result.missing = [key for key in CHECKLIST if not present[key]]
    ocr_factor = min([1.0] + [max(0.5, p.confidence) for p in pages if p.source == "ocr"])
    result.confidence = {k: round(v * ocr_factor, 2) if v else 0.0 for k, v in confidence.items()}
    return result


__all__ = ["CHECKLIST", "parse_letter"]
