"""A document's pages (PDF pages or image frames), drawn off the UI thread, with zoom and paging."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

ZOOM_STEP = 1.25
ZOOM_MIN = 0.1
ZOOM_MAX = 6.0
RENDER_DPI = 150


def pil_to_qimage(image) -> QImage:
    """A deep-copied QImage of a PIL image; safe to build in a worker thread (QPixmap is not)."""
    rgba = image.convert("RGBA")
    data = rgba.tobytes("raw", "RGBA")
    qimage = QImage(data, rgba.width, rgba.height, rgba.width * 4, QImage.Format.Format_RGBA8888)
    return qimage.copy()  # own the pixels: ``data`` goes away with this frame


def render_document_pages(session: Session, document_id: int, dpi: int = RENDER_DPI) -> list[QImage]:
    """Worker-side: the stored bytes (hash-verified) drawn as page images. Never on the UI thread."""
    from hsawallet.services import documents

    return [pil_to_qimage(image) for image in documents.page_images(session, document_id, dpi=dpi)]


class DocumentViewer(QWidget):
    """Shows one document a page at a time.

    Keys: Ctrl+= / Ctrl+- zoom, Ctrl+0 fit to width, Ctrl+wheel zooms, PgUp/PgDn (or Alt+Left/Right)
    change page. ``show_document(ctx, id)`` renders in the background; ``set_images`` shows pages
    already drawn (tests, previews).
    """

    pageChanged = Signal(int, int)  # index (0-based), count
    loaded = Signal(int)  # document id whose pages are now shown
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images: list[QImage] = []
        self._page = 0
        self._zoom = 1.0
        self._fit_width = True
        self._request = 0
        self._document_id: int | None = None
        self._refitting = False

        self._scroll = QScrollArea(self)
        self._scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._scroll.setWidgetResizable(False)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._scroll.setBackgroundRole(self.backgroundRole())
        self._scroll.setStyleSheet("QScrollArea { background: palette(dark); border: none; }")
        self._page_label = QLabel()
        self._page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._page_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._page_label.setAccessibleName("Document page")
        self._scroll.setWidget(self._page_label)
        self._scroll.viewport().installEventFilter(self)

        self._message = QLabel("No document selected.")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setStyleSheet("color: palette(mid); padding: 24px;")

        self._prev = self._tool_button("◀", "Previous page (Page Up)", self.previous_page)
        self._next = self._tool_button("▶", "Next page (Page Down)", self.next_page)
        self._page_text = QLabel()
        self._page_text.setMinimumWidth(90)
        self._page_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._zoom_out = self._tool_button("−", "Zoom out (Ctrl+-)", self.zoom_out)
        self._zoom_text = QLabel()
        self._zoom_text.setMinimumWidth(48)
        self._zoom_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._zoom_in = self._tool_button("+", "Zoom in (Ctrl+=)", self.zoom_in)
        self._fit = self._tool_button("Fit", "Fit to width (Ctrl+0)", self.fit_to_width)
        self._fit.setCheckable(True)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.setSpacing(2)
        for widget in (self._prev, self._page_text, self._next):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self._zoom_out, self._zoom_text, self._zoom_in, self._fit):
            bar.addWidget(widget)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self._message, 1)
        layout.addWidget(self._scroll, 1)

        # Window-wide keys: a hidden viewer (another view on screen) does not take them.
        for keys, slot in (
            ((QKeySequence.StandardKey.ZoomIn, "Ctrl+=", "Ctrl++"), self.zoom_in),
            ((QKeySequence.StandardKey.ZoomOut, "Ctrl+-"), self.zoom_out),
            (("Ctrl+0",), self.fit_to_width),
        ):
            seen: set[str] = set()
            for key in keys:
                sequence = QKeySequence(key)
                if sequence.isEmpty() or sequence.toString() in seen:
                    continue
                seen.add(sequence.toString())
                shortcut = QShortcut(sequence, self)
                shortcut.activated.connect(slot)
        for key, slot in (
            ("PgUp", self.previous_page),
            ("PgDown", self.next_page),
            ("Alt+Left", self.previous_page),
            ("Alt+Right", self.next_page),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._show_message("No document selected.")

    # ------------------------------------------------------------------ public API

    @property
    def document_id(self) -> int | None:
        return self._document_id

    @property
    def page_index(self) -> int:
        return self._page

    @property
    def page_count(self) -> int:
        return len(self._images)

    @property
    def zoom(self) -> float:
        return self._zoom

    @property
    def fits_width(self) -> bool:
        return self._fit_width

    def show_document(
        self, ctx, document_id: int | None, render: Callable[[Session, int], list[QImage]] = render_document_pages
    ) -> None:
        """Render ``document_id`` in the background; a later call wins over an earlier one."""
        self._request += 1
        request = self._request
        self._document_id = document_id
        if document_id is None:
            self.clear()
            return
        self._show_message("Loading the document…")

        def done(images: list[QImage]) -> None:
            if request != self._request:
                return  # the user moved on to another document meanwhile
            self.set_images(images)
            if not images:
                self._show_message("This document has no pages to show.")
            self.loaded.emit(document_id)

        def fail(exc: BaseException) -> None:
            if request != self._request:
                return
            self._images = []
            self._show_message(f"The document could not be shown: {exc}")
            self.failed.emit(str(exc))

        ctx.query(self, lambda session: render(session, document_id), done).failure(fail).run_in_background()

    def set_images(self, images: list[QImage]) -> None:
        self._images = list(images)
        self._page = 0
        if self._images:
            self._message.hide()
            self._scroll.show()
        self._update_page()

    def clear(self, message: str = "No document selected.") -> None:
        self._request += 1
        self._document_id = None
        self._images = []
        self._page = 0
        self._show_message(message)

    def go_to_page(self, index: int) -> None:
        if not self._images:
            return
        index = max(0, min(index, len(self._images) - 1))
        if index != self._page:
            self._page = index
            self._update_page()
            self._scroll.verticalScrollBar().setValue(0)

    def next_page(self) -> None:
        self.go_to_page(self._page + 1)

    def previous_page(self) -> None:
        self.go_to_page(self._page - 1)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / ZOOM_STEP)

    def set_zoom(self, zoom: float) -> None:
        self._fit_width = False
        self._zoom = max(ZOOM_MIN, min(ZOOM_MAX, zoom))
        self._update_page()

    def fit_to_width(self) -> None:
        self._fit_width = True
        self._update_page()

    # ------------------------------------------------------------------ drawing

    def _tool_button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(slot)
        return button

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._message.show()
        self._scroll.hide()
        self._page_label.clear()
        self._update_controls()

    def _update_controls(self) -> None:
        count = len(self._images)
        has_pages = count > 0
        self._prev.setEnabled(has_pages and self._page > 0)
        self._next.setEnabled(has_pages and self._page < count - 1)
        self._page_text.setText(f"Page {self._page + 1} of {count}" if has_pages else "")
        for widget in (self._zoom_in, self._zoom_out, self._fit):
            widget.setEnabled(has_pages)
        self._fit.setChecked(self._fit_width)
        self._zoom_text.setText(f"{round(self._zoom * 100)}%" if has_pages else "")

    def _update_page(self) -> None:
        if not self._images:
            self._update_controls()
            return
        image = self._images[self._page]
        if self._fit_width:
            room = max(50, self._scroll.viewport().width() - 8)
            self._zoom = max(ZOOM_MIN, min(ZOOM_MAX, room / max(1, image.width())))
        width = max(1, round(image.width() * self._zoom))
        height = max(1, round(image.height() * self._zoom))
        pixmap = QPixmap.fromImage(image).scaled(
            width, height, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self._page_label.setPixmap(pixmap)
        self._page_label.resize(pixmap.size())
        self._update_controls()
        self.pageChanged.emit(self._page, len(self._images))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Wheel and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            return True
        if event.type() == QEvent.Type.Resize and self._fit_width and self._images and not self._refitting:
            self._refitting = True  # the scroll bar coming or going resizes the viewport again
            try:
                self._update_page()
            finally:
                self._refitting = False
        return super().eventFilter(watched, event)
