"""Lock after N idle minutes (a setting, followed as soon as it is saved) and change the passphrase
in Settings, through the vault service, with the views reopened over the re-encrypted vault."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from hsawallet import config
from hsawallet.services import people
from hsawallet.services.vault import VaultLockedError
from hsawallet.store.vault import unlock_vault
from hsawallet.ui import ops
from hsawallet.ui.main_window import MainWindow
from hsawallet.ui.unlock import ChangePassphraseDialog
from tests.ui.conftest import TEST_PASSPHRASE

NEW_PASSPHRASE = "copper lantern morning tide"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


def test_idle_minutes_lock_the_window_and_forget_the_vault(qtbot, ctx):
    with ctx.vault.session() as session:
        people.add_person(session, name="Morgan Reyes")
        session.commit()
    config.set_value(ctx.vault, "lock_minutes", "5")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    clock = FakeClock()
    window.idle_lock.clock = clock
    window.idle_lock.last_input = clock()
    qtbot.waitUntil(lambda: window.idle_lock.minutes == 5)
    view = window.show_section("people")
    ops.wait_idle()
    assert view.people_table.item(0, 0).text() == "Morgan Reyes"
    reopened = []
    window.ask_passphrase = lambda path: reopened.append(unlock_vault(path, passphrase=TEST_PASSPHRASE)) or reopened[-1]
    try:
        clock.advance(4)
        window.idle_lock.check()
        assert window.isVisible() and window.ctx.vault is not None
        QTest.keyClick(window.search_box, Qt.Key.Key_A)  # use resets the count
        clock.advance(4)
        window.idle_lock.check()
        assert window.isVisible()

        clock.advance(1.5)
        window.idle_lock.check()

        assert not window.isVisible() and window._views == {}
        assert window.ctx.vault is None  # the key and the engine go with the closed vault
        qtbot.waitUntil(lambda: bool(reopened))
        assert window.isVisible() and window.ctx.vault is reopened[0]

        # Settings: 0 is "Never", followed at once
        settings = window.show_section("settings")
        ops.wait_idle()
        spin = settings.editors["lock_minutes"]
        assert spin.specialValueText() == "Never"
        with qtbot.waitSignal(window.ctx.settingChanged):
            spin.setValue(0)
        assert window.idle_lock.minutes == 0 and not window.idle_lock.timer.isActive()
        clock.advance(600)
        window.idle_lock.check()
        assert window.isVisible()
    finally:
        ops.wait_idle()
        for vault in reopened:
            vault.close()


def test_change_passphrase_dialog_asks_for_the_current_one_and_a_match():
    dialog = ChangePassphraseDialog(needs_current=True)
    dialog.new.setText(NEW_PASSPHRASE)
    dialog.confirm.setText(NEW_PASSPHRASE)
    assert not dialog.change_button.isEnabled()  # the current passphrase is missing
    dialog.current.setText(TEST_PASSPHRASE)
    assert dialog.change_button.isEnabled()
    dialog.confirm.setText(NEW_PASSPHRASE + "x")
    assert not dialog.change_button.isEnabled() and "do not match" in dialog.strength.text()
    assert ChangePassphraseDialog(needs_current=False).current.isHidden()  # a keychain vault


def test_change_passphrase_re_encrypts_and_the_views_work_on_the_new_vault(qtbot, ctx, vault_path, monkeypatch):
    with ctx.vault.session() as session:
        people.add_person(session, name="Morgan Reyes")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    settings = window.show_section("settings")
    assert settings.passphrase_button.isVisible()
    ops.wait_idle()  # a change waits for no other work
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    results = []
    before = ctx.vault

    window.change_passphrase("not the passphrase", NEW_PASSPHRASE, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=60_000)
    assert "current passphrase is not right" in warned[0]
    assert ctx.vault is before and window.current_section() == "settings"

    ops.wait_idle()
    window.change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE, results.append)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=120_000)
    try:
        assert results[1] is None and ctx.vault is not before
        with pytest.raises(VaultLockedError):
            unlock_vault(vault_path, passphrase=TEST_PASSPHRASE)
        unlock_vault(vault_path, passphrase=NEW_PASSPHRASE).close()
        view = window.show_section("people")
        ops.wait_idle()
        assert view.people_table.item(0, 0).text() == "Morgan Reyes"
    finally:
        ops.wait_idle()
        window.ctx.vault.close()


def test_a_keychain_vault_unlocks_again_from_the_keychain_after_a_lock(qtbot, tmp_path, monkeypatch):
    from hsawallet.services import vault as vaults
    from hsawallet.ui.context import AppContext
    from hsawallet.ui.unlock import UnlockDialog

    vault = vaults.create(tmp_path / "keychain.db")  # the key goes to the (in-memory) keychain
    ctx = AppContext(vault)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    asked = []

    def unlock_by_button(dialog):
        asked.append(dialog.keychain and dialog.passphrase.isHidden() and dialog.unlock_button.isEnabled())
        dialog.unlock_button.click()
        return dialog.result()

    monkeypatch.setattr(UnlockDialog, "exec", unlock_by_button)
    ops.wait_idle()
    window.lock()
    qtbot.waitUntil(lambda: bool(asked))
    try:
        assert asked == [True]  # no passphrase asked for: the keychain holds the key
        assert window.isVisible() and ctx.vault is not None and ctx.vault.key.mode == "keychain"
    finally:
        ops.wait_idle()
        if ctx.vault is not None:
            ctx.vault.close()
        ctx.close()


def test_the_idle_lock_cancels_a_dialog_left_open_first(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    settings = window.show_section("settings")
    ops.wait_idle()
    reopened = []
    window.ask_passphrase = lambda path: reopened.append(unlock_vault(path, passphrase=TEST_PASSPHRASE)) or reopened[-1]
    answers = []

    def leave_open_then_go_idle() -> None:
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ChangePassphraseDialog))
        window.idle_lock.on_idle()  # what the idle check calls

    QTimer.singleShot(0, leave_open_then_go_idle)
    dialog = ChangePassphraseDialog(True, settings)
    answers.append(dialog.exec())
    try:
        assert answers == [QDialog.DialogCode.Rejected]  # nothing was changed
        qtbot.waitUntil(lambda: bool(reopened), timeout=30_000)
        assert window.ctx.vault is reopened[0] and window.isVisible()
    finally:
        ops.wait_idle()
        for vault in reopened:
            vault.close()
