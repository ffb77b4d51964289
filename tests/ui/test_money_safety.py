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
    qtbot.waitUntil(lambda: view.new_claim.expenses.rowCount() > 0, timeout=20000)
    return window, view


def cell(view, row: int, column: int) -> str:
    """A cell of the Claims list as shown ("" until its row's record has arrived)."""
    model = view.claims.model
    return model.data(model.index(row, column)) or ""


def test_creating_the_same_claim_twice_is_not_possible(qtbot, imported_ctx):
    ctx, prepared = imported_ctx
    _window, view = _claims_section(qtbot, ctx)
    tab = view.new_claim
    assert set(tab.ticked_item_ids()) == set(prepared.item_ids)
    with qtbot.waitSignal(ctx.bridge.claimsChanged, timeout=30000):
        tab.draft_button.click()
    # The New claim tab no longer offers what the draft holds, and says why.
    qtbot.waitUntil(lambda: tab.expenses.rowCount() == 0 and tab.left_out_label.isVisible(), timeout=20000)
    (first,) = claims.list_claims(ctx.vault)
    assert "2 expenses ($180.00) left out: already in claim" in tab.left_out_label.text()
    assert f"claim {first.id} (draft)" in tab.left_out_label.text()
    assert not tab.draft_button.isEnabled() and not tab.create_button.isEnabled()

    # A stale tick list (e.g. a second press before the view refreshed) is refused by the core.
    tab.ticked_item_ids = lambda: list(prepared.item_ids)
    tab.create_claim(None)
    qtbot.waitUntil(lambda: "Not done" in tab.result_label.text(), timeout=20000)
    assert "already in claim" in tab.result_label.text()
    assert len(claims.list_claims(ctx.vault)) == 1


def test_a_submitted_claim_is_withdrawn_then_deleted_and_its_expenses_come_back(qtbot, imported_ctx, monkeypatch):
    ctx, prepared = imported_ctx
    _window, view = _claims_section(qtbot, ctx)
    claim = claims.new_claim(ctx.vault, account=prepared.account_id).claim
    listed = view.claims
    qtbot.waitUntil(lambda: cell(view, 0, 3) == "Draft" and view.new_claim.expenses.rowCount() == 0, timeout=20000)
    view.select_record("claim", claim.id)
    assert listed.delete_button.isEnabled() and not listed.withdraw_button.isEnabled()

    # Submitted on a chosen day through the date picker.
    def pick_day(dialog):
        dialog.on.setDate(QDate(2026, 6, 1))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("hsawallet.ui.views.claims.dialogs.StatusDateDialog.exec", pick_day)
    listed.mark_submitted.click()
    qtbot.waitUntil(lambda: cell(view, 0, 3) == "Submitted", timeout=20000)
    assert cell(view, 0, 6) == "2026-06-01"
    view.select_record("claim", claim.id)
    assert listed.withdraw_button.isEnabled() and not listed.delete_button.isEnabled()

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    listed.withdraw_button.click()
    assert "Withdraw claim" in asked[0] and claims.get_claim(ctx.vault, claim.id).status == "submitted"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    listed.withdraw_button.click()
    qtbot.waitUntil(lambda: cell(view, 0, 3) == "Draft", timeout=20000)
    view.select_record("claim", claim.id)
    listed.delete_button.click()
    qtbot.waitUntil(lambda: listed.model.rowCount() == 0, timeout=20000)
    assert f"Claim {claim.id} deleted" in listed.claim_message.text()
    tab = view.new_claim
    qtbot.waitUntil(lambda: tab.expenses.rowCount() == 2 and not tab.left_out_label.isVisible(), timeout=20000)
    assert claims.list_claims(ctx.vault) == []


def test_marking_denied_takes_a_date_and_a_reason(qtbot, imported_ctx, monkeypatch):
    ctx, prepared = imported_ctx
    _window, view = _claims_section(qtbot, ctx)
    claim = claims.new_claim(ctx.vault, account=prepared.account_id).claim
    qtbot.waitUntil(lambda: cell(view, 0, 3) == "Draft", timeout=20000)
    view.select_record("claim", claim.id)

    def deny(dialog):
        dialog.on.setDate(QDate(2026, 7, 3))
        dialog.reason.setText("letter unsigned")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("hsawallet.ui.views.claims.dialogs.StatusDateDialog.exec", deny)
    view.claims.mark_denied.click()
    qtbot.waitUntil(lambda: cell(view, 0, 3) == "Denied", timeout=20000)
    assert cell(view, 0, 8) == "denied 2026-07-03: letter unsigned"
    listed = claims.get_claim(ctx.vault, claim.id)
    assert (listed.denied_on, listed.denied_reason) == (date(2026, 7, 3), "letter unsigned")
    assert listed.denied_on <= date.today()
    # a denied claim no longer holds its expenses
    qtbot.waitUntil(lambda: view.new_claim.expenses.rowCount() == 2, timeout=20000)


def test_a_manual_link_outside_the_letter_terms_asks_first_and_stays_marked(qtbot, ctx, monkeypatch):
    from sqlmodel import select

    from hsawallet.services import coverage
    from hsawallet.store.models import ManualLink
    from hsawallet.ui.main_window import MainWindow
    from tests.ui import helpers

    vault = ctx.vault
    person_id, account_id = helpers.add_household(vault)
    # A letter for sleep items; an orthopedic item bought after it.
    _ldoc, letter_id = helpers.insert_letter(
        vault, document_name="sleep-letter.pdf", person_id=person_id, issued=date(2026, 1, 10), categories=["sleep"]
    )
    _rdoc, receipt_id, (insoles_id,) = helpers.insert_receipt(
        vault,
        document_name="insoles.pdf",
        merchant="Stride Orthotics",
        on=date(2026, 3, 3),
        person_id=person_id,
        account_id=account_id,
        items=[("Custom orthotic insoles", "120.00", "orthopedic", True)],
    )
    helpers.recompute(vault)

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.open_record("receipt", receipt_id)
    view = window.view("receipts")
    qtbot.waitUntil(lambda: getattr(view.current_receipt(), "id", None) == receipt_id, timeout=20000)
    assert view.select_item(insoles_id)
    view.letter_combo.setCurrentIndex(view.letter_combo.findData(letter_id))

    asked = []

    def answering(reply):
        def question(_parent, _title, text, *_rest):
            asked.append(text)
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answering(QMessageBox.StandardButton.No))
    view.link_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert "the letter lists sleep, not orthopedic" in asked[0]
    with vault.session() as session:
        assert session.exec(select(ManualLink)).all() == []  # "No" links nothing

    monkeypatch.setattr(QMessageBox, "question", answering(QMessageBox.StandardButton.Yes))
    assert view.select_item(insoles_id)
    view.link_button.click()
    qtbot.waitUntil(lambda: view.items.item(0, 3).text() == "Linked by hand, outside the letter's terms", timeout=20000)
    assert view.select_item(insoles_id)
    assert "manual, outside the letter's terms" in view.reason_label.text()
    with vault.session() as session:
        found = {w.type: w for w in coverage.check(session, as_of=date(2026, 4, 1))}
    assert "needs_lmn_missing" not in found
    assert found["manual_link_outside_terms"].item_ids == (insoles_id,)
    assert found["manual_link_outside_terms"].letter_id == letter_id

    dashboard = window.show_section("dashboard")
    qtbot.waitUntil(
        lambda: any(w.type == "manual_link_outside_terms" for w in dashboard.warnings_shown()), timeout=20000
    )


def _unsigned_letter_vault(vault):
    """A massage covered by a letter that is not signed (administrators refuse it)."""
    from tests.ui import helpers

    person_id, account_id = helpers.add_household(vault)
    _ldoc, letter_id = helpers.insert_letter(
        vault,
        document_name="unsigned-letter.pdf",
        person_id=person_id,
        issued=date(2026, 1, 10),
        categories=["massage"],
        missing=["signature"],
    )
    _rdoc, receipt_id, items = helpers.insert_receipt(
        vault,
        document_name="spa.pdf",
        merchant="Bayside Massage",
        on=date(2026, 3, 3),
        person_id=person_id,
        account_id=account_id,
        items=[("Massage 60 min", "95.00", "massage", True)],
    )
    helpers.recompute(vault)
    return letter_id, receipt_id, items


def test_a_dismissed_warning_still_guards_the_export(qtbot, ctx, tmp_path):
    import pdfplumber
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hsawallet.ui.main_window import MainWindow

    letter_id, _receipt_id, (massage_id,) = _unsigned_letter_vault(ctx.vault)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.show_section("dashboard")
    qtbot.waitUntil(lambda: any(w.type == "letter_incomplete" for w in dashboard.warnings_shown()), timeout=20000)
    dashboard.select_warning(next(w.key for w in dashboard.warnings_shown() if w.type == "letter_incomplete"))
    dashboard.dismiss_button.click()
    qtbot.waitUntil(lambda: all(w.type != "letter_incomplete" for w in dashboard.warnings_shown()), timeout=20000)

    view = window.show_section("claims").new_claim
    qtbot.waitUntil(lambda: view.expenses.rowCount() == 1 and view.warnings.count() > 0, timeout=20000)
    texts = [view.warnings.item(i).text() for i in range(view.warnings.count())]
    assert any(
        t.startswith("Blocks the export: ") and "signature" in t and "(dismissed on the Dashboard" in t for t in texts
    ), texts

    out = tmp_path / "out"
    out.mkdir()
    asked = []

    def answer(button_text):
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(50, lambda: answer(button_text))
            return
        asked.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text().replace("&", "") == button_text).click()

    QTimer.singleShot(50, lambda: answer("Cancel"))
    view.create_claim(out)
    qtbot.waitUntil(lambda: bool(asked) and "not exported" in view.result_label.text(), timeout=30000)
    assert "signature" in asked[0] and list(out.iterdir()) == []
    (claim,) = claims.list_claims(ctx.vault)
    assert [i.item_id for i in claim.items] == [massage_id]  # saved as a draft, not exported

    asked.clear()
    QTimer.singleShot(50, lambda: answer("Export anyway"))
    with qtbot.waitSignal(view.exported, timeout=60000) as blocker:
        view.export_claim(claim.id, out)
    assert asked
    with pdfplumber.open(blocker.args[0]) as pdf:
        cover = pdf.pages[0].extract_text()
    assert "Exported anyway" in cover and "signature" in cover
    assert len(claims.list_claims(ctx.vault)) == 1


def test_a_letter_for_someone_not_in_people_covers_nothing_until_added_or_assigned(qtbot, ctx):
    from hsawallet.services import coverage, people
    from hsawallet.services.records import links_json
    from hsawallet.ui.main_window import MainWindow
    from tests.ui import helpers

    vault = ctx.vault
    _person_id, account_id = helpers.add_household(vault)
    sam = people.register_person(vault, name="Sam Whitfield")
    # Two letters for people the vault does not know; a purchase that names no one, bought after both.
    _d1, kevins = helpers.insert_letter(
        vault,
        document_name="kevin.pdf",
        person_id=None,
        patient_name="Kevin Young",
        issued=date(2026, 2, 1),
        categories=["sleep"],
    )
    _d2, nicknamed = helpers.insert_letter(
        vault,
        document_name="sammy.pdf",
        person_id=None,
        patient_name="Sammy Whitfeld-Ortiz",
        issued=date(2026, 1, 5),
        categories=["orthopedic"],
    )
    _r, _receipt_id, (pillow_id, insoles_id) = helpers.insert_receipt(
        vault,
        document_name="shop.pdf",
        merchant="Restwell Supply",
        on=date(2026, 3, 20),
        person_id=None,
        account_id=account_id,
        items=[("Cervical sleep pillow", "60.00", "sleep", True), ("Orthotic insoles", "45.00", "orthopedic", True)],
    )
    helpers.recompute(vault)

    def link(item_id):
        with vault.session() as session:
            return next(l for l in links_json(session) if l["item_id"] == item_id)

    assert link(pillow_id)["status"] == "no_letter" and "Kevin Young, who is not in People" in link(pillow_id)["reason"]
    assert link(insoles_id)["status"] == "no_letter"

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.show_section("dashboard")
    qtbot.waitUntil(
        lambda: sum(w.type == "letter_unknown_person" for w in dashboard.warnings_shown()) == 2, timeout=20000
    )

    def select_unknown(letter_id):
        dashboard.select_warning(
            next(
                w.key
                for w in dashboard.warnings_shown()
                if w.type == "letter_unknown_person" and w.letter_id == letter_id
            )
        )

    select_unknown(kevins)
    assert dashboard.add_person_button.isVisible() and dashboard.assign_button.isVisible()
    assert dashboard.add_person_button.text() == "&Add Kevin Young to People"
    dashboard.add_person_button.click()
    qtbot.waitUntil(
        lambda: sum(w.type == "letter_unknown_person" for w in dashboard.warnings_shown()) == 1, timeout=20000
    )
    assert link(pillow_id)["status"] == "covered"
    assert "covered by Laura M. Bennett's letter for Kevin Young, 2026-02-01 to 2027-01-31" in link(pillow_id)["reason"]

    select_unknown(nicknamed)
    action = next(a for a in dashboard.assign_menu.actions() if a.text() == "Sam Whitfield")
    action.trigger()
    qtbot.waitUntil(
        lambda: not any(w.type == "letter_unknown_person" for w in dashboard.warnings_shown()), timeout=20000
    )
    assert (link(insoles_id)["status"], link(insoles_id)["letter_id"]) == ("covered", nicknamed)
    assert "for Sam Whitfield" in link(insoles_id)["reason"]
    assert not dashboard.add_person_button.isVisible()
    with vault.session() as session:
        from hsawallet.store.models import Letter

        assert session.get(Letter, nicknamed).assigned_person_id == sam.id
    # the assignment survives a recomputation
    coverage.recompute_links(vault)
    assert link(insoles_id)["status"] == "covered"
