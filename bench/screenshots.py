"""Screenshots of the main views after importing a household, to look at the layouts.

    python bench/screenshots.py                       # ../shared/corpus/h04 -> screenshots/
    python bench/screenshots.py --household PATH --out DIR

Renders offscreen (QWidget.grab()) at 1280x800, then again in a child process with
QT_SCALE_FACTOR=1.5. The vault is a temporary one, deleted afterwards; the PNGs show the
household's documents, so the output folder is git-ignored.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HOUSEHOLD = ROOT.parent / "shared" / "corpus" / "h04"
VIEWS = ("dashboard", "receipts", "letters", "claims", "documents", "settings")
SIZE = (1280, 800)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def prepare_vault(household: Path, folder: Path):
    """A temporary vault holding the household's people, account and documents."""
    from hsawallet.services import documents, people
    from hsawallet.store.vault import create_vault

    scenario = json.loads((household / "scenario.json").read_text())
    vault = create_vault(folder / "screens.db", passphrase="screenshots")
    with vault.session() as session:
        for person in scenario.get("people", []):
            people.add_person(session, name=person["name"], dob=_date(person.get("dob")))
        acc = scenario.get("account") or {}
        account = people.add_account(
            session,
            name=acc.get("administrator") or "Account",
            type=(acc.get("type") or "hsa").lower(),
            plan_start=_date(acc.get("plan_year_start")),
            plan_end=_date(acc.get("plan_year_end")),
            established=_date(acc.get("established")),
        )
        account_id = account.id
    files = [
        p
        for p in sorted(household.iterdir())
        if p.is_file() and p.suffix.lower() != ".json" and not p.name.startswith(".") and p.suffix.lower() != ".md"
    ]
    documents.import_files(vault, files, account_id=account_id)
    vault.checkpoint()
    vault.close()
    return folder / "screens.db"


def shoot(vault_path: Path, out: Path, suffix: str) -> list[Path]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from hsawallet.store.vault import unlock_vault
    from hsawallet.ui import ops
    from hsawallet.ui.app import make_application
    from hsawallet.ui.context import AppContext
    from hsawallet.ui.main_window import MainWindow

    app = make_application([sys.argv[0]])
    # remembered layouts (ui/remembered.py) go beside the temporary vault, never into ~/.config
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(vault_path.parent / "qt-settings"))
    vault = unlock_vault(vault_path, passphrase="screenshots")
    ctx = AppContext(vault)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    written = []
    for key in VIEWS:
        view = window.show_section(key)
        ops.wait_idle()
        table = getattr(view, "table", None)
        if table is not None and table.model() is not None and table.model().rowCount():
            table.selectRow(0)  # show the detail pane too
            ops.wait_idle()
        for _ in range(5):  # let views lay out after their rows arrive
            app.processEvents()
        ops.wait_idle()
        app.processEvents()
        path = out / f"{key}{suffix}.png"
        window.grab().save(str(path))
        written.append(path)
    window.close()
    ops.shutdown()
    ctx.close()
    vault.close()
    QApplication.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--household", type=Path, default=DEFAULT_HOUSEHOLD)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--vault", type=Path, help=argparse.SUPPRESS)  # the scaled child run
    parser.add_argument("--suffix", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.vault:
        for path in shoot(args.vault, args.out, args.suffix):
            print(path)
        return 0
    if not (args.household / "scenario.json").exists():
        print(f"screenshots skipped: no household at {args.household}")
        return 0
    with tempfile.TemporaryDirectory(prefix="hsa-screens-") as tmp:
        print(f"importing {args.household.name} into a temporary vault…", flush=True)
        vault_path = prepare_vault(args.household, Path(tmp))
        for scale, suffix in (("1", "-1280x800"), ("1.5", "-1280x800-scale1.5")):
            env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM="offscreen")
            subprocess.run(
                [sys.executable, __file__, "--vault", str(vault_path), "--out", str(args.out), f"--suffix={suffix}"],
                env=env,
                check=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
