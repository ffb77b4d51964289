"""One line under a document's title saying where it came from (the e-mail that carried it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from hsawallet.services.document_records import SourceRecord
from hsawallet.vocab import SourceKind


def source_text(source: SourceRecord | None) -> str:
    """'By e-mail from Sender on 2026-03-03: "Subject" (message.eml)'; empty for a file imported directly."""
    if source is None or source.kind != SourceKind.EMAIL:
        return ""
    text = "By e-mail"
    if source.sender:
        text += f" from {source.sender}"
    if source.date:
        text += f" on {source.date.isoformat()}"
    if source.subject:
        text += f": \u201c{source.subject}\u201d"
    if source.file:
        text += f" ({source.file})"
    return text


class SourceLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subtle")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # sender and subject are the sender's text, never markup
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_source(self, source: SourceRecord | None) -> None:
        text = source_text(source)
        self.setText(text)
        self.setToolTip(text)
        self.setVisible(bool(text))
