"""Dashboard: warnings of a prepared vault grouped by kind and person, opening the record behind one,
dismissing and restoring (one or many, with undo), the filter, totals, and the first steps."""

from __future__ import annotations

from collections import Counter
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt

from hsawallet.services import coverage, dashboard
from hsawallet.ui import undo
from hsawallet.ui.views.dashboard import CHILD_PAGE, EXPAND_ALL_UNDER
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


def _many_warnings_vault(vault, n: int):
    """``n`` receipts of items that need a letter and have none, for one person, and one for another."""
    person_id, account_id = helpers.add_household(vault)
    from hsawallet.services import people

    with vault.session() as session:
        other = people.add_person(session, name="Jamie Rivera").id
        session.commit()
    for k in range(n):
        helpers.insert_receipt(
            vault,
            document_name=f"gym-{k}.pdf",
            merchant=f"Gym {k}",
            on=date(2025, 1, 1 + k % 28),
            person_id=person_id,
            account_id=account_id,
            items=[("Personal training", "40.00", "fitness", True)],
        )
    helpers.insert_receipt(
        vault,
        document_name="spa.pdf",
        merchant="Bayside Massage",
        on=date(2025, 2, 2),
        person_id=other,
        account_id=account_id,
        items=[("Massage 60 min", "95.00", "massage", True)],
    )
    helpers.recompute(vault)


def _open_dashboard(qtbot, ctx):
    from hsawallet.ui.views.dashboard import DashboardView

    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    return view


def _key_of(view, warning_type):
    return next(w.key for w in view.warnings_shown() if w.type == warning_type)


def test_dashboard_lists_the_warnings_and_enter_opens_the_receipt(qtbot, ctx):
    letter_id, receipt_id, _ = _rule_vault(ctx.vault)
    view = _open_dashboard(qtbot, ctx)
    types = {w.type for w in view.warnings_shown()}
    assert {"purchase_before_letter", "letter_incomplete"} <= types
    assert view.warnings_shown()[0].severity == "error"  # most urgent group first
    assert view.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole).isNull() is False

    view.tree.setFocus()
    assert view.select_warning(_key_of(view, "purchase_before_letter"))
    with qtbot.waitSignal(ctx.recordRequested) as blocker:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert blocker.args[:2] == ["receipt", receipt_id]

    view.select_warning(_key_of(view, "letter_incomplete"))
    with qtbot.waitSignal(ctx.recordRequested) as blocker:
        view.open_button.click()
    assert blocker.args == ["letter", letter_id, 0]


def test_delete_dismisses_a_warning_and_it_can_be_restored(qtbot, ctx):
    _rule_vault(ctx.vault)
    view = _open_dashboard(qtbot, ctx)
    key = _key_of(view, "letter_incomplete")
    view.tree.setFocus()
    view.select_warning(key)
    qtbot.keyClick(view.tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: key not in {w.key for w in view.warnings_shown()})
    with ctx.vault.session() as session:
        assert key not in {coverage.warning_key(w) for w in coverage.check(session, include_dismissed=False)}

    view.show_dismissed.setChecked(True)
    qtbot.waitUntil(lambda: key in {w.key for w in view.warnings_shown()})
    view.select_warning(key)
    assert view.dismiss_button.text() == "&Restore"
    view.dismiss_button.click()
    qtbot.waitUntil(lambda: not any(w.dismissed for w in view.warnings_shown()))
    with ctx.vault.session() as session:
        assert key in {coverage.warning_key(w) for w in coverage.check(session, include_dismissed=False)}


def test_warnings_are_grouped_by_kind_and_person_and_fetched_when_a_group_opens(qtbot, ctx):
    n = CHILD_PAGE + 30
    _many_warnings_vault(ctx.vault, n)
    view = _open_dashboard(qtbot, ctx)
    model = view.model
    with ctx.vault.session() as session:
        warnings = coverage.check(session, include_dismissed=False)
    assert len(warnings) > EXPAND_ALL_UNDER
    # one group per (kind, person), with the count check gives
    groups = {(g.type, g.person): g.count for g in model.groups()}
    assert sum(groups.values()) == len(warnings)
    assert Counter(w.type for w in warnings) == Counter(
        {t: sum(c for (kind, _p), c in groups.items() if kind == t) for t, _ in groups}
    )
    assert groups[("needs_lmn_missing", helpers.PATIENT)] == n
    assert groups[("needs_lmn_missing", "Jamie Rivera")] == 1
    big = next(i for i, g in enumerate(model.groups()) if g.count == n)
    shown = model.index(big, 0).data()
    assert "Needs a letter, has none" in shown and helpers.PATIENT in shown and f"({n}" in shown

    # collapsed: no warning rows exist until the group is opened, then a page at a time
    parent = model.group_index(big)
    assert model.rowCount(parent) == 0
    view.tree.expand(parent)
    qtbot.waitUntil(lambda: model.rowCount(parent) > 0)
    assert model.rowCount(parent) == CHILD_PAGE + 1  # and a "Show more" row
    more = model.index(CHILD_PAGE, 0, parent)
    assert model.is_more_row(more) and more.data() == "Show 30 more of 30 left… (Enter)"
    view.tree.setFocus()
    view.tree.setCurrentIndex(more)
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert model.rowCount(parent) == n and not model.is_more_row(model.index(n - 1, 0, parent))
    assert {model.warning_at(model.index(r, 0, parent)).key for r in range(n)} == {
        coverage.warning_key(w) for w in warnings if w.type == "needs_lmn_missing" and w.receipt_id
    } - {w.key for w in view.warnings_shown() if w.person == "Jamie Rivera"}


def test_the_filter_keeps_the_warnings_that_say_every_word(qtbot, ctx):
    _many_warnings_vault(ctx.vault, 20)
    view = _open_dashboard(qtbot, ctx)
    everything = view.warnings_shown()
    qtbot.keyClicks(view.filter_edit, "jamie")
    qtbot.waitUntil(lambda: len(view.warnings_shown()) < len(everything))
    assert {w.person for w in view.warnings_shown()} == {"Jamie Rivera"}
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "gym 1")
    # every word somewhere in the warning, its person or its kind's title
    expected = [
        w
        for w in everything
        if all(word in f"{w.message} {w.person} {dashboard.WARNING_TITLES[w.type]}".casefold() for word in ("gym", "1"))
    ]
    qtbot.waitUntil(lambda: {w.key for w in view.warnings_shown()} == {w.key for w in expected})
    assert 0 < len(expected) < len(everything)


def test_a_selected_group_is_dismissed_at_once_and_undo_restores_it(qtbot, ctx):
    n = 30
    _many_warnings_vault(ctx.vault, n)
    view = _open_dashboard(qtbot, ctx)
    big = next(i for i, g in enumerate(view.model.groups()) if g.count == n)
    keys = {w.key for w in view.model.groups()[big].rows}
    # a group and one warning of another group, chosen together
    view.tree.selectionModel().select(
        view.model.group_index(big), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    )
    other = next(w for w in view.warnings_shown() if w.person == "Jamie Rivera")
    other_index = view.model.index_of(other.key)
    view.tree.selectionModel().select(
        other_index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    )
    assert {w.key for w in view.selected_warnings()} == keys | {other.key}
    assert view.dismiss_button.text() == f"&Dismiss {n + 1}"
    view.dismiss_button.click()

    def dismissed() -> frozenset[str]:
        with ctx.vault.session() as session:
            return coverage.dismissed_keys(session)

    qtbot.waitUntil(lambda: keys | {other.key} <= dismissed())
    qtbot.waitUntil(lambda: not ({w.key for w in view.warnings_shown()} & keys))
    stack = undo.stack(ctx)
    assert stack.undoText() == f"Dismiss {n + 1} warnings"
    stack.undo()
    qtbot.waitUntil(lambda: not (keys & dismissed()))
    qtbot.waitUntil(lambda: keys <= {w.key for w in view.warnings_shown()})
    stack.redo()
    qtbot.waitUntil(lambda: keys <= dismissed())

    # restore them all from the dismissed list
    view.show_dismissed.setChecked(True)
    qtbot.waitUntil(lambda: keys <= {w.key for w in view.warnings_shown() if w.dismissed})
    group = next(i for i, g in enumerate(view.model.groups()) if {r.key for r in g.rows} == keys)
    view.tree.selectionModel().select(
        view.model.group_index(group),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert view.dismiss_button.text() == f"&Restore {n}"
    view.dismiss_button.click()
    qtbot.waitUntil(lambda: not (keys & dismissed()))


def test_totals_and_chart_of_the_account(qtbot, ctx):
    _rule_vault(ctx.vault)
    data = dashboard.load(ctx.vault, today=date(2026, 6, 1))
    (line,) = data.totals
    assert (line.account, str(line.spent), str(line.covered), str(line.unclaimed)) == (
        "Family HSA",
        "180.00",
        "95.00",
        "95.00",
    )
    assert [(b.label, str(b.claimed), str(b.unclaimed)) for b in data.chart] == [("Family HSA 2026", "0", "95.00")]
    assert not data.first_run

    view = _open_dashboard(qtbot, ctx)
    assert view.totals.item(0, 0).text() == "Family HSA"


def test_a_letters_deadline_names_the_person_and_the_provider(ctx):
    _rule_vault(ctx.vault)
    data = dashboard.load(ctx.vault, today=date(2027, 2, 15))  # the letter runs to 2027-03-01
    (deadline,) = [d for d in data.deadlines if d.warning.type == "letter_expiring_soon"]
    assert (deadline.due, deadline.what) == (
        date(2027, 3, 1),
        f"{helpers.PATIENT}'s letter from Laura M. Bennett expires",
    )


def test_an_empty_vault_shows_the_first_steps(qtbot, window):
    ctx = window.ctx
    view = window.show_section("dashboard")
    qtbot.waitUntil(lambda: view.left.currentWidget() is view.first_run)
    assert [m.text() for m in view.first_run.step_marks] == ["1", "2", "3"]
    assert view.first_run.isVisible() and not view.attention_box.isVisible()

    view.first_run.people_button.click()
    assert window.current_section() == "people"
    helpers.add_household(ctx.vault)
    ctx.bridge.peopleChanged.emit()
    window.show_section("dashboard")
    qtbot.waitUntil(lambda: view.first_run.step_marks[0].text() == "✓")
    assert view.left.currentWidget() is view.first_run  # no documents yet

    _rule_vault_documents_only(ctx.vault)
    ctx.bridge.documentsChanged.emit()
    qtbot.waitUntil(lambda: view.left.currentWidget() is view.attention_box)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)


def _rule_vault_documents_only(vault):
    helpers.insert_receipt(
        vault,
        document_name="gym.pdf",
        merchant="Harborview Fitness Club",
        on=date(2026, 2, 10),
        person_id=None,
        account_id=None,
        items=[("Personal training", "85.00", "fitness", True)],
    )
    helpers.recompute(vault)


def test_main_window_shows_the_record_behind_a_warning(qtbot, ctx):
    from hsawallet.ui.main_window import MainWindow

    letter_id, receipt_id, _ = _rule_vault(ctx.vault)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    board = window.show_section("dashboard")
    qtbot.waitUntil(lambda: board.model.rowCount() > 0)

    board.select_warning(_key_of(board, "purchase_before_letter"))
    board.open_current()
    assert window.current_section() == "receipts"
    receipts = window.view("receipts")
    qtbot.waitUntil(lambda: getattr(receipts.current_receipt(), "id", None) == receipt_id)
    assert receipts.table.current_id() == receipt_id

    window.show_section("dashboard")
    board.select_warning(_key_of(board, "letter_incomplete"))
    board.open_current()
    assert window.current_section() == "letters"
    letters = window.view("letters")
    qtbot.waitUntil(lambda: getattr(letters.current_letter(), "id", None) == letter_id)


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
