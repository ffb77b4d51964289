"""Editable fields of a receipt or letter: low-confidence values in amber, the user's edits marked.

Saving calls ``documents.set_field`` for each changed field in the background (a CollectionOp);
the vault keeps each correction as a FieldEdit, so re-reading the document never undoes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsawallet.services.document_records import LetterRecord, ReceiptRecord
from hsawallet.services.records import money
from hsawallet.services.vault import Vault
from hsawallet.ui import style

LOW_CONFIDENCE = 0.8
LOW_CONFIDENCE_TIP = "Read with low confidence — please check this value against the document."
EDITED_TIP = "You corrected this value; re-reading the document keeps your correction."
AMBER_STYLE = "background-color: #ffe3a1; color: #3a2c00;"
EDITED_STYLE = "color: #1f5fa8; font-size: 11px;"


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the name documents.set_field takes
    label: str  # with a mnemonic (&)
    kind: str = "text"  # text | date | money | int | list | bool
    placeholder: str = ""


RECEIPT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("merchant", "&Merchant"),
    FieldSpec("date", "&Date", "date", "YYYY-MM-DD"),
    FieldSpec("total", "&Total", "money", "0.00"),
    FieldSpec("subtotal", "S&ubtotal", "money", "0.00"),
    FieldSpec("tax", "Ta&x", "money", "0.00"),
    FieldSpec("card_last4", "&Card (last 4)", "text", "its last four digits"),
    FieldSpec("patient", "&Patient", "text", "name printed on the receipt"),
)

LETTER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("patient_name", "&Patient"),
    FieldSpec("patient_dob", "Date of &birth", "date", "YYYY-MM-DD"),
    FieldSpec("diagnosis", "Dia&gnosis"),
    FieldSpec("icd10", "&ICD-10 codes", "list", "e.g. M54.50, E66.9"),
    FieldSpec("items", "Reco&mmended", "list", "items or services, comma separated"),
    FieldSpec("categories", "Cat&egories", "list", "e.g. fitness, massage"),
    FieldSpec("frequency", "&Frequency"),
    FieldSpec("duration_months", "D&uration (months)", "int"),
    FieldSpec("provider_name", "Pro&vider"),
    FieldSpec("provider_credentials", "Cre&dentials", "text", "MD, DO, NP…"),
    FieldSpec("provider_license", "&License no."),
    FieldSpec("provider_npi", "&NPI"),
    FieldSpec("provider_contact", "C&ontact", "text", "address or phone"),
    FieldSpec("issue_date", "Issue da&te", "date", "YYYY-MM-DD"),
    FieldSpec("valid_through", "Valid t&hrough", "date", "YYYY-MM-DD"),
    FieldSpec("signed", "Signed b&y provider", "bool"),
)


def display_value(spec: FieldSpec, value: object) -> str:
    """A record's value (text, day, amount, number, list, bool or None) as the text the user edits."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if spec.kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return money(value) or ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class FieldForm(QWidget):
    """One record's fields. ``set_record`` fills it; ``save`` writes what the user changed."""

    saved = Signal(int)  # document id
    saveFailed = Signal(str)
    dirtyChanged = Signal(bool)

    def __init__(self, ctx, specs: tuple[FieldSpec, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._specs = {spec.name: spec for spec in specs}
        self._document_id: int | None = None
        self._original: dict[str, str] = {}
        self._confidence: dict[str, float] = {}
        self._edited: set[str] = set()
        self._editors: dict[str, QLineEdit | QCheckBox] = {}
        self._marks: dict[str, QLabel] = {}
        self._looks_right: dict[str, QAction] = {}
        self._confirmed: set[str] = set()  # kept as read after a "looks right"
        self._saving = False

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        for spec in specs:
            if spec.kind == "bool":
                editor: QLineEdit | QCheckBox = QCheckBox()
                editor.toggled.connect(self._on_changed)
            else:
                editor = QLineEdit()
                editor.setPlaceholderText(spec.placeholder)
                editor.setClearButtonEnabled(False)
                editor.textEdited.connect(self._on_changed)
                editor.returnPressed.connect(self.save)
                looks_right = editor.addAction(style.icon("check", style.OK), QLineEdit.ActionPosition.TrailingPosition)
                looks_right.setToolTip("Looks right: keep this value as it was read")
                looks_right.triggered.connect(lambda _checked=False, name=spec.name: self.confirm(name))
                looks_right.setVisible(False)
                self._looks_right[spec.name] = looks_right
            editor.setObjectName(f"field_{spec.name}")
            editor.setAccessibleName(spec.label.replace("&", ""))
            mark = QLabel()
            mark.setStyleSheet(EDITED_STYLE)
            mark.setToolTip(EDITED_TIP)
            mark.setMinimumWidth(52)
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(editor, 1)
            row.addWidget(mark)
            label = QLabel(spec.label)
            label.setBuddy(editor)
            form.addRow(label, row)
            self._editors[spec.name] = editor
            self._marks[spec.name] = mark

        self._error = QLabel()
        self._error.setWordWrap(True)
        self._error.setStyleSheet("color: #b3261e;")
        self._error.hide()
        self._save_button = QPushButton("S&ave corrections")
        self._save_button.setToolTip("Keep your corrections (Ctrl+S or Enter in a field)")
        self._save_button.clicked.connect(self.save)
        self._revert_button = QPushButton("&Revert")
        self._revert_button.setToolTip("Undo the changes not saved yet")
        self._revert_button.clicked.connect(self.revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self._error, 1)
        buttons.addWidget(self._revert_button)
        buttons.addWidget(self._save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        save_key = QShortcut(QKeySequence.StandardKey.Save, self)
        save_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_key.activated.connect(self.save)
        self.clear()

    # ------------------------------------------------------------------ public API

    @property
    def document_id(self) -> int | None:
        return self._document_id

    def editor(self, name: str) -> QLineEdit | QCheckBox:
        return self._editors[name]

    def is_low_confidence(self, name: str) -> bool:
        return name not in self._edited and self._confidence.get(name, 1.0) < LOW_CONFIDENCE

    def is_edited(self, name: str) -> bool:
        return name in self._edited

    def set_record(
        self,
        document_id: int,
        record: ReceiptRecord | LetterRecord,
        edited: set[str] | None = None,
    ) -> None:
        """Show ``record``'s fields (each spec names a field of the record), those read with low
        confidence marked, those in ``edited`` marked as the user's."""
        if document_id != self._document_id:
            self._confirmed = set()  # the same record shown again (after a save) keeps its marks
        self._document_id = document_id
        self._confidence = dict(record.confidence)
        self._edited = set(edited or ())
        self._confirmed &= self._edited
        self._original = {}
        for name, spec in self._specs.items():
            text = display_value(spec, getattr(record, name))
            self._original[name] = text
            self._put(name, text)
            self._editors[name].setEnabled(True)
            self._decorate(name)
        self._error.hide()
        self._update_buttons()

    def clear(self) -> None:
        self._document_id = None
        self._original = {}
        self._edited = set()
        self._confidence = {}
        for name, editor in self._editors.items():
            editor.blockSignals(True)
            if isinstance(editor, QCheckBox):
                editor.setChecked(False)
            else:
                editor.clear()
            editor.blockSignals(False)
            editor.setEnabled(False)
            self._decorate(name)
        self._error.hide()
        self._update_buttons()

    def changed_fields(self) -> dict[str, str]:
        return {
            name: self._current(name) for name in self._editors if self._current(name) != self._original.get(name, "")
        }

    def is_dirty(self) -> bool:
        return bool(self.changed_fields())

    def revert(self) -> None:
        if self._document_id is None:
            return
        for name, text in self._original.items():
            self._put(name, text)
        self._error.hide()
        self._update_buttons()

    def confirm(self, name: str) -> None:
        """ "Looks right": keep a low-confidence value as read (stored as the user's own value, so a
        re-read keeps it and it is no longer marked)."""
        if self._document_id is None or self._saving or not self._current(name):
            return
        self._write({name: self._current(name)}, confirmed=True)

    def save(self) -> None:
        """Write the changed fields in the background; ``saved`` or ``saveFailed`` follows."""
        changes = self.changed_fields()
        if self._document_id is None or not changes or self._saving:
            return
        self._write(changes)

    def _write(self, changes: dict[str, str], confirmed: bool = False) -> None:
        from hsawallet.services import documents

        document_id = self._document_id
        if document_id is None:
            return

        def write(vault: Vault) -> None:
            for name, raw in changes.items():
                documents.set_field(vault, document_id, name, raw)

        def done(_result=None) -> None:
            self._saving = False
            self._edited |= set(changes)
            if confirmed:
                self._confirmed |= set(changes)
            else:
                self._confirmed -= set(changes)
            self._original.update(changes)
            for name in changes:
                self._confidence[name] = 1.0
                self._decorate(name)
            self._update_buttons()
            self.saved.emit(document_id)

        def fail(exc: BaseException) -> None:
            self._saving = False
            self._error.setText(str(exc))
            self._error.show()
            self._update_buttons()
            self.saveFailed.emit(str(exc))

        self._saving = True
        self._error.hide()
        self._update_buttons()
        self._ctx.change(self, write, done).failure(fail).run_in_background()

    # ------------------------------------------------------------------ internals

    def _put(self, name: str, text: str) -> None:
        """Show ``text`` in the field's editor, not as a change of the user's."""
        editor = self._editors[name]
        editor.blockSignals(True)
        if isinstance(editor, QCheckBox):
            editor.setChecked(text == "yes")
        else:
            editor.setText(text)
            editor.setCursorPosition(0)
        editor.blockSignals(False)

    def _current(self, name: str) -> str:
        editor = self._editors[name]
        if isinstance(editor, QCheckBox):
            return "yes" if editor.isChecked() else "no"
        return editor.text().strip()

    def _decorate(self, name: str) -> None:
        editor, mark = self._editors[name], self._marks[name]
        low = self._document_id is not None and self.is_low_confidence(name)
        edited = name in self._edited
        editor.setStyleSheet(AMBER_STYLE if low else "")
        editor.setToolTip(LOW_CONFIDENCE_TIP if low else EDITED_TIP if edited else "")
        editor.setProperty("lowConfidence", low)
        editor.setProperty("edited", edited)
        mark.setText("✓ checked" if name in self._confirmed else "✎ edited" if edited else "")
        if name in self._looks_right:
            self._looks_right[name].setVisible(low and bool(self._current(name)))

    def _on_changed(self, *_args) -> None:
        self._error.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = self._document_id is not None and self.is_dirty()
        self._save_button.setEnabled(dirty and not self._saving)
        self._revert_button.setEnabled(dirty and not self._saving)
        self.dirtyChanged.emit(dirty)
