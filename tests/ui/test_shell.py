"""The app shell: first run, unlock, single instance, navigation, ops and the event bridge."""

from __future__ import annotations

import hashlib
import threading

from PySide6.QtCore import Qt

from hsawallet.services import events
from hsawallet.store.vault import create_vault, unlock_vault
from hsawallet.ui import ops
from hsawallet.ui.app import instance_lock, open_vault_interactively
from hsawallet.ui.unlock import CreateVaultDialog, UnlockDialog, passphrase_strength

NEW_PASSPHRASE = "correct horse battery staple"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_run_with_a_passphrase_creates_a_vault_that_opens_with_it(qtbot, vault_path):
    dialog = CreateVaultDialog(vault_path, keychain_ok=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keychain_choice.isChecked()  # the keychain is the default when it works
    dialog.passphrase_choice.click()
    assert dialog.use_passphrase()
    qtbot.keyClicks(dialog.passphrase, NEW_PASSPHRASE)
    assert not dialog.create_button.isEnabled()  # not confirmed yet
    qtbot.keyClicks(dialog.confirm, NEW_PASSPHRASE)
    assert dialog.create_button.isEnabled()
    assert "Strong" in dialog.strength.text()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == dialog.DialogCode.Accepted
    assert vault_path.exists()
    dialog.vault.close()
    reopened = unlock_vault(vault_path, passphrase=NEW_PASSPHRASE)
    reopened.close()


def test_mismatched_confirmation_keeps_create_disabled(qtbot, vault_path):
    dialog = CreateVaultDialog(vault_path, keychain_ok=False)
    qtbot.addWidget(dialog)
    assert dialog.use_passphrase() and not dialog.keychain_choice.isEnabled()
    qtbot.keyClicks(dialog.passphrase, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.confirm, NEW_PASSPHRASE + "x")
    assert not dialog.create_button.isEnabled()
    assert "do not match" in dialog.strength.text()
    assert not vault_path.exists()


def test_keychain_vault_unlocks_without_a_prompt_next_time(qtbot, vault_path, memory_keyring, monkeypatch):
    dialog = CreateVaultDialog(vault_path)
    qtbot.addWidget(dialog)
    assert dialog.keychain_choice.isChecked()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    dialog.vault.close()
    assert memory_keyring.passwords  # the key went to the keychain

    def no_prompt(self):
        raise AssertionError("the unlock dialog must not appear")

    monkeypatch.setattr(UnlockDialog, "exec", no_prompt)
    vault = open_vault_interactively(vault_path)
    assert vault is not None
    vault.close()


def test_wrong_passphrase_shows_both_causes_and_leaves_the_file_unchanged(qtbot, vault_path):
    create_vault(vault_path, passphrase="test").close()
    before = sha256(vault_path)
    dialog = UnlockDialog(vault_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)

    assert dialog.vault is None
    assert dialog.isVisible()  # the user can retry
    assert not dialog.error.isHidden()
    message = dialog.error.text()
    assert "passphrase is wrong" in message and "damaged" in message
    assert sha256(vault_path) == before

    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, "test")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.vault is not None
    assert dialog.result() == dialog.DialogCode.Accepted
    dialog.vault.close()


def test_a_damaged_vault_is_reported_not_rewritten(qtbot, vault_path):
    vault_path.write_bytes(b"\x00" * 4096)
    before = sha256(vault_path)
    dialog = UnlockDialog(vault_path)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.passphrase, "test")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.vault is None and "damaged" in dialog.error.text()
    assert sha256(vault_path) == before


def test_passphrase_strength_hints():
    assert passphrase_strength("abc")[0] == 0
    assert passphrase_strength("abcdefghij")[0] == 1
    assert passphrase_strength(NEW_PASSPHRASE)[0] == 3


def test_second_instance_is_refused(vault_path):
    first = instance_lock(vault_path)
    assert first is not None
    try:
        assert instance_lock(vault_path) is None
    finally:
        first.unlock()
    again = instance_lock(vault_path)
    assert again is not None
    again.unlock()


def test_sidebar_shortcuts_and_record_navigation(qtbot, window, ctx):
    from hsawallet.ui.views import SECTIONS

    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [s.title for s in SECTIONS]
    assert window.current_section() == "dashboard"
    for number, sec in enumerate(SECTIONS, start=1):
        assert window.section_actions[number - 1].shortcut().toString() == f"Ctrl+{number}"
        window.section_actions[number - 1].trigger()
        assert window.current_section() == sec.key
        assert window.stack.currentWidget().layout().count() == 1  # the section's view
    ctx.open_record("document", 1)
    assert window.current_section() == "documents"
    window.find_action.trigger()
    assert window.search_box.hasFocus() or not window.isActiveWindow()


def test_opening_an_account_selects_the_account_not_the_person_with_its_id(qtbot, window, ctx):
    from hsawallet.services import people

    with ctx.vault.session() as session:
        for name in ("Ada Park", "Ben Park"):
            people.add_person(session, name=name)
        for name in ("Family HSA", "Work HSA"):
            people.add_account(session, name=name, type="hsa")
    ctx.open_record("account", 2)
    view = window.view("people")
    qtbot.waitUntil(lambda: view.accounts_table.rowCount() == 2 and view.people_table.rowCount() == 2)
    ctx.open_record("account", 2)
    assert window.current_section() == "people"
    assert [i.row() for i in view.accounts_table.selectionModel().selectedRows()] == [1]
    assert view.people_table.selectionModel().selectedRows() == []
    ctx.open_record("person", 1)
    assert [i.row() for i in view.people_table.selectionModel().selectedRows()] == [0]


def test_search_runs_in_the_background_and_shows_results(qtbot, window):
    qtbot.keyClicks(window.search_box, "nothing-like-this")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.current_section() == "search"
    qtbot.waitUntil(lambda: "Nothing found" in window.search_results.summary.text())


def test_people_view_adds_a_person_and_an_account(qtbot, ctx):
    from hsawallet.ui.views.people import AccountDialog, PeopleView, PersonDialog

    view = PeopleView(ctx)
    qtbot.addWidget(view)
    ops.wait_idle()
    view.add_person()
    dialog = view._dialog
    assert isinstance(dialog, PersonDialog)
    qtbot.keyClicks(dialog.name, "Alex Rivera")
    with qtbot.waitSignal(ctx.bridge.peopleChanged):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.people_table.rowCount() == 1)
    assert view.people_table.item(0, 0).text() == "Alex Rivera"

    view.add_account()
    dialog = view._dialog
    assert isinstance(dialog, AccountDialog)
    qtbot.keyClicks(dialog.name, "Work FSA")
    dialog.type.setCurrentIndex(dialog.type.findData("fsa"))
    dialog.carryover.setText("640")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.accounts_table.rowCount() == 1)
    assert view.accounts_table.item(0, 4).text() == "$640.00"


def test_settings_view_saves_a_change(qtbot, ctx):
    from hsawallet import config
    from hsawallet.ui.views.settings import SettingsView

    view = SettingsView(ctx)
    qtbot.addWidget(view)
    ops.wait_idle()
    combo = view.editors["date_order"]
    combo.setCurrentIndex(combo.findData("dmy"))
    qtbot.waitUntil(lambda: view.status.text() == "Saved.")
    with ctx.vault.session() as session:
        assert config.get(session, "date_order") == "dmy"


def test_ops_deliver_results_failures_and_progress_on_the_main_thread(qtbot):
    seen = []

    def work():
        ops.report_progress(1, 2, "half")
        return threading.current_thread().name

    op = ops.CollectionOp(None, work, lambda name: seen.append(("done", name, threading.current_thread().name)))
    op.on_progress(lambda done, total, payload: seen.append(("progress", done, total, payload)))
    op.run_in_background()
    ops.QueryOp(None, lambda: 1 / 0).failure(
        lambda exc: seen.append(("failed", type(exc).__name__))
    ).run_in_background()
    assert ops.wait_idle()
    assert ("progress", 1, 2, "half") in seen
    assert ("failed", "ZeroDivisionError") in seen
    done = next(entry for entry in seen if entry[0] == "done")
    assert done[1].startswith("hsawallet-db") and done[2] == "MainThread"


def test_bridge_turns_core_events_from_any_thread_into_main_thread_signals(qtbot, ctx):
    received = []
    ctx.bridge.linksChanged.connect(lambda: received.append(threading.current_thread().name))
    with qtbot.waitSignal(ctx.bridge.linksChanged):
        worker = threading.Thread(target=lambda: [events.publish(events.LINKS_CHANGED) for _ in range(5)])
        worker.start()
        worker.join()
    assert received == ["MainThread"]  # five events, one coalesced signal
