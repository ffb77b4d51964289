"""Core events -> Qt signals.

The core publishes on hsawallet.services.events from any thread (often a worker). The bridge
relays each event through a queued connection, so its public signals are always emitted on
the main thread. Bursts (an import of 200 files) are coalesced into one signal per topic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from hsawallet.services import events

COALESCE_MS = 30


class EventBridge(QObject):
    documentsChanged = Signal()
    linksChanged = Signal()
    claimsChanged = Signal()
    peopleChanged = Signal()
    changed = Signal(str)  # any topic, after the specific signal

    _relay = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = {
            events.DOCUMENTS_CHANGED: self.documentsChanged,
            events.LINKS_CHANGED: self.linksChanged,
            events.CLAIMS_CHANGED: self.claimsChanged,
            events.PEOPLE_CHANGED: self.peopleChanged,
        }
        self._dirty: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._flush)
        self._relay.connect(self._on_relay, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: list[Callable[[], None]] = [
            events.subscribe(topic, self._listener(topic)) for topic in self._signals
        ]

    def _listener(self, topic: str) -> Callable[..., None]:
        def listener(**_payload: Any) -> None:  # any thread
            if shiboken6.isValid(self):
                self._relay.emit(topic)

        return listener

    @Slot(str)
    def _on_relay(self, topic: str) -> None:
        if topic not in self._dirty:
            self._dirty.append(topic)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _flush(self) -> None:
        dirty, self._dirty = self._dirty, []
        for topic in dirty:
            self._signals[topic].emit()
            self.changed.emit(topic)

    def close(self) -> None:
        """Stop listening to the core (the window is closing)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._timer.stop()
