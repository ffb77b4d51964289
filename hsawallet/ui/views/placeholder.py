"""A calm stand-in for a section whose view is not there yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hsawallet.ui import style


class PlaceholderView(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None, *, title: str = "", blurb: str = "",
                 icon: str = "documents") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("placeholderView")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        picture = QLabel()
        picture.setPixmap(style.icon(icon, style.MUTED).pixmap(56, 56))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading = QLabel(title)
        heading.setObjectName("emptyTitle")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(f"{blurb}\nThis section is coming in the next update.")
        text.setObjectName("emptyText")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(460)
        for widget in (picture, heading, text):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def select_record(self, id: int) -> None:  # nothing to select yet
        pass
