"""A second OCR engine: PP-OCRv4 (a text-line detector and a line recogniser, ONNX networks)
through rapidocr-onnxruntime, in this process. Its models ship inside the wheel; nothing is
downloaded, and the page is handed over in memory. One engine per process, one thread, as
for tesseract (parallelism comes from the worker processes).

The recogniser reads whole detected lines, so its output is turned into the same lines and
words as tesseract's (``ocr_result.OcrLine``/``OcrWord``): words split where the recogniser puts a
space or where the characters' own boxes stand far apart, and detected boxes that share a
row joined into one line, left to right.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from statistics import median

from PIL import Image

from hsawallet.ingest.ocr_result import OcrResult, OcrWord, join_lines, line_of

log = logging.getLogger(__name__)

# ONNX Runtime's telemetry would write a session file to the temp folder (and may report use);
# off before onnxruntime is loaded: nothing of the user's leaves or lingers.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

_engines: dict[int, object | None] = {}  # process id -> RapidOCR, or None when it cannot start

# The engine scales a page down to this many pixels on its longer side: its default, 2000, took
# a worker's address space to 1.3 GB on a 300-dpi scan, against the pool's 1.5 GB limit (13 of
# the corpora's scans and photos failed); 1280 peaks near 1.05 GB, in half the time.
MAX_SIDE = 1280
# Characters whose boxes stand further apart than this share of the line's height are two
# words: the recogniser often leaves out the space between close columns ("1X19.00 19.00").
WORD_GAP = 0.8
# Two detected boxes are on one row when their vertical overlap is at least this share of
# the shorter one's height.
SAME_ROW = 0.5
_ZERO_AMONG_LETTERS = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])")
# The recogniser drops the space between neighbours it reads in one go. Some are split again
# because their form says where one ends: a date and the time of day printed after it
# ("09/01/20198:01PM"; a year has 2 or 4 digits, an hour 1 or 2), two amounts side by side
# ("19.0019.00"; an amount has two decimals), a number and a date after it (below).
_DATE_THEN_TIME = re.compile(
    r"^(.*?(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{1,2}[A-Za-z]{3,9}(?:\d{4}|\d{2})))"
    r"(\d{1,2}:\d{2}(?::\d{2})?(?:[AaPp][Mm])?)(.*)$"
)
# a number run into a date whose day and month have two digits each ("100021911/03/2018": a date
# that pads its month pads its day)
_NUMBER_THEN_DATE = re.compile(r"^(\d{3,})(\d{2}([/.\-])\d{2}\3(?:\d{4}|\d{2}))$")
# a capitalised word run on after a word of small letters ("TotalAfter", "PharmacyCorp."); a
# first part of one or two letters is a name's own form ("McNeil", "DeKalb")
_CAPITALISED_WORD = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")
_AMOUNT_THEN_AMOUNT = re.compile(r"(?<=\d[.,]\d{2})(?=\d{1,3}(?:,\d{3})*[.,]\d{2}(?!\d))")


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _engine():
    key = os.getpid()  # a forked worker must not share its parent's sessions
    if key not in _engines:
        try:
            from rapidocr_onnxruntime import RapidOCR

            _engines[key] = RapidOCR(
                intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False, max_side_len=MAX_SIDE
            )
        except Exception as error:  # a broken install (models or its config missing from a bundle)
            log.info("second OCR engine unavailable: %s", type(error).__name__)
            _engines[key] = None
    return _engines[key]


def read_page(page: Image.Image) -> OcrResult | None:
    """The page read by PP-OCRv4, as an ``OcrResult`` in the page's pixels; None when the
    engine is not there or fails on this page (the first engine's reading then stands alone)."""
    import numpy as np

    engine = _engine()
    if engine is None:
        return None
    try:
        rows, _ = engine(np.asarray(page.convert("RGB")), return_word_box=True)
    except Exception as error:  # no document text in the message: the type only
        # MemoryError too: the page is already bounded (ocr.OCR_MAX_PIXELS, and the engine
        # scales to 2000 px), so it is the engine's own footprint under a tight worker limit
        log.info("second OCR engine failed on a page: %s", type(error).__name__)
        return None
    return result_from_rows(rows or [], page.size)


def _clean(text: str) -> str:
    # the recogniser's alphabet is Chinese and English: full-width punctuation comes out for
    # ASCII ("（" for "("); and a zero between two letters is the letter O ("B0X")
    return _ZERO_AMONG_LETTERS.sub("O", unicodedata.normalize("NFKC", text))


def _words_of(row) -> list[tuple[str, float, int, int, int, int]]:
    """(text, confidence 0-100, left, top, right, bottom) of each word of one detected box."""
    box, text, score = row[0], row[1], float(row[2])
    xs, ys = [point[0] for point in box], [point[1] for point in box]
    top, bottom = int(min(ys)), int(max(ys))
    height = max(1, bottom - top)
    chars = row[4] if len(row) > 5 else None
    if not chars or len(chars) != len(row[3]):
        # no character boxes: the box's width shared out by characters
        left, right = min(xs), max(xs)
        step = (right - left) / max(1, len(text))
        return [
            (match.group(), score * 100, int(left + step * match.start()), top, int(left + step * match.end()), bottom)
            for match in re.finditer(r"\S+", text)
        ]
    confidences = [float(value) for value in row[5]]
    words = []
    current: list[tuple[str, float, int, int]] = []  # char, confidence, left, right
    for char, char_box, confidence in zip(chars, row[3], confidences):
        left, right = min(p[0] for p in char_box), max(p[0] for p in char_box)
        if char.isspace() or (current and left - current[-1][3] > WORD_GAP * height):
            if current:
                words.append(current)
            current = [] if char.isspace() else [(char, confidence, left, right)]
            continue
        current.append((char, confidence, left, right))
    if current:
        words.append(current)
    return [
        ("".join(c[0] for c in word), 100 * min(c[1] for c in word), int(word[0][2]), top, int(word[-1][3]), bottom)
        for word in words
    ]


def _pieces(text: str) -> list[str]:
    """A word read without the spaces inside it, cut where its form says (see above)."""
    match = _DATE_THEN_TIME.match(text)
    if match:
        pieces = [piece for piece in (match.group(1), match.group(2), match.group(3)) if piece]
    else:
        pieces = [piece for piece in _AMOUNT_THEN_AMOUNT.split(text) if piece]
    pieces = [part for piece in pieces for part in _CAPITALISED_WORD.split(piece) if part]
    numbered = _NUMBER_THEN_DATE.match(pieces[0]) if pieces else None
    if numbered:
        pieces[:1] = [numbered.group(1), numbered.group(2)]
    return pieces


def _split(word):
    """The word cut into its pieces, each with its share of the box by characters."""
    pieces = _pieces(word.text)
    if len(pieces) == 1:
        return [word]
    step = (word.right - word.left) / max(1, len(word.text))
    out, start = [], 0
    for piece in pieces:
        out.append(
            word._replace(
                text=piece, left=int(word.left + step * start), right=int(word.left + step * (start + len(piece)))
            )
        )
        start += len(piece)
    return out


def result_from_rows(rows, size: tuple[int, int]) -> OcrResult:
    """Lines and words from the engine's rows [box, text, score, char boxes, chars, char scores]."""
    boxes = []
    for row in rows:
        words = [
            piece
            for text, confidence, left, top, right, bottom in _words_of(row)
            for piece in _split(OcrWord(_clean(text), confidence, left, top, right, bottom))
        ]
        words = [word for word in words if word.text.strip()]
        if words:
            boxes.append(words)
    boxes.sort(key=lambda words: (words[0].top + words[0].bottom) / 2)
    rows_of_boxes: list[list[list]] = []
    for words in boxes:
        top, bottom = words[0].top, words[0].bottom
        for row_boxes in reversed(rows_of_boxes[-3:]):
            row_top = median(w[0].top for w in row_boxes)
            row_bottom = median(w[0].bottom for w in row_boxes)
            overlap = min(bottom, row_bottom) - max(top, row_top)
            if overlap >= SAME_ROW * min(bottom - top, row_bottom - row_top):
                row_boxes.append(words)
                break
        else:
            rows_of_boxes.append([words])
    lines = []
    for row_boxes in rows_of_boxes:
        row_words = [word for words in sorted(row_boxes, key=lambda words: words[0].left) for word in words]
        line = line_of(row_words, False)
        if line is not None:
            lines.append(line)
    lines.sort(key=lambda line: line.top)
    confidences = [word.confidence for line in lines for word in line.words]
    heights = sorted(word.bottom - word.top for line in lines for word in line.words)
    return OcrResult(
        text=join_lines(lines),
        confidence=round(sum(confidences) / len(confidences) / 100.0, 4) if confidences else 0.0,
        words=len(confidences),
        line_height=float(heights[len(heights) // 2]) if heights else 0.0,
        lines=lines,
        width=size[0],
        height=size[1],
    )
