"""The largest stall of the UI thread while 100 documents are imported through the GUI.

    python bench/ui_stall.py                  # 100 generated documents (90 text PDFs, 10 photos to OCR)
    python bench/ui_stall.py --count 40 --images 4

Offscreen Qt, a fresh vault in a temp folder, the real main window: the files are handed to it as
a drop would (``MainWindow.import_paths``) and a 10 ms QTimer on the UI thread records when it
actually fires. A gap over the interval is time the UI thread could not handle events. A watchdog
thread notes where the UI thread was (its Python stack) during each gap over 50 ms (issue 14's limit). The documents
are made here (reportlab, Pillow); nothing of a real household is used.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import threading
import time
import traceback
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TICK_MS = 10
STALL_MS = 50  # issue 14: no freeze over 50 ms during a 100-document import
WORDS = ("Maple", "Harbor", "Cedar", "Summit", "Willow", "Granite", "Meadow", "Beacon", "Orchard", "Lakeside")
KINDS = ("Pharmacy", "Physical Therapy", "Vision Center", "Dental Care", "Medical Supply", "Fitness Studio")
ITEMS = (
    ("Ibuprofen 200 mg 100 ct", "9.99"),
    ("Reading glasses +1.50", "24.00"),
    ("Physical therapy session", "85.00"),
    ("Compression socks", "18.50"),
    ("Blood pressure monitor", "49.95"),
    ("Dental cleaning", "120.00"),
    ("Massage 60 min", "95.00"),
    ("Knee brace", "32.40"),
)


def receipt_lines(rng: random.Random, n: int) -> list[str]:
    on = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
    items = rng.sample(ITEMS, rng.randint(1, 4))
    total = sum(float(a) for _, a in items)
    return [
        f"{rng.choice(WORDS)} {rng.choice(KINDS)}",
        f"{rng.randint(10, 999)} Main Street, Springfield",
        "SALES RECEIPT",
        f"Date: {on:%m/%d/%Y}",
        f"Receipt #: {10000 + n}",
        *(f"{d}    ${a}" for d, a in items),
        f"Subtotal ${total:.2f}",
        "Tax $0.00",
        f"Total ${total:.2f}",
        f"VISA ending in {rng.randint(1000, 9999)}",
    ]


def letter_lines(rng: random.Random, n: int) -> list[str]:
    issued = date(2026, 1, 5) + timedelta(days=rng.randrange(200))
    return [
        f"{rng.choice(WORDS)} Family Medicine",
        f"Date: {issued:%B %d, %Y}",
        "LETTER OF MEDICAL NECESSITY",
        "Re: Dana Whitfield   Date of birth: 06/14/1981",
        "Diagnosis: Low back pain (M54.50)",
        "I recommend therapeutic massage, 60 minutes, weekly for 12 months,",
        "as treatment for the condition above.",
        "Sincerely,",
        f"Jordan {rng.choice(WORDS)}, MD   NPI 1234567893   License MD{40000 + n}",
    ]


def make_documents(folder: Path, count: int, images: int, seed: int = 7) -> list[str]:
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        lines = letter_lines(rng, n) if n % 10 == 9 else receipt_lines(rng, n)
        if n < images:
            image = Image.new("L", (1240, 1754), 255)
            draw = ImageDraw.Draw(image)
            try:
                font = ImageFont.truetype("DejaVuSans.ttf", 34)
            except OSError:
                font = ImageFont.load_default(34)
            for row, line in enumerate(lines):
                draw.text((100, 120 + row * 56), line, fill=0, font=font)
            path = folder / f"doc-{n:03d}.png"
            image.save(path)
        else:
            buffer = io.BytesIO()
            pdf = canvas.Canvas(buffer, pagesize=letter)
            for row, line in enumerate(lines):
                pdf.setFont("Helvetica", 12)
                pdf.drawString(72, 720 - row * 18, line)
            pdf.showPage()
            pdf.save()
            path = folder / f"doc-{n:03d}.pdf"
            path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


class StallMeter:
    """Gaps between the ticks of a QTimer on the UI thread, and where the UI thread was in long ones."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.busy: list[float] = []  # CPU time the UI thread itself spent in each gap (ms)
        self._cpu = time.thread_time()
        self.where: list[tuple[float, str]] = []
        self._last = time.perf_counter()
        self._main = threading.main_thread().ident
        self._seen_stall_at = 0.0
        self._running = True
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._watch = threading.Thread(target=self._watchdog, daemon=True)
        self._watch.start()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append((now - self._last) * 1000 - TICK_MS)
        self.busy.append((cpu - self._cpu) * 1000)
        self._last, self._cpu = now, cpu

    def _watchdog(self) -> None:
        while self._running:
            time.sleep(0.02)
            late = (time.perf_counter() - self._last) * 1000
            if late > STALL_MS and self._last != self._seen_stall_at:
                self._seen_stall_at = self._last
                frame = sys._current_frames().get(self._main)
                if frame is not None:
                    stack = traceback.extract_stack(frame)[-4:]
                    self.where.append(
                        (late, " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack[::-1]))
                    )

    def stop(self) -> None:
        self._running = False
        self.timer.stop()


def run(count: int, images: int) -> int:
    from PySide6.QtCore import QEventLoop, QSettings

    from hsawallet.store.vault import create_vault
    from hsawallet.ui import ops
    from hsawallet.ui.app import make_application
    from hsawallet.ui.context import AppContext
    from hsawallet.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="hsa-stall-") as tmp:
        folder = Path(tmp)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "qt-settings"))
        paths = make_documents(folder / "docs", count, images)
        app = make_application([sys.argv[0]])
        vault = create_vault(folder / "stall.db", passphrase="bench")
        ctx = AppContext(vault)
        window = MainWindow(ctx)
        window.resize(1280, 800)
        window.show()
        ops.wait_idle()
        meter = StallMeter()
        started = time.perf_counter()
        window.import_paths(paths)
        panel = window.view("documents").import_panel
        while panel.running:  # the app's own loop: wait for the next event (the meter ticks every 10 ms)
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        import_s = time.perf_counter() - started
        ops.wait_idle(120)
        meter.stop()
        during = sorted(meter.gaps)
        worst = max(range(len(meter.gaps)), key=meter.gaps.__getitem__)
        busiest = max(meter.busy)
        rows = panel.results.topLevelItemCount()
        print(
            f"imported {count} documents ({images} photos) through the main window in {import_s:.1f} s; {rows} result rows"
        )
        print(f"UI-thread ticks: {len(during)} (every {TICK_MS} ms)")
        print(f"largest gap: {during[-1]:.0f} ms; 99th percentile: {during[int(len(during) * 0.99)]:.0f} ms")
        print(
            f"gaps over {STALL_MS} ms: {sum(g > STALL_MS for g in during)}; over 100 ms: {sum(g > 100 for g in during)}"
        )
        print(
            f"the UI thread's own CPU time in the largest gap: {meter.busy[worst]:.0f} ms; "
            f"most CPU it spent between two ticks: {busiest:.0f} ms (the rest of a gap is waiting: "
            f"for the CPU on a loaded machine, or for the GIL; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} CPUs)"
        )
        for late, where in sorted(meter.where, reverse=True)[:5]:
            print(f"  {late:.0f} ms+ in {where}")
        window.close()
        ops.shutdown()
        ctx.close()
        ctx.vault.close()
        return 0 if busiest <= STALL_MS else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--images", type=int, default=10, help="how many of them are photos (read by OCR)")
    args = parser.parse_args()
    return run(args.count, args.images)


if __name__ == "__main__":
    raise SystemExit(main())
