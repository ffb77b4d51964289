"""Look and feel: a light, calm palette, one accent colour, line icons tinted to match.

Views can use: ``style.icon(name, colour)`` (SVGs in resources/icons), ``style.heading(text)``
(a view title), ``style.subtle(text)`` (secondary text), and ``button.setProperty("primary", True)``
for the one main action of a view.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QLabel, QStyleOption

from hsawallet.paths import resource

ACCENT = "#0f766e"
ACCENT_DARK = "#0b5c56"
ACCENT_SOFT = "#e3f1ef"
TEXT = "#1f2933"
MUTED = "#6b7785"
BORDER = "#dde2e7"
WINDOW = "#f7f8fa"
SURFACE = "#ffffff"
SIDEBAR = "#eef1f4"
_ICONS = resource("icons").as_posix()
OK = "#2f855a"
WARN = "#b7791f"
DANGER = "#c53030"
# Status written as text on white: darker than the icon colours above so small text keeps 4.5:1 contrast.
TEXT_GOOD = "#1e7b34"
TEXT_CAUTION = "#8a5a00"
TEXT_BAD = "#b3261e"
TEXT_MUTED = "#6b6b6b"
TEXT_INFO = "#1f5fa8"

STYLESHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QWidget {{ color: {TEXT}; font-size: 10pt; }}
QListWidget#sidebar {{
    background: {SIDEBAR}; border: none; border-right: 1px solid {BORDER};
    padding: 10px 8px; outline: 0;
}}
QListWidget#sidebar::item {{ padding: 8px 10px; margin: 1px 0; border-radius: 7px; color: {TEXT}; }}
QListWidget#sidebar::item:hover {{ background: #e2e7eb; }}
QListWidget#sidebar::item:selected {{ background: {ACCENT_SOFT}; color: {ACCENT_DARK}; font-weight: 600; }}
QLabel#brand {{ font-size: 12pt; font-weight: 600; color: {TEXT}; padding: 14px 16px 6px 16px; background: {SIDEBAR}; }}
QLabel#viewTitle {{ font-size: 16pt; font-weight: 600; color: {TEXT}; }}
QLabel#subtle, QLabel#emptyText {{ color: {MUTED}; }}
QLabel#emptyTitle {{ font-size: 14pt; font-weight: 600; color: {TEXT}; }}
QLabel#errorText {{ color: {DANGER}; }}
QLabel#hint {{ color: {MUTED}; font-size: 9pt; }}
QToolBar {{ background: {SURFACE}; border: none; border-bottom: 1px solid {BORDER}; padding: 6px 10px; spacing: 8px; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar::item {{ border: none; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit, QDoubleSpinBox, QPlainTextEdit, QTextEdit {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; padding: 5px 8px;
    selection-background-color: {ACCENT};
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateEdit:focus, QDoubleSpinBox:focus,
QPlainTextEdit:focus, QTextEdit:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit#searchBox {{ border-radius: 15px; padding: 5px 12px; min-width: 260px; max-width: 380px; background: {WINDOW}; }}
QPushButton {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; padding: 6px 14px;
}}
QPushButton:hover {{ background: #f0f3f5; }}
QPushButton:focus {{ border: 1px solid {ACCENT}; }}
QPushButton:disabled {{ color: #a0a8b0; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[primary="true"]:disabled {{ background: #9cc9c4; border-color: #9cc9c4; }}
QTableView, QTreeView, QListView {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px;
    gridline-color: #eef0f2; selection-background-color: {ACCENT_SOFT}; selection-color: {TEXT};
    alternate-background-color: #fafbfc;
}}
QHeaderView::section {{
    background: {SURFACE}; color: {MUTED}; border: none; border-bottom: 1px solid {BORDER};
    padding: 6px 8px; font-weight: 600;
}}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 8px; background: {SURFACE}; }}
QTabBar::tab {{ padding: 7px 14px; border: none; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {ACCENT_DARK}; border-bottom: 2px solid {ACCENT}; }}
QGroupBox {{ border: 1px solid {BORDER}; border-radius: 8px; margin-top: 14px; padding: 12px; background: {SURFACE}; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {MUTED}; font-weight: 600; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 5px; background: {WINDOW}; text-align: center; max-height: 14px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QFrame#card {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 10px; }}
QFrame#importPanel {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 10px; }}
QMenuBar {{ background: {SURFACE}; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; width: 24px; border: none; }}
QComboBox::down-arrow {{ image: url("{_ICONS}/chevron-down.svg"); width: 12px; height: 12px; }}
QSpinBox::up-button, QDateEdit::up-button, QDoubleSpinBox::up-button {{
    subcontrol-origin: border; subcontrol-position: top right; width: 20px; border: none; }}
QSpinBox::down-button, QDateEdit::down-button, QDoubleSpinBox::down-button {{
    subcontrol-origin: border; subcontrol-position: bottom right; width: 20px; border: none; }}
QSpinBox::up-arrow, QDateEdit::up-arrow, QDoubleSpinBox::up-arrow {{ image: url("{_ICONS}/chevron-up.svg"); width: 10px; height: 10px; }}
QSpinBox::down-arrow, QDateEdit::down-arrow, QDoubleSpinBox::down-arrow {{ image: url("{_ICONS}/chevron-down.svg"); width: 10px; height: 10px; }}
QDateEdit::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; width: 24px; border: none; }}
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(WINDOW))
    palette.setColor(QPalette.ColorRole.Base, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#fafbfc"))
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Button, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#9aa4ae"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)


@lru_cache(maxsize=256)
def _svg(name: str) -> str:
    path = resource(f"icons/{name}.svg")
    return path.read_text(encoding="utf-8") if path.exists() else ""


class _SvgIconEngine(QIconEngine):
    """Draws a tinted SVG at the size asked, when first asked, and keeps it: building a view draws no
    icon (drawing every size up front cost a view about 30 ms of the UI thread)."""

    def __init__(self, svg: bytes) -> None:
        super().__init__()
        self._svg = svg
        self._renderer = QSvgRenderer(QByteArray(svg))
        self._drawn: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:  # noqa: N802
        width, height = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
        key = (width, height, mode)
        if key not in self._drawn:
            pixmap = QPixmap(width, height)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self._renderer.render(painter, QRectF(0, 0, width, height))
            painter.end()
            if mode == QIcon.Mode.Disabled:
                pixmap = QApplication.style().generatedIconPixmap(mode, pixmap, QStyleOption())
            self._drawn[key] = pixmap
        pixmap = QPixmap(self._drawn[key])
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._svg)


def icon(name: str, colour: str = TEXT) -> QIcon:
    """A line icon from resources/icons tinted ``colour`` (empty icon if missing), drawn when shown."""
    svg = _svg(name)
    if not svg:
        return QIcon()
    return QIcon(_SvgIconEngine(svg.replace("#000000", colour).encode()))


def app_icon() -> QIcon:
    return icon("app", ACCENT)


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("viewTitle")
    return label


def subtle(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("subtle")
    label.setWordWrap(True)
    return label
