#!/usr/bin/env bash
# Build a desktop bundle with PyInstaller into dist/hsawallet/.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q pyinstaller
.venv/bin/pyinstaller --noconfirm packaging/hsawallet.spec
