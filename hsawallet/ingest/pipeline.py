"""Read one document: sniff -> text per page (text layer, else OCR) -> classify -> parse.

Runs in the calling process; untrusted files should go through hsawallet.ingest.pool,
which runs this in a worker process with time and memory limits.
"""

from __future__ import annotations

from hsawallet.ingest.model import IngestError, PageText, ReadResult
from hsawallet.ingest.sniff import PDF, sniff


def extract_pages(data: bytes, media_type: str) -> list[PageText]:
    """Text of every page; raises IngestError for unreadable documents."""
    if media_type == PDF:
        from hsawallet.ingest.pdftext import extract_pdf_pages

        return extract_pdf_pages(data)
    from hsawallet.ingest.images import load_pages
    from hsawallet.ingest.ocr import read_image_text

    pages = []
    for index, image in enumerate(load_pages(data, media_type)):
        dpi = _image_dpi(image)
        result = read_image_text(image, dpi=dpi)
        pages.append(PageText(index=index, text=result.text, source="ocr", confidence=result.confidence))
    return pages


def _image_dpi(image) -> int | None:
    """The resolution a scanner recorded, when plausible; photos carry none that means anything."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and 150 <= value <= 1200 else None


def read_document(data: bytes, *, filename: str, date_order: str = "mdy") -> ReadResult:
    """Everything the app reads from one document. ``filename`` is not trusted for the type."""
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
    elif kind == "letter":
        from hsawallet.ingest.letter import parse_letter

        result.letter = parse_letter(pages, date_order=date_order)
    return result


__all__ = ["IngestError", "extract_pages", "read_document"]
