"""A search hit opens the receipt or letter itself at the page that matched; a document read as
"other" is previewed in the Documents view at its page, and can be reclassified."""

from __future__ import annotations

from sqlmodel import select

from hsawallet.services import documents
from hsawallet.store.models import Receipt
from hsawallet.ui import ops
from hsawallet.vocab import DocumentKind
from tests.conftest import text_pdf_bytes
from tests.ui.helpers import add_household, import_documents

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
    qtbot.waitUntil(lambda: (view.current_receipt() or {}).get("id") == receipt_id, timeout=30_000)
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
