"""Background operations for the UI (a small Anki-style API).

The UI thread never reads documents, runs OCR, imports, exports or slow queries. Wrap the
work in an op; the result (or the exception) comes back on the main thread:

    QueryOp(parent=self, op=lambda: load(), success=self.show_rows) \\
        .failure(self.show_error).with_progress("Loading…").run_in_background()

* ``QueryOp`` reads: it runs on a small thread pool (SQLCipher in WAL mode allows
  concurrent readers).
* ``CollectionOp`` changes things: every change runs on the one database worker thread, in
  the order the ops were started, so two changes never race.

Inside ``op`` call ``report_progress(done, total, payload)`` (from the worker thread) to
update the visible progress; ``.on_progress(cb)`` gets ``cb(done, total, payload)`` on the
main thread. If the parent widget is gone by the time the op ends, its callbacks are
skipped. ``wait_idle()`` runs the event loop until every op has delivered (tests, quit).
"""

from __future__ import annotations

import collections
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, Signal

from hsawallet.services.errors import safe_traceback

log = logging.getLogger(__name__)

T = TypeVar("T")
ProgressCallback = Callable[[int, int, Any], None]

_READ_THREADS = 4
_db_executor: ThreadPoolExecutor | None = None
_read_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_pending = 0
_pending_lock = threading.Lock()
_ids = itertools.count(1)
_current = threading.local()  # the op running on this worker thread (for report_progress)


class ProgressHost(Protocol):
    """Something that shows progress for ops started with ``with_progress`` (the main window)."""

    def op_started(self, op_id: int, label: str) -> None: ...
    def op_progress(self, op_id: int, done: int, total: int) -> None: ...
    def op_finished(self, op_id: int) -> None: ...


_progress_host: ProgressHost | None = None
_failure_handler: Callable[[QObject | None, BaseException], None] | None = None


def set_progress_host(host: ProgressHost | None) -> None:
    global _progress_host
    _progress_host = host


def set_default_failure_handler(handler: Callable[[QObject | None, BaseException], None] | None) -> None:
    """Who is told about failures of ops that have no ``.failure(cb)`` (the main window)."""
    global _failure_handler
    _failure_handler = handler


class _Dispatcher(QObject):
    """Lives on the main thread; runs callables posted from worker threads.

    The callables wait in a plain thread-safe queue and only an argument-less signal
    crosses threads: Python objects never travel through Qt's queued-call machinery.
    """

    wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._queue: collections.deque[Callable[[], None]] = collections.deque()
        self.wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def post(self, fn: Callable[[], None]) -> None:
        self._queue.append(fn)
        self.wake.emit()

    def _drain(self) -> None:
        while True:
            try:
                fn = self._queue.popleft()
            except IndexError:
                return
            fn()


_dispatcher: _Dispatcher | None = None


def _get_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None or not shiboken6.isValid(_dispatcher):
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("ops need a QApplication")
        _dispatcher = _Dispatcher()
        _dispatcher.moveToThread(app.thread())
    return _dispatcher


def run_on_main(fn: Callable[[], None]) -> None:
    """Run ``fn`` on the main thread soon (safe to call from any thread)."""
    _get_dispatcher().post(fn)


def _executor(db: bool) -> ThreadPoolExecutor:
    global _db_executor, _read_executor
    with _executor_lock:
        if db:
            if _db_executor is None:
                _db_executor = ThreadPoolExecutor(1, thread_name_prefix="hsawallet-db")
            return _db_executor
        if _read_executor is None:
            _read_executor = ThreadPoolExecutor(_READ_THREADS, thread_name_prefix="hsawallet-read")
        return _read_executor


def report_progress(done: int, total: int, payload: Any = None) -> None:
    """Called from inside an op (worker thread): update its progress on the main thread."""
    op = getattr(_current, "op", None)
    if op is not None:
        op._report(done, total, payload)


def progress_reporter() -> ProgressCallback:
    """A ``(done, total, payload)`` callable bound to the current op, for core APIs that take one."""
    op = getattr(_current, "op", None)
    if op is None:
        return lambda done, total, payload=None: None
    return lambda done, total, payload=None: op._report(done, total, payload)


def pending_ops() -> int:
    with _pending_lock:
        return _pending


def wait_idle(timeout: float = 60.0) -> bool:
    """Process events until every op has finished and delivered its callbacks."""
    deadline = time.monotonic() + timeout
    app = QCoreApplication.instance()
    while pending_ops():
        if time.monotonic() > deadline:
            return False
        if app is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        else:
            time.sleep(0.01)
    if app is not None:
        app.processEvents()
    return True


def shutdown(timeout: float = 60.0) -> None:
    """Wait for running ops, then stop the worker threads (called when the app quits)."""
    global _db_executor, _read_executor
    wait_idle(timeout)
    with _executor_lock:
        for ex in (_db_executor, _read_executor):
            if ex is not None:
                ex.shutdown(wait=True)
        _db_executor = _read_executor = None


class _BaseOp(Generic[T]):
    _on_db_thread = False

    def __init__(self, parent: QObject | None, op: Callable[[], T], success: Callable[[T], None] | None = None):
        self._parent = parent
        self._op = op
        self._success = success
        self._failure: Callable[[BaseException], None] | None = None
        self._progress_label: str | None = None
        self._progress_cb: ProgressCallback | None = None
        self._id = next(_ids)
        self._last_report = 0.0

    def failure(self, cb: Callable[[BaseException], None]) -> _BaseOp[T]:
        self._failure = cb
        return self

    def with_progress(self, label: str = "Working…") -> _BaseOp[T]:
        self._progress_label = label
        return self

    def on_progress(self, cb: ProgressCallback) -> _BaseOp[T]:
        self._progress_cb = cb
        return self

    # -- worker side
    def _report(self, done: int, total: int, payload: Any) -> None:
        def deliver() -> None:
            if _progress_host is not None and self._progress_label is not None:
                _progress_host.op_progress(self._id, done, total)
            if self._progress_cb is not None and self._parent_alive():
                self._progress_cb(done, total, payload)

        run_on_main(deliver)

    def _work(self) -> None:
        _current.op = self
        try:
            result = self._op()
        except BaseException as exc:  # delivered to the main thread, never lost
            error = exc
            error.__traceback_text__ = safe_traceback(error)  # type: ignore[attr-defined]
            run_on_main(lambda: self._finish(None, error))
        else:
            run_on_main(lambda: self._finish(result, None))
        finally:
            _current.op = None

    # -- main-thread side
    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _finish(self, result: Any, error: BaseException | None) -> None:
        global _pending
        try:
            if _progress_host is not None and self._progress_label is not None:
                _progress_host.op_finished(self._id)
            if not self._parent_alive():
                return
            if error is None:
                if self._success is not None:
                    self._success(result)
            elif self._failure is not None:
                self._failure(error)
            else:
                log.error("background op failed: %s", getattr(error, "__traceback_text__", error))
                if _failure_handler is not None:
                    _failure_handler(self._parent, error)
        finally:
            with _pending_lock:
                _pending -= 1

    def run_in_background(self) -> _BaseOp[T]:
        global _pending
        with _pending_lock:
            _pending += 1
        _get_dispatcher()  # created on the main thread, before any worker posts to it
        if _progress_host is not None and self._progress_label is not None:
            _progress_host.op_started(self._id, self._progress_label)
        _executor(self._on_db_thread).submit(self._work)
        return self


class QueryOp(_BaseOp[T]):
    """Read-only work on the read pool."""


class CollectionOp(_BaseOp[T]):
    """A change to the vault, on the single database worker thread."""

    _on_db_thread = True
