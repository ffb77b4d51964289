"""OCR pages carry their words' boxes, in the read page's pixels, in the order of the text."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from hsawallet.ingest.pipeline import extract_pages
from tests.conftest import load_font


def _font(size: int):
    return load_font(size, "DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _box_of(page, text: str):
    found = [word for word in page.words if word.text == text]
    assert len(found) == 1, f"{text!r} read once: {[w.text for w in page.words]}"
    return found[0]


def test_an_ocr_page_has_its_words_where_they_were_printed():
    # two columns: a label far left of its amount, a second row under them
    image = Image.new("L", (1400, 900), 255)
    draw = ImageDraw.Draw(image)
    drawn = {}
    for text, xy in (("Subtotal", (120, 200)), ("38.50", (1000, 200)), ("Balance", (120, 300)), ("42.17", (1000, 300))):
        draw.text(xy, text, font=_font(40), fill=0)
        drawn[text] = draw.textbbox(xy, text, font=_font(40))
    [page] = extract_pages(_png(image), "image/png")

    assert page.source == "ocr"
    assert (page.width, page.height) == (1400, 900), "a clean scan is read as it is: no crop, no turn"
    assert [word.text for word in page.words] == page.text.split(), "the words follow the text, token for token"
    for text, (x0, top, x1, bottom) in drawn.items():
        word = _box_of(page, text)
        assert abs(word.x0 - x0) <= 6 and abs(word.x1 - x1) <= 6, text
        assert word.top <= (top + bottom) / 2 <= word.bottom and word.bottom - word.top < 2 * (bottom - top), text
        assert 0.5 <= word.confidence <= 1.0
    assert _box_of(page, "42.17").top > _box_of(page, "38.50").bottom, "rows keep their order"


def test_a_line_recovered_from_a_missed_band_keeps_its_place_across_the_page():
    # A name in print far larger than the rest is skipped by the page's single-block read and
    # read from its band alone, on a strip with a margin added: its box must still be where
    # it stands on the page.
    mono = load_font(100, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "DejaVuSansMono.ttf")
    image = Image.new("L", (1000, 1300), 255)
    draw = ImageDraw.Draw(image)
    draw.text((120, 60), "HARBOR SUPPLY", font=mono, fill=0)
    name_box = draw.textbbox((120, 60), "HARBOR", font=mono)
    draw.text((150, 180), "CO. LTD", font=mono.font_variant(size=70), fill=0)
    for row in range(20):
        line = f"ITEM NUMBER {row:02d} PENCIL CASE      {row + 1}.50"
        draw.text((60, 300 + 40 * row), line, font=mono.font_variant(size=24), fill=0)
    [page] = extract_pages(_png(image), "image/png")

    word = _box_of(page, "HARBOR")
    assert abs(word.x0 - name_box[0]) <= 10 and abs(word.x1 - name_box[2]) <= 10
    assert abs(word.top - name_box[1]) <= 10 and abs(word.bottom - name_box[3]) <= 10
    assert [w.text for w in page.words] == page.text.split()
