#!/usr/bin/env bash
# Build the desktop bundle with PyInstaller into dist/hsawallet/ (`make package`), with its desktop entry,
# AppStream metainfo, icons and install-desktop.sh under it.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q "pyinstaller>=6.10,<7"
.venv/bin/pyinstaller --noconfirm --log-level WARN packaging/hsawallet.spec

app=dist/hsawallet
find "$app" -xtype l -delete  # links PyInstaller made to libraries the spec left out
share=$app/share
icon=io.github.hsawallet.HSAWallet
install -Dm644 packaging/hsawallet.desktop "$share/applications/hsawallet.desktop"
install -Dm644 "packaging/$icon.metainfo.xml" "$share/metainfo/$icon.metainfo.xml"
install -Dm644 resources/icons/app.svg "$share/icons/hicolor/scalable/apps/$icon.svg"
mkdir -p "$share/icons/hicolor/256x256/apps"
QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icon.py resources/icons/app.svg 256 \
  "$share/icons/hicolor/256x256/apps/$icon.png"
install -m755 packaging/install-desktop.sh "$app/install-desktop.sh"
echo "bundle: $app ($(du -sm "$app" | cut -f1) MB)"
