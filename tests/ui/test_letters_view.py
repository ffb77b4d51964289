"""Letters view: checklist ticks and crosses, validity window, fields (real encrypted vault)."""

from __future__ import annotations

from datetime import date

from tests.ui import helpers
from tests.ui.helpers import imported_ctx, imported_template  # noqa: F401 (fixtures)


def _open_view(qtbot, ctx):
    from hsawallet.ui.views.letters import LettersView

    return helpers.show_list_view(qtbot, LettersView(ctx))


def _select(qtbot, view, letter_id):
    helpers.select_shown(qtbot, view, "letter", letter_id, view.current_letter)


def test_checklist_shows_a_cross_with_the_reason_for_each_missing_element(qtbot, ctx):
    person_id, _account_id = helpers.add_household(ctx.vault)
    _doc, letter_id = helpers.insert_letter(
        ctx.vault,
        document_name="lmn.pdf",
        person_id=person_id,
        issued=date(2026, 2, 1),
        categories=["massage"],
        missing=["provider_license", "signature"],
    )
    view = _open_view(qtbot, ctx)
    _select(qtbot, view, letter_id)

    entries = {label: (ok, why) for label, ok, why in view.checklist_entries()}
    assert len(entries) == 14
    assert entries["Provider state license number"][0] is False
    assert "license number" in entries["Provider state license number"][1]
    assert entries["Provider signature"][0] is False
    assert entries["Patient full name"][0] is True
    assert "2 of 14" in view.checklist_summary.text()
    assert "✗" in view.checklist.item(0).text()
    assert "2 missing" in view.table.model().index(0, 5).data()


def test_validity_window_says_whether_the_end_date_is_stated_or_default(qtbot, ctx):
    person_id, _ = helpers.add_household(ctx.vault)
    _d1, default_id = helpers.insert_letter(
        ctx.vault, document_name="a.pdf", person_id=person_id, issued=date(2026, 3, 12), categories=["fitness"]
    )
    _d2, stated_id = helpers.insert_letter(
        ctx.vault,
        document_name="b.pdf",
        person_id=person_id,
        issued=date(2026, 1, 5),
        categories=["sleep"],
        valid_through=date(2026, 7, 4),
        stated=True,
    )
    view = _open_view(qtbot, ctx)
    _select(qtbot, view, default_id)
    text = view.validity_label.text()
    assert "Issued 2026-03-12" in text and "valid through 2027-03-11" in text and "default" in text
    _select(qtbot, view, stated_id)
    text = view.validity_label.text()
    assert "valid through 2026-07-04" in text and "stated on the letter" in text


def test_imported_letter_shows_its_fields_and_a_complete_checklist(qtbot, imported_ctx):
    ctx, prepared = imported_ctx
    view = _open_view(qtbot, ctx)
    _select(qtbot, view, prepared.letter_ids[0])
    assert view.form.editor("patient_name").text() == helpers.PATIENT
    assert view.form.editor("icd10").text() == "M54.50"
    assert view.form.editor("issue_date").text() == "2026-03-02"
    assert all(ok for _label, ok, _why in view.checklist_entries())
    qtbot.waitUntil(lambda: view.viewer.page_count == 1)


def test_expiring_soon_follows_the_expiring_days_setting(qtbot, ctx):
    from datetime import timedelta

    from hsawallet import config

    person_id, _ = helpers.add_household(ctx.vault)
    today = date.today()
    helpers.insert_letter(
        ctx.vault,
        document_name="a.pdf",
        person_id=person_id,
        issued=today - timedelta(days=200),
        categories=["fitness"],
        valid_through=today + timedelta(days=100),
        stated=True,
    )
    view = _open_view(qtbot, ctx)
    # 100 days away; the default window is shorter (the row arrives after the ids)
    qtbot.waitUntil(lambda: view.table.model().index(0, 4).data() == "Valid")

    config.set_value(ctx.vault, "expiring_days", "120")
    view.reload()
    qtbot.waitUntil(lambda: view.table.model().index(0, 4).data() == "Expiring soon")
