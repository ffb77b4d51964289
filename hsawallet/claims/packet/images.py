"""Photos and scans as US Letter pages: a JPEG embedded as it is when it is not too dense."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import NamedTuple

from PIL import Image, ImageOps, ImageSequence
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import inch

from hsawallet.claims.packet.notice import add_notice_page
from hsawallet.claims.packet.sources import Source
from hsawallet.claims.packet.stamp import PacketWriter, stamp

log = logging.getLogger(__name__)

# Image pages: margins leave the bottom strip free for the page stamp.
IMAGE_MARGIN = 0.5 * inch
IMAGE_BOTTOM_MARGIN = 0.65 * inch
TARGET_DPI = 200  # readable and OCR-able once printed or zoomed
MAX_KEEP_DPI = 260  # a JPEG at most this dense is embedded as is (no re-encode)
JPEG_QUALITY = 75  # a re-encoded page stays legible at about a tenth of its pixels' size
EXIF_ORIENTATION = 0x0112
UPRIGHT = 1  # EXIF orientation: stored the way it is seen
TURNED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


class PlacedImage(NamedTuple):
    jpeg: bytes
    pixels: tuple[int, int]
    mode: str  # "RGB" or "L"
    page_size: tuple[float, float]
    box: tuple[float, float, float, float]  # x, y, width, height on the page


def append_image_pages(out: PacketWriter, source: Source, start: int, total: int, title: str) -> None:
    """Photos/scans (every frame of a TIFF) as US Letter pages, stamped."""
    image = source.image
    assert image is not None  # an image source
    frames: Iterable[Image.Image] = ImageSequence.Iterator(image) if source.page_count > 1 else [image]
    for offset, frame in enumerate(frames):
        number = start + offset
        try:
            placed = _place_image(frame, source.doc.data if source.page_count == 1 else None)
        except Exception as exc:
            log.warning("an image page of document %s failed: %s", source.doc.document_id, type(exc).__name__)
            add_notice_page(out, "This page of the document could not be rendered.", source, number, total, title)
            continue
        _add_image_page(out, placed, number, total, title)


def _place_image(frame: Image.Image, original: bytes | None) -> PlacedImage:
    orientation = frame.getexif().get(EXIF_ORIENTATION, UPRIGHT)
    width, height = frame.size
    if orientation in TURNED:
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
    return PlacedImage(jpeg, pixels, mode, page_size, (x, y, draw_w, draw_h))


def _add_image_page(out: PacketWriter, placed: PlacedImage, number: int, total: int, title: str) -> None:
    page = out.new_page(*placed.page_size)
    image = out.stream(
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
    page[NameObject("/Contents")] = out.stream(content + stamp(placed.page_size[0], number, total, title, "/F1"))
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): out.font}),
            NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): image}),
            NameObject("/ProcSet"): ArrayObject([NameObject(n) for n in ("/PDF", "/Text", "/ImageB", "/ImageC")]),
        }
    )


def _embeddable_as_is(frame: Image.Image, orientation: int) -> bool:
    return frame.format == "JPEG" and frame.mode in ("RGB", "L") and orientation == UPRIGHT


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
