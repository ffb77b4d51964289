"""Preparing photos for OCR: the sheet is found with its coloured letterhead; line-end scraps go."""

from __future__ import annotations

from PIL import Image, ImageDraw

from hsawallet.ingest.ocr import _add_line, paper_box


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


def test_low_confidence_scraps_at_a_line_end_are_dropped_and_real_words_kept():
    lines: list[str] = []
    _add_line(lines, [("Bodywork", 91.0), ("Studio", 88.0), ("Ee", 12.0), ("ake", 20.0)])
    _add_line(lines, [("ee", 15.0), ("fotal", 30.0), ("Sales", 85.0), ("26.82", 35.0)])
    _add_line(lines, [("Duration:", 90.0), ("{X]", 10.0), ("12", 90.0), ("months", 92.0), ("[X]", 11.0)])
    _add_line(lines, [("Re", 10.0), ("aa", 8.0), ("eR", 14.0)])
    assert lines == [
        "Bodywork Studio",
        "fotal Sales 26.82",  # a misread first word is still a cue; a doubtful amount is kept
        "Duration: {X] 12 months [X]",  # checkbox marks are kept wherever they are
    ]
