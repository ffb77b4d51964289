"""Money safety through the real main window and vault: an expense is claimed once, claims can be
deleted or withdrawn, status changes take a date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QMessageBox

from hsawallet.services import claims
from tests.ui.helpers import imported_ctx, imported_template  # noqa: F401 (fixtures)


def _claims_section(qtbot, ctx):
    from hsawallet.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    view = window.show_section("claims")
    qtbot.waitUntil(lambda: view.expenses.rowCount() > 0, timeout=20000)
    return window, view


def test_creating_the_same_claim_twice_is_not_possible(qtbot, imported_ctx):
    ctx, prepared = imported_ctx
    _window, view = _claims_section(qtbot, ctx)
    assert set(view.ticked_item_ids()) == set(prepared.item_ids)
    with qtbot.waitSignal(ctx.bridge.claimsChanged, timeout=30000):
        view.draft_button.click()
    # The New claim tab no longer offers what the draft holds, and says why.
    qtbot.waitUntil(lambda: view.expenses.rowCount() == 0 and view.left_out_label.isVisible(), timeout=20000)
    (first,) = claims.list_claims(ctx.vault)
    assert "2 expenses ($180.00) left out: already in claim" in view.left_out_label.text()
    assert f"claim {first['id']} (draft)" in view.left_out_label.text()
    assert not view.draft_button.isEnabled() and not view.create_button.isEnabled()

    # A stale tick list (e.g. a second press before the view refreshed) is refused by the core.
    view.ticked_item_ids = lambda: list(prepared.item_ids)
    view.create_claim(None)
    qtbot.waitUntil(lambda: "Not done" in view.result_label.text(), timeout=20000)
    assert "already in claim" in view.result_label.text()
    assert len(claims.list_claims(ctx.vault)) == 1


def test_a_submitted_claim_is_withdrawn_then_deleted_and_its_expenses_come_back(qtbot, imported_ctx, monkeypatch):
    ctx, prepared = imported_ctx
    _window, view = _claims_section(qtbot, ctx)
    claim = claims.new_claim(ctx.vault, account=prepared.account_id)
    qtbot.waitUntil(lambda: view.claims_table.rowCount() == 1 and view.expenses.rowCount() == 0, timeout=20000)
    view.select_record(claim["id"])
    assert view.delete_button.isEnabled() and not view.withdraw_button.isEnabled()

    # Submitted on a chosen day through the date picker.
    def pick_day(dialog):
        dialog.on.setDate(QDate(2026, 6, 1))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("hsawallet.ui.views.claims.StatusDateDialog.exec", pick_day)
    view.mark_submitted.click()
    qtbot.waitUntil(lambda: view.claims_table.item(0, 3).text() == "Submitted", timeout=20000)
    assert view.claims_table.item(0, 6).text() == "2026-06-01"
    view.select_record(claim["id"])
    assert view.withdraw_button.isEnabled() and not view.delete_button.isEnabled()

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    view.withdraw_button.click()
    assert "Withdraw claim" in asked[0] and claims.claim_json(ctx.vault, claim["id"])["status"] == "submitted"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.withdraw_button.click()
    qtbot.waitUntil(lambda: view.claims_table.item(0, 3).text() == "Draft", timeout=20000)
    view.select_record(claim["id"])
    view.delete_button.click()
    qtbot.waitUntil(lambda: view.claims_table.rowCount() == 0, timeout=20000)
    assert f"Claim {claim['id']} deleted" in view.claim_message.text()
    qtbot.waitUntil(lambda: view.expenses.rowCount() == 2 and not view.left_out_label.isVisible(), timeout=20000)
    assert claims.list_claims(ctx.vault) == []


def test_marking_denied_takes_a_date_and_a_reason(qtbot, imported_ctx, monkeypatch):
    ctx, prepared = imported_ctx
    _window, view = _claims_section(qtbot, ctx)
    claim = claims.new_claim(ctx.vault, account=prepared.account_id)
    qtbot.waitUntil(lambda: view.claims_table.rowCount() == 1, timeout=20000)
    view.select_record(claim["id"])

    def deny(dialog):
        dialog.on.setDate(QDate(2026, 7, 3))
        dialog.reason.setText("letter unsigned")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("hsawallet.ui.views.claims.StatusDateDialog.exec", deny)
    view.mark_denied.click()
    qtbot.waitUntil(lambda: view.claims_table.item(0, 3).text() == "Denied", timeout=20000)
    assert view.claims_table.item(0, 8).text() == "denied 2026-07-03: letter unsigned"
    listed = claims.claim_json(ctx.vault, claim["id"])
    assert (listed["denied_on"], listed["denied_reason"]) == ("2026-07-03", "letter unsigned")
    assert date.fromisoformat(listed["denied_on"]) <= date.today()
    # a denied claim no longer holds its expenses
    qtbot.waitUntil(lambda: view.expenses.rowCount() == 2, timeout=20000)
