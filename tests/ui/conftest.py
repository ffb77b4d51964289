"""Shared fixtures for the UI tests: offscreen Qt, an in-memory keychain, a fresh vault."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from hsawallet.store.vault import create_vault  # noqa: E402

TEST_PASSPHRASE = "test"


class MemoryKeyring(KeyringBackend):
    """A keychain that lives only as long as the test process."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch):
    """Every UI test gets an empty in-memory keychain and no passphrase in the environment."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("HSAWALLET_PASSPHRASE", raising=False)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def layout_settings(tmp_path):
    """QSettings (window geometry, splitters, columns) in the test's folder, never ~/.config."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qt-settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def vault_path(tmp_path):
    return tmp_path / "vault.db"


@pytest.fixture
def vault(vault_path):
    from hsawallet.ui import ops

    v = create_vault(vault_path, passphrase=TEST_PASSPHRASE)
    yield v
    ops.wait_idle()
    v.close()


@pytest.fixture
def ctx(qapp, vault):
    """An AppContext over the fresh vault; worker threads are drained before the vault closes."""
    from hsawallet.ui import ops
    from hsawallet.ui.context import AppContext

    context = AppContext(vault)
    yield context
    ops.wait_idle()
    context.close()
    context.deleteLater()


@pytest.fixture(autouse=True)
def _drain_ops(qapp):
    yield
    from hsawallet.ui import ops

    ops.wait_idle()


@pytest.fixture
def window(qtbot, ctx):
    """The main window on the test's vault; its background work is waited for before it closes."""
    from hsawallet.ui import ops
    from hsawallet.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    yield win
    ops.wait_idle(timeout=300)
    win.close()
