"""What an OCR engine's reading of a page is made of, whichever engine read it (tesseract in
``ocr``, PP-OCRv4 in ``rapid``): words with their boxes and confidences, lines of them, and the
page's text joined from its lines in tesseract's layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from hsawallet.ingest.model import PageText, Word

# Unread ink this many line heights wide in a line's row is handwriting: the corpus's signatures
# measure 10-17, its empty boxes and checkbox rows at most 6.
SCRAWL_LINE_HEIGHTS = 8


class OcrWord(NamedTuple):
    text: str
    confidence: float  # tesseract's 0-100; -1 when it gives none
    left: int
    top: int
    right: int
    bottom: int


@dataclass
class OcrLine:
    top: int
    bottom: int
    text: str
    new_block: bool = False  # the first line of a tesseract block
    confidence: float = 0.0  # mean of its words, 0-1
    words: tuple[OcrWord, ...] = ()
    unread_ink: int = 0  # columns of unread marks in its row (see mark_unread_ink)


@dataclass
class OcrResult:
    text: str
    confidence: float  # mean word confidence 0-1 (0 when no words)
    words: int
    line_height: float = 0.0  # median height in pixels of the words read
    lines: list[OcrLine] = field(default_factory=list)
    width: int = 0  # of the page image the words' boxes are on (read_image_text sets them)
    height: int = 0
    second: OcrResult | None = None  # the same page read by the second engine (see read_image_text)

    def page_text(self, index: int) -> PageText:
        """This read as the text of page ``index`` of a document, with its words' boxes in the
        read page's pixels, in the order of the text (line by line, as joined)."""
        words = tuple(
            Word(
                word.text,
                float(word.left),
                float(word.top),
                float(word.right),
                float(word.bottom),
                max(0.0, word.confidence) / 100.0,
            )
            for line in self.lines
            for word in line.words
        )
        return PageText(
            index=index,
            text=self.text,
            source="ocr",
            confidence=self.confidence,
            scrawled_lines=self.scrawled_lines(),
            words=words,
            width=float(self.width),
            height=float(self.height),
            second_reading=self.second.page_text(index) if self.second else None,
        )

    def scrawled_lines(self) -> tuple[str, ...]:
        """Lines with a wide unread mark in their row: a handwritten signature beside its date."""
        return tuple(line.text for line in self.lines if line.unread_ink >= SCRAWL_LINE_HEIGHTS * self.line_height > 0)

    @property
    def score(self) -> float:
        return self.confidence * self.words


def join_lines(lines: list[OcrLine]) -> str:
    """Tesseract's text layout: one line per row, a blank line between blocks."""
    out: list[str] = []
    for line in lines:
        if line.new_block and out:
            out.append("")
        out.append(line.text)
    return "\n".join(out).strip()


def line_of(words: list[OcrWord] | tuple[OcrWord, ...], new_block: bool) -> OcrLine | None:
    if not words:
        return None
    scored = [word.confidence for word in words if word.confidence >= 0]
    return OcrLine(
        top=min(word.top for word in words),
        bottom=max(word.bottom for word in words),
        text=" ".join(word.text for word in words),
        new_block=new_block,
        confidence=sum(scored) / len(scored) / 100.0 if scored else 0.0,
        words=tuple(words),
    )
