"""Decode image documents safely: a pixel cap checked before decoding, EXIF orientation,
multi-frame TIFF as pages, HEIC through pi-heif."""

from __future__ import annotations

import io
import re
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from hsawallet.ingest.model import IngestError
from hsawallet.ingest.sniff import HEIC, TIFF

MAX_PIXELS = 80_000_000  # per page; a 12 Mpx phone photo is far below, a 400 Mpx bomb far above
MAX_FRAMES = 500

# Pillow's own bomb check raises only above twice its limit; ours is checked first anyway.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        from pi_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def too_large_error(pixels: int, limit: int = MAX_PIXELS) -> IngestError:
    return IngestError(f"image too large ({pixels / 1e6:.0f} megapixels; the limit is {limit / 1e6:.0f})")


def check_pixels(width: int, height: int, limit: int = MAX_PIXELS) -> None:
    if width <= 0 or height <= 0:
        raise IngestError("the image is damaged: it has no pixels")
    if width * height > limit:
        raise too_large_error(width * height, limit)


def open_image(data: bytes, media_type: str) -> Image.Image:
    """Open lazily (header only); the caller decodes frame by frame after the size check."""
    if media_type == HEIC:
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        claimed = re.search(r"\((\d+) pixels\)", str(error))  # Pillow names the size it refused
        if claimed:
            raise too_large_error(int(claimed.group(1))) from None
        raise IngestError("image too large (its header claims more pixels than allowed)") from None
    except UnidentifiedImageError:
        raise IngestError("the image is damaged or not a readable image file") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise IngestError(f"the image is damaged ({type(error).__name__})") from None
    check_pixels(*image.size)
    return image


def load_pages(data: bytes, media_type: str) -> list[Image.Image]:
    """Decoded, upright pages of an image document (several only for a multi-frame TIFF)."""
    image = open_image(data, media_type)
    frame_count = getattr(image, "n_frames", 1) if media_type == TIFF else 1
    if frame_count > MAX_FRAMES:
        raise IngestError(f"the TIFF file has too many pages ({frame_count}; the limit is {MAX_FRAMES})")
    pages = []
    for index in range(frame_count):
        try:
            if index:
                image.seek(index)
            check_pixels(*image.size)
            pages.append(_decoded_upright(image))
        except IngestError:
            raise
        except MemoryError:
            raise IngestError("the image needs more memory than allowed to decode") from None
        except (OSError, ValueError, SyntaxError, EOFError) as error:
            raise IngestError(f"the image is damaged or incomplete ({type(error).__name__})") from None
    return pages


def _decoded_upright(frame: Image.Image) -> Image.Image:
    frame.load()
    upright = ImageOps.exif_transpose(frame)
    if upright.mode not in ("RGB", "L"):
        upright = _flatten(upright)
    return upright if upright is not frame else frame.copy()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB (or L) with transparency composited on white, as paper would be."""
    if image.mode in ("1", "I;16", "I;16B", "I;16L", "I", "F"):
        return image.convert("L") if image.mode != "1" else image.convert("L")
    if "A" in image.getbands() or image.mode == "P" and "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
