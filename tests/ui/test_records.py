"""Fixing and removing records in the GUI: people, accounts and documents, each confirmed by name,
each undone by Edit > Undo; reclassifying a document. Real main window, real vault."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from hsawallet.services import people
from hsawallet.store.models import Account, Document, Person, Receipt
from hsawallet.ui import ops, undo
from hsawallet.ui.main_window import MainWindow
from tests.ui.helpers import imported_ctx, imported_template  # noqa: F401 (fixtures)


@pytest.fixture
def asked(monkeypatch):
    """Every removal is confirmed; the questions asked are kept."""
    questions: list[str] = []

    def confirm(parent, title, text, action):
        questions.append(text)
        return True

    monkeypatch.setattr(undo, "confirm", confirm)
    return questions


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def _people_view(window):
    view = window.show_section("people")
    view.reload()
    ops.wait_idle()
    return view


def _names(vault) -> list[str]:
    with vault.session() as session:
        return sorted(p.name for p in session.exec(select(Person)))


def test_edit_a_person_then_undo_puts_the_old_name_back(qtbot, ctx):
    with ctx.vault.session() as session:
        person_id = people.add_person(session, name="Jordan Smiht", dob=date(1990, 2, 3)).id
    window = _window(qtbot, ctx)
    view = _people_view(window)
    dialog = view.edit_person(person_id)
    assert dialog.name.text() == "Jordan Smiht" and dialog.dob.value() == date(1990, 2, 3)
    dialog.name.setText("Jordan Smith")
    dialog.ok.click()
    ops.wait_idle()
    assert _names(ctx.vault) == ["Jordan Smith"]
    assert window.undo_action.isEnabled() and "Jordan Smiht" in window.undo_action.text()

    window.undo_action.trigger()
    ops.wait_idle()
    assert _names(ctx.vault) == ["Jordan Smiht"]
    window.redo_action.trigger()
    ops.wait_idle()
    assert _names(ctx.vault) == ["Jordan Smith"]


def test_delete_key_removes_the_selected_person_after_naming_them_and_undo_brings_them_back(qtbot, ctx, asked):
    with ctx.vault.session() as session:
        people.add_person(session, name="Casey Lee", dob=date(2015, 5, 6))
        people.add_person(session, name="Robin Lee")
    window = _window(qtbot, ctx)
    view = _people_view(window)
    row = next(r for r in range(view.people_table.rowCount()) if view.people_table.item(r, 0).text() == "Casey Lee")
    view.people_table.selectRow(row)
    view.people_table.setFocus()
    qtbot.keyClick(view.people_table, Qt.Key.Key_Delete)
    ops.wait_idle()
    assert len(asked) == 1 and "Casey Lee" in asked[0]
    assert _names(ctx.vault) == ["Robin Lee"]

    window.undo_action.trigger()
    ops.wait_idle()
    with ctx.vault.session() as session:
        back = session.exec(select(Person).where(Person.name == "Casey Lee")).one()
        assert back.dob == date(2015, 5, 6)

    window.redo_action.trigger()  # removes the person put back, who came back under a new id
    ops.wait_idle()
    assert _names(ctx.vault) == ["Robin Lee"]


def test_edit_and_remove_an_account_each_undone(qtbot, ctx, asked):
    with ctx.vault.session() as session:
        account_id = people.add_account(session, name="Family HSA", type="hsa", established=date(2024, 1, 1)).id
    window = _window(qtbot, ctx)
    view = _people_view(window)
    dialog = view.edit_account(account_id)
    assert dialog.name.text() == "Family HSA" and dialog.established.value() == date(2024, 1, 1)
    dialog.name.setText("Household HSA")
    dialog.ok.click()
    ops.wait_idle()
    with ctx.vault.session() as session:
        assert session.get(Account, account_id).name == "Household HSA"
    window.undo_action.trigger()
    ops.wait_idle()
    with ctx.vault.session() as session:
        assert session.get(Account, account_id).name == "Family HSA"

    view.reload()
    ops.wait_idle()
    view.remove_account(account_id)
    ops.wait_idle()
    assert "Family HSA" in asked[-1]
    with ctx.vault.session() as session:
        assert session.exec(select(Account)).all() == []
    window.undo_action.trigger()
    ops.wait_idle()
    with ctx.vault.session() as session:
        back = session.exec(select(Account)).one()
        assert (back.name, back.type, back.established) == ("Family HSA", "hsa", date(2024, 1, 1))


def test_a_refused_removal_shows_the_services_message_and_changes_nothing(qtbot, ctx, monkeypatch):
    with ctx.vault.session() as session:
        person_id = people.add_person(session, name="Sam Doe").id
    window = _window(qtbot, ctx)
    view = _people_view(window)
    shown: list[str] = []
    monkeypatch.setattr(undo, "confirm", lambda *args: False)  # the user says Cancel
    view.remove_person(person_id)
    ops.wait_idle()
    assert _names(ctx.vault) == ["Sam Doe"] and not window.undo_action.isEnabled()

    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(undo, "confirm", lambda *args: True)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    view.remove_person(person_id)
    view.remove_person(person_id)  # the second finds the person gone: the service's own message
    ops.wait_idle()
    assert shown and "Sam Doe" not in _names(ctx.vault)
    assert "No person" in shown[0]


def _documents_view(window):
    view = window.show_section("documents")
    view.reload()
    ops.wait_idle()
    return view


def test_remove_a_document_then_undo_imports_its_bytes_again(qtbot, imported_ctx, asked):  # noqa: F811
    ctx, prepared = imported_ctx
    window = _window(qtbot, ctx)
    view = _documents_view(window)
    doc_id = prepared.document_ids["receipt-harborview.pdf"]
    window.open_record("document", doc_id)
    qtbot.waitUntil(lambda: view.selected_ids() == [doc_id])
    view.remove_selected()
    ops.wait_idle()
    assert "receipt-harborview.pdf" in asked[0]
    with ctx.vault.session() as session:
        assert session.get(Document, doc_id) is None
        assert session.exec(select(Receipt)).all() == []

    window.undo_action.trigger()
    ops.wait_idle(120)
    with ctx.vault.session() as session:
        doc = session.exec(select(Document).where(Document.file_name == "receipt-harborview.pdf")).one()
        assert doc.kind == "receipt" and doc.status == "read"
        receipt = session.exec(select(Receipt).where(Receipt.document_id == doc.id)).one()
        assert receipt.merchant and str(receipt.total) == "180.00"

    window.redo_action.trigger()  # removes the document put back, which came back under a new id
    ops.wait_idle()
    with ctx.vault.session() as session:
        assert session.get(Document, doc.id) is None


def test_reclassify_a_letter_as_other_and_undo(qtbot, imported_ctx):  # noqa: F811
    ctx, prepared = imported_ctx
    window = _window(qtbot, ctx)
    view = _documents_view(window)
    doc_id = prepared.document_ids["letter-bennett.pdf"]
    view.reclassify(doc_id, "other")
    ops.wait_idle()
    with ctx.vault.session() as session:
        assert session.get(Document, doc_id).kind == "other"
    assert "letter-bennett.pdf" in window.undo_action.text()
    window.undo_action.trigger()
    ops.wait_idle()
    with ctx.vault.session() as session:
        assert session.get(Document, doc_id).kind == "letter"


def test_opening_a_document_shows_its_receipt_or_letter(qtbot, imported_ctx):  # noqa: F811
    ctx, prepared = imported_ctx
    window = _window(qtbot, ctx)
    view = _documents_view(window)
    view.open_document(prepared.document_ids["letter-bennett.pdf"])
    qtbot.waitUntil(lambda: window.current_section() == "letters")
    view.open_document(prepared.document_ids["receipt-harborview.pdf"])
    qtbot.waitUntil(lambda: window.current_section() == "receipts")
