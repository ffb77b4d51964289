"""The GUI's top-level handler: an error no view caught is one readable line in a message box, and
the log has frames without the SQL text or its parameters."""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtWidgets import QApplication, QMessageBox


def test_an_unhandled_database_error_is_one_line_and_logged_without_sql(qtbot, vault, caplog, monkeypatch):
    from sqlalchemy import text

    from hsawallet.ui.app import install_error_handler

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_error_handler()
    try:
        with vault.session() as session:
            session.execute(text("SELECT secret FROM nowhere WHERE name = :name"), {"name": "private-file.pdf"})
    except Exception as exc:  # noqa: BLE001
        error = exc
    with caplog.at_level(logging.ERROR):
        sys.excepthook(type(error), error, error.__traceback__)

    def boxes() -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]

    qtbot.waitUntil(lambda: len(boxes()) == 1, timeout=5000)
    box = boxes()[0]
    message = box.text()
    assert "no such table" in message and "verify" in message
    assert "SELECT" not in message and "private-file" not in message
    logged = caplog.text
    assert "no such table" in logged and "SELECT" not in logged and "private-file" not in logged
    box.close()
