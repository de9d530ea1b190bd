"""The batch runner: read inputs, clean documents (in worker processes), write outputs and the audit log.

A run has up to two passes over the inputs, both streamed:

1. the *corpus pass* (when a corpus rule such as ``corpus.repeated_line`` is on and the
   run may hold more than one document): every document's source and line
   keys are counted into a bounded :class:`~cleaner.corpus.CorpusCounter`,
   frozen into the small :class:`~cleaner.corpus.CorpusModel` the rule reads;
2. the *cleaning pass*: documents are cleaned and written.

Documents flow in batches of about ``BATCH_BYTES`` of input (batches may span
files, so many small files spread as evenly over the workers as one big
JSONL file) through a process pool with a bounded number of batches in
flight, so memory stays flat however large the corpus. The same workers
run both passes (what they cached while counting serves them when
cleaning); the corpus model reaches them as a temporary file, read once.
The main process does as little as it can, so that it does not hold the
workers back: it reads JSONL files as raw lines and writes what comes back;
the workers parse the lines, clean, render each output record and audit
line, and in the corpus pass tally a batch's line keys before sending them.
Results come back in input order, so JSONL outputs keep the order of their
inputs. Every output file is written atomically (a temporary file, then a
rename), so an output that exists is complete: ``--resume`` skips the inputs
whose output exists and is newer than the input, and takes a JSONL input up
after the last checkpoint of an interrupted run. Every document ends either
in an output file or as a named error (on stderr and in the audit log); a
failed document never stops the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import stat
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import IO, Any, Protocol, TextIO, TypeVar

import click

from cleaner.audit import at_level
from cleaner.config import Config
from cleaner.corpus import BatchCounts, CorpusCounter, CorpusModel, keys_of_lines, sketch_shape, source_of
from cleaner.io import (
    DEFAULT_FIELDS,
    AtomicWriter,
    InputError,
    InputFile,
    Task,
    decode_text,
    iter_jsonl,
    parse_line_task,
    printable,
    read_bytes,
    read_checkpoint,
    walk_inputs,
)
from cleaner.normalize import normalize
from cleaner.pipeline import Cleaner, Result
from cleaner.records import DEFAULT_OUTPUT, Fields, Output

BATCH_DOCS = 64  # documents per batch, at most
BATCH_BYTES = 256_000  # input per batch, about (JSONL bytes, text characters); a bigger document is a batch alone
IN_FLIGHT_PER_WORKER = 3  # batches queued per worker: enough to keep it busy, few enough to bound memory
# A JSONL output is checkpointed when its file starts, then after the first batch that brings the input read
# since the last checkpoint to this many bytes: a killed run redoes at most about this much, and where a gzip
# output is flushed does not depend on timing (the same bytes whatever -j).
CHECKPOINT_BYTES = 2_000_000
MAX_AUDIT_REWIND = 256_000_000  # --resume cuts off an interrupted file's audit records only within this many bytes

R = TypeVar("R")
Item = Task | InputError | None  # None marks the start of a job (an input file)


@dataclass
class Outcome:
    """What a worker sends back for one task: its output and audit lines, already rendered.

    Rendering in the worker keeps the parent's share of the work (and what
    crosses between processes) small; the task itself stays in the parent.
    """

    doc_id: str | None = None  # the document's id, when only the worker knew it (a JSONL line it parsed)
    output: str = ""  # what goes into the output file for this document
    audit: str = ""  # the document's audit log records, as JSONL
    removed: dict[str, int] = field(default_factory=dict)  # removals per rule
    chars_in: int = 0
    chars_removed: int = 0
    error: str | None = None


@dataclass
class Stats:
    """Counts for the end-of-run summary."""

    docs: int = 0
    failed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    skipped_files: int = 0  # --resume: inputs whose output was already complete
    resumed_files: int = 0  # --resume: JSONL inputs taken up after their last checkpoint
    resumed_lines: int = 0  # --resume: their lines cleaned before, not again
    resumed_failures: int = 0  # --resume: documents of those lines that failed (counted in failed too)
    corpus_docs: int = 0  # documents counted by the corpus pass
    corpus_sources: int = 0
    unknown_files: list[str] = field(default_factory=list)  # files of folders that are of no known kind

    def summary(self, seconds: float, *, all_rules: bool = False) -> str:
        """A short summary: documents, characters removed, the rules that removed most (``all_rules``:
        every rule), the corpus pass, and on a line of its own the files of no known kind."""
        share = self.chars_removed / self.chars_in if self.chars_in else 0.0
        ranked = self.rules.most_common()
        shown = ranked if all_rules else ranked[:_TOP_RULES]
        rules = ", ".join(f"{r} ({n:,})" for r, n in shown)
        if len(ranked) > len(shown):
            rules += f" and {_count(len(ranked) - len(shown), 'more rule')}"
        parts = [f"cleaned {_count(self.docs, 'document')}"]
        if self.failed:
            parts.append(f"{self.failed:,} failed")
        if self.skipped_files:
            parts.append(f"{_count(self.skipped_files, 'file')} skipped (output already complete)")
        if self.resumed_files:
            failed_before = f", {self.resumed_failures:,} of them failed" if self.resumed_failures else ""
            parts.append(
                f"{_count(self.resumed_files, 'file')} resumed ({_count(self.resumed_lines, 'line')} done before"
                f"{failed_before})"
            )
        line = ", ".join(parts) + ("," if len(parts) > 1 else "") + f" in {seconds:.1f}s"
        if self.chars_in:
            line += f"; removed {self.chars_removed:,} of {self.chars_in:,} characters ({share:.1%})"
            line += f", most by {rules}" if rules else ""
        if self.corpus_docs:
            line += f"; corpus pass: {_count(self.corpus_docs, 'document')} of {_count(self.corpus_sources, 'source')}"
        if self.unknown_files:
            names = ", ".join(printable(n) for n in self.unknown_files[:_NAMED_FILES])
            left = len(self.unknown_files) - _NAMED_FILES
            more = f" and {left:,} more" if left > 0 else ""
            line += (
                f"\nskipped {_count(len(self.unknown_files), 'file')} of no known kind (name a kind with "
                f"--input-format): {names}{more}"
            )
        return line


_TOP_RULES = 3  # rules named in the summary (-v: all)
_NAMED_FILES = 5  # skipped files named in the summary


def _count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: "1 document", "2 documents"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# -- worker side ---------------------------------------------------------------

_WORKER: Cleaner | None = None
_WORKER_CORPUS: str | None = None  # the corpus file whose model the worker's Cleaner holds


def _init_worker(config_data: dict[str, Any], base_dir: str) -> None:
    global _WORKER, _WORKER_CORPUS
    _WORKER, _WORKER_CORPUS = Cleaner(Config(config_data, Path(base_dir))), None


def task_source(task: Task, fields: Fields = DEFAULT_FIELDS) -> str:
    """The corpus source of a task: its record's ``--source-key`` field, else its ``source``/``site`` field,
    the site of its URL (``url`` or ``metadata.url``), its JSONL file; a file's folder."""
    if task.line is None:
        return source_of(None, task.url, task.source)
    url = task.url or fields.url_of(task.record)  # datatrove keeps it in metadata.url
    return fields.source_of(task.record) or source_of(task.record, url, task.source)


def _text_of(task: Task) -> str:
    """A text task's content as a string (readers decode files; raw bytes are decoded here)."""
    return task.content if isinstance(task.content, str) else decode_text(task.content)


class DocumentTimeout(Exception):
    """A document took longer than ``[limits] max_document_seconds``."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in the block once ``seconds`` (wall clock) have passed; 0: no limit.

    A timer signal interrupts the Python code of the block (the rules), so
    it works in a process's main thread only: elsewhere, and where the
    system has no interval timer, the block runs without a limit.
    """
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout(f"took longer than {seconds:g}s (limits.max_document_seconds)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def clean_task(cleaner: Cleaner, task: Task, output: Output = DEFAULT_OUTPUT, audit_level: str = "full") -> Outcome:
    """Clean one task and render its output; any failure becomes an Outcome with an error message.

    A raw JSONL line is parsed first (its fields found where ``output.fields`` says); the Outcome then
    carries the id its record gives the document. The cleaning that takes longer than ``[limits]
    max_document_seconds`` fails with an error saying so.
    """
    doc_id = None
    try:
        parsed = parse_line_task(task, output.fields)
        if isinstance(parsed, InputError):
            return Outcome(error=str(parsed))
        if parsed is not task:
            task, doc_id = parsed, parsed.doc_id
        source = task_source(task, output.fields) if cleaner.corpus is not None else None
        result = clean_document(cleaner, task, source, markdown=output.format == "markdown")
        outcome = render(task, result, output, audit_level)
    except Exception as exc:
        outcome = Outcome(error=failure_reason(exc))
    outcome.doc_id = doc_id
    return outcome


def clean_document(cleaner: Cleaner, task: Task, source: str | None = None, *, markdown: bool = False) -> Result:
    """Clean one parsed task within ``[limits] max_document_seconds``; raises what fails it (see
    :func:`failure_reason`). ``source``: its corpus source, when not the one :func:`task_source` gives;
    ``markdown``: a page's result gets its Markdown too."""
    if cleaner.corpus is not None and source is None:
        source = task_source(task)
    with time_limit(cleaner.config.limits.max_document_seconds):
        if task.kind == "html":
            return cleaner.clean_html(
                task.content, url=task.url, doc_id=task.doc_id, source=source, markdown=markdown
            )
        return cleaner.clean_text(_text_of(task), doc_id=task.doc_id, source=source)


def failure_reason(exc: Exception) -> str:
    """Why a document failed, in one line: bad input and time-outs say it; anything else is an internal error."""
    if isinstance(exc, InputError | ValueError | DocumentTimeout):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "document too deeply nested"
    return f"internal error: {exc.__class__.__name__}: {exc}"


def render(task: Task, result: Result, output: Output = DEFAULT_OUTPUT, audit_level: str = "full") -> Outcome:
    """A clean document as its output (see :class:`~cleaner.records.Output`: the text, or a record) and
    its audit log lines at ``audit_level`` (with the document id and the input file)."""
    rendered = output.render(result, task.record if task.line is not None else None, task.doc_id)
    removed: Counter[str] = Counter()
    chars_removed = 0
    records = result.audit_records()
    for rec in records:
        if rec["action"] == "remove":
            removed[rec["rule"]] += 1
            chars_removed += len(rec["text"])
    where = printable(task.source)
    lines = []
    for rec in at_level(records, audit_level):
        rec["doc"] = printable(str(rec.get("doc", task.doc_id)))
        rec["file"] = where
        lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
    return Outcome(
        output=rendered, audit="".join(lines), removed=dict(removed), chars_in=len(result.normalized),
        chars_removed=chars_removed,
    )


def count_task(cleaner: Cleaner, task: Task, fields: Fields = DEFAULT_FIELDS) -> tuple[str, set[int]] | None:
    """The corpus pass on one task: its source and distinct line keys (None when it cannot be read).

    Lines are those the text rules will see: the normalised text, or for an
    HTML page its visible text (the lines of every block, of which the text
    rules see those of the main content; finding it is not needed here).
    """
    sentence_words = cleaner.config.corpus.sentence_words
    try:
        parsed = parse_line_task(task, fields)
        if isinstance(parsed, InputError):
            return None
        text = normalized_text(parsed, cleaner)
    except Exception:  # the cleaning pass reports the error
        return None
    return task_source(parsed, fields), keys_of_lines(text.split("\n"), sentence_words)


def normalized_text(task: Task, cleaner: Cleaner) -> str:
    """The normalised text a (parsed) task's audit offsets point into, without cleaning it: the normalised
    text, or for an HTML page its visible text, one block per line (may raise as cleaning would)."""
    if task.kind == "html":
        from cleaner.html import visible_text

        return visible_text(task.content, cleaner=cleaner)
    return normalize(_text_of(task))


def clean_batch(
    cleaner: Cleaner, tasks: list[Task], output: Output = DEFAULT_OUTPUT, audit_level: str = "full"
) -> list[Outcome]:
    """The cleaning pass on a batch: one Outcome per task, rendered as ``output`` and ``audit_level`` say."""
    return [clean_task(cleaner, t, output, audit_level) for t in tasks]


def count_batch(cleaner: Cleaner, tasks: list[Task], fields: Fields = DEFAULT_FIELDS) -> BatchCounts:
    """The corpus pass on a batch: its documents' line keys tallied per source (unreadable ones skipped)."""
    batch = BatchCounts(sketch_shape(cleaner.config.corpus))
    for task in tasks:
        found = count_task(cleaner, task, fields)
        if found is not None:
            batch.add(*found)
    return batch


def _in_worker(work: Callable[[Cleaner, list[Task]], R], tasks: list[Task], corpus_file: str | None = None) -> R:
    """Run ``work`` in a worker process, with the worker's Cleaner and the corpus model of ``corpus_file``.

    The workers outlive the corpus pass (they count, then clean), so the
    model it made reaches them as a file, read once by each.
    """
    global _WORKER_CORPUS
    assert _WORKER is not None
    if corpus_file != _WORKER_CORPUS:
        _WORKER.corpus = None
        if corpus_file is not None:
            with open(corpus_file, "rb") as fh:
                _WORKER.corpus = pickle.load(fh)  # written by this run's parent
        _WORKER_CORPUS = corpus_file
    return work(_WORKER, tasks)


def _retry_alone(
    work: Callable[[Cleaner, list[Task]], R], task: Task, initargs: tuple, corpus_file: str | None
) -> R | None:
    """Run one task in a process of its own; None when that process dies too."""
    with ProcessPoolExecutor(1, initializer=_init_worker, initargs=initargs) as solo:
        try:
            return solo.submit(_in_worker, work, [task], corpus_file).result()
        except BrokenProcessPool:
            return None


# -- parent side -------------------------------------------------------------------


@dataclass
class Job:
    """One input file and where its output goes."""

    inp: InputFile
    out_path: Path | None  # None: write to stdout
    done_lines: int = 0  # --resume: the JSONL lines an interrupted run already cleaned (skipped now)
    writer: AtomicWriter | None = None  # --resume: the output, restored up to those lines
    failures: int = 0  # documents of the job that failed (in this run, and before it when resumed)


def input_state(job: Job) -> dict[str, Any]:
    """What a checkpoint records of a job's input, to tell later whether the input is still the same."""
    st = job.inp.path.stat()
    return {"input": str(job.inp.path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def checkpoint_of(job: Job) -> dict[str, Any] | None:
    """The last checkpoint an interrupted run left for ``job``, when its input is still the one checkpointed."""
    if job.inp.kind != "jsonl" or job.out_path is None:
        return None
    state = read_checkpoint(job.out_path)
    try:
        if state is None or {k: state.get(k) for k in ("input", "size", "mtime_ns")} != input_state(job):
            return None
    except OSError:
        return None
    return state


def resume_job(job: Job, state: dict[str, Any] | None) -> bool:
    """Take ``job`` up after ``state``, the checkpoint an interrupted run left for it (see :func:`checkpoint_of`);
    False when there is none to use.

    Only a JSONL input that is still the one checkpointed (same path, size
    and modification time) is resumed: its writer starts with the lines of
    the partial output (read once; a partial output that no longer holds
    them means starting again) and its reader skips the input lines done.
    """
    if state is None:
        return False
    done, failures = state.get("line"), state.get("failures", 0)
    if not isinstance(done, int) or done <= 0 or not isinstance(failures, int):
        return False
    writer = AtomicWriter(job.out_path, resumable=True)
    try:
        writer.restore(state["lines"])
        writer.checkpoint(state)  # the restored output is a checkpoint again, should this run be killed too
    except (OSError, ValueError):
        writer.abort()
        return False
    job.done_lines, job.failures, job.writer = done, failures, writer
    return True


def is_complete(job: Job) -> bool:
    """Whether the job's output exists and is at least as new as its input (``--resume``).

    Outputs are renamed into place only when complete (see
    :class:`~cleaner.io.AtomicWriter`), so an existing output is a whole one;
    an input changed since is cleaned again.
    """
    if job.out_path is None:
        return False
    try:
        return job.out_path.stat().st_mtime >= job.inp.path.stat().st_mtime
    except OSError:
        return False


def input_size(path: Path) -> int:
    """Bytes of input a file holds: its size, or for ``.gz`` its uncompressed size (mod 4 GiB)."""
    try:
        size = path.stat().st_size
        if path.name.endswith(".gz") and size >= 18:
            with path.open("rb") as fh:
                fh.seek(-4, os.SEEK_END)
                return int.from_bytes(fh.read(4), "little")
        return size
    except OSError:
        return 0


class Progress:
    """A progress bar on stderr (tqdm): input bytes with MB/s and ETA, and documents done."""

    def __init__(self, jobs: list[Job], desc: str) -> None:
        from tqdm import tqdm

        self.ends: list[int] = []
        total = 0
        for job in jobs:
            total += input_size(job.inp.path)
            self.ends.append(total)
        self.bar = tqdm(total=total, unit="B", unit_scale=True, desc=desc, file=sys.stderr, smoothing=0.1)
        self.docs = 0
        self.start = time.monotonic()

    def advance(self, job: int, task: Task | None) -> None:
        """One document of job ``job`` done."""
        self.docs += 1
        if task is not None:
            room = self.ends[job] - self.bar.n
            self.bar.update(max(0, min(len(task.content), room)))
        if self.docs % 64 == 0:
            self._postfix()

    def finish_job(self, job: int) -> None:
        """Job ``job`` is done: the bar jumps to its exact end."""
        if self.ends[job] > self.bar.n:
            self.bar.update(self.ends[job] - self.bar.n)

    def _postfix(self) -> None:
        rate = self.docs / max(time.monotonic() - self.start, 1e-9)
        self.bar.set_postfix_str(f"{self.docs} docs, {rate:.0f} docs/s", refresh=False)

    def close(self) -> None:
        """Show the final counts and close the bar."""
        self._postfix()
        self.bar.close()


class RunObserver(Protocol):
    """Sees each document as its output and audit records are written (e.g. the review report)."""

    def document(self, task: Task, outcome: Outcome) -> None:
        """A cleaned document: its task (a JSONL line's still raw) and outcome (output, audit lines)."""

    def error(self, record: dict[str, Any]) -> None:
        """A failed document: its ``error`` audit record."""


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
        corpus_pass: bool = True,
        resume: bool = False,
        observer: RunObserver | None = None,
        output: Output | None = None,
        audit_level: str = "full",
        rejects: IO[bytes] | None = None,
        verbosity: int = 1,
    ) -> None:
        """``output``: what a clean document is written as (its fields, format, stats; ``metadata`` says
        whether records get the page's metadata when ``output`` is not given); ``audit_level``: see
        :mod:`cleaner.audit`; ``rejects``: where failed JSONL lines go, unchanged; ``verbosity``: 0 prints
        errors only, 1 the summary too, 2 each finished file and every rule in the summary."""
        self.config = config
        self.observer = observer
        self.jobs = max(1, jobs)
        self.audit = audit
        self.progress = progress
        self.output = output or Output(metadata=metadata)
        self.audit_level = audit_level
        self.rejects = rejects
        self.verbosity = verbosity
        self.corpus_pass = corpus_pass
        self.resume = resume
        self.stats = Stats()
        self.max_bytes = config.limits.max_document_bytes
        self.max_expanded = config.limits.max_expanded_bytes
        self.corpus: CorpusModel | None = None
        self._pool: ProcessPoolExecutor | None = None  # the workers of both passes (-j 2 and more)
        self._corpus_file: str | None = None  # self.corpus, for the workers
        self._input_errors: dict[str, InputError] = {}  # message -> error with file and line, until emitted

    # -- reading ---------------------------------------------------------------

    def _tasks(self, job: Job) -> Iterator[Task | InputError]:
        """The documents of one input file, or the named errors that stand for them.

        Never raises: whatever goes wrong with the file (unreadable, too
        large, binary, a gzip bomb, a bad JSONL line, an unsafe output path,
        even a bug in a reader) ends as an InputError naming the file, and
        the JSONL line, so that the run goes on.
        """
        inp = job.inp
        try:
            for item in self._read_job(job):
                named = self._named(item, inp) if isinstance(item, InputError) else item
                if job.done_lines and named.line is not None and named.line <= job.done_lines:
                    continue  # --resume: cleaned (or reported) by the interrupted run
                yield named
        except InputError as exc:  # the whole file is refused
            yield self._named(exc, inp)
        except Exception as exc:  # a reader or library failure must not stop the run
            yield self._named(InputError(f"cannot read ({exc.__class__.__name__}: {exc})"), inp)

    def _read_job(self, job: Job) -> Iterator[Task | InputError]:
        """The documents of ``job``'s input (may raise InputError for the whole file)."""
        inp = job.inp
        if inp.problem is not None:
            raise InputError(inp.problem)
        if inp.kind == "jsonl":
            yield from iter_jsonl(inp, self.max_bytes, self.max_expanded)  # lines parsed by the workers
            return
        data = read_bytes(inp.path, self.max_bytes, self.max_expanded, inp.stream)
        if inp.kind == "html":
            yield Task(str(inp.rel), "html", data, inp.display)
        else:
            yield Task(str(inp.rel), "text", decode_text(data), inp.display)

    def _named(self, err: InputError, inp: InputFile) -> InputError:
        """``err`` with the file (and JSONL line) in its message and attributes, remembered for the audit log."""
        msg = str(err)
        line = err.line
        prefix = f"{inp.display}:"
        if msg.startswith(prefix):
            head = msg[len(prefix) :].partition(":")[0]
            line = line if line is not None or not head.isdigit() else int(head)
        else:
            msg = f"{inp.display}: {msg}"
        doc = err.doc_id or (f"{inp.rel}:{line}" if line is not None else str(inp.rel))
        named = InputError(msg, source=err.source or inp.display, line=line, doc_id=doc)
        self._input_errors[msg] = named
        return named

    def _items(self, jobs: list[Job]) -> Iterator[tuple[int, Item]]:
        """(job index, item) pairs in input order; each job starts with a ``None`` marker."""
        for j, job in enumerate(jobs):
            yield j, None
            for item in self._tasks(job):
                yield j, item

    @staticmethod
    def _batches(items: Iterable[tuple[int, Item]]) -> Iterator[list[tuple[int, Item]]]:
        """Cut the item stream into batches of about BATCH_BYTES characters or BATCH_DOCS documents."""
        batch: list[tuple[int, Item]] = []
        size = docs = 0
        for j, item in items:
            batch.append((j, item))
            if isinstance(item, Task):
                size += len(item.content)
                docs += 1
                if docs >= BATCH_DOCS or size >= BATCH_BYTES:
                    yield batch
                    batch, size, docs = [], 0, 0
        if batch:
            yield batch

    def _map(
        self,
        jobs: list[Job],
        work: Callable[[Cleaner, list[Task]], R],
        corpus: CorpusModel | None = None,
    ) -> Iterator[tuple[list[tuple[int, Item]], R | None]]:
        """Run ``work`` on the tasks of every batch, here (one job) or in a pool of workers.

        Yields ``(items, result)`` in input order: ``items`` are ``(job
        index, item)`` pairs (markers and InputErrors pass through), and
        ``result`` is what ``work`` made of their tasks. When a worker
        process died, the batch comes back one task at a time, each result
        None when the task kills its process again.
        """
        batches = self._batches(self._items(jobs))
        if self.jobs == 1:
            cleaner = Cleaner(self.config)
            cleaner.corpus = corpus
            for batch in batches:
                yield batch, work(cleaner, [t for _, t in batch if isinstance(t, Task)])
            return
        pending: deque[tuple[list[tuple[int, Item]], Future[R]]] = deque()
        corpus_file = self._share(corpus)
        try:
            for batch in batches:
                tasks = [t for _, t in batch if isinstance(t, Task)]
                pending.append((batch, self._workers().submit(_in_worker, work, tasks, corpus_file)))
                if len(pending) > IN_FLIGHT_PER_WORKER * self.jobs:
                    yield from self._merge(*pending.popleft(), work, self._initargs, corpus_file)
            while pending:
                yield from self._merge(*pending.popleft(), work, self._initargs, corpus_file)
        finally:
            for _, future in pending:  # stopped early: what is still queued is not wanted
                future.cancel()

    @property
    def _initargs(self) -> tuple[dict[str, Any], str]:
        return (self.config.data, str(self.config.base_dir))

    def _workers(self) -> ProcessPoolExecutor:
        """The pool of worker processes, started on first use; a fresh one when a worker died."""
        if self._pool is not None and getattr(self._pool, "_broken", False):
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, initializer=_init_worker, initargs=self._initargs)
        return self._pool

    def _share(self, corpus: CorpusModel | None) -> str | None:
        """The file the workers read ``corpus`` from (written once), or None without one."""
        if corpus is None:
            return None
        if self._corpus_file is None:
            fd, self._corpus_file = tempfile.mkstemp(prefix="clean-corpus-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(corpus, fh, protocol=pickle.HIGHEST_PROTOCOL)
        return self._corpus_file

    def close(self) -> None:
        """Stop the worker processes and remove the corpus file shared with them."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._corpus_file is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._corpus_file)
            self._corpus_file = None

    @staticmethod
    def _merge(
        batch: list[tuple[int, Item]],
        future: Future[R],
        work: Callable[[Cleaner, list[Task]], R],
        initargs: tuple,
        corpus_file: str | None,
    ) -> Iterator[tuple[list[tuple[int, Item]], R | None]]:
        """A batch's items with their result.

        When a worker process died (a crash in a C library, the kernel's
        out-of-memory killer), every batch in flight fails with it; each of
        their documents is then retried alone in a fresh process, so that
        only the document that kills its process fails, by name.
        """
        try:
            yield batch, future.result()
            return
        except BrokenProcessPool:
            pass
        items: list[tuple[int, Item]] = []
        for j, item in batch:
            items.append((j, item))
            if isinstance(item, Task):
                yield items, _retry_alone(work, item, initargs, corpus_file)
                items = []
        if items:
            yield items, None

    # -- the corpus pass -------------------------------------------------------------

    def wants_corpus_pass(self, jobs: list[Job]) -> bool:
        """A corpus rule is on, the pass is wanted, and the run may hold more than one document."""
        if not self.corpus_pass or not self.config.corpus.enabled:
            return False
        if not any(r.kind == "corpus" for r in self.config.enabled_rules()):
            return False
        if any(job.inp.stream is not None for job in jobs):  # standard input cannot be read twice
            return False
        return len(jobs) > 1 or any(job.inp.kind == "jsonl" for job in jobs)

    def count_corpus(self, jobs: list[Job]) -> CorpusModel | None:
        """The corpus pass over every input (also those ``--resume`` skips); None for fewer than 2 documents."""
        counter = CorpusCounter(self.config.corpus)
        progress = Progress(jobs, "counting") if self.progress else None
        try:
            for items, found in self._map(jobs, partial(count_batch, fields=self.output.fields)):
                if progress is not None:
                    for j, item in items:
                        if item is None and j > 0:
                            progress.finish_job(j - 1)
                        elif item is not None:
                            progress.advance(j, item if isinstance(item, Task) else None)
                if found is not None:
                    counter.add_batch(found)
            if progress is not None and jobs:
                progress.finish_job(len(jobs) - 1)
        finally:
            if progress is not None:
                progress.close()
        self.stats.corpus_docs = counter.documents
        self.stats.corpus_sources = len(counter.sources)
        return counter.model() if counter.documents >= 2 else None

    # -- running ---------------------------------------------------------------

    def run(self, jobs: list[Job]) -> Stats:
        """Clean every job (after the corpus pass, when it applies); return the statistics.

        With ``-j 2`` and more, the same worker processes run both passes.
        """
        try:
            return self._run(jobs)
        finally:
            self.close()

    def _run(self, jobs: list[Job]) -> Stats:
        start = time.monotonic()
        if self.wants_corpus_pass(jobs):
            self.corpus = self.count_corpus(jobs)
        if self.resume:
            todo = [job for job in jobs if not is_complete(job)]
            self.stats.skipped_files = len(jobs) - len(todo)
            jobs = todo
            for job in jobs:
                state = checkpoint_of(job)
                self._rewind_audit(job, state)
                if resume_job(job, state):
                    self.stats.resumed_files += 1
                    self.stats.resumed_lines += job.done_lines
                    self.stats.failed += job.failures  # reported by the interrupted run
                    self.stats.resumed_failures += job.failures
        progress = Progress(jobs, "cleaning") if self.progress else None
        writer: AtomicWriter | None = None
        current = -1
        unsaved = 0  # input bytes cleaned since the last checkpoint
        try:
            work = partial(clean_batch, output=self.output, audit_level=self.audit_level)
            for items, outcomes in self._map(jobs, work, self.corpus):
                results = iter(outcomes or ())
                last_line = None  # the last JSONL line of the current job in this batch
                for j, item in items:
                    if item is None:  # a new job begins
                        if current >= 0:
                            self._finish_job(jobs, current, writer, progress)
                        current, writer = j, self._open(jobs[j])
                        last_line = None
                        if writer is not None and writer.resumable and jobs[j].writer is None:
                            self._checkpoint(jobs[j], writer, 0)  # where the job's audit records begin
                        continue
                    task = item if isinstance(item, Task) else None
                    if task is None:  # an input error
                        outcome = Outcome(error=str(item))
                    else:
                        outcome = next(results, None) or Outcome(
                            error="the worker process died while cleaning this document"
                        )
                    if not self._emit(jobs[j], writer, task, outcome):
                        jobs[j].failures += 1
                    if progress is not None:
                        progress.advance(j, task)
                    last_line = item.line
                    unsaved += len(task.content) if task is not None else 0
                if unsaved >= CHECKPOINT_BYTES and writer is not None and writer.resumable and last_line is not None:
                    self._checkpoint(jobs[current], writer, last_line)
                    unsaved = 0
            if current >= 0:
                job_writer, writer = writer, None
                self._finish_job(jobs, current, job_writer, progress)
        finally:
            if writer is not None:
                writer.abort()
            if progress is not None:
                progress.close()
        if self.verbosity:
            print(self.stats.summary(time.monotonic() - start, all_rules=self.verbosity > 1), file=sys.stderr)
        return self.stats

    def _finish_job(
        self, jobs: list[Job], j: int, writer: AtomicWriter | None, progress: Progress | None
    ) -> None:
        self._close(jobs[j], writer)
        if progress is not None:
            progress.finish_job(j)
        if self.verbosity > 1:
            job = jobs[j]
            where = job.out_path if job.out_path is not None else "standard output"
            failed = f", {_count(job.failures, 'document')} failed" if job.failures else ""
            print(f"done: {printable(job.inp.display)} -> {printable(str(where))}{failed}", file=sys.stderr)

    # -- writing ---------------------------------------------------------------

    def _open(self, job: Job) -> AtomicWriter | None:
        """The writer of a job's output (None for stdout); a resumed job's already holds its partial output."""
        if job.writer is not None:
            return job.writer
        if job.out_path is None:
            return None
        return AtomicWriter(job.out_path, resumable=job.inp.kind == "jsonl")

    def _checkpoint(self, job: Job, writer: AtomicWriter, line: int) -> None:
        """Record that the job's input is done up to JSONL line ``line``, and where the audit log then ended."""
        with contextlib.suppress(OSError):  # only resuming would suffer; a failing output is reported on commit
            state = {**input_state(job), "line": line, "failures": job.failures, "audit": self._audit_end()}
            writer.checkpoint(state)

    def _audit_end(self) -> dict[str, Any] | None:
        """The audit log's file and size, its records so far written (None when it is not a regular file)."""
        if self.audit is None:
            return None
        self.audit.flush()
        try:
            st = os.fstat(self.audit.fileno())
        except (OSError, ValueError, AttributeError):  # not a file (a test's buffer, say)
            return None
        name = getattr(self.audit, "name", None)
        if not stat.S_ISREG(st.st_mode) or not isinstance(name, str):
            return None
        return {"path": os.path.abspath(name), "size": st.st_size, "dev": st.st_dev, "ino": st.st_ino}

    def _rewind_audit(self, job: Job, state: dict[str, Any] | None) -> None:
        """Cut off the audit records an interrupted run wrote for ``job`` after its last checkpoint, ``state``.

        They will be written again when the job is taken up (or started
        again) after that checkpoint. Only when the audit log is the same
        file, and every record after the checkpoint's end names this job's
        input: records of any other run or file are never touched.
        """
        mark = state.get("audit") if state else None
        now = self._audit_end()
        if not isinstance(mark, dict) or now is None:
            return
        if [mark.get(k) for k in ("path", "dev", "ino")] != [now[k] for k in ("path", "dev", "ino")]:
            return
        size = mark.get("size")
        if not isinstance(size, int) or not 0 <= size <= now["size"] or now["size"] - size > MAX_AUDIT_REWIND:
            return
        with open(now["path"], "rb") as fh:
            fh.seek(size)
            tail = fh.read()
        mine = printable(job.inp.display)
        try:
            if any(json.loads(line).get("file") != mine for line in tail.splitlines()):
                return
        except (ValueError, AttributeError):  # not our records
            return
        os.truncate(now["path"], size)

    def _close(self, job: Job, writer: AtomicWriter | None) -> None:
        if writer is None:
            return
        if job.failures and job.inp.kind != "jsonl":
            writer.abort()  # a failed single-document file gets no output
            return
        try:
            writer.commit()
        except OSError as exc:  # disk full, folder removed...: the file's output is lost, so say so
            self._error(job, None, f"cannot write the output {job.out_path} ({exc.strerror or exc})")

    def _emit(self, job: Job, writer: AtomicWriter | None, task: Task | None, outcome: Outcome) -> bool:
        """Write one outcome; return False when it is an error (named on stderr and in the audit log)."""
        if outcome.error is not None:
            self._reject(task)
            if task is not None and outcome.doc_id is not None:
                task = replace(task, doc_id=outcome.doc_id)
            self._error(job, task, outcome.error)
            return False
        try:
            if writer is None:
                sys.stdout.write(outcome.output)
            else:
                writer.write(outcome.output)
        except OSError as exc:
            self._error(job, task, f"cannot write the output {job.out_path} ({exc.strerror or exc})")
            return False
        self.stats.docs += 1
        self.stats.chars_in += outcome.chars_in
        self.stats.chars_removed += outcome.chars_removed
        self.stats.rules.update(outcome.removed)
        if self.audit is not None:
            self.audit.write(outcome.audit)
        if self.observer is not None and task is not None:
            self.observer.document(task, outcome)
        return True

    def _reject(self, task: Task | None) -> None:
        """Write a failed JSONL line, byte for byte, to ``--rejects`` (a line never read whole, too long or
        past a gzip limit, cannot be)."""
        if self.rejects is None or task is None or task.kind != "jsonl" or not isinstance(task.content, bytes):
            return
        line = task.content if task.content.endswith(b"\n") else task.content + b"\n"
        try:
            self.rejects.write(line)
        except OSError as exc:
            print(f"error: cannot write the rejects file ({exc.strerror or exc})", file=sys.stderr)
            self.rejects = None

    def _error(self, job: Job, task: Task | None, error: str) -> None:
        """Count a failed document and name it: file (and JSONL line) and reason, on stderr and in the audit log."""
        self.stats.failed += 1
        named = self._input_errors.pop(error, None) if task is None else None
        if task is not None:
            source, line, doc = task.source, task.line, task.doc_id
        elif named is not None:
            source, line, doc = named.source, named.line, named.doc_id
        else:
            source, line, doc = job.inp.display, None, str(job.inp.rel)
        where = f"{source}:{line}" if line is not None else (source or "")
        msg = error if not where or error.startswith(where) else f"{where}: {error}"
        print(f"error: {printable(msg)}", file=sys.stderr)
        record = {"doc": doc, "action": "error", "rule": None, "file": source, "line": line, "reason": msg}
        record = {k: printable(v) if isinstance(v, str) else v for k, v in record.items()}
        self._audit(record)
        if self.observer is not None:
            self.observer.error(record)

    def _audit(self, record: dict[str, Any]) -> None:
        if self.audit is not None:
            self.audit.write(json.dumps(record, ensure_ascii=False) + "\n")


def plan_jobs(
    inputs: list[Path],
    outdir: Path | None,
    *,
    kind: str | None = None,
    suffix: str = "txt",
    to_stdout: bool = False,
    skipped: list[Path] | None = None,
) -> list[Job]:
    """Pair every input file with its output path (see SPEC: mirror the tree, never in place).

    ``kind``: the kind of every input (``--input-format``), else each file's
    name tells, and a folder's files of no known kind are appended to
    ``skipped``; ``suffix``: of the outputs of single documents (``txt``,
    ``md``, ``jsonl``); ``to_stdout``: every output goes to standard output.

    Path safety, decided here before anything is read or written:

    * cleaning a folder into itself is a usage error (``click.UsageError``);
    * an output folder inside an input folder is never walked as input;
    * every output path stays inside the output folder: relative paths from
      the walk have no ``..``, and a path that would lead out of the folder
      through an existing symbolic link is refused;
    * two inputs that would write the same output (``a.txt`` and
      ``a.html``) both get one: the later ones keep their full name
      (``a.html.txt``);
    * an output path that is an input file of the run is refused.

    A refused job has no output path (nothing is written for it) and a
    ``problem`` that the run reports as a named error.
    """
    jobs: list[Job] = []
    for root in inputs:
        if to_stdout:
            jobs.extend(Job(inp, None) for inp in walk_inputs(root, kind=kind, skipped=skipped))
        elif root.is_dir():
            out_root = outdir if outdir is not None else root.resolve().parent / f"{root.resolve().name}.clean"
            if out_root.resolve() == root.resolve():
                raise click.UsageError(f"{out_root}: the output folder is the input folder (never cleaned in place)")
            walk = walk_inputs(root, exclude=out_root, kind=kind, skipped=skipped)
            jobs.extend(_job(inp, out_root, inp.out_rel_as(suffix)) for inp in walk)
        else:
            for inp in walk_inputs(root, kind=kind):
                out = inp.out_rel_as(suffix)
                if outdir is not None:
                    jobs.append(_job(inp, outdir, out))
                else:
                    jobs.append(_job(inp, root.parent, Path(f"{out.stem}.clean{out.suffix}")))
    _separate_clashing_outputs(jobs)
    _refuse_overwriting_inputs(jobs)
    return jobs


def _job(inp: InputFile, out_root: Path, rel: Path) -> Job:
    """The job for ``inp`` writing ``out_root / rel``, or a refused job when that path is unsafe."""
    if inp.problem is not None:
        return Job(inp, None)
    problem = _outside(out_root, rel)
    if problem is not None:
        return Job(replace(inp, problem=problem), None)
    return Job(inp, out_root / rel)


def _outside(out_root: Path, rel: Path) -> str | None:
    """Why ``out_root / rel`` is not a safe output path (None when it is)."""
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        return f"unsafe output path {rel} (absolute or with '..')"
    target = (out_root / rel).resolve()
    if not target.is_relative_to(out_root.resolve()):
        return f"output path {out_root / rel} leads outside the output folder (a symbolic link)"
    if target.is_dir():
        return f"output path {out_root / rel} is a folder"
    return None


def _separate_clashing_outputs(jobs: list[Job]) -> None:
    """Give every job its own output: of inputs that map to one path, later ones keep their full file name."""
    owners: dict[Path, Job] = {}
    for job in jobs:
        if job.out_path is not None:
            owners.setdefault(job.out_path, job)
            if job.inp.rel.name == job.out_path.name:  # a.txt keeps a.txt over a.html
                owners[job.out_path] = job
    for job in jobs:
        if job.out_path is None or owners[job.out_path] is job:
            continue
        suffix = ".jsonl" if job.inp.kind == "jsonl" else job.out_path.suffix
        alt = job.out_path.with_name(job.inp.rel.name + suffix)
        if alt in owners:
            job.inp = replace(job.inp, problem=f"its output {job.out_path} is also another input's output")
            job.out_path = None
        else:
            owners[alt] = job
            job.out_path = alt


def _refuse_overwriting_inputs(jobs: list[Job]) -> None:
    """Refuse any job whose output path is one of the run's input files (the inputs are never modified)."""
    inputs = {job.inp.path.resolve() for job in jobs}
    for job in jobs:
        if job.out_path is not None and job.out_path.resolve() in inputs:
            job.inp = replace(job.inp, problem=f"its output {job.out_path} would overwrite an input file")
            job.out_path = None


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
