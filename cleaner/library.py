"""The library's entry points beside :class:`~cleaner.pipeline.Cleaner`: one-call cleaning, batches for
Hugging Face ``datasets``, and the corpus pass over an iterable of documents.

Building a :class:`Cleaner` loads phrase lists and compiles patterns, so
:func:`cleaner_for` keeps one per configuration object: ``clean_text(t,
config=cfg)`` in a loop builds it once. A :class:`~cleaner.config.Config`
is read when its cleaner is built; to change settings, load a new one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from cleaner.config import Config
from cleaner.corpus import DEFAULT_SOURCE, CorpusCounter, CorpusModel, source_of
from cleaner.pipeline import Cleaner, Result
from cleaner.records import get_path

_CACHED = 8  # cleaners kept for the most recently used configuration objects
_CLEANERS: OrderedDict[int, Cleaner] = OrderedDict()
_DEFAULT: list[Cleaner] = []


def cleaner_for(config: Config | None = None) -> Cleaner:
    """The cleaner of ``config`` (the defaults when None), built on first use and then reused.

    Keyed by the object itself: the cache holds the configuration, so its
    ``id`` cannot be taken by another object while it is there.
    """
    if config is None:
        if not _DEFAULT:
            _DEFAULT.append(Cleaner())
        return _DEFAULT[0]
    found = _CLEANERS.get(id(config))
    if found is not None and found.config is config:
        _CLEANERS.move_to_end(id(config))
        return found
    built = _CLEANERS[id(config)] = Cleaner(config)
    while len(_CLEANERS) > _CACHED:
        _CLEANERS.popitem(last=False)
    return built


def clean_text(text: str, *, config: Config | None = None, **kwargs: Any) -> Result:
    """Clean one article text; see :class:`Result` (``kwargs``: those of :meth:`Cleaner.clean_text`)."""
    return cleaner_for(config).clean_text(text, **kwargs)


def clean_html(html: str | bytes, *, url: str | None = None, config: Config | None = None, **kwargs: Any) -> Result:
    """Extract and clean the article body of one HTML page; see :class:`Result`."""
    return cleaner_for(config).clean_html(html, url=url, **kwargs)


# -- the corpus pass ------------------------------------------------------------------


def learn_corpus(
    documents: Iterable[str | Mapping[str, Any]],
    config: Config | None = None,
    *,
    text_key: str = "text",
    html_key: str = "html",
    source_key: str | None = None,
) -> CorpusModel:
    """Count which lines repeat across the documents of each source, as ``clean`` does before cleaning.

    ``documents``: texts, or records (dicts) with a ``text_key`` or
    ``html_key`` field (dotted paths work: ``metadata.html``). A record's
    source is its ``source_key`` field when given, else its ``source`` or
    ``site`` field or the site of its ``url`` (as in a JSONL input); a text,
    or a record with none of these, belongs to one default source. Pass the
    model to ``Cleaner(config, corpus=model)`` and each document's source to
    its ``clean_text``/``clean_html`` call (``source=``; a page's URL or
    nothing gives the same default as here). The model holds only what the
    ``corpus.repeated_line`` rule looks up (see :mod:`cleaner.corpus`).
    """
    cleaner = cleaner_for(config)
    counter = CorpusCounter(cleaner.config.corpus)
    for doc in documents:
        if isinstance(doc, str):
            counter.add_keys(DEFAULT_SOURCE, cleaner.line_keys(doc))
            continue
        html = get_path(doc, html_key)
        text = get_path(doc, text_key)
        if not isinstance(text, str) and not isinstance(html, (str, bytes)):
            raise ValueError(f"a document with no string {text_key!r} or {html_key!r} field")
        keys = cleaner.line_keys(text) if isinstance(text, str) else cleaner.line_keys(html, html=True)
        counter.add_keys(record_source(doc, source_key), keys)
    return counter.model()


def record_source(record: Mapping[str, Any], source_key: str | None = None) -> str:
    """The corpus source of a record: its ``source_key`` field, else ``source``/``site``/``url`` (see
    :func:`cleaner.corpus.source_of`), else the default source."""
    if source_key is not None:
        value = get_path(record, source_key)
        return source_of({"source": value} if isinstance(value, str) else {}, None, DEFAULT_SOURCE)
    return source_of(record, None, DEFAULT_SOURCE)


# -- batches (Hugging Face datasets) ------------------------------------------------------------


class BatchCleaner:
    """Clean the rows of a batch of columns: a function for ``datasets.Dataset.map(..., batched=True)``.

    ::

        ds = ds.map(cleaner.BatchCleaner(text_key="text"), batched=True, num_proc=4)

    A batch is a dict of columns (lists of equal length). Each row's
    ``text_key`` is cleaned as text, or, when ``html_key`` is given and the
    row has a string there, its HTML as a page (with its ``url_key`` URL).
    The clean text goes to ``output_key`` (default: ``text_key``, replaced);
    ``add_stats`` adds the ``removed_chars`` and ``lang`` columns,
    ``audit_key`` a column with each row's removal records
    (:meth:`Removal.to_dict`); ``metadata_key`` a column with the page's
    metadata (title, author, date, ...); ``markdown``: a page's clean text
    is Markdown (headings, lists, tables, code, quotes). Rows whose value is missing
    (None) stay None. Other columns are left to ``datasets`` (it keeps them).

    ``corpus``/``source_key``: a :func:`learn_corpus` model and the column
    of each row's source. The object pickles as its settings (the cleaner
    is built again in each process), so ``num_proc`` and ``datasets``'
    caching work.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        text_key: str = "text",
        html_key: str | None = None,
        url_key: str | None = None,
        output_key: str | None = None,
        add_stats: bool = False,
        audit_key: str | None = None,
        metadata_key: str | None = None,
        markdown: bool = False,
        corpus: CorpusModel | None = None,
        source_key: str | None = None,
    ) -> None:
        self.config = config or Config.load()
        self.text_key, self.html_key, self.url_key = text_key, html_key, url_key
        self.output_key = output_key or text_key
        self.add_stats, self.audit_key, self.metadata_key = add_stats, audit_key, metadata_key
        self.markdown = markdown
        self.corpus, self.source_key = corpus, source_key
        self._cleaner: Cleaner | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_cleaner"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _cleaner=None)

    @property
    def cleaner(self) -> Cleaner:
        """The cleaner of this process (built on first use)."""
        if self._cleaner is None:
            self._cleaner = Cleaner(self.config, corpus=self.corpus)
        return self._cleaner

    def __call__(self, batch: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        """The new columns of one batch."""
        n = len(next(iter(batch.values()), []))
        rows = [self.clean_row(batch, i) for i in range(n)]
        out: dict[str, list[Any]] = {self.output_key: [_text(r) for r in rows]}
        if self.add_stats:
            out["removed_chars"] = [
                None if r is None else sum(len(x.text) for x in r.removals) for r in rows
            ]
            out["lang"] = [None if r is None else r.lang for r in rows]
        if self.audit_key:
            out[self.audit_key] = [None if r is None else [x.to_dict() for x in r.removals] for r in rows]
        if self.metadata_key:
            out[self.metadata_key] = [None if r is None else r.metadata for r in rows]
        return out

    def clean_row(self, batch: Mapping[str, list[Any]], i: int) -> Result | None:
        """The result of row ``i`` (None when it has neither text nor HTML)."""
        def column(key: str | None) -> Any:
            return batch[key][i] if key is not None and key in batch else None

        source = record_source({"source": column(self.source_key)}, "source") if self.source_key else None
        html = column(self.html_key)
        if isinstance(html, (str, bytes)):
            url = column(self.url_key)
            url = url if isinstance(url, str) else None
            return self.cleaner.clean_html(html, url=url, source=source, markdown=self.markdown)
        text = column(self.text_key)
        if text is None:
            return None
        if not isinstance(text, str):
            raise TypeError(f"column {self.text_key!r}: row {i} is {type(text).__name__}, not text")
        return self.cleaner.clean_text(text, source=source)


def _text(result: Result | None) -> str | None:
    """A row's output: the clean text, or the Markdown when the result has it."""
    if result is None:
        return None
    return result.markdown if result.markdown is not None else result.text
