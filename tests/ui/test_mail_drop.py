"""E-mail in the desktop app: a saved message dropped on the main window imports its attachments."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from hsawallet.ui.models.documents_model import COL_FILE
from tests.conftest import RECEIPT_LINES, text_pdf_bytes
from tests.ingest.mail_messages import attach_pdf, message, write_mbox
from tests.ui.test_documents_view import drop_files

LETTER_LINES = [
    "LETTER OF MEDICAL NECESSITY",
    "Patient: Jordan Example",
    "Diagnosis: lumbar radiculopathy M54.16",
    "Recommended: therapeutic massage weekly",
]


@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_a_dropped_message_imports_its_attachments_and_shows_where_they_came_from(qtbot, window, tmp_path):
    eml = tmp_path / "message.eml"
    m = attach_pdf(
        attach_pdf(message(subject="Your letter <b>and</b> receipt"), text_pdf_bytes([LETTER_LINES]), "LMN.pdf"),
        text_pdf_bytes([RECEIPT_LINES]),
        "receipt.pdf",
    )
    eml.write_bytes(bytes(m))

    assert drop_files(window, [eml])

    qtbot.waitUntil(lambda: window.current_section() == "documents")
    view = window.view("documents")
    panel = view.import_panel
    qtbot.waitUntil(lambda: not panel.running and panel.results.topLevelItemCount() == 2, timeout=240_000)
    rows = {
        panel.results.topLevelItem(i).text(0): (
            panel.results.topLevelItem(i).text(1),
            panel.results.topLevelItem(i).text(2),
        )
        for i in range(panel.results.topLevelItemCount())
    }
    assert rows == {
        "LMN.pdf": ("Imported", "Letter (in message.eml)"),
        "receipt.pdf": ("Imported", "Receipt (in message.eml)"),
    }
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)

    def tips():  # the rows arrive from a worker thread
        return [view.model.data(view.model.index(r, COL_FILE), Qt.ItemDataRole.ToolTipRole) or "" for r in range(2)]

    qtbot.waitUntil(
        lambda: all("By e-mail from Care Team <care@clinic.example> on 2026-03-03" in tip for tip in tips())
    )

    letters = window.show_section("letters")
    qtbot.waitUntil(lambda: letters.table.model().rowCount() == 1)
    letters.select_record("letter", letters.model.id_at(0))
    qtbot.waitUntil(lambda: letters.source_label.isVisible(), timeout=30_000)
    # the subject is the sender's text: shown as written, never as markup
    assert letters.source_label.text() == (
        "By e-mail from Care Team <care@clinic.example> on 2026-03-03: "
        "\u201cYour letter <b>and</b> receipt\u201d (message.eml)"
    )
    assert letters.source_label.textFormat() == Qt.TextFormat.PlainText


def test_file_import_offers_e_mail_and_imports_the_chosen_mailbox(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    box = write_mbox(tmp_path / "Receipts.mbox", [attach_pdf(message(), text_pdf_bytes([RECEIPT_LINES]), "r.pdf")])
    seen: dict[str, list[str]] = {}

    def answer_dialog() -> None:  # what the user does in the open dialog: pick the mailbox
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, answer_dialog)
            return
        seen["filters"] = dialog.nameFilters()
        # typed into the file name field, as a user does: selectFile() waits on the dialog's
        # directory model, which may not have listed the folder yet, and then accept() does nothing
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(box))
        dialog.accept()

    QTimer.singleShot(50, answer_dialog)
    window.import_action.trigger()
    assert "*.eml" in seen["filters"][0] and "*.mbox" in seen["filters"][0] and "*.pdf" in seen["filters"][0]
    panel = window.view("documents").import_panel
    qtbot.waitUntil(lambda: not panel.running and panel.results.topLevelItemCount() == 1, timeout=240_000)
    item = panel.results.topLevelItem(0)
    assert (item.text(0), item.text(1), item.text(2)) == ("r.pdf", "Imported", "Receipt (in Receipts.mbox)")
