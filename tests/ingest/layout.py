"""Pages laid out in a test: text PDFs with text placed at given positions and sizes, read back
through the app's own PDF reader, or PageText built from words directly."""

from __future__ import annotations

import io

from hsawallet.ingest.model import PageText, Word


def placed_pdf_bytes(pages: list[list[tuple[float, float, str, float]]]) -> bytes:
    """A US Letter PDF; each page a list of (x, y from the top, text, font size) in points."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    height = letter[1]
    for placed in pages:
        for x, y, text, size in placed:
            c.setFont("Helvetica-Bold" if size >= 14 else "Helvetica", size)
            c.drawString(x, height - y, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def read_placed(pages: list[list[tuple[float, float, str, float]]]) -> list[PageText]:
    from hsawallet.ingest.pdftext import extract_pdf_pages

    return extract_pdf_pages(placed_pdf_bytes(pages))


def page_of_words(rows: list[list[tuple[float, str]]], *, size: float = 10.0, gap: float = 14.0) -> PageText:
    """A PageText from rows of (x, word); rows stand ``gap`` apart, words ``size`` high."""
    words: list[Word] = []
    lines: list[str] = []
    for r, row in enumerate(rows):
        top = 40 + r * gap
        for x, text in row:
            words.append(Word(text, x, top, x + 6 * len(text), top + size))
        lines.append(" ".join(t for _, t in row))
    return PageText(
        index=0, text="\n".join(lines), source="ocr", confidence=0.9, words=tuple(words), width=600.0, height=800.0
    )
