"""Documents: the lazy model (no window) and files dropped on the main window."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from hsawallet.services import lists
from hsawallet.store.models import Document
from hsawallet.ui import ops
from hsawallet.ui.models.documents_model import (
    COL_FILE,
    COL_IMPORTED,
    COL_PAGES,
    COL_STATUS,
    DOCUMENT_COLUMNS,
    ID_ROLE,
    PAGE_SIZE,
    document_ids_query,
    documents_model,
)
from hsawallet.ui.models.lazy_table import LazyTableModel
from hsawallet.ui.views.documents import DocumentsView


def add_documents(vault, count: int) -> list[int]:
    with vault.session() as session:
        docs = [
            Document(
                file_name=f"scan-{n:05d}.pdf",
                size=10,
                sha256=f"{n:064x}",
                kind="receipt",
                page_count=n % 3 + 1,
                status="read",
            )
            for n in range(count)
        ]
        session.add_all(docs)
        session.commit()
        return [d.id for d in docs]


def test_the_model_holds_ids_and_fetches_only_the_pages_it_shows(ctx):
    add_documents(ctx.vault, PAGE_SIZE * 3 + 7)
    fetched: list[int] = []

    def rows_query(session, ids):
        fetched.append(len(ids))
        return lists.document_rows(session, ids)

    model = LazyTableModel(
        ctx, DOCUMENT_COLUMNS, document_ids_query(None), rows_query, sort_column=COL_IMPORTED, background=False
    )
    model.reload()
    assert model.rowCount() == PAGE_SIZE * 3 + 7 and model.columnCount() == 6
    assert fetched == [PAGE_SIZE]  # the first page comes with the ids, nothing more
    newest = model.index(0, COL_FILE)
    assert model.data(newest) == f"scan-{PAGE_SIZE * 3 + 6:05d}.pdf"  # newest first
    assert model.data(model.index(5, COL_STATUS)) == "Read"
    assert fetched == [PAGE_SIZE]
    assert model.data(model.index(PAGE_SIZE * 3 + 6, COL_PAGES)) == "1"
    assert fetched == [PAGE_SIZE, 7]
    assert model.data(newest, ID_ROLE) == model.id_at(0)


def test_sorting_and_the_name_filter_are_asked_of_the_database(ctx):
    add_documents(ctx.vault, 450)
    model = documents_model(ctx, background=False)
    model.reload()
    model.sort(COL_FILE, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, COL_FILE)) == "scan-00000.pdf"
    assert model.data(model.index(449, COL_FILE)) == "scan-00449.pdf"
    model.sort(COL_PAGES, Qt.SortOrder.DescendingOrder)  # 3 pages first, newest first among them
    assert [model.data(model.index(r, COL_PAGES)) for r in (0, 149, 150)] == ["3", "3", "2"]
    assert model.data(model.index(0, COL_FILE)) == "scan-00449.pdf"
    model.set_filter("scan-0044")
    assert model.rowCount() == 10
    assert {model.data(model.index(r, COL_FILE)) for r in range(10)} == {f"scan-0044{n}.pdf" for n in range(10)}


def test_the_kind_filter_asks_the_vault_for_matching_ids(ctx):
    add_documents(ctx.vault, 3)
    model = documents_model(ctx, background=False)
    model.set_ids_query(document_ids_query("letter"))
    assert model.rowCount() == 0
    model.set_ids_query(document_ids_query(None))
    assert model.rowCount() == 3


def test_the_view_lists_filters_and_selects_documents(qtbot, ctx):
    ids = add_documents(ctx.vault, 30)
    view = DocumentsView(ctx)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.loaded_once and view.model.rowCount() == 30)
    assert view.summary.text() == "30 documents"
    view.filter_edit.setText("scan-0001")
    qtbot.waitUntil(lambda: view.model.rowCount() == 10 and view.model.words == "scan-0001")
    assert view.summary.text() == "10 of 30 documents"
    # a document the filter hides: the filter is cleared and the document selected
    view.select_record("document", ids[25])
    qtbot.waitUntil(lambda: view.selected_ids() == [ids[25]])
    assert view.filter_edit.text() == ""
    view.kind.setCurrentIndex(2)  # letters
    qtbot.waitUntil(lambda: view.model.rowCount() == 0 and view.summary.text() == "0 letters")
    assert view.empty.isHidden() and not view.splitter.isHidden()  # no letters is not "no documents yet"


def receipt_pdf(path) -> None:
    pdf = canvas.Canvas(str(path), pagesize=letter)
    lines = [
        "Lakeside Pharmacy",
        "123 Main Street",
        "Date: 03/14/2026",
        "Ibuprofen 200mg    8.49",
        "Saline nasal spray    6.99",
        "Subtotal    15.48",
        "Tax    0.00",
        "TOTAL    15.48",
        "VISA ****1234",
    ]
    for n, line in enumerate(lines):
        pdf.drawString(72, 720 - 18 * n, line)
    pdf.save()


def receipt_png(path) -> None:
    image = Image.new("RGB", (700, 520), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 26)
    except OSError:
        font = ImageFont.load_default()
    lines = [
        "CORNER DRUG STORE",
        "04/02/2026",
        "Bandages          4.25",
        "Thermometer      12.99",
        "TOTAL            17.24",
    ]
    for n, line in enumerate(lines):
        draw.text((40, 40 + 60 * n), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


def drop_files(window, paths) -> bool:
    """What a real drag does: enter (accepted), then drop; True if the window took the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, drop)
    return drop.isAccepted()


# PySide6 flags the only QDragEnterEvent constructor it offers as deprecated
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_dropped_files_are_imported_off_the_ui_thread_and_listed(qtbot, window, tmp_path):
    pdf, png = tmp_path / "pharmacy.pdf", tmp_path / "drugstore.png"
    receipt_pdf(pdf)
    receipt_png(png)
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(ops.pending_ops()))
    heartbeat.start(20)

    assert drop_files(window, [pdf, png])

    qtbot.waitUntil(lambda: window.current_section() == "documents")
    view = window.view("documents")
    qtbot.waitUntil(
        lambda: not view.import_panel.running and view.import_panel.results.topLevelItemCount() == 2, timeout=240_000
    )
    heartbeat.stop()
    # the event loop kept running while the import was under way
    assert any(pending > 0 for pending in ticks)

    results = {
        view.import_panel.results.topLevelItem(i).text(0): view.import_panel.results.topLevelItem(i).text(1)
        for i in range(view.import_panel.results.topLevelItemCount())
    }
    assert results == {"pharmacy.pdf": "Imported", "drugstore.png": "Imported"}
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    qtbot.waitUntil(
        lambda: {view.model.data(view.model.index(r, COL_FILE)) for r in range(2)} == {"pharmacy.pdf", "drugstore.png"}
    )

    # dropping the same files again reports duplicates, not new documents
    def statuses():
        panel = view.import_panel
        return {panel.results.topLevelItem(i).text(1) for i in range(panel.results.topLevelItemCount())}

    assert drop_files(window, [pdf, png])
    # a duplicate-only import can finish before a poll sees it running: wait for its results
    qtbot.waitUntil(lambda: not view.import_panel.running and statuses() == {"Already in the vault"}, timeout=120_000)
    assert view.model.rowCount() == 2
