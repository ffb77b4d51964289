"""Only hsawallet/ui may use Qt: the core must run headless (CLI, tests, scheduler)."""

import ast
from pathlib import Path

import hsawallet

QT_PACKAGES = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"}
PACKAGE_DIR = Path(hsawallet.__file__).resolve().parent


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [
            f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} imports {n}"
            for n in names
            if n.split(".")[0] in QT_PACKAGES
        ]
    return found


def test_no_module_outside_ui_imports_qt():
    core_files = [p for p in PACKAGE_DIR.rglob("*.py") if "ui" not in p.relative_to(PACKAGE_DIR).parts[:1]]
    assert len(core_files) > 10  # the walk really saw the core
    offenders = [hit for path in core_files for hit in qt_imports(path)]
    assert offenders == []


def test_the_check_catches_a_qt_import(tmp_path):
    sample = PACKAGE_DIR / "ui" / "main_window.py"
    assert qt_imports(sample), "the AST walk should see PySide6 imports in the UI"
