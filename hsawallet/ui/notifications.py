"""Desktop notifications for new warnings while the app runs.

The Qt-free ReminderService (hsawallet.coverage.reminders) runs the warning check at start-up and
daily on APScheduler's QtScheduler; the check runs in the scheduler's worker thread, and each new
warning is shown once: as a system-tray message, or in the status bar when there is no tray.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QCoreApplication, QRect, Qt, QThread, QTimer
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget
from sqlmodel import Session

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
        self.urgent: int | None = None  # urgent warnings not dismissed, shown on the tray icon
        self.shown: list[tuple[str, str]] = []  # (title, body) of what was shown, newest last
        self._first: Warning | None = None
        self._stopped = False
        available = QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        self.tray: QSystemTrayIcon | None = None
        if available:
            self.tray = QSystemTrayIcon(_icon_for(tray_parent), tray_parent)
            self.tray.setToolTip("HSA Wallet")
            self.tray.messageClicked.connect(self._open_first)
            self.tray.activated.connect(lambda _reason: self._bring_window(tray_parent))
            self.tray.show()
        self._base_icon = _icon_for(tray_parent)
        self._tray_parent = tray_parent
        ctx.bridge.changed.connect(self._count_changed)
        self.refresh_count()
        vault = ctx.vault
        if scheduler is None:
            scheduler = make_qt_scheduler()
        self.service = reminder_service(vault, notify=self._notify_from_any_thread, scheduler=scheduler)
        if start:
            self.service.start()

    def run_now(self) -> list[Warning]:
        """Run the check at once (the scheduler's thread normally does); returns the new warnings."""
        return self.service.run_once()

    def refresh_count(self) -> None:
        """Count the urgent warnings (as on the Dashboard: errors not dismissed) off the UI thread."""
        from hsawallet.services import coverage

        if self.ctx.vault is None:
            return

        def count(session: Session) -> int:
            return sum(w.severity == Severity.ERROR for w in coverage.check(session, include_dismissed=False))

        self.ctx.query(self.tray or self._tray_parent, count, self._show_count).run_in_background()

    def _count_changed(self, _topic: str) -> None:
        if not self._stopped:
            self.refresh_count()

    def _show_count(self, urgent: int) -> None:
        self.urgent = urgent
        if self.tray is not None and shiboken6.isValid(self.tray):
            self.tray.setIcon(badged_icon(self._base_icon, urgent))
            self.tray.setToolTip(f"HSA Wallet — {urgent} urgent" if urgent else "HSA Wallet — nothing urgent")

    def _bring_window(self, window) -> None:
        bring = getattr(window, "bring_to_front", None)
        if callable(bring):
            bring()

    def stop(self) -> None:
        self._stopped = True
        try:
            self.ctx.bridge.changed.disconnect(self._count_changed)
        except (RuntimeError, TypeError):
            pass
        self.service.stop()
        if self.service.scheduler.running:
            self.service.scheduler.shutdown(wait=False)
        if self.tray is not None and shiboken6.isValid(self.tray):
            self.tray.hide()

    # -- showing
    def _notify_from_any_thread(self, warnings: list[Warning]) -> None:
        from hsawallet.ui.ops import run_on_main

        def show() -> None:
            if not self._stopped:
                self.show(warnings)
                self.refresh_count()

        run_on_main(show)

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
        self._bring_window(self._tray_parent)
        if warning.receipt_id is not None:
            self.ctx.open_record(RecordKind.RECEIPT, warning.receipt_id, warning.item_id)
        elif warning.letter_id is not None:
            self.ctx.open_record(RecordKind.LETTER, warning.letter_id)
        elif warning.account_id is not None:
            self.ctx.open_record(RecordKind.ACCOUNT, warning.account_id)


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


def badged_icon(base: QIcon, count: int, size: int = 64) -> QIcon:
    """The app icon with the number of urgent items in a red disc (none: the plain icon)."""
    if not count:
        return base
    pixmap = base.pixmap(size, size) if not base.isNull() else QPixmap(size, size)
    if base.isNull():
        pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    disc = QRect(size // 3, 0, size * 2 // 3, size * 2 // 3)
    painter.setBrush(QColor("#c62828"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(disc)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(size // 3 if count < 100 else size // 4)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, str(count) if count < 1000 else "999+")
    painter.end()
    return QIcon(pixmap)


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
