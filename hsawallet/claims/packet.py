"""Claim packet PDF: a cover sheet, then each receipt, then each covering letter.

The packet is assembled directly as pypdf objects, so nothing is drawn twice or
parsed back:

* PDF documents keep their own pages (and text layer). Their content streams are
  never parsed or rewritten: the stamp is one more small content stream appended to
  the page, with the standard Helvetica font added to the page resources.
* Photos and scans become US Letter pages; a JPEG that is not too dense is embedded
  as is (DCTDecode, metadata segments dropped), anything else is re-encoded once.
* The cover is laid out here (tables that flow over pages with a repeated header)
  and written as plain content streams in the standard PDF fonts; reportlab only
  supplies the font metrics. Layout finishes before drawing, so the page numbers
  the cover refers to are known when it is drawn.

Every page gets "Page N of M" and the claim title.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from typing import BinaryIO, NamedTuple

import pillow_heif
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
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth as _rl_string_width

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
    _add_cover_pages(shared, cover, starts, total, inp.title)
    for source, start in zip(sources, starts):
        if source.kind == "pdf":
            _append_pdf_pages(shared, source, start, total, inp.title)
        elif source.kind == "image":
            _append_image_pages(shared, source, start, total, inp.title)
        else:
            _add_notice_page(shared, "This document could not be rendered into the packet.", source, start, total,
                             inp.title)
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


# ---------------------------------------------------------------- PDF objects and drawing


class _Shared:
    """The writer and the objects many pages refer to: fonts, the stamp band's alpha."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.fonts = {name: writer._add_object(_font_dict(name)) for name in (REGULAR, BOLD)}
        self.band_alpha = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/ExtGState"),
            NameObject("/ca"): FloatObject(0.85),
        }))
        # Our own pages name the fonts /F1 (regular) and /F2 (bold).
        self.text_resources = writer._add_object(DictionaryObject({
            NameObject("/Font"): DictionaryObject({
                NameObject("/F1"): self.fonts[REGULAR], NameObject("/F2"): self.fonts[BOLD],
            }),
            NameObject("/ProcSet"): ArrayObject([NameObject("/PDF"), NameObject("/Text")]),
        }))
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


def _font_dict(base_font: str) -> DictionaryObject:
    """One of the standard 14 fonts, WinAnsi-encoded like _pdf_text's output."""
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/" + base_font),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })


_OUR_FONTS = {REGULAR: "/F1", BOLD: "/F2"}


class _Canvas:
    """The few drawing operators the packet needs, collected as content-stream text."""

    def __init__(self, fonts: dict[str, str] = _OUR_FONTS) -> None:
        self.fonts = fonts  # font name -> resource name on this page
        self.ops: list[str] = []
        self._fill = self._stroke = None

    def raw(self, op: str) -> None:
        self.ops.append(op)

    def save(self) -> None:
        self.ops.append("q")

    def restore(self) -> None:
        self.ops.append("Q")
        self._fill = self._stroke = None  # whatever was current before q is back

    def _fill_color(self, color: colors.Color) -> None:
        if color is not self._fill:
            self.ops.append(_rgb(color) + " rg")
            self._fill = color

    def rect(self, x: float, y: float, width: float, height: float, color: colors.Color) -> None:
        self._fill_color(color)
        self.ops.append(f"{_num(x)} {_num(y)} {_num(width)} {_num(height)} re f")

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float, color: colors.Color) -> None:
        if color is not self._stroke:
            self.ops.append(_rgb(color) + " RG")
            self._stroke = color
        self.ops.append(f"{_num(width)} w {_num(x1)} {_num(y1)} m {_num(x2)} {_num(y2)} l S")

    def text(self, x: float, y: float, text: str, font: str, size: float, color: colors.Color,
             align: str = "left", word_space: float = 0) -> None:
        if not text:
            return
        if align == "right":
            x -= stringWidth(text, font, size)
        self._fill_color(color)
        op = f"BT {self.fonts[font]} {_num(size)} Tf {_num(x)} {_num(y)} Td {_pdf_string(text)} Tj ET"
        if word_space:  # Tw outlives ET, so it is set back at once
            op = op.replace(" Td ", f" Td {_num(word_space)} Tw ", 1).replace(" Tj ET", " Tj 0 Tw ET")
        self.ops.append(op)

    def data(self) -> bytes:
        return ("\n".join(self.ops) + "\n").encode("latin-1")


@lru_cache(maxsize=4096)
def stringWidth(text: str, font: str, size: float) -> float:  # noqa: N802 (reportlab's name)
    """Width of `text` in points; cached, as cover words and page labels repeat a lot."""
    return _rl_string_width(text, font, size)


def _num(value: float) -> str:
    return "%.2f" % value  # 1/100 pt is finer than any device draws


_RGB_CACHE: dict[tuple[float, float, float], str] = {}


def _rgb(color: colors.Color) -> str:
    key = (color.red, color.green, color.blue)
    text = _RGB_CACHE.get(key)
    if text is None:
        text = _RGB_CACHE[key] = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") or "0" for v in key)
    return text


_PDF_STRING_ESCAPES = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)", "\r": "\\r", "\n": "\\n"})


def _pdf_string(text: str) -> str:
    """A PDF literal string in WinAnsi bytes (carried through latin-1 to stay a str)."""
    raw = text if text.isascii() else _pdf_text(text).encode("cp1252", "replace").decode("latin-1")
    return f"({raw.translate(_PDF_STRING_ESCAPES)})"


def _draw_stamp(c: _Canvas, page_width: float, number: int, total: int, title: str,
                band_alpha: str | None = None) -> None:
    """Footer on every packet page: claim title left, "Page N of M" right.

    `band_alpha` names an ExtGState (85% opacity) for a white band under the text,
    which keeps the stamp legible on documents printed to the page edge.
    """
    font_size = 8 if page_width >= 4 * inch else 6.5
    margin = min(0.5 * inch, page_width * 0.06)
    baseline = 0.3 * inch if page_width >= 4 * inch else 0.15 * inch
    right_text = f"Page {number} of {total}"
    right_width = stringWidth(right_text, REGULAR, font_size)
    room = page_width - 2 * margin - right_width - 12
    left_text = _fit_text(_pdf_text(title), REGULAR, font_size, room)

    if band_alpha:
        c.save()
        c.raw(f"{band_alpha} gs")
        c.rect(margin - 3, baseline - 3, page_width - 2 * margin + 6, font_size + 5, colors.white)
        c.restore()
    c.save()
    if left_text:
        c.text(margin, baseline, left_text, REGULAR, font_size, MUTED)
    c.text(page_width - margin, baseline, right_text, REGULAR, font_size, MUTED, align="right")
    c.restore()


def _fit_text(text: str, font: str, size: float, room: float) -> str:
    if room <= 0:
        return ""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "...", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "..." if text else ""


# ---------------------------------------------------------------- PDF documents


def _append_pdf_pages(shared: _Shared, source: _Source, start: int, total: int, title: str) -> None:
    for offset, original in enumerate(source.payload.pages):
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
    c = _Canvas({REGULAR: font})
    c.restore()  # the page's own graphics state ends here
    c.save()
    c.raw(f"1 0 0 1 {_num(float(box.left))} {_num(float(box.bottom))} cm")
    _draw_stamp(c, float(box.width), number, total, title, band_alpha=band)
    c.restore()
    contents = [opening, *_content_refs(shared.writer, page), shared.stream(c.data())]
    page[NameObject("/Contents")] = ArrayObject(contents)


def _unrotate(page) -> str:
    """Clear the page's /Rotate; return the matrix that turns its content the same way."""
    angle = -page.rotation
    page.rotation = 0
    mediabox = RectangleObject(page.mediabox)
    matrix = Transformation().translate(
        -float(mediabox.left + mediabox.width / 2), -float(mediabox.bottom + mediabox.height / 2)
    ).rotate(angle)
    lower, upper = matrix.apply_on(mediabox.lower_left), matrix.apply_on(mediabox.upper_right)
    matrix = matrix.translate(-min(lower[0], upper[0]), -min(lower[1], upper[1]))
    for name in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        if name in page:
            box = RectangleObject(page[name])
            lower, upper = matrix.apply_on(box.lower_left), matrix.apply_on(box.upper_right)
            page[NameObject(name)] = RectangleObject((
                min(lower[0], upper[0]), min(lower[1], upper[1]), max(lower[0], upper[0]), max(lower[1], upper[1]),
            ))
    return " ".join(_num(v) for v in matrix.ctm)


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
    fonts[NameObject(font)] = shared.fonts[REGULAR]
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
            _add_notice_page(shared, "This page of the document could not be rendered.", source, number, total,
                             title)
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
        placed.jpeg, compress=False,
        Type=NameObject("/XObject"), Subtype=NameObject("/Image"),
        Width=NumberObject(placed.pixels[0]), Height=NumberObject(placed.pixels[1]),
        ColorSpace=NameObject("/DeviceGray" if placed.mode == "L" else "/DeviceRGB"),
        BitsPerComponent=NumberObject(8), Filter=NameObject("/DCTDecode"),
    )
    x, y, width, height = placed.box
    c = _Canvas()
    c.raw(f"q {_num(width)} 0 0 {_num(height)} {_num(x)} {_num(y)} cm /Im1 Do Q")
    _draw_stamp(c, placed.page_size[0], number, total, title)
    page[NameObject("/Contents")] = shared.stream(c.data())
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): shared.fonts[REGULAR]}),
        NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): image}),
        NameObject("/ProcSet"): ArrayObject([NameObject(n) for n in ("/PDF", "/Text", "/ImageB", "/ImageC")]),
    })


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
    page = shared.new_page(*LETTER)
    c = _Canvas()
    role = "Receipt" if source.role == "receipt" else "Letter"
    c.text(inch, LETTER[1] - 1.5 * inch, headline, BOLD, 14, INK)
    lines = [
        f"{role} file: {_pdf_text(source.doc.file)}",
        f"SHA-256: {source.doc.sha256}",
        "The original file is included unchanged in the claim bundle (ZIP).",
    ]
    for n, line in enumerate(lines):
        c.text(inch, LETTER[1] - (1.9 + 0.25 * n) * inch, line[:110], REGULAR, 10, INK)
    _draw_stamp(c, LETTER[0], number, total, title)
    page[NameObject("/Contents")] = shared.stream(c.data())
    page[NameObject("/Resources")] = shared.text_resources


# ---------------------------------------------------------------- cover sheet: text and tables

COVER_MARGIN = 0.7 * inch
_FRAME_LEFT = COVER_MARGIN + 6  # the text frame is padded 6 pt on each side
_FRAME_WIDTH = LETTER[0] - 2 * COVER_MARGIN - 12
_FRAME_TOP = LETTER[1] - 0.65 * inch - 6
_FRAME_BOTTOM = 0.75 * inch + 6
_FUZZ = 1e-6


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
HEAD = _Style(BOLD, 8, 10, colors.white)
HEAD_RIGHT = HEAD._replace(align="right")
TOTAL_LABEL = _Style(BOLD, 9.5, 12)
TOTAL_AMOUNT = TOTAL_LABEL._replace(align="right")
BIG_TOTAL = _Style(BOLD, 17, 21, INK, "right")
BIG_TOTAL_LABEL = _Style(REGULAR, 8.5, 11.5, MUTED, "right")
NOTE = _Style(REGULAR, 8.5, 11)


class _Run(NamedTuple):
    text: str
    font: str
    size: float
    color: colors.Color


_BREAK = _Run("\n", REGULAR, 0, INK)  # a forced line break inside a paragraph
_SPACES = re.compile(r"[ \t\r\n]+")  # where lines may break (not at no-break spaces)
SPACE_SHRINK = 0.05  # spaces may narrow by 5% to keep a line whole (as in reportlab paragraphs)


class _Para:
    """Text wrapped to the width it is given; runs may change font, size and colour."""

    def __init__(self, runs: list[_Run] | str, style: _Style, space_after: float = 0,
                 bullet: str | None = None, indent: float = 0) -> None:
        if isinstance(runs, str):
            runs = [_Run(runs, style.font, style.size, style.color)]
        self.style = style
        self.space_after = space_after
        self.bullet = bullet
        self.indent = indent
        self.words = _words(runs)
        self.lines: list[tuple[list, float]] = []
        self.height = 0.0

    def wrap(self, width: float) -> float:
        self.lines = _break_lines(self.words, width - self.indent)
        self.height = len(self.lines) * self.style.leading
        return self.height

    def draw(self, c: _Canvas, x: float, top: float, width: float, refs: dict[str, str]) -> None:
        if not self.lines:
            return
        first_words = self.lines[0][0]
        y = top - (first_words[0][0][0][2] if first_words else self.style.size)  # first piece's size
        if self.bullet:
            c.text(x, y, self.bullet, REGULAR, 10, self.style.color)
        room = width - self.indent
        for words, line_width in self.lines:
            # A line may be a little too long (see SPACE_SHRINK): its spaces are narrowed to fit.
            word_space = (room - line_width) / (len(words) - 1) if line_width > room and len(words) > 1 else 0.0
            line_width = min(line_width, room) if word_space else line_width
            cx = x + width - line_width if self.style.align == "right" else x + self.indent
            # One string per change of font, spaces included, so text extraction sees words.
            segments: list[list] = []
            for n, (pieces, _word_width) in enumerate(words):
                if n:
                    segments[-1][0] += " "
                for text, font, size, color, _piece_width in pieces:
                    if segments and segments[-1][1:] == [font, size, color]:
                        segments[-1][0] += text
                    else:
                        segments.append([text, font, size, color])
            for text, font, size, color in segments:
                c.text(cx, y, text, font, size, color, word_space=word_space)
                cx += stringWidth(text, font, size) + word_space * text.count(" ")
            y -= self.style.leading


def _words(runs: list[_Run]) -> list:
    """Runs cut at spaces into words: (pieces, width); a piece is (text, font, size, color, width)."""
    words: list = []
    pieces: list = []
    for run in runs:
        if run is _BREAK:
            if pieces:
                words.append(pieces)
            words.append(None)
            pieces = []
            continue
        for n, part in enumerate(_SPACES.split(_pdf_text(run.text))):
            if n and pieces:
                words.append(pieces)
                pieces = []
            if part:
                pieces.append((part, run.font, run.size, run.color, stringWidth(part, run.font, run.size)))
    if pieces:
        words.append(pieces)
    return [None if w is None else (w, sum(p[4] for p in w)) for w in words]


def _break_lines(words: list, width: float) -> list[tuple[list, float]]:
    lines: list[tuple[list, float]] = []
    line: list = []
    line_width = 0.0
    for word in words:
        if word is None:  # forced break
            lines.append((line, line_width))
            line, line_width = [], 0.0
            continue
        for part in _split_long_word(word, width):
            pieces, word_width = part
            last = line[-1][0][-1] if line else None  # a space takes the font of the text before it
            space = stringWidth(" ", last[1], last[2]) if last else 0.0
            if line and line_width + space + word_width > width + SPACE_SHRINK * space * len(line) + _FUZZ:
                lines.append((line, line_width))
                line, line_width, space = [], 0.0, 0.0
            line.append(part)
            line_width += space + word_width
    if line:
        lines.append((line, line_width))
    return lines


def _split_long_word(word, width: float) -> list:
    """A word wider than the line, cut into pieces that fit (as reportlab's splitLongWords)."""
    pieces, word_width = word
    if word_width <= width or width <= 0:
        return [word]
    parts, current, current_width = [], [], 0.0
    for text, font, size, color, _ in pieces:
        chunk = ""
        for ch in text:
            w = stringWidth(chunk + ch, font, size)
            if current_width + w > width and (chunk or current):
                if chunk:
                    current.append((chunk, font, size, color, stringWidth(chunk, font, size)))
                parts.append((current, sum(p[4] for p in current)))
                current, current_width, chunk = [], 0.0, ch
            else:
                chunk += ch
        if chunk:
            piece = (chunk, font, size, color, stringWidth(chunk, font, size))
            current.append(piece)
            current_width += piece[4]
    if current:
        parts.append((current, sum(p[4] for p in current)))
    return parts


class _Str:
    """One line of plain text in a table cell (leading = size + 2)."""

    space_after = 0

    def __init__(self, text: str, size: float = 8.5, color: colors.Color = INK, align: str = "left",
                 font: str = REGULAR, leading: float | None = None) -> None:
        self.text, self.size, self.color, self.align, self.font = _pdf_text(text), size, color, align, font
        self.height = leading if leading is not None else size + 2

    def wrap(self, width: float) -> float:
        return self.height

    def draw(self, c: _Canvas, x: float, top: float, width: float, refs: dict[str, str]) -> None:
        right = self.align == "right"
        c.text(x + width if right else x, top - self.size, self.text, self.font, self.size, self.color,
               "right" if right else "left")


class _PageRef(_Str):
    """A page number ("p. 7") that is only known once the cover's length is."""

    def __init__(self, key: str, size: float = 8.5, align: str = "right", height: float = 10.5,
                 color: colors.Color = INK) -> None:
        super().__init__("", size, color, align, leading=height)
        self.key = key

    def draw(self, c: _Canvas, x: float, top: float, width: float, refs: dict[str, str]) -> None:
        self.text = refs[self.key]
        super().draw(c, x, top, width, refs)


class _Row:
    """A table row: one list of items per column (None under a spanning cell)."""

    def __init__(self, cells: list, padding: tuple[float, float, float, float], *, background=None,
                 valign: str = "top", rule_above=None, rule_below=None, rule_left=None) -> None:
        self.cells = cells
        self.top, self.right, self.bottom, self.left = padding
        self.background = background
        self.valign = valign
        self.rule_above, self.rule_below, self.rule_left = rule_above, rule_below, rule_left
        self.height = 0.0
        self.widths: list[float] = []

    def wrap(self, col_widths: list[float]) -> float:
        self.widths = _cell_widths(self.cells, col_widths)
        height = 0.0
        for items, width in zip(self.cells, self.widths):
            if items:
                height = max(height, _items_height(items, width - self.left - self.right))
        self.height = height + self.top + self.bottom
        return self.height

    def draw_cells(self, c: _Canvas, x: float, top: float, refs: dict[str, str]) -> None:
        for items, width in zip(self.cells, self.widths):
            if items:
                inner = width - self.left - self.right
                if self.valign == "bottom":
                    y = top - self.height + self.bottom + _items_height(items, None)
                else:
                    y = top - self.top
                for item in items:
                    item.draw(c, x + self.left, y, inner, refs)
                    y -= item.height + item.space_after
            x += width


def _cell_widths(cells: list, col_widths: list[float]) -> list[float]:
    widths = []
    for items, width in zip(cells, col_widths):
        if items is None and widths:  # spanned by the cell to the left
            widths[-1] += width
            widths.append(0.0)
        else:
            widths.append(width)
    return widths


def _items_height(items: list, width: float | None) -> float:
    """Stacked height of a cell's items (space after each but the last); wraps them if given a width."""
    heights = [item.wrap(width) if width is not None else item.height for item in items]
    return sum(heights) + sum(item.space_after for item in items[:-1])


class _Cover:
    """Places blocks top-down on cover pages; drawing waits until page numbers are known."""

    def __init__(self) -> None:
        self.pages: list[list] = [[]]
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

    def place(self, height: float, draw, space_before: float = 0, space_after: float = 0) -> None:
        """Put a block of `height` here (or atop the next page); draw(canvas, top, refs) later."""
        gap = 0.0 if self.at_top else max(space_before - self.space_after, 0)
        if self.y - gap - height < _FRAME_BOTTOM - _FUZZ and not self.at_top:
            self.new_page()
            gap = 0.0
        top = self.y - gap
        if draw is not None:
            self.pages[-1].append((draw, top))
        self.y = top - height - space_after
        self.at_top = False
        self.space_after = space_after

    def paragraph(self, para: _Para, space_before: float = 0, space_after: float = 0) -> None:
        height = para.wrap(_FRAME_WIDTH)
        self.place(height, lambda c, top, refs: para.draw(c, _FRAME_LEFT, top, _FRAME_WIDTH, refs),
                   space_before, space_after)

    def table(self, col_widths: list[float], rows: list[_Row], header: _Row | None = None) -> None:
        """Rows flow over as many pages as needed; the header row starts every page."""
        for row in ([header] if header else []) + rows:
            row.wrap(col_widths)
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
            chunk = head + rows[i : i + n]
            self.place(used, lambda c, top, refs, chunk=chunk: _draw_rows(c, chunk, top, refs))
            i += n
            if i < len(rows):
                self.new_page()


def _draw_rows(c: _Canvas, rows: list[_Row], top: float, refs: dict[str, str]) -> None:
    """Backgrounds, then text, then rules (so rules stay on top), as reportlab tables do."""
    x0 = _FRAME_LEFT
    width = sum(rows[0].widths)
    y = top
    for row in rows:
        if row.background is not None:
            c.rect(x0, y - row.height, width, row.height, row.background)
        y -= row.height
    y = top
    for row in rows:
        row.draw_cells(c, x0, y, refs)
        y -= row.height
    y = top
    for row in rows:
        bottom = y - row.height
        if row.rule_left:
            c.line(x0, y, x0, bottom, *row.rule_left)
        if row.rule_above:
            c.line(x0, y, x0 + width, y, *row.rule_above)
        if row.rule_below:
            c.line(x0, bottom, x0 + width, bottom, *row.rule_below)
        y = bottom


def _add_cover_pages(shared: _Shared, cover: list[list], starts: list[int], total: int, title: str) -> None:
    refs = {}
    for i, start in enumerate(starts):
        refs[f"doc{i}"] = str(start)
        refs[f"docp{i}"] = f"p. {start}"
        refs[f"docpage{i}"] = f"page {start}"
    for number, blocks in enumerate(cover, start=1):
        page = shared.new_page(*LETTER)
        c = _Canvas()
        for draw, top in blocks:
            draw(c, top, refs)
        _draw_stamp(c, LETTER[0], number, total, title)
        page[NameObject("/Contents")] = shared.stream(c.data())
        page[NameObject("/Resources")] = shared.text_resources


# ---------------------------------------------------------------- cover sheet: content


def _layout_cover(inp: ClaimPacketInput, sources: list[_Source]) -> list[list]:
    """Lay out the cover; return per page the blocks to draw as (draw, top)."""
    cover = _Cover()
    width = _FRAME_WIDTH

    account = _pdf_text(inp.account_type.upper() if inp.account_type else "")
    kicker = f"{account} REIMBURSEMENT CLAIM" if account else "REIMBURSEMENT CLAIM"
    heading = _Row(
        [[_Para(kicker, KICKER), _Para(inp.title, TITLE, space_after=2)],
         [_Para("Total claimed", BIG_TOTAL_LABEL), _Para(_money(inp.total), BIG_TOTAL)]],
        (3, 0, 8, 0), valign="bottom", rule_below=(2, HEADER_FILL),
    )
    cover.table([width * 0.68, width * 0.32], [heading])
    cover.place(10, None)

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
        grid.append(_Row([[_Para(left[0] or "", LABEL)], [_Para(left[1] or "", VALUE)],
                          [_Para(right[0] or "", LABEL)], [_Para(right[1] or "", VALUE)]], (2, 6, 3, 0)))
    cover.table([width * 0.14, width * 0.36, width * 0.14, width * 0.36], grid)

    cover.keep_room(1.5 * inch)
    cover.paragraph(_Para("Expenses", H2), space_before=14, space_after=6)
    _expense_table(cover, inp, sources, width)

    if inp.warnings:
        heading_para = _Para("Notes", H2)
        rows = [_Row([[_Para(w or "", NOTE, bullet="\u2022", indent=10)]], (3, 6, 3, 8), background=NOTE_FILL,
                     rule_left=(2.5, NOTE_RULE)) for w in inp.warnings]
        if len(inp.warnings) <= 8:  # heading and notes kept together
            needed = 14 + heading_para.wrap(width) + 6 + sum(row.wrap([width]) for row in rows)
            cover.keep_room(needed)
        cover.paragraph(heading_para, space_before=14, space_after=6)
        cover.table([width], rows)

    cover.keep_room(1.5 * inch)
    cover.paragraph(_Para("Contents of this packet", H2), space_before=14, space_after=6)
    _index_table(cover, inp, sources, width)
    return cover.pages


def _expense_table(cover: _Cover, inp: ClaimPacketInput, sources: list[_Source], width: float) -> None:
    index_of = {(s.role, s.doc.document_id): i for i, s in enumerate(sources)}
    show_person = _single_patient(inp) is None and any(e.person for e in inp.expenses)
    padding = (4, 4, 4, 4)

    names = ["#", "Date", "Merchant", "Description", "Covering letter", "Receipt", "Amount"]
    header = _Row([[_Para(h, HEAD_RIGHT if h in ("Amount", "Receipt") else HEAD)] for h in names], padding,
                  background=HEADER_FILL)
    rows = []
    for n, e in enumerate(inp.expenses, start=1):
        description = [_Run(e.description or "", REGULAR, 8.5, INK)]
        if show_person and e.person:
            description += [_BREAK, _Run(f"Patient: {e.person}", REGULAR, 7.5, MUTED)]
        letter: list = [_Str("-", color=MUTED)]
        if e.letter_document_id is not None:
            letter = [_Para(e.letter_label or "Letter of medical necessity", CELL)]
            if ("letter", e.letter_document_id) in index_of:
                letter.append(_PageRef(f"docpage{index_of[('letter', e.letter_document_id)]}", 7.5, "left", 9.5,
                                       MUTED))
        receipt = index_of.get(("receipt", e.document_id))
        rows.append(_Row([
            [_Str(str(n), 7.5, MUTED)],
            [_Str(_date(e.date))],
            [_Para(e.merchant or "-", CELL)],
            [_Para(description, CELL)],
            letter,
            [_PageRef(f"docp{receipt}")] if receipt is not None
            else [_Str("-", 10, colors.black, "right", leading=12)],
            [_Str(_money(e.amount), align="right")],
        ], padding, background=ZEBRA_FILL if n % 2 == 0 else None, rule_below=(0.4, RULE)))
    rows.append(_Row([
        [], [], [_Para(f"Total ({_count(len(inp.expenses), 'expense')})", TOTAL_LABEL)], None, None, None,
        [_Para(_money(inp.total), TOTAL_AMOUNT)],
    ], (6, 4, 6, 4), rule_above=(1.2, INK), rule_below=(1.2, INK)))
    fractions = [0.04, 0.115, 0.17, 0.26, 0.2, 0.09, 0.125]
    cover.table([width * f for f in fractions], rows, header)


def _index_table(cover: _Cover, inp: ClaimPacketInput, sources: list[_Source], width: float) -> None:
    first_expense = {}
    for e in inp.expenses:
        first_expense.setdefault(e.document_id, e)
    padding = (2.5, 6, 2.5, 6)
    header = _Row([[_Para("Page", HEAD_RIGHT)], [_Para("Document", HEAD)], [_Para("Details", HEAD)]], padding,
                  background=HEADER_FILL)
    rows = [_Row([[_Str("1", align="right")], [_Str("Cover sheet")], [_Str("This summary")]], padding,
                 rule_below=(0.4, RULE))]
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
        runs = [_Run(f"{details}\u00a0\u00a0\u00a0", REGULAR, 8.5, INK)] if details else []
        runs.append(_Run(f"{doc.file} ({pages})", REGULAR, 7.5, MUTED))
        if source.kind == "unreadable":
            runs += [_BREAK, _Run("could not be rendered; original in the bundle", REGULAR, 7.5, ALERT)]
        rows.append(_Row([[_PageRef(f"doc{i}")], [_Str(kind)], [_Para(runs, CELL)]], padding,
                         background=ZEBRA_FILL if i % 2 == 0 else None, rule_below=(0.4, RULE)))
    cover.table([width * 0.08, width * 0.2, width * 0.72], rows, header)


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
