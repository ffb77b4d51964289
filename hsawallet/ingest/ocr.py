"""OCR with the tesseract command: image bytes in on stdin, TSV out on stdout.

Nothing touches the disk (pytesseract would write the page image and its text to the
temp folder). Photos are cropped to the paper first, and pages that read badly are
checked for a 90/180/270 degree rotation with tesseract's orientation detection.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageOps

from hsawallet.ingest.model import IngestError

TESSERACT_TIMEOUT_S = 110.0
OCR_MAX_PIXELS = 40_000_000  # larger images are scaled down first; tesseract gains nothing above this
# One uniform block: the automatic layout (psm 3) drops the right-hand amount column of
# many receipts; measured on the corpus photos, total found 55% (psm 3) vs 97% (psm 6).
DEFAULT_PSM = 6
WEAK_CONFIDENCE = 0.6  # below this (or with few words) a rotated page is suspected
MIN_WORDS = 8
SMALL_TEXT_PX = 16  # median word height below which a page is read again at twice the size
DESKEW_MAX_DEGREES = 4.0


@dataclass
class OcrResult:
    text: str
    confidence: float  # mean word confidence 0-1 (0 when no words)
    words: int
    line_height: float = 0.0  # median height in pixels of the words read

    @property
    def score(self) -> float:
        return self.confidence * self.words


def tesseract_path() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise IngestError("OCR is not available: the tesseract program is not installed")
    return path


def _run_tesseract(image: Image.Image, args: list[str]) -> str:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"  # parallelism comes from worker processes; threads only contend
    try:
        completed = subprocess.run(
            [tesseract_path(), "stdin", "stdout", *args],
            input=_encode(image),
            capture_output=True,
            timeout=TESSERACT_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise IngestError("OCR took too long on this page") from None
    except OSError as error:
        raise IngestError(f"OCR could not be started ({error.strerror})") from None
    if completed.returncode != 0:
        raise _TesseractFailed(completed.stderr.decode("utf-8", "replace")[-300:])
    return completed.stdout.decode("utf-8", "replace")


class _TesseractFailed(Exception):
    pass


def _encode(image: Image.Image) -> bytes:
    """PNM: the cheapest format to write that leptonica reads from memory."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("L")
    buffer = io.BytesIO()
    image.save(buffer, "PPM")
    return buffer.getvalue()


def ocr_tsv(image: Image.Image, *, psm: int | None = None, dpi: int | None = None) -> OcrResult:
    """One tesseract pass; text rebuilt from the TSV words (blocks, lines) with their confidences."""
    args = ["--psm", str(psm or DEFAULT_PSM), "-l", "eng"]
    if dpi:
        args += ["--dpi", str(dpi)]
    args.append("tsv")
    try:
        tsv = _run_tesseract(image, args)
    except _TesseractFailed:
        raise IngestError("OCR failed on this page") from None
    return _parse_tsv(tsv)


def _parse_tsv(tsv: str) -> OcrResult:
    lines: list[str] = []
    current_line: tuple[int, int, int] | None = None
    current_block: tuple[int, int] | None = None
    words: list[str] = []
    confidences: list[float] = []
    heights: list[int] = []
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)  # header
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        text = row[11].strip()
        if not text:
            continue
        block = (int(row[2]), int(row[3]))
        line = (int(row[2]), int(row[3]), int(row[4]))
        if line != current_line:
            if words:
                lines.append(" ".join(words))
            if current_block is not None and block[0] != current_block[0]:
                lines.append("")  # blank line between blocks, as tesseract's text output
            words = []
            current_line, current_block = line, block
        words.append(text)
        heights.append(int(row[9]))
        confidence = float(row[10])
        if confidence >= 0:
            confidences.append(confidence)
    if words:
        lines.append(" ".join(words))
    mean = sum(confidences) / len(confidences) / 100.0 if confidences else 0.0
    median_height = float(sorted(heights)[len(heights) // 2]) if heights else 0.0
    return OcrResult(
        text="\n".join(lines).strip(), confidence=round(mean, 4), words=len(confidences), line_height=median_height
    )


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_ORIENTATION_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def detect_rotation(image: Image.Image) -> int:
    """Clockwise degrees (0, 90, 180, 270) that make the page upright, per tesseract OSD; 0 if unsure."""
    try:
        report = _run_tesseract(image, ["--psm", "0", "-l", "osd"])
    except _TesseractFailed:
        return 0  # too few characters to tell
    rotate = _ROTATE.search(report)
    confidence = _ORIENTATION_CONFIDENCE.search(report)
    if not rotate or not confidence or float(confidence.group(1)) < 1.0:
        return 0
    return int(rotate.group(1)) % 360


def rotated(image: Image.Image, clockwise_degrees: int) -> Image.Image:
    if clockwise_degrees == 90:
        return image.transpose(Image.Transpose.ROTATE_270)
    if clockwise_degrees == 180:
        return image.transpose(Image.Transpose.ROTATE_180)
    if clockwise_degrees == 270:
        return image.transpose(Image.Transpose.ROTATE_90)
    return image


def read_image_text(image: Image.Image, *, dpi: int | None = None, psm: int | None = None) -> OcrResult:
    """OCR a page image: grayscale, cropped to the paper, deskewed, upright, text of a readable size."""
    page = prepare(image)
    result = ocr_tsv(page, dpi=dpi, psm=psm)
    if result.words < MIN_WORDS or result.confidence < WEAK_CONFIDENCE:
        rotation = detect_rotation(page)
        if rotation:
            turned_page = rotated(page, rotation)
            turned = ocr_tsv(turned_page, dpi=dpi, psm=psm)
            # Mean confidence decides: a sideways page yields many garbage "words".
            if turned.confidence > result.confidence + 0.1 or turned.score > result.score:
                page, result = turned_page, turned
    if result.words and result.line_height < SMALL_TEXT_PX and page.width * page.height * 4 <= OCR_MAX_PIXELS:
        # Tesseract reads small print far better at 2x; worth a second pass only then.
        enlarged = page.resize((page.width * 2, page.height * 2), Image.Resampling.LANCZOS)
        second = ocr_tsv(enlarged, dpi=dpi * 2 if dpi else None, psm=psm)
        if second.confidence >= result.confidence - 0.02 and second.words >= 0.8 * result.words:
            result = second
    return result


def prepare(image: Image.Image) -> Image.Image:
    gray = image if image.mode == "L" else ImageOps.grayscale(image)
    box = paper_box(gray)
    if box is not None:
        gray = gray.crop(box)
    angle = skew_angle(gray)
    if angle:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_paper_level(gray))
    pixels = gray.width * gray.height
    if pixels > OCR_MAX_PIXELS:
        scale = (OCR_MAX_PIXELS / pixels) ** 0.5
        gray = gray.resize((max(1, int(gray.width * scale)), max(1, int(gray.height * scale))), Image.Resampling.LANCZOS)
    return gray


# --- small rotations ---------------------------------------------------------------------


def skew_angle(gray: Image.Image) -> float:
    """Counter-clockwise degrees that level the text lines (0 when already level or unsure).

    Projection profile: when the lines are level, the row sums of ink alternate most
    sharply between text rows and gaps, so their variance peaks.
    """
    small = gray.copy()
    small.thumbnail((600, 600), Image.Resampling.BOX)
    ink = ImageOps.invert(small.point(lambda value, t=_otsu(small.histogram()): 0 if value <= t else 255))

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0) if angle else ink
        rows = turned.resize((1, turned.height), Image.Resampling.BOX).tobytes()
        return sum((b - a) ** 2 for a, b in zip(rows, rows[1:]))

    baseline = sharpness(0.0)
    best_angle, best = 0.0, baseline
    coarse = [step / 2.0 for step in range(-int(DESKEW_MAX_DEGREES * 2), int(DESKEW_MAX_DEGREES * 2) + 1) if step]
    for angle in coarse:
        value = sharpness(angle)
        if value > best:
            best_angle, best = angle, value
    if best_angle:
        for angle in (best_angle - 0.25, best_angle + 0.25):
            value = sharpness(angle)
            if value > best:
                best_angle, best = angle, value
    return best_angle if best > baseline * 1.05 else 0.0


def _paper_level(gray: Image.Image) -> int:
    histogram = gray.resize((64, 64), Image.Resampling.BOX).histogram()
    return max(range(256), key=histogram.__getitem__)


# --- crop a photo to its sheet of paper -------------------------------------------------

_MASK_SIDE = 200


def paper_box(gray: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of the largest bright region when it clearly differs from its surroundings.

    Works on a small copy: a max filter wipes out the print, Otsu separates the sheet from
    the surface, and the largest 4-connected bright component is the sheet. Returns None
    when the whole image is paper (scans, screenshots) or nothing stands out.
    """
    small = gray.copy()
    small.thumbnail((_MASK_SIDE, _MASK_SIDE), Image.Resampling.BOX)
    small = small.filter(ImageFilter.MaxFilter(5))
    threshold = _otsu(small.histogram())
    width, height = small.size
    pixels = small.tobytes()
    bright = bytearray(1 if value > threshold else 0 for value in pixels)
    if sum(bright) > 0.97 * width * height:
        return None
    component = _largest_component(bright, width, height)
    if component is None:
        return None
    left, top, right, bottom, area = component
    total = width * height
    if area < 0.08 * total or area > 0.95 * total:
        return None
    # A sheet fills its bounding box; a region leaking into a patterned surface does not.
    if area < 0.85 * (right - left) * (bottom - top):
        return None
    # The sheet should be clearly brighter than what surrounds it.
    inside = gray_mean(pixels, width, (left, top, right, bottom), bright, want=1)
    outside = gray_mean(pixels, width, (0, 0, width, height), bright, want=0)
    if outside is None or inside is None or inside - outside < 25:
        return None
    scale_x = gray.width / width
    scale_y = gray.height / height
    margin = 2
    return (
        max(0, int((left - margin) * scale_x)),
        max(0, int((top - margin) * scale_y)),
        min(gray.width, int((right + margin) * scale_x)),
        min(gray.height, int((bottom + margin) * scale_y)),
    )


def gray_mean(pixels: bytes, width: int, box: tuple[int, int, int, int], mask: bytearray, want: int) -> float | None:
    left, top, right, bottom = box
    total = count = 0
    for y in range(top, bottom):
        row = y * width
        for x in range(left, right):
            if mask[row + x] == want:
                total += pixels[row + x]
                count += 1
    return total / count if count else None


def _otsu(histogram: list[int]) -> int:
    total = sum(histogram)
    weighted_sum = sum(level * count for level, count in enumerate(histogram))
    background_weight = 0
    background_sum = 0.0
    best_threshold, best_variance = 127, -1.0
    for level, count in enumerate(histogram):
        background_weight += count
        if background_weight == 0:
            continue
        foreground_weight = total - background_weight
        if foreground_weight == 0:
            break
        background_sum += level * count
        mean_background = background_sum / background_weight
        mean_foreground = (weighted_sum - background_sum) / foreground_weight
        variance = background_weight * foreground_weight * (mean_background - mean_foreground) ** 2
        if variance > best_variance:
            best_variance, best_threshold = variance, level
    return best_threshold


def _largest_component(mask: bytearray, width: int, height: int) -> tuple[int, int, int, int, int] | None:
    seen = bytearray(len(mask))
    best: tuple[int, int, int, int, int] | None = None
    for start in range(len(mask)):
        if not mask[start] or seen[start]:
            continue
        seen[start] = 1
        queue = deque([start])
        left, top, right, bottom, area = width, height, 0, 0, 0
        while queue:
            index = queue.popleft()
            y, x = divmod(index, width)
            area += 1
            left, right = min(left, x), max(right, x + 1)
            top, bottom = min(top, y), max(bottom, y + 1)
            for neighbour in (index - 1 if x else -1, index + 1 if x + 1 < width else -1, index - width, index + width):
                if 0 <= neighbour < len(mask) and mask[neighbour] and not seen[neighbour]:
                    seen[neighbour] = 1
                    queue.append(neighbour)
        if best is None or area > best[4]:
            best = (left, top, right, bottom, area)
    return best
