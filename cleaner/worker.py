"""The worker: clean (or count) one task, within the time limit, into an :class:`Outcome`.

What runs where the documents are cleaned, in this process or in a worker
process of an executor (:mod:`cleaner.executor`): a raw JSONL line is
parsed, the document cleaned by the worker's :class:`~cleaner.pipeline.Cleaner`
within ``[limits] max_document_seconds``, and its output record and audit
lines rendered, so that the process that writes (and what crosses between
processes) has little to do. Any failure becomes an Outcome with a one-line
error; the corpus pass counts a task's line keys instead.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import signal
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cleaner.audit import at_level
from cleaner.config import Config
from cleaner.corpus import BatchCounts, keys_of_lines, sketch_shape, source_of
from cleaner.io import DEFAULT_FIELDS, InputError, Task, decode_text, parse_line_task, printable
from cleaner.normalize import normalize
from cleaner.pipeline import Cleaner, Result
from cleaner.records import DEFAULT_OUTPUT, Fields, Output
from cleaner.text import new_document

R = TypeVar("R")
Work = Callable[[Cleaner, list[Task]], R]  # what a batch of tasks becomes: clean_batch or count_batch
DIED = "the worker process died while cleaning this document"


@dataclass
class Outcome:
    """What a worker sends back for one task: its output and audit lines, already rendered.

    Rendering in the worker keeps the parent's share of the work (and what
    crosses between processes) small; the task itself stays in the parent.
    """

    doc_id: str | None = None  # the document's id, when only the worker knew it (a JSONL line it parsed)
    output: str | dict[str, Any] = ""  # what goes into the output file for this document (a Parquet row: a record)
    audit: str = ""  # the document's audit log records, as JSONL
    removed: dict[str, int] = field(default_factory=dict)  # removals per rule
    chars_in: int = 0
    chars_removed: int = 0
    error: str | None = None


def task_source(task: Task, fields: Fields = DEFAULT_FIELDS) -> str:
    """The corpus source of a task: its record's ``--source-key`` field, else its ``source``/``site`` field,
    the site of its URL (``url`` or ``metadata.url``), its JSONL file; a file's folder."""
    if task.line is None:
        return source_of(None, task.url, task.source)
    url = task.url or fields.url_of(task.record)  # datatrove keeps it in metadata.url
    return fields.source_of(task.record) or source_of(task.record, url, task.source)


def text_of(task: Task) -> str:
    """A text task's content as a string (readers decode files; raw bytes are decoded here)."""
    return task.content if isinstance(task.content, str) else decode_text(task.content)


class DocumentTimeout(BaseException):
    """A document took longer than ``[limits] max_document_seconds``.

    A BaseException, as KeyboardInterrupt is: the timer raises it wherever
    the cleaning is, and a library's ``except Exception`` (lxml's and
    trafilatura's fallbacks have some) must not swallow it and go on."""


TIMEOUT_RETRY = 0.2  # seconds between the timer's signals once the limit is passed


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in the block once ``seconds`` (wall clock) have passed; 0: no limit.

    A timer signal interrupts the Python code of the block (the rules), so
    it works in a process's main thread only: elsewhere, and where the
    system has no interval timer, the block runs without a limit. The timer
    fires again every :data:`TIMEOUT_RETRY` seconds until the block is left:
    an exception raised while Python runs a garbage-collector or ``__del__``
    callback is printed and dropped ("Exception ignored in ..."), and the
    document would otherwise run on without a limit.
    """
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    left = False

    def expire(signum: int, frame: object) -> None:
        if not left:
            raise DocumentTimeout(f"took longer than {seconds:g}s (limits.max_document_seconds)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, TIMEOUT_RETRY)
    try:
        yield
    finally:
        left = True  # a signal due now finds the block left (no call before this line lets a handler run)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# One short document of each kind, cleaned once per Cleaner before its first real one (see warm_up).
_WARM_UP = {
    "text": "Warming up\n\nBy A. Writer\n\nA short paragraph of text, cleaned once before the first document.\n",
    "html": "<html><head><title>Warming up</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Warming "
            "up</h1><p>A short paragraph of text, cleaned once before the first document.</p></article></body></html>",
}
_WARM: weakref.WeakKeyDictionary[Cleaner, set[str]] = weakref.WeakKeyDictionary()
_FROZEN: set[str] = set()  # the kinds after whose first warm-up this process froze what it had loaded


def warm_up(cleaner: Cleaner, kind: str) -> None:
    """Clean one short document of ``kind`` once per Cleaner, outside any time limit: what the first document
    would load (the phrase lists, the models, the HTML libraries: about a second) is not charged to it, so that
    a short ``max_document_seconds`` does not fail the first document of each worker. A failure here is left to
    the real document to report.

    What is loaded then lives as long as the process; ``gc.freeze()`` moves it out of the garbage collector's
    sight, so that its collections stop walking the phrase lists, models and libraries again and again (5-7 % of
    the CPU time of a run of the command line over the aeb-dev pages or their full-page texts)."""
    done = _WARM.setdefault(cleaner, set())
    if kind in done or kind not in _WARM_UP:
        return
    done.add(kind)
    with contextlib.suppress(Exception):
        if kind == "html":
            cleaner.clean_html(_WARM_UP[kind])
        else:
            cleaner.clean_text(_WARM_UP[kind])
    if kind not in _FROZEN:  # once a process: what a later Cleaner loads is mostly shared with the first
        _FROZEN.add(kind)
        gc.freeze()


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
        outcome = render_outcome(task, result, output, audit_level)
    except (Exception, DocumentTimeout) as exc:
        outcome = Outcome(error=failure_reason(exc))
    outcome.doc_id = doc_id
    return outcome


def clean_document(cleaner: Cleaner, task: Task, source: str | None = None, *, markdown: bool = False) -> Result:
    """Clean one parsed task within ``[limits] max_document_seconds``; raises what fails it (see
    :func:`failure_reason`). ``source``: its corpus source, when not the one :func:`task_source` gives;
    ``markdown``: a page's result gets its Markdown too."""
    if cleaner.corpus is not None and source is None:
        source = task_source(task)
    warm_up(cleaner, task.kind)
    with time_limit(cleaner.config.limits.max_document_seconds):
        if task.kind == "html":
            return cleaner.clean_html(
                task.content, url=task.url, doc_id=task.doc_id, source=source, markdown=markdown
            )
        return cleaner.clean_text(text_of(task), doc_id=task.doc_id, source=source)


def failure_reason(exc: BaseException) -> str:
    """Why a document failed, in one line: bad input and time-outs say it; anything else is an internal error."""
    if isinstance(exc, InputError | ValueError | DocumentTimeout):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "document too deeply nested"
    return f"internal error: {exc.__class__.__name__}: {exc}"


def render_outcome(task: Task, result: Result, output: Output = DEFAULT_OUTPUT, audit_level: str = "full") -> Outcome:
    """A clean document as its output (see :class:`~cleaner.records.Output`: the text, or a record) and
    its audit log lines at ``audit_level`` (with the document id and the input file)."""
    rendered = output.render(
        result, task.record if task.line is not None else None, task.doc_id, as_record=task.row, raw=task.raw
    )
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
    new_document()
    try:
        parsed = parse_line_task(task, fields)
        if isinstance(parsed, InputError):
            return None
        warm_up(cleaner, parsed.kind)
        with time_limit(cleaner.config.limits.max_document_seconds):
            text = normalized_text(parsed, cleaner)
    except (Exception, DocumentTimeout):  # the cleaning pass reports the error
        return None
    return task_source(parsed, fields), keys_of_lines(text.split("\n"), sentence_words)


def normalized_text(task: Task, cleaner: Cleaner) -> str:
    """The normalised text a (parsed) task's audit offsets point into, without cleaning it: the normalised
    text, or for an HTML page its visible text, one block per line (may raise as cleaning would)."""
    if task.kind == "html":
        from cleaner.html import visible_text

        return visible_text(task.content, cleaner=cleaner)
    return normalize(text_of(task))


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


# -- in a worker process ----------------------------------------------------------------

_WORKER: Cleaner | None = None
_WORKER_CORPUS: str | None = None  # the corpus file whose model the worker's Cleaner holds


def init_worker(config_data: dict[str, Any], base_dir: str, parent: int | None = None) -> None:
    """Start a worker process: it dies with its parent, leaves Ctrl-C to it, and builds its Cleaner once from the
    run's settings."""
    global _WORKER, _WORKER_CORPUS
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run (and its workers) on Ctrl-C
    for signum in (signal.SIGTERM, signal.SIGHUP):  # not the parent's handlers (forked with it): a signal kills
        signal.signal(signum, signal.SIG_DFL)
    _WORKER, _WORKER_CORPUS = Cleaner(Config(config_data, Path(base_dir))), None


def die_with_parent(parent: int | None) -> None:
    """Have the kernel kill this process when its parent dies (Linux ``PR_SET_PDEATHSIG``), whatever kills the
    parent (``kill -9`` too); exit now if the parent (pid ``parent``) is already gone. Elsewhere, nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def in_worker(work: Work[R], tasks: list[Task], corpus_file: str | None = None) -> R:
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
