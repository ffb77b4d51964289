"""The small defects of issue 13, each checked where a user meets it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from hsawallet.services import documents
from hsawallet.store.vault import create_vault
from hsawallet.ui import ops
from hsawallet.ui.unlock import UnlockDialog
from hsawallet.ui.views.people import AccountDialog, OptionalDate
from hsawallet.ui.widgets.field_form import RECEIPT_FIELDS
from tests.ui import helpers


def test_the_go_menu_shows_people_and_accounts_with_its_ampersand(window):
    action = next(a for a in window.section_actions if "People" in a.text())
    assert action.text() == "People && Accounts"  # shown "People & Accounts", no mnemonic on the A
    assert QKeySequence.mnemonic(action.text()).isEmpty()


def test_the_window_title_names_the_vault_once(window, ctx):
    # the platform adds the application's name ("vault.db — HSA Wallet"); the title must not repeat it
    assert window.windowTitle() == ctx.vault.path.name


def test_the_wrong_passphrase_message_is_shown_whole(qtbot, vault_path):
    create_vault(vault_path, passphrase="test").close()
    dialog = UnlockDialog(vault_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible)
    label = dialog.error
    assert label.height() >= label.heightForWidth(label.width())  # every wrapped line has room
    assert label.geometry().bottom() <= dialog.rect().bottom()


def test_dates_start_empty_and_a_typed_date_replaces_the_whole_value(qtbot):
    dialog = AccountDialog()
    qtbot.addWidget(dialog)
    field = dialog.plan_start
    assert isinstance(field, OptionalDate) and field.text() == "" and field.value() is None  # not today
    field.set_value(date(2025, 1, 1))
    field.selectAll()
    qtbot.keyClicks(field, "1/15/2024")
    field.editingFinished.emit()
    assert field.value() == date(2024, 1, 15) and field.text() == "2024-01-15"
    field.setText("2024-02-30")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        field.value()


def test_the_card_field_placeholder_does_not_look_like_digits():
    card = next(spec for spec in RECEIPT_FIELDS if spec.name == "card_last4")
    assert card.placeholder and not any(c.isdigit() for c in card.placeholder)


def test_looks_right_keeps_a_low_confidence_value_as_read(qtbot, ctx):
    from hsawallet.ui.views.receipts import ReceiptsView

    receipt_id = helpers.insert_blurry_receipt(ctx.vault, total_confidence=0.95)
    view = ReceiptsView(ctx)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitUntil(lambda: view.table.model().rowCount() > 0)
    view.select_record("receipt", receipt_id)
    qtbot.waitUntil(lambda: view.form.document_id is not None)
    form = view.form
    looks_right = form._looks_right["merchant"]
    assert form.is_low_confidence("merchant") and looks_right.isVisible()
    assert not form._looks_right["date"].isVisible()

    looks_right.trigger()
    qtbot.waitUntil(lambda: not form.is_low_confidence("merchant"))

    assert form._marks["merchant"].text() == "✓ checked" and not looks_right.isVisible()
    with ctx.vault.session() as session:
        assert "merchant" in documents.edited_fields(session, "receipt", receipt_id)
    assert form.editor("merchant").text() == "Bayside Massage"
    ops.wait_idle()


# PySide6 flags the only QDragEnterEvent constructor it offers as deprecated
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_dragging_files_over_the_window_highlights_it(window, tmp_path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "receipt.pdf"))])
    enter = QDragEnterEvent(
        QPoint(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted() and window.drop_hint.isVisible()
    assert window.drop_hint.geometry().width() > window.centralWidget().width() // 2
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not window.drop_hint.isVisible()
