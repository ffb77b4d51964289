"""Core services used alike by the CLI and the GUI (no Qt here)."""
