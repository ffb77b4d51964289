"""Claim packet PDF: a cover sheet, then each receipt, then each covering letter.

The packet is assembled as pypdf objects; nothing is drawn twice, and only the
pages drawn here with reportlab (the cover, notice pages) are parsed back:

* PDF documents keep their own pages (and text layer). Their content streams are
  never parsed or rewritten: the stamp is one more small content stream appended to
  the page, with the standard Helvetica font added to the page resources.
* Photos and scans become US Letter pages; a JPEG that is not too dense is embedded
  as is (DCTDecode, metadata segments dropped), anything else is re-encoded once.
* The cover is drawn with reportlab's pdfgen canvas (text wrapped with its
  simpleSplit), then its pages are added and stamped like a document's. It is laid
  out before it is drawn, so the page numbers it refers to are known by then.

Every page gets "Page N of M" and the claim title.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO, NamedTuple

import pi_heif
from PIL import Image, ImageOps, ImageSequence
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
    StreamObject,
)
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.textsplit import wordSplit
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from hsawallet.claims.model import ClaimDocument, ClaimPacketInput

log = logging.getLogger(__name__)

pi_heif.register_heif_opener()

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
ALERT = colors.HexColor("#b44d12")

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"


@dataclass
class PacketInfo:
    page_count: int
    cover_pages: int
    receipt_pages: dict[int, int]  # document_id -> first page (1-based)
    letter_pages: dict[int, int]  # document_id -> first page (1-based)
    unreadable: list[int] = field(default_factory=list)  # document_ids shown as a notice page


def build_packet(inp: ClaimPacketInput, out: BinaryIO) -> PacketInfo:
    """Write the claim packet PDF to `out` and tell where each document starts."""
    receipts = inp.ordered_receipts()
    letters = inp.ordered_letters()
    sources = [_Source.load(doc, "receipt") for doc in receipts]
    sources += [_Source.load(doc, "letter") for doc in letters]

    cover = _layout_cover(inp, sources)
    cover_pages = len(cover)
    starts = _document_starts(cover_pages, sources)
    total = cover_pages + sum(s.page_count for s in sources)

    writer = PdfWriter()
    writer.pdf_header = "%PDF-1.4"  # the stamp band's transparency (/ca) is PDF 1.4; documents may raise it
    shared = _Shared(writer)
    _append_pdf_pages(shared, _draw_cover(cover, starts), 1, total, inp.title)
    for source, start in zip(sources, starts):
        if source.kind == "pdf":
            _append_pdf_pages(shared, source.payload, start, total, inp.title)
        elif source.kind == "image":
            _append_image_pages(shared, source, start, total, inp.title)
        else:
            _add_notice_page(
                shared, "This document could not be rendered into the packet.", source, start, total, inp.title
            )
    writer.add_metadata({"/Title": _pdf_text(inp.title), "/Producer": "HSA Wallet"})
    writer.write(out)

    return PacketInfo(
        page_count=total,
        cover_pages=cover_pages,
        receipt_pages={s.doc.document_id: starts[i] for i, s in enumerate(sources) if s.role == "receipt"},
        letter_pages={s.doc.document_id: starts[i] for i, s in enumerate(sources) if s.role == "letter"},
        unreadable=[s.doc.document_id for s in sources if s.kind == "unreadable"],
    )


def _document_starts(cover_pages: int, sources: list[_Source]) -> list[int]:
    starts, page = [], cover_pages + 1
    for source in sources:
        starts.append(page)
        page += source.page_count
    return starts


# ---------------------------------------------------------------- document sources

# Inside documents_checked_once(): the documents already checked against their recorded
# hash (id -> the object itself, which also keeps the id from being reused).
_checked: ContextVar[dict[int, ClaimDocument] | None] = ContextVar("hsawallet_checked_documents", default=None)


@contextmanager
def documents_checked_once() -> Iterator[None]:
    """Within the block, verify_document() checks each document object only once.

    export_claim uses it: the bundle and the packet read the same documents, and a
    ClaimDocument is frozen with immutable bytes, so a second check proves nothing new.
    Outside such a block every call checks.
    """
    token = _checked.set({})
    try:
        yield
    finally:
        _checked.reset(token)


def verify_document(doc: ClaimDocument) -> None:
    """doc.verify(): raise ClaimDataError when the bytes do not match the recorded hash."""
    checked = _checked.get()
    if checked is not None and checked.get(id(doc)) is doc:
        return
    doc.verify()
    if checked is not None:
        checked[id(doc)] = doc


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
        verify_document(doc)
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


# ---------------------------------------------------------------- PDF objects and the stamp


class _Shared:
    """The writer and the objects many pages refer to: the stamp's font and its band's alpha."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.font = writer._add_object(
            DictionaryObject(
                {  # standard Helvetica, WinAnsi like _pdf_text's output
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/" + REGULAR),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                }
            )
        )
        self.band_alpha = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/ExtGState"),
                    NameObject("/ca"): FloatObject(0.85),
                }
            )
        )
        self.save_state = self.stream(b"q\n", compress=False)

    def new_page(self, width: float, height: float) -> PageObject:
        """Append an empty page of ours (made in the writer, so pypdf need not copy it)."""
        page = PageObject(self.writer)
        page[NameObject("/Type")] = NameObject("/Page")
        page[NameObject("/MediaBox")] = RectangleObject((0, 0, width, height))
        self.writer._add_object(page)
        return self.writer.add_page(page)

    def stream(self, data: bytes, compress: bool = True, **entries: object) -> IndirectObject:
        """Add a stream object; `entries` go into its dictionary (keys without the slash)."""
        values = {NameObject("/" + key): value for key, value in entries.items()}
        if compress:
            data = zlib.compress(data)
            values[NameObject("/Filter")] = NameObject("/FlateDecode")
        values["__streamdata__"] = data
        return self.writer._add_object(StreamObject.initialize_from_dictionary(values))


def _stamp(page_width: float, number: int, total: int, title: str, font: str, band: str | None = None) -> bytes:
    """Content stream for the footer on every packet page: claim title left, "Page N of M" right.

    `font` is the page's resource name for Helvetica. `band` names an ExtGState (85%
    opacity) for a white band under the text, which keeps the stamp legible on
    documents printed to the page edge.
    """
    size = 8 if page_width >= 4 * inch else 6.5
    margin = min(0.5 * inch, page_width * 0.06)
    baseline = 0.3 * inch if page_width >= 4 * inch else 0.15 * inch
    right_text = f"Page {number} of {total}"
    right_width = stringWidth(right_text, REGULAR, size)
    room = page_width - 2 * margin - right_width - 12
    left_text = _fit_text(_pdf_text(title), REGULAR, size, room)

    ops = []
    if band:
        box = fp_str(margin - 3, baseline - 3, page_width - 2 * margin + 6, size + 5)
        ops.append(f"q {band} gs 1 1 1 rg {box} re f Q")
    ops.append(f"q {fp_str(*MUTED.rgb())} rg")
    for x, text in ((margin, left_text), (page_width - margin - right_width, right_text)):
        if text:  # WinAnsi bytes, escaped as reportlab escapes its own strings
            ops.append(
                f"BT {font} {fp_str(size)} Tf {fp_str(x, baseline)} Td "
                f"({escapePDF(text.encode('cp1252', 'replace'))}) Tj ET"
            )
    ops.append("Q\n")
    return "\n".join(ops).encode("ascii")


def _fit_text(text: str, font: str, size: float, room: float) -> str:
    if room <= 0:
        return ""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "...", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "..." if text else ""


# ---------------------------------------------------------------- PDF documents (and pages drawn with reportlab)


def _append_pdf_pages(shared: _Shared, reader: PdfReader, start: int, total: int, title: str) -> None:
    for offset, original in enumerate(reader.pages):
        page = shared.writer.add_page(original)
        _stamp_pdf_page(shared, page, start + offset, total, title)


def _stamp_pdf_page(shared: _Shared, page, number: int, total: int, title: str) -> None:
    """Stamp a document's page without parsing its content.

    The page's own content streams are kept as they are, bracketed by q ... Q so any
    state they leave behind cannot reach the stamp, which follows as one more stream.
    A /Rotate is turned into a matrix on the content (and the boxes), so the stamp is
    upright and the page reads the same.
    """
    opening = shared.save_state
    if page.rotation % 360:
        opening = shared.stream(f"q {_unrotate(page)} cm\n".encode("ascii"), compress=False)
    font, band = _add_stamp_resources(shared, page)
    box = page.cropbox
    # Q ends the page's own graphics state; the stamp is drawn in the crop box's corner.
    stamp = (
        f"Q\nq 1 0 0 1 {fp_str(float(box.left), float(box.bottom))} cm\n".encode("ascii")
        + _stamp(float(box.width), number, total, title, font, band)
        + b"Q\n"
    )
    contents = [opening, *_content_refs(shared.writer, page), shared.stream(stamp)]
    page[NameObject("/Contents")] = ArrayObject(contents)


def _drawn_pages(draw: Callable[[Canvas], None]) -> PdfReader:
    """Pages drawn by `draw` on a reportlab canvas (US Letter), read back for the writer."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    draw(canvas)
    canvas.save()
    return PdfReader(buffer)


def _unrotate(page) -> str:
    """Clear the page's /Rotate; return the matrix that turns its content the same way."""
    angle = -page.rotation
    page.rotation = 0
    mediabox = RectangleObject(page.mediabox)
    matrix = (
        Transformation()
        .translate(-float(mediabox.left + mediabox.width / 2), -float(mediabox.bottom + mediabox.height / 2))
        .rotate(angle)
    )
    lower, upper = matrix.apply_on(mediabox.lower_left), matrix.apply_on(mediabox.upper_right)
    matrix = matrix.translate(-min(lower[0], upper[0]), -min(lower[1], upper[1]))
    for name in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        if name in page:
            box = RectangleObject(page[name])
            lower, upper = matrix.apply_on(box.lower_left), matrix.apply_on(box.upper_right)
            page[NameObject(name)] = RectangleObject(
                (
                    min(lower[0], upper[0]),
                    min(lower[1], upper[1]),
                    max(lower[0], upper[0]),
                    max(lower[1], upper[1]),
                )
            )
    return fp_str(*matrix.ctm)


def _content_refs(writer: PdfWriter, page) -> list:
    """The page's content streams as indirect references, in order."""
    if "/Contents" not in page:
        return []
    raw = page.raw_get("/Contents")
    value = raw.get_object()
    if isinstance(value, ArrayObject):
        return [item if isinstance(item, IndirectObject) else writer._add_object(item) for item in value]
    if not isinstance(value, StreamObject):
        return []
    return [raw if isinstance(raw, IndirectObject) else writer._add_object(value)]


def _add_stamp_resources(shared: _Shared, page) -> tuple[str, str]:
    """Give the page (a copy of) its resources plus the stamp's font and alpha."""
    resources = DictionaryObject()
    if "/Resources" in page:
        own = page.raw_get("/Resources").get_object()
        if isinstance(own, DictionaryObject):
            resources.update(own)
    fonts = _copied_subdict(resources, "/Font")
    states = _copied_subdict(resources, "/ExtGState")
    font = _free_name(fonts, "/HsaStampFont")
    band = _free_name(states, "/HsaStampBand")
    fonts[NameObject(font)] = shared.font
    states[NameObject(band)] = shared.band_alpha
    resources[NameObject("/Font")] = fonts
    resources[NameObject("/ExtGState")] = states
    page[NameObject("/Resources")] = resources
    return font, band


def _copied_subdict(resources: DictionaryObject, key: str) -> DictionaryObject:
    copy = DictionaryObject()
    if key in resources:
        value = resources.raw_get(key).get_object()
        if isinstance(value, DictionaryObject):
            copy.update(value)
    return copy


def _free_name(names: DictionaryObject, wanted: str) -> str:
    name, n = wanted, 1
    while name in names:
        n += 1
        name = f"{wanted}{n}"
    return name


# ---------------------------------------------------------------- images


class _PlacedImage(NamedTuple):
    jpeg: bytes
    pixels: tuple[int, int]
    mode: str  # "RGB" or "L"
    page_size: tuple[float, float]
    box: tuple[float, float, float, float]  # x, y, width, height on the page


def _append_image_pages(shared: _Shared, source: _Source, start: int, total: int, title: str) -> None:
    """Photos/scans (every frame of a TIFF) as US Letter pages, stamped."""
    image = source.payload
    frames = ImageSequence.Iterator(image) if source.page_count > 1 else [image]
    for offset, frame in enumerate(frames):
        number = start + offset
        try:
            placed = _place_image(frame, source.doc.data if source.page_count == 1 else None)
        except Exception as exc:
            log.warning("an image page of document %s failed: %s", source.doc.document_id, type(exc).__name__)
            _add_notice_page(shared, "This page of the document could not be rendered.", source, number, total, title)
            continue
        _add_image_page(shared, placed, number, total, title)


def _place_image(frame: Image.Image, original: bytes | None) -> _PlacedImage:
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
        pixels, mode = frame.size, frame.mode
    if jpeg is None:
        jpeg, pixels, mode = _reencode(frame, draw_w, draw_h, dpi)

    x = (page_size[0] - draw_w) / 2
    y = IMAGE_BOTTOM_MARGIN + (box_h - draw_h)  # top-aligned, like a page of paper
    return _PlacedImage(jpeg, pixels, mode, page_size, (x, y, draw_w, draw_h))


def _add_image_page(shared: _Shared, placed: _PlacedImage, number: int, total: int, title: str) -> None:
    page = shared.new_page(*placed.page_size)
    image = shared.stream(
        placed.jpeg,
        compress=False,
        Type=NameObject("/XObject"),
        Subtype=NameObject("/Image"),
        Width=NumberObject(placed.pixels[0]),
        Height=NumberObject(placed.pixels[1]),
        ColorSpace=NameObject("/DeviceGray" if placed.mode == "L" else "/DeviceRGB"),
        BitsPerComponent=NumberObject(8),
        Filter=NameObject("/DCTDecode"),
    )
    x, y, width, height = placed.box
    content = f"q {fp_str(width, 0, 0, height, x, y)} cm /Im1 Do Q\n".encode("ascii")
    page[NameObject("/Contents")] = shared.stream(content + _stamp(placed.page_size[0], number, total, title, "/F1"))
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): shared.font}),
            NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): image}),
            NameObject("/ProcSet"): ArrayObject([NameObject(n) for n in ("/PDF", "/Text", "/ImageB", "/ImageC")]),
        }
    )


def _embeddable_as_is(frame: Image.Image, orientation: int) -> bool:
    return frame.format == "JPEG" and frame.mode in ("RGB", "L") and orientation == 1


def _reencode(frame: Image.Image, draw_w: float, draw_h: float, dpi: float) -> tuple[bytes, tuple[int, int], str]:
    image = frame.copy() if frame.format == "TIFF" else frame  # TIFF frames share one file
    if dpi > MAX_KEEP_DPI:
        longest = round(max(draw_w, draw_h) / 72 * TARGET_DPI)
        # thumbnail() bounds the long side, so it is right whatever the EXIF rotation.
        image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    image = ImageOps.exif_transpose(image)
    image = _flatten(image)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), image.size, image.mode


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
    """The JPEG without EXIF/XMP/IPTC/comment segments, losslessly; None if unparsable.

    A JPEG without such segments comes back as the same object (no copy).
    """
    if data[:2] != b"\xff\xd8":
        return None
    view = memoryview(data)
    parts = [view[:2]]
    dropped = False
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            if not dropped:
                return data
            parts.append(view[i:])
            return b"".join(parts)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            parts.append(view[i : i + 2])
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2:
            return None
        if marker in _METADATA_MARKERS:
            dropped = True
        else:
            parts.append(view[i : i + 2 + length])
        i += 2 + length
    return None


def _add_notice_page(shared: _Shared, headline: str, source: _Source, number: int, total: int, title: str) -> None:
    role = "Receipt" if source.role == "receipt" else "Letter"
    lines = [
        f"{role} file: {_pdf_text(source.doc.file)}",
        f"SHA-256: {source.doc.sha256}",
        "The original file is included unchanged in the claim bundle (ZIP).",
    ]

    def draw(c: Canvas) -> None:
        c.setFillColor(INK)
        c.setFont(BOLD, 14)
        c.drawString(inch, LETTER[1] - 1.5 * inch, headline)
        c.setFont(REGULAR, 10)
        for n, line in enumerate(lines):
            c.drawString(inch, LETTER[1] - (1.9 + 0.25 * n) * inch, line[:110])
        c.showPage()

    _append_pdf_pages(shared, _drawn_pages(draw), number, total, title)


# ---------------------------------------------------------------- cover sheet: lines, table rows, pages

COVER_MARGIN = 0.7 * inch
_FRAME_LEFT = COVER_MARGIN + 6  # the text frame is padded 6 pt on each side
_FRAME_WIDTH = LETTER[0] - 2 * COVER_MARGIN - 12
_FRAME_TOP = LETTER[1] - 0.65 * inch - 6
_FRAME_BOTTOM = 0.75 * inch + 6
_FUZZ = 1e-6
# A bullet: a dot like Helvetica's 10 pt bullet glyph, centred (x, y) from the baseline, radius r.
# Drawn, not set as text: reportlab writes U+2022 as WinAnsi code 127, which text extraction garbles.
_BULLET = (1.5, 3.35, 1.25)


class _Style(NamedTuple):
    font: str
    size: float
    leading: float
    color: colors.Color = INK
    align: str = "left"


KICKER = _Style(BOLD, 8.5, 11, MUTED)
TITLE = _Style(BOLD, 19, 23)
H2 = _Style(BOLD, 11.5, 14)
LABEL = _Style(REGULAR, 8.5, 11.5, MUTED)
VALUE = _Style(BOLD, 9.5, 12)
CELL = _Style(REGULAR, 8.5, 10.5)
CELL_RIGHT = CELL._replace(align="right")
CELL_MUTED = CELL._replace(color=MUTED)
CELL_SMALL = _Style(REGULAR, 7.5, 10.5, MUTED)  # a smaller line among CELL lines
CELL_ALERT = CELL_SMALL._replace(color=ALERT)
SMALL = _Style(REGULAR, 7.5, 9.5, MUTED)
NO_RECEIPT = _Style(REGULAR, 10, 12, colors.black, "right")
HEAD = _Style(BOLD, 8, 10, colors.white)
HEAD_RIGHT = HEAD._replace(align="right")
TOTAL_LABEL = _Style(BOLD, 9.5, 12)
TOTAL_AMOUNT = TOTAL_LABEL._replace(align="right")
BIG_TOTAL = _Style(BOLD, 17, 21, INK, "right")
BIG_TOTAL_LABEL = _Style(REGULAR, 8.5, 11.5, MUTED, "right")
NOTE = _Style(REGULAR, 8.5, 11)


class _Run(NamedTuple):
    text: str  # with `ref`: a format for the page that document starts on, e.g. "p. {}"
    style: _Style
    ref: int | None = None  # index of a source


class _Line(NamedTuple):
    """One line of text in a cell: its runs are set one after the other on the first run's baseline."""

    runs: tuple[_Run, ...]
    leading: float
    align: str = "left"
    indent: float = 0.0  # the text starts this far in; a bullet hangs in the indent
    bullet: bool = False


def _para(text: str, style: _Style, width: float, indent: float = 0, bullet: bool = False) -> list[_Line]:
    """`text` wrapped to `width` by reportlab's simpleSplit; a word too long for a line is cut (wordSplit)."""
    room = width - indent
    text = _pdf_text(text)
    whole = " ".join(text.split())  # what simpleSplit would make of a text that fits on one line
    if "\n" not in text and stringWidth(whole, style.font, style.size) <= room:  # most cells: no need to split
        split = [whole] if whole else []
    else:
        split = simpleSplit(text, style.font, style.size, room)
    lines = []
    for line in split:
        parts = [line]
        if " " not in line and stringWidth(line, style.font, style.size) > room:
            parts = [part for _, part in wordSplit(line, room, style.font, style.size)]
        lines += [_Line((_Run(part, style),), style.leading, style.align, indent) for part in parts]
    if bullet and lines:
        lines[0] = lines[0]._replace(bullet=True)
    return lines


def _text_line(text: str, style: _Style) -> _Line:
    """One line that is never wrapped (numbers, dates, amounts)."""
    return _Line((_Run(_pdf_text(text), style),), style.leading, style.align)


def _page_ref(fmt: str, source: int, style: _Style) -> _Line:
    """The page a document starts on ("p. 7"); known once the cover's length is."""
    return _Line((_Run(fmt, style, source),), style.leading, style.align)


def _with_note(text: str, note: str, width: float) -> list[_Line]:
    """`text`, then `note` smaller and muted: on the last line if it fits there, else below."""
    lines = _para(text, CELL, width)
    notes = _para(note, CELL_SMALL, width)
    if lines and len(notes) == 1:
        last = lines[-1].runs[0].text + "\u00a0\u00a0\u00a0"
        note_run = notes[0].runs[0]
        if (
            stringWidth(last, CELL.font, CELL.size)
            + stringWidth(note_run.text, note_run.style.font, note_run.style.size)
            <= width
        ):
            lines[-1] = _Line((_Run(last, CELL), note_run), CELL.leading)
            return lines
    return lines + notes


def _height(lines: list[_Line]) -> float:
    return sum(line.leading for line in lines)


class _Row:
    """A table row: the lines of each cell (None where the cell to the left spans the column)."""

    def __init__(
        self,
        widths: list[float],
        cells: list[list[_Line] | None],
        padding: tuple[float, float, float, float],
        *,
        background: colors.Color | None = None,
        valign: str = "top",
        rule_above=None,
        rule_below=None,
        rule_left=None,
    ) -> None:
        self.cells: list[list] = []  # [x offset, width, lines]
        x = 0.0
        for width, lines in zip(widths, cells):
            if lines is None:
                self.cells[-1][1] += width
            else:
                self.cells.append([x, width, lines])
            x += width
        self.width = x
        self.padding = padding  # top, right, bottom, left
        self.background = background
        self.valign = valign
        self.rule_above, self.rule_below, self.rule_left = rule_above, rule_below, rule_left  # (width, colour)
        self.height = max(_height(lines) for _, _, lines in self.cells) + padding[0] + padding[2]


class _Cover:
    """Places rows top-down on cover pages; they are drawn once the page numbers are known."""

    def __init__(self) -> None:
        self.pages: list[list[tuple[list[_Row], float]]] = [[]]  # per page: (rows, top of the first row)
        self.y = _FRAME_TOP
        self.at_top = True
        self.space_after = 0.0

    def room(self) -> float:
        return self.y - _FRAME_BOTTOM

    def new_page(self) -> None:
        self.pages.append([])
        self.y = _FRAME_TOP
        self.at_top = True
        self.space_after = 0.0

    def keep_room(self, height: float) -> None:
        """Start a new page unless `height` is left on this one."""
        if self.room() < height and not self.at_top:
            self.new_page()

    def place(
        self, height: float, rows: list[_Row] | None = None, space_before: float = 0, space_after: float = 0
    ) -> None:
        """Put `rows` of `height` in all here (or atop the next page); no rows: just leave the space."""
        gap = 0.0 if self.at_top else max(space_before - self.space_after, 0)
        if self.y - gap - height < _FRAME_BOTTOM - _FUZZ and not self.at_top:
            self.new_page()
            gap = 0.0
        top = self.y - gap
        if rows:
            self.pages[-1].append((rows, top))
        self.y = top - height - space_after
        self.at_top = False
        self.space_after = space_after

    def paragraph(self, lines: list[_Line], space_before: float = 0, space_after: float = 0) -> None:
        row = _Row([_FRAME_WIDTH], [lines], (0, 0, 0, 0))
        self.place(row.height, [row], space_before, space_after)

    def table(self, rows: list[_Row], header: _Row | None = None) -> None:
        """Rows flow over as many pages as needed; the header row starts every page."""
        head = [header] if header else []
        head_height = header.height if header else 0.0
        i = 0
        while i < len(rows):
            room, used, n = self.room(), head_height, 0
            while i + n < len(rows) and used + rows[i + n].height <= room + _FUZZ:
                used += rows[i + n].height
                n += 1
            if n == 0:
                if not self.at_top:
                    self.new_page()
                    continue
                n, used = 1, used + rows[i].height  # taller than a page: let it run over
            self.place(used, head + rows[i : i + n])
            i += n
            if i < len(rows):
                self.new_page()


def _draw_cover(pages: list[list[tuple[list[_Row], float]]], starts: list[int]) -> PdfReader:
    def draw(c: Canvas) -> None:
        for blocks in pages:
            for rows, top in blocks:
                _draw_rows(c, rows, top, starts)
            c.showPage()

    return _drawn_pages(draw)


def _draw_rows(c: Canvas, rows: list[_Row], top: float, starts: list[int]) -> None:
    """Backgrounds, then text, then rules (so rules stay on top), as reportlab tables do."""
    x0 = _FRAME_LEFT
    fill = None
    y = top
    for row in rows:
        y -= row.height
        if row.background is not None:
            if row.background is not fill:
                c.setFillColor(row.background.rgb())
                fill = row.background
            c.rect(x0, y, row.width, row.height, stroke=0, fill=1)

    text = _Text(c)
    y = top
    for row in rows:
        pad_top, right, bottom, left = row.padding
        for x, width, lines in row.cells:
            line_top = y - row.height + bottom + _height(lines) if row.valign == "bottom" else y - pad_top
            for line in lines:
                text.line(line, x0 + x + left, line_top, width - left - right, starts)
                line_top -= line.leading
        y -= row.height
    c.drawText(text.obj)
    for x, baseline, color in text.bullets:
        c.setFillColor(color.rgb())
        c.circle(x + _BULLET[0], baseline + _BULLET[1], _BULLET[2], stroke=0, fill=1)

    rules: dict[tuple[float, colors.Color], list] = {}  # one path per kind of rule, in order of first use
    y = top
    for row in rows:
        bottom = y - row.height
        for rule, segment in (
            (row.rule_left, (x0, y, x0, bottom)),
            (row.rule_above, (x0, y, x0 + row.width, y)),
            (row.rule_below, (x0, bottom, x0 + row.width, bottom)),
        ):
            if rule:
                rules.setdefault(rule, []).append(segment)
        y = bottom
    for (width, color), segments in rules.items():
        c.setLineWidth(width)
        c.setStrokeColor(color.rgb())
        c.lines(segments)


class _Text:
    """One reportlab text object for a block of rows; font and colour are set when they change."""

    def __init__(self, c: Canvas) -> None:
        self.obj: PDFTextObject = c.beginText()
        self.font: tuple[str, float] | None = None
        self.color: colors.Color | None = None
        self.bullets: list[tuple[float, float, colors.Color]] = []  # drawn after the text object

    def line(self, line: _Line, x: float, top: float, width: float, starts: list[int]) -> None:
        texts = [run.text if run.ref is None else run.text.format(starts[run.ref]) for run in line.runs]
        baseline = top - line.runs[0].style.size
        if line.bullet:
            self.bullets.append((x, baseline, line.runs[0].style.color))
        if line.align == "right":
            x += width - sum(stringWidth(t, run.style.font, run.style.size) for t, run in zip(texts, line.runs))
        else:
            x += line.indent
        self.obj.setTextOrigin(x, baseline)
        for text, (_, (font, size, _, color, _), _) in zip(texts, line.runs):
            if self.font != (font, size):
                self.obj.setFont(font, size)
                self.font = (font, size)
            if self.color is not color:
                self.obj.setFillColor(color.rgb())  # as RGB: a Color would set its (opaque) alpha too, each time
                self.color = color
            self.obj.textOut(text)


# ---------------------------------------------------------------- cover sheet: content


def _layout_cover(inp: ClaimPacketInput, sources: list[_Source]) -> list[list[tuple[list[_Row], float]]]:
    """Lay out the cover; return per page the rows to draw there and where (see _Cover)."""
    cover = _Cover()
    width = _FRAME_WIDTH

    account = inp.account_type.upper() if inp.account_type else ""
    kicker = f"{account} REIMBURSEMENT CLAIM" if account else "REIMBURSEMENT CLAIM"
    left, right = width * 0.68, width * 0.32
    cover.table(
        [
            _Row(
                [left, right],
                [
                    _para(kicker, KICKER, left) + _para(inp.title, TITLE, left),
                    _para("Total claimed", BIG_TOTAL_LABEL, right) + _para(_money(inp.total), BIG_TOTAL, right),
                ],
                (3, 0, 8, 0),
                valign="bottom",
                rule_below=(2, HEADER_FILL),
            )
        ]
    )
    cover.place(10)

    receipts_count = sum(1 for s in sources if s.role == "receipt")
    letters_count = sum(1 for s in sources if s.role == "letter")
    details = [
        ("Claimant", inp.claimant),
        ("Account", f"{inp.account_name} ({inp.account_type})" if inp.account_type else inp.account_name),
        ("Plan year", inp.plan_year or "-"),
        ("Date prepared", _date(inp.created)),
        ("Claim number", str(inp.claim_id)),
        (
            "Enclosed",
            f"{_count(len(inp.expenses), 'expense')}, {_count(receipts_count, 'receipt')}, "
            f"{_count(letters_count, 'covering letter')}",
        ),
    ]
    patients = _single_patient(inp)
    if patients:
        details.insert(3, ("Patient", patients))
    half = (len(details) + 1) // 2
    widths = [width * 0.14, width * 0.36, width * 0.14, width * 0.36]
    styles = (LABEL, VALUE, LABEL, VALUE)
    grid = []
    for left_pair, right_pair in zip(details[:half], details[half:] + [("", "")] * (2 * half - len(details))):
        texts = (*left_pair, *right_pair)
        grid.append(_Row(widths, [_para(t or "", s, w - 6) for t, s, w in zip(texts, styles, widths)], (2, 6, 3, 0)))
    cover.table(grid)

    if inp.exported_anyway:
        heading = _para("Exported anyway", H2, width)
        rows = [
            _Row(
                [width],
                [_para("The claimant chose to export this claim although:", NOTE, width - 14)],
                (3, 6, 3, 8),
                background=NOTE_FILL,
                rule_left=(2.5, ALERT),
            )
        ]
        rows += [
            _Row(
                [width],
                [_para(w or "", NOTE, width - 14, indent=10, bullet=True)],
                (3, 6, 3, 8),
                background=NOTE_FILL,
                rule_left=(2.5, ALERT),
            )
            for w in inp.exported_anyway
        ]
        cover.keep_room(14 + _height(heading) + 6 + sum(row.height for row in rows[:4]))
        cover.paragraph(heading, space_before=14, space_after=6)
        cover.table(rows)

    cover.keep_room(1.5 * inch)
    cover.paragraph(_para("Expenses", H2, width), space_before=14, space_after=6)
    _expense_table(cover, inp, sources, width)

    if inp.warnings:
        heading = _para("Notes", H2, width)
        rows = [
            _Row(
                [width],
                [_para(w or "", NOTE, width - 14, indent=10, bullet=True)],
                (3, 6, 3, 8),
                background=NOTE_FILL,
                rule_left=(2.5, NOTE_RULE),
            )
            for w in inp.warnings
        ]
        if len(inp.warnings) <= 8:  # heading and notes kept together
            cover.keep_room(14 + _height(heading) + 6 + sum(row.height for row in rows))
        cover.paragraph(heading, space_before=14, space_after=6)
        cover.table(rows)

    cover.keep_room(1.5 * inch)
    cover.paragraph(_para("Contents of this packet", H2, width), space_before=14, space_after=6)
    _index_table(cover, inp, sources, width)
    return cover.pages


def _expense_table(cover: _Cover, inp: ClaimPacketInput, sources: list[_Source], width: float) -> None:
    index_of = {(s.role, s.doc.document_id): i for i, s in enumerate(sources)}
    show_person = _single_patient(inp) is None and any(e.person for e in inp.expenses)
    widths = [width * f for f in (0.04, 0.115, 0.17, 0.26, 0.2, 0.09, 0.125)]
    inner = [w - 8 for w in widths]
    padding = (4, 4, 4, 4)

    names = ["#", "Date", "Merchant", "Description", "Covering letter", "Receipt", "Amount"]
    header = _Row(
        widths,
        [_para(h, HEAD_RIGHT if h in ("Amount", "Receipt") else HEAD, w) for h, w in zip(names, inner)],
        padding,
        background=HEADER_FILL,
    )
    rows = []
    for n, e in enumerate(inp.expenses, start=1):
        description = _para(e.description or "", CELL, inner[3])
        if show_person and e.person:
            description += _para(f"Patient: {e.person}", CELL_SMALL, inner[3])
        letter = [_text_line("-", CELL_MUTED)]
        if e.letter_document_id is not None:
            letter = _para(e.letter_label or "Letter of medical necessity", CELL, inner[4])
            if ("letter", e.letter_document_id) in index_of:
                letter.append(_page_ref("page {}", index_of[("letter", e.letter_document_id)], SMALL))
        receipt = index_of.get(("receipt", e.document_id))
        rows.append(
            _Row(
                widths,
                [
                    [_text_line(str(n), SMALL)],
                    [_text_line(_date(e.date), CELL)],
                    _para(e.merchant or "-", CELL, inner[2]),
                    description,
                    letter,
                    [_page_ref("p. {}", receipt, CELL_RIGHT) if receipt is not None else _text_line("-", NO_RECEIPT)],
                    [_text_line(_money(e.amount), CELL_RIGHT)],
                ],
                padding,
                background=ZEBRA_FILL if n % 2 == 0 else None,
                rule_below=(0.4, RULE),
            )
        )
    rows.append(
        _Row(
            widths,
            [
                [],
                [],
                _para(f"Total ({_count(len(inp.expenses), 'expense')})", TOTAL_LABEL, sum(widths[2:6]) - 8),
                None,
                None,
                None,
                _para(_money(inp.total), TOTAL_AMOUNT, inner[6]),
            ],
            (6, 4, 6, 4),
            rule_above=(1.2, INK),
            rule_below=(1.2, INK),
        )
    )
    cover.table(rows, header)


def _index_table(cover: _Cover, inp: ClaimPacketInput, sources: list[_Source], width: float) -> None:
    first_expense = {}
    for e in inp.expenses:
        first_expense.setdefault(e.document_id, e)
    widths = [width * 0.08, width * 0.2, width * 0.72]
    inner = [w - 12 for w in widths]
    padding = (2.5, 6, 2.5, 6)
    header = _Row(
        widths,
        [_para("Page", HEAD_RIGHT, inner[0]), _para("Document", HEAD, inner[1]), _para("Details", HEAD, inner[2])],
        padding,
        background=HEADER_FILL,
    )
    rows = [
        _Row(
            widths,
            [[_text_line("1", CELL_RIGHT)], [_text_line("Cover sheet", CELL)], [_text_line("This summary", CELL)]],
            padding,
            rule_below=(0.4, RULE),
        )
    ]
    for i, source in enumerate(sources):
        doc = source.doc
        if source.role == "receipt":
            e = first_expense.get(doc.document_id)
            parts = [e.merchant or "", _date(e.date) if e.date else ""] if e else []
            kind = "Receipt"
        else:
            labels = [
                x.letter_label for x in inp.expenses if x.letter_document_id == doc.document_id and x.letter_label
            ]
            parts = [labels[0]] if labels else []
            kind = "Covering letter"
        pages = f"{source.page_count} pages" if source.page_count > 1 else "1 page"
        details = _with_note(", ".join(p for p in parts if p), f"{doc.file} ({pages})", inner[2])
        if source.kind == "unreadable":
            details += _para("could not be rendered; original in the bundle", CELL_ALERT, inner[2])
        rows.append(
            _Row(
                widths,
                [[_page_ref("{}", i, CELL_RIGHT)], [_text_line(kind, CELL)], details],
                padding,
                background=ZEBRA_FILL if i % 2 == 0 else None,
                rule_below=(0.4, RULE),
            )
        )
    cover.table(rows, header)


def _single_patient(inp: ClaimPacketInput) -> str | None:
    """The patient when every expense is for the same person (then named once, not per row)."""
    people = {e.person for e in inp.expenses}
    return people.pop() if len(people) == 1 and None not in people else None


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


def _money(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def _date(value) -> str:
    return value.isoformat() if value else "-"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
