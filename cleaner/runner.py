"""The batch runner: the passes of a run over its jobs, put together from the job plan, an executor and the outputs.

A run has up to two passes over the inputs, both streamed in batches
(:func:`cleaner.jobs.batches`) through an executor (:mod:`cleaner.executor`:
this process for ``-j 1``, worker processes for more):

1. the *corpus pass* (when a corpus rule such as ``corpus.repeated_line`` is
   on and the run may hold more than one document): every document's source
   and line keys are counted into a bounded :class:`~cleaner.corpus.CorpusCounter`,
   frozen into the small :class:`~cleaner.corpus.CorpusModel` the rule reads;
2. the *cleaning pass*: the workers clean each document and render its output
   record and audit lines (:mod:`cleaner.worker`); the outputs are written in
   input order, atomically, with checkpoints (:mod:`cleaner.output`).

``--resume`` skips the inputs whose output exists and is newer than the
input, and takes a JSONL input up after the last checkpoint of an
interrupted run. Every document ends either in an output file or as a named
error (on stderr and in the audit log); a failed document never stops the run.
"""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from typing import IO, TextIO

from cleaner.config import Config
from cleaner.corpus import CorpusCounter, CorpusModel
from cleaner.executor import Executor, executor_for
from cleaner.io import Task
from cleaner.jobs import (
    BATCH_BYTES,
    BATCH_DOCS,
    Job,
    batches,
    checkpoint_of,
    is_complete,
    plan_jobs,
    resume_job,
    tapered,
)
from cleaner.output import Outputs, RunLog, RunObserver, RunStopped
from cleaner.records import Output
from cleaner.summary import Progress, Stats
from cleaner.worker import (
    DIED,
    Outcome,
    clean_batch,
    clean_document,
    clean_task,
    count_batch,
    failure_reason,
    normalized_text,
    task_source,
)
from cleaner.writer import locked_folders

__all__ = [
    "BATCH_BYTES", "BATCH_DOCS", "Outcome", "RunObserver", "Runner", "Stats", "clean_document", "clean_task",
    "cpu_count", "failure_reason", "normalized_text", "plan_jobs", "task_source",
]


class Runner:
    """Clean a set of input files into output files with an audit log.

    ``output``: what a clean document is written as (its fields, format, stats; ``metadata`` says whether
    records get the page's metadata when ``output`` is not given); ``audit_level``: see :mod:`cleaner.audit`;
    ``rejects``: where failed JSONL lines go, unchanged; ``verbosity``: 0 prints errors only, 1 the summary
    too, 2 each finished file and every rule in the summary; ``executor``: where the work runs (default:
    :func:`~cleaner.executor.executor_for` ``jobs``).
    """

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
        executor: Executor | None = None,
    ) -> None:
        self.config = config
        self.jobs = max(1, jobs)
        self.progress = progress
        self.output = output or Output(metadata=metadata)
        self.audit_level = audit_level
        self.verbosity = verbosity
        self.corpus_pass = corpus_pass
        self.resume = resume
        self.log = RunLog(audit, observer, rejects)
        self.executor = executor or executor_for(config, self.jobs)
        self.corpus: CorpusModel | None = None

    @property
    def stats(self) -> Stats:
        """The run's counts (see :class:`~cleaner.summary.Stats`)."""
        return self.log.stats

    def run(self, jobs: list[Job]) -> Stats:
        """Clean every job (after the corpus pass, when it applies); return the statistics.

        With ``-j 2`` and more, the same worker processes run both passes. The output folders are locked for
        the run, whatever its executor (:class:`~cleaner.writer.Busy` when another run is writing one).
        """
        start = time.monotonic()
        with locked_folders(job.out_root for job in jobs if job.out_root is not None):
            try:
                with self.executor:
                    if self.wants_corpus_pass(jobs):
                        self.corpus = self.count_corpus(jobs)
                    self._clean(self._resume(jobs) if self.resume else jobs)
            except RunStopped as exc:  # the audit log or the output folder cannot be written
                self.stats.stopped = str(exc)
            finally:  # also when interrupted: what was done
                if self.verbosity:
                    print(self.stats.summary(time.monotonic() - start, all_rules=self.verbosity > 1), file=sys.stderr)
        return self.stats

    def _clean(self, todo: list[Job]) -> None:
        """The cleaning pass: every document of ``todo`` cleaned by the executor, its outcome written in order."""
        progress = Progress(todo, "cleaning") if self.progress else None
        try:
            with Outputs(todo, self.log, progress, self.verbosity) as outputs:
                work = partial(clean_batch, output=self.output, audit_level=self.audit_level)
                todo_batches = batches(todo, self.config.limits)
                if self.jobs > 1:  # the workers finish together (see tapered)
                    todo_batches = tapered(todo_batches, self.jobs)
                for batch, outcomes in self.executor.map(todo_batches, work, self.corpus):
                    results = iter(outcomes or ())
                    for j, item in batch:
                        outcome = (next(results, None) or Outcome(error=DIED)) if isinstance(item, Task) else (
                            Outcome(error=str(item))
                        )
                        outputs.emit(j, item, outcome)
                    outputs.batch_done()
        finally:
            if progress is not None:
                progress.close()

    def close(self) -> None:
        """Release the executor's workers (``run`` does it when it ends)."""
        self.executor.close()

    def _resume(self, jobs: list[Job]) -> list[Job]:
        """The jobs ``--resume`` still has to do, interrupted ones taken up after their last checkpoint."""
        todo = [job for job in jobs if not is_complete(job)]
        self.stats.skipped_files = len(jobs) - len(todo)
        for job in todo:
            state = checkpoint_of(job)
            self.log.rewind(job, state)
            if resume_job(job, state):
                self.stats.resumed_files += 1
                self.stats.resumed_lines += job.done_lines
                self.stats.failed += job.failures  # reported by the interrupted run
                self.stats.resumed_failures += job.failures
        return todo

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
        done = 0  # jobs whose documents are all counted
        try:
            count = partial(count_batch, fields=self.output.fields)
            for batch, found in self.executor.map(batches(jobs, self.config.limits), count, None):
                if progress is not None:
                    for j, item in batch:
                        for finished in range(done, j):
                            progress.finish_job(finished)
                        done = max(done, j)
                        progress.advance(j, item if isinstance(item, Task) else None)
                if found is not None:
                    counter.add_batch(found)
            if progress is not None:
                for finished in range(done, len(jobs)):
                    progress.finish_job(finished)
        finally:
            if progress is not None:
                progress.close()
        self.stats.corpus_docs = counter.documents
        self.stats.corpus_sources = len(counter.sources)
        return counter.model() if counter.documents >= 2 else None


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
