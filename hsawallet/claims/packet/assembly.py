"""The packet put together: the cover laid out first, then every page added and stamped in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from pypdf import PdfWriter
from reportlab.pdfgen.canvas import Canvas

from hsawallet.claims.model import ClaimPacketInput
from hsawallet.claims.packet.cover import layout_cover
from hsawallet.claims.packet.images import append_image_pages
from hsawallet.claims.packet.notice import add_notice_page
from hsawallet.claims.packet.sources import Source
from hsawallet.claims.packet.stamp import PacketWriter, append_pdf_pages, drawn_pages
from hsawallet.claims.packet.style import pdf_text
from hsawallet.claims.packet.table import draw_pages


@dataclass
class PacketInfo:
    page_count: int
    cover_pages: int
    receipt_pages: dict[int, int]  # document_id -> first page (1-based)
    letter_pages: dict[int, int]  # document_id -> first page (1-based)
    unreadable: list[int] = field(default_factory=list)  # document_ids shown as a notice page


def build_packet(inp: ClaimPacketInput, out: BinaryIO) -> PacketInfo:
    """Write the claim packet PDF to `out` and tell where each document starts."""
    sources = [Source.load(doc, "receipt") for doc in inp.ordered_receipts()]
    sources += [Source.load(doc, "letter") for doc in inp.ordered_letters()]

    cover = layout_cover(inp, sources)
    cover_pages = len(cover)
    starts = _document_starts(cover_pages, sources)
    total = cover_pages + sum(s.page_count for s in sources)

    writer = PdfWriter()
    writer.pdf_header = "%PDF-1.4"  # the stamp band's transparency (/ca) is PDF 1.4; documents may raise it
    packet = PacketWriter(writer)

    def draw_cover(c: Canvas) -> None:
        draw_pages(c, cover, starts)

    append_pdf_pages(packet, drawn_pages(draw_cover), 1, total, inp.title)
    for source, start in zip(sources, starts):
        if source.reader is not None:
            append_pdf_pages(packet, source.reader, start, total, inp.title)
        elif source.image is not None:
            append_image_pages(packet, source, start, total, inp.title)
        else:
            add_notice_page(
                packet, "This document could not be rendered into the packet.", source, start, total, inp.title
            )
    writer.add_metadata({"/Title": pdf_text(inp.title), "/Producer": "HSA Wallet"})
    writer.write(out)

    return PacketInfo(
        page_count=total,
        cover_pages=cover_pages,
        receipt_pages={s.doc.document_id: starts[i] for i, s in enumerate(sources) if s.role == "receipt"},
        letter_pages={s.doc.document_id: starts[i] for i, s in enumerate(sources) if s.role == "letter"},
        unreadable=[s.doc.document_id for s in sources if s.unreadable],
    )


def _document_starts(cover_pages: int, sources: list[Source]) -> list[int]:
    starts, page = [], cover_pages + 1
    for source in sources:
        starts.append(page)
        page += source.page_count
    return starts
