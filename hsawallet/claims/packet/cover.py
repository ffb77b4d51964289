"""The cover sheet: the claim's heading, its details, the expenses, notes and the packet's index."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth

from hsawallet.claims.model import ClaimExpense, ClaimPacketInput
from hsawallet.claims.packet.sources import Source
from hsawallet.claims.packet.style import (
    ALERT,
    BOLD,
    HEADER_FILL,
    INK,
    MUTED,
    NOTE_FILL,
    NOTE_RULE,
    REGULAR,
    RULE,
    ZEBRA_FILL,
)
from hsawallet.claims.packet.table import (
    FRAME_WIDTH,
    Line,
    PageFlow,
    Pages,
    Row,
    Run,
    Style,
    height,
    page_ref,
    para,
    text_line,
)

KICKER = Style(BOLD, 8.5, 11, MUTED)
TITLE = Style(BOLD, 19, 23)
H2 = Style(BOLD, 11.5, 14)
LABEL = Style(REGULAR, 8.5, 11.5, MUTED)
VALUE = Style(BOLD, 9.5, 12)
CELL = Style(REGULAR, 8.5, 10.5)
CELL_RIGHT = CELL._replace(align="right")
CELL_MUTED = CELL._replace(color=MUTED)
CELL_SMALL = Style(REGULAR, 7.5, 10.5, MUTED)  # a smaller line among CELL lines
CELL_ALERT = CELL_SMALL._replace(color=ALERT)
SMALL = Style(REGULAR, 7.5, 9.5, MUTED)
NO_RECEIPT = Style(REGULAR, 10, 12, colors.black, "right")
HEAD = Style(BOLD, 8, 10, colors.white)
HEAD_RIGHT = HEAD._replace(align="right")
TOTAL_LABEL = Style(BOLD, 9.5, 12)
TOTAL_AMOUNT = TOTAL_LABEL._replace(align="right")
BIG_TOTAL = Style(BOLD, 17, 21, INK, "right")
BIG_TOTAL_LABEL = Style(REGULAR, 8.5, 11.5, MUTED, "right")
NOTE = Style(REGULAR, 8.5, 11)

SECTION_SPACE = 14  # points above a section's heading
HEADING_SPACE = 6  # points between a heading and what it heads
SECTION_START_ROOM = 1.5 * inch  # a section starts on a new page unless this much is left
NOTE_PADDING = (3, 6, 3, 8)
NOTE_INDENT = 10  # a note's bullet hangs in this indent
NOTE_BAR = 2.5  # width of the coloured bar left of a note
KEPT_NOTES = 8  # up to this many notes are kept on one page with their heading
ALERT_ROWS_KEPT = 4  # the "Exported anyway" heading keeps this many of its rows with it


def layout_cover(inp: ClaimPacketInput, sources: list[Source]) -> Pages:
    """Lay out the cover; return per page the rows to draw there and where (see PageFlow)."""
    cover = PageFlow()
    width = FRAME_WIDTH

    account = inp.account_type.upper() if inp.account_type else ""
    kicker = f"{account} REIMBURSEMENT CLAIM" if account else "REIMBURSEMENT CLAIM"
    left, right = width * 0.68, width * 0.32
    cover.table(
        [
            Row(
                [left, right],
                [
                    para(kicker, KICKER, left) + para(inp.title, TITLE, left),
                    para("Total claimed", BIG_TOTAL_LABEL, right) + para(_money(inp.total), BIG_TOTAL, right),
                ],
                (3, 0, 8, 0),
                valign="bottom",
                rule_below=(2, HEADER_FILL),
            )
        ]
    )
    cover.place(10)

    receipts_count = sum(1 for s in sources if s.role == "receipt")
    letters_count = sum(1 for s in sources if s.role == "letter")
    details = [
        ("Claimant", inp.claimant),
        ("Account", f"{inp.account_name} ({inp.account_type})" if inp.account_type else inp.account_name),
        ("Plan year", inp.plan_year or "-"),
        ("Date prepared", _date(inp.created)),
        ("Claim number", str(inp.claim_id)),
        (
            "Enclosed",
            f"{_count(len(inp.expenses), 'expense')}, {_count(receipts_count, 'receipt')}, "
            f"{_count(letters_count, 'covering letter')}",
        ),
    ]
    patients = _single_patient(inp)
    if patients:
        details.insert(3, ("Patient", patients))
    half = (len(details) + 1) // 2
    widths = [width * 0.14, width * 0.36, width * 0.14, width * 0.36]
    styles = (LABEL, VALUE, LABEL, VALUE)
    grid = []
    for left_pair, right_pair in zip(details[:half], details[half:] + [("", "")] * (2 * half - len(details))):
        texts = (*left_pair, *right_pair)
        grid.append(Row(widths, [para(t or "", s, w - 6) for t, s, w in zip(texts, styles, widths)], (2, 6, 3, 0)))
    cover.table(grid)

    if inp.exported_anyway:
        heading = para("Exported anyway", H2, width)
        rows = [_note_row("The claimant chose to export this claim although:", ALERT, width, bullet=False)]
        rows += [_note_row(w, ALERT, width) for w in inp.exported_anyway]
        cover.keep_room(
            SECTION_SPACE + height(heading) + HEADING_SPACE + sum(row.height for row in rows[:ALERT_ROWS_KEPT])
        )
        cover.paragraph(heading, space_before=SECTION_SPACE, space_after=HEADING_SPACE)
        cover.table(rows)

    cover.keep_room(SECTION_START_ROOM)
    cover.paragraph(para("Expenses", H2, width), space_before=SECTION_SPACE, space_after=HEADING_SPACE)
    _expense_table(cover, inp, sources, width)

    if inp.warnings:
        heading = para("Notes", H2, width)
        rows = [_note_row(w, NOTE_RULE, width) for w in inp.warnings]
        if len(inp.warnings) <= KEPT_NOTES:  # heading and notes kept together
            cover.keep_room(SECTION_SPACE + height(heading) + HEADING_SPACE + sum(row.height for row in rows))
        cover.paragraph(heading, space_before=SECTION_SPACE, space_after=HEADING_SPACE)
        cover.table(rows)

    cover.keep_room(SECTION_START_ROOM)
    cover.paragraph(para("Contents of this packet", H2, width), space_before=SECTION_SPACE, space_after=HEADING_SPACE)
    _index_table(cover, inp, sources, width)
    return cover.pages


def _note_row(text: str | None, bar: colors.Color, width: float, bullet: bool = True) -> Row:
    """A note on a pale band with a coloured bar at its left; a bulleted one hangs in an indent."""
    lines = (
        para(text or "", NOTE, width - 14, indent=NOTE_INDENT, bullet=True)
        if bullet
        else para(text or "", NOTE, width - 14)
    )
    return Row([width], [lines], NOTE_PADDING, background=NOTE_FILL, rule_left=(NOTE_BAR, bar))


def _expense_table(cover: PageFlow, inp: ClaimPacketInput, sources: list[Source], width: float) -> None:
    index_of = {(s.role, s.doc.document_id): i for i, s in enumerate(sources)}
    show_person = _single_patient(inp) is None and any(e.person for e in inp.expenses)
    widths = [width * f for f in (0.04, 0.115, 0.17, 0.26, 0.2, 0.09, 0.125)]
    inner = [w - 8 for w in widths]
    padding = (4, 4, 4, 4)

    names = ["#", "Date", "Merchant", "Description", "Covering letter", "Receipt", "Amount"]
    header = Row(
        widths,
        [para(h, HEAD_RIGHT if h in ("Amount", "Receipt") else HEAD, w) for h, w in zip(names, inner)],
        padding,
        background=HEADER_FILL,
    )
    rows = []
    for n, e in enumerate(inp.expenses, start=1):
        description = para(e.description or "", CELL, inner[3])
        if show_person and e.person:
            description += para(f"Patient: {e.person}", CELL_SMALL, inner[3])
        letter = [text_line("-", CELL_MUTED)]
        if e.letter_document_id is not None:
            letter = para(e.letter_label or "Letter of medical necessity", CELL, inner[4])
            if ("letter", e.letter_document_id) in index_of:
                letter.append(page_ref("page {}", index_of[("letter", e.letter_document_id)], SMALL))
        receipt = index_of.get(("receipt", e.document_id))
        rows.append(
            Row(
                widths,
                [
                    [text_line(str(n), SMALL)],
                    [text_line(_date(e.date), CELL)],
                    para(e.merchant or "-", CELL, inner[2]),
                    description,
                    letter,
                    [page_ref("p. {}", receipt, CELL_RIGHT) if receipt is not None else text_line("-", NO_RECEIPT)],
                    [text_line(_money(e.amount), CELL_RIGHT)],
                ],
                padding,
                background=ZEBRA_FILL if n % 2 == 0 else None,
                rule_below=(0.4, RULE),
            )
        )
    rows.append(
        Row(
            widths,
            [
                [],
                [],
                para(f"Total ({_count(len(inp.expenses), 'expense')})", TOTAL_LABEL, sum(widths[2:6]) - 8),
                None,
                None,
                None,
                para(_money(inp.total), TOTAL_AMOUNT, inner[6]),
            ],
            (6, 4, 6, 4),
            rule_above=(1.2, INK),
            rule_below=(1.2, INK),
        )
    )
    cover.table(rows, header)


def _index_table(cover: PageFlow, inp: ClaimPacketInput, sources: list[Source], width: float) -> None:
    first_expense: dict[int, ClaimExpense] = {}
    for e in inp.expenses:
        first_expense.setdefault(e.document_id, e)
    widths = [width * 0.08, width * 0.2, width * 0.72]
    inner = [w - 12 for w in widths]
    padding = (2.5, 6, 2.5, 6)
    header = Row(
        widths,
        [para("Page", HEAD_RIGHT, inner[0]), para("Document", HEAD, inner[1]), para("Details", HEAD, inner[2])],
        padding,
        background=HEADER_FILL,
    )
    rows = [
        Row(
            widths,
            [[text_line("1", CELL_RIGHT)], [text_line("Cover sheet", CELL)], [text_line("This summary", CELL)]],
            padding,
            rule_below=(0.4, RULE),
        )
    ]
    for i, source in enumerate(sources):
        doc = source.doc
        if source.role == "receipt":
            first = first_expense.get(doc.document_id)
            parts = [first.merchant or "", _date(first.date) if first.date else ""] if first else []
            kind = "Receipt"
        else:
            labels = [
                x.letter_label for x in inp.expenses if x.letter_document_id == doc.document_id and x.letter_label
            ]
            parts = [labels[0]] if labels else []
            kind = "Covering letter"
        pages = f"{source.page_count} pages" if source.page_count > 1 else "1 page"
        details = _with_note(", ".join(p for p in parts if p), f"{doc.file} ({pages})", inner[2])
        if source.unreadable:
            details += para("could not be rendered; original in the bundle", CELL_ALERT, inner[2])
        rows.append(
            Row(
                widths,
                [[page_ref("{}", i, CELL_RIGHT)], [text_line(kind, CELL)], details],
                padding,
                background=ZEBRA_FILL if i % 2 == 0 else None,
                rule_below=(0.4, RULE),
            )
        )
    cover.table(rows, header)


def _with_note(text: str, note: str, width: float) -> list[Line]:
    """`text`, then `note` smaller and muted: on the last line if it fits there, else below."""
    lines = para(text, CELL, width)
    notes = para(note, CELL_SMALL, width)
    if lines and len(notes) == 1:
        last = lines[-1].runs[0].text + "\u00a0\u00a0\u00a0"
        note_run = notes[0].runs[0]
        if (
            stringWidth(last, CELL.font, CELL.size)
            + stringWidth(note_run.text, note_run.style.font, note_run.style.size)
            <= width
        ):
            lines[-1] = Line((Run(last, CELL), note_run), CELL.leading)
            return lines
    return lines + notes


def _single_patient(inp: ClaimPacketInput) -> str | None:
    """The patient when every expense is for the same person (then named once, not per row)."""
    people = {e.person for e in inp.expenses}
    return people.pop() if len(people) == 1 and None not in people else None


def _money(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def _date(value: date | None) -> str:
    return value.isoformat() if value else "-"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
