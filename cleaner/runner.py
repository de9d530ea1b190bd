"""The batch runner: read inputs, clean documents (in worker processes), write outputs and the audit log.

Documents flow in batches through a process pool with a bounded number of
batches in flight, so memory stays flat however large the corpus; results
come back in input order, so JSONL outputs keep the order of their inputs.
Every document ends either in an output file or as a named error (on stderr
and in the audit log); a failed document never stops the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from cleaner.config import Config
from cleaner.io import AtomicWriter, InputError, InputFile, Task, decode_text, jsonl_tasks, read_bytes, walk_inputs
from cleaner.pipeline import Cleaner

BATCH_DOCS = 32
BATCH_BYTES = 2_000_000


@dataclass
class Outcome:
    """What a worker sends back for one task."""

    task: Task | None
    text: str = ""
    audit: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    chars_in: int = 0
    error: str | None = None


@dataclass
class Stats:
    """Counts for the end-of-run summary."""

    docs: int = 0
    failed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    rules: Counter[str] = field(default_factory=Counter)

    def summary(self, seconds: float) -> str:
        """One line: documents, characters removed, per-rule counts."""
        share = self.chars_removed / self.chars_in if self.chars_in else 0.0
        top = ", ".join(f"{r} {n}" for r, n in self.rules.most_common())
        failed = f", {self.failed} failed" if self.failed else ""
        return (
            f"cleaned {self.docs} documents{failed} in {seconds:.1f}s; removed {self.chars_removed} of "
            f"{self.chars_in} characters ({share:.1%}); by rule: {top or 'none'}"
        )


# -- worker side ---------------------------------------------------------------

_WORKER: Cleaner | None = None


def _init_worker(config_data: dict[str, Any], base_dir: str) -> None:
    global _WORKER
    _WORKER = Cleaner(Config(config_data, Path(base_dir)))


def clean_task(cleaner: Cleaner, task: Task) -> Outcome:
    """Clean one task; any failure becomes an Outcome with an error message."""
    try:
        if task.kind == "html":
            result = cleaner.clean_html(task.content, url=task.url, doc_id=task.doc_id)
        else:
            text = task.content if isinstance(task.content, str) else decode_text(task.content)
            result = cleaner.clean_text(text, doc_id=task.doc_id)
    except (InputError, ValueError) as exc:
        return Outcome(task, error=str(exc))
    except RecursionError:
        return Outcome(task, error="document too deeply nested")
    except Exception as exc:
        return Outcome(task, error=f"internal error: {exc.__class__.__name__}: {exc}")
    audit = result.audit_records()
    return Outcome(task, result.text, audit, result.metadata, len(result.normalized))


def _work_batch(batch: list[Task]) -> list[Outcome]:
    assert _WORKER is not None
    return [clean_task(_WORKER, t) for t in batch]


# -- parent side -------------------------------------------------------------------


@dataclass
class Job:
    """One input file and where its output goes."""

    inp: InputFile
    out_path: Path | None  # None: write to stdout


class Runner:
    """Clean a set of input files into output files with an audit log."""

    def __init__(
        self,
        config: Config,
        *,
        jobs: int = 1,
        audit: TextIO | None = None,
        progress: bool = False,
        metadata: bool = True,
    ) -> None:
        self.config = config
        self.jobs = max(1, jobs)
        self.audit = audit
        self.progress = progress
        self.metadata = metadata
        self.stats = Stats()
        limits = config.section("limits")
        self.max_bytes = int(limits.get("max_document_bytes", 50_000_000))
        self.max_expanded = int(limits.get("max_expanded_bytes", 1_000_000_000))

    # -- reading ---------------------------------------------------------------

    def _tasks(self, job: Job) -> Iterator[Task | InputError]:
        inp = job.inp
        try:
            data = read_bytes(inp.path, self.max_bytes if inp.kind != "jsonl" else 1 << 62, self.max_expanded)
        except InputError as exc:
            yield InputError(f"{inp.display}: {exc}")
            return
        if inp.kind == "jsonl":
            yield from jsonl_tasks(data, inp)
            return
        if len(data) > self.max_bytes:
            yield InputError(f"{inp.display}: too large ({len(data)} bytes > limit {self.max_bytes})")
            return
        if inp.kind == "html":
            yield Task(str(inp.rel), "html", data, inp.display)
            return
        try:
            text = decode_text(data)
        except InputError as exc:
            yield InputError(f"{inp.display}: {exc}")
            return
        yield Task(str(inp.rel), "text", text, inp.display)

    def _batches(self, jobs: list[Job]) -> Iterator[tuple[int, list[Task | InputError]]]:
        """(job index, batch) pairs; every job yields at least one (maybe empty) batch."""
        for j, job in enumerate(jobs):
            batch: list[Task | InputError] = []
            size = 0
            for task in self._tasks(job):
                batch.append(task)
                size += len(task.content) if isinstance(task, Task) else 0
                if len(batch) >= BATCH_DOCS or size >= BATCH_BYTES:
                    yield j, batch
                    batch, size = [], 0
            yield j, batch

    # -- running ---------------------------------------------------------------

    def run(self, jobs: list[Job]) -> Stats:
        """Clean every job; return the statistics."""
        start = time.monotonic()
        bar = self._progress_bar(jobs)
        writers: dict[int, AtomicWriter | None] = {}
        failed_jobs: set[int] = set()
        current = -1
        try:
            for j, outcomes in self._results(jobs):
                if j != current:
                    if current >= 0:
                        self._close(jobs[current], writers.pop(current, None), current in failed_jobs)
                    current = j
                    writers[j] = self._open(jobs[j])
                for outcome in outcomes:
                    if not self._emit(jobs[j], writers[j], outcome):
                        failed_jobs.add(j)
                    if bar is not None and outcome.task is not None:
                        bar.update(len(outcome.task.content))
            if current >= 0:
                self._close(jobs[current], writers.pop(current, None), current in failed_jobs)
        finally:
            for w in writers.values():
                if w is not None:
                    w.abort()
            if bar is not None:
                bar.close()
        print(self.stats.summary(time.monotonic() - start), file=sys.stderr)
        return self.stats

    def _results(self, jobs: list[Job]) -> Iterator[tuple[int, list[Outcome]]]:
        """Cleaned batches in input order, from this process or a bounded pool."""

        def split(batch: list[Task | InputError]) -> tuple[list[Task], list[Outcome | None]]:
            tasks = [t for t in batch if isinstance(t, Task)]
            slots = [None if isinstance(t, Task) else Outcome(None, error=str(t)) for t in batch]
            return tasks, slots

        def merge(slots: list[Outcome | None], done: list[Outcome]) -> list[Outcome]:
            it = iter(done)
            return [s if s is not None else next(it) for s in slots]

        if self.jobs == 1:
            cleaner = Cleaner(self.config)
            for j, batch in self._batches(jobs):
                tasks, slots = split(batch)
                yield j, merge(slots, [clean_task(cleaner, t) for t in tasks])
            return
        pending: deque[tuple[int, list[Outcome | None], Future[list[Outcome]]]] = deque()
        with ProcessPoolExecutor(
            self.jobs, initializer=_init_worker, initargs=(self.config.data, str(self.config.base_dir))
        ) as pool:
            for j, batch in self._batches(jobs):
                tasks, slots = split(batch)
                pending.append((j, slots, pool.submit(_work_batch, tasks)))
                while len(pending) > 2 * self.jobs:
                    pj, pslots, fut = pending.popleft()
                    yield pj, merge(pslots, fut.result())
            while pending:
                pj, pslots, fut = pending.popleft()
                yield pj, merge(pslots, fut.result())

    # -- writing ---------------------------------------------------------------

    def _open(self, job: Job) -> AtomicWriter | None:
        return AtomicWriter(job.out_path) if job.out_path is not None else None

    def _close(self, job: Job, writer: AtomicWriter | None, failed: bool) -> None:
        if writer is None:
            return
        if failed and job.inp.kind != "jsonl":
            writer.abort()  # a failed single-document file gets no output
        else:
            writer.commit()

    def _emit(self, job: Job, writer: AtomicWriter | None, outcome: Outcome) -> bool:
        """Write one outcome; return False when it is an error."""
        task = outcome.task
        if outcome.error is not None:
            self.stats.failed += 1
            where = task.source + (f":{task.line}" if task and task.line else "") if task else ""
            msg = outcome.error if not where or outcome.error.startswith(where) else f"{where}: {outcome.error}"
            print(f"error: {msg}", file=sys.stderr)
            self._audit({"doc": task.doc_id if task else None, "action": "error", "rule": None, "reason": msg})
            return False
        assert task is not None
        self.stats.docs += 1
        self.stats.chars_in += outcome.chars_in
        for rec in outcome.audit:
            if rec["action"] == "remove":
                self.stats.rules[rec["rule"]] += 1
                self.stats.chars_removed += len(rec["text"])
            self._audit({**rec, "file": task.source})
        out = self._format(job, outcome)
        if writer is None:
            sys.stdout.write(out)
        else:
            writer.write(out)
        return True

    def _format(self, job: Job, outcome: Outcome) -> str:
        task = outcome.task
        assert task is not None
        if job.inp.kind != "jsonl":
            return outcome.text + "\n" if outcome.text else ""
        rec = dict(task.record)
        rec["text"] = outcome.text
        if self.metadata and outcome.metadata:
            rec.setdefault("metadata", {k: v for k, v in outcome.metadata.items() if v})
        return json.dumps(rec, ensure_ascii=False) + "\n"

    def _audit(self, record: dict[str, Any]) -> None:
        if self.audit is not None:
            self.audit.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _progress_bar(self, jobs: list[Job]) -> Any:
        if not self.progress:
            return None
        from tqdm import tqdm

        total = 0
        for job in jobs:
            with contextlib.suppress(OSError):
                total += job.inp.path.stat().st_size
        return tqdm(total=total, unit="B", unit_scale=True, desc="cleaning", file=sys.stderr, smoothing=0.1)


def plan_jobs(inputs: list[Path], outdir: Path | None) -> list[Job]:
    """Pair every input file with its output path (see SPEC: mirror the tree, never in place)."""
    jobs: list[Job] = []
    for root in inputs:
        if root.is_dir():
            out_root = outdir if outdir is not None else root.resolve().parent / f"{root.resolve().name}.clean"
            for inp in walk_inputs(root, exclude=out_root):
                jobs.append(Job(inp, out_root / inp.out_rel))
        else:
            inp = next(walk_inputs(root))
            if outdir is not None:
                jobs.append(Job(inp, outdir / inp.out_rel))
            else:
                out = inp.out_rel
                jobs.append(Job(inp, root.parent / f"{out.stem}.clean{out.suffix}"))
    return jobs


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
