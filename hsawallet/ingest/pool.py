"""Read untrusted documents in worker processes with a wall-time and a memory limit.

A crafted PDF can keep pdfminer busy for minutes, and a decompression bomb can eat all
memory; a worker that runs over is killed (with its tesseract child) and replaced, and
the job gets an IngestError while the rest of the batch goes on. Workers are started
with "spawn" (the GUI runs Qt threads; forking them is unsafe), get document bytes
through a pipe and write nothing to disk.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import TypeVar

from hsawallet.ingest.model import IngestError, ReadResult

log = logging.getLogger(__name__)

K = TypeVar("K")

_CONTEXT = multiprocessing.get_context("spawn")
_READY = "ready"
STARTUP_TIMEOUT_S = 60.0  # spawning Python and importing the readers; generous for slow disks
READ = "read"  # a job's task: read one document (ReadResult) ...
OPEN_MAIL = "mail"  # ... or open an e-mail message or mailbox (hsawallet.ingest.mail.MailContents)


def _worker_main(connection: Connection, memory_mb: int) -> None:
    """Child process: set limits, then read (data, filename, date_order, task, people) jobs until told to stop."""
    os.setsid()  # own process group, so a kill reaches tesseract too
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from hsawallet.ingest.pipeline import read_document

    connection.send(_READY)  # the parent starts a job's clock only now, not during start-up
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, filename, date_order, task, people = job
        try:
            if task == OPEN_MAIL:
                from hsawallet.ingest.mail import open_mail

                outcome = open_mail(data, filename=filename)
            else:
                outcome = read_document(data, filename=filename, date_order=date_order, people=people)
        except IngestError as error:
            outcome = error
        except MemoryError:
            outcome = _memory_error(memory_mb)
        except Exception as error:  # a bug or a library choking on odd input; no document text in the message
            # Frames only: an exception's message may quote document text.
            log.error("reading a document failed: %s\n%s", type(error).__name__, "".join(traceback.format_tb(error.__traceback__)))
            outcome = IngestError(f"the document could not be read (internal error: {type(error).__name__})")
        del data, job
        try:
            connection.send(outcome)
        except MemoryError:
            connection.send(_memory_error(memory_mb))


def _memory_error(memory_mb: int) -> IngestError:
    return IngestError(
        f"the document needs more memory than allowed ({memory_mb} MB); it may be damaged or a decompression bomb"
    )


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.connection, child_end = _CONTEXT.Pipe(duplex=True)
        self.process = _CONTEXT.Process(target=_worker_main, args=(child_end, memory_mb), daemon=True)
        self.process.start()
        child_end.close()
        self.ready = False
        self.started_at = time.monotonic()
        self.job: object = None
        self.job_timeout_s = 0.0
        self.job_sent_at = 0.0

    def send(self, key: object, data: bytes, filename: str, date_order: str, timeout_s: float,
             task: str = READ, people: tuple[str, ...] = ()) -> None:
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


def read_many(
    jobs: Iterable[tuple[K, bytes, str]],
    *,
    workers: int = 2,
    timeout_s: float = 120,
    memory_mb: int = 1536,
    date_order: str = "mdy",
    task: str = READ,
    people: tuple[str, ...] = (),
) -> Iterator[tuple[K, ReadResult | IngestError]]:
    """Read (key, data, filename) jobs in parallel; yield (key, result or IngestError) as each finishes.
    ``task`` OPEN_MAIL opens e-mail files instead, under the same limits (results are MailContents).
    ``people``: the names of the vault's people, evidence for a letter's patient."""
    source = iter(jobs)  # consumed lazily, so a caller may stream files from disk

    def next_job() -> tuple[K, bytes, str] | None:
        return next(source, None)

    idle: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
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
                    worker = _Worker(memory_mb)
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
            finished: set[_Worker] = set()
            for handle in ready:
                worker = busy.get(handle) or sentinels.get(handle)  # type: ignore[arg-type]
                if worker is None or worker in finished:
                    continue
                key = worker.job
                outcome: ReadResult | IngestError | str | None
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
                    yield key, IngestError(
                        "the reader process crashed on this document; it may be damaged, or need more "
                        f"memory than allowed ({memory_mb} MB)"
                    )
                else:
                    worker.job = None
                    idle.append(worker)
                    yield key, outcome  # type: ignore[misc]
            now = time.monotonic()
            for connection, worker in list(busy.items()):
                if worker.deadline <= now and worker not in finished:
                    del busy[connection]
                    worker.kill()
                    yield worker.job, IngestError(
                        f"reading the document took longer than {timeout_s:g} seconds and was stopped; "
                        "it may be damaged or far too complex"
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
