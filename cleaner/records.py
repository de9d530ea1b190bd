"""Fields of JSON records: dotted paths (``metadata.url``), the metadata a cleaned page adds, and the
record or text a clean document is written as.

Corpus tools nest their fields: datatrove keeps ``id`` and ``text`` at the top
and the page's ``url`` under ``metadata``; Hugging Face datasets may hold
anything. A *key* is a dotted path into nested objects; a key that names an
existing top-level field with a dot in its name (``"meta.url"`` itself) is
that field.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cleaner.corpus import site_of
from cleaner.rawjson import rewrite

_MISSING = object()


def get_path(record: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """The value at ``key`` (a field name, or a dotted path into nested objects), or ``default``."""
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return default
        value = value[part]
    return value


def set_path(record: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` (see :func:`get_path`) to ``value``, creating the objects on the way.

    A top-level field named ``key`` is set as such; a path through a value
    that is not an object replaces nothing and raises ValueError. The
    objects on the way are copied, not changed: ``record`` may be a shallow
    copy of a record that must stay as it was.
    """
    if key in record or "." not in key:
        record[key] = value
        return
    *parents, last = key.split(".")
    node = record
    for part in parents:
        child = node.get(part, {})
        if not isinstance(child, dict):
            raise ValueError(f"cannot set {key!r}: {part!r} is not an object")
        node[part] = child = dict(child)
        node = child
    node[last] = value


def merge_metadata(record: dict[str, Any], metadata: Mapping[str, Any], key: str = "metadata") -> None:
    """Add a page's metadata (title, author, date, url, ...) to ``record[key]``.

    An existing object there keeps every field it has (the record's own
    ``url`` wins over the page's) and gains the others; without one, the
    metadata becomes it. Empty values are not added. A ``key`` holding (or
    running through) something else than an object is left alone.
    """
    found = {k: v for k, v in metadata.items() if v}
    if not found:
        return
    current = get_path(record, key, _MISSING)
    if current is _MISSING:
        with contextlib.suppress(ValueError):  # the path runs through a value that is not an object
            set_path(record, key, found)
    elif isinstance(current, dict):
        set_path(record, key, {**current, **{k: v for k, v in found.items() if k not in current}})


@dataclass(frozen=True, slots=True)
class Fields:
    """Where a record keeps its document (``--text-key``, ``--html-key``, ``--id-key``, ``--source-key``).

    Each is a key in the sense of :func:`get_path`. A record is a text
    document when it has a string at ``text``, else a page when it has one
    at ``html``; the clean text goes back to ``text``. Without ``source``,
    a record's corpus source is its ``source`` or ``site`` field or the site
    of its ``url`` (see :func:`cleaner.corpus.source_of`).
    """

    text: str = "text"
    html: str = "html"
    id: str = "id"
    source: str | None = None
    url: str = "url"
    metadata: str = "metadata"

    def url_of(self, record: Mapping[str, Any]) -> str | None:
        """The page URL of a record: its ``url`` key, else ``metadata.url`` (datatrove's place for it)."""
        for key in (self.url, f"{self.metadata}.url"):
            value = get_path(record, key)
            if isinstance(value, str) and value:
                return value
        return None

    def source_of(self, record: Mapping[str, Any]) -> str | None:
        """The corpus source the ``source`` key names (a URL stands for its site); None without one."""
        if self.source is None:
            return None
        value = get_path(record, self.source)
        if not isinstance(value, str) or not value.strip():
            return None
        return (site_of(value) if "://" in value else None) or value.strip().lower()


OUTPUT_FORMATS = ("text", "markdown", "jsonl")


@dataclass(frozen=True, slots=True)
class Output:
    """What is written for a clean document (``--output-format``, ``--add-stats``, ``--no-metadata``).

    ``format``: ``text`` (the clean text), ``markdown`` (a page's kept
    blocks as Markdown; a text document's clean text), ``jsonl`` (one record
    per document: ``id``, ``text``, ``metadata``). A record read from a
    JSONL input is always written back as that record, its text replaced
    (by the Markdown, for ``markdown``).
    """

    format: str = "text"
    metadata: bool = True
    add_stats: bool = False
    fields: Fields = Fields()

    def render(
        self, result: Any, record: dict[str, Any] | None, doc_id: Any, *, as_record: bool = False,
        raw: str | None = None,
    ) -> str | dict[str, Any]:
        """One document's output (a line of JSON for records), for :class:`cleaner.Result` ``result``.

        ``record``: the input record (None for a single-document file); ``doc_id``: the id a new record gets;
        ``as_record``: the record itself, not its JSON (a Parquet row); ``raw``: the JSONL line ``record`` was
        read from, kept byte for byte but for the fields that change (see :mod:`cleaner.rawjson`).
        """
        text = result.markdown if self.format == "markdown" and result.markdown is not None else result.text
        if record is None and self.format != "jsonl":
            return text + "\n" if text else ""
        if record is None:
            rec: dict[str, Any] = {"id": doc_id, "text": text}
        else:
            rec = dict(record)
            set_path(rec, self.fields.text, text)
        if self.metadata and result.metadata:
            merge_metadata(rec, result.metadata, self.fields.metadata)
        if self.add_stats:
            rec["removed_chars"] = sum(len(r.text) for r in result.removals)
            rec["lang"] = result.lang
        if as_record:
            return rec
        line = rewrite(raw, record, rec) if raw is not None and record is not None else None
        return line if line is not None else json.dumps(rec, ensure_ascii=False) + "\n"


DEFAULT_OUTPUT = Output()
