"""The job output: what a run writes for its jobs, in input order, and what it counts.

* :class:`RunLog`: the audit log, the named errors on stderr and the
  statistics of the run (and its observer, e.g. the review report);
* :class:`JobOutput`: one job's output file, a context manager: written
  atomically (committed on a clean exit, aborted otherwise; a failed
  single-document file gets none), checkpointed for ``--resume`` (a JSONL
  output, with where the audit log ended), its failures counted;
* :class:`Outputs`: the jobs' outputs opened and finished in input order as
  the documents come back, jobs without documents included.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import IO, Any, Protocol, TextIO

from cleaner.io import InputError, Task, printable
from cleaner.jobs import Job, input_size, input_state
from cleaner.worker import Outcome
from cleaner.writer import AtomicWriter

# A JSONL output is checkpointed when its file starts, then after the first batch that brings the input read
# since the last checkpoint to this many bytes: a killed run redoes at most about this much, and where a gzip
# output is flushed does not depend on timing (the same bytes whatever -j).
CHECKPOINT_BYTES = 2_000_000
MAX_AUDIT_REWIND = 256_000_000  # --resume cuts off an interrupted file's audit records only within this many bytes


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


class RunObserver(Protocol):
    """Sees each document as its output and audit records are written (e.g. the review report)."""

    def document(self, task: Task, outcome: Outcome) -> None:
        """A cleaned document: its task (a JSONL line's still raw) and outcome (output, audit lines)."""

    def error(self, record: dict[str, Any]) -> None:
        """A failed document: its ``error`` audit record."""


class RunLog:
    """The audit log, the errors named on stderr, and the run's statistics."""

    def __init__(
        self, audit: TextIO | None, observer: RunObserver | None = None, rejects: IO[bytes] | None = None
    ) -> None:
        self.audit = audit
        self.observer = observer
        self.rejects = rejects  # where failed JSONL lines go, byte for byte (--rejects)
        self.stats = Stats()

    def document(self, task: Task | None, outcome: Outcome) -> None:
        """Count a cleaned document (whose output is written) and log its audit records."""
        self.stats.docs += 1
        self.stats.chars_in += outcome.chars_in
        self.stats.chars_removed += outcome.chars_removed
        self.stats.rules.update(outcome.removed)
        if self.audit is not None:
            self.audit.write(outcome.audit)
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

    def error(self, source: str, line: int | None, doc: str, error: str) -> None:
        """Count a failed document and name it: file (and JSONL line) and reason, on stderr and in the audit log."""
        self.stats.failed += 1
        where = f"{source}:{line}" if line is not None else (source or "")
        msg = error if not where or error.startswith(where) else f"{where}: {error}"
        print(f"error: {printable(msg)}", file=sys.stderr)
        record = {"doc": doc, "action": "error", "rule": None, "file": source, "line": line, "reason": msg}
        record = {k: printable(v) if isinstance(v, str) else v for k, v in record.items()}
        if self.audit is not None:
            self.audit.write(json.dumps(record, ensure_ascii=False) + "\n")
        if self.observer is not None:
            self.observer.error(record)

    def end(self) -> dict[str, Any] | None:
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

    def rewind(self, job: Job, state: dict[str, Any] | None) -> None:
        """Cut off the audit records an interrupted run wrote for ``job`` after its last checkpoint, ``state``.

        They will be written again when the job is taken up (or started
        again) after that checkpoint. Only when the audit log is the same
        file, and every record after the checkpoint's end names this job's
        input: records of any other run or file are never touched.
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
        mine = printable(job.inp.display)
        try:
            if any(json.loads(line).get("file") != mine for line in tail.splitlines()):
                return
        except (ValueError, AttributeError):  # not our records
            return
        os.truncate(now["path"], size)


class JobOutput:
    """One job's output, written atomically: ``with JobOutput(job, log) as out: out.emit(item, outcome)``."""

    def __init__(self, job: Job, log: RunLog) -> None:
        self.job = job
        self.log = log
        self.writer: AtomicWriter | None = None  # None: standard output

    def __enter__(self) -> JobOutput:
        job = self.job
        if job.writer is not None:  # --resume: it already holds the partial output
            self.writer = job.writer
        elif job.out_path is not None and job.inp.kind == "parquet":
            from cleaner.parquet import ParquetWriter

            self.writer = ParquetWriter(job.out_path, job.inp.path)  # type: ignore[assignment]
        elif job.out_path is not None:
            self.writer = AtomicWriter(job.out_path, resumable=job.inp.kind == "jsonl")
            if self.writer.resumable:
                self.checkpoint(0)  # where the job's audit records begin
        return self

    def emit(self, item: Task | InputError, outcome: Outcome) -> None:
        """Write one document's outcome, or name its error (on stderr and in the audit log)."""
        task = item if isinstance(item, Task) else None
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
                outcome = Outcome(error=f"cannot write the output {self.job.out_path} (broken pipe)")
            except OSError as exc:
                outcome = Outcome(error=f"cannot write the output {self.job.out_path} ({exc.strerror or exc})")
            else:
                self.log.document(task, outcome)
                return
        else:
            self.log.reject(task)
        self.job.failures += 1
        if task is not None:
            task = replace(task, doc_id=outcome.doc_id) if outcome.doc_id is not None else task
            self.log.error(task.source, task.line, task.doc_id, outcome.error)
        elif isinstance(item, InputError):
            self.log.error(item.source or self.job.inp.display, item.line, item.doc_id or "", outcome.error)

    def checkpoint(self, line: int) -> None:
        """Record that the job's input is done up to JSONL line ``line``, and where the audit log then ended."""
        if self.writer is None or not self.writer.resumable:
            return
        with contextlib.suppress(OSError):  # only resuming would suffer; a failing output is reported on commit
            job = self.job
            state = {**input_state(job), "line": line, "failures": job.failures, "audit": self.log.end()}
            self.writer.checkpoint(state)

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self.writer is None:
            return
        if exc_type is not None or (self.job.failures and self.job.inp.kind not in ("jsonl", "parquet")):
            self.writer.abort()  # an interrupted run, or a failed single-document file: no output
            return
        try:
            self.writer.commit()
        except OSError as exc:  # disk full, folder removed...: the file's output is lost, so say so
            job = self.job
            self.log.error(job.inp.display, None, str(job.inp.rel), f"cannot write the output {job.out_path} "
                           f"({exc.strerror or exc})")


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
            self.current.__exit__(None)
            if self.progress is not None:
                self.progress.finish_job(self.next - 1)
            if self.verbosity > 1:
                job = self.current.job
                where = job.out_path if job.out_path is not None else "standard output"
                failed = f", {_count(job.failures, 'document')} failed" if job.failures else ""
                print(f"done: {printable(job.inp.display)} -> {printable(str(where))}{failed}", file=sys.stderr)
            self.current = None

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
