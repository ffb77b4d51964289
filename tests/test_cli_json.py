"""The CLI's --json text is exactly what json.dumps(indent=2, default=str) writes, whatever the data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from hsawallet.cli import json_bytes
from hsawallet.vocab import DocumentKind


@dataclass
class Point:
    x: int


def test_the_json_bytes_are_what_the_standard_encoder_writes():
    samples = [
        [],
        {},
        [{"id": 1, "total": "42.17", "items": [{"amount": None, "needs_lmn": True}], "confidence": {"date": 0.912}}],
        {"when": date(2026, 3, 1), "at": datetime(2026, 3, 1, 9, 30, 5), "amount": Decimal("12.50")},
        {"kind": DocumentKind.RECEIPT, "point": Point(3), "big": 2**70, "neg": -0.5},
        {"tiny": 1e-05, "huge": 1e16, "third": 1 / 3, "file": "re-read 1e5 times.pdf"},
        {"file": "Café receipt.pdf", "quote": 'a "b" \\ c', "tab": "a\tb"},
        {1: "int key", None: "none key"},
        {"bad": "\udcff surrogate"},
        [[[[]]], [{}]],
    ]
    for data in samples:
        assert json_bytes(data) == json.dumps(data, indent=2, default=str).encode(), data
