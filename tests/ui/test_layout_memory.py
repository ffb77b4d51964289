"""Window geometry, splitters and column widths are remembered between runs, in the test's own
QSettings folder (the layout_settings fixture), never in the real ~/.config."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize

from hsawallet.ui import ops
from hsawallet.ui.main_window import MainWindow
from hsawallet.ui.remembered import ui_settings
from hsawallet.ui.views.documents import COL_KIND


def test_geometry_splitters_and_columns_come_back_in_the_next_window(qtbot, ctx, layout_settings):
    assert Path(ui_settings().fileName()).is_relative_to(layout_settings)
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    # the offscreen screen is 800x800 and the window at least 860 wide: the height tells
    first.resize(QSize(900, 640))
    documents = first.show_section("documents")
    documents.table.setColumnWidth(COL_KIND, 137)
    receipts = first.show_section("receipts")
    ops.wait_idle()
    receipts.splitter.setSizes([180, 620])
    sizes = receipts.splitter.sizes()
    first.close()
    assert ui_settings().status() == QSettings.Status.NoError
    assert list(layout_settings.rglob("*.ini"))  # written where the tests said

    second = MainWindow(ctx)
    qtbot.addWidget(second)
    second.show()
    try:
        assert second.height() == 640 and second.height() != MainWindow._initial_size().height()
        assert second.show_section("documents").table.columnWidth(COL_KIND) == 137
        ops.wait_idle()
        assert second.show_section("receipts").splitter.sizes() == sizes
    finally:
        ops.wait_idle()
        second.close()
