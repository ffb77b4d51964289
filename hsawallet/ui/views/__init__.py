"""The app's sections. Each view is ``View(ctx: AppContext, parent=None)``; views that show
records also have ``select_record(id)``. A view module that does not exist yet (or fails to
import) is replaced by a placeholder that says what the section will hold, so the shell
runs while the views are being written.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from hsawallet.vocab import RecordKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    module: str
    class_name: str
    icon: str
    blurb: str  # what the placeholder says until the view exists


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", "Dashboard", "hsawallet.ui.views.dashboard", "DashboardView", "dashboard",
            "What needs your attention: letters about to expire, receipts without a letter, "
            "claim deadlines and what you could still reimburse."),
    Section("documents", "Documents", "hsawallet.ui.views.documents", "DocumentsView", "documents",
            "Every file in the vault."),
    Section("receipts", "Receipts", "hsawallet.ui.views.receipts", "ReceiptsView", "receipts",
            "Your receipts with merchant, date, total and line items, each checked against "
            "your Letters of Medical Necessity."),
    Section("letters", "Letters", "hsawallet.ui.views.letters", "LettersView", "letters",
            "Letters of Medical Necessity: who they cover, what for and until when."),
    Section("claims", "Claims", "hsawallet.ui.views.claims", "ClaimsView", "claims",
            "Build a reimbursement claim from eligible expenses and export the packet."),
    Section("people", "People & Accounts", "hsawallet.ui.views.people", "PeopleView", "people",
            "Household members and HSA/FSA/HRA accounts."),
    Section("settings", "Settings", "hsawallet.ui.views.settings", "SettingsView", "settings",
            "Preferences."),
)

RECORD_SECTIONS = {RecordKind.DOCUMENT: "documents", RecordKind.RECEIPT: "receipts", RecordKind.LETTER: "letters",
                   RecordKind.CLAIM: "claims", RecordKind.PERSON: "people", RecordKind.ACCOUNT: "people"}


def section(key: str) -> Section:
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def load_view(sec: Section, ctx, parent: QWidget | None = None) -> QWidget:
    """The section's view, or a placeholder if its module is not there (yet)."""
    try:
        module = importlib.import_module(sec.module)
        cls = getattr(module, sec.class_name)
    except ModuleNotFoundError as exc:
        if exc.name and sec.module.startswith(exc.name):
            log.info("%s is not available yet; showing a placeholder", sec.module)
        else:
            log.exception("could not import %s", sec.module)
        cls = None
    except Exception:  # a half-written view must not keep the app from starting
        log.exception("could not import %s", sec.module)
        cls = None
    if cls is None:
        from hsawallet.ui.views.placeholder import PlaceholderView

        return PlaceholderView(ctx, parent, title=sec.title, blurb=sec.blurb, icon=sec.icon)
    return cls(ctx, parent)
