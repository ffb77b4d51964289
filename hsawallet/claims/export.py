"""Export a claim: <name>.pdf (packet) and <name>.zip (bundle), all or nothing."""

from __future__ import annotations

import io
import os
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hsawallet.claims.bundle import build_bundle, start_bundle
from hsawallet.claims.model import ClaimDataError, ClaimPacketInput
from hsawallet.claims.packet import PacketInfo, build_packet, documents_checked_once
from hsawallet.safeio import TEMP_SUFFIX, PendingFile, explain_write_error, fsync_dir


class ExportError(Exception):
    """The export failed; the message is fit to show the user as is."""


def export_claim(inp: ClaimPacketInput, out_dir: Path | str, name: str) -> tuple[Path, Path]:
    """Write out_dir/<name>.pdf and out_dir/<name>.zip; return their paths.

    Both files appear together or not at all: on any failure the temp files are
    removed, a new PDF is taken back, and files that existed before stay untouched.
    """
    out_dir = Path(out_dir)
    _check_name(name)
    _check_folder(out_dir)
    pdf_path = out_dir / f"{name}.pdf"
    zip_path = out_dir / f"{name}.zip"
    try:
        # The disk work (big writes, fsync) runs on a helper thread while this one builds:
        # those calls release the GIL, so they overlap with the Python work. Leaving the
        # block waits for the helper before the temp files are removed or committed.
        with (
            documents_checked_once(),
            PendingFile(pdf_path) as pdf_temp,
            PendingFile(zip_path) as zip_temp,
            ThreadPoolExecutor(max_workers=2, thread_name_prefix="claim-export") as disk,
            start_bundle(inp, zip_temp.file, pdf_path.name) as bundle,
        ):  # originals first: no packet needed
            zip_temp.file.flush()
            originals_synced = disk.submit(os.fsync, zip_temp.file.fileno())

            packet = io.BytesIO()
            info: PacketInfo = build_packet(inp, packet)
            packet_bytes = packet.getbuffer()
            pdf_written = disk.submit(_write_finished, pdf_temp, packet_bytes)

            build_bundle(
                inp,
                pdf_temp.temp_path,
                zip_temp.file,
                info=info,
                packet_name=pdf_path.name,
                started=bundle,
                packet=packet_bytes,
            )
            originals_synced.result()
            zip_temp.finish()
            pdf_written.result()
            _commit_pair(pdf_temp, zip_temp)
    except OSError as exc:
        raise ExportError(explain_write_error(exc, out_dir)) from exc
    except ClaimDataError as exc:
        raise ExportError(f"cannot export claim {inp.claim_id}: {exc}") from exc
    except Exception as exc:  # a library failing on some document: say so, keep the cause chained
        raise ExportError(
            f"cannot export claim {inp.claim_id}: building the files failed ({type(exc).__name__})"
        ) from exc
    return pdf_path, zip_path


def _write_finished(pending: PendingFile, data: memoryview) -> None:
    """Write the whole file and fsync it (on the helper thread)."""
    pending.file.write(data)
    pending.finish()


def _commit_pair(pdf_temp: PendingFile, zip_temp: PendingFile) -> None:
    """Rename both temps into place; if the second rename fails, undo the first."""
    pdf_path = pdf_temp.path
    backup = _keep_aside(pdf_path)
    existed = backup is not None or pdf_path.exists()
    try:
        pdf_temp.commit()
        try:
            zip_temp.commit()
        except BaseException:
            if backup is not None:
                os.replace(backup, pdf_path)
                backup = None
            elif not existed:
                os.unlink(pdf_path)
            fsync_dir(pdf_path.parent)
            raise
    finally:
        if backup is not None:
            try:
                os.unlink(backup)
            except OSError:
                pass


def _keep_aside(path: Path) -> Path | None:
    """A second name for an existing file (hard link, else a copy) so it can be put back."""
    if not path.exists():
        return None
    aside = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old{TEMP_SUFFIX}")
    try:
        os.link(path, aside)
    except OSError:
        shutil.copy2(path, aside)  # filesystems without hard links (FAT, some network shares)
    return aside


def _check_name(name: str) -> None:
    if not name or name in (".", "..") or any(ch in name for ch in "/\\\x00") or name != name.strip():
        raise ExportError(f"invalid export name {name!r}: use a plain file name without folders")


def _check_folder(out_dir: Path) -> None:
    if out_dir.is_dir():
        return
    if out_dir.exists() or any(p.exists() and not p.is_dir() for p in out_dir.parents):
        raise ExportError(f"cannot write to {out_dir}: the path is not a folder")
    raise ExportError(f"cannot write to {out_dir}: the folder does not exist")
