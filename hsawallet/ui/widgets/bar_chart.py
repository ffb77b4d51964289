"""A small grouped bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class BarGroup:
    label: str  # e.g. "Family HSA 2026"
    values: tuple[Decimal, ...]  # one per series


class BarChart(QWidget):
    """Groups of bars, one colour per series, a legend and a value axis in dollars."""

    def __init__(self, series: tuple[str, ...], colors: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series = series
        self._colors = tuple(QColor(c) for c in colors)
        self._groups: list[BarGroup] = []
        self._empty_text = "Nothing to chart yet."
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Chart")

    def set_groups(self, groups: list[BarGroup], empty_text: str | None = None) -> None:
        self._groups = list(groups)
        if empty_text:
            self._empty_text = empty_text
        self.setToolTip(
            "\n".join(
                f"{g.label}: " + ", ".join(f"{name} ${v:,.2f}" for name, v in zip(self._series, g.values))
                for g in self._groups
            )
        )
        self.update()

    def groups(self) -> list[BarGroup]:
        return list(self._groups)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 220)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.color(palette.ColorRole.WindowText)
        grid = palette.color(palette.ColorRole.Mid)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        rect = QRectF(self.rect()).adjusted(8, 6, -8, -6)

        # legend
        x = rect.left()
        for name, color in zip(self._series, self._colors):
            painter.fillRect(QRectF(x, rect.top() + 3, 12, 12), color)
            painter.setPen(text_color)
            painter.drawText(QRectF(x + 16, rect.top(), 200, line + 4), Qt.AlignmentFlag.AlignVCenter, name)
            x += 16 + metrics.horizontalAdvance(name) + 18
        top = rect.top() + line + 10

        if not self._groups:
            painter.setPen(grid)
            painter.drawText(
                QRectF(rect.left(), top, rect.width(), rect.bottom() - top),
                Qt.AlignmentFlag.AlignCenter,
                self._empty_text,
            )
            return

        peak = max((max(g.values) for g in self._groups if g.values), default=Decimal(0))
        peak = float(peak) or 1.0
        scale_top = _nice_ceiling(peak)
        axis_width = metrics.horizontalAdvance(f"${scale_top:,.0f}") + 8
        plot = QRectF(rect.left() + axis_width, top, rect.width() - axis_width, rect.bottom() - top - line - 6)

        # horizontal grid lines with dollar labels
        painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
        for step in range(5):
            value = scale_top * step / 4
            y = plot.bottom() - plot.height() * step / 4
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(text_color)
            painter.drawText(
                QRectF(rect.left(), y - line / 2, axis_width - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"${value:,.0f}",
            )
            painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))

        # bars
        group_width = plot.width() / len(self._groups)
        bars = max(1, len(self._series))
        bar_width = min(38.0, group_width * 0.7 / bars)
        for index, group in enumerate(self._groups):
            left = plot.left() + index * group_width + (group_width - bar_width * bars) / 2
            for series_index, value in enumerate(group.values):
                height = plot.height() * float(value) / scale_top
                bar = QRectF(left + series_index * bar_width, plot.bottom() - height, bar_width - 3, height)
                painter.fillRect(bar, self._colors[series_index % len(self._colors)])
            painter.setPen(text_color)
            label = metrics.elidedText(group.label, Qt.TextElideMode.ElideRight, int(group_width) - 4)
            painter.drawText(
                QRectF(plot.left() + index * group_width, plot.bottom() + 4, group_width, line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                label,
            )
        painter.setPen(QPen(text_color, 1))
        painter.drawLine(int(plot.left()), int(plot.bottom()), int(plot.right()), int(plot.bottom()))


def _nice_ceiling(value: float) -> float:
    """The next round number above ``value`` (1, 2, 2.5, 5 × 10^n) so axis labels read well."""
    import math

    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent
