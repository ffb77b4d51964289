"""Views and widgets start background work through ctx.query / ctx.change only: ui/context.py is the one
place outside ui/ops.py that builds a QueryOp or a CollectionOp."""

import ast
from pathlib import Path

import hsawallet

UI_DIR = Path(hsawallet.__file__).resolve().parent / "ui"
OPS = {"QueryOp", "CollectionOp"}


def ops_named(path: Path) -> set[str]:
    """The op classes a module names in its code (docstrings and comments do not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    return names & OPS


def test_only_the_context_builds_background_ops():
    modules = [p for p in UI_DIR.rglob("*.py") if p.name != "ops.py"]
    assert len(modules) > 10
    builders = {p.relative_to(UI_DIR).as_posix() for p in modules if ops_named(p)}
    assert builders == {"context.py"}
