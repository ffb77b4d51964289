"""Text of each PDF page: the text layer where it is usable, OCR of the rendered page elsewhere."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

from hsawallet.ingest.model import IngestError, PageText, Word

log = logging.getLogger(__name__)

OCR_DPI = 300
MAX_RENDER_PIXELS = 40_000_000  # a huge page size is rendered at a lower resolution instead
MAX_PAGES = 300
MIN_TEXT_CHARS = 16  # fewer visible characters than this: treat the page as a picture


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open with PDFium, turning its failures into messages for the user."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise IngestError("the PDF is password-protected; remove the password and import it again") from None
        if "security" in message or "handler" in message:
            raise IngestError("the PDF is encrypted with an unsupported security scheme") from None
        raise IngestError("the PDF is damaged or incomplete and cannot be opened") from None
    count = len(document)
    if count == 0:
        document.close()
        raise IngestError("the PDF has no pages")
    if count > MAX_PAGES:
        document.close()
        raise IngestError(f"the PDF has too many pages ({count}; the limit is {MAX_PAGES})")
    return document


def render_page(page: pdfium.PdfPage, dpi: int, max_pixels: int = MAX_RENDER_PIXELS) -> Image.Image:
    """The page as an RGB image at ``dpi`` (less for pages too large for ``max_pixels``)."""
    width_pt, height_pt = page.get_size()
    scale = dpi / 72.0
    pixels = width_pt * scale * height_pt * scale
    if pixels > max_pixels:
        scale *= (max_pixels / pixels) ** 0.5
    try:
        bitmap = page.render(scale=scale, grayscale=False)
        return bitmap.to_pil()
    except pdfium.PdfiumError:
        raise IngestError("a page of the PDF could not be drawn; the file may be damaged") from None


@dataclass(frozen=True)
class TextLayer:
    text: str
    coverage: float  # share of the page covered by pictures, 0-1
    words: tuple[Word, ...] = ()
    width: float = 0.0
    height: float = 0.0
    marks: tuple[tuple[float, float, float, float], ...] = ()


def text_layers(data: bytes, page_count: int) -> list[TextLayer]:
    """Text, picture coverage and word boxes per page from pdfplumber; empty text where there is none.

    A PDF that PDFium opens but pdfminer cannot parse still gets OCR, so only log here.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    layers: list[TextLayer] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages[:page_count]:
                try:
                    text = page.extract_text() or ""
                    layer = TextLayer(
                        text,
                        _picture_coverage(page),
                        _words(page) if text.strip() else (),
                        float(page.width),
                        float(page.height),
                        _marks(page) if text.strip() else (),
                    )
                except MemoryError:
                    raise
                except Exception as error:  # pdfminer raises many types on odd pages
                    log.info("text layer of a page unreadable: %s", type(error).__name__)
                    layer = TextLayer("", 1.0)
                layers.append(layer)
    except PDFPasswordIncorrect:
        raise IngestError("the PDF is password-protected; remove the password and import it again") from None
    except MemoryError:
        raise
    except Exception as error:
        log.info("no text layer read: %s", type(error).__name__)
    layers += [TextLayer("", 1.0)] * (page_count - len(layers))
    return layers


def _words(page) -> tuple[Word, ...]:
    """The page's words with their boxes, in the order extract_text puts them (lines top to
    bottom, left to right), so that the lines of the text can be matched to them."""
    return tuple(
        Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
        for w in page.extract_words()
    )


def _marks(page) -> tuple[tuple[float, float, float, float], ...]:
    """Boxes of the page's freehand drawings (curves) and pictures: where a hand signature would be."""
    return tuple(
        (float(item["x0"]), float(item["top"]), float(item["x1"]), float(item["bottom"]))
        for item in list(page.curves) + list(page.images)
    )


def _picture_coverage(page) -> float:
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for image in page.images:
        width = max(0.0, min(image["x1"], page.width) - max(image["x0"], 0))
        height = max(0.0, min(image["bottom"], page.height) - max(image["top"], 0))
        covered += width * height
    return min(1.0, covered / area)


_CID = re.compile(r"\(cid:\d+\)")


def usable_text(text: str) -> bool:
    """Enough real characters; not the (cid:NN) residue of a font without a Unicode map."""
    visible = re.sub(r"\s+", "", _CID.sub("", text))
    if len(visible) < MIN_TEXT_CHARS:
        return False
    if len(_CID.findall(text)) * 6 > len(text) * 0.3:
        return False
    readable = sum(1 for ch in visible if ch.isalnum() or ch in ".,:;$%/#&()-'\"@*+")
    return readable >= 0.6 * len(visible)


def _text_page(index: int, layer: TextLayer) -> PageText:
    return PageText(
        index=index,
        text=layer.text,
        source="text",
        confidence=1.0,
        words=layer.words,
        width=layer.width,
        height=layer.height,
        marks=layer.marks,
    )


def extract_pdf_pages(data: bytes, *, psm: int | None = None) -> list[PageText]:
    from hsawallet.ingest.ocr import read_image_text

    document = open_pdf(data)
    try:
        page_count = len(document)
        layers = text_layers(data, page_count)
        pages: list[PageText] = []
        for index, layer in enumerate(layers):
            text, coverage = layer.text, layer.coverage
            has_text = usable_text(text)
            # A large picture with a little text (a stamped scan, a letterhead over a photo) is OCR'd too.
            if has_text and not (coverage > 0.5 and len(text.split()) < 40):
                pages.append(_text_page(index, layer))
                continue
            page = document[index]
            try:
                width_pt = page.get_width()
                image = render_page(page, OCR_DPI)
            finally:
                page.close()
            dpi = round(image.width * 72.0 / width_pt) if width_pt > 0 else OCR_DPI
            result = read_image_text(image, dpi=max(70, dpi), psm=psm)
            if has_text and len(text.split()) >= result.words:
                pages.append(_text_page(index, layer))
            else:
                pages.append(result.page_text(index))
        return pages
    finally:
        document.close()
