"""Typed user settings kept inside the vault (secrets never: those live in the keychain)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from hsawallet.store.settings import read_setting, write_setting

if TYPE_CHECKING:
    from hsawallet.store.engine import Vault


class SettingError(ValueError):
    pass


@dataclass(frozen=True)
class Option:
    """A setting: one word of ``choices``, else a whole number from ``low`` to ``high`` (the Settings
    view picks its editor from these, the CLI's ``set`` is checked by them)."""

    key: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0

    def parse(self, value: str) -> Any:
        if self.choices:
            word = value.strip().lower()
            if word not in self.choices:
                raise SettingError(f"must be one of {', '.join(self.choices)}")
            return word
        try:
            number = int(value)
        except ValueError:
            raise SettingError("must be a whole number") from None
        if not self.low <= number <= self.high:
            raise SettingError(f"must be between {self.low} and {self.high}")
        return number


OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        Option(
            "date_order",
            "mdy",
            "how to read numeric dates like 03/04/2026: month first (mdy), day first (dmy) or year first (ymd)",
            choices=("mdy", "dmy", "ymd"),
        ),
        Option(
            "expiring_days", 60, "warn this many days before a letter of medical necessity expires", low=1, high=366
        ),
        Option("deadline_days", 60, "warn this many days before an FSA/HRA claim deadline", low=1, high=366),
        Option(
            "notifications",
            "on",
            "show desktop notifications for new warnings while the app runs",
            choices=("on", "off"),
        ),
        Option("ocr_workers", 2, "processes used to read documents in parallel", low=1, high=16),
        Option(
            "lock_minutes",
            0,
            "lock the app after this many minutes without keyboard or mouse use (0: never)",
            low=0,
            high=1440,
        ),
    )
}


def get(session: Session, key: str) -> Any:
    option = OPTIONS[key]
    stored = read_setting(session, key)
    if stored is None:
        return option.default
    try:
        return option.parse(stored)
    except SettingError:
        return option.default


def set_value(vault: Vault, key: str, value: str) -> Any:
    """Save a setting (SettingError if the key or value is not one); its parsed value."""
    if key not in OPTIONS:
        raise SettingError(f"unknown setting '{key}'; known: {', '.join(OPTIONS)}")
    try:
        parsed = OPTIONS[key].parse(str(value))
    except SettingError as exc:
        raise SettingError(f"{key} {exc}") from None
    with vault.session() as session:
        write_setting(session, key, str(parsed))
    return parsed


def all_values(session: Session) -> dict[str, Any]:
    return {key: get(session, key) for key in OPTIONS}
