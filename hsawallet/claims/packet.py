"""Claim packet PDF: a cover sheet, then each receipt, then each covering letter.

The cover is laid out with reportlab platypus; PDF documents keep their own pages
(and text layer) through pypdf; photos and scans become US Letter pages. Every page
gets "Page N of M" and the claim title.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import escape

import pillow_heif
from PIL import Image, ImageOps, ImageSequence
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from hsawallet.claims.model import ClaimDocument, ClaimPacketInput

log = logging.getLogger(__name__)

pillow_heif.register_heif_opener()

# Image pages: margins leave the bottom strip free for the page stamp.
IMAGE_MARGIN = 0.5 * inch
IMAGE_BOTTOM_MARGIN = 0.65 * inch
TARGET_DPI = 200  # readable and OCR-able once printed or zoomed
MAX_KEEP_DPI = 260  # a JPEG at most this dense is embedded as is (no re-encode)
JPEG_QUALITY = 75

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
HEADER_FILL = colors.HexColor("#243b53")
ZEBRA_FILL = colors.HexColor("#f0f4f8")
NOTE_FILL = colors.HexColor("#fffbea")
NOTE_RULE = colors.HexColor("#f0b429")


@dataclass
class PacketInfo:
    page_count: int
    cover_pages: int
    receipt_pages: dict[int, int]  # document_id -> first page (1-based)
    letter_pages: dict[int, int]  # document_id -> first page (1-based)
    unreadable: list[int] = field(default_factory=list)  # document_ids shown as a notice page


def build_packet(inp: ClaimPacketInput, out: BinaryIO) -> PacketInfo:
    """Write the claim packet PDF to `out` and tell where each document starts."""
    # ASCII85 text streams make reportlab's pure-Python encoder the bottleneck and the
    # file 25% larger; binary streams are fine for every PDF reader.
    saved_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        return _build_packet(inp, out)
    finally:
        rl_config.useA85 = saved_a85


def _build_packet(inp: ClaimPacketInput, out: BinaryIO) -> PacketInfo:
    receipts = inp.ordered_receipts()
    letters = inp.ordered_letters()
    sources = [_Source.load(doc, "receipt") for doc in receipts]
    sources += [_Source.load(doc, "letter") for doc in letters]

    cover_pages, cover_pdf, starts = _build_cover_fitting(inp, sources)
    total = cover_pages + sum(s.page_count for s in sources)

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(cover_pdf)).pages:
        writer.add_page(page)
    _append_documents(writer, sources, starts, total, inp.title)
    writer.add_metadata({"/Title": _pdf_text(inp.title), "/Producer": "HSA Wallet"})
    writer.write(out)

    return PacketInfo(
        page_count=total,
        cover_pages=cover_pages,
        receipt_pages={s.doc.document_id: starts[i] for i, s in enumerate(sources) if s.role == "receipt"},
        letter_pages={s.doc.document_id: starts[i] for i, s in enumerate(sources) if s.role == "letter"},
        unreadable=[s.doc.document_id for s in sources if s.kind == "unreadable"],
    )


# ---------------------------------------------------------------- document sources


class _Source:
    """One receipt or letter, opened once, with its page count known up front."""

    def __init__(self, doc: ClaimDocument, role: str, kind: str, page_count: int, payload) -> None:
        self.doc = doc
        self.role = role
        self.kind = kind  # "pdf" | "image" | "unreadable"
        self.page_count = page_count
        self.payload = payload  # PdfReader | PIL image | None

    @classmethod
    def load(cls, doc: ClaimDocument, role: str) -> _Source:
        doc.verify()
        try:
            if doc.data[:1024].lstrip().startswith(b"%PDF") or doc.media_type == "application/pdf":
                reader = PdfReader(io.BytesIO(doc.data))
                if reader.is_encrypted:
                    reader.decrypt("")  # owner-password-only PDFs open with an empty password
                if len(reader.pages) == 0:
                    raise ValueError("PDF without pages")
                return cls(doc, role, "pdf", len(reader.pages), reader)
            image = Image.open(io.BytesIO(doc.data))
            # Only TIFF frames are pages; MPO/HEIF extra frames are depth maps or previews.
            frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
            return cls(doc, role, "image", frames, image)
        except Exception as exc:  # a damaged file must not sink the whole packet
            log.warning("document %s could not be rendered: %s", doc.document_id, type(exc).__name__)
            return cls(doc, role, "unreadable", 1, None)


def _append_documents(writer: PdfWriter, sources: list[_Source], starts: list[int], total: int, title: str) -> None:
    # Stamps for PDF pages are drawn in one reportlab document, one overlay page per page.
    pdf_pages = []  # (source page, first_page_number + offset)
    for source, start in zip(sources, starts):
        if source.kind == "pdf":
            for offset, page in enumerate(source.payload.pages):
                pdf_pages.append((page, start + offset))
    overlays = _stamp_overlays([(p, n) for p, n in pdf_pages], total, title)

    overlay_index = 0
    for source, start in zip(sources, starts):
        if source.kind == "pdf":
            for _ in range(source.page_count):
                page, _number = pdf_pages[overlay_index]
                added = writer.add_page(page)
                if added.get("/Rotate", 0) % 360:
                    added.transfer_rotation_to_content()
                box = added.cropbox
                added.merge_transformed_page(
                    overlays.pages[overlay_index],
                    Transformation().translate(float(box.left), float(box.bottom)),
                )
                overlay_index += 1
        else:
            rendered = _render_image_document(source, start, total, title)
            for page in PdfReader(io.BytesIO(rendered)).pages:
                writer.add_page(page)


def _stamp_overlays(pages, total: int, title: str) -> PdfReader | None:
    if not pages:
        return None
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1)
    for page, number in pages:
        box = page.cropbox
        width, height = float(box.width), float(box.height)
        if page.get("/Rotate", 0) % 180 == 90:
            width, height = height, width
        canvas.setPageSize((width, height))
        _draw_stamp(canvas, width, number, total, title, band=True)
        canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def _draw_stamp(canvas: Canvas, page_width: float, number: int, total: int, title: str, band: bool = False) -> None:
    """Footer on every packet page: claim title left, "Page N of M" right."""
    font_size = 8 if page_width >= 4 * inch else 6.5
    margin = min(0.5 * inch, page_width * 0.06)
    baseline = 0.3 * inch if page_width >= 4 * inch else 0.15 * inch
    right_text = f"Page {number} of {total}"
    right_width = canvas.stringWidth(right_text, "Helvetica", font_size)
    room = page_width - 2 * margin - right_width - 12
    left_text = _fit_text(canvas, _pdf_text(title), "Helvetica", font_size, room)

    canvas.saveState()
    if band:  # keeps the stamp legible on documents printed to the page edge
        canvas.setFillColor(colors.white)
        canvas.setFillAlpha(0.85)
        canvas.rect(margin - 3, baseline - 3, page_width - 2 * margin + 6, font_size + 5, stroke=0, fill=1)
        canvas.setFillAlpha(1)
    canvas.setFillColor(MUTED)
    canvas.setFont("Helvetica", font_size)
    if left_text:
        canvas.drawString(margin, baseline, left_text)
    canvas.drawRightString(page_width - margin, baseline, right_text)
    canvas.restoreState()


def _fit_text(canvas: Canvas, text: str, font: str, size: float, room: float) -> str:
    if room <= 0:
        return ""
    if canvas.stringWidth(text, font, size) <= room:
        return text
    while text and canvas.stringWidth(text + "...", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "..." if text else ""


# ---------------------------------------------------------------- images


def _render_image_document(source: _Source, start: int, total: int, title: str) -> bytes:
    """Photos/scans (every frame of a TIFF) as US Letter pages, with the stamp drawn in."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1)
    number = start
    if source.kind == "unreadable":
        _draw_unreadable_notice(canvas, source, number, total, title)
        canvas.save()
        return buffer.getvalue()
    image = source.payload
    frames = ImageSequence.Iterator(image) if source.page_count > 1 else [image]
    for frame in frames:
        try:
            _draw_image_page(canvas, frame, source.doc.data if source.page_count == 1 else None)
        except Exception as exc:
            log.warning("an image page of document %s failed: %s", source.doc.document_id, type(exc).__name__)
            canvas.setPageSize(LETTER)
            _draw_notice_text(canvas, "This page of the document could not be rendered.", source)
        _draw_stamp(canvas, canvas._pagesize[0], number, total, title)
        canvas.showPage()
        number += 1
    canvas.save()
    return buffer.getvalue()


def _draw_image_page(canvas: Canvas, frame: Image.Image, original: bytes | None) -> None:
    orientation = frame.getexif().get(0x0112, 1)
    width, height = frame.size
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    page_size = landscape(LETTER) if width > height else LETTER
    box_w = page_size[0] - 2 * IMAGE_MARGIN
    box_h = page_size[1] - IMAGE_MARGIN - IMAGE_BOTTOM_MARGIN
    scale = min(box_w / width, box_h / height)  # points per pixel
    draw_w, draw_h = width * scale, height * scale
    dpi = 72 / scale

    jpeg = None
    if original is not None and dpi <= MAX_KEEP_DPI and _embeddable_as_is(frame, orientation):
        jpeg = _strip_jpeg_metadata(original)
    if jpeg is None:
        jpeg = _reencode(frame, draw_w, draw_h, dpi)

    canvas.setPageSize(page_size)
    x = (page_size[0] - draw_w) / 2
    y = IMAGE_BOTTOM_MARGIN + (box_h - draw_h)  # top-aligned, like a page of paper
    canvas.drawImage(_JpegReader(jpeg), x, y, draw_w, draw_h)


class _JpegReader(ImageReader):
    """Embeds JPEG bytes as they are; keyed by their hash instead of decoded pixels.

    reportlab's ImageReader decodes the whole image just to name it, which costs more
    than everything else on an image page.
    """

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(io.BytesIO(jpeg))
        self._key = hashlib.sha256(jpeg).digest()
        self._dataA = None

    def getRGBData(self) -> bytes:
        return self._key


def _embeddable_as_is(frame: Image.Image, orientation: int) -> bool:
    return frame.format == "JPEG" and frame.mode in ("RGB", "L") and orientation == 1


def _reencode(frame: Image.Image, draw_w: float, draw_h: float, dpi: float) -> bytes:
    image = frame.copy() if frame.format == "TIFF" else frame  # TIFF frames share one file
    if dpi > MAX_KEEP_DPI:
        longest = round(max(draw_w, draw_h) / 72 * TARGET_DPI)
        # thumbnail() bounds the long side, so it is right whatever the EXIF rotation.
        image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    image = ImageOps.exif_transpose(image)
    image = _flatten(image)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB or L without transparency (transparent areas become white paper)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("1", "I;16", "I", "F"):
        return ImageOps.autocontrast(image.convert("L")) if image.mode != "1" else image.convert("L")
    if image.mode == "P" or "A" in image.mode or image.mode == "LA":
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB")  # CMYK, YCbCr, LAB...


# JPEG segments that carry metadata (EXIF with GPS, XMP, IPTC, comments), not pixels.
_METADATA_MARKERS = {0xE1, 0xED, 0xFE}


def _strip_jpeg_metadata(data: bytes) -> bytes | None:
    """The JPEG without EXIF/XMP/IPTC/comment segments, losslessly; None if unparsable."""
    if data[:2] != b"\xff\xd8":
        return None
    parts = [data[:2]]
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            parts.append(data[i:])
            return b"".join(parts)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            parts.append(data[i : i + 2])
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2:
            return None
        if marker not in _METADATA_MARKERS:
            parts.append(data[i : i + 2 + length])
        i += 2 + length
    return None


def _draw_unreadable_notice(canvas: Canvas, source: _Source, number: int, total: int, title: str) -> None:
    canvas.setPageSize(LETTER)
    _draw_notice_text(canvas, "This document could not be rendered into the packet.", source)
    _draw_stamp(canvas, LETTER[0], number, total, title)
    canvas.showPage()


def _draw_notice_text(canvas: Canvas, headline: str, source: _Source) -> None:
    role = "Receipt" if source.role == "receipt" else "Letter"
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(inch, LETTER[1] - 1.5 * inch, headline)
    canvas.setFont("Helvetica", 10)
    lines = [
        f"{role} file: {_pdf_text(source.doc.file)}",
        f"SHA-256: {source.doc.sha256}",
        "The original file is included unchanged in the claim bundle (ZIP).",
    ]
    for n, line in enumerate(lines):
        canvas.drawString(inch, LETTER[1] - (1.9 + 0.25 * n) * inch, line[:110])


# ---------------------------------------------------------------- cover sheet

# Page numbers on the cover depend on how many pages the cover itself takes. They are
# drawn as form XObjects that are referenced while the cover is laid out and defined
# once its page count is known, so the cover is laid out only once.
_FORM_BBOX = (-300, -20, 300, 40)


class _PageRef(Flowable):
    """A page number known only after layout: "p. 7" drawn from a form defined later."""

    def __init__(self, key: str, font_size: float = 8.5, align: str = "right", height: float = 10.5) -> None:
        super().__init__()
        self.key, self.font_size, self.align, self.height = key, font_size, align, height

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        # Same baseline as a Paragraph of this size on one line.
        self.canv.translate(self.width if self.align == "right" else 0, self.height - self.font_size)
        self.canv.doForm(_form_name(self.key))
        self.canv.restoreState()


def _form_name(key: str) -> str:
    return f"HsaPageRef_{key}"


def _define_page_forms(canvas: Canvas, texts: dict[str, tuple[str, float, str, colors.Color]]) -> None:
    for key, (text, size, align, color) in texts.items():
        canvas.beginForm(_form_name(key), *_FORM_BBOX)
        canvas.setFillColor(color)
        canvas.setFont("Helvetica", size)
        if align == "right":
            canvas.drawRightString(0, 0, text)
        else:
            canvas.drawString(0, 0, text)
        canvas.endForm()


def _build_cover_fitting(inp: ClaimPacketInput, sources: list[_Source]) -> tuple[int, bytes, list[int]]:
    """Lay out the cover once, then define the page numbers it refers to."""
    st = _styles()
    buffer = io.BytesIO()
    margin = 0.7 * inch
    doc = SimpleDocTemplate(
        buffer, pagesize=LETTER, leftMargin=margin, rightMargin=margin,
        topMargin=0.65 * inch, bottomMargin=0.75 * inch,
        title=_pdf_text(inp.title), author="HSA Wallet", pageCompression=1,
    )
    doc._doSave = 0  # keep the canvas open to add the page-number forms after layout
    width = LETTER[0] - 2 * margin - 12  # the frame pads 6 pt each side
    story = _cover_story(inp, sources, st, width)

    cover_pages = 0

    def on_page(canvas: Canvas, document) -> None:
        nonlocal cover_pages
        cover_pages += 1
        canvas.doForm(_form_name(f"stamp{cover_pages}"))

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)

    starts = _document_starts(cover_pages, sources)
    total = cover_pages + sum(s.page_count for s in sources)
    texts = {}
    for i, (source, start) in enumerate(zip(sources, starts)):
        texts[f"doc{i}"] = (str(start), 8.5, "right", INK)
        texts[f"docp{i}"] = (f"p. {start}", 8.5, "right", INK)
        texts[f"docpage{i}"] = (f"page {start}", 7.5, "left", MUTED)
    canvas = doc.canv
    _define_page_forms(canvas, texts)
    for n in range(1, cover_pages + 1):
        canvas.beginForm(_form_name(f"stamp{n}"))
        _draw_stamp(canvas, LETTER[0], n, total, inp.title)
        canvas.endForm()
    canvas.save()
    return cover_pages, buffer.getvalue(), starts


def _document_starts(cover_pages: int, sources: list[_Source]) -> list[int]:
    starts, page = [], cover_pages + 1
    for source in sources:
        starts.append(page)
        page += source.page_count
    return starts


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11.5, textColor=INK)
    return {
        "base": base,
        "kicker": ParagraphStyle("kicker", base, fontName="Helvetica-Bold", fontSize=8.5, textColor=MUTED, leading=11),
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=19, leading=23, spaceAfter=2),
        "h2": ParagraphStyle("h2", base, fontName="Helvetica-Bold", fontSize=11.5, leading=14, spaceBefore=14,
                             spaceAfter=6),
        "label": ParagraphStyle("label", base, textColor=MUTED, fontSize=8.5),
        "value": ParagraphStyle("value", base, fontName="Helvetica-Bold", fontSize=9.5, leading=12),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", base, fontName="Helvetica-Bold", fontSize=8, leading=10, textColor=colors.white),
        "head_right": ParagraphStyle("head_right", base, fontName="Helvetica-Bold", fontSize=8, leading=10,
                                     textColor=colors.white, alignment=TA_RIGHT),
        "total_label": ParagraphStyle("total_label", base, fontName="Helvetica-Bold", fontSize=9.5, leading=12),
        "total_amount": ParagraphStyle("total_amount", base, fontName="Helvetica-Bold", fontSize=9.5, leading=12,
                                       alignment=TA_RIGHT),
        "big_total": ParagraphStyle("big_total", base, fontName="Helvetica-Bold", fontSize=17, leading=21,
                                    alignment=TA_RIGHT),
        "big_total_label": ParagraphStyle("big_total_label", base, fontSize=8.5, textColor=MUTED, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", base, fontSize=8.5, leading=11, leftIndent=10, bulletIndent=0),
    }


def _cover_story(inp: ClaimPacketInput, sources: list[_Source], st, width: float) -> list:
    story: list = []
    account = _p(inp.account_type.upper() if inp.account_type else "")
    kicker = f"{account} REIMBURSEMENT CLAIM" if account else "REIMBURSEMENT CLAIM"
    heading = Table(
        [[
            [Paragraph(kicker, st["kicker"]), Paragraph(_p(inp.title), st["title"])],
            [Paragraph("Total claimed", st["big_total_label"]), Paragraph(_money(inp.total), st["big_total"])],
        ]],
        colWidths=[width * 0.68, width * 0.32],
    )
    heading.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 2, HEADER_FILL),
    ]))
    story += [heading, Spacer(0, 10)]

    receipts_count = sum(1 for s in sources if s.role == "receipt")
    letters_count = sum(1 for s in sources if s.role == "letter")
    details = [
        ("Claimant", inp.claimant),
        ("Account", f"{inp.account_name} ({inp.account_type})" if inp.account_type else inp.account_name),
        ("Plan year", inp.plan_year or "-"),
        ("Date prepared", _date(inp.created)),
        ("Claim number", str(inp.claim_id)),
        ("Enclosed", f"{_count(len(inp.expenses), 'expense')}, {_count(receipts_count, 'receipt')}, "
                     f"{_count(letters_count, 'covering letter')}"),
    ]
    patients = _single_patient(inp)
    if patients:
        details.insert(3, ("Patient", patients))
    half = (len(details) + 1) // 2
    grid = []
    for left, right in zip(details[:half], details[half:] + [("", "")] * (2 * half - len(details))):
        grid.append([Paragraph(_p(left[0]), st["label"]), Paragraph(_p(left[1]), st["value"]),
                     Paragraph(_p(right[0]), st["label"]), Paragraph(_p(right[1]), st["value"])])
    details_table = Table(grid, colWidths=[width * 0.14, width * 0.36, width * 0.14, width * 0.36])
    details_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story.append(details_table)

    story += [CondPageBreak(1.5 * inch), Paragraph("Expenses", st["h2"])]
    story.append(_expense_table(inp, sources, st, width))

    if inp.warnings:
        heading = Paragraph("Notes", st["h2"])
        box = Table([[Paragraph(_p(w), st["note"], bulletText="\u2022")] for w in inp.warnings], colWidths=[width])
        box.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), NOTE_FILL),
            ("LINEBEFORE", (0, 0), (0, -1), 2.5, NOTE_RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        story += [KeepTogether([heading, box])] if len(inp.warnings) <= 8 else [heading, box]

    story += [CondPageBreak(1.5 * inch), Paragraph("Contents of this packet", st["h2"])]
    story.append(_index_table(inp, sources, st, width))
    return story


# Plain-string cells (no wrapping needed) are much cheaper to lay out than Paragraphs.
def _cell_font(row0, row1, col, size=8.5, font="Helvetica", color=INK):
    return [("FONT", (col, row0), (col, row1), font, size, size + 2), ("TEXTCOLOR", (col, row0), (col, row1), color)]


def _expense_table(inp, sources, st, width) -> Table:
    index_of = {(s.role, s.doc.document_id): i for i, s in enumerate(sources)}
    show_person = _single_patient(inp) is None and any(e.person for e in inp.expenses)

    header = ["#", "Date", "Merchant", "Description", "Covering letter", "Receipt", "Amount"]
    rows = [[Paragraph(h, st["head_right"] if h in ("Amount", "Receipt") else st["head"]) for h in header]]
    for n, e in enumerate(inp.expenses, start=1):
        description = _p(e.description)
        if show_person and e.person:
            description += f'<br/><font size="7.5" color="#616e7c">Patient: {_p(e.person)}</font>'
        letter: object = "-"
        if e.letter_document_id is not None:
            letter = [Paragraph(_p(e.letter_label or "Letter of medical necessity"), st["cell"])]
            if ("letter", e.letter_document_id) in index_of:
                letter.append(_PageRef(f"docpage{index_of[('letter', e.letter_document_id)]}", 7.5, "left", 9.5))
        receipt = index_of.get(("receipt", e.document_id))
        rows.append([
            str(n), _date(e.date),
            Paragraph(_p(e.merchant or "-"), st["cell"]),
            Paragraph(description, st["cell"]),
            letter,
            _PageRef(f"docp{receipt}") if receipt is not None else "-",
            _money(e.amount),
        ])
    rows.append([
        "", "", Paragraph(f"Total ({_count(len(inp.expenses), 'expense')})", st["total_label"]),
        "", "", "", Paragraph(_money(inp.total), st["total_amount"]),
    ])
    fractions = [0.04, 0.115, 0.17, 0.26, 0.2, 0.09, 0.125]
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    last = len(rows) - 1
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *_cell_font(1, last - 1, 0, 7.5, color=MUTED),
        *_cell_font(1, last - 1, 1),
        *_cell_font(1, last - 1, 4, color=MUTED),
        *_cell_font(1, last - 1, 6),
        ("ALIGN", (5, 1), (6, last), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, last - 1), 0.4, RULE),
        ("SPAN", (2, last), (5, last)),
        ("LINEABOVE", (0, last), (-1, last), 1.2, INK),
        ("LINEBELOW", (0, last), (-1, last), 1.2, INK),
        ("TOPPADDING", (0, last), (-1, last), 6), ("BOTTOMPADDING", (0, last), (-1, last), 6),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), ZEBRA_FILL) for r in range(2, last, 2)]
    table.setStyle(TableStyle(style))
    return table


def _single_patient(inp: ClaimPacketInput) -> str | None:
    """The patient when every expense is for the same person (then named once, not per row)."""
    people = {e.person for e in inp.expenses}
    return people.pop() if len(people) == 1 and None not in people else None


def _index_table(inp, sources, st, width) -> Table:
    first_expense = {}
    for e in inp.expenses:
        first_expense.setdefault(e.document_id, e)
    rows = [[Paragraph("Page", st["head_right"]), Paragraph("Document", st["head"]), Paragraph("Details", st["head"])]]
    rows.append(["1", "Cover sheet", "This summary"])
    for i, source in enumerate(sources):
        doc = source.doc
        if source.role == "receipt":
            e = first_expense.get(doc.document_id)
            parts = [e.merchant or "", _date(e.date) if e.date else ""] if e else []
            kind = "Receipt"
        else:
            labels = [x.letter_label for x in inp.expenses if x.letter_document_id == doc.document_id and x.letter_label]
            parts = [labels[0]] if labels else []
            kind = "Covering letter"
        details = ", ".join(p for p in parts if p)
        pages = f"{source.page_count} pages" if source.page_count > 1 else "1 page"
        text = f"{_p(details)}&nbsp;&nbsp;&nbsp;" if details else ""
        text += f'<font size="7.5" color="#616e7c">{_p(doc.file)} ({pages})</font>'
        if source.kind == "unreadable":
            text += '<br/><font size="7.5" color="#b44d12">could not be rendered; original in the bundle</font>'
        rows.append([_PageRef(f"doc{i}"), kind, Paragraph(text, st["cell"])])
    table = Table(rows, colWidths=[width * 0.08, width * 0.2, width * 0.72], repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *_cell_font(1, -1, 0), *_cell_font(1, -1, 1), *_cell_font(1, 1, 2),
        ("ALIGN", (0, 1), (0, -1), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), ZEBRA_FILL) for r in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


# ---------------------------------------------------------------- text helpers


def _pdf_text(text: str | None) -> str:
    """Text the standard PDF fonts can show (they cover Latin-1/WinAnsi only)."""
    text = text or ""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(folded or "?")
    return "".join(out)


def _p(text: str | None) -> str:
    """Plain text made safe for a platypus Paragraph."""
    return escape(_pdf_text(text))


def _money(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def _date(value) -> str:
    return value.isoformat() if value else "-"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
