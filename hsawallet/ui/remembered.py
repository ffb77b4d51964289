"""Window geometry, splitters and column widths, kept between runs in QSettings (not in the vault:
they say nothing about its contents). Views need no code of their own: every QSplitter and every
table or tree header a view holds is saved when the window closes or locks and restored when the
view is built again, keyed by the section and the widget's object name (else its order in the view)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QWidget

ORGANIZATION = "HSA Wallet"
FILE = "layout"


def ui_settings() -> QSettings:
    """The layout file (an INI file in the user's config folder; tests point QSettings elsewhere)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, FILE)


def _parts(view: QWidget) -> list[tuple[str, QSplitter | QHeaderView]]:
    found: list[tuple[str, QSplitter | QHeaderView]] = []
    for number, splitter in enumerate(view.findChildren(QSplitter)):
        found.append((f"splitter/{splitter.objectName() or number}", splitter))
    for number, table in enumerate(view.findChildren(QAbstractItemView)):
        header = getattr(table, "horizontalHeader", None) or getattr(table, "header", None)
        if header is not None and callable(header) and isinstance(head := header(), QHeaderView):
            found.append((f"columns/{table.objectName() or number}", head))
    return found


def save_view(key: str, view: QWidget) -> None:
    settings = ui_settings()
    for name, part in _parts(view):
        settings.setValue(f"{key}/{name}", part.saveState())


def restore_view(key: str, view: QWidget) -> None:
    settings = ui_settings()
    for name, part in _parts(view):
        state = settings.value(f"{key}/{name}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            part.restoreState(state)


def save_window(window: QWidget) -> None:
    ui_settings().setValue("window/geometry", window.saveGeometry())


def restore_window(window: QWidget) -> bool:
    state = ui_settings().value("window/geometry")
    return isinstance(state, QByteArray) and not state.isEmpty() and window.restoreGeometry(state)
