"""Schema migrations (Alembic), run on open; the vault is copied aside before any runs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from hsawallet.store.engine import Vault, VaultNewerError, export_copy

HERE = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(vault: Vault) -> str | None:
    with vault.engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()


def upgrade(vault: Vault, revision: str = "head") -> None:
    with vault.engine.begin() as con:
        command.upgrade(alembic_config(con), revision)


def upgrade_if_needed(vault: Vault) -> Path | None:
    """Bring the vault to the newest schema; returns the backup made first, if any."""
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
