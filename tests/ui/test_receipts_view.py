"""Receipts view: list, fields, line items, user edits and manual links (real encrypted vault)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlmodel import select

from hsawallet.services import coverage
from hsawallet.store.models import FieldEdit, ManualLink
from hsawallet.ui import ops
from hsawallet.ui.widgets.field_form import LOW_CONFIDENCE_TIP
from tests.ui import helpers
from tests.ui.helpers import imported_ctx, imported_template  # noqa: F401 (fixtures)


def _open_view(qtbot, ctx):
    from hsawallet.ui.views.receipts import ReceiptsView

    return helpers.show_list_view(qtbot, ReceiptsView(ctx))


def _select(qtbot, view, receipt_id):
    helpers.select_shown(qtbot, view, "receipt", receipt_id, view.current_receipt)


def test_selecting_a_receipt_shows_its_fields_items_and_pages(qtbot, imported_ctx):
    ctx, prepared = imported_ctx
    view = _open_view(qtbot, ctx)
    _select(qtbot, view, prepared.receipt_ids[0])

    assert view.form.editor("merchant").text() == "Harborview Fitness Club"
    assert view.form.editor("date").text() == "2026-04-20"
    assert view.form.editor("total").text() == "180.00"
    assert view.items.rowCount() == 2
    categories = {view.items.item(row, 4).text() for row in range(2)}
    assert categories == {"Fitness", "Massage"}  # human names, not identifiers
    # bought after the letter of 2026-03-02: both items covered, with the reason shown
    assert {view.items.item(row, 3).text() for row in range(2)} == {"Covered"}
    assert view.items.item(0, 7).text()
    assert "covered" in view.table.model().index(0, 4).data()
    qtbot.waitUntil(lambda: view.viewer.page_count == 1)


def test_editing_a_field_keeps_a_user_edit_and_marks_it(qtbot, imported_ctx):
    ctx, prepared = imported_ctx
    view = _open_view(qtbot, ctx)
    _select(qtbot, view, prepared.receipt_ids[0])
    assert not view.form.is_edited("total")

    editor = view.form.editor("total")
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "175.50")
    with qtbot.waitSignal(view.form.saved):
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter in a field saves

    with ctx.vault.session() as session:
        edits = list(session.exec(select(FieldEdit).where(FieldEdit.target == "receipt")))
    assert [(e.field, e.value) for e in edits] == [("total", '"175.50"')]
    qtbot.waitUntil(lambda: view.form.is_edited("total") and view.form.editor("total").text() == "175.50")
    assert "edited" in view.form._marks["total"].text()
    assert view.form.editor("total").property("edited") is True


def test_low_confidence_fields_are_marked_for_checking(qtbot, ctx):
    receipt_id = helpers.insert_blurry_receipt(ctx.vault, total_confidence=0.6)
    helpers.recompute(ctx.vault)
    view = _open_view(qtbot, ctx)
    _select(qtbot, view, receipt_id)

    assert view.form.is_low_confidence("merchant")
    assert view.form.is_low_confidence("total")
    assert not view.form.is_low_confidence("date")
    assert view.form.editor("merchant").toolTip() == LOW_CONFIDENCE_TIP
    assert view.form.editor("date").toolTip() == ""


def test_manual_link_removes_the_missing_letter_warning_and_automatic_brings_it_back(qtbot, ctx, monkeypatch):
    vault = ctx.vault
    person_id, account_id = helpers.add_household(vault)
    # The letter covers massage only; the training item needs a letter and has none.
    _ldoc, letter_id = helpers.insert_letter(
        vault, document_name="massage-letter.pdf", person_id=person_id, issued=date(2026, 1, 10), categories=["massage"]
    )
    _rdoc, receipt_id, (training_id, _massage_id) = helpers.insert_receipt(
        vault,
        document_name="gym.pdf",
        merchant="Harborview Fitness Club",
        on=date(2026, 3, 3),
        person_id=person_id,
        account_id=account_id,
        items=[("Personal training", "85.00", "fitness", True), ("Massage", "95.00", "massage", True)],
    )
    helpers.recompute(vault)

    def missing_letter_items():
        with vault.session() as session:
            warnings = coverage.check(session, as_of=date(2026, 4, 1))
        return {w.item_id for w in warnings if w.type == "needs_lmn_missing"}

    assert training_id in missing_letter_items()

    view = _open_view(qtbot, ctx)
    _select(qtbot, view, receipt_id)
    assert view.select_item(training_id)
    view.letter_combo.setCurrentIndex(view.letter_combo.findData(letter_id))
    assert view.link_button.isEnabled()
    # the letter does not list fitness: the link is made only once the user confirms it
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    view.link_button.click()
    qtbot.waitUntil(lambda: view.items.item(0, 3).text() == "Linked by hand, outside the letter's terms")

    with vault.session() as session:
        assert session.get(ManualLink, training_id).letter_id == letter_id
    assert training_id not in missing_letter_items()
    # the letters are read again after the change; the chosen one stays chosen
    qtbot.waitUntil(lambda: not view.model.loading and not view._letters_stale)
    ops.wait_idle()
    assert view.letter_combo.currentData() == letter_id
    assert view.letter_choices.position_of(letter_id) == view.letter_combo.currentIndex()
    assert view.letter_choices.position_of(letter_id + 1000) == -1

    assert view.select_item(training_id)
    assert view.auto_button.isEnabled()
    view.auto_button.click()
    qtbot.waitUntil(lambda: view.items.item(0, 3).text() == "No letter")
    assert training_id in missing_letter_items()


def test_unlink_marks_the_item_unlinked(qtbot, imported_ctx):
    ctx, prepared = imported_ctx
    view = _open_view(qtbot, ctx)
    _select(qtbot, view, prepared.receipt_ids[0])
    assert view.select_item(prepared.item_ids[0])
    view.unlink_button.click()
    qtbot.waitUntil(lambda: view.items.item(0, 3).text() == "Unlinked by hand")
    with ctx.vault.session() as session:
        assert session.get(ManualLink, prepared.item_ids[0]).letter_id is None


def test_document_viewer_pages_and_zoom(qtbot):
    from PySide6.QtGui import QColor, QImage

    from hsawallet.ui.widgets.document_viewer import DocumentViewer

    viewer = DocumentViewer()
    qtbot.addWidget(viewer)
    viewer.resize(500, 600)
    viewer.show()
    pages = []
    for color in ("white", "lightgray"):
        page = QImage(850, 1100, QImage.Format.Format_RGB32)
        page.fill(QColor(color))
        pages.append(page)
    viewer.set_images(pages)
    assert (viewer.page_index, viewer.page_count, viewer.fits_width) == (0, 2, True)
    fitted = viewer.zoom
    viewer.zoom_in()
    assert viewer.zoom > fitted and not viewer.fits_width
    viewer.zoom_out()
    viewer.zoom_out()
    assert viewer.zoom < fitted
    viewer.fit_to_width()
    assert viewer.zoom == fitted
    viewer.next_page()
    assert viewer.page_index == 1
    viewer.next_page()  # stays on the last page
    assert viewer.page_index == 1
    viewer.previous_page()
    assert viewer.page_index == 0
    viewer.clear()
    assert viewer.page_count == 0
