"""Executors: where the batches of a run are cleaned (or counted), apart from what the run does with the results.

An :class:`Executor` takes the batches of a pass (``(job index, document)``
pairs, see :func:`cleaner.jobs.batches`), runs a :data:`~cleaner.worker.Work`
function on the documents of each batch with a worker's
:class:`~cleaner.pipeline.Cleaner` holding the pass's corpus model, and
gives every batch back, in input order, with what the work made of it.
That is the whole interface: another engine (a cluster) plugs in here.

* :class:`LocalExecutor` (``-j 1``) runs the work in this process;
* :class:`ProcessExecutor` (``-j N``) runs it in a pool of N worker
  processes, a bounded number of batches in flight, so memory stays flat
  however large the corpus. The same workers run both passes (what they
  cached while counting serves them when cleaning); the corpus model reaches
  them as a temporary file, read once by each. When a worker process dies (a
  crash in a C library, the out-of-memory killer), the documents in flight
  with it are retried one by one in fresh processes, so that only the one
  that kills its process fails.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from cleaner.config import Config
from cleaner.corpus import CorpusModel
from cleaner.io import Task
from cleaner.jobs import Item
from cleaner.pipeline import Cleaner
from cleaner.worker import R, Work, in_worker, init_worker

Batch = list[Item]
ENGINES = ("local", "ray")  # clean --engine: this machine (executor_for), a Ray cluster (cleaner.executor_ray)
IN_FLIGHT_PER_WORKER = 3  # batches queued per worker: enough to keep it busy, few enough to bound memory


def tasks_of(batch: Batch) -> list[Task]:
    """The documents of a batch (its named errors are not work)."""
    return [item for _, item in batch if isinstance(item, Task)]


def singles(batch: Batch) -> Iterator[tuple[Batch, Task | None]]:
    """A batch cut into parts of one document each (with the named errors before it), for retrying its
    documents one by one after a dead worker; a last part of named errors only comes with None."""
    part: Batch = []
    for j, item in batch:
        part.append((j, item))
        if isinstance(item, Task):
            yield part, item
            part = []
    if part:
        yield part, None


class Executor(Protocol):
    """Runs the work of a pass on its batches; a context manager that releases its workers on exit."""

    def map(
        self, batches: Iterable[Batch], work: Work[R], corpus: CorpusModel | None
    ) -> Iterator[tuple[Batch, R | None]]:
        """``(batch, result)`` in input order: ``result`` is ``work`` on the batch's tasks, with ``corpus`` as
        the workers' corpus model. A batch may come back cut into parts (each with its own result), and a
        result is None for a part whose worker died."""
        ...

    def close(self) -> None:
        """Release the workers and whatever was shared with them."""
        ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


class _Closing:
    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release."""


class LocalExecutor(_Closing):
    """The work in this process, batch after batch (``-j 1``)."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def map(
        self, batches: Iterable[Batch], work: Work[R], corpus: CorpusModel | None
    ) -> Iterator[tuple[Batch, R | None]]:
        cleaner = Cleaner(self.config)
        cleaner.corpus = corpus
        for batch in batches:
            yield batch, work(cleaner, tasks_of(batch))


class ProcessExecutor(_Closing):
    """The work in a pool of worker processes (``-j N``), with retries after a dead worker."""

    def __init__(self, config: Config, workers: int) -> None:
        self.workers = workers
        self.initargs = (config.data, str(config.base_dir), os.getpid())
        self._pool: ProcessPoolExecutor | None = None  # started on first use, for both passes
        self._solo: ProcessPoolExecutor | None = None  # one process for documents retried one by one
        self._corpus_file: str | None = None  # the corpus model, for the workers
        self._corpus_fd: int | None = None  # the memory file holding it (Linux)
        self._corpus_named = False  # a temporary file to remove (elsewhere)

    def map(
        self, batches: Iterable[Batch], work: Work[R], corpus: CorpusModel | None
    ) -> Iterator[tuple[Batch, R | None]]:
        # Stopped early (an error, a signal), the batches still queued are cancelled by close(), through the
        # pool's shutdown: a future cancelled here instead would stay among the pool's pending work, and the
        # pool's thread, finding its workers killed, would fail to set its error (a traceback on stderr).
        pending: deque[tuple[Batch, Future[R]]] = deque()
        corpus_file = self._share(corpus)
        for batch in batches:
            pending.append((batch, self._pool_now().submit(in_worker, work, tasks_of(batch), corpus_file)))
            if len(pending) > IN_FLIGHT_PER_WORKER * self.workers:
                yield from self._result(*pending.popleft(), work, corpus_file)
        while pending:
            yield from self._result(*pending.popleft(), work, corpus_file)

    def _pool_now(self) -> ProcessPoolExecutor:
        """The pool of worker processes; a fresh one when a worker died."""
        if self._pool is not None and getattr(self._pool, "_broken", False):
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, initializer=init_worker, initargs=self.initargs)
        return self._pool

    def _share(self, corpus: CorpusModel | None) -> str | None:
        """The file the workers read ``corpus`` from (written once), or None without one.

        On Linux it is a file in memory with no name (``memfd_create``), read by
        the workers through ``/proc/PID/fd``: it goes when this process ends,
        however it ends (even ``kill -9``). Elsewhere it is a temporary file,
        removed when the run ends or is stopped by a signal.
        """
        if corpus is None:
            return None
        if self._corpus_file is None:
            data = pickle.dumps(corpus, protocol=pickle.HIGHEST_PROTOCOL)
            memfd = getattr(os, "memfd_create", None)
            if memfd is not None and os.path.isdir(f"/proc/{os.getpid()}/fd"):
                self._corpus_fd = memfd("clean-corpus", 0)
                _write_all(self._corpus_fd, data)
                self._corpus_file = f"/proc/{os.getpid()}/fd/{self._corpus_fd}"
            else:
                fd, self._corpus_file = tempfile.mkstemp(prefix="clean-corpus-", suffix=".pickle")
                self._corpus_named = True
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
        return self._corpus_file

    def _result(
        self, batch: Batch, future: Future[R], work: Work[R], corpus_file: str | None, *, again: bool = False
    ) -> Iterator[tuple[Batch, R | None]]:
        """A batch with its result. When its worker died, the batch runs once more in a fresh pool (a worker
        killed from outside, by the out-of-memory killer say, costs nothing more); when that dies too, its
        documents run one by one, so that only the one that kills its process fails."""
        try:
            yield batch, future.result()
            return
        except BrokenProcessPool:
            pass
        if not again:
            retry = self._pool_now().submit(in_worker, work, tasks_of(batch), corpus_file)
            yield from self._result(batch, retry, work, corpus_file, again=True)
            return
        for part, task in singles(batch):
            yield part, self._alone(work, task, corpus_file) if task is not None else None

    def _alone(self, work: Work[R], task: Task, corpus_file: str | None) -> R | None:
        """Run one task in a process of its own (kept for the next, until one dies); None when it dies."""
        if self._solo is None:
            self._solo = ProcessPoolExecutor(1, initializer=init_worker, initargs=self.initargs)
        try:
            return self._solo.submit(in_worker, work, [task], corpus_file).result()
        except BrokenProcessPool:
            self._solo.shutdown(wait=False)
            self._solo = None
            return None

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(kill=exc_type is not None)

    def close(self, *, kill: bool = False) -> None:
        """Stop the worker processes and remove the corpus file shared with them. ``kill``: the run is stopped
        (Ctrl-C, a signal, an error): the workers are killed rather than waited for."""
        for pool in (self._pool, self._solo):
            if pool is None:
                continue
            if kill:
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    with contextlib.suppress(OSError, AttributeError):
                        process.kill()
                _unblock_results(pool)
            pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._solo = None
        if self._corpus_fd is not None:
            os.close(self._corpus_fd)
            self._corpus_fd = None
        if self._corpus_named and self._corpus_file is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._corpus_file)
        self._corpus_file = None


def _unblock_results(pool: ProcessPoolExecutor) -> None:
    """Close this process's copies of the pipe ends ``pool``'s killed workers used, so that no thread of the pool
    waits on them forever.

    A worker killed while it wrote a result leaves half a message in the
    result pipe: the pool's manager thread waits for the rest, and
    ``shutdown`` (and the interpreter's exit) with it. A worker killed
    before it read its tasks leaves the task pipe full: the pool's feeder
    thread waits to write, and the exit joins it. With our write end of the
    one and read end of the other closed, both waits end in an error the pool
    handles (each seen about once in 20 stops by a signal under load).
    """
    for queue, end in (("_result_queue", "_writer"), ("_call_queue", "_reader")):
        connection = getattr(getattr(pool, queue, None), end, None)
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def executor_for(config: Config, workers: int) -> Executor:
    """The executor of ``-j workers``: this process for 1, a pool of processes for more."""
    return LocalExecutor(config) if workers <= 1 else ProcessExecutor(config, workers)
