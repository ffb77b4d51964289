"""The app's line icons: tinted, drawn at the size asked when first painted (not every size up front)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon

from hsawallet.ui import style


def _opaque(image) -> list[QColor]:
    return [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]


def test_an_icon_is_drawn_in_its_colour_at_the_size_asked(qapp):
    red = style.icon("import", "#ff0000")
    assert not red.isNull()
    for size in (16, 37, 64):
        pixmap = red.pixmap(size)
        assert (pixmap.width(), pixmap.height()) == (size, size)
        drawn = _opaque(pixmap.toImage())
        assert drawn and all(c.red() == 255 and c.green() == 0 and c.blue() == 0 for c in drawn)
    copy = QIcon(red)  # a copy keeps drawing after the original is gone
    del red
    assert _opaque(copy.pixmap(24).toImage())
    disabled = _opaque(copy.pixmap(24, QIcon.Mode.Disabled).toImage())
    assert disabled and any(c != QColor("#ff0000") for c in disabled)  # the style greys it


def test_a_missing_icon_is_empty(qapp):
    assert style.icon("no-such-icon").isNull()
