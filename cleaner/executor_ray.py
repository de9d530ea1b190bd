"""The Ray engine (``clean --engine ray``): the batches of a run cleaned by Ray tasks on a cluster.

An :class:`~cleaner.executor.Executor`, as ``-j N`` has one, so the run is
the same job whatever runs it: this process (the *driver*) plans the jobs,
reads the inputs and cuts them into the same batches of about
``BATCH_BYTES`` (:func:`cleaner.jobs.batches`); each batch is one Ray task,
a bounded number in flight; the results come back in input order and the
driver writes them as the local runner does (atomic outputs, checkpoints,
the audit log, the progress bar, ``--resume``). The corpus pass is the same
count on each batch, in Ray tasks, its counts merged in input order on the
driver: the model is the one ``-j 1`` learns, so the outputs are too.

Why tasks and a writing driver, not Ray Data: the outputs mirror the
input tree, one file per input, written whole or not at all, in input order,
with an audit log whose records follow them; a driver that writes keeps all
of that (and ``--resume``) as it is, needs no storage shared with the
workers, and its share of the work (reading, writing) is small next to the
cleaning. Worker nodes need only the package (and the rule packages the
settings name): the settings travel with the tasks, phrase files read in.

A worker process builds its :class:`~cleaner.pipeline.Cleaner` once per run
and keeps it for every task of the run it is given; the corpus model goes to
the cluster's object store once and is read once by each worker process.
A task whose worker dies (a crash in a C library, the out-of-memory killer,
a lost node) is not retried whole: its documents are retried one by one,
each in a task of its own, so that only the one that kills its worker
fails, as with ``-j N``.

This module imports Ray; nothing else in the package imports it.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import (
    NodeDiedError,
    ObjectLostError,
    OutOfMemoryError,
    RayTaskError,
    WorkerCrashedError,
)

import cleaner
from cleaner.config import Config
from cleaner.corpus import CorpusModel
from cleaner.errors import EngineError
from cleaner.executor import IN_FLIGHT_PER_WORKER, Batch, singles, tasks_of
from cleaner.io import Task
from cleaner.pipeline import Cleaner
from cleaner.worker import R, Work

# What ray.get raises when the process (or node) running a task is gone: not the document's fault the first time.
WORKER_DIED = (WorkerCrashedError, OutOfMemoryError, NodeDiedError, ObjectLostError)
CONNECT_SECONDS = 10.0  # a cluster address that does not answer within this is an error (Ray itself waits minutes)


def portable_settings(config: Config) -> dict[str, Any]:
    """The run's settings with the phrase files they name read in, as entries added inline (in the same
    order), so that a worker node needs none of the driver's files (a ConfigError when one cannot be read)."""
    data = copy.deepcopy(config.data)
    for name in config.phrase_lists_added_to:
        if config.phrase_overrides(name)[1]:
            table = data.setdefault("phrases", {}).setdefault(name, {})
            table["add"], table["files"] = config.phrase_entries(name), []
    return data


class RayExecutor:
    """The work of a run's passes in Ray tasks (``--engine ray``).

    ``address``: the cluster to connect to (what ``ray.init`` takes: ``host:port`` of its head, ``auto``,
    ``ray://host:10001``); None: ``RAY_ADDRESS`` when set, else a local cluster of ``cpus`` CPUs (None: every
    core), started for the run and stopped after it. When this process is already connected to Ray (a
    library user's ``ray.init``), that connection is used and left open. ``quiet``: Ray's own warnings
    (such as its notice about the cluster's authentication token) are not shown, its errors still are.
    """

    def __init__(
        self, config: Config, *, address: str | None = None, cpus: int | None = None, quiet: bool = False
    ) -> None:
        self.settings = (portable_settings(config), str(config.base_dir), cleaner.__version__)
        self.address = address
        self.cpus = cpus
        self.log_level = logging.ERROR if quiet else logging.WARNING
        self.run = uuid.uuid4().hex  # the workers keep one Cleaner for this run's tasks
        self._connected = False  # this executor called ray.init (and so calls ray.shutdown)
        self._corpus: tuple[CorpusModel, ray.ObjectRef] | None = None

    def __enter__(self) -> RayExecutor:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        """Connect to the cluster (or start the local one); an EngineError when it cannot be reached."""
        if ray.is_initialized():
            return
        address = self.address or os.environ.get("RAY_ADDRESS") or None
        if address is not None:
            check_reachable(address)
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address is None:
            options["num_cpus"] = self.cpus
        try:
            ray.init(address=address, logging_level=self.log_level, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise EngineError(f"cannot connect to the Ray cluster at {address}: {exc}") from exc
        self._connected = True

    def map(
        self, batches: Iterable[Batch], work: Work[R], corpus: CorpusModel | None
    ) -> Iterator[tuple[Batch, R | None]]:
        """``(batch, result)`` in input order, each batch a Ray task (see :class:`~cleaner.executor.Executor`)."""
        self.connect()
        shared = self._share(corpus)
        limit = IN_FLIGHT_PER_WORKER * max(2, int(ray.cluster_resources().get("CPU", 0)))
        pending: deque[tuple[Batch, ray.ObjectRef]] = deque()
        try:
            for batch in batches:
                pending.append((batch, self._submit(work, tasks_of(batch), shared)))
                if len(pending) > limit:
                    yield from self._result(*pending.popleft(), work, shared)
            while pending:
                yield from self._result(*pending.popleft(), work, shared)
        finally:
            for _, ref in pending:  # stopped early: what is still queued or running is not wanted
                ray.cancel(ref)

    def _share(self, corpus: CorpusModel | None) -> list[ray.ObjectRef]:
        """The corpus model in the object store (put there once), wrapped in a list so that a task is handed
        the reference and fetches the model only when its worker does not hold it yet."""
        if corpus is None:
            return []
        if self._corpus is None or self._corpus[0] is not corpus:
            self._corpus = (corpus, ray.put(corpus))
        return [self._corpus[1]]

    def _submit(self, work: Work[R], tasks: list[Task], shared: list[ray.ObjectRef]) -> ray.ObjectRef:
        return _run_tasks.remote(self.run, self.settings, work, tasks, shared)

    def _result(
        self, batch: Batch, ref: ray.ObjectRef, work: Work[R], shared: list[ray.ObjectRef]
    ) -> Iterator[tuple[Batch, R | None]]:
        """A batch with its result; after a dead worker, its documents retried one by one (in parallel)."""
        try:
            yield batch, _get(ref)
            return
        except WORKER_DIED:
            pass
        retries = [(part, self._submit(work, [task], shared) if task is not None else None)
                   for part, task in singles(batch)]
        for part, alone in retries:
            try:
                yield part, _get(alone) if alone is not None else None
            except WORKER_DIED:
                yield part, None

    def close(self) -> None:
        """Drop the corpus model from the object store; disconnect (a local cluster stops) if this executor
        connected."""
        self._corpus = None
        if self._connected:
            ray.shutdown()
            self._connected = False


def _get(ref: ray.ObjectRef) -> Any:
    """A task's result; the EngineError it raised, as itself."""
    try:
        return ray.get(ref)
    except RayTaskError as exc:
        if isinstance(exc.cause, EngineError):
            raise exc.cause from None
        raise


def check_reachable(address: str) -> None:
    """Fail fast, naming the address, when a ``host:port`` (or ``ray://host:port``) address does not answer."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto", "local": Ray finds the cluster itself
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS):
            pass
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise EngineError(f"cannot connect to the Ray cluster at {address} ({reason})") from None


# -- in a Ray worker process ------------------------------------------------------------------------------

_RUN: str | None = None  # the run whose Cleaner this worker process holds
_CLEANER: Cleaner | None = None
_CORPUS: str | None = None  # the object the Cleaner's corpus model came from


@ray.remote(num_cpus=1, max_retries=0)
def _run_tasks(
    run: str, settings: tuple[dict[str, Any], str, str], work: Work[R], tasks: list[Task], shared: list[ray.ObjectRef]
) -> R:
    """Run ``work`` on ``tasks`` with this worker's Cleaner for ``run`` (built on its first task) holding the
    corpus model of ``shared`` (fetched when it changes)."""
    global _RUN, _CLEANER, _CORPUS
    data, base_dir, version = settings
    if version != cleaner.__version__:
        node = ray.get_runtime_context().get_node_id()
        raise EngineError(
            f"a Ray worker (node {node}) has article-cleaner {cleaner.__version__}, this machine {version}: "
            "install the same version on every node"
        )
    if run != _RUN or _CLEANER is None:
        _CLEANER, _RUN, _CORPUS = Cleaner(Config(data, Path(base_dir))), run, None
    key = shared[0].hex() if shared else None
    if key != _CORPUS:
        _CLEANER.corpus = ray.get(shared[0]) if shared else None
        _CORPUS = key
    return work(_CLEANER, tasks)
