"""Import speed: the app's reading pipeline against the raw engines alone.

Reads every document of the families given (default: ../shared/corpus, ../shared/corpus2 and
the SROIE receipts of ../shared/realdata/sroie; each skipped when absent; exact copies left out)
three ways and prints wall times:
- raw engines, serially in one process: pdfplumber's text for pages with a text layer,
  and tesseract (the app's engine: libtesseract through tesserocr, psm 6, one thread) once
  on every other page: PDF pages rendered at the app's OCR resolution, images as stored;
  and, as reading uses it, the second engine (PP-OCRv4 through rapidocr, one thread) once on
  each of those pages whose text does not read as a letter's;
- the app's `read_many` (sniff, text layer, OCR with orientation/crop/deskew, classify,
  parse) with 1 worker process, then with 2.
Target: app with 2 workers / raw serial <= 0.7. Also prints the speed-up from 1 to 2 workers,
and the CPU seconds of each run (the raw engines' in this process, the app's in its reader
processes, start-up included): on a machine shared with other work, wall times swing with the
load, while the CPU ratio app / raw shows what the pipeline costs beyond the bare engines.

    .venv/bin/python bench/import_speed.py [--family corpus,corpus2,sroie] [--limit N] [--no-sroie]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


FAMILIES = ("corpus", "corpus2", "sroie")


def corpus_files(limit: int | None, families: list[str]) -> list[Path]:
    files: list[Path] = []
    for family in families:
        if family == "sroie":
            files += sorted((SHARED / "realdata" / "sroie" / "img").glob("*.jpg"))
            continue
        manifest = SHARED / family / "manifest.json"
        if manifest.exists():
            docs = json.loads(manifest.read_text())["documents"]
            files += [SHARED / family / d["file"] for d in docs if not d.get("duplicate_of")]
    return files[:limit] if limit else files


def raw_engines(data: bytes) -> int:
    """Text of every page with the bare engines; returns the number of characters."""
    import pdfplumber
    import pypdfium2 as pdfium
    from PIL import Image

    from hsawallet.ingest import rapid
    from hsawallet.ingest import tesseract as engine
    from hsawallet.ingest.classify import reads_as_letter
    from hsawallet.ingest.pdftext import OCR_DPI

    def tesseract(image: Image.Image) -> str:
        # the app's engines (libtesseract in process, one thread, models loaded once), one read
        # at psm 6 per page, and PP-OCRv4 once where reading uses it: engines against pipeline
        tsv = engine.read_tsv(image, psm=6)
        if rapid.available() and not reads_as_letter(" ".join(row.split("\t")[-1] for row in tsv.splitlines())):
            second = rapid.read_page(image)
            return tsv + (second.text if second else "")
        return tsv

    chars = 0
    if data[:5] == b"%PDF-":
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            texts = [page.extract_text() or "" for page in pdf.pages]
        document = pdfium.PdfDocument(data)
        for index, text in enumerate(texts):
            if len(text.strip()) >= 20:
                chars += len(text)
                continue
            page = document[index]
            image = page.render(scale=OCR_DPI / 72).to_pil()
            page.close()
            chars += len(tesseract(image))
        document.close()
        return chars
    return len(tesseract(Image.open(io.BytesIO(data))))  # the photo as stored, decoded


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed_app(files: list[Path], workers: int) -> tuple[float, float, int]:
    """Wall seconds, the reader processes' CPU seconds (they are waited for when read_many
    ends, so the kernel has added them to this process's children) and the errors."""
    from hsawallet.ingest.model import IngestError
    from hsawallet.ingest.pool import read_many

    jobs = ((i, path.read_bytes(), path.name) for i, path in enumerate(files))
    cpu_start = cpu_seconds(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    errors = sum(isinstance(result, IngestError) for _, result in read_many(jobs, workers=workers))
    return time.perf_counter() - start, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_start, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default=",".join(FAMILIES), help="families to time (corpus,corpus2,sroie)")
    parser.add_argument("--limit", type=int, help="only the first N documents")
    parser.add_argument("--no-sroie", action="store_true", help="leave out the real SROIE receipts")
    args = parser.parse_args()
    families = [f for f in args.family.split(",") if f in FAMILIES and not (args.no_sroie and f == "sroie")]
    files = corpus_files(args.limit, families)
    if not files:
        print("none of ../shared/corpus, corpus2, realdata/sroie is present: nothing to time")
        return
    cpu_start = cpu_seconds(resource.RUSAGE_SELF)
    start = time.perf_counter()
    for path in files:
        raw_engines(path.read_bytes())
    raw = time.perf_counter() - start
    raw_cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_start
    one, one_cpu, errors_one = timed_app(files, 1)
    two, two_cpu, errors_two = timed_app(files, 2)
    print(f"documents: {len(files)} ({', '.join(families)})")
    print(f"raw engines, serial (pdfplumber, tesseract, PP-OCRv4): {raw:7.1f} s  (CPU {raw_cpu:7.1f} s)")
    print(
        f"app read_many, 1 worker:                               {one:7.1f} s  (CPU {one_cpu:7.1f} s, {errors_one} errors)"
    )
    print(
        f"app read_many, 2 workers:                              {two:7.1f} s  (CPU {two_cpu:7.1f} s, {errors_two} errors)"
    )
    ratio = two / raw
    print(f"ratio app(2 workers) / raw serial: {ratio:.2f}  ({'PASS' if ratio <= 0.7 else 'FAIL'}: target <= 0.7)")
    print(f"speed-up 1 -> 2 workers: {one / two:.2f}x")
    # the work done, whatever else shares the machine: 1.0 is the bare engines' cost
    print(f"CPU app(1 worker) / raw: {one_cpu / raw_cpu:.2f}; app(2 workers) / raw: {two_cpu / raw_cpu:.2f}")


if __name__ == "__main__":
    main()
