"""The packet builds on pypdf's and reportlab's public APIs only: no private attribute of theirs is used."""

from __future__ import annotations

import ast
from pathlib import Path

import hsawallet.claims.packet as packet

# Private by name but public by contract: NamedTuple's own methods.
ALLOWED = {"_replace", "_asdict", "_fields"}


def private_attributes(source: str) -> list[str]:
    return [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and node.attr not in ALLOWED
    ]


def test_no_private_attribute_is_used_in_the_packet():
    folder = Path(packet.__file__).parent
    found = {path.name: private_attributes(path.read_text()) for path in sorted(folder.glob("*.py"))}
    assert len(found) >= 5  # the package's modules were read
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_check_sees_a_private_call():
    assert private_attributes("writer._add_object(page)\nrow._replace(x=1)\n") == ["line 1: ._add_object"]
