"""A tiny publish/subscribe hub: the core announces changes, the GUI bridges them to Qt signals."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

Listener = Callable[..., None]

_lock = threading.Lock()
_listeners: dict[str, list[Listener]] = defaultdict(list)

DOCUMENTS_CHANGED = "documents_changed"
LINKS_CHANGED = "links_changed"
CLAIMS_CHANGED = "claims_changed"
PEOPLE_CHANGED = "people_changed"


def subscribe(topic: str, listener: Listener) -> Callable[[], None]:
    with _lock:
        _listeners[topic].append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners[topic]:
                _listeners[topic].remove(listener)

    return unsubscribe


def publish(topic: str, **payload: Any) -> None:
    with _lock:
        listeners = list(_listeners[topic])
    for listener in listeners:
        listener(**payload)
