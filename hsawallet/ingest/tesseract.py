"""Tesseract in this process, through tesserocr (the C++ API): the page image is handed over
in memory and the models stay loaded between pages.

A command-line run per read costs a process start and a model load (about 0.2 s) before any
reading; a page takes several reads (the page, its missed bands, its doubtful lines). Nothing
touches the disk either way (pytesseract would write the image and its text to the temp
folder). Parallelism comes from the worker processes, so each engine runs on one thread.
"""

from __future__ import annotations

import glob
import os

from PIL import Image

from hsawallet.ingest.model import IngestError

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before libtesseract is loaded

_TESSDATA_GLOBS = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
_engines: dict[tuple[int, str], object] = {}  # (process id, language) -> PyTessBaseAPI


class TesseractFailed(Exception):
    pass


def tessdata_path() -> str:
    """The folder holding eng.traineddata: $TESSDATA_PREFIX, else where packages put it."""
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for pattern in _TESSDATA_GLOBS:
        candidates += sorted(glob.glob(pattern), reverse=True)
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, "eng.traineddata")):
            return folder.rstrip("/") + "/"
    raise IngestError("OCR is not available: tesseract's English language data is not installed (tesseract-ocr-eng)")


def _engine(language: str):
    key = (os.getpid(), language)  # a forked worker must not share its parent's engine
    if key not in _engines:
        try:
            import tesserocr
        except ImportError:
            raise IngestError("OCR is not available: the tesserocr package is not installed") from None
        try:
            _engines[key] = tesserocr.PyTessBaseAPI(path=tessdata_path(), lang=language)
        except RuntimeError:
            raise IngestError(f"OCR is not available: tesseract could not load its '{language}' data") from None
    return _engines[key]


def read_tsv(image: Image.Image, *, psm: int, dpi: int | None = None, thresholding: int = 0) -> str:
    """Tesseract's TSV (words with boxes and confidences) for one image."""
    engine = _engine("eng")
    try:
        engine.SetPageSegMode(psm)
        engine.SetVariable("thresholding_method", str(thresholding))
        engine.SetImage(image if image.mode in ("L", "RGB") else image.convert("L"))
        if dpi:
            engine.SetSourceResolution(dpi)
        return engine.GetTSVText(0)
    except RuntimeError as error:
        raise TesseractFailed(str(error)) from None
    finally:
        engine.Clear()


def orientation(image: Image.Image) -> tuple[int, float] | None:
    """(degrees the page is turned counter-clockwise, confidence) per tesseract's OSD; None if
    there are too few characters to tell."""
    engine = _engine("osd")  # a missing tesserocr or language data is reported here, clearly
    import tesserocr

    try:
        engine.SetPageSegMode(tesserocr.PSM.OSD_ONLY)
        engine.SetImage(image if image.mode in ("L", "RGB") else image.convert("L"))
        report = engine.DetectOrientationScript()
    except RuntimeError:
        return None
    finally:
        engine.Clear()
    if not report:
        return None
    return int(report["orient_deg"]), float(report["orient_conf"])
