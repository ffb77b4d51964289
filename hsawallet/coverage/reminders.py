"""Daily reminders: run the warning check at start-up and once a day, notify only what is new.

Qt-free: the GUI injects APScheduler's ``QtScheduler`` and a ``notify`` that shows desktop
notifications; by default a ``BackgroundScheduler`` runs the job in a thread. Missed runs
(laptop asleep, app closed over midnight) collapse into one run thanks to ``coalesce`` and a
generous ``misfire_grace_time``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from .model import Warning

log = logging.getLogger(__name__)

DAILY_JOB_ID = "hsawallet-daily-check"
STARTUP_JOB_ID = "hsawallet-startup-check"
# A run missed by up to a day still happens (once) when the computer wakes up.
MISFIRE_GRACE_SECONDS = 24 * 60 * 60
# The daily check runs in the morning, when a notice is seen before the day's purchases.
DAILY_AT = time(9, 0)


class ReminderService:
    """Calls ``check(as_of)`` on a schedule and ``notify(new_warnings)`` for warnings never shown.

    ``notified_keys`` is the set already shown (e.g. loaded from the vault settings);
    ``save_notified(keys)`` is called with the whole set whenever it grows, so the caller can
    persist it. ``now`` is the clock (injectable for tests).
    """

    def __init__(
        self,
        check: Callable[[date], Iterable[Warning]],
        notify: Callable[[list[Warning]], None],
        *,
        scheduler: BaseScheduler | None = None,
        now: Callable[[], datetime] = datetime.now,
        notified_keys: Iterable[str] = (),
        save_notified: Callable[[frozenset[str]], None] | None = None,
        daily_at: time = DAILY_AT,
    ) -> None:
        self._check = check
        self._notify = notify
        self._now = now
        self._save = save_notified
        self._daily_at = daily_at
        self._notified: set[str] = set(notified_keys)
        self._lock = threading.Lock()
        self._owns_scheduler = scheduler is None
        if scheduler is None:
            from apscheduler.schedulers.background import BackgroundScheduler

            scheduler = BackgroundScheduler()
        self.scheduler = scheduler

    @property
    def notified_keys(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._notified)

    def run_once(self) -> list[Warning]:
        """Run the check now; notify and return the warnings not notified before."""
        with self._lock:
            as_of = self._now().date()
            fresh: list[Warning] = []
            seen_now: set[str] = set()
            for warning in self._check(as_of):
                if warning.key in self._notified or warning.key in seen_now:
                    continue
                seen_now.add(warning.key)
                fresh.append(warning)
            if not fresh:
                return []
            # Remember before notifying: a failing notifier must not repeat the same alert daily.
            self._notified |= seen_now
            keys = frozenset(self._notified)
        if self._save is not None:
            self._save(keys)
        self._notify(fresh)
        return fresh

    def _job(self) -> None:
        try:
            self.run_once()
        except Exception:  # a failing check must not kill the scheduler; no document data in the log
            log.exception("reminder check failed")

    def start(self) -> None:
        """Schedule the start-up run and the daily run, and start the scheduler if needed."""
        common = dict(coalesce=True, max_instances=1, misfire_grace_time=MISFIRE_GRACE_SECONDS, replace_existing=True)
        # No trigger: run once as soon as the scheduler starts (scheduler time, not the injected clock).
        self.scheduler.add_job(self._job, id=STARTUP_JOB_ID, **common)
        self.scheduler.add_job(
            self._job, CronTrigger(hour=self._daily_at.hour, minute=self._daily_at.minute), id=DAILY_JOB_ID, **common
        )
        if not self.scheduler.running:
            self.scheduler.start()

    def stop(self) -> None:
        """Remove the jobs; shut the scheduler down only if this service created it."""
        for job_id in (STARTUP_JOB_ID, DAILY_JOB_ID):
            try:
                self.scheduler.remove_job(job_id)
            except Exception:  # already ran (the date job) or never added
                pass
        if self._owns_scheduler and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
