"""Fixtures shared by every test: a fresh encrypted vault, an in-memory keychain, document makers."""

from __future__ import annotations

import io
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """The OS keychain stand-in: keys live in this process's memory only."""

    priority = 10

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


@pytest.fixture(scope="session", autouse=True)
def _private_desktop_folders(tmp_path_factory):
    """Qt's and platformdirs' config, data and cache folders live in this run's (this worker's) temp folder:
    parallel workers never share them and no test writes to the real home."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            patch.setenv(name, str(tmp_path_factory.mktemp(name.lower())))
        yield


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch):
    """No test touches the real keychain, the real data folder or inherits a passphrase."""
    from keyring.backends import fail

    monkeypatch.delenv("HSAWALLET_PASSPHRASE", raising=False)
    monkeypatch.delenv("HSAWALLET_NEW_PASSPHRASE", raising=False)
    monkeypatch.setenv("HSAWALLET_VAULT", str(tmp_path / "default-vault" / "vault.db"))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring():
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def vault(tmp_path):
    """A fresh passphrase vault in a temp folder (real SQLCipher)."""
    from hsawallet.store.vault import create_vault

    v = create_vault(tmp_path / "vault.db", passphrase="correct horse")
    yield v
    v.close()


def text_pdf_bytes(pages: list[list[str]], *, compress: bool = True) -> bytes:
    """A US Letter PDF with a real text layer, one list of lines per page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, pageCompression=1 if compress else 0)
    for lines in pages:
        y = 720
        for line in lines:
            c.setFont("Helvetica", 12)
            c.drawString(72, y, line)
            y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


def make_text_pdf(path: Path, pages: list[list[str]], *, compress: bool = True) -> Path:
    """``text_pdf_bytes`` written to ``path``."""
    path.write_bytes(text_pdf_bytes(pages, compress=compress))
    return path


def make_text_image(path: Path, lines: list[str], *, fmt: str = "PNG", size=(1240, 1754)) -> Path:
    """A clean image of printed lines (about 150 dpi on US Letter), readable by tesseract."""
    from PIL import Image, ImageDraw

    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = _font(34)
    y = 120
    for line in lines:
        draw.text((100, y), line, fill=0, font=font)
        y += 56
    image.save(path, fmt)
    return path


def load_font(size: int, *faces: str):
    """The first of ``faces`` (file names or paths) that loads, else Pillow's own font."""
    from PIL import ImageFont

    for face in faces:
        try:
            return ImageFont.truetype(face, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _font(size: int):
    return load_font(size, "DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


RECEIPT_LINES = [
    "Harbor Fitness Club",
    "120 Main Street, Springfield",
    "Date: 03/02/2026",
    "Monthly gym membership          49.00",
    "Subtotal                        49.00",
    "Tax                              0.00",
    "TOTAL                           49.00",
    "VISA **** 4242",
]


@pytest.fixture
def receipt_pdf(tmp_path) -> Path:
    return make_text_pdf(tmp_path / "gym.pdf", [RECEIPT_LINES])
