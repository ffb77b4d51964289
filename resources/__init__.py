"""Data files shipped inside the package as ``hsawallet.resources`` (see pyproject's package-dir)."""
