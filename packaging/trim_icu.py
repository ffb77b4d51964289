"""A smaller ICU data library for the bundle (used by packaging/hsawallet.spec).

Qt's libicudata (30 MB) holds every locale's names, collations, calendars, converters and break
rules; the app's UI is English and Qt formats numbers and dates, names languages, countries and
currencies, and breaks text with its own CLDR and Unicode tables. This keeps the root and English
data: the root collation order, English time zone names, normalisation and IDNA tables, and leaves out
other locales' data, language/region/currency/unit names, break rules and dictionaries, legacy
code-page converters, transliterators and spell-out rules (about 2.5 MB remain). icupkg
(Debian's icu-devtools) rewrites the data package; binutils wrap it as libicudata.so again.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

_ENGLISH = re.compile(r"(root|en|en_US|en_US_POSIX|en_001|en_150|en_GB|en_CA|pool|res_index)\.res")


def _kept(item: str) -> bool:
    tree, _, leaf = item.rpartition("/")
    if tree == "coll":  # the root order (every language's default) and English; the app sorts no text by locale
        return leaf == "ucadata.icu" or bool(_ENGLISH.fullmatch(leaf))
    if tree == "zone":  # time zone names (QTimeZone)
        return bool(_ENGLISH.fullmatch(leaf)) or leaf == "tzdbNames.res"
    if tree:
        return False  # transliterators, spell-out rules, break rules, language/region/currency/unit names
    if leaf.endswith((".cnv", ".spp")) or leaf in (
        "unames.icu", "confusables.cfu", "confusablesWholeScript.cfu", "langInfo.res"  # locale matching
    ):
        return False
    if leaf.endswith(".res") and re.fullmatch(r"[a-z]{2,3}(_\w+)?\.res", leaf):
        return bool(_ENGLISH.fullmatch(leaf))  # a locale's own data
    return True  # root-level tables: likely subtags, plurals, zone info, normalisation, ...


def trimmed_icu_data(library: Path, workdir: Path) -> Path | None:
    """A copy of ``library`` (libicudataNN.so) with only the kept items; None if the tools are missing."""
    if not all(shutil.which(tool) for tool in ("icupkg", "nm", "as", "ld")):
        print("trim_icu: icupkg or binutils missing; the full ICU data is bundled")
        return None
    symbols = subprocess.run(["nm", "-D", "-S", "--defined-only", str(library)], check=True,
                             capture_output=True, text=True).stdout
    match = re.search(r"^[0-9a-f]+ ([0-9a-f]+) R (icudt(\d+)_dat)$", symbols, re.M)
    if not match:
        raise SystemExit(f"trim_icu: no icudtNN_dat symbol in {library}")
    size, symbol, version = int(match.group(1), 16), match.group(2), match.group(3)
    blob = library.read_bytes()
    start = blob.find(b"CmnD") - 12  # the common data header: 2 bytes size, magic 0xda27, ..., format
    if start < 0 or blob[start + 2:start + 4] != b"\xda\x27":
        raise SystemExit(f"trim_icu: no ICU common data found in {library}")
    name = f"icudt{version}l"  # icupkg names the package's items after the file
    workdir.mkdir(parents=True, exist_ok=True)
    full, trimmed = workdir / "full" / f"{name}.dat", workdir / "trimmed" / f"{name}.dat"
    full.parent.mkdir(exist_ok=True)
    trimmed.parent.mkdir(exist_ok=True)
    trimmed.unlink(missing_ok=True)
    full.write_bytes(blob[start:start + size])
    items = subprocess.run(["icupkg", "-l", str(full)], check=True, capture_output=True, text=True).stdout.split()
    removed = workdir / "removed.txt"
    removed.write_text("".join(f"{item}\n" for item in items if not _kept(item)))
    subprocess.run(["icupkg", "--ignore-deps", "-r", str(removed), str(full), str(trimmed)], check=True,
                   capture_output=True)
    source = workdir / "icudata.S"
    source.write_text(
        f"    .section .rodata\n    .globl {symbol}\n    .type {symbol}, @object\n    .balign 16\n{symbol}:\n"
        f'    .incbin "{trimmed}"\n    .size {symbol}, .-{symbol}\n    .section .note.GNU-stack,"",@progbits\n'
    )
    out = workdir / library.name
    subprocess.run(["as", str(source), "-o", str(workdir / "icudata.o")], check=True)
    subprocess.run(["ld", "-shared", "-soname", library.name, "-o", str(out), str(workdir / "icudata.o")], check=True)
    return out
