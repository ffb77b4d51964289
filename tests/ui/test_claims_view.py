"""Claims view: build a claim from a prepared vault, export it, track its status, the shoebox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hsawallet.services import claims
from tests.ui import helpers
from tests.ui.helpers import imported_ctx, imported_template  # noqa: F401 (fixtures)


def _open_view(qtbot, ctx):
    from hsawallet.ui.views.claims import ClaimsView

    view = ClaimsView(ctx)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitUntil(lambda: view.new_claim.expenses.rowCount() > 0, timeout=20000)
    return view


def cell(view, row: int, column: int) -> str:
    """A cell of the Claims list as shown ("" until its row's record has arrived)."""
    model = view.claims.model
    return model.data(model.index(row, column)) or ""


def test_build_and_export_a_claim_writes_the_pdf_and_the_zip(qtbot, imported_ctx, tmp_path):
    ctx, prepared = imported_ctx
    view = _open_view(qtbot, ctx)
    tab = view.new_claim
    assert set(tab.ticked_item_ids()) == set(prepared.item_ids)  # both covered items, ticked by default
    assert tab.ticked_total() == Decimal("180.00")
    assert "$180.00" in tab.total_label.text()

    tab.set_ticked({prepared.item_ids[1]})
    assert tab.ticked_total() == Decimal("95.00")
    out = tmp_path / "export"
    out.mkdir()
    with qtbot.waitSignal(tab.exported, timeout=60000) as blocker:
        tab.create_claim(out)
    pdf, bundle = blocker.args
    assert sorted(p.suffix for p in out.iterdir()) == [".pdf", ".zip"]
    assert pdf.endswith(".pdf") and bundle.endswith(".zip")
    assert tab.show_folder_button.isVisible()

    (claim,) = claims.list_claims(ctx.vault)
    assert [i.item_id for i in claim.items] == [prepared.item_ids[1]]
    assert claim.total == Decimal("95.00")


def test_claims_list_marks_submitted_reimbursed_and_denied(qtbot, ctx):
    person_id, account_id = helpers.add_household(ctx.vault)
    _d, _r, items = helpers.insert_receipt(
        ctx.vault,
        document_name="pharmacy.pdf",
        merchant="Corner Pharmacy",
        on=date(2026, 5, 2),
        person_id=person_id,
        account_id=account_id,
        items=[("Ibuprofen 200mg", "12.50", "otc_eligible", False), ("Bandages", "6.00", "otc_eligible", False)],
    )
    helpers.recompute(ctx.vault)
    first = claims.new_claim(ctx.vault, account=account_id, item_ids=[items[0]]).claim
    second = claims.new_claim(ctx.vault, account=account_id, item_ids=[items[1]]).claim
    from hsawallet.ui.views.claims import ClaimsView

    view = ClaimsView(ctx)
    qtbot.addWidget(view)
    view.show()
    listed = view.claims
    qtbot.waitUntil(lambda: listed.model.rowCount() == 2 and cell(view, 1, 3) == "Draft")
    view.select_record("claim", first.id)
    assert view.tabs.currentIndex() == 1
    assert listed.mark_submitted.isEnabled()

    listed.mark_selected("submitted", on=date(2026, 6, 1))
    qtbot.waitUntil(lambda: cell(view, 0, 3) == "Submitted")
    view.select_record("claim", first.id)
    listed.mark_selected("reimbursed", amount=Decimal("10.00"), on=date(2026, 6, 20))
    qtbot.waitUntil(lambda: cell(view, 0, 3) == "Reimbursed")
    assert cell(view, 0, 7) == "$10.00 on 2026-06-20"

    view.select_record("claim", second.id)
    listed.mark_selected("denied", reason="no itemized receipt")
    qtbot.waitUntil(lambda: cell(view, 1, 3) == "Denied")
    assert cell(view, 1, 8).endswith(": no itemized receipt")

    shoebox_text = [listed.shoebox.item(r, 1).text() for r in range(listed.shoebox.rowCount())]
    assert "Total — no deadline" in shoebox_text
