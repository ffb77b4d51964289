"""Rows of wrapped text laid out top-down on US Letter pages, then drawn on a reportlab canvas.

Laid out first, drawn later: a cell may refer to the page a document starts on
(`page_ref`), which is known only once the layout knows how many pages it takes.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.textsplit import wordSplit
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from hsawallet.claims.packet.style import INK, pdf_text

PAGE_MARGIN = 0.7 * inch
FRAME_PADDING = 6  # the text frame is padded on each side
FRAME_LEFT = PAGE_MARGIN + FRAME_PADDING
FRAME_WIDTH = LETTER[0] - 2 * PAGE_MARGIN - 2 * FRAME_PADDING
_FRAME_TOP = LETTER[1] - 0.65 * inch - FRAME_PADDING
_FRAME_BOTTOM = 0.75 * inch + FRAME_PADDING  # above the page stamp
_FUZZ = 1e-6  # sums of float heights that fit exactly must not start a page
# A bullet: a dot like Helvetica's 10 pt bullet glyph, centred (x, y) from the baseline, radius r.
# Drawn, not set as text: reportlab writes U+2022 as WinAnsi code 127, which text extraction garbles.
_BULLET = (1.5, 3.35, 1.25)

Align = Literal["left", "right"]
Rule = tuple[float, colors.Color]  # line width, colour


class Style(NamedTuple):
    font: str
    size: float
    leading: float
    color: colors.Color = INK
    align: Align = "left"


class Run(NamedTuple):
    text: str  # with `ref`: a format for the page that document starts on, e.g. "p. {}"
    style: Style
    ref: int | None = None  # index of a source


class Line(NamedTuple):
    """One line of text in a cell: its runs are set one after the other on the first run's baseline."""

    runs: tuple[Run, ...]
    leading: float
    align: Align = "left"
    indent: float = 0.0  # the text starts this far in; a bullet hangs in the indent
    bullet: bool = False


def para(text: str, style: Style, width: float, indent: float = 0, bullet: bool = False) -> list[Line]:
    """`text` wrapped to `width` by reportlab's simpleSplit; a word too long for a line is cut (wordSplit)."""
    room = width - indent
    text = pdf_text(text)
    whole = " ".join(text.split())  # what simpleSplit would make of a text that fits on one line
    if "\n" not in text and stringWidth(whole, style.font, style.size) <= room:  # most cells: no need to split
        split = [whole] if whole else []
    else:
        split = simpleSplit(text, style.font, style.size, room)
    lines = []
    for line in split:
        parts = [line]
        if " " not in line and stringWidth(line, style.font, style.size) > room:
            parts = [part for _, part in wordSplit(line, room, style.font, style.size)]
        lines += [Line((Run(part, style),), style.leading, style.align, indent) for part in parts]
    if bullet and lines:
        lines[0] = lines[0]._replace(bullet=True)
    return lines


def text_line(text: str, style: Style) -> Line:
    """One line that is never wrapped (numbers, dates, amounts)."""
    return Line((Run(pdf_text(text), style),), style.leading, style.align)


def page_ref(fmt: str, source: int, style: Style) -> Line:
    """The page a document starts on ("p. 7"); known once the cover's length is."""
    return Line((Run(fmt, style, source),), style.leading, style.align)


def height(lines: list[Line]) -> float:
    return sum(line.leading for line in lines)


class Cell(NamedTuple):
    x: float  # offset from the row's left edge
    width: float
    lines: list[Line]


class Row:
    """A table row: the lines of each cell (None where the cell to the left spans the column)."""

    def __init__(
        self,
        widths: list[float],
        cells: list[list[Line] | None],
        padding: tuple[float, float, float, float],
        *,
        background: colors.Color | None = None,
        valign: Literal["top", "bottom"] = "top",
        rule_above: Rule | None = None,
        rule_below: Rule | None = None,
        rule_left: Rule | None = None,
    ) -> None:
        self.cells: list[Cell] = []
        x = 0.0
        for width, lines in zip(widths, cells):
            if lines is None:
                self.cells[-1] = self.cells[-1]._replace(width=self.cells[-1].width + width)
            else:
                self.cells.append(Cell(x, width, lines))
            x += width
        self.width = x
        self.padding = padding  # top, right, bottom, left
        self.background = background
        self.valign = valign
        self.rule_above, self.rule_below, self.rule_left = rule_above, rule_below, rule_left
        self.height = max(height(cell.lines) for cell in self.cells) + padding[0] + padding[2]


# Per page: the blocks of rows to draw there, each with the top of its first row.
Pages = list[list[tuple[list[Row], float]]]


class PageFlow:
    """Places rows top-down on pages; they are drawn once the page numbers are known."""

    def __init__(self) -> None:
        self.pages: Pages = [[]]
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

    def place(
        self, height: float, rows: list[Row] | None = None, space_before: float = 0, space_after: float = 0
    ) -> None:
        """Put `rows` of `height` in all here (or atop the next page); no rows: just leave the space."""
        gap = 0.0 if self.at_top else max(space_before - self.space_after, 0)
        if self.y - gap - height < _FRAME_BOTTOM - _FUZZ and not self.at_top:
            self.new_page()
            gap = 0.0
        top = self.y - gap
        if rows:
            self.pages[-1].append((rows, top))
        self.y = top - height - space_after
        self.at_top = False
        self.space_after = space_after

    def paragraph(self, lines: list[Line], space_before: float = 0, space_after: float = 0) -> None:
        row = Row([FRAME_WIDTH], [lines], (0, 0, 0, 0))
        self.place(row.height, [row], space_before, space_after)

    def table(self, rows: list[Row], header: Row | None = None) -> None:
        """Rows flow over as many pages as needed; the header row starts every page."""
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
            self.place(used, head + rows[i : i + n])
            i += n
            if i < len(rows):
                self.new_page()


def draw_pages(c: Canvas, pages: Pages, starts: list[int]) -> None:
    """Draw laid-out pages; `starts` gives the page each source starts on, for page references."""
    for blocks in pages:
        for rows, top in blocks:
            _draw_rows(c, rows, top, starts)
        c.showPage()


def _draw_rows(c: Canvas, rows: list[Row], top: float, starts: list[int]) -> None:
    """Backgrounds, then text, then rules (so rules stay on top), as reportlab tables do."""
    x0 = FRAME_LEFT
    fill = None
    y = top
    for row in rows:
        y -= row.height
        if row.background is not None:
            if row.background is not fill:
                c.setFillColor(row.background.rgb())
                fill = row.background
            c.rect(x0, y, row.width, row.height, stroke=0, fill=1)

    text = _Text(c)
    y = top
    for row in rows:
        pad_top, right, bottom, left = row.padding
        for x, width, lines in row.cells:
            line_top = y - row.height + bottom + height(lines) if row.valign == "bottom" else y - pad_top
            for line in lines:
                text.line(line, x0 + x + left, line_top, width - left - right, starts)
                line_top -= line.leading
        y -= row.height
    c.drawText(text.obj)
    for x, baseline, color in text.bullets:
        c.setFillColor(color.rgb())
        c.circle(x + _BULLET[0], baseline + _BULLET[1], _BULLET[2], stroke=0, fill=1)

    # one path per kind of rule, in order of first use
    rules: dict[Rule, list[tuple[float, float, float, float]]] = {}
    y = top
    for row in rows:
        bottom = y - row.height
        for rule, segment in (
            (row.rule_left, (x0, y, x0, bottom)),
            (row.rule_above, (x0, y, x0 + row.width, y)),
            (row.rule_below, (x0, bottom, x0 + row.width, bottom)),
        ):
            if rule:
                rules.setdefault(rule, []).append(segment)
        y = bottom
    for (width, color), segments in rules.items():
        c.setLineWidth(width)
        c.setStrokeColor(color.rgb())
        c.lines(segments)


class _Text:
    """One reportlab text object for a block of rows; font and colour are set when they change."""

    def __init__(self, c: Canvas) -> None:
        self.obj: PDFTextObject = c.beginText()
        self.font: tuple[str, float] | None = None
        self.color: colors.Color | None = None
        self.bullets: list[tuple[float, float, colors.Color]] = []  # drawn after the text object

    def line(self, line: Line, x: float, top: float, width: float, starts: list[int]) -> None:
        texts = [run.text if run.ref is None else run.text.format(starts[run.ref]) for run in line.runs]
        baseline = top - line.runs[0].style.size
        if line.bullet:
            self.bullets.append((x, baseline, line.runs[0].style.color))
        if line.align == "right":
            x += width - sum(stringWidth(t, run.style.font, run.style.size) for t, run in zip(texts, line.runs))
        else:
            x += line.indent
        self.obj.setTextOrigin(x, baseline)
        for text, (_, (font, size, _, color, _), _) in zip(texts, line.runs):
            if self.font != (font, size):
                self.obj.setFont(font, size)
                self.font = (font, size)
            if self.color is not color:
                self.obj.setFillColor(color.rgb())  # as RGB: a Color would set its (opaque) alpha too, each time
                self.color = color
            self.obj.textOut(text)
