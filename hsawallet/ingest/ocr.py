"""OCR of page images with tesseract (in this process, see ``tesseract.py``): TSV words in,
lines with their confidences out.

Photos are cropped to the paper first, and pages that read badly are checked for a
90/180/270 degree rotation with tesseract's orientation detection.
"""

from __future__ import annotations

import bisect
import csv
import io
import re

from PIL import Image, ImageDraw, ImageFilter, ImageMath, ImageOps

from hsawallet.ingest import rapid, tesseract
from hsawallet.ingest.classify import reads_as_letter
from hsawallet.ingest.model import IngestError
from hsawallet.ingest.ocr_result import SCRAWL_LINE_HEIGHTS, OcrLine, OcrResult, OcrWord, join_lines, line_of

OCR_MAX_PIXELS = 40_000_000  # larger images are scaled down first; tesseract gains nothing above this
# One uniform block: the automatic layout (psm 3) drops the right-hand amount column of
# many receipts; measured on the corpus photos, total found 55% (psm 3) vs 97% (psm 6).
DEFAULT_PSM = 6
WEAK_CONFIDENCE = 0.6  # below this (or with few words) a rotated page is suspected
MIN_WORDS = 8
NOISE_CONFIDENCE = 40  # letter-only words at a line's ends read with less confidence are dropped
SMALL_TEXT_PX = 16  # median word height below which a page is read again at twice the size
DESKEW_MAX_DEGREES = 4.0
# Tesseract's default binarization is one global Otsu threshold: shading across a photographed
# sheet and the surface around it turn into "ink" and garbage words. Sauvola thresholds locally,
# but reads clean pages and scans worse (measured on SROIE), so it is a second pass only for
# photographed sheets that read poorly.
OTSU, SAUVOLA = 0, 2
LOCAL_THRESHOLD_BELOW = 0.75  # mean confidence under which a page is read again with Sauvola


def ocr_tsv(
    image: Image.Image, *, psm: int | None = None, dpi: int | None = None, thresholding: int = OTSU
) -> OcrResult:
    """One tesseract pass; text rebuilt from the TSV words (blocks, lines) with their confidences."""
    try:
        tsv = tesseract.read_tsv(image, psm=psm or DEFAULT_PSM, dpi=dpi, thresholding=thresholding)
    except tesseract.TesseractFailed:
        raise IngestError("OCR failed on this page") from None
    result = _parse_tsv(tsv)
    result.width, result.height = image.size
    return result


def _parse_tsv(tsv: str) -> OcrResult:
    lines: list[OcrLine] = []
    current_line: tuple[int, int, int] | None = None
    current_block: tuple[int, int] | None = None
    new_block = False
    words: list[OcrWord] = []
    confidences: list[float] = []
    heights: list[int] = []
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:  # a header row, if any, is not a word row (level 5)
        if len(row) < 12 or row[0] != "5":
            continue
        text = row[11].strip()
        if not text:
            continue
        block = (int(row[2]), int(row[3]))
        line = (int(row[2]), int(row[3]), int(row[4]))
        if line != current_line:
            _add_line(lines, words, new_block)
            new_block = current_block is not None and block[0] != current_block[0]
            words = []
            current_line, current_block = line, block
        confidence = float(row[10])
        left, top, width, height = int(row[6]), int(row[7]), int(row[8]), int(row[9])
        words.append(OcrWord(text, confidence, left, top, left + width, top + height))
        heights.append(height)
        if confidence >= 0:
            confidences.append(confidence)
    _add_line(lines, words, new_block)
    mean = sum(confidences) / len(confidences) / 100.0 if confidences else 0.0
    median_height = float(sorted(heights)[len(heights) // 2]) if heights else 0.0
    return OcrResult(
        text=join_lines(lines),
        confidence=round(mean, 4),
        words=len(confidences),
        line_height=median_height,
        lines=lines,
    )


def _add_line(lines: list[OcrLine], words: list[OcrWord], new_block: bool = False) -> None:
    """Append a line without the noise at its ends.

    Shading, surface texture and stray marks come out as low-confidence letter "words"
    glued to the ends of real lines ("Bodywork Ee") or as whole lines of them. Words inside
    a line, checkbox marks and anything with a digit are kept: a doubtful amount still helps.
    """
    start, end = 0, len(words)
    # Only short scraps go: a faint long word ("ENTERPRISE") or a misread first word
    # ("fotal Sales") is still worth having.
    while end > start and len(words[end - 1].text) <= 4 and _noise(words[end - 1]):
        end -= 1
    while start < end and len(words[start].text) <= 2 and _noise(words[start]):
        start += 1
    kept = words[start:end]
    # A scrap standing alone between two columns is the edges of two boxes ("Okafor Lo, 12/24/1982")
    kept = [
        word
        for index, word in enumerate(kept)
        if not (0 < index < len(kept) - 1 and _noise(word) and _stands_apart(kept[index - 1], word, kept[index + 1]))
    ]
    line = line_of(kept, new_block)
    if line is not None:
        lines.append(line)


def _stands_apart(before: OcrWord, word: OcrWord, after: OcrWord) -> bool:
    gap = 1.5 * max(1, word.bottom - word.top, before.bottom - before.top)
    return word.left - before.right > gap and after.left - word.right > gap


def _noise(word: OcrWord) -> bool:
    return (
        0 <= word.confidence < NOISE_CONFIDENCE
        and word.text.strip(".,:;'\"").isalpha()  # a checkbox mark such as "[X]" or "{XJ" is kept
    )


def detect_rotation(image: Image.Image) -> int:
    """Clockwise degrees (0, 90, 180, 270) that make the page upright, per tesseract OSD; 0 if unsure."""
    found = tesseract.orientation(image)
    if found is None or found[1] < 1.0:
        return 0
    return (360 - found[0]) % 360


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
    page, photographed = prepare(image)
    result = ocr_tsv(page, dpi=dpi, psm=psm)
    if result.words < MIN_WORDS or result.confidence < WEAK_CONFIDENCE:
        rotation = detect_rotation(page)
        if rotation:
            turned_page = rotated(page, rotation)
            turned = ocr_tsv(turned_page, dpi=dpi, psm=psm)
            # Mean confidence decides: a sideways page yields many garbage "words".
            if turned.confidence > result.confidence + 0.1 or turned.score > result.score:
                page, result = turned_page, turned
    thresholding = OTSU
    enlarged_page = False
    upright = page
    if photographed and result.words and result.confidence < LOCAL_THRESHOLD_BELOW:
        local = ocr_tsv(page, dpi=dpi, psm=psm, thresholding=SAUVOLA)
        if local.confidence > result.confidence:
            result, thresholding = local, SAUVOLA
    if result.words and result.line_height < SMALL_TEXT_PX and page.width * page.height * 4 <= OCR_MAX_PIXELS:
        # Tesseract reads small print far better at 2x; worth a second pass only then.
        enlarged = page.resize((page.width * 2, page.height * 2), Image.Resampling.LANCZOS)
        dpi = dpi * 2 if dpi else None
        second = ocr_tsv(enlarged, dpi=dpi, psm=psm, thresholding=thresholding)
        if second.confidence >= result.confidence - 0.02 and second.words >= 0.8 * result.words:
            page, result = enlarged, second
            enlarged_page = True
    if (psm or DEFAULT_PSM) == DEFAULT_PSM:  # the automatic layouts find lines of every size themselves
        if not enlarged_page and result.line_height < REREAD_BELOW_PX:
            result = reread_doubtful_lines(page, result, dpi=dpi, thresholding=thresholding)
        if not photographed or reads_as_letter(result.text):
            # A photographed receipt's unread bands are mostly its lighting (shading, grain at
            # the sheet's edges): on the corpus's 61 photos that are no letters, 326 bands
            # read gave 4 lines and changed no field read.
            result = recover_missed_lines(page, result, dpi=dpi, thresholding=thresholding)
    if reads_as_letter(result.text):
        # Boxes and signatures are a letter's: on a receipt, separators and a photo's edges
        # pass for boxes, and reading their lines again costs a pass for nothing.
        mark_unread_ink(page, result)
        if (psm or DEFAULT_PSM) == DEFAULT_PSM:
            marks = {id(line): line.unread_ink for line in result.lines}
            result = reread_lines_with_unread_ink(page, result, dpi=dpi, thresholding=thresholding)
            for line in result.lines:
                line.unread_ink = marks.get(id(line), 0)  # a line read again had its print read
    result.width, result.height = page.size
    if (psm or DEFAULT_PSM) == DEFAULT_PSM and result.words and not reads_as_letter(result.text) and rapid.available():
        # Receipts (and other papers) get a second reading by PP-OCRv4, whose line recogniser
        # reads real till slips' digits better (SROIE total 82.5% -> 94.2% with both readings
        # weighed, date 83.3% -> 96.7%); a letter's forms and prose stay tesseract's.
        result.second = rapid.read_page(upright)
    return result


# --- lines read with doubt ----------------------------------------------------------------

DOUBTFUL_LINE_CONFIDENCE = 0.8
_ENDS_IN_FIGURE = re.compile(r"\d[.,]\d\d(?:\s*[A-Z*]{1,2})?$")
REREAD_BELOW_PX = 24  # median word height under which doubtful lines are read again enlarged
MAX_DOUBTFUL_LINES = 16  # the least confident first


def reread_doubtful_lines(
    page: Image.Image, result: OcrResult, *, dpi: int | None = None, thresholding: int = OTSU
) -> OcrResult:
    """Read the page's least confident lines again at twice the size, all in one call, and keep
    each new reading that is more confident than the old.

    Print a little above tesseract's comfortable size still loses a column of amounts
    ("15.00 F" read "a5 OO! ts"); enlarging the whole page costs four times the pixels.
    """
    doubtful = sorted(
        (
            line
            for line in result.lines
            # a line ending in a well-formed figure keeps it: a second reading is not a better one
            if line.confidence < DOUBTFUL_LINE_CONFIDENCE
            and sum(ch.isalnum() for ch in line.text) >= 3
            and not _ENDS_IN_FIGURE.search(line.text)
        ),
        key=lambda line: line.confidence,
    )[:MAX_DOUBTFUL_LINES]

    def better(old: OcrLine, new: OcrLine) -> bool:
        return new.confidence > max(old.confidence, MISSED_LINE_CONFIDENCE)

    return _read_lines_again(page, result, doubtful, better, dpi=dpi, thresholding=thresholding, erase_rules=False)


def reread_lines_with_unread_ink(
    page: Image.Image, result: OcrResult, *, dpi: int | None = None, thresholding: int = OTSU
) -> OcrResult:
    """Read again, enlarged and with the boxes' rules painted out, the lines of a form beside
    which print was left unread: a short value alone in its box ("DO" under "Credentials")
    is skipped by the page's read. A new reading is kept when it has more words than the old,
    as confidently read, none of them doubtful."""
    unread = [
        line
        for line in result.lines
        if result.line_height <= line.unread_ink < SCRAWL_LINE_HEIGHTS * result.line_height and line.words
    ][:MAX_DOUBTFUL_LINES]

    def better(old: OcrLine, new: OcrLine) -> bool:
        old_words = [word.confidence for word in old.words if any(ch.isalnum() for ch in word.text)]
        new_words = [word.confidence for word in new.words if any(ch.isalnum() for ch in word.text)]
        return (
            len(new_words) > len(old_words)
            and min(new_words) >= MISSED_LINE_CONFIDENCE * 100
            and sum(new_words) / len(new_words) >= sum(old_words) / max(1, len(old_words)) - 5
        )

    return _read_lines_again(page, result, unread, better, dpi=dpi, thresholding=thresholding, erase_rules=True)


def _read_lines_again(
    page: Image.Image,
    result: OcrResult,
    chosen: list[OcrLine],
    better,
    *,
    dpi: int | None,
    thresholding: int,
    erase_rules: bool,
) -> OcrResult:
    """Read the chosen lines again at twice the size, stacked in one pass; a new reading
    replaces its line where ``better(old, new)``."""
    if not chosen or result.line_height <= 0:
        return result
    # a form's line is cut out with its box, so that the box's rules are found and painted out
    pad = max(3, int(result.line_height * (0.8 if erase_rules else 0.34)))
    margin = 2 * pad
    # across the page's print only: the sheet's edges and the surface beyond read as letters
    left = max(0, min(word.left for line in result.lines for word in line.words) - 2 * pad)
    right = min(page.width, max(word.right for line in result.lines for word in line.words) + 2 * pad)
    strips: list[tuple[Image.Image, OcrLine, int]] = []  # strip at 2x, its line, page row of its top
    for line in sorted(chosen, key=lambda line: line.top):
        crop_top = max(0, line.top - pad)
        strip = page.crop((left, crop_top, right, min(page.height, line.bottom + pad)))
        if erase_rules:
            strip = _erase_rules(strip, result.line_height)
        strip = _level(strip)
        strip = strip.resize((strip.width * 2, strip.height * 2), Image.Resampling.LANCZOS)
        strips.append((ImageOps.expand(strip, border=margin, fill=255), line, crop_top))
    stacked, starts = _stack([strip for strip, _, _ in strips])
    reread = ocr_tsv(stacked, psm=DEFAULT_PSM, dpi=dpi * 2 if dpi else None, thresholding=thresholding)
    best: dict[int, OcrLine] = {}
    for read_line in reread.lines:
        index = bisect.bisect_right(starts, (read_line.top + read_line.bottom) // 2) - 1
        _, line, crop_top = strips[index]
        # back to the page: half the size, less the margin, from the strip's top
        words = tuple(
            word._replace(
                left=left + (word.left - margin) // 2,
                right=left + (word.right - margin) // 2,
                top=crop_top + (word.top - starts[index] - margin) // 2,
                bottom=crop_top + (word.bottom - starts[index] - margin) // 2,
            )
            for word in read_line.words
        )
        if erase_rules:
            words = tuple(word for word in words if word.text.strip("|_"))  # what is left of a box's sides
        candidate = line_of(words, line.new_block)
        if candidate is None:
            continue
        # the strip may hold a sliver of a neighbour: its own line is the one nearest its middle
        middle = (line.top + line.bottom) / 2
        if index not in best or abs((candidate.top + candidate.bottom) / 2 - middle) < abs(
            (best[index].top + best[index].bottom) / 2 - middle
        ):
            best[index] = candidate
    replaced = {id(strips[index][1]): line for index, line in best.items() if better(strips[index][1], line)}
    if not replaced:
        return result
    lines = [replaced.get(id(line), line) for line in result.lines]
    return OcrResult(
        text=join_lines(lines),
        confidence=result.confidence,
        words=sum(len(line.words) for line in lines),
        line_height=result.line_height,
        lines=lines,
    )


def _stack(strips: list[Image.Image]) -> tuple[Image.Image, list[int]]:
    """The strips one under the other on white, and the row where each starts."""
    stacked = Image.new("L", (max(strip.width for strip in strips), sum(strip.height for strip in strips)), 255)
    starts: list[int] = []
    y = 0
    for strip in strips:
        stacked.paste(strip, (0, y))
        starts.append(y)
        y += strip.height
    return stacked, starts


# --- lines a single-block read leaves out ---------------------------------------------------

MAX_MISSED_BANDS = 6  # re-read at most this many bands per page, the tallest
SINGLE_COLUMN_PSM = 4
MISSED_LINE_CONFIDENCE = 0.5  # a recovered line below this is left out (debris reads far lower)


def recover_missed_lines(
    page: Image.Image, result: OcrResult, *, dpi: int | None = None, thresholding: int = OTSU
) -> OcrResult:
    """Read again the bands of print that the page's read has no line for.

    A single uniform block (psm 6) keeps amounts beside their labels but skips lines
    whose print is much larger or fainter than the rest: a store's name set big on a
    receipt ("POPULAR BOOK" above "CO. (M) SDN BHD"). Each band of ink rows that no read
    line covers is read alone, and its confident lines are put in place by their height.
    """
    if not result.lines or result.line_height <= 0:
        return result
    bands = _missed_bands(page, result)[:MAX_MISSED_BANDS]
    if not bands:
        return result
    # All bands stacked in one image and read in one pass: a pass has a fixed cost (set-up,
    # layout analysis) that a band alone does not repay.
    strips: list[tuple[Image.Image, int, int]] = []  # band image, page column and row of its corner
    for top, bottom in sorted(bands):
        pad = max(4, int(result.line_height // 4))
        crop_top, crop_bottom = max(0, top - pad), min(page.height, bottom + pad)
        band = page.crop((0, crop_top, page.width, crop_bottom))
        if not _has_print(band, result.line_height):
            continue
        # A form's boxes: their borders are read as print and drown the value inside.
        band = _erase_rules(band, result.line_height)
        # Tesseract finds no line in print that fills its image from edge to edge: a margin
        # of paper instead of more of the page, which would bring parts of the lines around.
        margin = max(10, (bottom - top) // 2)
        strips.append((ImageOps.expand(_level(band), border=margin, fill=255), -margin, crop_top - margin))
    if not strips:
        return result
    stacked, starts = _stack([strip for strip, _, _ in strips])
    stacked_read = ocr_tsv(stacked, psm=SINGLE_COLUMN_PSM, dpi=dpi, thresholding=thresholding)
    added: list[OcrLine] = []
    for read_line in stacked_read.lines:
        # a scrawl beside a value (a signature by its date) reads as doubtful words; the value stays
        index = bisect.bisect_right(starts, (read_line.top + read_line.bottom) // 2) - 1
        _, x_offset, corner_row = strips[index]
        offset = corner_row - starts[index]
        line = line_of(
            [
                word._replace(
                    left=word.left + x_offset,
                    right=word.right + x_offset,
                    top=word.top + offset,
                    bottom=word.bottom + offset,
                )
                for word in read_line.words
                if word.confidence >= NOISE_CONFIDENCE or any(ch.isdigit() for ch in word.text)
            ],
            True,
        )
        if (
            line
            and sum(ch.isalnum() for ch in line.text) >= 2
            and (
                line.confidence >= MISSED_LINE_CONFIDENCE
                # a figure of four digits or more is no debris, even read with doubt (a date in its box)
                or any(
                    sum(ch.isdigit() for ch in word.text) >= 4 and word.confidence >= NOISE_CONFIDENCE
                    for word in line.words
                )
            )
        ):
            added.append(line)
    if not added:
        return result
    lines = sorted(result.lines + added, key=lambda line: line.top)
    return OcrResult(
        text=join_lines(lines),
        confidence=result.confidence,
        words=result.words + sum(len(line.text.split()) for line in added),
        line_height=result.line_height,
        lines=lines,
    )


BAND_PRINT_AREA = 0.1  # in square line heights: less ink than a letter's is specks


def _has_print(band: Image.Image, line_height: float) -> bool:
    """Whether a band holds print besides strokes running through it from top to bottom (a
    page's border, a form's sides: they put ink in every row, and on a bordered letter six
    bands of nothing else took tesseract 5 s to read)."""
    gray = band if band.mode == "L" else band.convert("L")
    ink = _ink_mask(gray)
    draw = ImageDraw.Draw(ink)
    for x, y0, y1 in _column_runs(ink, max(8, int(0.9 * gray.height))):
        draw.rectangle((x - 1, y0, x + 1, y1), fill=0)
    return ink.histogram()[255] >= BAND_PRINT_AREA * line_height * line_height


def _ink_mask(gray: Image.Image) -> Image.Image:
    """255 where the print is (darker than the page's Otsu threshold), 0 elsewhere."""
    threshold = _otsu(gray.histogram())
    return gray.point(lambda value: 255 if value <= threshold else 0)


def _erase_rules(band: Image.Image, line_height: float) -> Image.Image:
    """The band with its ruled lines painted over."""
    gray = band if band.mode == "L" else band.convert("L")
    ink = _ink_mask(gray)
    if sum(ink.resize((1, 1), Image.Resampling.BOX).tobytes()) > 0.25 * 255:
        return gray  # shading taken for ink: its long runs would carry the print away with them
    cleaned = gray.copy()
    draw = ImageDraw.Draw(cleaned)
    paper = _paper_level(gray)
    for box in _rules(ink, line_height, side=min(0.6 * gray.height, line_height)):
        draw.rectangle(box, fill=paper)
    return cleaned


def _level(band: Image.Image) -> Image.Image:
    """The band's grey levels stretched so that its own ink threshold falls at 128 and its paper
    at 255: bands read together in one image are then thresholded as each would be alone."""
    threshold = _otsu(band.histogram())
    paper = max(_paper_level(band), threshold + 1)

    def stretched(value: int) -> int:
        if value <= threshold:
            return value * 128 // max(1, threshold)
        return min(255, 128 + (value - threshold) * 127 // (paper - threshold))

    return band.point(stretched)


def _rules(ink: Image.Image, line_height: float, *, side: float) -> list[tuple[int, int, int, int]]:
    """Boxes over the ruled lines of an ink mask: rows of ink far longer than print is, and
    the sides of boxes, columns of ink at least ``side`` pixels tall that meet such a row.

    Runs, not whole rows: two boxes side by side are rarely ruled on the same pixel row.
    Each box is three pixels thick, as a rule's grey edges fall outside the ink mask.
    """
    width = ink.width
    boxes = [(x0, y - 1, x1, y + 1) for y, x0, x1 in _runs(ink.tobytes(), width, max(20, int(3 * line_height)))]
    if not boxes:
        return boxes
    ruled = Image.new("L", ink.size, 0)
    draw = ImageDraw.Draw(ruled)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0 - 2, y0 - 3, x1 + 2, y1 + 3), fill=255)
    for x, y0, y1 in _column_runs(ink, max(8, int(side))):
        # a tall letter's stem (a "4" in large print) stands free; a box's side meets its top or bottom
        if ruled.getpixel((x, y0)) or ruled.getpixel((x, y1 - 1)):
            boxes.append((x - 1, y0, x + 1, y1))
    return boxes


_NOT_INK = re.compile(rb"[^\xff]")


def _column_runs(ink: Image.Image, length: int) -> list[tuple[int, int, int]]:
    """(column, start, end) of every vertical run of at least ``length`` ink pixels."""
    return _runs(ink.transpose(Image.Transpose.TRANSPOSE).tobytes(), ink.height, length)


def _runs(rows: bytes, width: int, length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of at least ``length`` ink bytes within a row of the raster."""
    needle = b"\xff" * length
    found = []
    position = rows.find(needle)
    while position != -1:
        row = position // width
        row_end = (row + 1) * width
        if position + length > row_end:  # the run crosses into the next row: look again from there
            position = rows.find(needle, row_end)
            continue
        stop = _NOT_INK.search(rows, position + length, row_end)
        end = stop.start() if stop else row_end
        found.append((row, position - row * width, end - row * width))
        position = rows.find(needle, end)
    return found


def mark_unread_ink(page: Image.Image, result: OcrResult) -> None:
    """Set each line's ``unread_ink``: columns of ink in its row that no word, rule or box covers.

    Tesseract reads no handwriting: a signature beside its date leaves only the date. What
    it leaves unread is seen here, on the page with the read words and ruled lines blanked.
    """
    if not result.lines or result.line_height <= 0:
        return
    gray = page if page.mode == "L" else page.convert("L")
    ink = _ink_mask(gray)
    rules = _rules(ink, result.line_height, side=result.line_height)
    if not rules:
        return  # no form here: a signature stands on its own, not in a row beside a value
    draw = ImageDraw.Draw(ink)
    for box in rules:
        draw.rectangle(box, fill=0)
    pad = int(result.line_height // 2)
    for line in result.lines:
        for word in line.words:
            if word.confidence < NOISE_CONFIDENCE:
                continue  # a scrawl read as doubtful letters is still a scrawl
            draw.rectangle((word.left - pad, word.top - pad, word.right + pad, word.bottom + pad), fill=0)
    for line in result.lines:
        row = ink.crop((0, max(0, line.top - pad), ink.width, min(ink.height, line.bottom + pad)))
        columns = row.resize((row.width, 1), Image.Resampling.BOX).tobytes()
        # a column counts with two pixels of ink: a pen stroke crossing it, not a speck
        least = 2 * 255 // max(1, row.height)
        line.unread_ink = sum(1 for share in columns if share >= least)


def _missed_bands(page: Image.Image, result: OcrResult) -> list[tuple[int, int]]:
    """Runs of rows with print in them that no read line (of real text) covers, tallest first."""
    gray = page if page.mode == "L" else page.convert("L")
    # one column: each row's share of ink pixels (0-255); no numpy needed
    profile = bytearray(_ink_mask(gray).resize((1, gray.height), Image.Resampling.BOX).tobytes())
    for line in result.lines:
        if sum(ch.isalnum() for ch in line.text) >= 3:
            profile[max(0, line.top) : max(0, line.bottom)] = bytes(
                max(0, min(len(profile), line.bottom) - max(0, line.top))
            )
    line_height = result.line_height
    bridge = max(2, int(line_height * 0.25))
    bands: list[tuple[int, int]] = []
    start = last_ink = None
    for y, value in enumerate(profile):
        if value >= 1:
            if start is None:
                start = y
            last_ink = y
        elif start is not None and last_ink is not None and y - last_ink > bridge:
            bands.append((start, last_ink + 1))
            start = last_ink = None
    if start is not None and last_ink is not None:
        bands.append((start, last_ink + 1))
    # thinner than print (rules, dashes, shadows) is not worth a read, nor a solid block (a
    # letterhead band printed white on colour, already read); a tall run goes in pieces
    pieces: list[tuple[int, int]] = []
    step = int(6 * line_height)
    for top, bottom in bands:
        if bottom - top < 0.8 * line_height or sum(profile[top:bottom]) > 0.5 * 255 * (bottom - top):
            continue
        pieces.extend(
            (y, min(bottom, y + step))
            for y in range(top, bottom, step)
            if min(bottom, y + step) - y >= 0.8 * line_height
        )
    return sorted(pieces, key=lambda band: band[0] - band[1])


def prepare(image: Image.Image) -> tuple[Image.Image, bool]:
    """The page in grayscale, cropped to the sheet, level and not too large; and whether a
    sheet on a surface was found (a photo, where lighting varies across the page)."""
    box = paper_box(image)
    gray = image if image.mode == "L" else ImageOps.grayscale(image)
    if box is not None:
        gray = gray.crop(box)
    angle = skew_angle(gray)
    if angle:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_paper_level(gray))
    pixels = gray.width * gray.height
    if pixels > OCR_MAX_PIXELS:
        scale = (OCR_MAX_PIXELS / pixels) ** 0.5
        gray = gray.resize(
            (max(1, int(gray.width * scale)), max(1, int(gray.height * scale))), Image.Resampling.LANCZOS
        )
    return gray, box is not None


# --- small rotations ---------------------------------------------------------------------


def skew_angle(gray: Image.Image) -> float:
    """Counter-clockwise degrees that level the text lines (0 when already level or unsure).

    Projection profile: when the lines are level, the row sums of ink alternate most
    sharply between text rows and gaps, so their variance peaks.
    """
    small = gray.copy()
    small.thumbnail((600, 600), Image.Resampling.BOX)
    threshold = _otsu(small.histogram())
    ink = ImageOps.invert(small.point(lambda value: 0 if value <= threshold else 255))

    def sharpness(angle: float) -> float:
        # nearest-neighbour: a tenth of bilinear's cost, and the row sums average its jaggies
        # away (against the corpus's rendered angles: mean error 0.19 degrees, bilinear 0.21)
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0) if angle else ink
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
_NONZERO_TO_ONE = bytes([0] + [1] * 255)
MIN_PAPER_DISTANCE = 10  # between the sheet's colour and the surface's, in _colour_features units
BRIGHTNESS_WEIGHT = 0.5  # shading changes brightness far more than hue: weigh it less


def paper_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of the sheet of paper in a photo, or None when nothing clearly stands out.

    Works on a small copy: a max filter wipes out the print; the surface's colour is the
    median of the image's outer ring and the sheet's that of its middle; each pixel goes to
    the nearer of the two, and the largest 4-connected sheet-coloured region is the sheet.
    Hue as well as brightness: a surface nearly as bright as the paper, or a lighting
    gradient across the sheet, splits the sheet itself at a brightness threshold, cutting
    print off. Returns None for scans and screenshots (all paper) and unclear photos.
    """
    small = image.convert("RGB") if image.mode != "RGB" else image.copy()
    small.thumbnail((_MASK_SIDE, _MASK_SIDE), Image.Resampling.BOX)
    small = small.filter(ImageFilter.MaxFilter(5))
    width, height = small.size
    if width < 20 or height < 20:
        return None
    paper = _colour_features(_median_colour(small, inner=True))
    surface = _colour_features(_median_colour(small, inner=False))
    if _distance(paper, surface) < MIN_PAPER_DISTANCE:
        return None
    features = _Features(small.tobytes())
    sheet = bytearray(_nearer_paper(small, paper, surface).tobytes())
    total = width * height
    if sum(sheet) > 0.97 * total:
        return None
    component = _largest_component(sheet, width, height)
    if component is None:
        return None
    left, top, right, bottom, area = component
    if area < 0.08 * total or area > 0.95 * total:
        return None
    # A sheet fills its bounding box; a region leaking into a patterned surface does not.
    if area < 0.85 * (right - left) * (bottom - top):
        return None
    # A coloured band printed across the sheet (a letterhead bar) is nearer the surface's
    # colour than the paper's; grow the box over rows and columns that differ clearly from
    # the surface beside them.
    left, top, right, bottom = _grow_over_bands(features, width, height, (left, top, right, bottom))
    scale_x = image.width / width
    scale_y = image.height / height
    # A generous margin (7% of the small side): shading at a sheet's edge often reads as
    # surface and would cut the top line off; the surface kept instead yields only scraps of
    # low-confidence words, which _add_line drops (photos: merchant 93.5% -> 96.8%).
    margin = 14
    return (
        max(0, int((left - margin) * scale_x)),
        max(0, int((top - margin) * scale_y)),
        min(image.width, int((right + margin) * scale_x)),
        min(image.height, int((bottom + margin) * scale_y)),
    )


class _Features:
    """``_colour_features`` of each pixel of an RGB raster, computed when asked for."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def __getitem__(self, index: int) -> tuple[float, float, float]:
        return _colour_features((self.raw[3 * index], self.raw[3 * index + 1], self.raw[3 * index + 2]))


def _nearer_paper(small: Image.Image, paper: tuple[float, ...], surface: tuple[float, ...]) -> Image.Image:
    """1 where a pixel's ``_colour_features`` are nearer the paper's than the surface's, else 0
    (Pillow's image arithmetic: the same sums as ``_colour_features`` for every pixel at once)."""
    red, green, blue = (band.convert("F") for band in small.split())

    def nearer(args):
        total = args["max"](args["r"] + args["g"] + args["b"], 1.0)
        red_share, green_share = args["r"] * 1000.0 / total, args["g"] * 1000.0 / total
        brightness = total * (BRIGHTNESS_WEIGHT / 3.0)

        def squared_distance(point):
            return (
                (red_share - point[0]) * (red_share - point[0])
                + (green_share - point[1]) * (green_share - point[1])
                + (brightness - point[2]) * (brightness - point[2])
            )

        return args["convert"](squared_distance(paper) < squared_distance(surface), "L")

    return ImageMath.lambda_eval(nearer, r=red, g=green, b=blue)


def _colour_features(pixel: tuple[int, int, int]) -> tuple[float, float, float]:
    """Chromaticity (per mille of red and green) and weighted brightness: a shaded part of
    the sheet keeps its hue, so it stays nearer the sheet than a surface of similar brightness."""
    red, green, blue = pixel
    total = red + green + blue or 1
    return 1000.0 * red / total, 1000.0 * green / total, BRIGHTNESS_WEIGHT * total / 3.0


def _distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


BAND_DISTANCE = 30  # a row of the sheet's colour band against the surface at its ends


def _grow_over_bands(
    features: _Features, width: int, height: int, box: tuple[int, int, int, int]
) -> tuple[int, int, int, int]:
    left, top, right, bottom = box

    def stands_out(inside: list[int], outside: list[int]) -> bool:
        if len(inside) < 3 or len(outside) < 2:
            return False  # the sheet reaches the image's edge here: nothing to compare with
        return _distance(_median_features(features, inside), _median_features(features, outside)) > BAND_DISTANCE

    def row(y: int, xs: range) -> list[int]:
        return [y * width + x for x in xs]

    def column(x: int, ys: range) -> list[int]:
        return [y * width + x for y in ys]

    beside_x = [x for x in range(width) if x < left - 2 or x >= right + 2]
    while top > 0 and stands_out(row(top - 1, range(left + 2, right - 2)), [(top - 1) * width + x for x in beside_x]):
        top -= 1
    while bottom < height and stands_out(
        row(bottom, range(left + 2, right - 2)), [bottom * width + x for x in beside_x]
    ):
        bottom += 1
    beside_y = [y for y in range(height) if y < top - 2 or y >= bottom + 2]
    while left > 0 and stands_out(
        column(left - 1, range(top + 2, bottom - 2)), [y * width + left - 1 for y in beside_y]
    ):
        left -= 1
    while right < width and stands_out(
        column(right, range(top + 2, bottom - 2)), [y * width + right for y in beside_y]
    ):
        right += 1
    return left, top, right, bottom


def _median_features(features: _Features, indexes: list[int]) -> tuple[float, ...]:
    return tuple(sorted(features[i][axis] for i in indexes)[len(indexes) // 2] for axis in range(3))


def _median_colour(small: Image.Image, *, inner: bool) -> tuple[int, int, int]:
    """Per-channel median of the central half of the image (inner) or of its outer ring."""
    width, height = small.size
    if inner:
        boxes = [(width // 4, height // 4, width - width // 4, height - height // 4)]
    else:
        ring_x, ring_y = max(1, width // 25), max(1, height // 25)
        boxes = [
            (0, 0, width, ring_y),
            (0, height - ring_y, width, height),
            (0, ring_y, ring_x, height - ring_y),
            (width - ring_x, ring_y, width, height - ring_y),
        ]
    histogram = [0] * 768
    for box in boxes:
        for index, count in enumerate(small.crop(box).histogram()):
            histogram[index] += count
    return tuple(_median(histogram[band * 256 : (band + 1) * 256]) for band in range(3))  # type: ignore[return-value]


def _median(histogram: list[int]) -> int:
    half, seen = sum(histogram) / 2, 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= half:
            return level
    return 0


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
    """Box (left, top, right, bottom) and area of the largest 4-connected region of set
    pixels; on a tie, the region met first in reading order.

    Works on runs of set pixels row by row, joined with the runs they touch in the row
    above (union-find): a few hundred runs where a pixel-by-pixel fill visits 40,000 pixels.
    """
    binary = bytes(mask).translate(_NONZERO_TO_ONE)
    runs: list[tuple[int, int, int]] = []  # (row, first column, column after the last)
    parent: list[int] = []

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    above: list[int] = []
    for y in range(height):
        row = binary[y * width : (y + 1) * width]
        current: list[int] = []
        start = row.find(1)
        while start != -1:
            end = row.find(0, start)
            end = width if end == -1 else end
            current.append(len(runs))
            parent.append(len(runs))
            runs.append((y, start, end))
            start = row.find(1, end)
        i = j = 0
        while i < len(above) and j < len(current):
            _, upper_start, upper_end = runs[above[i]]
            _, lower_start, lower_end = runs[current[j]]
            if upper_start < lower_end and lower_start < upper_end:
                parent[root(current[j])] = root(above[i])
            if upper_end <= lower_end:
                i += 1
            else:
                j += 1
        above = current
    # runs come in reading order, so a region's first run holds its first pixel and its top
    regions: dict[int, list[int]] = {}  # root -> [first pixel, left, top, right, bottom, area]
    for index, (y, start, end) in enumerate(runs):
        region = regions.get(root(index))
        if region is None:
            regions[root(index)] = [y * width + start, start, y, end, y + 1, end - start]
        else:
            region[1], region[3] = min(region[1], start), max(region[3], end)
            region[4] = y + 1
            region[5] += end - start
    if not regions:
        return None
    _, left, top, right, bottom, area = min(regions.values(), key=lambda region: (-region[5], region[0]))
    return left, top, right, bottom, area
