#!/bin/sh
# Add HSA Wallet to your desktop menu: run it from the bundle folder (it stays where it is). Installs the
# menu entry, metainfo and icons under ~/.local/share and a `hsawallet` command in ~/.local/bin.
# `install-desktop.sh --remove` takes them out again.
set -eu
app=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
icon=io.github.hsawallet.HSAWallet
files="applications/hsawallet.desktop metainfo/$icon.metainfo.xml icons/hicolor/scalable/apps/$icon.svg icons/hicolor/256x256/apps/$icon.png"
if [ "${1:-}" = "--remove" ]; then
  for f in $files; do rm -f "$data/$f"; done
  [ -L "$bin/hsawallet" ] && rm -f "$bin/hsawallet"
  echo "Removed HSA Wallet from the desktop menu (the bundle folder and your vault are untouched)."
  exit 0
fi
for f in $files; do
  mkdir -p "$(dirname "$data/$f")"
  cp "$app/share/$f" "$data/$f"
done
# The menu entry runs this bundle wherever it was unpacked.
sed -i "s|^Exec=hsawallet|Exec=\"$app/hsawallet\"|" "$data/applications/hsawallet.desktop"
mkdir -p "$bin"
ln -sf "$app/hsawallet" "$bin/hsawallet"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$data/icons/hicolor" 2>/dev/null || true
echo "HSA Wallet is in the desktop menu; 'hsawallet' runs it from $bin."
