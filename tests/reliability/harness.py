"""Fault injection through the real command line on real vaults: malformed files, odd names and
special files, kill -9 during import, concurrent imports, damaged vaults, interrupted key changes.

Each family returns a Tally; `make test` runs small counts (tests/reliability/test_reliability.py),
`make soak` the full counts and prints the table (python -m tests.reliability.soak).
A case fails as a crash (an exit code outside the contract, or a signal), a hang (no answer in
time), a loss (something acknowledged is missing, or the vault does not verify), a traceback
(on stdout or stderr), or an unclear message (an error without a specific reason).
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.malformed import good_image, malformed_files

PASS = "reliability passphrase"
CONTRACT_CODES = {0, 1, 3, 4}
TAG_VAR = "HSAWALLET_RELIABILITY_TAG"  # marks this suite's processes, to find orphaned readers


@dataclass
class Tally:
    family: str
    cases: int = 0
    crashes: int = 0
    hangs: int = 0
    lost: int = 0
    tracebacks: int = 0
    unclear: int = 0
    notes: list[str] = field(default_factory=list)

    def fail(self, kind: str, note: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.notes) < 12:
            self.notes.append(f"{kind}: {note}")

    @property
    def ok(self) -> bool:
        return not (self.crashes or self.hangs or self.lost or self.tracebacks or self.unclear)

    def row(self) -> str:
        return (
            f"{self.family:<26}{self.cases:>7}{self.crashes:>9}{self.hangs:>7}{self.lost:>6}"
            f"{self.tracebacks:>12}{self.unclear:>9}"
        )


HEADER = f"{'family':<26}{'cases':>7}{'crashes':>9}{'hangs':>7}{'lost':>6}{'tracebacks':>12}{'unclear':>9}"


# ---------------------------------------------------------------- the CLI as a user runs it


def env_for(vault: Path, passphrase: str = PASS, tag: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HSAWALLET_")}
    env.update(
        HSAWALLET_VAULT=str(vault),
        HSAWALLET_PASSPHRASE=passphrase,
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    if tag:
        env[TAG_VAR] = tag
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "hsawallet", *args]


def run(vault: Path, *args: str, timeout: float = 300, passphrase: str = PASS, extra: dict | None = None):
    """(returncode, stdout, stderr), or None when it did not answer within ``timeout``."""
    env = env_for(vault, passphrase)
    env.update(extra or {})
    try:
        p = subprocess.run(
            command(*args),
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            errors="replace",
        )
    except subprocess.TimeoutExpired:
        return None
    return p.returncode, p.stdout, p.stderr


def json_lines(stdout: str) -> list[dict]:
    out = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a line cut by a kill
    return out


def judge(tally: Tally, tag: str, result, *, codes=CONTRACT_CODES) -> bool:
    """Count a CLI run's crash/hang/traceback; True when it answered within the contract."""
    if result is None:
        tally.fail("hangs", f"{tag}: no answer")
        return False
    code, out, err = result
    good = True
    if "Traceback" in out or "Traceback" in err:
        tally.fail("tracebacks", f"{tag}: {err.strip().splitlines()[-1][:140] if err.strip() else ''}")
        good = False
    if code not in codes:
        tally.fail("crashes", f"{tag}: exit {code}: {err.strip()[-160:]}")
        good = False
    for word in ("SELECT ", "INSERT ", "UPDATE ", "[parameters", "sqlalche.me"):
        if word in err:
            tally.fail("unclear", f"{tag}: SQL text in the message")
            return False
    return good


def new_vault(folder: Path) -> Path:
    """A passphrase vault, made in this process (as `init` makes it, without a process start)."""
    from hsawallet.store.vault import create_vault

    folder.mkdir(parents=True, exist_ok=True)
    vault = folder / "vault.db"
    create_vault(vault, passphrase=PASS).close()
    return vault


def text_pdf(number: int, words: int = 4) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    lines = [
        f"Corner Pharmacy store {number}",
        f"Date: 03/{1 + number % 28:02d}/2026",
        *(f"Item {k} bandages {k}.{number % 100:02d}" for k in range(words)),
        f"TOTAL {number}.00",
    ]
    for i, line in enumerate(lines):
        c.drawString(72, 720 - 18 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def vault_documents(vault: Path) -> list[dict] | None:
    result = run(vault, "list", "documents", "--json", timeout=120)
    if result is None or result[0] != 0:
        return None
    return json.loads(result[1])


@functools.lru_cache(maxsize=8)
def _key(passphrase: str, salt: bytes):
    from hsawallet.store.keys import derive_key

    return derive_key(passphrase, salt)


def read_document_ids(vault: Path, passphrase: str = PASS) -> set[int] | None:
    """Ids of the documents read, opened in this process (quicker than a CLI run); None if it fails."""
    from sqlmodel import select

    from hsawallet.store.keys import read_salt
    from hsawallet.store.models import Document
    from hsawallet.store.vault import open_vault

    try:
        opened = open_vault(vault, _key(passphrase, read_salt(vault)))
    except Exception:  # noqa: BLE001 - any failure to open counts as a loss
        return None
    try:
        with opened.session() as session:
            return {d.id for d in session.exec(select(Document).where(Document.status == "read"))}
    finally:
        opened.close()


def verifies(vault: Path, passphrase: str = PASS) -> bool:
    """`hsawallet verify`'s checks (encryption, structure, every document's SHA-256), in this process."""
    from hsawallet.store.keys import read_salt
    from hsawallet.store.vault import open_vault, verify_vault

    try:
        opened = open_vault(vault, _key(passphrase, read_salt(vault)))
    except Exception:  # noqa: BLE001 - a vault that does not open does not verify
        return False
    try:
        return verify_vault(opened).ok
    finally:
        opened.close()


# ---------------------------------------------------------------- families


def unclear(message: str | None) -> bool:
    return not message or "internal error" in message or "Traceback" in message or len(message) < 12


def malformed_family(work: Path, limit: int | None = None, files=None) -> Tally:
    """Every malformed file in one import beside good files: each gets a clear message or is read,
    the good ones are all imported, the vault verifies."""
    tally = Tally("malformed files")
    folder = work / "malformed"
    folder.mkdir()
    cases = list(files if files is not None else malformed_files())[:limit]
    for name, data in cases:
        (folder / name).write_bytes(data)
    good = {f"good-{i}.pdf": text_pdf(9000 + i) for i in range(3)}
    for name, data in good.items():
        (folder / name).write_bytes(data)
    vault = new_vault(work)
    tally.cases = len(cases)
    result = run(vault, "import", str(folder), "--json", timeout=60 + 130 * max(1, len(cases)) / 2)
    if not judge(tally, "import", result):
        return tally
    lines = {line["file"]: line for line in json_lines(result[1])}
    for name, _ in cases:
        line = lines.get(name)
        if line is None:
            tally.fail("lost", f"{name}: no outcome")
        elif line["status"] == "error" and unclear(line["error"]):
            tally.fail("unclear", f"{name}: {line['error']}")
    for name in good:
        if lines.get(name, {}).get("status") != "imported":
            tally.fail("lost", f"{name} (a good file) was not imported")
    if not verifies(vault):
        tally.fail("lost", "the vault does not verify")
    return tally


def _fs_cases(folder: Path) -> list[tuple[str, bytes, str]]:
    """(name as bytes, what, expected: 'imported' | 'error' | 'duplicate') for 24 names and file kinds."""
    base = os.fsencode(folder) + b"/"
    pdf = lambda n: text_pdf(7000 + n)  # noqa: E731
    cases: list[tuple[bytes, str, str]] = []

    def regular(name: bytes, n: int, expect: str = "imported") -> None:
        with open(base + name, "wb") as fh:
            fh.write(pdf(n))
        cases.append((name, "regular file", expect))

    regular(b"latin1-caf\xe9.pdf", 1)
    regular(b"invalid-\xff\xfe.pdf", 2)
    regular(b"lone-continuation-\x80.pdf", 3)
    regular(b"newline\nin-name.pdf", 4)
    regular(b"escape-\x1b[31mred\x1b[0m.pdf", 5)
    regular(b"tab\tand\rreturn.pdf", 6)
    regular("bidi-\u202egnp.pdf".encode(), 7)
    regular(("long-" + "x" * 240 + ".pdf").encode(), 8)
    regular(b"-starts-with-dash.pdf", 9)
    regular("nfd-cafe\u0301.pdf".encode(), 10)
    regular("emoji-\U0001f9fe.pdf".encode(), 11)
    regular(b"no-extension", 12)
    os.link(base + b"no-extension", base + b"zz-hard-link-copy.pdf")  # sorts after its twin: the copy
    cases.append((b"zz-hard-link-copy.pdf", "hard link to a file above", "duplicate"))
    os.mkfifo(base + b"fifo.pdf")
    cases.append((b"fifo.pdf", "named pipe", "error"))
    for target, name in (("/dev/zero", b"zero.jpg"), ("/dev/urandom", b"urandom.pdf"), ("/dev/null", b"null.pdf")):
        os.symlink(target, base + name)
        cases.append((name, f"link to {target}", "error"))
    os.symlink(base + b"missing-target.pdf", base + b"dangling.pdf")
    cases.append((b"dangling.pdf", "dangling link", "error"))
    os.symlink(base + b"loop-b.pdf", base + b"loop-a.pdf")
    os.symlink(base + b"loop-a.pdf", base + b"loop-b.pdf")
    cases.append((b"loop-a.pdf", "link loop", "error"))
    cases.append((b"loop-b.pdf", "link loop", "error"))
    os.symlink(base + b"latin1-caf\xe9.pdf", base + b"link-to-good.pdf")
    cases.append((b"link-to-good.pdf", "link to a regular file", "duplicate"))
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind((base + b"socket.pdf").decode("utf-8", "surrogateescape"))
        cases.append((b"socket.pdf", "socket", "error"))
    except OSError:
        pass  # path too long for a socket here; the other cases still count
    finally:
        sock.close()
    open(base + b"empty.pdf", "wb").close()
    cases.append((b"empty.pdf", "empty file", "error"))
    with open(base + b"huge-sparse.pdf", "wb") as fh:  # 201 MB claimed, nothing written: refused by size
        fh.truncate(201 * 1024 * 1024)
    cases.append((b"huge-sparse.pdf", "file over the size limit", "error"))
    return cases


def names_family(work: Path) -> Tally:
    """Odd names and special files in one folder, beside a good file: each name stored with its exact
    bytes, each special file a per-file message, nothing hangs, the good file imported."""
    tally = Tally("names and file system")
    folder = work / "names"
    folder.mkdir()
    cases = _fs_cases(folder)
    (folder / "zz-good.pdf").write_bytes(text_pdf(7999))
    tally.cases = len(cases)
    vault = new_vault(work)
    result = run(vault, "import", str(folder), "--json", timeout=300)
    if not judge(tally, "import", result):
        return tally
    lines = json_lines(result[1])
    from hsawallet.safeio import storable_name

    by_name = {line["file"]: line for line in lines}
    for raw, what, expect in cases:
        shown = storable_name(os.fsdecode(raw))
        line = by_name.get(shown)
        if line is None:
            tally.fail("lost", f"{what} {raw!r}: no outcome")
        elif line["status"] != expect:
            tally.fail("lost" if expect != "error" else "crashes", f"{what} {raw!r}: {line['status']} {line['error']}")
        elif expect == "error" and unclear(line["error"]):
            tally.fail("unclear", f"{what}: {line['error']}")
    if by_name.get("zz-good.pdf", {}).get("status") != "imported":
        tally.fail("lost", "the good file beside them was not imported")
    docs = vault_documents(vault) or []
    stored = {bytes.fromhex(d["file_bytes_hex"]) if d.get("file_bytes_hex") else d["file"].encode() for d in docs}
    for raw, _, expect in cases:
        if expect == "imported" and raw not in stored:
            tally.fail("lost", f"name {raw!r} not stored exactly")
    human = run(vault, "list", "documents", timeout=60)
    if judge(tally, "list", human) and (
        "\x1b" in human[1] or any("in-name" in line and "newline" not in line for line in human[1].splitlines())
    ):
        tally.fail("unclear", "a name reached the terminal raw (ESC or a line break)")
    return tally


def orphans(tag: str) -> list[int]:
    """Processes of this suite (marked in their environment) still alive."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"{TAG_VAR}={tag}".encode() in (entry / "environ").read_bytes():
                alive.append(int(entry.name))
        except OSError:
            continue
    return alive


def kill_family(work: Path, kills: int, seed: int = 1, max_delay_s: float = 3.0) -> Tally:
    """kill -9 of an import at a random moment, again and again on one vault: it always opens, every
    acknowledged import is there, it verifies, and no reader outlives the killed import."""
    tally = Tally("kill -9 during import")
    rnd = random.Random(seed)
    vault = new_vault(work)
    acknowledged: dict[str, int] = {}  # sha-less: file name -> document id, as reported
    folder = work / "kill-files"
    folder.mkdir()
    for i in range(6):
        (folder / f"receipt-{i}.pdf").write_bytes(text_pdf(i, words=3))
    (folder / "photo.png").write_bytes(good_image("PNG"))
    for trial in range(kills):
        if trial and trial % 3 == 0:  # new files now and then, so kills land in storing as well as reading
            (folder / f"late-{trial}.pdf").write_bytes(text_pdf(100 + trial))
        tag = f"{os.getpid()}-{trial}-{rnd.random()}"
        proc = subprocess.Popen(
            command("import", str(folder), "--json"),
            env=env_for(vault, tag=tag),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        time.sleep(rnd.uniform(0.2, max_delay_s))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        tally.cases += 1
        for line in json_lines(out.decode("utf-8", "replace")):
            if line["status"] in ("imported", "duplicate"):
                acknowledged[line["file"]] = line["document_id"]
        deadline = time.monotonic() + 10
        while orphans(tag) and time.monotonic() < deadline:
            time.sleep(0.2)
        if left := orphans(tag):
            tally.fail("hangs", f"trial {trial}: reader processes {left} outlived the killed import")
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if b"Traceback" in err:
            tally.fail("tracebacks", f"trial {trial}: {err.decode(errors='replace').strip().splitlines()[-1][:140]}")
        ids = read_document_ids(vault)
        if ids is None:
            tally.fail("lost", f"trial {trial}: the vault does not open after the kill")
            break
        missing = {name for name, doc_id in acknowledged.items() if doc_id not in ids}
        if missing:
            tally.fail("lost", f"trial {trial}: acknowledged but missing: {sorted(missing)}")
        if trial % 10 == 9 and not verifies(vault):
            tally.fail("lost", f"trial {trial}: the vault does not verify")
    final = run(vault, "import", str(folder), "--json", timeout=600)
    if judge(tally, "final import", result=final) and not verifies(vault):
        tally.fail("lost", "the vault does not verify at the end")
    return tally


def concurrent_family(work: Path, trials: int) -> Tally:
    """Two imports started at the same moment: both end 0, both sets of files are in the vault."""
    tally = Tally("concurrent imports")
    for trial in range(trials):
        trial_dir = work / f"concurrent-{trial}"
        trial_dir.mkdir()
        vault = new_vault(trial_dir)
        folders = [trial_dir / "a", trial_dir / "b"]
        for k, folder in enumerate(folders):
            folder.mkdir()
            for i in range(4):
                (folder / f"{'ab'[k]}-{i}.pdf").write_bytes(text_pdf(1000 * (trial + 1) + 10 * k + i))
        procs = [
            subprocess.Popen(
                command("import", str(folder), "--json"),
                env=env_for(vault),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            )
            for folder in folders
        ]
        tally.cases += 1
        for proc in procs:
            try:
                out, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                tally.fail("hangs", f"trial {trial}: an import did not finish")
                continue
            judge(tally, f"trial {trial}", (proc.returncode, out, err), codes={0})
        docs = vault_documents(vault)
        if docs is None or len([d for d in docs if d["status"] == "read"]) != 8:
            tally.fail("lost", f"trial {trial}: {0 if docs is None else len(docs)} of 8 documents")
        shutil.rmtree(trial_dir, ignore_errors=True)
    return tally


DAMAGED_COMMANDS = (("list", "documents", "--json"), ("list", "receipts"), ("show", "1"), ("verify",))


def damaged_family(work: Path, vaults: int, seed: int = 7, commands=DAMAGED_COMMANDS) -> Tally:
    """A byte flipped in copies of a vault: list, show and verify answer with one clear line and an
    exit code of the contract (3 for a damaged vault), never a traceback or SQL text."""
    tally = Tally("damaged vaults")
    rnd = random.Random(seed)
    base_dir = work / "damaged-base"
    base_dir.mkdir()
    vault = new_vault(base_dir)
    files = base_dir / "files"
    files.mkdir()
    for i in range(5):
        (files / f"r-{i}.pdf").write_bytes(text_pdf(500 + i, words=6))
    run(vault, "import", str(files), timeout=300)
    run(vault, "list", "documents", timeout=60)  # the WAL checkpointed into the file on close
    size = vault.stat().st_size
    for k in range(vaults):
        copy_dir = work / f"damaged-{k}"
        copy_dir.mkdir()
        copy = copy_dir / "vault.db"
        shutil.copy(vault, copy)
        offset = rnd.randrange(16, size)
        with open(copy, "r+b") as fh:
            fh.seek(offset)
            byte = fh.read(1)
            fh.seek(offset)
            fh.write(bytes([byte[0] ^ (1 << rnd.randrange(8))]))
        tally.cases += 1
        for args in commands:
            result = run(copy, *args, timeout=120)
            if judge(tally, f"offset {offset} {args[0]}", result) and result[0] != 0:
                lines = [line for line in result[2].splitlines() if line.strip()]
                if args[0] != "verify" and (len(lines) != 1 or not lines[0].startswith("hsawallet: ")):
                    tally.fail("unclear", f"offset {offset} {args[0]}: {lines[:2]}")
        shutil.rmtree(copy_dir, ignore_errors=True)
    return tally


def key_change_family(work: Path, kills: int, seed: int = 3) -> Tally:
    """kill -9 of passwd at random moments: the old or the new passphrase opens the vault, every
    document is there, the next open removes the staged .rekey copy, and it verifies."""
    tally = Tally("interrupted key changes")
    rnd = random.Random(seed)
    vault = new_vault(work)
    files = work / "rekey-files"
    files.mkdir()
    for i in range(4):
        (files / f"k-{i}.pdf").write_bytes(text_pdf(300 + i))
    run(vault, "import", str(files), timeout=300)
    expected = {d["sha256"] for d in vault_documents(vault) or []}
    current = PASS
    for trial in range(kills):
        new = f"new passphrase {trial}"
        env = env_for(vault, current)
        env["HSAWALLET_NEW_PASSPHRASE"] = new
        proc = subprocess.Popen(
            command("passwd"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        time.sleep(rnd.uniform(0.2, 4.0))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        tally.cases += 1
        if b"Traceback" in err:
            tally.fail("tracebacks", f"trial {trial}")
        opened = None
        for candidate in (current, new):
            result = run(vault, "list", "documents", "--json", passphrase=candidate, timeout=120)
            if result is not None and result[0] == 0:
                opened = candidate, json.loads(result[1])
                break
        if opened is None:
            tally.fail("lost", f"trial {trial}: neither passphrase opens the vault")
            break
        current, docs = opened
        if {d["sha256"] for d in docs} != expected:
            tally.fail("lost", f"trial {trial}: documents changed")
        if any(vault.with_name(vault.name + s).exists() for s in (".rekey", ".rekey-wal", ".rekey-shm")):
            tally.fail("lost", f"trial {trial}: a stale .rekey file was left after the next open")
        if trial % 5 == 4 and not verifies(vault, current):
            tally.fail("lost", f"trial {trial}: the vault does not verify")
    return tally


def work_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="hsa-reliability-"))
