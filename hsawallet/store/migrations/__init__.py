"""Schema migrations (Alembic), run on open; the vault is copied aside before any runs.

Alembic is loaded only when a vault is not at the newest revision (or to check one): a vault that is
costs a look at its version row, since every command opens one (start-up time).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

from hsawallet.store.engine import Vault, VaultNewerError, export_copy

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

HERE = Path(__file__).resolve().parent
_REVISION = re.compile(r"""^revision\s*=\s*["']([^"']+)["']""", re.M)
_REVISES = re.compile(r"""^down_revision\s*=\s*["']([^"']+)["']""", re.M)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def declared_head() -> str | None:
    """The newest revision as the version files declare it (the one no other revises), read without
    Alembic; None when that is not one clear revision (then Alembic decides)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (HERE / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(source))
        revised.update(_REVISES.findall(source))
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def current_revision(vault: Vault) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with vault.engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()


def _stored_revision(vault: Vault) -> str | None:
    """The vault's revision from its version row (None: no row, or not exactly one)."""
    with vault.engine.connect() as con:
        if con.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")).first():
            rows = con.execute(text("SELECT version_num FROM alembic_version")).all()
            return str(rows[0][0]) if len(rows) == 1 else None
    return None


def upgrade(vault: Vault, revision: str = "head") -> None:
    from alembic import command

    with vault.engine.begin() as con:
        command.upgrade(alembic_config(con), revision)


def upgrade_if_needed(vault: Vault) -> Path | None:
    """Bring the vault to the newest schema; returns the backup made first, if any."""
    head = declared_head()
    if head is not None and _stored_revision(vault) == head:
        return None
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(vault)
    head = script.get_current_head()
    if current == head:
        return None
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise VaultNewerError(
            f"The vault {vault.path} was written by a newer version of HSA Wallet "
            f"(schema {current}). Update HSA Wallet to open it; the file was not changed."
        )
    backup = None
    if current is not None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = vault.path.with_name(f"{vault.path.name}.before-{head}-{stamp}.bak")
        export_copy(vault, backup)
    upgrade(vault)
    return backup
