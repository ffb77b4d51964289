"""Start the desktop app: one instance per vault, create or unlock the vault, show the window."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QLockFile, Qt
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
    lock = instance_lock(path)
    if lock is None:
        QMessageBox.information(
            None,
            "HSA Wallet is already open",
            f"HSA Wallet is already open with this vault:\n{path}\n\n"
            "Switch to the open window (check the taskbar or dock).",
        )
        return 1
    try:
        opened = open_vault_interactively(path)
        if opened is None:
            return 0
        ctx = AppContext(opened)
        window = MainWindow(ctx)
        window.show()
        window.start_reminders()  # on unlock; again after each Lock now
        code = app.exec()
        ops.shutdown()
        ctx.close()
        opened.close()
        return int(code)
    finally:
        lock.unlock()
