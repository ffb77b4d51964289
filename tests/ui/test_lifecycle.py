"""The app's lifecycle: quitting during an import, the next start, a second launch."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from hsawallet.services import documents
from hsawallet.store.models import Document, Receipt
from hsawallet.ui import ops
from hsawallet.ui.app import SingleInstance, ask_running_instance_to_raise, instance_lock
from hsawallet.ui.main_window import MainWindow
from tests.ui.helpers import receipt_pdf


def _receipts(folder, count):
    folder.mkdir()
    paths = []
    for n in range(count):
        path = folder / f"pharmacy-{n}.pdf"
        path.write_bytes(receipt_pdf(merchant=f"Corner Pharmacy {n}", on=date(2026, 5, 1 + n)))
        paths.append(str(path))
    return paths


def test_quit_during_an_import_stops_it_keeps_the_rest_and_the_next_start_reads_it(
    qtbot, window, ctx, vault_path, tmp_path
):
    instance = SingleInstance(vault_path)
    assert instance.held
    window.closed.connect(instance.release)
    asked = []
    window.ask_stop_import = lambda: asked.append("stop or keep") or True
    paths = _receipts(tmp_path / "drop", 3)

    window.import_paths(paths)
    panel = window.view("documents").import_panel
    assert panel.running
    with qtbot.waitSignal(window.closed, timeout=180_000):
        window.close()
        assert asked == ["stop or keep"]
        assert window.isVisible()  # the window stays, with its progress, while the readers finish

    assert not window.isVisible() and not panel.running
    results = [panel.results.topLevelItem(i).text(1) for i in range(panel.results.topLevelItemCount())]
    assert len(results) == 3 and set(results) <= {"Imported", "Left for later"} and "Left for later" in results
    with ctx.vault.session() as session:
        assert len(session.exec(select(Document)).all()) == 3  # nothing lost
        assert documents.unread_documents(session) == results.count("Left for later")
    again = instance_lock(vault_path)  # released when the window closed
    assert again is not None
    again.unlock()

    # the next start reads what was left
    started = MainWindow(ctx)
    qtbot.addWidget(started)
    started.show()
    started.resume_import()

    def all_read() -> bool:
        with ctx.vault.session() as session:
            return documents.unread_documents(session) == 0 and len(session.exec(select(Receipt)).all()) == 3

    qtbot.waitUntil(all_read, timeout=180_000)
    ops.wait_idle()


def test_keep_importing_leaves_the_window_and_the_import_running(qtbot, window, tmp_path):
    window.ask_stop_import = lambda: False
    window.import_paths(_receipts(tmp_path / "drop", 1))
    panel = window.view("documents").import_panel
    window.close()
    assert window.isVisible() and panel.running
    qtbot.waitUntil(lambda: not panel.running, timeout=180_000)
    assert panel.results.topLevelItem(0).text(1) == "Imported"


def test_a_second_launch_raises_the_running_window(qtbot, window, vault_path):
    first = SingleInstance(vault_path)
    first.raiseRequested.connect(window.bring_to_front)
    try:
        window.hide()
        second = SingleInstance(vault_path)
        assert not second.held  # the lock is taken: this launch asks the first instead

        assert ask_running_instance_to_raise(vault_path)

        qtbot.waitUntil(window.isVisible)
    finally:
        first.release()
    assert not ask_running_instance_to_raise(vault_path, timeout_ms=300)  # no one listens once released
    third = SingleInstance(vault_path)
    assert third.held
    third.release()
