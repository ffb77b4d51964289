"""Start the desktop app: one instance per vault, create or unlock the vault, show the window."""

from __future__ import annotations

import gc
import hashlib
import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from hsawallet.paths import resolve_vault_path
from hsawallet.services.vault import Vault, VaultError, VaultLockedError, VaultNewerError
from hsawallet.ui import ops, style
from hsawallet.ui.unlock import WRONG_OR_DAMAGED, CreateVaultDialog, UnlockDialog, open_without_prompt

log = logging.getLogger(__name__)

APP_NAME = "HSA Wallet"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setOrganizationDomain("hsawallet.local")
    app.setDesktopFileName("hsawallet")
    app.setWindowIcon(style.app_icon())
    style.apply(app)
    return app  # type: ignore[return-value]


def instance_lock(vault_path: Path) -> QLockFile | None:
    """Hold ``<vault>.lock`` while the app runs; None if another instance holds it.

    QLockFile records the pid, so a lock left by a crashed instance is taken over.
    """
    vault_path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(vault_path.with_name(vault_path.name + ".lock")))
    lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never its age
    return lock if lock.tryLock(0) else None


RAISE_MESSAGE = b"raise\n"


def server_name(vault_path: Path) -> str:
    """The local socket the running instance of this vault listens on (short: a Unix socket path)."""
    digest = hashlib.sha256(str(vault_path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"hsawallet-{digest}"


class SingleInstance(QObject):
    """The running app for one vault: its ``QLockFile`` and a local server a second launch asks to
    raise the window through. ``release()`` when the window closes (work may still be ending)."""

    raiseRequested = Signal()

    def __init__(self, vault_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock = instance_lock(vault_path)
        self.server: QLocalServer | None = None
        if self.lock is None:
            return
        name = server_name(vault_path)
        QLocalServer.removeServer(name)  # a socket left by a crashed instance (we hold the lock)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)
        if not self.server.listen(name):
            log.warning("no single-instance server: %s", self.server.errorString())

    @property
    def held(self) -> bool:
        return self.lock is not None

    def _connected(self) -> None:
        while self.server is not None and (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            self._read(socket)  # (a socket stays the server's child until release: one per launch)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(RAISE_MESSAGE.strip()):
            self.raiseRequested.emit()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None


def ask_running_instance_to_raise(vault_path: Path, timeout_ms: int = 2000) -> bool:
    """A second launch: ask the running window to come to the front. False if none answered."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(vault_path))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(RAISE_MESSAGE)
    sent = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return sent


def _error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def open_vault_interactively(path: Path, parent: QWidget | None = None) -> Vault | None:
    """First run: the Create dialog; later: the keychain or $HSAWALLET_PASSPHRASE, else ask.

    None when the user cancels or the vault cannot be opened (after telling them why).
    """
    if not path.exists():
        dialog = CreateVaultDialog(path, parent)
        return dialog.vault if dialog.exec() == QDialog.DialogCode.Accepted else None
    try:
        vault = open_without_prompt(path)
    except VaultNewerError as exc:
        _error(parent, "Vault from a newer version", str(exc))
        return None
    except VaultLockedError:
        _error(
            parent,
            "Cannot unlock the vault",
            WRONG_OR_DAMAGED.replace("passphrase is wrong", "passphrase in HSAWALLET_PASSPHRASE is wrong"),
        )
        return None
    except VaultError as exc:
        _error(parent, "Cannot open the vault", str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - busy (key change elsewhere), damaged pages, disk errors
        from hsawallet.ui.context import describe_error

        _error(parent, "Cannot open the vault", describe_error(exc))
        return None
    if vault is not None:
        return vault
    dialog = UnlockDialog(path, parent)
    return dialog.vault if dialog.exec() == QDialog.DialogCode.Accepted else None


_open_boxes: set[QMessageBox] = set()


def install_error_handler() -> None:
    """The GUI's one top-level handler: an exception no view caught is logged without its message
    (frames and SQLite's reason only; never SQL text or parameters) and shown as one readable line."""
    from hsawallet.services.errors import safe_traceback
    from hsawallet.ui.context import describe_error

    def show(exc: BaseException) -> None:
        log.error("unhandled error: %s", safe_traceback(exc))
        if QApplication.instance() is not None:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Something went wrong",
                describe_error(exc),
                QMessageBox.StandardButton.Ok,
                QApplication.activeWindow(),
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            _open_boxes.add(box)  # a box without a parent window lives as long as Python holds it
            box.finished.connect(lambda _result, shown=box: _open_boxes.discard(shown))
            box.open()

    def excepthook(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        exc.__traceback__ = tb
        show(exc)

    def thread_hook(hook_args) -> None:
        if hook_args.exc_value is not None:
            exc = hook_args.exc_value
            log.error("unhandled error in a thread: %s", safe_traceback(exc))

    sys.excepthook = excepthook
    threading.excepthook = thread_hook


def run(vault: str | None = None) -> int:
    """``hsawallet gui``: returns the process exit code."""
    from hsawallet.ui.context import AppContext
    from hsawallet.ui.main_window import MainWindow

    app = make_application()
    install_error_handler()
    path = resolve_vault_path(vault)
    instance = SingleInstance(path)
    if not instance.held:
        if ask_running_instance_to_raise(path):
            return 0
        QMessageBox.information(
            None,
            "HSA Wallet is already open",
            f"HSA Wallet is already open with this vault:\n{path}\n\n"
            "It did not answer; it may still be starting or closing. Try again in a moment.",
        )
        return 1
    try:
        opened = open_vault_interactively(path)
        if opened is None:
            return 0
        ctx = AppContext(opened)
        window = MainWindow(ctx)
        instance.raiseRequested.connect(window.bring_to_front)
        window.closed.connect(instance.release)
        window.show()
        # What start-up made (modules, Qt wrappers) is never garbage: leave it out of full collections.
        # A full collection stops every thread, and a worker's allocations (the Dashboard's check on a big
        # vault) trigger them: 270-370 ms freezes of the UI at 10k documents, 50-120 ms with this
        # (bench/scale_gui.py).
        gc.freeze()
        window.start_reminders()  # on unlock; again after each Lock now
        window.resume_import()  # what a stopped import left unread
        code = app.exec()
        ops.shutdown()
        ctx.close()
        opened.close()
        return int(code)
    finally:
        instance.release()
