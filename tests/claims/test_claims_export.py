from __future__ import annotations

import csv
import dataclasses
import errno
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from claim_inputs import document, text_pdf

import hsawallet.claims.export as export_module
from hsawallet.claims.bundle import build_bundle
from hsawallet.claims.export import ExportError, export_claim
from hsawallet.safeio import atomic_file, atomic_write


def test_export_writes_packet_and_bundle_with_matching_manifest(sample_claim, tmp_path):
    pdf_path, zip_path = export_claim(sample_claim, tmp_path, "claim-7")
    assert (pdf_path, zip_path) == (tmp_path / "claim-7.pdf", tmp_path / "claim-7.zip")
    assert sorted(os.listdir(tmp_path)) == ["claim-7.pdf", "claim-7.zip"]

    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        assert archive.read("claim-7.pdf") == pdf_path.read_bytes()
        manifest = json.loads(archive.read("manifest.json"))
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
        documents = {d.document_id: d for d in sample_claim.receipts + sample_claim.letters}
        originals = [n for n in archive.namelist() if n.startswith("originals/")]
        assert len(originals) == len(documents)

        by_hash = {d.sha256: d for d in documents.values()}
        for row in manifest["files"]:
            data = archive.read(row["file"])
            assert hashlib.sha256(data).hexdigest() == row["sha256"]
            if row["role"] != "packet":
                assert data == by_hash[row["sha256"]].data  # the original bytes, untouched
    assert [r["sha256"] for r in rows] == [r["sha256"] for r in manifest["files"]]
    assert {r["role"] for r in rows} == {"packet", "receipt", "letter"}
    photo_row = next(r for r in rows if r["file"] == "originals/IMG_0001.jpg")
    assert photo_row["amount"] == "62.16"  # two expenses on the same receipt
    assert photo_row["merchant"] == "Fresh Mart" and photo_row["date"] == "2026-02-01"
    assert "Dr. Lee" in photo_row["letter"] and "Dr. Ortiz" in photo_row["letter"]
    assert manifest["total"] == "154.66"


def test_bundle_makes_clashing_and_unsafe_names_unique(sample_claim, tmp_path):
    pdf_a = text_pdf([["a"]])
    pdf_b = text_pdf([["b"]])
    receipts = [
        document(1, "scan.pdf", pdf_a, "application/pdf"),
        document(2, "SCAN.pdf", pdf_b, "application/pdf"),
        document(3, "../../etc/scan.pdf", pdf_a + b"\n", "application/pdf"),
    ]
    inp = dataclasses.replace(sample_claim, receipts=receipts)
    packet = tmp_path / "p.pdf"
    packet.write_bytes(b"%PDF-1.4 stand-in")
    out = io.BytesIO()
    build_bundle(inp, packet, out)
    names = zipfile.ZipFile(out).namelist()
    originals = [n for n in names if n.startswith("originals/")]
    assert len({n.casefold() for n in originals}) == len(originals) == 5
    assert all(".." not in n and n.count("/") == 1 for n in originals)


def test_missing_folder_and_file_as_folder_raise_export_error(sample_claim, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        export_claim(sample_claim, tmp_path / "nope", "c")
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"x")
    with pytest.raises(ExportError, match="not a folder"):
        export_claim(sample_claim, blocker / "sub", "c")
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


def test_read_only_folder_raises_export_error_and_leaves_nothing(sample_claim, tmp_path, monkeypatch):
    # Tests run as root, which ignores chmod; make the folder refuse new files instead.
    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if Path(os.fsdecode(path)).parent == tmp_path and flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_open)
    with pytest.raises(ExportError, match=f"cannot write to {tmp_path}: the folder is read-only"):
        export_claim(sample_claim, tmp_path, "claim")
    assert os.listdir(tmp_path) == []


def test_disk_full_mid_packet_leaves_nothing(sample_claim, tmp_path, monkeypatch):
    def full_disk(inp, out):
        out.write(b"%PDF-1.7\n" + b"x" * 50_000)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export_module, "build_packet", full_disk)
    with pytest.raises(ExportError, match="disk full"):
        export_claim(sample_claim, tmp_path, "claim")
    assert os.listdir(tmp_path) == []


def test_interrupted_bundle_leaves_no_packet_bundle_or_temp(sample_claim, tmp_path, monkeypatch):
    def interrupted(inp, packet_pdf_path, out, **kwargs):
        out.write(b"PK\x03\x04" + b"y" * 10_000)
        raise RuntimeError("interrupted")

    monkeypatch.setattr(export_module, "build_bundle", interrupted)
    with pytest.raises(ExportError, match="building the files failed") as raised:
        export_claim(sample_claim, tmp_path, "claim")
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert os.listdir(tmp_path) == []


def test_failed_reexport_keeps_previous_files_untouched(sample_claim, tmp_path, monkeypatch):
    (tmp_path / "claim.pdf").write_bytes(b"old packet")
    (tmp_path / "claim.zip").write_bytes(b"old bundle")

    def interrupted(inp, packet_pdf_path, out, **kwargs):
        out.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module, "build_bundle", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_claim(sample_claim, tmp_path, "claim")
    assert sorted(os.listdir(tmp_path)) == ["claim.pdf", "claim.zip"]
    assert (tmp_path / "claim.pdf").read_bytes() == b"old packet"
    assert (tmp_path / "claim.zip").read_bytes() == b"old bundle"


@pytest.mark.parametrize("had_old_files", [False, True])
def test_bundle_rename_failing_takes_the_new_packet_back(sample_claim, tmp_path, monkeypatch, had_old_files):
    if had_old_files:
        (tmp_path / "claim.pdf").write_bytes(b"old packet")
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("claim.zip"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ExportError, match="disk full"):
        export_claim(sample_claim, tmp_path, "claim")
    if had_old_files:
        assert os.listdir(tmp_path) == ["claim.pdf"]
        assert (tmp_path / "claim.pdf").read_bytes() == b"old packet"
    else:
        assert os.listdir(tmp_path) == []


def test_export_replaces_previous_files(sample_claim, tmp_path):
    (tmp_path / "claim.pdf").write_bytes(b"old packet")
    pdf_path, zip_path = export_claim(sample_claim, tmp_path, "claim")
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert zipfile.is_zipfile(zip_path)
    assert sorted(os.listdir(tmp_path)) == ["claim.pdf", "claim.zip"]


@pytest.mark.parametrize("name", ["", "../x", "a/b", "..", " padded"])
def test_invalid_names_are_refused(sample_claim, tmp_path, name):
    with pytest.raises(ExportError, match="invalid export name"):
        export_claim(sample_claim, tmp_path, name)


def test_atomic_write_keeps_old_content_when_writer_fails(tmp_path):
    target = tmp_path / "settings.bin"
    atomic_write(target, lambda f: f.write(b"first"))
    assert target.read_bytes() == b"first"

    def failing(f):
        f.write(b"half")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        atomic_write(target, failing)
    assert target.read_bytes() == b"first"
    with atomic_file(target) as f:
        f.write(b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["settings.bin"]


def test_tampered_document_fails_the_export_and_leaves_nothing(sample_claim, tmp_path):
    tampered = dataclasses.replace(sample_claim.receipts[1], data=sample_claim.receipts[1].data + b" ")
    inp = dataclasses.replace(sample_claim, receipts=[sample_claim.receipts[0], tampered, sample_claim.receipts[2]])
    with pytest.raises(ExportError, match="does not match its recorded checksum"):
        export_claim(inp, tmp_path, "claim")
    assert os.listdir(tmp_path) == []


def test_bundle_lists_packet_first_then_originals_then_manifests(sample_claim, tmp_path):
    _, zip_path = export_claim(sample_claim, tmp_path, "claim")
    names = zipfile.ZipFile(zip_path).namelist()
    assert names[0] == "claim.pdf"
    assert names[-2:] == ["manifest.csv", "manifest.json"]
    assert all(n.startswith("originals/") for n in names[1:-2])
