"""Render the app's SVG icon to a square PNG: python render_icon.py SVG SIZE OUT.png (desktop menus want 256 px)."""

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

svg, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = QGuiApplication([])
renderer = QSvgRenderer(svg)
if not renderer.isValid():
    sys.exit(f"render_icon: {svg} is not a valid SVG")
image = QImage(size, size, QImage.Format.Format_ARGB32)
image.fill(Qt.GlobalColor.transparent)
painter = QPainter(image)
renderer.render(painter)
painter.end()
if not image.save(out, "PNG"):
    sys.exit(f"render_icon: cannot write {out}")
