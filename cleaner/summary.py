"""What the user sees of a run on stderr: the progress bar as it goes (:class:`Progress`) and the summary of
its counts at its end (:class:`Stats`)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from cleaner.io import Task
from cleaner.jobs import Job, input_size
from cleaner.names import shown


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
    stopped: str | None = None  # why the run stopped before its end (see RunStopped)

    def summary(self, seconds: float, *, all_rules: bool = False) -> str:
        """A short summary: documents, characters removed, the rules that removed most (``all_rules``:
        every rule), the corpus pass, and on a line of its own the files of no known kind."""
        share = self.chars_removed / self.chars_in if self.chars_in else 0.0
        ranked = self.rules.most_common()
        top = ranked if all_rules else ranked[:_TOP_RULES]
        rules = ", ".join(f"{r} ({n:,})" for r, n in top)
        if len(ranked) > len(top):
            rules += f" and {plural(len(ranked) - len(top), 'more rule')}"
        parts = [f"cleaned {plural(self.docs, 'document')}"]
        if self.failed:
            parts.append(f"{self.failed:,} failed")
        if self.skipped_files:
            parts.append(f"{plural(self.skipped_files, 'file')} skipped (output already complete)")
        if self.resumed_files:
            failed_before = f", {self.resumed_failures:,} of them failed" if self.resumed_failures else ""
            parts.append(
                f"{plural(self.resumed_files, 'file')} resumed ({plural(self.resumed_lines, 'line')} done before"
                f"{failed_before})"
            )
        line = ", ".join(parts) + ("," if len(parts) > 1 else "") + f" in {seconds:.1f}s"
        if self.chars_in:
            line += f"; removed {self.chars_removed:,} of {self.chars_in:,} characters ({share:.1%})"
            line += f", most by {rules}" if rules else ""
        if self.corpus_docs:
            line += f"; corpus pass: {plural(self.corpus_docs, 'document')} of {plural(self.corpus_sources, 'source')}"
        if self.stopped:
            line += (f"\nstopped: {self.stopped}; every output written is complete, with its audit records: run the "
                     "same command with --resume once it can be written")
        if self.unknown_files:
            names = ", ".join(shown(n) for n in self.unknown_files[:_NAMED_FILES])
            left = len(self.unknown_files) - _NAMED_FILES
            more = f" and {left:,} more" if left > 0 else ""
            line += (
                f"\nskipped {plural(len(self.unknown_files), 'file')} of no known kind (name a kind with "
                f"--input-format): {names}{more}"
            )
        return line


_TOP_RULES = 3  # rules named in the summary (-v: all)
_NAMED_FILES = 5  # skipped files named in the summary


def plural(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: "1 document", "2 documents"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


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
