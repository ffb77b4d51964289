"""Lock after some minutes without keyboard or mouse use in the app (the ``lock_minutes`` setting)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
CHECK_MS = 15_000  # how often idleness is checked: a lock is at most this late


class IdleLock(QObject):
    """Calls ``on_idle`` once ``minutes`` have passed since the last input to any window of the app.
    ``clock`` (seconds, monotonic) is replaceable so tests need not wait."""

    def __init__(
        self, on_idle: Callable[[], None], parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.on_idle = on_idle
        self.clock = clock
        self.minutes = 0
        self.last_input = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self._watching = False

    def set_minutes(self, minutes: int) -> None:
        """0: never lock. Only then is every event of the app seen by this filter (each needs the GIL)."""
        self.minutes = int(minutes)
        self.last_input = self.clock()
        app = QApplication.instance()
        if self.minutes:
            self.timer.start()
            if app is not None and not self._watching:
                app.installEventFilter(self)
                self._watching = True
        else:
            self.timer.stop()
            if app is not None and self._watching:
                app.removeEventFilter(self)
                self._watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        if self.minutes and self.clock() - self.last_input >= self.minutes * 60:
            self.last_input = self.clock()
            self.on_idle()
