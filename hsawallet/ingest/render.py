"""Page pictures of a stored document, for the viewer and the claim packet."""

from __future__ import annotations

import threading

from PIL import Image

from hsawallet.ingest.images import load_pages
from hsawallet.ingest.model import IngestError
from hsawallet.ingest.sniff import PDF, sniff

# PDFium is not thread-safe: the GUI renders from a thread pool, so one call at a time.
PDFIUM_LOCK = threading.Lock()


def page_images(data: bytes, media_type: str | None = None, *, dpi: int = 150) -> list[Image.Image]:
    """Every page upright (EXIF orientation applied); PDFs drawn at ``dpi``, images as stored."""
    media_type = media_type or sniff(data)
    if media_type == PDF:
        from hsawallet.ingest.pdftext import open_pdf, render_page

        with PDFIUM_LOCK:
            document = open_pdf(data)
            try:
                images = []
                for index in range(len(document)):
                    page = document[index]
                    try:
                        images.append(render_page(page, dpi))
                    finally:
                        page.close()
                return images
            finally:
                document.close()
    return load_pages(data, media_type)


def page_count(data: bytes, media_type: str | None = None) -> int:
    media_type = media_type or sniff(data)
    if media_type == PDF:
        from hsawallet.ingest.pdftext import open_pdf

        with PDFIUM_LOCK:
            document = open_pdf(data)
            try:
                return len(document)
            finally:
                document.close()
    from hsawallet.ingest.images import open_image
    from hsawallet.ingest.sniff import TIFF

    image = open_image(data, media_type)
    try:
        return getattr(image, "n_frames", 1) if media_type == TIFF else 1
    except (OSError, ValueError, EOFError):
        raise IngestError("the image is damaged or incomplete") from None
