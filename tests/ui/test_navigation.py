"""A search hit opens the receipt or letter itself at the page that matched; a document read as
"other" is previewed in the Documents view at its page, and can be reclassified."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from hsawallet.services import coverage, documents
from hsawallet.store.models import Receipt
from hsawallet.ui import ops
from hsawallet.vocab import DocumentKind
from tests.conftest import text_pdf_bytes
from tests.ui.helpers import add_household, import_documents, insert_receipt, recompute

RECEIPT_PAGE = [
    "Corner Pharmacy",
    "12 Main Street, Springfield",
    "SALES RECEIPT",
    "Date: 04/20/2026",
    "Ibuprofen 200 mg 100 ct        $9.99",
    "Subtotal $9.99",
    "Tax $0.00",
    "Total $9.99",
    "VISA ending in 4417",
]
NOTES_PAGE = ["Pharmacist notes", "Counselled on dosing; marigoldtrail reference kept on file."]
STATEMENT_PAGES = [
    ["Explanation of Benefits", "THIS IS NOT A BILL", "Member: Dana Whitfield", "Claim processed 03/02/2026"],
    ["Plan summary", "Deductible met to date: $400.00", "Ask about juniperquay coverage options."],
]


def _hit_item(window, query):
    window.search_box.setText(query)
    window.run_search()
    results = window.search_results.results
    return results


def test_a_search_hit_opens_the_receipt_at_the_page_that_matched(qtbot, window, ctx, tmp_path):
    _person, account = add_household(ctx.vault)
    ids = import_documents(
        ctx.vault, tmp_path / "in", {"pharmacy.pdf": text_pdf_bytes([RECEIPT_PAGE, NOTES_PAGE])}, account_id=account
    )
    with ctx.vault.session() as session:
        receipt_id = session.exec(select(Receipt.id).where(Receipt.document_id == ids["pharmacy.pdf"])).one()

    results = _hit_item(window, "marigoldtrail")
    qtbot.waitUntil(lambda: results.count() == 1)
    assert "Receipt, page 2" in results.item(0).text()
    results.itemActivated.emit(results.item(0))

    assert window.current_section() == "receipts"
    view = window.view("receipts")
    qtbot.waitUntil(lambda: getattr(view.current_receipt(), "id", None) == receipt_id, timeout=30_000)
    qtbot.waitUntil(lambda: view.viewer.document_id == ids["pharmacy.pdf"] and view.viewer.page_count == 2)
    qtbot.waitUntil(lambda: view.viewer.page_index == 1)
    ops.wait_idle()


def test_an_other_document_is_previewed_at_its_page_and_can_be_reclassified(qtbot, window, ctx, tmp_path):
    ids = import_documents(ctx.vault, tmp_path / "in", {"statement.pdf": text_pdf_bytes(STATEMENT_PAGES)})
    doc_id = ids["statement.pdf"]
    with ctx.vault.session() as session:
        assert documents.documents_by_id(session, [doc_id])[doc_id].kind == DocumentKind.OTHER

    results = _hit_item(window, "juniperquay")
    qtbot.waitUntil(lambda: results.count() == 1)
    assert "Other document, page 2" in results.item(0).text()
    results.itemActivated.emit(results.item(0))

    assert window.current_section() == "documents"
    view = window.view("documents")
    qtbot.waitUntil(lambda: view.selected_ids() == [doc_id], timeout=30_000)
    qtbot.waitUntil(lambda: view.viewer.document_id == doc_id and view.viewer.page_count == 2)
    qtbot.waitUntil(lambda: view.viewer.page_index == 1)

    view.reclassify(doc_id, DocumentKind.LETTER)
    ops.wait_idle(timeout=120)
    with ctx.vault.session() as session:
        assert documents.documents_by_id(session, [doc_id])[doc_id].kind == DocumentKind.LETTER


def test_a_warning_opens_the_line_item_it_is_about(qtbot, window, ctx):
    person_id, account_id = add_household(ctx.vault)
    _doc, receipt_id, item_ids = insert_receipt(
        ctx.vault,
        document_name="mixed.pdf",
        merchant="Bayside Wellness",
        on=date(2026, 5, 2),
        person_id=person_id,
        account_id=account_id,
        items=[("Bandages", "4.25", "otc_eligible", False), ("Massage 60 min", "95.00", "massage", True)],
    )
    recompute(ctx.vault)
    with ctx.vault.session() as session:
        (warning,) = [w for w in coverage.check(session) if w.type == "needs_lmn_missing"]
    assert warning.item_id == item_ids[1]
    dashboard = window.show_section("dashboard")
    qtbot.waitUntil(lambda: dashboard.select_warning(warning.key), timeout=30_000)

    dashboard.open_current()

    assert window.current_section() == "receipts"
    receipts = window.view("receipts")
    qtbot.waitUntil(lambda: getattr(receipts.current_receipt(), "id", None) == receipt_id, timeout=30_000)
    qtbot.waitUntil(lambda: receipts._selected_item_id() == item_ids[1])
    ops.wait_idle()
