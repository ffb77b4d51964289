"""The Claims view: the New claim tab and the Claims tab (claims list and shoebox)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from hsawallet.ui.views.claims.claims_list import ClaimsListTab
from hsawallet.ui.views.claims.new_claim import NewClaimTab

NEW_CLAIM_TAB, CLAIMS_TAB = 0, 1


class ClaimsView(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.new_claim = NewClaimTab(ctx)
        self.claims = ClaimsListTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.new_claim, "&New claim")
        self.tabs.addTab(self.claims, "Cla&ims and shoebox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs)

        # An export asked for on the Claims tab runs (and reports) on the New claim tab.
        self.claims.exportRequested.connect(self._export)
        self.new_claim.busyChanged.connect(self.claims.set_exporting)

        ctx.bridge.peopleChanged.connect(self.reload)
        ctx.bridge.documentsChanged.connect(self.new_claim.reload_candidates)
        ctx.bridge.linksChanged.connect(self.new_claim.reload_candidates)
        ctx.bridge.claimsChanged.connect(self.claims.reload)
        ctx.bridge.claimsChanged.connect(self.new_claim.reload_candidates)
        self.reload()

    def reload(self) -> None:
        self.new_claim.reload()
        self.claims.reload()

    def select_record(self, kind: str, claim_id: int) -> None:
        self.tabs.setCurrentIndex(CLAIMS_TAB)
        self.claims.select_claim(claim_id)

    def _export(self, claim_id: int, folder: Path) -> None:
        self.tabs.setCurrentIndex(NEW_CLAIM_TAB)
        self.new_claim.export_claim(claim_id, folder)
