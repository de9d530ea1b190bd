"""Where the report's documents come from: a running ``clean``, or an audit log written before.

* During a run, :class:`RunReport` is the runner's observer: it gets each
  document's outcome as it is written (its length, audit lines and output).
  A sampled document's normalised text is rebuilt from its clean text and
  its removed spans (:func:`cleaner.rebuild`, no second cleaning), checked
  against its length and records; when that fails (an output format that is
  not the clean text) it is normalised again from its input.
* From an audit log, :func:`collect_audit` reads the records back and groups
  them by document; :class:`InputReader` then reads the sampled documents'
  inputs again (the ``file`` each record names) and normalises them as the
  cleaner did. An input that is gone or changed leaves the removed spans.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.config import Config
from cleaner.document import Removal
from cleaner.io import (
    InputError,
    InputFile,
    Task,
    decode_text,
    iter_jsonl,
    kind_of,
    parse_line_task,
    printable,
    read_bytes,
)
from cleaner.names import unshown
from cleaner.pipeline import Cleaner, rebuild
from cleaner.report.build import matches
from cleaner.report.collect import DocRef, DocumentEntry, ReportCollector
from cleaner.runner import Outcome, normalized_text


class RunReport:
    """The runner's observer that feeds a :class:`ReportCollector` (see the module doc)."""

    def __init__(self, collector: ReportCollector, config: Config) -> None:
        self.collector = collector
        self.config = config
        self._cleaner: Cleaner | None = None

    def cleaner(self) -> Cleaner:
        """A cleaner of the run's configuration, made when a text must be normalised again (HTML needs it)."""
        if self._cleaner is None:
            self._cleaner = Cleaner(self.config)
        return self._cleaner

    def document(self, task: Task, outcome: Outcome) -> None:
        # One parse for all of a document's lines (a JSON line holds no raw line break).
        records = json.loads("[" + outcome.audit.rstrip("\n").replace("\n", ",") + "]") if outcome.audit else []
        doc = printable(outcome.doc_id or task.doc_id)
        entry = DocumentEntry(printable(task.source), doc, records, outcome.chars_in)
        entry.text = lambda: self._text(task, outcome, records)
        self.collector.add_document(entry)

    def error(self, record: dict[str, Any]) -> None:
        self.collector.add_error(record)

    def _text(self, task: Task, outcome: Outcome, records: list[dict[str, Any]]) -> str | None:
        clean = _clean_text_of(task, outcome.output)
        if clean is not None:
            removals = [Removal(r["rule"], r["start"], r["end"], r["text"], r.get("reason", ""))
                        for r in records if r.get("action") == "remove"]
            text = rebuild(clean, removals)
            if len(text) == outcome.chars_in and matches(text, records):
                return text
        try:
            parsed = parse_line_task(task)
            return None if isinstance(parsed, InputError) else normalized_text(parsed, self.cleaner())
        except Exception:
            return None


def _clean_text_of(task: Task, output: str) -> str | None:
    """The clean text inside a document's output (a file's text, or a JSONL record's ``text``)."""
    if task.line is None:
        return output[:-1] if output.endswith("\n") else output
    try:
        text = json.loads(output).get("text")
    except (ValueError, AttributeError):
        return None
    return text if isinstance(text, str) else None


# -- from an audit log ------------------------------------------------------------------------------


def read_audit(path: Path, bad: list[int]) -> Iterator[dict[str, Any]]:
    """The records of an audit log (``.gz`` too); the numbers of lines that are not records go to ``bad``."""
    opener: Callable[..., IO[str]] = gzip.open if path.name.endswith(".gz") else open  # type: ignore[assignment]
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                bad.append(n)
                continue
            if isinstance(rec, dict) and rec.get("action") in ("remove", "keep", "summary", "error"):
                yield rec
            else:
                bad.append(n)


def collect_audit(path: Path, collector: ReportCollector) -> list[int]:
    """Feed an audit log's documents (records grouped by file and document, as a run writes them) and failures
    to ``collector``; return the numbers of the lines that could not be read."""
    bad: list[int] = []
    current: DocRef | None = None
    records: list[dict[str, Any]] = []
    for rec in read_audit(path, bad):
        if rec["action"] == "error":
            collector.add_error(rec)
            continue
        ref = (str(rec.get("file", "")), str(rec.get("doc", "")))
        if ref != current and records:
            collector.add_document(DocumentEntry(*current, records))  # type: ignore[misc]
            records = []
        current = ref
        records.append(rec)
    if records and current is not None:
        collector.add_document(DocumentEntry(*current, records))
    return bad


class InputReader:
    """Reads sampled documents again from the inputs an audit log names, normalised as the cleaner does.

    A record's ``file`` is the input path as the run was given it, so it is
    looked for from the current folder, then from the audit log's folder
    and its parent (the layout of ``clean corpus/``: ``corpus.clean/audit.jsonl``).
    """

    def __init__(self, config: Config, audit_path: Path) -> None:
        self.config = config
        self.roots = [Path.cwd(), audit_path.parent, audit_path.parent.parent]
        self.max_bytes = config.limits.max_document_bytes
        self.max_expanded = config.limits.max_expanded_bytes
        self._cleaner: Cleaner | None = None

    def __call__(self, entries: list[DocumentEntry]) -> dict[DocRef, tuple[str | None, str]]:
        by_file: dict[str, dict[str, DocumentEntry]] = {}
        for e in entries:
            by_file.setdefault(e.file, {})[e.doc] = e
        out: dict[DocRef, tuple[str | None, str]] = {}
        for file, wanted in by_file.items():
            path = self.find(file)
            if path is None:
                out.update({(file, doc): (None, f"the input {file} is not there any more") for doc in wanted})
                continue
            try:
                texts = self._read(path, file, wanted)
            except (InputError, OSError, ValueError) as exc:
                out.update({(file, doc): (None, f"the input {file} cannot be read ({exc})") for doc in wanted})
                continue
            for doc in wanted:
                out[(file, doc)] = (texts[doc], "") if doc in texts else (None, f"{doc} is no longer in {file}")
        return out

    def find(self, file: str) -> Path | None:
        """The input file a record names, or None."""
        p = Path(unshown(file))  # a name the log had to quote (see cleaner.names)
        for candidate in [p] if p.is_absolute() else [root / p for root in self.roots]:
            if candidate.is_file():
                return candidate
        return None

    def _read(self, path: Path, file: str, wanted: dict[str, DocumentEntry]) -> dict[str, str]:
        if self._cleaner is None:
            self._cleaner = Cleaner(self.config)
        kind = kind_of(path) or "text"
        if kind != "jsonl":
            data = read_bytes(path, self.max_bytes, self.max_expanded)
            task = Task(next(iter(wanted)), kind, data if kind == "html" else decode_text(data), file)
            return {doc: normalized_text(task, self._cleaner) for doc in wanted}
        by_line = {int(d.rpartition(":")[2]): d for d in wanted if d.rpartition(":")[2].isdigit()}
        texts: dict[str, str] = {}
        for item in iter_jsonl(InputFile(path, Path(path.name), kind), self.max_bytes, self.max_expanded):
            parsed = parse_line_task(item) if isinstance(item, Task) else item
            if isinstance(parsed, InputError):
                continue
            doc = printable(parsed.doc_id) if "id" in parsed.record else by_line.get(parsed.line or 0)
            if doc in wanted and doc not in texts:
                texts[doc] = normalized_text(parsed, self._cleaner)
                if len(texts) == len(wanted):
                    break
        return texts
