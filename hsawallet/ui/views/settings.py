"""Settings: every option in config.OPTIONS, saved as soon as it changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hsawallet import config
from hsawallet.ui import style
from hsawallet.ui.context import AppContext, describe_error

LABELS = {
    "date_order": "Numeric dates",
    "expiring_days": "Letter expiry warning",
    "deadline_days": "Claim deadline warning",
    "notifications": "Desktop notifications",
    "ocr_workers": "Reading processes",
    "lock_minutes": "Lock when idle",
}
CHOICE_LABELS = {
    "mdy": "Month first (03/04 = March 4)",
    "dmy": "Day first (03/04 = 3 April)",
    "ymd": "Year first (2026/03/04)",
    "on": "On",
    "off": "Off",
}


class SettingsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editors: dict[str, QComboBox | QSpinBox] = {}
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(style.heading("Settings"))
        layout.addWidget(style.subtle("Changes are saved as soon as you make them."))
        card = QFrame()
        card.setObjectName("card")
        form = QFormLayout(card)
        form.setContentsMargins(18, 16, 18, 16)
        form.setVerticalSpacing(6)
        form.setHorizontalSpacing(18)
        for key, option in config.OPTIONS.items():
            editor = self._editor(key, option)
            self.editors[key] = editor
            label = QLabel("&" + LABELS.get(key, key.replace("_", " ").capitalize()) + ":")
            label.setBuddy(editor)
            form.addRow(label, editor)
            help_text = QLabel(option.help[:1].upper() + option.help[1:] + ".")
            help_text.setObjectName("hint")
            help_text.setWordWrap(True)
            form.addRow("", help_text)
        card.setMaximumWidth(720)
        layout.addWidget(card)
        self.passphrase_button = QPushButton("Change &passphrase…")
        self.passphrase_button.setToolTip("Re-encrypt the vault under a new master passphrase")
        self.passphrase_button.clicked.connect(self.change_passphrase)
        layout.addWidget(self.passphrase_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.status = QLabel("")
        self.status.setObjectName("hint")
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.reload()

    def _editor(self, key: str, option: config.Option) -> QComboBox | QSpinBox:
        if option.choices:
            combo = QComboBox()
            for choice in option.choices:
                combo.addItem(CHOICE_LABELS.get(choice, choice), choice)
            combo.currentIndexChanged.connect(lambda _i, k=key, c=combo: self._save(k, c.currentData()))
            return combo
        spin = QSpinBox()
        spin.setRange(option.low, option.high)
        if key.endswith("_days"):
            spin.setSuffix(" days before")
        elif key == "lock_minutes":
            spin.setSuffix(" minutes without use")
            spin.setSpecialValueText("Never")
        spin.valueChanged.connect(lambda value, k=key: self._save(k, str(value)))
        return spin

    def reload(self) -> None:
        self.ctx.query(self, config.all_values, self._show).run_in_background()

    def _show(self, values: dict) -> None:
        self._loading = True
        try:
            for key, value in values.items():
                editor = self.editors.get(key)
                if isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData(value)))
                elif isinstance(editor, QSpinBox):
                    editor.setValue(int(value))
        finally:
            self._loading = False

    def _save(self, key: str, value: str) -> None:
        if self._loading:
            return

        def saved(parsed) -> None:
            self.status.setText("Saved.")
            self.ctx.settingChanged.emit(key, parsed)

        self.ctx.change(self, lambda vault: config.set_value(vault, key, value), saved).failure(
            lambda exc: self.status.setText(f"Not saved: {describe_error(exc)}")
        ).run_in_background()

    def change_passphrase(self) -> None:
        from hsawallet.ui.unlock import ChangePassphraseDialog

        window = self.window()
        if not hasattr(window, "change_passphrase"):
            return
        dialog = ChangePassphraseDialog(self.ctx.vault.key.mode == "passphrase", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            window.change_passphrase(dialog.current.text() or None, dialog.new.text())
