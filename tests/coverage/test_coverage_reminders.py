import threading
from datetime import date, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from hsawallet.coverage import ReminderService, Warning
from hsawallet.coverage.reminders import DAILY_JOB_ID, MISFIRE_GRACE_SECONDS, STARTUP_JOB_ID


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


def expiring(letter_id: int, days_left: int) -> Warning:
    return Warning("letter_expiring_soon", "warning", f"ends in {days_left} days", letter_id=letter_id)


def check_on(as_of: date) -> list[Warning]:
    """Letter 1 starts expiring on Nov 1 (its message changes daily); letter 2 from Nov 3."""
    found = []
    if as_of >= date(2026, 11, 1):
        found.append(expiring(1, (date(2026, 12, 31) - as_of).days))
    if as_of >= date(2026, 11, 3):
        found += [expiring(2, 40), Warning("letter_incomplete", "warning", "no NPI", letter_id=2)]
    return found


def test_exactly_one_notification_per_new_warning_with_a_fake_clock():
    clock = FakeClock(datetime(2026, 10, 30, 9, 0))
    notified: list[list[str]] = []
    saved: list[frozenset] = []
    service = ReminderService(
        check_on,
        lambda ws: notified.append([w.key for w in ws]),
        scheduler=BackgroundScheduler(),
        now=clock,
        save_notified=saved.append,
    )
    for _ in range(8):  # eight daily runs, one of them repeated the same day (start-up and daily)
        service.run_once()
        if clock().date() == date(2026, 11, 3):
            service.run_once()
        clock.advance(days=1)
    flat = [key for batch in notified for key in batch]
    assert notified == [["letter_expiring_soon:-:1:-:"], ["letter_expiring_soon:-:2:-:", "letter_incomplete:-:2:-:"]]
    assert len(flat) == len(set(flat)) == 3
    assert saved[-1] == frozenset(flat)
    service.stop()


def test_keys_restored_from_settings_are_not_notified_again():
    clock = FakeClock(datetime(2026, 11, 5, 9, 0))
    first_seen: list[frozenset] = []
    first = ReminderService(check_on, lambda ws: None, now=clock, save_notified=first_seen.append)
    first.run_once()
    notified = []
    again = ReminderService(check_on, notified.append, now=clock, notified_keys=first_seen[-1])
    assert again.run_once() == [] and notified == []
    assert again.notified_keys == first_seen[-1]


def test_start_schedules_a_startup_run_and_a_tolerant_daily_run():
    scheduler = BackgroundScheduler()
    scheduler.start(paused=True)
    try:
        service = ReminderService(check_on, lambda ws: None, scheduler=scheduler)
        service.start()
        daily = scheduler.get_job(DAILY_JOB_ID)
        startup = scheduler.get_job(STARTUP_JOB_ID)
        assert daily.coalesce and startup.coalesce
        assert daily.misfire_grace_time == MISFIRE_GRACE_SECONDS >= 12 * 3600
        assert "cron" in str(daily.trigger) and daily.max_instances == 1
        service.stop()
        assert scheduler.get_job(DAILY_JOB_ID) is None and scheduler.running  # not ours to shut down
    finally:
        scheduler.shutdown(wait=False)


def test_startup_run_happens_when_the_scheduler_runs():
    done = threading.Event()
    notified = []

    def notify(warnings):
        notified.append(warnings)
        done.set()

    service = ReminderService(lambda as_of: [expiring(9, 10)], notify)
    service.start()
    try:
        assert done.wait(30)
        assert [w.letter_id for w in notified[0]] == [9]
    finally:
        service.stop()


def test_a_failing_check_does_not_stop_the_service():
    calls = []

    def flaky(as_of):
        calls.append(as_of)
        if len(calls) == 1:
            raise RuntimeError("vault locked")
        return [expiring(1, 5)]

    notified = []
    service = ReminderService(flaky, notified.append, now=lambda: datetime(2026, 11, 1))
    service._job()  # the scheduled wrapper logs and carries on
    service._job()
    assert len(calls) == 2 and len(notified) == 1
