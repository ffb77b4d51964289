"""Claim packet PDF: a cover sheet, then each receipt, then each covering letter.

The packet is assembled as pypdf objects; nothing is drawn twice, and only the
pages drawn here with reportlab (the cover, notice pages) are parsed back:

* PDF documents keep their own pages (and text layer). Their content streams are
  never parsed or rewritten: the stamp is one more small content stream appended to
  the page, with the standard Helvetica font added to the page resources (`stamp`).
* Photos and scans become US Letter pages; a JPEG that is not too dense is embedded
  as is (DCTDecode, metadata segments dropped), anything else is re-encoded once (`images`).
* The cover is laid out as rows on pages (`table`, `cover`) before it is drawn with
  reportlab's pdfgen canvas, so the page numbers it refers to are known by then; its
  pages are then added and stamped like a document's (`assembly`).

Every page gets "Page N of M" and the claim title.
"""

from hsawallet.claims.packet.assembly import PacketInfo, build_packet
from hsawallet.claims.packet.sources import documents_checked_once, verify_document

__all__ = ["PacketInfo", "build_packet", "documents_checked_once", "verify_document"]
