"""One line under a document's title saying where it came from (the e-mail that carried it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from hsawallet.vocab import SourceKind


def source_text(source: dict | None) -> str:
    """'By e-mail from Sender on 2026-03-03: "Subject" (message.eml)'; empty for a file imported directly."""
    if not source or source.get("kind") != SourceKind.EMAIL:
        return ""
    text = "By e-mail"
    if source.get("from"):
        text += f" from {source['from']}"
    if source.get("date"):
        text += f" on {source['date']}"
    if source.get("subject"):
        text += f": \u201c{source['subject']}\u201d"
    if source.get("file"):
        text += f" ({source['file']})"
    return text


class SourceLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subtle")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # sender and subject are the sender's text, never markup
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_source(self, source: dict | None) -> None:
        text = source_text(source)
        self.setText(text)
        self.setToolTip(text)
        self.setVisible(bool(text))
