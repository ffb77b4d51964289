"""Where things live: the vault file and the bundled resources."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

APP_NAME = "HSAWallet"
VAULT_ENV = "HSAWALLET_VAULT"


def data_dir() -> Path:
    from platformdirs import user_data_dir  # only when no vault path is given (start-up time)

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_vault_path() -> Path:
    return data_dir() / "vault.db"


def resolve_vault_path(explicit: str | os.PathLike | None = None) -> Path:
    """--vault PATH, else $HSAWALLET_VAULT, else the platform data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(VAULT_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_vault_path()


def resource(name: str) -> Path:
    """A file of the package's data, e.g. ``resource("icons/add.svg")`` (resources/ in the source tree)."""
    found = files("hsawallet.resources").joinpath(*name.split("/"))
    # Qt and open() need a real file; pip and PyInstaller install the package unpacked
    if not isinstance(found, Path):
        raise RuntimeError(f"hsawallet's resources are not on disk ({found!r}); install the package unpacked")
    return found
