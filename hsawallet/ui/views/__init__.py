"""The app's sections. Each view is ``View(ctx: AppContext, parent=None)``; views that show
records also have ``select_record(kind, id)`` (kind: a RecordKind). A view's module is imported
the first time its section is shown.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from hsawallet.vocab import RecordKind


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    module: str
    class_name: str
    icon: str


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", "Dashboard", "hsawallet.ui.views.dashboard", "DashboardView", "dashboard"),
    Section("documents", "Documents", "hsawallet.ui.views.documents", "DocumentsView", "documents"),
    Section("receipts", "Receipts", "hsawallet.ui.views.receipts", "ReceiptsView", "receipts"),
    Section("letters", "Letters", "hsawallet.ui.views.letters", "LettersView", "letters"),
    Section("claims", "Claims", "hsawallet.ui.views.claims", "ClaimsView", "claims"),
    Section("people", "People & Accounts", "hsawallet.ui.views.people", "PeopleView", "people"),
    Section("settings", "Settings", "hsawallet.ui.views.settings", "SettingsView", "settings"),
)

RECORD_SECTIONS: dict[str, str] = {
    RecordKind.DOCUMENT: "documents",
    RecordKind.RECEIPT: "receipts",
    RecordKind.LETTER: "letters",
    RecordKind.CLAIM: "claims",
    RecordKind.PERSON: "people",
    RecordKind.ACCOUNT: "people",
}


def section(key: str) -> Section:
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def load_view(sec: Section, ctx: object, parent: QWidget | None = None) -> QWidget:
    """The section's view, its module imported on first use."""
    cls = getattr(importlib.import_module(sec.module), sec.class_name)
    view: QWidget = cls(ctx, parent)
    return view
