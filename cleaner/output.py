"""The job output: what a run writes for its jobs, in input order, and what it counts.

* :class:`RunLog`: the audit log, the named errors on stderr and the
  statistics of the run (and its observer, e.g. the review report);
* :class:`JobOutput`: one job's output file, a context manager: written
  atomically (committed on a clean exit, aborted otherwise; a failed
  single-document file gets none), checkpointed for ``--resume`` (a JSONL
  output, with where the audit log ended), its failures counted;
* :class:`Outputs`: the jobs' outputs opened and finished in input order as
  the documents come back, jobs without documents included.

The counts' summary and the progress bar are :mod:`cleaner.summary`'s.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import os
import stat
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import IO, Any, Protocol, TextIO

from cleaner.io import InputError, Task, printable
from cleaner.jobs import Job, input_state
from cleaner.names import json_line, one_line, shown
from cleaner.summary import Progress, Stats, plural
from cleaner.worker import Outcome
from cleaner.writer import AtomicWriter, Folder

# A JSONL output is checkpointed when its file starts, then after the first batch that brings the input read
# since the last checkpoint to this many bytes: a killed run redoes at most about this much, and where a gzip
# output is flushed does not depend on timing (the same bytes whatever -j).
CHECKPOINT_BYTES = 2_000_000
MAX_AUDIT_REWIND = 256_000_000  # --resume cuts off an interrupted file's audit records only within this many bytes


class RunObserver(Protocol):
    """Sees each document as its output and audit records are written (e.g. the review report)."""

    def document(self, task: Task, outcome: Outcome) -> None:
        """A cleaned document: its task (a JSONL line's still raw) and outcome (output, audit lines)."""

    def error(self, record: dict[str, Any]) -> None:
        """A failed document: its ``error`` audit record."""


class RunStopped(Exception):
    """The run cannot go on: the audit log, or the output folder, cannot be written (a full disk, a read-only
    file system). What was committed before stays, consistent with the audit log; ``--resume`` goes on."""


# Errors of a file system that will fail every later write as well: the run stops instead of failing every file.
_STOPPING = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


@dataclass
class Tally:
    """The counts of cleaned documents: added to the run's :class:`Stats` once their output is committed."""

    docs: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    rules: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.docs += 1
        self.chars_in += outcome.chars_in
        self.chars_removed += outcome.chars_removed
        self.rules.update(outcome.removed)


class RunLog:
    """The audit log, the errors named on stderr, and the run's statistics.

    A failure to write the audit log stops the run (:class:`RunStopped`): an
    output whose removals are not logged would break the log's promise.
    """

    def __init__(
        self, audit: TextIO | None, observer: RunObserver | None = None, rejects: IO[bytes] | None = None
    ) -> None:
        self.audit = audit
        self.observer = observer
        self.rejects = rejects  # where failed JSONL lines go, byte for byte (--rejects)
        self.stats = Stats()

    def _on_audit(self, method: str, *args: Any) -> Any:
        """Call the audit log's ``method`` (None when it has none); a write error stops the run."""
        call = getattr(self.audit, method, None)
        if call is None:
            return None
        try:
            return call(*args)
        except OSError as exc:
            name = shown(str(getattr(self.audit, "name", "(stream)")))
            raise RunStopped(f"cannot write the audit log {name} ({_why(exc)})") from exc

    def record(self, lines: str) -> None:
        """Write audit lines."""
        if lines:
            self._on_audit("write", lines)

    def flush(self) -> None:
        """Push the audit lines written so far to the file (so that a full disk is told now, about them)."""
        self._on_audit("flush")

    def mark(self) -> int | None:
        """Where the audit log ends now, when it can be cut back there (see :meth:`cut`); None when it cannot."""
        return self._on_audit("mark")  # type: ignore[no-any-return]

    def position(self) -> int | None:
        """Where the audit log ends now, when that is cheap to tell (a plain file), else None."""
        return self._on_audit("position")  # type: ignore[no-any-return]

    def cut(self, mark: int | None) -> bool:
        """Cut the audit log back to ``mark``: the records written since stand for no output. False when it cannot
        be (standard output, a test's buffer)."""
        if mark is None or not hasattr(self.audit, "truncate"):
            return False
        try:
            self.audit.truncate(mark)  # type: ignore[union-attr]
        except OSError:
            return False
        return True

    def count(self, tally: Tally) -> None:
        """Count documents whose output is committed."""
        self.stats.docs += tally.docs
        self.stats.chars_in += tally.chars_in
        self.stats.chars_removed += tally.chars_removed
        self.stats.rules.update(tally.rules)

    def observe(self, task: Task | None, outcome: Outcome) -> None:
        """Show a cleaned document to the observer (the review report)."""
        if self.observer is not None and task is not None:
            self.observer.document(task, outcome)

    def reject(self, task: Task | None) -> None:
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

    def error(self, source: str, line: int | None, doc: str, error: str, *, documents: int = 1) -> None:
        """Count failed documents (``documents`` of them, 1 by default) and name them: file (and JSONL line) and
        reason, on stderr (one line: names are escaped, see :func:`cleaner.names.shown`) and in the audit log."""
        self.stats.failed += documents
        where = f"{source}:{line}" if line is not None else (source or "")
        msg = error if not where or error.startswith(where) else f"{where}: {error}"
        print(f"error: {one_line(msg)}", file=sys.stderr)
        record = {"doc": doc, "action": "error", "rule": None, "file": source, "line": line, "reason": msg}
        if documents != 1:
            record["documents"] = documents
        self.record(json_line(record))
        if self.observer is not None:
            self.observer.error({k: printable(v) if isinstance(v, str) else v for k, v in record.items()})

    def end(self) -> dict[str, Any] | None:
        """The audit log's file and size, its records so far written (None when it is not a regular file)."""
        if self.audit is None:
            return None
        size = self.mark()
        try:
            st = os.fstat(self.audit.fileno())
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):  # not a file (a test's buffer)
            return None
        name = getattr(self.audit, "name", None)
        if not stat.S_ISREG(st.st_mode) or not isinstance(name, str):
            return None
        return {"path": os.path.abspath(name), "size": st.st_size if size is None else size, "dev": st.st_dev,
                "ino": st.st_ino}

    def rewind(self, job: Job, state: dict[str, Any] | None) -> None:
        """Cut off the audit records an interrupted run wrote for ``job`` after its last checkpoint, ``state``.

        They will be written again when the job is taken up (or started
        again) after that checkpoint. Only when the audit log is the same
        file, and every record after the checkpoint's end names this job's
        input (a last line cut short by the kill aside): records of any other
        run or file are never touched.
        """
        mark = state.get("audit") if state else None
        now = self.end()
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
        if getattr(self.audit, "gzipped", False):
            try:
                tail = gzip.decompress(tail)
            except (OSError, EOFError, zlib.error):
                return
        mine = json.loads(json_line({"file": job.inp.display}))["file"]
        lines = tail.split(b"\n")
        lines = lines[:-1]  # the part after the last newline: empty, or a record the kill cut short
        try:
            if any(json.loads(line).get("file") != mine for line in lines):
                return
        except (ValueError, AttributeError):  # not our records
            return
        self.cut(size)


class JobOutput:
    """One job's output, written atomically: ``with JobOutput(job, log) as out: out.emit(item, outcome)``.

    A document counts as cleaned only once its output is committed. A
    single document's audit records are written once its file is in place
    (and the file is taken back should the log not take them); a JSONL or
    Parquet file's records are written as its documents come, and cut off
    again when its output cannot be written: then every document of the
    file is named as failed, in one error record, and no removal of theirs
    is left in the log. An output folder that can take nothing more (a full
    disk) stops the run (:class:`RunStopped`).
    """

    def __init__(self, job: Job, log: RunLog) -> None:
        self.job = job
        self.log = log
        self.writer: AtomicWriter | None = None  # None: standard output
        self.many = job.inp.kind in ("jsonl", "parquet")  # documents of their own, in one output
        self.tally = Tally()  # documents cleaned, counted when the output is committed
        self.held: list[tuple[Task | None, Outcome]] = []  # a single document, logged once committed
        self.start: int | None = None  # where the job's audit records begin
        self.lost: OSError | None = None  # why the output cannot be written
        self.lost_docs = 0

    def __enter__(self) -> JobOutput:
        job = self.job
        if job.writer is not None:  # --resume: it already holds the partial output
            self.writer = job.writer
        elif job.out_path is not None and job.inp.kind == "parquet":
            from cleaner.parquet import ParquetWriter

            self.writer = ParquetWriter(job.out_path, job.inp.path, root=job.out_root)  # type: ignore[assignment]
        elif job.out_path is not None:
            self.writer = AtomicWriter(job.out_path, resumable=job.inp.kind == "jsonl", root=job.out_root)
        if self.writer is not None and self.many:
            self.start = self.log.mark()
            if self.writer.resumable and job.writer is None:
                self.checkpoint(0)  # where the job's audit records begin
        return self

    def emit(self, item: Task | InputError, outcome: Outcome) -> None:
        """Write one document's outcome, or name its error (on stderr and in the audit log)."""
        task = item if isinstance(item, Task) else None
        if outcome.error is None and self.lost is not None:
            self.lost_docs += 1  # cleaned, but its output cannot be written
            return
        if outcome.error is None:
            try:
                if self.writer is None:
                    out = outcome.output  # a Parquet row goes out as a JSON line (JSON lacks some of its types)
                    if not isinstance(out, str):
                        out = json.dumps(out, ensure_ascii=False, default=str) + "\n"
                    sys.stdout.write(out)
                else:
                    self.writer.write(outcome.output)  # type: ignore[arg-type]
            except BrokenPipeError:
                if self.writer is None:  # the reader of standard output is gone (`clean ... | head`): the run is over
                    raise
                self._lose(OSError(errno.EPIPE, "broken pipe"))
                self.lost_docs += 1
                return
            except OSError as exc:
                if self.writer is None:
                    raise RunStopped(f"cannot write to standard output ({_why(exc)})") from exc
                self._lose(exc)
                self.lost_docs += 1
                if exc.errno in _STOPPING:  # no later document of the file can be written either
                    self._name_lost()
                return
            self.tally.add(outcome)
            if self.many or self.writer is None:
                self.log.record(outcome.audit)
                self.log.observe(task, outcome)
            else:
                self.held.append((task, outcome))
            return
        self.log.reject(task)
        self.job.failures += 1
        if task is not None:
            task = replace(task, doc_id=outcome.doc_id) if outcome.doc_id is not None else task
            self.log.error(task.source, task.line, task.doc_id, outcome.error)
        elif isinstance(item, InputError):
            self.log.error(item.source or self.job.inp.display, item.line, item.doc_id or "", outcome.error)

    def _lose(self, exc: OSError) -> None:
        """The output cannot be written: its documents so far are lost, and their audit records go."""
        self.lost = exc
        self.lost_docs += self.tally.docs
        self.tally = Tally()
        self.held.clear()
        if self.writer is not None:
            self.writer.abort(keep=False)
        self.log.cut(self.start)  # (standard output cannot be: the error record then says what they stand for)

    def checkpoint(self, line: int) -> None:
        """Record that the job's input is done up to JSONL line ``line``, and where the audit log then ended."""
        if self.writer is None or not self.writer.resumable or self.lost is not None:
            return
        state = {**input_state(self.job), "line": line, "failures": self.job.failures, "audit": self.log.end()}
        try:
            self.writer.checkpoint(state)
        except OSError as exc:
            self._lose(exc)
            if exc.errno in _STOPPING:
                self._name_lost()

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self.writer is None:
            if exc_type is None:
                try:
                    sys.stdout.flush()  # a full disk under a redirection is told here, not at exit
                except BrokenPipeError:
                    raise
                except OSError as exc:
                    raise RunStopped(f"cannot write to standard output ({_why(exc)})") from exc
            self.log.count(self.tally)
            return
        if exc_type is not None:
            self.writer.abort()  # an interrupted run: no output (a checkpointed one is kept for --resume)
            return
        if self.lost is None and self.job.failures and not self.many:
            self.writer.abort()  # a failed single-document file: no output
            return
        if self.lost is None:
            try:
                self.writer.commit()
            except OSError as exc:
                self._lose(exc)
        if self.lost is None:
            self._log_committed()
            return
        self._name_lost()

    def _name_lost(self) -> None:
        """Name the documents whose output cannot be written; stop the run when no output can be (a full disk)."""
        assert self.lost is not None
        job = self.job
        n = self.lost_docs if self.many else 1
        job.failures += n
        whose = f" ({plural(n, 'document')} of it not written)" if self.many else ""
        self.log.error(job.inp.display, None, job.inp.doc, f"cannot write the output {shown(str(job.out_path))} "
                       f"({_why(self.lost)}){whose}", documents=n)
        if self.lost.errno in _STOPPING:
            raise RunStopped(f"cannot write the output folder ({_why(self.lost)})")

    def _log_committed(self) -> None:
        """The output is in place: log its held records and count its documents (take the output back if the
        audit log cannot take them)."""
        position = self.log.position()
        try:
            for _, outcome in self.held:
                self.log.record(outcome.audit)
            self.log.flush()
        except RunStopped:
            self.log.cut(position)
            if not self.many and self.job.out_path is not None:
                with contextlib.suppress(OSError):
                    Folder(self.job.out_root or self.job.out_path.parent,
                           self.job.out_path.parent.relative_to(self.job.out_root or self.job.out_path.parent)
                           ).unlink(self.job.out_path.name)
            raise
        for task, outcome in self.held:
            self.log.observe(task, outcome)
        self.log.count(self.tally)


class Outputs:
    """The jobs' outputs, opened and finished in input order: ``emit(j, ...)`` for the documents of job ``j``."""

    def __init__(self, jobs: list[Job], log: RunLog, progress: Progress | None = None, verbosity: int = 1) -> None:
        self.jobs = jobs
        self.log = log
        self.progress = progress
        self.verbosity = verbosity  # 2: each finished file is named on stderr
        self.current: JobOutput | None = None
        self.next = 0  # the next job to open
        self.unsaved = 0  # input characters cleaned since the last checkpoint
        self.last_line: int | None = None  # the last JSONL line of the open job
        self.due: int | None = None  # a checkpoint due at this line, made before the next document is written

    def emit(self, j: int, item: Task | InputError, outcome: Outcome) -> None:
        """Write a document of job ``j`` (finishing the jobs before it first)."""
        self._checkpoint_due()
        while self.current is None or self.next <= j:
            self._open_next()
        assert self.current is not None
        self.current.emit(item, outcome)
        if self.progress is not None:
            self.progress.advance(j, item if isinstance(item, Task) else None)
        self.last_line = item.line
        self.unsaved += len(item.content) if isinstance(item, Task) else 0

    def batch_done(self) -> None:
        """After each batch: once enough input was cleaned since the last checkpoint, the open job's output is
        checkpointed (before anything more is written; at the end of the run only when it is the last job, so
        that where a gzip output is flushed depends on the input alone)."""
        writer = self.current.writer if self.current is not None else None
        if self.unsaved >= CHECKPOINT_BYTES and self.last_line is not None and writer is not None and writer.resumable:
            self.due = self.last_line

    def _checkpoint_due(self) -> None:
        if self.due is not None and self.current is not None:
            self.current.checkpoint(self.due)
            self.unsaved = 0
        self.due = None

    def _open_next(self) -> None:
        self._finish_current()
        self.current = JobOutput(self.jobs[self.next], self.log).__enter__()
        self.next += 1
        self.last_line = None

    def _finish_current(self) -> None:
        if self.current is not None:
            current, self.current = self.current, None
            current.__exit__(None)
            if self.progress is not None:
                self.progress.finish_job(self.next - 1)
            if self.verbosity > 1:
                job = current.job
                where = job.out_path if job.out_path is not None else "standard output"
                failed = f", {plural(job.failures, 'document')} failed" if job.failures else ""
                print(f"done: {job.inp.display} -> {shown(str(where))}{failed}", file=sys.stderr)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None:  # stopped: the open job's output is not complete
            if self.current is not None:
                self.current.__exit__(exc_type)
            return
        if self.next == len(self.jobs):
            self._checkpoint_due()
        while self.next < len(self.jobs):
            self._open_next()
        self._finish_current()
