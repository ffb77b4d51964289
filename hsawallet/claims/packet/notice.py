"""A page that stands in for a document (or a page of one) that could not be rendered."""

from __future__ import annotations

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from hsawallet.claims.packet.sources import Source
from hsawallet.claims.packet.stamp import PacketWriter, append_pdf_pages, drawn_pages
from hsawallet.claims.packet.style import BOLD, INK, REGULAR, pdf_text

# A notice line is cut here: longer would run past the page's right margin at 10 pt.
NOTICE_LINE_CHARS = 110


def add_notice_page(out: PacketWriter, headline: str, source: Source, number: int, total: int, title: str) -> None:
    role = "Receipt" if source.role == "receipt" else "Letter"
    lines = [
        f"{role} file: {pdf_text(source.doc.file)}",
        f"SHA-256: {source.doc.sha256}",
        "The original file is included unchanged in the claim bundle (ZIP).",
    ]

    def draw(c: Canvas) -> None:
        c.setFillColor(INK)
        c.setFont(BOLD, 14)
        c.drawString(inch, LETTER[1] - 1.5 * inch, headline)
        c.setFont(REGULAR, 10)
        for n, line in enumerate(lines):
            c.drawString(inch, LETTER[1] - (1.9 + 0.25 * n) * inch, line[:NOTICE_LINE_CHARS])
        c.showPage()

    append_pdf_pages(out, drawn_pages(draw), number, total, title)
