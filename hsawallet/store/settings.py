"""The vault's setting rows (key -> text); hsawallet.config gives them types and defaults."""

from __future__ import annotations

from sqlmodel import Session

from hsawallet.store.models import Setting


def read_setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return None if row is None else row.value


def write_setting(session: Session, key: str, value: str) -> None:
    """Stored and committed."""
    row = session.get(Setting, key) or Setting(key=key, value="")
    row.value = value
    session.add(row)
    session.commit()
