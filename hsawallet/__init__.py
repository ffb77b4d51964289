"""HSA Wallet: a private, encrypted desktop wallet for HSA/FSA receipts and LMNs."""

__version__ = "0.1.0"
