"""The GUI on big vaults (issue 14): each list shown with data, a sort, a filter keystroke, and the longest
freeze of the UI thread meanwhile.

usage: scale_gui.py [SIZES...] [--vault PATH]   (default 10000; vaults built by bench/big_vault.py in temp
folders; --vault measures an existing one, passphrase "bench")
Offscreen Qt, real encrypted vault, the views' own background queries. A freeze is the largest gap
between the ticks of a 10 ms QTimer on the UI thread while the step runs. Times are wall time to the
first page of rows on screen; beside each, the CPU time of the whole process meanwhile (every thread:
on a machine shared with other work the wall time swings with the load, the CPU time much less).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 10
TIMEOUT_S = 600


class FreezeMeter:
    """The largest gap between ticks of a 10 ms timer on the UI thread, since ``reset()``."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = self.clock.elapsed()
        self.worst = 0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.timer.start(TICK_MS)

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last - TICK_MS)
        self.last = now

    def reset(self) -> None:
        self.last = self.clock.elapsed()
        self.worst = 0
        self.cpu_start = time.process_time()

    def cpu(self) -> float:
        """CPU seconds of this process (all its threads) since ``reset()``."""
        return time.process_time() - self.cpu_start


def run_until(app: QApplication, done: Callable[[], bool]) -> float:
    """Seconds until ``done()``, running the event loop (the timer ticks meanwhile)."""
    start = time.perf_counter()
    while not done():
        # waits for the next event (a result, a tick) as the app's own loop does: a loop that polls
        # would spin the UI thread, take the GIL from the workers and count its spinning as CPU
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if time.perf_counter() - start > TIMEOUT_S:
            raise TimeoutError("the view did not finish")
    return time.perf_counter() - start


def first_page_shown(model) -> bool:
    return (
        not model.loading and model.loaded_once and (model.rowCount() == 0 or model.record(model.id_at(0)) is not None)
    )


def open_view(app, meter, ctx, make_view):
    """A new view shown until its first page of rows is on screen: (view, seconds, longest freeze)."""
    meter.reset()
    start = time.perf_counter()
    view = make_view(ctx)
    view.resize(1280, 800)
    view.show()
    run_until(app, lambda: first_page_shown(view.model))
    return view, time.perf_counter() - start, meter.worst / 1000


def measure_list(app, meter, ctx, make_view, words: str) -> dict[str, float]:
    out: dict[str, float] = {}
    # the first view of a kind also pays for its modules' imports and the first layout of text
    first, out["shown with data, first time"], out["freeze while filling, first time"] = open_view(
        app, meter, ctx, make_view
    )
    first.close()
    first.deleteLater()
    view, out["shown with data"], out["freeze while filling"] = open_view(app, meter, ctx, make_view)
    out["shown with data, CPU"] = meter.cpu()
    # the view's other reads (the Receipts view's letters to link to) finish before the sorts are timed
    from hsawallet.ui import ops

    run_until(app, lambda: ops.pending_ops() == 0)
    sorts, freezes, cpus = [], [], []
    header = view.table.horizontalHeader()
    for column in range(view.model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            meter.reset()
            start = time.perf_counter()
            header.setSortIndicator(column, order)
            run_until(app, lambda: first_page_shown(view.model))
            sorts.append(time.perf_counter() - start)
            freezes.append(meter.worst / 1000)
            cpus.append(meter.cpu())
    out["sort (median)"] = statistics.median(sorts)
    out["sort (slowest column)"] = max(sorts)
    out["sort, CPU median"] = statistics.median(cpus)
    out["sort, CPU most"] = max(cpus)
    out["freeze while sorting"] = max(freezes)
    keys, freezes, cpus = [], [], []
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    run_until(app, lambda: first_page_shown(view.model))
    for end in range(1, len(words) + 1):
        meter.reset()
        start = time.perf_counter()
        view.filter_edit.setText(words[:end])
        run_until(app, lambda text=words[:end]: first_page_shown(view.model) and view.model.words == text)
        keys.append(time.perf_counter() - start)
        freezes.append(meter.worst / 1000)
        cpus.append(meter.cpu())
    view.filter_edit.clear()
    run_until(app, lambda: first_page_shown(view.model))
    out["filter keystroke (median)"] = statistics.median(keys)
    out["filter keystroke (slowest)"] = max(keys)
    out["filter keystroke, CPU most"] = max(cpus)
    out["freeze while filtering"] = max(freezes)
    view.close()
    view.deleteLater()
    return out


def open_dashboard(app, meter, ctx):
    """A new Dashboard shown until its data are on screen: (view, seconds, longest freeze)."""
    from hsawallet.ui.views.dashboard import DashboardView

    meter.reset()
    start = time.perf_counter()
    view = DashboardView(ctx)
    loaded: list[bool] = []
    view.loaded.connect(lambda: loaded.append(True))
    view.resize(1280, 800)
    view.show()
    run_until(app, lambda: bool(loaded))
    return view, time.perf_counter() - start, meter.worst / 1000


def measure_dashboard(app, meter, ctx) -> dict[str, float]:
    out: dict[str, float] = {}
    first, out["shown with data, first time"], out["freeze while filling, first time"] = open_dashboard(app, meter, ctx)
    first.close()
    first.deleteLater()
    view, out["shown with data"], out["freeze while filling"] = open_dashboard(app, meter, ctx)
    out["shown with data, CPU"] = meter.cpu()
    out["warnings"] = float(len(view.warnings_shown()))
    groups = view.model.groups()
    if groups:
        meter.reset()
        start = time.perf_counter()
        view.tree.expand(view.model.group_index(max(range(len(groups)), key=lambda i: groups[i].count)))
        run_until(app, lambda: True)
        out["open the largest group"] = time.perf_counter() - start
        out["freeze opening it"] = meter.worst / 1000
    keys, freezes = [], []
    words = "store 1"
    for end in range(1, len(words) + 1):
        meter.reset()
        start = time.perf_counter()
        generation = view.filter_asked + 1
        view.filter_edit.setText(words[:end])
        run_until(app, lambda asked=generation: view.filter_shown >= asked)
        keys.append(time.perf_counter() - start)
        freezes.append(meter.worst / 1000)
    out["filter keystroke (slowest)"] = max(keys)
    out["freeze while filtering"] = max(freezes)
    view.close()
    view.deleteLater()
    return out


def measure(
    vault_path: Path, views: tuple[str, ...] = ("documents", "receipts", "letters", "dashboard")
) -> dict[str, dict[str, float]]:
    from hsawallet.services.vault import unlock
    from hsawallet.ui import ops
    from hsawallet.ui.context import AppContext
    from hsawallet.ui.views.dashboard import DashboardView  # noqa: F401 (imported before timing, as the others)
    from hsawallet.ui.views.documents import DocumentsView
    from hsawallet.ui.views.letters import LettersView
    from hsawallet.ui.views.receipts import ReceiptsView

    app = QApplication.instance() or QApplication([])
    vault = unlock(vault_path, passphrase="bench")
    ctx = AppContext(vault)
    gc.freeze()  # as ui/app.py does once the window is up
    meter = FreezeMeter()
    results = {}
    if "documents" in views:
        results["Documents"] = measure_list(app, meter, ctx, DocumentsView, "receipt-7-1")
    if "receipts" in views:
        results["Receipts"] = measure_list(app, meter, ctx, ReceiptsView, "store 1")
    if "letters" in views:
        results["Letters"] = measure_list(app, meter, ctx, LettersView, "dr 1")
    if "dashboard" in views:
        results["Dashboard"] = measure_dashboard(app, meter, ctx)
    ops.wait_idle(timeout=TIMEOUT_S)
    ctx.close()
    vault.close()
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int)
    ap.add_argument("--vault", type=Path, help="an existing vault (passphrase 'bench') instead of new ones")
    ap.add_argument("--views", default="documents,receipts,letters,dashboard", help="which views, comma-separated")
    ap.add_argument("--repeat", type=int, default=1, help="measure each vault this many times; the medians are shown")
    a = ap.parse_args()
    views = tuple(a.views.split(","))
    results: dict[str, dict[str, dict[str, float]]] = {}

    def measured(vault_path: Path) -> dict[str, dict[str, float]]:
        runs = [measure(vault_path, views) for _ in range(max(1, a.repeat))]
        return {
            view: {step: statistics.median(run[view][step] for run in runs) for step in steps}
            for view, steps in runs[0].items()
        }

    if a.vault:
        results[a.vault.parent.name] = measured(a.vault)
    for n in a.sizes or ([] if a.vault else [10000]):
        from big_vault import populate

        from hsawallet.services.coverage import recompute_links
        from hsawallet.store.vault import create_vault

        with tempfile.TemporaryDirectory(prefix="hsa-scale-gui-") as folder:
            vault = create_vault(Path(folder) / "vault.db", passphrase="bench")
            populate(vault, n)
            recompute_links(vault)
            vault.close()
            results[f"{n:,}"] = measured(Path(folder) / "vault.db")
        print(f"measured {n} documents", file=sys.stderr)
    columns = list(results)
    print("| view | step | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    first = results[columns[0]]
    for view, steps in first.items():
        for step in steps:
            cells = []
            for column in columns:
                value = results[column][view].get(step)
                if value is None:
                    cells.append("-")
                elif step == "warnings":
                    cells.append(f"{value:,.0f}")
                else:
                    cells.append(f"{value * 1000:,.0f} ms")
            print(f"| {view} | {step} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
