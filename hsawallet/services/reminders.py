"""Reminders over an open vault: warnings checked on a schedule, each new one notified once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from hsawallet import config
from hsawallet.coverage.model import Warning
from hsawallet.coverage.reminders import ReminderService
from hsawallet.services import coverage
from hsawallet.store.engine import Vault

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler


def notifications_on(vault: Vault) -> bool:
    """The user's setting; while off, warnings stay un-notified and are shown once it is turned on."""
    with vault.session() as session:
        return bool(config.get(session, "notifications") != "off")


def _new_warnings(vault: Vault, as_of: date) -> list[Warning]:
    if not notifications_on(vault):
        return []
    with vault.session() as session:
        return coverage.check(session, as_of=as_of, include_dismissed=False)


def reminder_service(
    vault: Vault, *, notify: Callable[[list[Warning]], None], scheduler: BaseScheduler | None = None
) -> ReminderService:
    """A ReminderService (not started) that remembers in the vault which warnings were already notified."""
    return ReminderService(
        check=lambda as_of: _new_warnings(vault, as_of),
        notify=notify,
        scheduler=scheduler,
        notified_keys=coverage.notified_keys(vault),
        save_notified=lambda keys: coverage.mark_notified(vault, set(keys)),
    )
