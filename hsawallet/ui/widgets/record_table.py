"""What the record lists share: money as shown, and the list pane (filter box, table, count)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget


def money_text(value: str | Decimal | None) -> str:
    if value in (None, ""):
        return "—"
    try:
        return f"${Decimal(value):,.2f}"  # type: ignore[arg-type]
    except (InvalidOperation, TypeError):
        return str(value)


def count_text(shown: int, total: int | None, noun: str) -> str:
    """'12 receipts', or '3 of 12 receipts' when a filter hides some."""
    plural = noun if (total if total is not None else shown) == 1 else noun + "s"
    if total is None or total == shown:
        return f"{shown} {plural}"
    return f"{shown} of {total} {plural}"


def list_pane(table: QTableView, filter_edit: QLineEdit) -> tuple[QWidget, QLabel]:
    """The upper pane of a record view: the filter box over the table, and a count under it."""
    count_label = QLabel()
    count_label.setStyleSheet("color: palette(mid);")
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(filter_edit)
    layout.addWidget(table, 1)
    layout.addWidget(count_label)
    return pane, count_label
