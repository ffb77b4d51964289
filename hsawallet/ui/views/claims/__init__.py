"""Claims: build a claim from eligible expenses and export its packet; track claims; the shoebox."""

from hsawallet.ui.views.claims.view import ClaimsView

__all__ = ["ClaimsView"]
