"""The Receipts and Letters lists on a vault of several pages: what they show, page by page, sorted and
filtered, is what the services give (real vault, offscreen Qt)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hsawallet.services import lists
from hsawallet.services.lists import LetterSort, ReceiptSort
from hsawallet.ui.models.lazy_table import PAGE_SIZE
from tests.services.test_lists import fill


def _shown(qtbot, view):
    view.resize(1280, 760)
    view.show()
    qtbot.waitUntil(lambda: view.model.loaded_once and not view.model.loading)
    return view


def _wait_ids(qtbot, model, expected: list[int]) -> None:
    qtbot.waitUntil(lambda: not model.loading and model.ids() == expected, timeout=10000)


def test_receipts_list_fetches_pages_sorts_and_filters_in_the_database(qtbot, ctx):
    from hsawallet.ui.views.receipts import ReceiptsView

    fill(ctx.vault, 450)
    view = _shown(qtbot, ReceiptsView(ctx))
    qtbot.addWidget(view)
    model = view.model
    with ctx.vault.session() as session:
        newest_first = lists.receipt_ids(session)
    assert model.ids() == newest_first and model.rowCount() == 450
    assert view.count_label.text() == "450 receipts"

    # only what was painted is fetched; a far row comes when it is scrolled to
    far = 2 * PAGE_SIZE + 20
    qtbot.waitUntil(lambda: model.record(model.id_at(0)) is not None)
    assert model.record(model.id_at(far)) is None
    view.table.scrollTo(model.index(far, 0))
    qtbot.waitUntil(lambda: model.record(model.id_at(far)) is not None)
    with ctx.vault.session() as session:
        row = lists.receipt_rows(session, [model.id_at(far)])[model.id_at(far)]
    assert model.index(far, 1).data() == (row.merchant or row.file)
    assert model.index(far, 2).data().replace("$", "").replace(",", "") == (row.total or "—")

    # a click on the Total header: ascending, from the database; the selected receipt stays selected
    view.select_record("receipt", newest_first[5])
    qtbot.waitUntil(lambda: getattr(view.current_receipt(), "id", None) == newest_first[5])
    view.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
    with ctx.vault.session() as session:
        by_total = lists.receipt_ids(session, sort=ReceiptSort.TOTAL, descending=False)
    _wait_ids(qtbot, model, by_total)
    assert view.table.current_id() == newest_first[5]

    # the filter: the database's answer, and the count says how many of all
    qtbot.keyClicks(view.filter_edit, "harbor 2024")
    with ctx.vault.session() as session:
        filtered = lists.receipt_ids(session, sort=ReceiptSort.TOTAL, descending=False, words="harbor 2024")
    _wait_ids(qtbot, model, filtered)
    assert 0 < len(filtered) < 450
    assert view.count_label.text() == f"{len(filtered)} of 450 receipts"

    # asking for a receipt the filter hides clears the filter and shows it
    hidden = next(i for i in by_total if i not in filtered)
    view.select_record("receipt", hidden)
    qtbot.waitUntil(lambda: getattr(view.current_receipt(), "id", None) == hidden)
    assert view.filter_edit.text() == "" and model.rowCount() == 450
    assert view.table.current_id() == hidden


def test_receipt_from_a_warning_opens_at_its_line_item(qtbot, ctx):
    from hsawallet.ui.views.receipts import ReceiptsView
    from tests.ui import helpers

    person_id, account_id = helpers.add_household(ctx.vault)
    _doc, receipt_id, item_ids = helpers.insert_receipt(
        ctx.vault,
        document_name="two.pdf",
        merchant="Bayside Massage",
        on=None,
        person_id=person_id,
        account_id=account_id,
        items=[("Massage 30 min", "50.00", "massage", True), ("Massage oil", "12.00", "massage", True)],
    )
    view = _shown(qtbot, ReceiptsView(ctx))
    qtbot.addWidget(view)
    view.select_record("receipt", receipt_id, item_ids[1])
    qtbot.waitUntil(lambda: view._selected_item_id() == item_ids[1])
    assert getattr(view.current_receipt(), "id", None) == receipt_id


def test_a_receipt_asked_for_stays_selected_when_the_list_reloads_before_its_details_come(qtbot, ctx):
    from hsawallet.ui.views.receipts import ReceiptsView

    fill(ctx.vault, 30)
    view = _shown(qtbot, ReceiptsView(ctx))
    qtbot.addWidget(view)
    wanted = view.model.id_at(7)
    view.model.refresh()  # the vault changed: the ids come again (asked before the receipt's details)
    view.select_record("receipt", wanted)
    qtbot.waitUntil(lambda: getattr(view.current_receipt(), "id", None) == wanted and not view.model.loading)
    assert view.table.current_id() == wanted


def test_letters_list_sorts_by_status_the_database_computes(qtbot, ctx):
    from hsawallet.ui.views.letters import STATE_TEXT, LettersView

    fill(ctx.vault, 5)
    view = _shown(qtbot, LettersView(ctx))
    qtbot.addWidget(view)
    model = view.model
    view.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.AscendingOrder)
    with ctx.vault.session() as session:
        by_status = lists.letter_ids(session, sort=LetterSort.STATUS, descending=False)
        rows = lists.letter_rows(session, by_status)
    _wait_ids(qtbot, model, by_status)
    qtbot.waitUntil(lambda: model.record(model.id_at(0)) is not None)
    shown = [model.index(r, 4).data() for r in range(model.rowCount())]
    assert shown == [STATE_TEXT[rows[i].state] for i in by_status]
    assert shown[0] == "Valid" and shown[-1] == "No dates"

    qtbot.keyClicks(view.filter_edit, "bay")
    with ctx.vault.session() as session:
        filtered = lists.letter_ids(session, sort=LetterSort.STATUS, descending=False, words="bay")
    _wait_ids(qtbot, model, filtered)
    qtbot.waitUntil(lambda: model.record(model.id_at(0)) is not None)
    assert all(model.index(r, 2).data().startswith("Dr. Bay") for r in range(model.rowCount()))
