"""The letter checklist: what a plan administrator looks for in a Letter of Medical Necessity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hsawallet.vocab import LETTER_CHECKLIST, LetterElement


@dataclass(frozen=True)
class ChecklistEntry:
    key: str
    label: str
    ok: bool
    why: str


CHECKLIST_KEYS: tuple[LetterElement, ...] = tuple(LetterElement)
LABELS: dict[str, str] = {key: label for key, label, _ in LETTER_CHECKLIST}
WHY: dict[str, str] = {key: why for key, _, why in LETTER_CHECKLIST}


def audit_letter(letter_fields_missing: Iterable[str]) -> list[ChecklistEntry]:
    """Every checklist element in order, marked ok unless it is among the missing keys.

    Unknown keys are ignored (the extractor may report more than the checklist)."""
    missing = set(letter_fields_missing)
    return [ChecklistEntry(key, label, key not in missing, why) for key, label, why in LETTER_CHECKLIST]


def describe_missing(letter_fields_missing: Iterable[str]) -> str:
    """'no ICD-10-CM diagnosis code (why...); no provider signature (why...)' in checklist order."""
    entries = [e for e in audit_letter(letter_fields_missing) if not e.ok]
    return "; ".join(f"missing {_lower_first(e.label)}: {e.why}" for e in entries)


def _lower_first(label: str) -> str:
    # Keep acronyms ("ICD-10-CM ...") as printed.
    return label if label[:2].isupper() else label[0].lower() + label[1:]
