"""Lock now (Ctrl+L) drops the views and asks for the passphrase again; the reminder scheduler
starts with the window's unlock, honours the notifications setting and restarts after a lock."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from hsawallet import config
from hsawallet.services import coverage, people
from hsawallet.store.vault import unlock_vault
from hsawallet.ui import ops
from hsawallet.ui.main_window import MainWindow
from tests.ui.conftest import TEST_PASSPHRASE
from tests.ui.test_dashboard import _rule_vault


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def test_lock_now_clears_the_views_and_asks_for_the_passphrase_again(qtbot, ctx):
    with ctx.vault.session() as session:
        people.add_person(session, name="Morgan Reyes")
    window = _window(qtbot, ctx)
    assert window.lock_action.shortcut() == QKeySequence("Ctrl+L")
    view = window.show_section("people")
    ops.wait_idle()
    assert view.people_table.item(0, 0).text() == "Morgan Reyes"

    asked: list[tuple[bool, int]] = []
    reopened = []

    def ask(path):
        asked.append((window.isVisible(), len(window._views)))
        reopened.append(unlock_vault(path, passphrase=TEST_PASSPHRASE))
        return reopened[-1]

    window.ask_passphrase = ask
    ops.wait_idle()  # Lock now waits for work in progress
    window.lock_action.trigger()
    assert not window.isVisible() and window._views == {}  # nothing decrypted left on screen
    assert window.vault_label.text() == "Vault locked"
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == [(False, 0)]
    try:
        assert window.isVisible() and window.ctx.vault is reopened[0]
        view = window.view("people")
        ops.wait_idle()
        assert view.people_table.item(0, 0).text() == "Morgan Reyes"
    finally:
        ops.wait_idle()
        reopened[0].close()


def test_reminders_start_on_unlock_show_new_warnings_once_and_restart_after_a_lock(qtbot, ctx):
    _rule_vault(ctx.vault)
    window = _window(qtbot, ctx)
    try:
        with qtbot.waitSignal(ctx.statusMessage, timeout=30000) as blocker:
            window.start_reminders(tray_available=False)
        assert "new warnings" in blocker.args[0]
        assert len(window.reminders.shown) == 1
        assert window.reminders.run_now() == []  # each warning is shown once

        reopened = []
        window.ask_passphrase = lambda path: (
            reopened.append(unlock_vault(path, passphrase=TEST_PASSPHRASE)) or reopened[-1]
        )
        first = window.reminders
        ops.wait_idle()
        # Lock now puts itself off while work is in progress (a view still loading), so wait for it
        # to have happened: the vault reopened and the reminders started again
        window.lock()
        qtbot.waitUntil(
            lambda: bool(reopened) and window.reminders is not None and window.reminders is not first, timeout=30000
        )
        assert not first.service.scheduler.running
    finally:
        window.stop_reminders()
        ops.wait_idle()
        for vault in locals().get("reopened", []):
            vault.close()


def test_reminders_stay_quiet_while_notifications_are_off(qtbot, ctx):
    _rule_vault(ctx.vault)
    config.set_value(ctx.vault, "notifications", "off")
    window = _window(qtbot, ctx)
    window.start_reminders(tray_available=False, start=False)
    try:
        assert window.reminders.run_now() == [] and window.reminders.shown == []
    finally:
        window.stop_reminders()


def test_the_tray_icon_counts_urgent_items_and_a_notification_opens_the_record(qtbot, ctx):
    _letter_id, receipt_id, _covered = _rule_vault(ctx.vault)
    with ctx.vault.session() as session:
        urgent = sum(w.severity == "error" for w in coverage.check(session, include_dismissed=False))
    assert urgent >= 1
    window = _window(qtbot, ctx)
    window.start_reminders(tray_available=True, start=False)
    reminders = window.reminders
    try:
        qtbot.waitUntil(lambda: reminders.urgent == urgent)
        assert reminders.tray.toolTip() == f"HSA Wallet — {urgent} urgent"
        assert reminders.tray.icon().pixmap(64).toImage() != window.windowIcon().pixmap(64).toImage()

        assert reminders.run_now()
        qtbot.waitUntil(lambda: bool(reminders.shown))
        window.show_section("people")
        reminders.tray.messageClicked.emit()  # the notification was clicked

        assert window.current_section() == "receipts"
        receipts = window.view("receipts")
        qtbot.waitUntil(lambda: getattr(receipts.current_receipt(), "id", None) == receipt_id)
    finally:
        window.stop_reminders()
        ops.wait_idle()
