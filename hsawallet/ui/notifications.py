"""Desktop notifications for new warnings while the app runs.

The Qt-free ReminderService (hsawallet.coverage.reminders) runs the warning check at start-up and
daily on APScheduler's QtScheduler; the check runs in the scheduler's worker thread, and each new
warning is shown once: as a system-tray message, or in the status bar when there is no tray.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QCoreApplication, QThread, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from hsawallet.coverage.model import Warning
from hsawallet.vocab import RecordKind, Severity, WarningType, severity_rank

log = logging.getLogger(__name__)

TITLES = {
    WarningType.PURCHASE_BEFORE_LETTER: "Purchase made before its letter",
    WarningType.PURCHASE_AFTER_EXPIRY: "Purchase after the letter expired",
    WarningType.NEEDS_LMN_MISSING: "Purchase needs a letter",
    WarningType.LETTER_EXPIRING_SOON: "Letter expiring soon",
    WarningType.LETTER_EXPIRED: "Letter expired",
    WarningType.LETTER_INCOMPLETE: "Letter is missing something",
    WarningType.CLAIM_DEADLINE: "Claim deadline coming",
    WarningType.BEFORE_HSA_ESTABLISHED: "Expense before the HSA was opened",
    WarningType.POSSIBLE_DUPLICATE: "Possible duplicate receipt",
}
MAX_LISTED = 3
MESSAGE_MS = 15000


def describe(warnings: list[Warning]) -> tuple[str, str]:
    """Title and body of one notification for a batch of new warnings, most severe first."""
    ranked = sorted(warnings, key=lambda w: severity_rank(w.severity))
    if len(ranked) == 1:
        return f"HSA Wallet: {TITLES.get(ranked[0].type, 'New warning')}", ranked[0].message
    body = "\n".join(f"• {w.message}" for w in ranked[:MAX_LISTED])
    if len(ranked) > MAX_LISTED:
        body += f"\n…and {len(ranked) - MAX_LISTED} more on the Dashboard."
    return f"HSA Wallet: {len(ranked)} new warnings", body


class Reminders:
    """The running reminder service and where it shows notifications. ``stop()`` on quit."""

    def __init__(
        self, ctx, tray_parent, *, tray_available: bool | None = None, scheduler=None, start: bool = True
    ) -> None:
        from hsawallet.services.reminders import reminder_service

        self.ctx = ctx
        self.shown: list[tuple[str, str]] = []  # (title, body) of what was shown, newest last
        self._first: Warning | None = None
        available = QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        self.tray: QSystemTrayIcon | None = None
        if available:
            self.tray = QSystemTrayIcon(_icon_for(tray_parent), tray_parent)
            self.tray.setToolTip("HSA Wallet")
            self.tray.messageClicked.connect(self._open_first)
            self.tray.show()
        vault = ctx.vault
        if scheduler is None:
            scheduler = make_qt_scheduler()
        self.service = reminder_service(vault, notify=self._notify_from_any_thread, scheduler=scheduler)
        if start:
            self.service.start()

    def run_now(self) -> list[Warning]:
        """Run the check at once (the scheduler's thread normally does); returns the new warnings."""
        return self.service.run_once()

    def stop(self) -> None:
        self.service.stop()
        if self.service.scheduler.running:
            self.service.scheduler.shutdown(wait=False)
        if self.tray is not None and shiboken6.isValid(self.tray):
            self.tray.hide()

    # -- showing
    def _notify_from_any_thread(self, warnings: list[Warning]) -> None:
        from hsawallet.ui.ops import run_on_main

        run_on_main(lambda: self.show(warnings))

    def show(self, warnings: list[Warning]) -> None:
        if not warnings:
            return
        title, body = describe(warnings)
        self.shown.append((title, body))
        self._first = sorted(warnings, key=lambda w: severity_rank(w.severity))[0]
        if self.tray is not None and shiboken6.isValid(self.tray):
            severe = any(w.severity == Severity.ERROR for w in warnings)
            icon = QSystemTrayIcon.MessageIcon.Critical if severe else QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage(title, body, icon, MESSAGE_MS)
        else:
            first_line = body.splitlines()[0].lstrip("• ")
            more = f" (+{len(warnings) - 1} more on the Dashboard)" if len(warnings) > 1 else ""
            self.ctx.show_status(f"{title.removeprefix('HSA Wallet: ')}: {first_line}{more}", MESSAGE_MS)

    def _open_first(self) -> None:
        warning = self._first
        if warning is None:
            return
        if warning.receipt_id is not None:
            self.ctx.open_record(RecordKind.RECEIPT, warning.receipt_id)
        elif warning.letter_id is not None:
            self.ctx.open_record(RecordKind.LETTER, warning.letter_id)
        window = QApplication.activeWindow()
        if window is not None:
            window.raise_()


def make_qt_scheduler():
    """APScheduler's QtScheduler with its wake-up timer kept on the main thread.

    The stock QtScheduler calls QTimer.singleShot from whichever thread asks for a wake-up (job
    threads do, when a run-once job ends), and PySide6's singleShot returns no timer to stop.
    """
    from apscheduler.schedulers.qt import QtScheduler

    class MainThreadQtScheduler(QtScheduler):
        def __init__(self, **options) -> None:
            super().__init__(**options)
            self._wake_timer = QTimer()
            self._wake_timer.setSingleShot(True)
            self._wake_timer.timeout.connect(self._process_jobs)

        def _on_main(self, fn) -> None:
            from hsawallet.ui.ops import run_on_main

            def guarded() -> None:
                if shiboken6.isValid(self._wake_timer):
                    fn()

            app = QCoreApplication.instance()
            if app is not None and QThread.currentThread() is app.thread():
                guarded()
            else:
                run_on_main(guarded)

        def _start_timer(self, wait_seconds) -> None:
            def start() -> None:
                self._wake_timer.stop()
                if wait_seconds is not None:
                    self._wake_timer.start(min(int(wait_seconds * 1000), 2147483647))

            self._on_main(start)

        def _stop_timer(self) -> None:
            self._on_main(self._wake_timer.stop)

    return MainThreadQtScheduler()


def _icon_for(parent) -> QIcon:
    if isinstance(parent, QWidget) and not parent.windowIcon().isNull():
        return parent.windowIcon()
    icon = QApplication.windowIcon()
    if icon.isNull():
        app = QApplication.instance()
        icon = app.style().standardIcon(app.style().StandardPixmap.SP_MessageBoxInformation) if app else QIcon()
    return icon


def start_reminders(ctx, tray_parent, **kwargs) -> Reminders:
    """Start the start-up + daily warning check; call ``.stop()`` on the result when the app quits."""
    return Reminders(ctx, tray_parent, **kwargs)


__all__ = ["Reminders", "start_reminders", "describe"]
