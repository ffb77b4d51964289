"""Read one document: sniff -> text per page (text layer, else OCR) -> classify -> parse.

Runs in the calling process; untrusted files should go through hsawallet.ingest.pool,
which runs this in a worker process with time and memory limits.
"""

from __future__ import annotations

import re

from hsawallet.ingest.model import DOUBTFUL, IngestError, PageText, ReadResult, ReceiptFields
from hsawallet.ingest.sniff import PDF, sniff


def extract_pages(data: bytes, media_type: str, *, psm: int | None = None) -> list[PageText]:
    """Text of every page; raises IngestError for unreadable documents."""
    if media_type == PDF:
        from hsawallet.ingest.pdftext import extract_pdf_pages

        return extract_pdf_pages(data, psm=psm)
    from hsawallet.ingest.images import load_pages
    from hsawallet.ingest.ocr import read_image_text

    pages = []
    for index, image in enumerate(load_pages(data, media_type)):
        dpi = _image_dpi(image)
        result = read_image_text(image, dpi=dpi, psm=psm)
        pages.append(result.page_text(index))
    return pages


def _image_dpi(image) -> int | None:
    """The resolution a scanner recorded, when plausible; photos carry none that means anything."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and 150 <= value <= 1200 else None


def read_document(data: bytes, *, filename: str, date_order: str = "mdy", people: tuple[str, ...] = ()) -> ReadResult:
    """Everything the app reads from one document. ``filename`` is not trusted for the type;
    ``people`` are the names of the vault's people (a letter's patient is likely one of them)."""
    media_type = sniff(data)
    pages = extract_pages(data, media_type)
    if not any(page.text.strip() for page in pages):
        return ReadResult(media_type=media_type, page_count=len(pages), pages=pages, kind="other", kind_confidence=0.0)

    from hsawallet.ingest.classify import classify

    kind, kind_confidence = classify(pages)
    result = ReadResult(
        media_type=media_type, page_count=len(pages), pages=pages, kind=kind, kind_confidence=kind_confidence
    )
    if kind == "receipt":
        from hsawallet.ingest.receipt import parse_receipt

        result.receipt = parse_receipt(pages, date_order=date_order)
        if any(page.second_reading for page in pages):
            second_pages = [page.second_reading or page for page in pages]
            weigh_second_reading(result.receipt, parse_receipt(second_pages, date_order=date_order))
    elif kind == "letter":
        from hsawallet.ingest.letter import parse_letter

        result.letter = parse_letter(pages, date_order=date_order, people=people)
        if _letter_gaps(result.letter) and any(page.source == "ocr" for page in pages):
            # A single-block read (psm 6) can drop whole value rows of a form; the automatic
            # layout keeps them. Worth a second OCR pass only when key fields are missing.
            second_pages = extract_pages(data, media_type, psm=AUTO_LAYOUT_PSM)
            _fill_letter_gaps(result.letter, parse_letter(second_pages, date_order=date_order, people=people))
    return result


# Receipt fields two OCR engines' readings are weighed on, one by one. The item list stays the
# first reading's (tesseract keeps a line's words in their columns, which item rows need) unless
# only the second's adds up to the subtotal.
_WEIGHED_RECEIPT_FIELDS = ("merchant", "date", "total", "subtotal", "tax", "card_last4")
# Two engines reading a field differently is doubt, whichever is taken: below "sure", so the
# field is shown for review.
DISAGREEMENT_CONFIDENCE = DOUBTFUL
# Letters two readings of a name must share before one is taken for an extension of the other.
MIN_NAME_LETTERS = 5
# Letters in a hundred two readings of one name may differ by (misread letters, "&" read as "S").
NEAR_NAME_SHARE = 0.1
# An extension this short is a legal form or an edge mark, not words of the name ("Inc", "LLC").
SHORT_TAIL_LETTERS = 4


def weigh_second_reading(first: ReceiptFields, second: ReceiptFields) -> None:
    """Each field from the engine more sure of it. Where the two agree the first stands; where
    only one found a value it is taken as that engine read it; where they differ the more
    confident value is taken, and marked doubtful. Text that differs only in spaces and
    punctuation agrees: the line recogniser drops the spaces between words that tesseract keeps."""
    for name in _WEIGHED_RECEIPT_FIELDS:
        mine, theirs = getattr(first, name), getattr(second, name)
        if theirs is None or mine == theirs or (isinstance(mine, str) and _letters(mine) == _letters(theirs)):
            continue
        if name == "merchant" and mine is not None and _one_extends_the_other(mine, theirs):
            if _fuller_name(mine, theirs) != mine:
                first.merchant = theirs
                first.confidence[name] = second.confidence.get(name, 0.0)
            continue
        if name == "merchant" and mine is not None and _nearly_the_same(mine, theirs):
            # a letter or two read differently: the reading that kept more of the spaces between
            # words stands, else the more confident one; either way a letter is in doubt
            my_confidence, their_confidence = first.confidence.get(name, 0.0), second.confidence.get(name, 0.0)
            if (theirs.count(" "), their_confidence) > (mine.count(" "), my_confidence):
                first.merchant, my_confidence = theirs, their_confidence
            first.confidence[name] = min(my_confidence, DISAGREEMENT_CONFIDENCE)
            continue
        my_confidence, their_confidence = first.confidence.get(name, 0.0), second.confidence.get(name, 0.0)
        if mine is None:
            setattr(first, name, theirs)
            first.confidence[name] = their_confidence
            continue
        if their_confidence > my_confidence:
            setattr(first, name, theirs)
        first.confidence[name] = min(max(my_confidence, their_confidence), DISAGREEMENT_CONFIDENCE)
    # tesseract's rows stand, unless they miss or misread an amount and the other engine's rows
    # add up to the subtotal (the sum is the check that no row was lost)
    if not _items_add_up(first.items, first) and _items_add_up(second.items, first):
        first.items = second.items


def _letters(text: object) -> str:
    return re.sub(r"[\W_]+", "", str(text)).casefold()


def _items_add_up(items, fields: ReceiptFields) -> bool:
    """The items' amounts add up to the subtotal (or to the total where no tax is added)."""
    from hsawallet.ingest.receipt import items_reference

    reference = items_reference(fields.subtotal, fields.tax, fields.total)
    amounts = [item.amount for item in items]
    return bool(items) and reference is not None and None not in amounts and sum(amounts) == reference


def _one_extends_the_other(mine: str, theirs: str) -> bool:
    """Two readings of one name, one's letters all of the other's and more."""
    shorter, longer = sorted((_letters(mine), _letters(theirs)), key=len)
    return len(shorter) >= MIN_NAME_LETTERS and longer.startswith(shorter)


def _nearly_the_same(mine: str, theirs: str) -> bool:
    """Two readings of one name that differ in a letter or two ("STATIONERY & BOOKS" and
    "STATIONERYSBOOKS"), compared without spaces and punctuation."""
    from rapidfuzz.distance import Levenshtein

    a, b = _letters(mine), _letters(theirs)
    return min(len(a), len(b)) >= MIN_NAME_LETTERS and Levenshtein.distance(a, b) <= max(
        1, int(NEAR_NAME_SHARE * max(len(a), len(b)))
    )


def _fuller_name(mine: str, theirs: str) -> str:
    """Of two readings of one name, the one to keep. A tail of a few letters is a legal form the
    line reader glued on ("PharmacyCorp"), or a mark at the paper's edge read as letters: the
    shorter stands. A longer tail is words of the name that one reading left out ("... Strength
    House" under a logo): the fuller stands."""
    from hsawallet.ingest.receipt_merchant import extends_name

    shorter, longer = sorted((mine, theirs), key=lambda text: len(_letters(text)))
    if len(_letters(longer)) - len(_letters(shorter)) <= SHORT_TAIL_LETTERS and extends_name(longer, shorter):
        return shorter
    return longer  # also where the shorter stops inside a word: a name cut short ("Optom")


# Fields that are read together: a group comes from the second pass only when the first
# pass found nothing for its lead field, so a value read the first time is never replaced.
_LETTER_FIELD_GROUPS = (
    ("patient_name",),
    ("patient_dob",),
    ("provider_name",),
    ("provider_credentials",),
    ("provider_npi",),
    ("provider_license",),
    ("provider_contact",),
    ("icd10", "diagnosis"),
    ("items", "categories", "frequency", "duration_months"),
    ("issue_date", "valid_through", "valid_through_stated"),
)


def _fill_letter_gaps(first, second) -> None:
    for group in _LETTER_FIELD_GROUPS:
        if not getattr(first, group[0]) and getattr(second, group[0]):
            for name in group:
                setattr(first, name, getattr(second, name))
                if name in second.confidence:
                    first.confidence[name] = second.confidence[name]
    first.signed = first.signed or second.signed
    first.medical_necessity_statement = first.medical_necessity_statement or second.medical_necessity_statement
    # an element is missing only if neither pass found it
    first.missing = [key for key in first.missing if key in set(second.missing)]


AUTO_LAYOUT_PSM = 3
_LETTER_KEY_FIELDS = (
    "patient_name",
    "provider_name",
    "provider_credentials",
    "provider_npi",
    "issue_date",
    "icd10",
    "categories",
)


def _letter_gaps(letter) -> int:
    return sum(1 for name in _LETTER_KEY_FIELDS if not getattr(letter, name))


def parse_as(pages: list[PageText], kind: str, *, media_type: str, date_order: str = "mdy") -> ReadResult:
    """Read text already extracted as the kind the user says the document is (a reclassification):
    no second OCR pass, and the user's word is certain."""
    result = ReadResult(media_type=media_type, page_count=len(pages), pages=pages, kind=kind, kind_confidence=1.0)
    if kind == "receipt":
        from hsawallet.ingest.receipt import parse_receipt

        result.receipt = parse_receipt(pages, date_order=date_order)
    elif kind == "letter":
        from hsawallet.ingest.letter import parse_letter

        result.letter = parse_letter(pages, date_order=date_order)
    return result


__all__ = ["IngestError", "extract_pages", "parse_as", "read_document"]
