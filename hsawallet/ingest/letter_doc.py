"""A letter's lines as the role finders see them, and the evidence every finder shares: a value
after its label on the same line, or under its caption on the next line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hsawallet.ingest.candidates import Line, document_lines
from hsawallet.ingest.model import PageText

_I = re.IGNORECASE

# A numbered form field starts ("4. Patient DOB", "17.NPI #"): the previous field's value ends.
NEXT_FIELD = re.compile(r"\s(?=\d{1,2}\s?\.\s?[A-Za-z])")


@dataclass
class LetterDoc:
    pages: list[PageText]
    lines: list[Line] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    text: str = ""
    flat: str = ""
    ocr: bool = False
    scrawled: frozenset[str] = frozenset()

    @classmethod
    def of(cls, pages: list[PageText]) -> LetterDoc:
        cleaned = [
            PageText(
                p.index,
                p.text.replace("(cid:127)", "•"),
                p.source,
                p.confidence,
                p.scrawled_lines,
                p.words,
                p.width,
                p.height,
                p.marks,
            )
            for p in pages
        ]
        lines = document_lines(cleaned)
        texts = [line.text for line in lines]
        return cls(
            pages=cleaned,
            lines=lines,
            texts=texts,
            text="\n".join(texts),
            flat=" ".join(texts),
            ocr=any(p.source == "ocr" for p in pages),
            scrawled=frozenset(" ".join(s.split()) for p in pages for s in p.scrawled_lines),
        )

    def labelled(self, label: re.Pattern[str]) -> list[tuple[int, str]]:
        """(line index, the text after the label up to the next numbered field) for every label."""
        found = []
        for index, text in enumerate(self.texts):
            for match in label.finditer(text):
                value = text[match.end() :]
                value = NEXT_FIELD.split(value, maxsplit=1)[0]
                found.append((index, value))
        return found

    def under_caption(self, caption: re.Pattern[str], reach: int = 1) -> list[tuple[int, str]]:
        """(line index, value text) of the values under a caption line of a form: the caption
        stands alone ("Patient name   Patient date of birth") and the values fill the line below;
        with word boxes, only the words under the caption's own column are taken."""
        found = []
        for index, line in enumerate(self.lines):
            match = caption.search(line.text)
            if not match or not is_caption_line(line.text):
                continue
            for below in self.lines[index + 1 : index + 1 + reach]:
                if below.page != line.page or is_caption_line(below.text):
                    continue
                found.append((below.index, below.text))
        return found


_CAPTION_WORDS = re.compile(
    r"\b(name|date|birth|dob|credentials?|phone|telephone|npi|licen[sc]e|state|number|no|practice|address|"
    r"provider|physician|practitioner|patient|participant|employer|account|type|signature|frequency|diagnosis|"
    r"code|codes|icd|cm|recommended|item|service|or|and|of|the|medical|condition|most|recent|visit|relationship|"
    r"to|mm|dd|yyyy|\d)\b",
    _I,
)


def is_caption_line(text: str) -> bool:
    """A form's caption row: only caption words, no value (no name, date or number of its own)."""
    words = re.findall(r"[A-Za-z]+|\d+", text)
    if not words or re.search(r"\d{3}", text):
        return False
    rest = _CAPTION_WORDS.sub(" ", text)
    return not re.search(r"[A-Za-z]{2,}", rest)


__all__ = ["LetterDoc", "NEXT_FIELD", "is_caption_line"]
