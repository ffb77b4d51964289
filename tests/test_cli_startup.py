"""CLI paths that need no GUI, PDF engine, migration tool or scheduler do not load them (start-up time)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

from hsawallet.store import migrations
from hsawallet.store.vault import create_vault

HEAVY = ("PySide6", "reportlab", "pypdf", "pdfplumber", "pypdfium2", "alembic", "apscheduler", "rapidfuzz", "PIL")
PROBE = """
import json, sys
from hsawallet.cli import main
code = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.stdin.readline())))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _loaded(vault_path, *args: str) -> dict:
    env = dict(os.environ, HSAWALLET_PASSPHRASE="correct horse", HSAWALLET_VAULT=str(vault_path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        input=json.dumps(HEAVY) + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_listing_and_checking_load_no_heavy_package(tmp_path):
    create_vault(tmp_path / "vault.db", passphrase="correct horse").close()
    for command in (["list", "receipts", "--json"], ["list", "documents", "--json"], ["search", "x", "--json"]):
        assert _loaded(tmp_path / "vault.db", *command) == {"code": 0, "loaded": []}, command
    # check needs the rules (fuzzy matching), never the GUI or a PDF engine
    result = _loaded(tmp_path / "vault.db", "check", "--json")
    assert result["code"] == 0 and not {"PySide6", "reportlab", "pypdf", "alembic"} & set(result["loaded"])


def test_the_head_read_from_the_version_files_is_alembics():
    assert migrations.declared_head() == migrations.head_revision() is not None


def test_a_command_runs_at_the_slower_collector_pace_and_puts_the_previous_one_back(monkeypatch):
    from hsawallet import cli

    seen = []
    monkeypatch.setattr(cli, "cmd_list", lambda args: seen.append(gc.get_threshold()))
    before = gc.get_threshold()
    assert cli.main(["list", "receipts", "--json"]) == 0
    assert seen == [cli.COMMAND_GC_THRESHOLD] != [before]
    assert gc.get_threshold() == before
