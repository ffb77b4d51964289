"""The documents a packet holds, each opened once with its page count known up front."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

import pi_heif
from PIL import Image
from pypdf import PdfReader

from hsawallet.claims.model import ClaimDocument

log = logging.getLogger(__name__)

pi_heif.register_heif_opener()

Role = Literal["receipt", "letter"]

# Inside documents_checked_once(): the documents already checked against their recorded
# hash (id -> the object itself, which also keeps the id from being reused).
_checked: ContextVar[dict[int, ClaimDocument] | None] = ContextVar("hsawallet_checked_documents", default=None)


@contextmanager
def documents_checked_once() -> Iterator[None]:
    """Within the block, verify_document() checks each document object only once.

    export_claim uses it: the bundle and the packet read the same documents, and a
    ClaimDocument is frozen with immutable bytes, so a second check proves nothing new.
    Outside such a block every call checks.
    """
    token = _checked.set({})
    try:
        yield
    finally:
        _checked.reset(token)


def verify_document(doc: ClaimDocument) -> None:
    """doc.verify(): raise ClaimDataError when the bytes do not match the recorded hash."""
    checked = _checked.get()
    if checked is not None and checked.get(id(doc)) is doc:
        return
    doc.verify()
    if checked is not None:
        checked[id(doc)] = doc


@dataclass
class Source:
    """One receipt or letter: a PDF (`reader`), an image (`image`), or neither when it cannot be read."""

    doc: ClaimDocument
    role: Role
    page_count: int
    reader: PdfReader | None = None
    image: Image.Image | None = None

    @property
    def unreadable(self) -> bool:
        return self.reader is None and self.image is None

    @classmethod
    def load(cls, doc: ClaimDocument, role: Role) -> Source:
        verify_document(doc)
        try:
            if doc.data[:1024].lstrip().startswith(b"%PDF") or doc.media_type == "application/pdf":
                reader = PdfReader(io.BytesIO(doc.data))
                if reader.is_encrypted:
                    reader.decrypt("")  # owner-password-only PDFs open with an empty password
                if len(reader.pages) == 0:
                    raise ValueError("PDF without pages")
                return cls(doc, role, len(reader.pages), reader=reader)
            image = Image.open(io.BytesIO(doc.data))
            # Only TIFF frames are pages; MPO/HEIF extra frames are depth maps or previews.
            frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
            return cls(doc, role, frames, image=image)
        except Exception as exc:  # a damaged file must not sink the whole packet
            log.warning("document %s could not be rendered: %s", doc.document_id, type(exc).__name__)
            return cls(doc, role, 1)
