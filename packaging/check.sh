#!/usr/bin/env bash
# `make package-check`: run the built bundle as an installed app would run, outside the venv and the source
# tree (a copy of dist/hsawallet/ in a temp folder, a bare environment, PATH=/usr/bin:/bin). Prints each step,
# the bundle's size and start-up times; exits non-zero if any step fails.
set -u
cd "$(dirname "$0")/.."
max_mb=${BUNDLE_MAX_MB:-150}
failures=0
step() { printf '%-58s' "$1"; }
ok() { echo "ok${1:+  ($1)}"; }
fail() { echo "FAILED: $1"; failures=$((failures + 1)); }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

[ -x dist/hsawallet/hsawallet ] || { echo "package-check: no dist/hsawallet/hsawallet; run 'make package' first"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r dist/hsawallet "$tmp/app"
app=$tmp/app/hsawallet
mkdir -p "$tmp/home" "$tmp/claims"

# The bundle alone: no venv, no source tree, no inherited Python or Qt settings.
run() { (cd "$tmp" && env -i HOME="$tmp/home" PATH=/usr/bin:/bin HSAWALLET_VAULT="$vault" \
  HSAWALLET_PASSPHRASE=package-check QT_QPA_PLATFORM=offscreen "$@"); }
# The same with the system's tesseract language data hidden (a machine without tesseract-ocr-eng).
hidden_tessdata() { unshare -rm sh -c 'for d in /usr/share/tesseract-ocr /usr/share/tessdata /usr/local/share/tessdata; do
  [ -d "$d" ] && mount -t tmpfs none "$d"; done; exec "$@"' sh "$@"; }

size=$(du -sm "$tmp/app" | cut -f1)
step "bundle size"
if [ "$size" -le "$max_mb" ]; then ok "$size MB, limit $max_mb MB"; else fail "$size MB is over $max_mb MB"; fi

step "documents made by the check"
if .venv/bin/python packaging/check_docs.py "$tmp/docs" >"$tmp/expected.txt"; then
  ok "$(cut -d' ' -f2- "$tmp/expected.txt" | tr '\n' ' ')"
else
  fail "packaging/check_docs.py failed"
fi

vault=$tmp/vault.db
step "--help"
start=$(date +%s%N)
if run "$app" --help >"$tmp/help.txt" 2>&1 && grep -q "import" "$tmp/help.txt"; then ok "$(ms_since "$start") ms"; else fail "$(tail -2 "$tmp/help.txt")"; fi

step "init"
if run "$app" init >"$tmp/init.txt" 2>&1; then ok; else fail "$(tail -2 "$tmp/init.txt")"; fi

step "import a text PDF, a scanned PDF, a photo and a letter"
start=$(date +%s%N)
run "$app" import "$tmp/docs" --json >"$tmp/import.json" 2>"$tmp/import.err"
imported=$(grep -c '"status": "imported"' "$tmp/import.json")
if [ "$imported" = 4 ]; then ok "$(ms_since "$start") ms"; else fail "$imported of 4 imported: $(grep -v imported "$tmp/import.json" | head -3) $(tail -3 "$tmp/import.err")"; fi

step "list receipts --json: each file's total"
run "$app" list receipts --json >"$tmp/receipts.json" 2>&1
got=$(python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])): print("receipt", r["file"], r["total"])' "$tmp/receipts.json" 2>&1 | sort)
if [ "$got" = "$(grep '^receipt' "$tmp/expected.txt" | sort)" ]; then ok; else fail "got [$got]"; fi

step "list letters --json: the letter's ICD-10-CM code"
run "$app" list letters --json >"$tmp/letters.json" 2>&1
got=$(python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])): print("letter", r["file"], *r["icd10"])' "$tmp/letters.json" 2>&1 | sort)
if [ "$got" = "$(grep '^letter' "$tmp/expected.txt" | sort)" ]; then ok; else fail "got [$got]"; fi

step "list documents"
start=$(date +%s%N)
if run "$app" list documents >"$tmp/documents.txt" 2>&1; then ok "$(ms_since "$start") ms"; else fail "$(tail -2 "$tmp/documents.txt")"; fi

step "claim new + claim export"
run "$app" account add HSA --type hsa --established 2020-01-01 >"$tmp/claim.txt" 2>&1
if run "$app" claim new --account HSA --json >"$tmp/claim.json" 2>>"$tmp/claim.txt" \
  && run "$app" claim export "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$tmp/claim.json")" \
     --out "$tmp/claims" >>"$tmp/claim.txt" 2>&1 \
  && [ -n "$(find "$tmp/claims" -name '*.pdf' -size +1k)" ] && [ -n "$(find "$tmp/claims" -name '*.zip' -size +1k)" ] \
  && python3 -c 'import json, sys; from decimal import Decimal as D
c = json.load(open(sys.argv[1])); assert c["items"] and sum(D(i["amount"]) for i in c["items"]) == D(c["total"]) > 0
' "$tmp/claim.json" 2>>"$tmp/claim.txt"; then
  ok "$(ls "$tmp/claims" | tr '\n' ' ')"
else
  fail "$(tail -3 "$tmp/claim.txt")"
fi

step "OCR with the system's tesseract data hidden"
if hidden_tessdata true 2>/dev/null; then
  vault=$tmp/vault-ocr.db
  run "$app" init >/dev/null 2>&1
  hidden_tessdata env -i HOME="$tmp/home" PATH=/usr/bin:/bin HSAWALLET_VAULT="$vault" HSAWALLET_PASSPHRASE=package-check \
    "$app" import "$tmp/docs/scanned-receipt.pdf" --json >"$tmp/ocr.json" 2>&1
  if grep -q '"status": "imported"' "$tmp/ocr.json"; then ok "reads with the bundled eng.traineddata"; else fail "$(head -c 300 "$tmp/ocr.json")"; fi

  step "... and without the bundled data: the clear message"
  cp -r "$tmp/app" "$tmp/app-nodata" && rm "$tmp/app-nodata/_internal/tessdata/eng.traineddata"
  vault=$tmp/vault-nodata.db
  run "$app" init >/dev/null 2>&1
  hidden_tessdata env -i HOME="$tmp/home" PATH=/usr/bin:/bin HSAWALLET_VAULT="$vault" HSAWALLET_PASSPHRASE=package-check \
    "$tmp/app-nodata/hsawallet" import "$tmp/docs/scanned-receipt.pdf" --json >"$tmp/nodata.json" 2>&1
  if grep -q '"status": "error".*OCR is not available' "$tmp/nodata.json"; then ok; else fail "$(head -c 300 "$tmp/nodata.json")"; fi
  rm -rf "$tmp/app-nodata"
else
  echo "skipped (no user/mount namespaces here: unshare -rm failed)"
fi

step "gui offscreen: main window shown, still running after 5 s"
vault=$tmp/vault.db
: >"$tmp/gui.log"
start=$(date +%s%N)
(cd "$tmp" && exec env -i HOME="$tmp/home" PATH=/usr/bin:/bin HSAWALLET_VAULT="$vault" HSAWALLET_PASSPHRASE=package-check \
  QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="qt.widgets.showhide=true" "$app" gui) >"$tmp/gui.log" 2>&1 &
gui=$!
shown=""
for _ in $(seq 600); do  # Qt logs when it makes the main window's native window visible
  if grep -q 'name="MainWindowClassWindow") to true' "$tmp/gui.log"; then shown=$(ms_since "$start"); break; fi
  kill -0 "$gui" 2>/dev/null || break
  sleep 0.05
done
[ -n "$shown" ] && sleep 5
if [ -n "$shown" ] && kill -0 "$gui" 2>/dev/null; then
  ok "shown after $shown ms"
else
  fail "$(grep -v '^qt.widgets' "$tmp/gui.log" | tail -3)"
fi
kill "$gui" 2>/dev/null
wait "$gui" 2>/dev/null

share=$tmp/app/share
step "desktop-file-validate"
if out=$(desktop-file-validate "$share/applications/hsawallet.desktop" 2>&1) && [ -z "$out" ]; then ok; else fail "$out"; fi
step "appstreamcli validate"
if out=$(appstreamcli validate --no-net --strict "$share/metainfo/io.github.hsawallet.HSAWallet.metainfo.xml" 2>&1); then ok
else fail "$out"; fi
step "icons: scalable SVG and 256 px PNG"
icons=$share/icons/hicolor
png_size=$(python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(24)
print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8] == b"\x89PNG\r\n\x1a\n" else "not a PNG")' \
  "$icons/256x256/apps/io.github.hsawallet.HSAWallet.png" 2>&1)
if grep -q "<svg" "$icons/scalable/apps/io.github.hsawallet.HSAWallet.svg" 2>/dev/null && [ "$png_size" = 256x256 ]; then ok
else fail "svg or png missing (png: $png_size)"; fi

echo
if [ "$failures" = 0 ]; then echo "package-check: all steps passed (bundle $size MB)"; else echo "package-check: $failures step(s) failed"; fi
[ "$failures" = 0 ]
