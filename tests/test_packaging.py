"""The package as shipped: a wheel built from the tree works without the tree (resources included)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

from tests.conftest import make_text_pdf

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "hsawallet").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "hsawallet.resources" in listed


def _build_wheel(tmp_path: Path) -> Path:
    """A wheel built from a copy of what the package needs (no network: the test extra has setuptools)."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("hsawallet", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = out.glob("hsawallet-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new venv holding only the wheel; its dependencies come from this venv through a .pth line."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # added after the venv's own site-packages, so the wheel's hsawallet wins over the editable one
    (Path(site) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


def test_a_built_wheel_carries_the_resources_and_imports_and_exports_without_the_tree(tmp_path):
    wheel = _build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert "hsawallet/resources/categories.json" in names
    assert "hsawallet/resources/icons/app.svg" in names
    assert any(n.startswith("hsawallet/store/migrations/versions/") and n.endswith(".py") for n in names)

    python = _fresh_venv(tmp_path, wheel)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HSAWALLET_", "PYTHON"))}
    env.update(
        HSAWALLET_VAULT=str(work / "vault.db"),
        HSAWALLET_PASSPHRASE="wheel test",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(python), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result

    where = run(
        "-c", "import hsawallet, hsawallet.paths as p; print(hsawallet.__file__); print(p.resource('categories.json'))"
    ).stdout.split()
    assert all(Path(w).is_relative_to(python.parents[1]) for w in where), where

    make_text_pdf(
        work / "pharmacy.pdf",
        [
            [
                "Corner Pharmacy",
                "Date: 04/05/2026",
                "Ibuprofen 200mg      8.99",
                "Subtotal             8.99",
                "Tax                  0.00",
                "TOTAL                8.99",
                "VISA **** 4242",
            ]
        ],
    )
    run("-m", "hsawallet", "init")
    run("-m", "hsawallet", "account", "add", "Family HSA", "--type", "hsa", "--established", "2025-01-01")
    (imported,) = [
        json.loads(line) for line in run("-m", "hsawallet", "import", "pharmacy.pdf", "--json").stdout.splitlines()
    ]
    assert imported["status"] == "imported" and imported["kind"] == "receipt"
    claim = json.loads(run("-m", "hsawallet", "claim", "new", "--account", "Family HSA", "--json").stdout)
    (work / "out").mkdir()
    exported = json.loads(run("-m", "hsawallet", "claim", "export", str(claim["id"]), "--out", "out", "--json").stdout)
    pdf, bundle = work / exported["pdf"], work / exported["zip"]
    assert pdf.read_bytes().startswith(b"%PDF") and zipfile.is_zipfile(bundle)
