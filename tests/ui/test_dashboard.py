"""Dashboard: warnings of a prepared vault, opening the record behind one, dismissing, totals."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from hsawallet.services import coverage
from tests.ui import helpers


def _rule_vault(vault):
    """A purchase made before its letter (error) and an incomplete letter (warning)."""
    person_id, account_id = helpers.add_household(vault)
    _ldoc, letter_id = helpers.insert_letter(
        vault,
        document_name="lmn.pdf",
        person_id=person_id,
        issued=date(2026, 3, 2),
        categories=["fitness", "massage"],
        missing=["provider_license"],
    )
    _rdoc, receipt_id, item_ids = helpers.insert_receipt(
        vault,
        document_name="gym.pdf",
        merchant="Harborview Fitness Club",
        on=date(2026, 2, 10),
        person_id=person_id,
        account_id=account_id,
        items=[("Personal training", "85.00", "fitness", True)],
    )
    _cdoc, covered_id, _ = helpers.insert_receipt(
        vault,
        document_name="spa.pdf",
        merchant="Bayside Massage",
        on=date(2026, 4, 10),
        person_id=person_id,
        account_id=account_id,
        items=[("Massage 60 min", "95.00", "massage", True)],
    )
    helpers.recompute(vault)
    return letter_id, receipt_id, covered_id


def _open_dashboard(qtbot, ctx):
    from hsawallet.ui.views.dashboard import DashboardView

    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitUntil(lambda: view.attention.count() > 0)
    return view


def _row_of(view, warning_type):
    return next(i for i, w in enumerate(view.warnings_shown()) if w["type"] == warning_type)


def test_dashboard_lists_the_warnings_and_enter_opens_the_receipt(qtbot, ctx):
    letter_id, receipt_id, _ = _rule_vault(ctx.vault)
    view = _open_dashboard(qtbot, ctx)
    types = {w["type"] for w in view.warnings_shown()}
    assert {"purchase_before_letter", "letter_incomplete"} <= types
    assert view.warnings_shown()[0]["severity"] == "error"  # most urgent first
    assert view.attention.item(0).icon().isNull() is False

    view.attention.setFocus()
    view.attention.setCurrentRow(_row_of(view, "purchase_before_letter"))
    with qtbot.waitSignal(ctx.recordRequested) as blocker:
        qtbot.keyClick(view.attention, Qt.Key.Key_Return)
    assert blocker.args == ["receipt", receipt_id]

    view.attention.setCurrentRow(_row_of(view, "letter_incomplete"))
    with qtbot.waitSignal(ctx.recordRequested) as blocker:
        view.open_button.click()
    assert blocker.args == ["letter", letter_id]


def test_delete_dismisses_a_warning_and_it_can_be_restored(qtbot, ctx):
    _rule_vault(ctx.vault)
    view = _open_dashboard(qtbot, ctx)
    row = _row_of(view, "letter_incomplete")
    key = view.warnings_shown()[row]["key"]
    view.attention.setFocus()
    view.attention.setCurrentRow(row)
    qtbot.keyClick(view.attention, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: key not in {w["key"] for w in view.warnings_shown()})
    assert key not in {coverage.warning_key(w) for w in coverage.check(ctx.vault, include_dismissed=False)}

    view.show_dismissed.setChecked(True)
    qtbot.waitUntil(lambda: key in {w["key"] for w in view.warnings_shown()})
    view.attention.setCurrentRow(_row_of(view, "letter_incomplete"))
    assert view.dismiss_button.text() == "&Restore"
    view.dismiss_button.click()
    qtbot.waitUntil(lambda: not any(w["dismissed"] for w in view.warnings_shown()))
    assert key in {coverage.warning_key(w) for w in coverage.check(ctx.vault, include_dismissed=False)}


def test_totals_and_chart_of_the_account(qtbot, ctx):
    _rule_vault(ctx.vault)
    from hsawallet.ui.views.dashboard import load_dashboard

    data = load_dashboard(ctx.vault, today=date(2026, 6, 1))
    (line,) = data.totals
    assert (line.account, str(line.spent), str(line.covered), str(line.unclaimed)) == (
        "Family HSA",
        "180.00",
        "95.00",
        "95.00",
    )
    assert [(g.label, [str(v) for v in g.values]) for g in data.chart] == [("Family HSA 2026", ["0", "95.00"])]

    view = _open_dashboard(qtbot, ctx)
    assert view.totals.item(0, 0).text() == "Family HSA"


def test_main_window_shows_the_record_behind_a_warning(qtbot, ctx):
    from hsawallet.ui.main_window import MainWindow

    letter_id, receipt_id, _ = _rule_vault(ctx.vault)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.show_section("dashboard")
    qtbot.waitUntil(lambda: dashboard.attention.count() > 0)

    dashboard.attention.setCurrentRow(_row_of(dashboard, "purchase_before_letter"))
    dashboard.open_warning(dashboard.attention.currentItem())
    assert window.current_section() == "receipts"
    receipts = window.view("receipts")
    qtbot.waitUntil(lambda: (receipts.current_receipt() or {}).get("id") == receipt_id)
    assert receipts.table.current_id() == receipt_id

    window.show_section("dashboard")
    dashboard.attention.setCurrentRow(_row_of(dashboard, "letter_incomplete"))
    dashboard.open_warning(dashboard.attention.currentItem())
    assert window.current_section() == "letters"
    letters = window.view("letters")
    qtbot.waitUntil(lambda: (letters.current_letter() or {}).get("id") == letter_id)


def test_reminders_show_each_new_warning_once_in_the_status_bar_without_a_tray(qtbot, ctx):
    from apscheduler.schedulers.background import BackgroundScheduler

    from hsawallet.ui.notifications import start_reminders

    _rule_vault(ctx.vault)
    reminders = start_reminders(ctx, None, tray_available=False, scheduler=BackgroundScheduler(), start=False)
    try:
        with qtbot.waitSignal(ctx.statusMessage) as blocker:
            fresh = reminders.run_now()
        assert {w.type for w in fresh} >= {"purchase_before_letter", "letter_incomplete"}
        # one line for the status bar: the most severe warning, and how many more there are
        assert blocker.args[0].startswith("2 new warnings: Harborview Fitness Club")
        assert "+1 more on the Dashboard" in blocker.args[0]
        assert reminders.shown and "new warnings" in reminders.shown[0][0]
        assert coverage.notified_keys(ctx.vault) >= {coverage.warning_key(w) for w in fresh}
        assert reminders.run_now() == []  # shown once only
    finally:
        reminders.stop()


def test_reminders_run_at_start_on_the_qt_scheduler(qtbot, ctx):
    from hsawallet.ui.notifications import start_reminders

    _rule_vault(ctx.vault)
    with qtbot.waitSignal(ctx.statusMessage, timeout=30000):
        reminders = start_reminders(ctx, None, tray_available=False)
    try:
        assert len(reminders.shown) == 1
    finally:
        reminders.stop()
