"""Words of payment that every reader of receipts shares: the card brands (a regular expression's
alternation, to be wrapped in word boundaries by its user)."""

from __future__ import annotations

# The networks a card slip names. "MC" is left out: alone it is as often a unit or an initial, so only
# readers that see it beside a card's digits add it.
CARD_BRANDS = (
    r"visa|master\s*card|mastercard|amex|american\s+express|discover|jcb|diners|union\s*pay|maestro|interac|eftpos"
)
