"""Preparing photos for OCR: the sheet is found with its coloured letterhead; line-end scraps go."""

from __future__ import annotations

from PIL import Image, ImageDraw

from hsawallet.ingest.ocr import (
    _has_print,
    _largest_component,
    _parse_tsv,
    paper_box,
    read_image_text,
    reread_doubtful_lines,
    reread_lines_with_unread_ink,
)
from hsawallet.ingest.ocr_result import OcrLine, OcrResult, OcrWord
from tests.conftest import load_font


def _photo_with_letterhead() -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A cream sheet whose top fifth is a dark purple band, on a dark grey table."""
    image = Image.new("RGB", (1000, 1300), (60, 62, 58))
    sheet = (150, 100, 850, 1200)
    draw = ImageDraw.Draw(image)
    draw.rectangle(sheet, fill=(225, 222, 200))
    draw.rectangle((sheet[0], sheet[1], sheet[2], sheet[1] + 200), fill=(75, 55, 110))
    for y in range(400, 1100, 40):
        draw.rectangle((220, y, 700, y + 12), fill=(30, 30, 30))  # lines of "print"
    return image, sheet


def test_the_crop_keeps_a_coloured_letterhead_band():
    image, (left, top, right, bottom) = _photo_with_letterhead()
    box = paper_box(image)
    assert box is not None, "the sheet stands out clearly from the table"
    assert box[1] <= top, f"the purple band at the sheet's top was cut off: {box}"
    assert box[0] <= left and box[2] >= right and box[3] >= bottom
    assert box[1] > 0 or box[0] > 0, "the table around the sheet should be cropped away"


def test_the_crop_leaves_a_scan_alone():
    scan = Image.new("RGB", (850, 1100), (250, 250, 248))
    ImageDraw.Draw(scan).text((100, 100), "GREENLEAF PHARMACY", fill=(0, 0, 0))
    assert paper_box(scan) is None


def test_the_largest_region_is_joined_along_sides_not_corners():
    rows = [
        "111.1",
        "1.1.1",  # a ring of 8, a bar of 3 beside it
        "111.1",
        "...1.",  # touches both only at corners: joined, all 12 would span the whole mask
    ]
    mask = bytearray(ch == "1" for row in rows for ch in row)
    assert _largest_component(mask, 5, 4) == (0, 0, 3, 3, 8)  # left, top, right, bottom, area
    # on a tie the region met first in reading order wins
    assert _largest_component(bytearray([1, 0, 1]), 3, 1) == (0, 0, 1, 1, 1)
    assert _largest_component(bytearray(6), 3, 2) is None


def test_a_band_crossed_only_by_a_border_holds_no_print():
    band = Image.new("L", (1200, 120), 255)
    draw = ImageDraw.Draw(band)
    for x in (40, 48, 1150, 1158):  # a page's double border running through the band
        draw.line([(x, 0), (x, 119)], fill=0, width=3)
    draw.point([(300, 50), (700, 80)], fill=0)  # scanner specks
    assert not _has_print(band, line_height=30)
    draw.text((200, 30), "DO", font=load_font(40), fill=0)
    assert _has_print(band, line_height=30)


def _tsv(rows: list[tuple[int, str, float]]) -> str:
    """Tesseract TSV with one word per row: (line number, text, confidence)."""
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    out = [header]
    for index, (line, text, confidence) in enumerate(rows):
        out.append(f"5\t1\t1\t1\t{line}\t{index}\t{10 * index}\t{40 * line}\t30\t20\t{confidence}\t{text}")
    return "\n".join(out)


def test_low_confidence_scraps_at_a_line_end_are_dropped_and_real_words_kept():
    result = _parse_tsv(
        _tsv(
            [
                (1, "Bodywork", 91.0),
                (1, "Studio", 88.0),
                (1, "Ee", 12.0),
                (1, "ake", 20.0),
                (2, "ee", 15.0),
                (2, "fotal", 30.0),
                (2, "Sales", 85.0),
                (2, "26.82", 35.0),
                (3, "Duration:", 90.0),
                (3, "{X]", 10.0),
                (3, "12", 90.0),
                (3, "months", 92.0),
                (3, "[X]", 11.0),
                (4, "Re", 10.0),
                (4, "aa", 8.0),
                (4, "eR", 14.0),
                (5, "FY", 80.0),
                (5, "EAGLE", 75.0),
                (5, "ENTERPRISE", 30.0),
            ]
        )
    )
    assert result.text.splitlines() == [
        "Bodywork Studio",
        "fotal Sales 26.82",  # a misread first word is still a cue; a doubtful amount is kept
        "Duration: {X] 12 months [X]",  # checkbox marks are kept wherever they are
        "FY EAGLE ENTERPRISE",  # a faint long word is a word
    ]
    assert [(line.top, line.bottom) for line in result.lines][:2] == [(40, 60), (80, 100)]


def test_a_scrap_between_two_boxes_is_dropped_and_an_initial_kept():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    words = [  # (left, width, confidence, text) on one line 30 px high
        (100, 140, 93.0, "Natalie"),
        (255, 40, 93.0, "M."),
        (310, 130, 97.0, "Okafor"),
        (1200, 50, 22.0, "Lo,"),
        (1400, 220, 97.0, "12/24/1982"),
    ]
    tsv = "\n".join(
        [header]
        + [
            f"5\t1\t1\t1\t1\t{index}\t{left}\t40\t{width}\t30\t{confidence}\t{text}"
            for index, (left, width, confidence, text) in enumerate(words)
        ]
    )
    assert _parse_tsv(tsv).text == "Natalie M. Okafor 12/24/1982"
    doubtful_initial = tsv.replace("93.0\tM.", "20.0\tM.")
    assert _parse_tsv(doubtful_initial).text == "Natalie M. Okafor 12/24/1982", "a word among its neighbours stays"


def _font(size: int):
    # monospace, as the large-print test was measured with
    return load_font(
        size, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    )


def test_a_store_name_in_large_print_is_read_with_the_rest():
    # A single-block read skips a line printed far larger than the rest of the receipt.
    page = Image.new("L", (900, 1300), 255)
    draw = ImageDraw.Draw(page)
    draw.text((120, 60), "POPULAR BOOK", font=_font(100), fill=0)
    draw.text((150, 180), "CO. (M) SDN BHD", font=_font(70), fill=0)
    for row in range(20):
        draw.text((60, 300 + 40 * row), f"ITEM NUMBER {row:02d} PENCIL CASE      {row + 1}.50", font=_font(24), fill=0)
    lines = [line for line in read_image_text(page).text.splitlines() if any(ch.isalnum() for ch in line)]
    assert lines[:2] == ["POPULAR BOOK", "CO. (M) SDN BHD"]
    assert lines[2] == "ITEM NUMBER 00 PENCIL CASE 1.50"
    assert sum("PENCIL CASE" in line for line in lines) == 20, "no line is read twice"


def _signature_row(*, signed: bool) -> Image.Image:
    """A form's last row: "Provider signature" and "Date" captions over two boxes, ruled a few
    pixels apart as scanned forms are, the date typed in its box."""
    page = Image.new("L", (2550, 700), 255)
    draw = ImageDraw.Draw(page)
    draw.text((215, 80), "Provider signature", font=_font(34), fill=0)
    draw.text((1500, 80), "Date", font=_font(34), fill=0)
    draw.rectangle((210, 130, 1480, 250), outline=0, width=3)
    draw.rectangle((1495, 134, 2360, 254), outline=0, width=3)
    if signed:
        draw.line(
            [
                (260, 200),
                (300, 170),
                (340, 210),
                (380, 165),
                (420, 205),
                (460, 170),
                (500, 212),
                (540, 168),
                (580, 206),
                (620, 172),
                (700, 190),
            ],
            fill=0,
            width=4,
        )
    draw.text((1530, 165), "04/08/2026", font=_font(44), fill=0)
    draw.text((215, 330), "Form LMN-224 Rev. 01/2025", font=_font(30), fill=0)
    return page


def test_a_value_inside_a_form_box_is_read():
    # Box borders around a value make a single-block read drop the whole row.
    for signed in (True, False):
        assert "04/08/2026" in read_image_text(_signature_row(signed=signed)).text


def test_handwriting_beside_a_value_is_seen_though_not_read():
    signed = read_image_text(_signature_row(signed=True))
    assert "04/08/2026" in signed.scrawled_lines()
    empty = read_image_text(_signature_row(signed=False))
    assert empty.scrawled_lines() == (), "an empty box, its rules and the captions are no handwriting"


def _line(text: str, top: int, confidence: float) -> OcrLine:
    """A line as tesseract would give it, its words spread over the print (x 40-860)."""
    texts = text.split()
    step = 820 // len(texts)
    words = tuple(
        OcrWord(word, confidence * 100, 40 + step * index, top, 30 + step * (index + 1), top + 22)
        for index, word in enumerate(texts)
    )
    return OcrLine(top=top, bottom=top + 22, text=text, confidence=confidence, words=words)


def test_doubtful_lines_are_read_again_and_a_figure_is_left_alone():
    page = Image.new("L", (900, 200), 255)
    draw = ImageDraw.Draw(page)
    draw.text((40, 40), "RX 6114087 LISINOPRIL 10MG      15.00 F", font=_font(22), fill=0)
    draw.text((40, 120), "TOTAL                          60.30", font=_font(22), fill=0)
    first_read = [_line("RX 6114087 LISINOPRIL 10MG a5 OO! ts", 40, 0.3), _line("TOTAL 60.01", 120, 0.4)]
    result = OcrResult(text="", confidence=0.35, words=8, line_height=22.0, lines=first_read)
    lines = reread_doubtful_lines(page, result).text.splitlines()
    assert lines[0].startswith("RX 6114087 LISINOPRIL 10MG") and lines[0].split()[4] == "15.00"
    # a line that ends in a well-formed figure is kept as read: a second reading is no better
    assert lines[1] == "TOTAL 60.01"


def test_missing_language_data_gets_a_clear_message(tmp_path, monkeypatch):
    from hsawallet.ingest import tesseract
    from hsawallet.ingest.model import IngestError

    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # an empty folder
    monkeypatch.setattr(tesseract, "_TESSDATA_GLOBS", ())
    try:
        tesseract.tessdata_path()
    except IngestError as error:
        assert "language data is not installed" in str(error)
    else:
        raise AssertionError("no language data should be found in an empty folder")


def test_a_short_value_alone_in_its_box_is_read_again():
    # The row's read left "DO" in the middle box unread; the ink beside the words says so.
    page = Image.new("L", (900, 200), 255)
    draw = ImageDraw.Draw(page)
    for left, right in ((30, 380), (390, 560), (570, 880)):
        draw.rectangle((left, 60, right, 110), outline=0, width=2)
    draw.text((40, 72), "Jane Q. Roe", font=_font(22), fill=0)
    draw.text((400, 72), "DO", font=_font(22), fill=0)
    draw.text((580, 72), "(555) 555-0100", font=_font(22), fill=0)
    first = _line("Jane Q. Roe (555) 555-0100", 72, 0.93)
    first.unread_ink = 40  # measured by mark_unread_ink: about two line heights
    result = OcrResult(text=first.text, confidence=0.93, words=5, line_height=22.0, lines=[first])
    assert reread_lines_with_unread_ink(page, result).text.split() == ["Jane", "Q.", "Roe", "DO", "(555)", "555-0100"]
    # without unread ink beside it, a line is not read again
    first.unread_ink = 0
    assert reread_lines_with_unread_ink(page, result).text == "Jane Q. Roe (555) 555-0100"
