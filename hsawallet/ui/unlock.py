"""First run ("Create your vault") and unlock dialogs.

Both dialogs do the slow part (PBKDF2, opening and migrating the vault) behind a wait
cursor while modal: nothing else can happen before a vault is open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hsawallet.services import vault as vaults
from hsawallet.services.vault import Vault, VaultError, VaultLockedError, VaultNewerError
from hsawallet.ui import style

MIN_PASSPHRASE = 8

WRONG_OR_DAMAGED = (
    "The vault did not open. Either the passphrase is wrong, or the vault file is damaged. "
    "The file was not changed. Check the passphrase (Caps Lock?) and try again."
)


def passphrase_strength(text: str) -> tuple[int, str]:
    """(0..3, hint): a rough guide from length and variety; long phrases beat symbols."""
    if not text:
        return 0, f"Use at least {MIN_PASSPHRASE} characters; a few unrelated words work well."
    classes = sum(
        bool(any(test(c) for c in text)) for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    words = len(text.split())
    if len(text) < MIN_PASSPHRASE:
        return 0, f"Too short: use at least {MIN_PASSPHRASE} characters."
    if len(text) >= 20 or (words >= 4 and len(text) >= 16) or (len(text) >= 14 and classes >= 3):
        return 3, "Strong. Write it down somewhere safe: it cannot be recovered."
    if len(text) >= 12 or classes >= 3:
        return 2, "Fair. A longer phrase (four or more words) is stronger."
    return 1, "Weak. Add more words or characters."


def _busy(fn):
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return fn()
    finally:
        QGuiApplication.restoreOverrideCursor()


def _header(title: str, text: str) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 8)
    picture = QLabel()
    picture.setPixmap(style.app_icon().pixmap(48, 48))
    picture.setAlignment(Qt.AlignmentFlag.AlignTop)
    words = QVBoxLayout()
    heading = style.heading(title)
    words.addWidget(heading)
    words.addWidget(style.subtle(text))
    layout.addWidget(picture)
    layout.addSpacing(8)
    layout.addLayout(words, 1)
    return box


class CreateVaultDialog(QDialog):
    """First run: choose how the vault is locked (keychain, or a master passphrase)."""

    def __init__(self, path: Path, parent: QWidget | None = None, *, keychain_ok: bool | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.vault: Vault | None = None
        self.keychain_ok = vaults.keychain_usable() if keychain_ok is None else keychain_ok
        self.setWindowTitle("Create your vault — HSA Wallet")
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(
            _header(
                "Create your vault",
                "HSA Wallet keeps your receipts and letters in one encrypted file on this computer. "
                "Choose how it is unlocked.",
            )
        )

        self.keychain_choice = QRadioButton("Use this computer's &keychain (recommended)")
        keychain_note = style.subtle(
            "The key is kept in the operating system's keychain; the vault opens when you log in."
            if self.keychain_ok
            else "No usable keychain was found on this computer, so a passphrase is needed."
        )
        self.passphrase_choice = QRadioButton("Use a master &passphrase")
        passphrase_note = style.subtle("You type it each time you open HSA Wallet. It cannot be recovered.")
        self.choices = QButtonGroup(self)
        self.choices.addButton(self.keychain_choice)
        self.choices.addButton(self.passphrase_choice)
        self.keychain_choice.setEnabled(self.keychain_ok)
        (self.keychain_choice if self.keychain_ok else self.passphrase_choice).setChecked(True)
        for widget in (self.keychain_choice, keychain_note, self.passphrase_choice, passphrase_note):
            layout.addWidget(widget)
        keychain_note.setContentsMargins(24, 0, 0, 6)
        passphrase_note.setContentsMargins(24, 0, 0, 0)

        self.passphrase_box = QWidget()
        form = QFormLayout(self.passphrase_box)
        form.setContentsMargins(24, 6, 0, 0)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("A few unrelated words")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        label_pass = QLabel("P&assphrase:")
        label_pass.setBuddy(self.passphrase)
        label_confirm = QLabel("&Type it again:")
        label_confirm.setBuddy(self.confirm)
        self.strength = QLabel()
        self.strength.setObjectName("hint")
        self.strength.setWordWrap(True)
        form.addRow(label_pass, self.passphrase)
        form.addRow(label_confirm, self.confirm)
        form.addRow("", self.strength)
        layout.addWidget(self.passphrase_box)

        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        where = style.subtle(f"Vault file: {self.path}")
        where.setObjectName("hint")
        layout.addWidget(where)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("&Create vault", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.choices.buttonToggled.connect(lambda *_: self._update())
        self.passphrase.textChanged.connect(lambda *_: self._update())
        self.confirm.textChanged.connect(lambda *_: self._update())
        self._update()

    def use_passphrase(self) -> bool:
        return self.passphrase_choice.isChecked()

    def _update(self) -> None:
        self.passphrase_box.setEnabled(self.use_passphrase())
        if self.use_passphrase():
            _, hint = passphrase_strength(self.passphrase.text())
            if self.confirm.text() and self.confirm.text() != self.passphrase.text():
                hint += "  The two passphrases do not match yet."
            self.strength.setText(hint)
            ready = len(self.passphrase.text()) >= MIN_PASSPHRASE and self.passphrase.text() == self.confirm.text()
        else:
            self.strength.setText("")
            ready = True
        self.create_button.setEnabled(ready)

    def _create(self) -> None:
        if not self.create_button.isEnabled():
            return
        passphrase = self.passphrase.text() if self.use_passphrase() else None
        try:
            self.vault = _busy(lambda: vaults.create(self.path, passphrase=passphrase))
        except VaultError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.passphrase.clear()
        self.confirm.clear()
        self.accept()


class UnlockDialog(QDialog):
    """Ask for the master passphrase; a wrong one names both causes and lets the user retry."""

    def __init__(self, path: Path, parent: QWidget | None = None, *, keychain: bool = False) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.vault: Vault | None = None
        self.attempts = 0
        self.keychain = keychain  # after Lock now on a keychain vault: its key is asked of the keychain again
        self.setWindowTitle("Unlock — HSA Wallet")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(
            _header(
                "Unlock your vault",
                "HSA Wallet is locked. Its key is kept in this computer's keychain."
                if keychain
                else "Type your master passphrase to open HSA Wallet.",
            )
        )

        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel("&Passphrase:")
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        layout.addLayout(form)

        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        where = QLabel(f"Vault file: {self.path}")
        where.setObjectName("hint")
        where.setWordWrap(True)
        layout.addWidget(where)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.unlock_button = self.buttons.addButton("&Unlock", QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setDefault(True)
        self.buttons.accepted.connect(self._unlock)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(lambda text: self.unlock_button.setEnabled(bool(text)))
        self.unlock_button.setEnabled(keychain)
        if keychain:
            label.hide()
            self.passphrase.hide()

    def _unlock(self) -> None:
        entered = self.passphrase.text()
        if not entered and not self.keychain:
            return
        self.attempts += 1
        try:
            self.vault = _busy(lambda: vaults.unlock(self.path, passphrase=entered or None))
        except VaultNewerError as exc:
            self._show_error(str(exc))
            self.unlock_button.setEnabled(False)
            return
        except VaultLockedError:
            self._show_error(WRONG_OR_DAMAGED)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        except VaultError as exc:
            self._show_error(str(exc))
            return
        self.accept()

    def _show_error(self, text: str) -> None:
        """A wrapped message needs the dialog to grow to its height, else its last lines are cut."""
        self.error.setText(text)
        self.error.show()
        _fit_height(self)


def _fit_height(dialog: QDialog) -> None:
    layout = dialog.layout()
    layout.activate()
    needed = layout.totalHeightForWidth(dialog.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
    if dialog.height() < needed:
        dialog.resize(dialog.width(), needed)


class ChangePassphraseDialog(QDialog):
    """Settings > Change passphrase: the current one (a passphrase vault), the new one twice.
    The change itself runs in the background (MainWindow.change_passphrase)."""

    def __init__(self, needs_current: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change passphrase")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(
            _header(
                "Change passphrase",
                "The vault is re-encrypted with the new passphrase and checked before it replaces the old one.",
            )
        )
        form = QFormLayout()
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.confirm = QLineEdit()
        for field in (self.current, self.new, self.confirm):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.new.setPlaceholderText("A few unrelated words")
        rows = [("&Current passphrase:", self.current)] if needs_current else []
        rows += [("&New passphrase:", self.new), ("&Type it again:", self.confirm)]
        for text, field in rows:
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.current.setVisible(needs_current)
        self.needs_current = needs_current
        self.strength = QLabel()
        self.strength.setObjectName("hint")
        self.strength.setWordWrap(True)
        form.addRow("", self.strength)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.change_button = self.buttons.addButton("C&hange passphrase", QDialogButtonBox.ButtonRole.AcceptRole)
        self.change_button.setProperty("primary", True)
        self.change_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for field in (self.current, self.new, self.confirm):
            field.textChanged.connect(lambda *_: self._update())
        self._update()

    def _update(self) -> None:
        _, hint = passphrase_strength(self.new.text())
        if self.confirm.text() and self.confirm.text() != self.new.text():
            hint += "  The two passphrases do not match yet."
        self.strength.setText(hint)
        self.change_button.setEnabled(
            len(self.new.text()) >= MIN_PASSPHRASE
            and self.new.text() == self.confirm.text()
            and (bool(self.current.text()) or not self.needs_current)
        )

    def accept(self) -> None:
        if self.change_button.isEnabled():
            super().accept()


def open_without_prompt(path: Path) -> Vault | None:
    """The vault opened with $HSAWALLET_PASSPHRASE or the keychain; None if a passphrase is needed.

    Raises VaultNewerError, and VaultLockedError when the environment's passphrase is wrong.
    """
    env = vaults.passphrase_from_env()
    if env is not None:
        return _busy(lambda: vaults.unlock(path, passphrase=env))
    try:
        return _busy(lambda: vaults.unlock(path))
    except VaultNewerError:
        raise
    except VaultLockedError:
        return None
