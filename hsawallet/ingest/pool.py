"""Read untrusted documents in worker processes with a wall-time and a memory limit.

A crafted PDF can keep pdfminer busy for minutes, and a decompression bomb can eat all
memory; a worker that runs over is killed (with its tesseract child) and replaced, and
the job gets an IngestError while the rest of the batch goes on. Workers are started
with "spawn" (the GUI runs Qt threads; forking them is unsafe), get document bytes
through a pipe and write nothing to disk.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Final, Generic, Literal, TypedDict, TypeVar, Unpack, overload

from hsawallet.ingest.model import IngestError, ReadResult

if TYPE_CHECKING:
    from hsawallet.ingest.mail import MailContents

log = logging.getLogger(__name__)

K = TypeVar("K")
R = TypeVar("R")

_CONTEXT = multiprocessing.get_context("spawn")
_READY = "ready"
STARTUP_TIMEOUT_S = 60.0  # spawning Python and importing the readers; generous for slow disks
READ: Final = "read"  # a job's task: read one document (ReadResult) ...
OPEN_MAIL: Final = "mail"  # ... or open an e-mail message or mailbox (hsawallet.ingest.mail.MailContents)
_PR_SET_PDEATHSIG = 1


def _worker_main(connection: Connection, memory_mb: int, cpu_s: int, parent_pid: int) -> None:
    """Child process: set limits, then run (data, filename, date_order, task) jobs until told to stop.

    The parent gone (pipe closed, killed), the worker ends at once and quietly: it is of no use
    to anyone, and its output would land on a terminal that has moved on.
    """
    os.setsid()  # own process group, so a kill reaches tesseract too
    _die_with_parent(parent_pid)
    # Libraries warn about each oddity of a damaged file, sometimes quoting its bytes: not for the terminal.
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        import hsawallet.ingest.pipeline  # noqa: F401 - loaded before the first job's clock starts

        connection.send(_READY)  # the parent starts a job's clock only now, not during start-up
        while True:
            try:
                job = connection.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            _limit_cpu(cpu_s)
            data, filename, date_order, task, people = job
            outcome = _run(task, data, filename, date_order, people, memory_mb)
            del data, job
            try:
                connection.send(outcome)
            except MemoryError:
                connection.send(_memory_error(memory_mb))
    except (OSError, EOFError, KeyboardInterrupt):  # the pipe broke: the parent is gone
        _exit_quietly()


def _run(task: str, data: bytes, filename: str, date_order: str, people: tuple[str, ...], memory_mb: int) -> object:
    from hsawallet.ingest.pipeline import read_document

    try:
        if task == OPEN_MAIL:
            from hsawallet.ingest.mail import open_mail

            return open_mail(data, filename=filename)
        return read_document(data, filename=filename, date_order=date_order, people=people)
    except IngestError as error:
        return error
    except MemoryError:
        return _memory_error(memory_mb)
    except RecursionError:
        return IngestError(
            "the document is damaged: its structure refers back to itself (a loop), so it cannot be read"
        )
    except Exception as error:  # a library choking on damaged input; no document text in the message
        # Frames only, at debug level: an exception's message may quote document text.
        log.debug(
            "reading a document failed: %s\n%s", type(error).__name__, "".join(traceback.format_tb(error.__traceback__))
        )
        return IngestError(_damaged(data, error))


def _damaged(data: bytes, error: Exception) -> str:
    """A clear reason for a reader library's failure on a damaged file (a failure in our own code
    is called what it is)."""
    from hsawallet.ingest.sniff import PDF, sniff

    innermost = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    if innermost and f"{os.sep}hsawallet{os.sep}" in innermost[0].filename:
        return f"the document could not be read (internal error: {type(error).__name__})"
    try:
        media_type = sniff(data)
    except IngestError:
        media_type = None
    if media_type == PDF:
        return (
            "the PDF is damaged: its structure (pages, page tree or cross-reference table) could not be read; "
            "open it in a PDF viewer and save or print it to a new PDF"
        )
    if media_type is not None:
        what = media_type.split("/")[1].upper()
        return (
            f"the {what} image is damaged or cut short and could not be decoded; "
            "open it in an image viewer and save it again"
        )
    return f"the document could not be read (internal error: {type(error).__name__})"


def _die_with_parent(parent_pid: int) -> None:
    """End this worker when the process that started it ends, even if that one is killed (-9).

    Linux: the kernel's parent-death signal (no Python needed, works while C code runs). Everywhere:
    a thread waiting on the parent's sentinel (a pipe the parent's death closes). RLIMIT_CPU per job
    (_limit_cpu) is the last fence.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # died before the signal was armed
        _exit_quietly()
    parent = multiprocessing.parent_process()
    if parent is not None:
        sentinel = parent.sentinel

        def watch() -> None:
            wait([sentinel])
            _exit_quietly()

        threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _exit_quietly() -> None:
    """Kill this worker's group (it and any helper it started), printing nothing."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(os.getpid(), signal.SIGKILL)  # the worker leads its group (setsid)
        except OSError:
            pass
    os._exit(0)


def _limit_cpu(cpu_s: int) -> None:
    """Allow ``cpu_s`` more seconds of CPU from now (the soft RLIMIT_CPU; SIGXCPU ends the worker)."""
    try:
        import resource
    except ImportError:  # Windows
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + cpu_s
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass


def _memory_error(memory_mb: int) -> IngestError:
    return IngestError(
        f"the document needs more memory than allowed ({memory_mb} MB); it may be damaged or a decompression bomb"
    )


_spawn_lock = threading.Lock()


@contextlib.contextmanager
def _stderr_to_devnull() -> Iterator[None]:
    """Start a worker with its stderr on /dev/null: a worker whose parent is killed while it starts
    dies in multiprocessing's own start-up code, before any of ours could keep it quiet. (For the
    instant of the spawn this process's stderr goes there too; the worker has nothing to say.)"""
    if not hasattr(os, "fork"):
        yield
        return
    with _spawn_lock:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)


def _cpu_budget(timeout_s: float) -> int:
    # CPU seconds of a job: its wall time on every core (OCR may use threads), plus start-up slack.
    return int(timeout_s * (os.cpu_count() or 1)) + 60


class _Worker(Generic[K]):
    job: K  # the key of the job sent last (set by send, read only while the worker is busy)

    def __init__(self, memory_mb: int, cpu_s: int) -> None:
        self.connection, child_end = _CONTEXT.Pipe(duplex=True)
        self.process = _CONTEXT.Process(
            target=_worker_main, args=(child_end, memory_mb, cpu_s, os.getpid()), daemon=True
        )
        with _stderr_to_devnull():
            self.process.start()
        child_end.close()
        self.ready = False
        self.started_at = time.monotonic()
        self.job_timeout_s = 0.0
        self.job_sent_at = 0.0

    def send(
        self,
        key: K,
        data: bytes,
        filename: str,
        date_order: str,
        timeout_s: float,
        task: str = READ,
        people: tuple[str, ...] = (),
    ) -> None:
        """Queue a job in the pipe; a worker still starting reads it once ready."""
        self.job, self.job_timeout_s, self.job_sent_at = key, timeout_s, time.monotonic()
        self.connection.send((data, filename, date_order, task, people))

    @property
    def deadline(self) -> float:
        if not self.ready:
            return self.started_at + STARTUP_TIMEOUT_S + self.job_timeout_s
        return max(self.job_sent_at, self.ready_at) + self.job_timeout_s

    def mark_ready(self) -> None:
        self.ready, self.ready_at = True, time.monotonic()

    def kill(self) -> None:
        pid = self.process.pid
        try:
            if pid is not None:
                os.killpg(pid, signal.SIGKILL)  # the worker leads its own group (setsid)
        except (ProcessLookupError, PermissionError):
            self.process.kill()
        self.process.join(5)
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        else:
            self.connection.close()


class ReadOptions(TypedDict, total=False):
    """read_many's limits and reading options (their defaults in read_many)."""

    workers: int
    timeout_s: float
    memory_mb: int
    date_order: str
    people: tuple[str, ...]


# What read_many yields for each (key, data, filename) job: the result of its task, or why it failed.
Outcomes = Iterator[tuple[K, R | IngestError]]


@overload
def read_many(jobs: Iterable[tuple[K, bytes, str]], **options: Unpack[ReadOptions]) -> Outcomes[K, ReadResult]: ...
@overload
def read_many(
    jobs: Iterable[tuple[K, bytes, str]], *, task: Literal["mail"], **options: Unpack[ReadOptions]
) -> Outcomes[K, MailContents]: ...


def read_many(
    jobs: Iterable[tuple[K, bytes, str]],
    *,
    workers: int = 2,
    timeout_s: float = 120,
    memory_mb: int = 1536,
    date_order: str = "mdy",
    task: Literal["read", "mail"] = READ,
    people: tuple[str, ...] = (),
) -> Outcomes[K, ReadResult | MailContents]:
    """Read (key, data, filename) jobs in parallel; yield (key, result or IngestError) as each finishes.
    ``task`` OPEN_MAIL opens e-mail files instead, under the same limits (results are MailContents).
    ``people``: the names of the vault's people, evidence for a letter's patient."""
    source = iter(jobs)  # consumed lazily, so a caller may stream files from disk

    def next_job() -> tuple[K, bytes, str] | None:
        return next(source, None)

    idle: list[_Worker[K]] = []
    busy: dict[Connection, _Worker[K]] = {}
    worker_count = max(1, workers)
    started = 0
    try:
        exhausted = False
        while True:
            while not exhausted and len(busy) < worker_count:
                job = next_job()
                if job is None:
                    exhausted = True
                    break
                key, data, filename = job
                worker = idle.pop() if idle else None
                if worker is None:
                    worker = _Worker(memory_mb, _cpu_budget(timeout_s))
                    started += 1
                try:
                    worker.send(key, data, filename, date_order, timeout_s, task, people)
                except (OSError, ValueError):
                    worker.kill()
                    yield key, IngestError("the document could not be handed to a reader process")
                    continue
                busy[worker.connection] = worker
            if not busy:
                return
            now = time.monotonic()
            wait_s = max(0.0, min(w.deadline for w in busy.values()) - now)
            sentinels = {w.process.sentinel: w for w in busy.values()}
            ready = wait([*busy.keys(), *sentinels.keys()], timeout=wait_s)
            finished: set[_Worker[K]] = set()
            for handle in ready:
                # a worker's pipe or its process's sentinel (wait was handed nothing else)
                if isinstance(handle, Connection):
                    worker = busy.get(handle)
                else:
                    worker = sentinels.get(handle) if isinstance(handle, int) else None
                if worker is None or worker in finished:
                    continue
                key = worker.job
                outcome: ReadResult | MailContents | IngestError | str | None
                try:
                    outcome = worker.connection.recv() if worker.connection.poll() else None
                except (EOFError, OSError):
                    outcome = None
                if outcome == _READY:
                    worker.mark_ready()
                    continue
                finished.add(worker)
                del busy[worker.connection]
                if outcome is None:
                    # The worker died: the kernel's OOM killer, a crash in a C library, or RLIMIT_AS in C code.
                    exit_code = worker.process.exitcode
                    worker.kill()
                    log.info("reader process ended unexpectedly (exit code %s)", exit_code)
                    yield (
                        key,
                        IngestError(
                            "the reader process crashed on this document; it may be damaged, or need more "
                            f"memory than allowed ({memory_mb} MB)"
                        ),
                    )
                else:
                    idle.append(worker)
                    yield key, outcome
            now = time.monotonic()
            for connection, worker in list(busy.items()):
                if worker.deadline <= now and worker not in finished:
                    del busy[connection]
                    worker.kill()
                    yield (
                        worker.job,
                        IngestError(
                            f"reading the document took longer than {timeout_s:g} seconds and was stopped; "
                            "it may be damaged or far too complex"
                        ),
                    )
    finally:
        for worker in idle:
            worker.stop()
        for worker in busy.values():
            worker.kill()


def read_one(
    data: bytes,
    filename: str,
    *,
    timeout_s: float = 120,
    memory_mb: int = 1536,
    date_order: str = "mdy",
) -> ReadResult:
    """Read one document in a worker process; raises IngestError."""
    for _key, outcome in read_many(
        [(None, data, filename)], workers=1, timeout_s=timeout_s, memory_mb=memory_mb, date_order=date_order
    ):
        if isinstance(outcome, IngestError):
            raise outcome
        return outcome
    raise IngestError("the document could not be read")
