"""Typed user settings kept inside the vault (secrets never: those live in the keychain)."""

from __future__ import annotations

from collections.abc import Callable
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
    key: str
    default: Any
    parse: Callable[[str], Any]
    help: str


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip().lower()
        if value not in choices:
            raise SettingError(f"must be one of {', '.join(choices)}")
        return value

    return parse


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise SettingError("must be a whole number") from None
        if not low <= number <= high:
            raise SettingError(f"must be between {low} and {high}")
        return number

    return parse


OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        Option(
            "date_order",
            "mdy",
            _choice("mdy", "dmy", "ymd"),
            "how to read numeric dates like 03/04/2026: month first (mdy), day first (dmy) or year first (ymd)",
        ),
        Option(
            "expiring_days", 60, _int_range(1, 366), "warn this many days before a letter of medical necessity expires"
        ),
        Option("deadline_days", 60, _int_range(1, 366), "warn this many days before an FSA/HRA claim deadline"),
        Option(
            "notifications",
            "on",
            _choice("on", "off"),
            "show desktop notifications for new warnings while the app runs",
        ),
        Option("ocr_workers", 2, _int_range(1, 16), "processes used to read documents in parallel"),
        Option(
            "lock_minutes",
            0,
            _int_range(0, 1440),
            "lock the app after this many minutes without keyboard or mouse use (0: never)",
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
