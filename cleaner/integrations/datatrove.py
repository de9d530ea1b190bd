"""The article cleaner as datatrove pipeline steps (``pip install article-cleaner[datatrove]``).

:class:`ArticleCleaner` cleans each document's text (or its HTML page) the way
``clean`` does, keeps its other fields, and drops the documents that fail, as
datatrove's filters do::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import ArticleCleaner

    LocalPipelineExecutor(
        [JsonlReader("corpus/"), ArticleCleaner(exclusion_writer=JsonlWriter("failed/")), JsonlWriter("clean/")],
        tasks=4, logging_dir="logs/clean",
    ).run()

Site boilerplate is learned across the documents of a corpus (see
``cleaner/corpus.py``) in two more stages, each a pipeline of its own:
:class:`CountCorpus` counts the lines of each task's share of the documents,
:class:`MergeCorpus` (one task) adds the counts up into the corpus model, and
``ArticleCleaner(corpus=FOLDER)`` reads it. The merged model judges as the
command line's corpus pass over the same documents (exactly so while no
table fills up; past that it keeps more, never removes more).

The steps work unchanged with the local, Slurm and Ray executors: those ship
a pipeline to other processes or machines as a pickle, so a step holds only
its settings; it builds its :class:`~cleaner.Cleaner` (and reads the corpus
model) on first use, in the process that runs it.
"""

from __future__ import annotations

import contextlib
import pickle
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from datatrove.data import Document, DocumentsPipeline
from datatrove.io import DataFolder, DataFolderLike, get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.logging import logger
from datatrove.utils.typeshelper import StatHints

from cleaner.config import Config
from cleaner.corpus import CorpusCounter, CorpusModel, source_of
from cleaner.errors import InputError
from cleaner.io import Task
from cleaner.library import record_source
from cleaner.pipeline import Cleaner, Result
from cleaner.records import get_path, merge_metadata
from cleaner.worker import DocumentTimeout, clean_document, failure_reason

__all__ = ["ArticleCleaner", "CountCorpus", "MergeCorpus"]

Audit = Literal["none", "summary", "records"]
COUNTS = "counts"  # CountCorpus writes COUNTS/<rank>.pickle.gz in its folder
MODEL = "model.pickle"  # MergeCorpus writes the corpus model there


def _load_config(config: Config | str | Path | None) -> Config:
    """A Config as given, or loaded (and checked) from a TOML file, or the defaults."""
    return config if isinstance(config, Config) else Config.load(config)


def _size(content: str | bytes, limit: int) -> int:
    """The size of ``content`` in bytes (UTF-8), or a lower bound when that is surely within ``limit``."""
    if isinstance(content, bytes) or 4 * len(content) <= limit:  # at most 4 bytes a character
        return len(content)
    return len(content.encode("utf-8", "replace"))


@contextlib.contextmanager
def _whole_file(folder: DataFolder, name: str, **options: Any) -> Iterator[IO[bytes]]:
    """``name`` in ``folder`` opened for writing under a temporary name and renamed into place once written
    whole: a task killed mid-write leaves no half file for MergeCorpus or ArticleCleaner to read (a datatrove
    executor runs the task again), and a link at ``name`` is replaced, not written through."""
    temporary = f"{name}.{uuid.uuid4().hex}.tmp"
    try:
        with folder.open(temporary, "wb", **options) as fh:
            yield fh
        folder.mv(temporary, name)
    except BaseException:
        with contextlib.suppress(Exception):
            folder.rm(temporary)
        raise


class _DocumentStep(PipelineStep):
    """What the steps share: the settings, the Cleaner built where the step runs, and how a document is read."""

    def __init__(
        self, config: Config | str | Path | None, html_key: str | None, url_key: str, source_key: str | None
    ) -> None:
        super().__init__()
        self.config = _load_config(config)
        self.html_key = html_key
        self.url_key = url_key
        self.source_key = source_key
        self._cleaner: Cleaner | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Ship the settings only: the Cleaner is built again in the process that runs the step."""
        return {**self.__dict__, "_cleaner": None}

    @property
    def cleaner(self) -> Cleaner:
        """This process's Cleaner for the step's configuration."""
        if self._cleaner is None:
            self._cleaner = Cleaner(self.config)
        return self._cleaner

    def task(self, doc: Document) -> tuple[Task, str]:
        """The cleaner's view of ``doc`` (its text or HTML page) and its corpus source; InputError for a document
        that cannot be cleaned (no HTML field, too large)."""
        meta = doc.metadata
        url = get_path(meta, self.url_key)
        url = url if isinstance(url, str) else None
        content: Any = doc.text
        if self.html_key not in (None, "text"):
            content = get_path(meta, self.html_key)
            if not isinstance(content, str | bytes):
                raise InputError(f"no HTML: metadata {self.html_key!r} is not a string")
        limit = self.config.limits.max_document_bytes
        if _size(content, limit) > limit:
            raise InputError(f"too large (more than max_document_bytes = {limit})")
        where = str(meta.get("file_path", ""))
        kind = "text" if self.html_key is None else "html"
        # The source as the command line sees a JSONL record: its source/site field, its URL's site, its file.
        source = record_source(meta, self.source_key) if self.source_key else source_of(meta, url, where)
        return Task(str(doc.id), kind, content, where, record=meta, url=url), source


class ArticleCleaner(_DocumentStep):
    """Clean each document's article text, or its HTML page, and drop those that fail.

    Args:
        config: a :class:`~cleaner.Config`, a TOML settings file, or None for the defaults.
        html_key: None: ``Document.text`` is article text; ``"text"``: it is an HTML page (as datatrove's
            WARC reader gives); any other name: the page is in that metadata field (a dotted path works:
            ``raw.html``). The clean body always becomes ``Document.text``; the other fields are kept.
        url_key: the metadata field holding the page's URL (for HTML, and for the corpus source).
        source_key: the metadata field naming the document's corpus source; None: its ``source`` or ``site``
            field, else the site of its URL, else its input file (as the command line does).
        audit: what the document's metadata gets under ``audit_key``: ``"summary"`` (characters in and
            removed, removals per rule), ``"records"`` (the summary and every audit record: rule, action,
            start, end, text, reason), or ``"none"``.
        audit_key: the metadata field for the audit.
        page_metadata: add an HTML page's title, author, date, url and site to the metadata (fields already
            there are kept); None: as ``[output] metadata`` of the configuration says.
        drop_empty: drop a document that has no text left (it goes to the exclusion writer).
        corpus: the folder where :class:`MergeCorpus` wrote the corpus model, for ``corpus.repeated_line``.
        exclusion_writer: a datatrove writer that receives the dropped documents as they came in, with
            ``metadata["filter_reason"]`` saying why (the failure, or "empty after cleaning").

    Stats (datatrove's, per task and merged): total, forwarded, dropped, ``failed``, ``empty``, ``chars_in``
    and ``chars_removed`` per document, and per rule ``removed/RULE`` (removals per document it fired in),
    ``removed_chars/RULE`` and ``kept/RULE`` (spans it looked at and kept while unsure).
    """

    name = "🧹 Article cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        config: Config | str | Path | None = None,
        *,
        html_key: str | None = None,
        url_key: str = "url",
        source_key: str | None = None,
        audit: Audit = "summary",
        audit_key: str = "article_cleaner",
        page_metadata: bool | None = None,
        drop_empty: bool = True,
        corpus: DataFolderLike | None = None,
        exclusion_writer: DiskWriter | None = None,
    ) -> None:
        super().__init__(config, html_key, url_key, source_key)
        if audit not in ("none", "summary", "records"):
            raise ValueError(f"audit must be 'none', 'summary' or 'records', not {audit!r}")
        self.audit = audit
        self.audit_key = audit_key
        self.page_metadata = (
            self.config.output.metadata if page_metadata is None else page_metadata
        )
        self.drop_empty = drop_empty
        self.corpus = get_datafolder(corpus) if corpus is not None else None
        self.exclusion_writer = exclusion_writer
        self._corpus_read = False
        self._warned = False

    def __getstate__(self) -> dict[str, Any]:
        return {**super().__getstate__(), "_corpus_read": False}

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean every document; yield the clean ones, send the others to the exclusion writer."""
        self._read_corpus()
        with self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext() as excluded:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    reason = self.clean(doc)
                if reason is None:
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                    continue
                self.stat_update(StatHints.dropped)
                if excluded is not None:
                    doc.metadata["filter_reason"] = reason
                    excluded.write(doc, rank)

    def clean(self, doc: Document) -> str | None:
        """Clean ``doc`` in place; return why it must be dropped instead (None: keep it)."""
        try:
            task, source = self.task(doc)
            result = clean_document(self.cleaner, task, source)
        except (Exception, DocumentTimeout) as exc:
            reason = failure_reason(exc)
            self.stat_update("failed")
            if not self._warned:
                logger.warning(f"document {doc.id!r} failed: {reason} (further failures are counted in 'failed')")
                self._warned = True
            return reason
        summary = self._summary(result)
        if self.audit != "none":
            doc.metadata[self.audit_key] = summary
            if self.audit == "records":
                summary["records"] = [{k: v for k, v in rec.items() if k != "doc"} for rec in result.audit_records()]
        if self.drop_empty and not result.text:
            self.stat_update("empty")
            return "empty after cleaning"
        doc.text = result.text
        if self.page_metadata:
            holder = {"metadata": doc.metadata}
            merge_metadata(holder, result.metadata)
            doc.metadata = holder["metadata"]
        return None

    def _summary(self, result: Result) -> dict[str, Any]:
        """Count the document's removals in the step's stats; return their summary for its metadata."""
        removed: Counter[str] = Counter()
        chars: Counter[str] = Counter()
        for r in result.removals:
            removed[r.rule] += 1
            chars[r.rule] += len(r.text)
        for rule, n in removed.items():
            self.stat_update(f"removed/{rule}", value=n)
            self.stat_update(f"removed_chars/{rule}", value=chars[rule])
        for rule, n in Counter(r.rule for r in result.notes).items():
            self.stat_update(f"kept/{rule}", value=n)
        chars_removed = chars.total()
        self.stat_update("chars_in", value=len(result.normalized))
        self.stat_update("chars_removed", value=chars_removed)
        return {"chars_in": len(result.normalized), "chars_removed": chars_removed, "removed": dict(removed)}

    def _read_corpus(self) -> None:
        """Give this process's Cleaner the corpus model, once."""
        if self.corpus is None or self._corpus_read:
            return
        if not self.corpus.isfile(MODEL):
            raise FileNotFoundError(
                f"no corpus model {MODEL} in {self.corpus.path}: run CountCorpus, then MergeCorpus, on that folder"
            )
        with self.corpus.open(MODEL, "rb") as fh:
            model: CorpusModel = pickle.load(fh)  # written by MergeCorpus: a file of your own job
        self.cleaner.corpus = model
        self._corpus_read = True


class CountCorpus(_DocumentStep):
    """The corpus pass, part one: count the lines of this task's documents, per source, into ``folder``.

    Each task writes ``counts/RANK.pickle.gz`` (a bounded counter: a few MB, see ``[corpus]`` of the
    settings) and passes its documents on unchanged. ``config``, ``html_key``, ``url_key`` and ``source_key``
    must be those of the :class:`ArticleCleaner` that will use the model. Documents that cannot be read are skipped (the
    cleaning step reports them). Stats: ``counted``, ``unreadable``.
    """

    name = "🧮 Count corpus lines"
    type = "📊 - STATS"

    def __init__(
        self,
        folder: DataFolderLike,
        config: Config | str | Path | None = None,
        *,
        html_key: str | None = None,
        url_key: str = "url",
        source_key: str | None = None,
    ) -> None:
        super().__init__(config, html_key, url_key, source_key)
        self.folder = get_datafolder(folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Count every document's line keys, pass the documents on, and write the task's counts."""
        counter = CorpusCounter(self.config.corpus)
        for doc in data or ():
            with self.track_time():
                try:
                    task, source = self.task(doc)
                    counter.add_keys(source, self.cleaner.line_keys(task.content, html=task.kind == "html"))
                    self.stat_update("counted")
                except Exception:
                    self.stat_update("unreadable")
            yield doc
        with _whole_file(self.folder, f"{COUNTS}/{rank:05d}.pickle.gz", compression="gzip") as fh:
            pickle.dump({"rank": rank, "world_size": world_size, "counter": counter}, fh, pickle.HIGHEST_PROTOCOL)


class MergeCorpus(PipelineStep):
    """The corpus pass, part two: add up the counts of every :class:`CountCorpus` task into the corpus model.

    Run it as a pipeline of its own with one task, after the counting (``depends=``); it writes
    ``model.pickle`` in ``folder``, which :class:`ArticleCleaner` reads. It refuses counts that are missing
    a task or that two runs with different numbers of tasks left. The model keeps the lines at the bars of
    the counting's ``[corpus]`` settings (``min_docs``, ``min_share``), as the command line does.
    Stats: ``documents``, ``sources``, ``candidate_lines``.
    """

    name = "🧮 Merge corpus counts"
    type = "📊 - STATS"

    def __init__(self, folder: DataFolderLike) -> None:
        super().__init__()
        self.folder = get_datafolder(folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Merge the counts (rank 0 only) and write the model; documents given in are passed on."""
        if data:
            yield from data
        if rank != 0:
            return
        with self.track_time("job"):
            counter = self._merged()
            model = counter.model()
        with _whole_file(self.folder, MODEL) as fh:
            pickle.dump(model, fh, pickle.HIGHEST_PROTOCOL)
        self.stat_update("documents", value=counter.documents, unit="job")
        self.stat_update("sources", value=len(counter.sources), unit="job")
        candidates = sum(len(keys) for _, keys in model.sources.values())
        self.stat_update("candidate_lines", value=candidates, unit="job")
        logger.info(f"corpus model: {counter.documents} documents of {len(counter.sources)} sources, "
                    f"{candidates} candidate lines, in {self.folder.path}/{MODEL}")

    def _merged(self) -> CorpusCounter:
        """Every task's counter added into the first one; ValueError when tasks are missing or runs mixed."""
        files = self.folder.list_files(COUNTS, glob_pattern="*.pickle.gz")
        if not files:
            raise ValueError(f"no counts in {self.folder.path}/{COUNTS}: run CountCorpus on that folder first")
        merged: CorpusCounter | None = None
        ranks: set[int] = set()
        sizes: set[int] = set()
        for name in sorted(files):
            with self.folder.open(name, "rb", compression="gzip") as fh:
                part = pickle.load(fh)  # written by CountCorpus: files of your own job
            ranks.add(part["rank"])
            sizes.add(part["world_size"])
            if merged is None:
                merged = part["counter"]
            else:
                merged.merge(part["counter"])
        if len(sizes) > 1:
            raise ValueError(f"counts of runs with {sorted(sizes)} tasks in {self.folder.path}/{COUNTS}: remove the "
                             "old run's files and count again")
        missing = sorted(set(range(sizes.pop())) - ranks)
        if missing:
            raise ValueError(f"counts of task(s) {missing} missing in {self.folder.path}/{COUNTS}: the counting did "
                             "not finish")
        assert merged is not None
        return merged
