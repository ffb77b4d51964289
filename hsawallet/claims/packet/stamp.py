"""Pages into the packet's writer, each stamped with the claim title and "Page N of M".

A document's page keeps its own content streams, never parsed: the stamp is one more
small stream appended to the page, with the standard Helvetica font added to its resources.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
    RectangleObject,
    StreamObject,
)
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from hsawallet.claims.packet.style import MUTED, REGULAR, pdf_text

# Under this page width (points) the stamp is set smaller and lower: a till slip is narrow.
NARROW_PAGE = 4 * inch
# The white band under the stamp is this opaque: legible over a document printed to the edge.
BAND_OPACITY = 0.85


def add_object(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """`obj` as an object of its own in `writer` (what a page's streams and shared resources must be).

    Through pypdf's public clone(): it gives the copy of an object that has an
    indirect_reference a number of its own in the writer; a new object's is None.
    """
    obj.indirect_reference = None
    reference = obj.clone(writer).indirect_reference
    assert reference is not None  # clone() numbered it
    return reference


class PacketWriter:
    """The writer and the objects many pages refer to: the stamp's font and its band's alpha."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.font = add_object(
            writer,
            DictionaryObject(
                {  # standard Helvetica, WinAnsi like pdf_text's output
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/" + REGULAR),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                }
            ),
        )
        self.band_alpha = add_object(
            writer,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/ExtGState"),
                    NameObject("/ca"): FloatObject(BAND_OPACITY),
                }
            ),
        )
        self.save_state = self.stream(b"q\n", compress=False)

    def new_page(self, width: float, height: float) -> PageObject:
        """Append an empty page of ours."""
        return self.writer.add_blank_page(width, height)

    def stream(self, data: bytes, compress: bool = True, **entries: PdfObject) -> IndirectObject:
        """Add a stream object; `entries` go into its dictionary (keys without the slash)."""
        values: dict[str, object] = {NameObject("/" + key): value for key, value in entries.items()}
        if compress:
            data = zlib.compress(data)
            values[NameObject("/Filter")] = NameObject("/FlateDecode")
        values["__streamdata__"] = data
        return add_object(self.writer, StreamObject.initialize_from_dictionary(values))


def stamp(page_width: float, number: int, total: int, title: str, font: str, band: str | None = None) -> bytes:
    """Content stream for the footer on every packet page: claim title left, "Page N of M" right.

    `font` is the page's resource name for Helvetica. `band` names an ExtGState (85%
    opacity) for a white band under the text, which keeps the stamp legible on
    documents printed to the page edge.
    """
    size = 8 if page_width >= NARROW_PAGE else 6.5
    margin = min(0.5 * inch, page_width * 0.06)
    baseline = 0.3 * inch if page_width >= NARROW_PAGE else 0.15 * inch
    right_text = f"Page {number} of {total}"
    right_width = stringWidth(right_text, REGULAR, size)
    room = page_width - 2 * margin - right_width - 12
    left_text = fit_text(pdf_text(title), REGULAR, size, room)

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


def fit_text(text: str, font: str, size: float, room: float) -> str:
    """`text` cut to `room` points, with "..." where it was cut."""
    if room <= 0:
        return ""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "...", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "..." if text else ""


def append_pdf_pages(out: PacketWriter, reader: PdfReader, start: int, total: int, title: str) -> None:
    """Every page of `reader`, stamped with its number from `start` on."""
    for offset, original in enumerate(reader.pages):
        page = out.writer.add_page(original)
        _stamp_pdf_page(out, page, start + offset, total, title)


def drawn_pages(draw: Callable[[Canvas], None]) -> PdfReader:
    """Pages drawn by `draw` on a reportlab canvas (US Letter), read back for the writer."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    draw(canvas)
    canvas.save()
    return PdfReader(buffer)


def _stamp_pdf_page(out: PacketWriter, page: PageObject, number: int, total: int, title: str) -> None:
    """Stamp a document's page without parsing its content.

    The page's own content streams are kept as they are, bracketed by q ... Q so any
    state they leave behind cannot reach the stamp, which follows as one more stream.
    A /Rotate is turned into a matrix on the content (and the boxes), so the stamp is
    upright and the page reads the same.
    """
    opening = out.save_state
    if page.rotation % 360:
        opening = out.stream(f"q {_unrotate(page)} cm\n".encode("ascii"), compress=False)
    font, band = _add_stamp_resources(out, page)
    box = page.cropbox
    # Q ends the page's own graphics state; the stamp is drawn in the crop box's corner.
    footer = (
        f"Q\nq 1 0 0 1 {fp_str(float(box.left), float(box.bottom))} cm\n".encode("ascii")
        + stamp(float(box.width), number, total, title, font, band)
        + b"Q\n"
    )
    contents = [opening, *_content_refs(out.writer, page), out.stream(footer)]
    page[NameObject("/Contents")] = ArrayObject(contents)


def _unrotate(page: PageObject) -> str:
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
            box = RectangleObject(cast(ArrayObject, page[name]))
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


def _content_refs(writer: PdfWriter, page: PageObject) -> list[IndirectObject]:
    """The page's content streams as indirect references, in order."""
    if "/Contents" not in page:
        return []
    raw = page.raw_get("/Contents")
    value = raw.get_object()
    if isinstance(value, ArrayObject):
        return [item if isinstance(item, IndirectObject) else add_object(writer, item) for item in value]
    if not isinstance(value, StreamObject):
        return []
    return [raw if isinstance(raw, IndirectObject) else add_object(writer, value)]


def _add_stamp_resources(out: PacketWriter, page: PageObject) -> tuple[str, str]:
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
    fonts[NameObject(font)] = out.font
    states[NameObject(band)] = out.band_alpha
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
