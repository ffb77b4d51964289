"""The packet's fonts and colours, and the text its standard fonts can show."""

from __future__ import annotations

import unicodedata

from reportlab.lib import colors

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
HEADER_FILL = colors.HexColor("#243b53")
ZEBRA_FILL = colors.HexColor("#f0f4f8")
NOTE_FILL = colors.HexColor("#fffbea")
NOTE_RULE = colors.HexColor("#f0b429")
ALERT = colors.HexColor("#b44d12")

# The standard PDF fonts: every reader has them, so nothing is embedded.
REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"


def pdf_text(text: str | None) -> str:
    """Text the standard PDF fonts can show (they cover Latin-1/WinAnsi only)."""
    text = text or ""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(folded or "?")
    return "".join(out)
