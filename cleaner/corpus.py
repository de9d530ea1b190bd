"""Corpus statistics: which lines repeat across the documents of one source.

Site boilerplate ("Breaking News Emails", "Get breaking news alerts...")
repeats in nearly every page of one outlet. A first pass over the corpus
counts, per *source* (a site, a JSONL ``source`` field, a folder), in how
many documents each line occurs; the ``corpus.repeated_line`` rule
(``heuristics/corpus.py``) then removes lines that most documents of their
source share, with guards for news content that documents share too.

How a line is counted
    The text is normalised exactly as the text rules see it
    (:func:`cleaner.normalize.normalize`, then :attr:`Document.lines`); a
    line's key is a 64-bit hash of its case-folded words with digit runs
    folded to ``0`` (so "Updated 3:45 PM" and "Updated 9:10 AM" count as one
    line). A key counts once per document. Twelve bits of the key hold the
    line's number of ASCII letters (:func:`letter_mark`), so that the rule
    can pass over the lines no candidate of their source could be without
    computing their keys.

Bounded memory (the budget, set in ``[corpus]``: :class:`cleaner.settings.CorpusSettings`)
    * per source, a heavy-hitter table of at most ``2 * capacity`` keys: when
      it fills up it is pruned to the ``capacity`` most frequent keys. Counts
      are exact while a key stays in the table and are lower bounds after a
      prune (a pruned key that comes back starts again at 1), so pruning can
      only make the rule keep more. Any line held by more than
      ``1 / capacity`` of a source's documents survives a prune in practice;
      boilerplate is held by far more. About 100 bytes per key;
    * at most ``max_sources`` sources get a table (the first ones seen);
      documents of further sources are counted but never judged;
    * one count-min sketch of ``sketch_depth x sketch_width`` 32-bit
      counters, shared by all sources, holds in how many documents each
      sentence-like line occurs over the whole corpus. Its estimates can
      only be too high, so "this sentence also occurs in other sources" can
      be wrongly true (the rule keeps the line), never wrongly false.

    With the defaults (1,024 keys, 1,024 sources, 4 x 2^20 counters) the
    worst case is about 16 MB for the sketch plus 2 x 1,024 x 1,024 x 100 B
    for the tables; a corpus of a few hundred sites uses a fraction of that,
    and memory does not grow with the number of documents.

After the pass, :meth:`CorpusCounter.freeze` keeps only what the rule needs
(the keys frequent enough to be judged, with their counts): a
:class:`CorpusModel`, small enough to send to every worker process. Counters
of separate parts of a corpus (one per task of a distributed job) add up
with :meth:`CorpusCounter.merge` before the freeze.
"""

from __future__ import annotations

import hashlib
import operator
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from cleaner.normalize import normalize
from cleaner.settings import CorpusSettings
from cleaner.text import QUOTE_MARKS, TERMINAL, folded_words, line_cache

_DIGITS = re.compile(r"\d+")

# The source of a library document given with no source, URL or source field (see cleaner.learn_corpus).
DEFAULT_SOURCE = ""

_SENTENCE_WORDS = CorpusSettings.sentence_words  # the default of [corpus] sentence_words


# -- keys and line features ------------------------------------------------------


def line_words(text: str) -> list[str]:
    """The case-folded words of a line, digit runs folded to ``0`` (the words the rules tokenise anyway, see
    :func:`~cleaner.text.folded_words`: a digit run is inside a word, and ``0`` keeps it one)."""
    return [w if w.isalpha() else _DIGITS.sub("0", w) for w in folded_words(text)]


MARK_BITS = 12  # bits of a key above the sentence bit that hold its letter mark
_MARK_MASK = (1 << MARK_BITS) - 1
_NOT_ASCII_LETTER = bytes(c for c in range(256) if not 97 <= c <= 122)  # deleted: all but a-z


def _ascii_letters(folded: str) -> int:
    return len(folded.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER)) & _MARK_MASK


def letter_mark(text: str) -> int:
    """The number of ASCII letters of a line case-folded, modulo 2 ** MARK_BITS: the same for every line of one key
    (its words hold those letters and no other), stored in the key, and about eight times cheaper to get than the
    key: the rule computes the key only of lines whose mark some candidate key of their source holds."""
    return _ascii_letters(text.casefold())


def key_of(words: list[str], sentence: bool = False) -> int:
    """A stable 64-bit key for a line's words (the same in every process).

    The lowest bit says whether the line is sentence-like (see
    :func:`is_sentence_like`), so the tables and the rule agree on it; the
    next ``MARK_BITS`` hold the line's :func:`letter_mark`; the rest is a
    hash of the words.
    """
    joined = " ".join(words)
    digest = int.from_bytes(hashlib.blake2b(joined.encode("utf-8"), digest_size=8).digest(), "little")
    return (digest & ~((_MARK_MASK << 1) | 1)) | (_ascii_letters(joined) << 1) | int(sentence)


def mark_of_key(key: int) -> int:
    """The :func:`letter_mark` a key holds."""
    return (key >> 1) & _MARK_MASK


def is_sentence_key(key: int) -> bool:
    """Whether a key was made from a sentence-like line."""
    return bool(key & 1)


def is_sentence_like(text: str, n_words: int, sentence_words: int) -> bool:
    """A line that reads like reporting: long enough, and a full sentence or a quote."""
    if n_words < sentence_words:
        return False
    return bool(TERMINAL.search(text[-8:])) or any(q in text for q in QUOTE_MARKS)


@line_cache()
def line_key(text: str, sentence_words: int = _SENTENCE_WORDS) -> int | None:
    """The key of one normalised line, or None when it has no words.

    Cached: the counting pass and the rule ask about the same lines, and a
    site repeats its boilerplate lines in document after document.
    """
    words = line_words(text)
    if not words:
        return None
    return key_of(words, is_sentence_like(text, len(words), sentence_words))


def document_keys(text: str, sentence_words: int = _SENTENCE_WORDS) -> set[int]:
    """The distinct line keys of a raw text, normalised the way the text rules see it."""
    return keys_of_lines(normalize(text).split("\n"), sentence_words)


def keys_of_lines(lines: Iterable[str], sentence_words: int = _SENTENCE_WORDS) -> set[int]:
    """The distinct keys of already-normalised lines (the lines of a document: lines without words, blank ones
    too, are skipped)."""
    keys = {line_key(text, sentence_words) for text in lines}
    keys.discard(None)
    return keys  # type: ignore[return-value]


# -- sources ---------------------------------------------------------------------------


def site_of(url: str) -> str | None:
    """The site of a URL: its host name, lower-cased, without ``www.`` and port."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def source_of(record: Mapping[str, Any] | None, url: str | None, path: str) -> str:
    """The source of a document: a ``source``/``site`` field, the site of its URL, or its file's folder.

    ``record`` is the JSONL record (None for files), ``path`` the input file;
    a JSONL record with none of the fields belongs to its file.
    """
    rec = record or {}
    for name in ("source", "site"):
        value = rec.get(name)
        if isinstance(value, str) and value.strip():
            return (site_of(value) if "://" in value else None) or value.strip().lower()
    for value in (rec.get("url"), url):
        if isinstance(value, str) and (site := site_of(value)):
            return site
    if record is not None:
        return path
    return str(PurePath(path).parent)


# -- counting structures -----------------------------------------------------------------


class HeavyHitters:
    """Document counts of the most frequent keys of one source, in at most ``2 * capacity`` entries."""

    __slots__ = ("capacity", "counts", "pruned")

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self.counts: dict[int, int] = {}
        self.pruned = 0  # how many times the table was cut back

    def add(self, key: int, n: int = 1) -> None:
        """Count ``n`` more documents holding ``key``."""
        counts = self.counts
        counts[key] = counts.get(key, 0) + n
        if len(counts) > 2 * self.capacity:
            self._prune()

    def add_counts(self, counts: Iterable[tuple[int, int]]) -> None:
        """:meth:`add` every ``(key, n)`` of ``counts``, in order (written out: the parent merges every batch here)."""
        table, limit = self.counts, 2 * self.capacity
        for key, n in counts:
            table[key] = table.get(key, 0) + n
            if len(table) > limit:
                self._prune()
                table = self.counts

    def _prune(self) -> None:
        keep = sorted(self.counts.items(), key=lambda kv: kv[1], reverse=True)[: self.capacity]
        self.counts = dict(keep)
        self.pruned += 1

    def get(self, key: int) -> int:
        """The (lower-bound) number of documents holding ``key``."""
        return self.counts.get(key, 0)


_SALTS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
          0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9)
_MIX = 0x2545F4914F6CDD1D
_MASK = (1 << 64) - 1


def _clamped(width: int, depth: int) -> tuple[int, int]:
    return max(1, width), max(1, min(depth, len(_SALTS)))


def sketch_shape(settings: CorpusSettings | None = None) -> tuple[int, int]:
    """The (width, depth) of the corpus sketch that ``[corpus]`` settings ask for."""
    s = settings or CorpusSettings()
    return _clamped(s.sketch_width, s.sketch_depth)


@line_cache()
def sketch_cells(key: int, shape: tuple[int, int]) -> tuple[int, ...]:
    """The cell of ``key`` in each row of a count-min sketch of ``shape`` (the same in every process).

    Cached: a site's sentence-like boilerplate comes back in document after document of a batch.
    """
    width, depth = shape
    return tuple(((((key ^ salt) * _MIX) & _MASK) >> 11) % width for salt in _SALTS[:depth])


class CountMinSketch:
    """A conservative-update count-min sketch: estimates are never below the true counts."""

    __slots__ = ("rows", "shape")

    _MAX = 0xFFFFFFFF  # a 32-bit counter stops there

    def __init__(self, width: int, depth: int) -> None:
        self.shape = _clamped(width, depth)
        self.rows = [array("I", bytes(4 * self.shape[0])) for _ in range(self.shape[1])]

    def add(self, key: int, n: int = 1) -> None:
        """Count ``n`` more occurrences of ``key``."""
        self.add_cells([(sketch_cells(key, self.shape), n)])

    def add_cells(self, items: Iterable[tuple[tuple[int, ...], int]]) -> None:
        """Count ``n`` more occurrences of the key of each ``(cells, n)`` (see :func:`sketch_cells`).

        Conservative update: every cell of the key rises to at least the
        current estimate plus ``n`` and no further, exactly as ``n`` single
        additions would leave it.
        """
        rows, top, get = self.rows, self._MAX, array.__getitem__
        if len(rows) == 4:  # the default depth, written out: the parent merges every key of the corpus here
            r0, r1, r2, r3 = rows
            for (c0, c1, c2, c3), n in items:
                v0, v1, v2, v3 = r0[c0], r1[c1], r2[c2], r3[c3]
                target = min(min(v0, v1, v2, v3) + n, top)
                if v0 < target:
                    r0[c0] = target
                if v1 < target:
                    r1[c1] = target
                if v2 < target:
                    r2[c2] = target
                if v3 < target:
                    r3[c3] = target
            return
        for cells, n in items:
            values = list(map(get, rows, cells))
            target = min(min(values) + n, top)
            for row, c, value in zip(rows, cells, values):  # noqa: B905 (one cell per row by construction)
                if value < target:
                    row[c] = target

    def estimate(self, key: int) -> int:
        """An upper bound of the number of occurrences of ``key``."""
        return min(map(array.__getitem__, self.rows, sketch_cells(key, self.shape)))

    def merge(self, other: CountMinSketch) -> None:
        """Add the counts of a sketch of the same shape (another part of the corpus), cell by cell.

        Each sketch's cells are upper bounds of its keys' counts, so their
        sums are upper bounds of the keys' counts in both parts together.
        """
        if other.shape != self.shape:
            raise ValueError(f"cannot merge a sketch of {other.shape} into one of {self.shape}")
        for i, (mine, theirs) in enumerate(zip(self.rows, other.rows, strict=True)):
            try:
                self.rows[i] = array("I", map(operator.add, mine, theirs))
            except OverflowError:  # a counter past 32 bits stops at the top, as in add_cells
                self.rows[i] = array("I", map(min, map(operator.add, mine, theirs), repeat(self._MAX)))


@dataclass
class SourceStats:
    """What is known about one source after the pass."""

    docs: int = 0
    lines: HeavyHitters | None = None


@dataclass(frozen=True)
class KeyStats:
    """One candidate line of one source: in how many of its documents, and elsewhere."""

    docs: int  # documents of this source holding the line (a lower bound)
    other_docs: int  # documents of other sources holding it (an upper bound; sentence-like lines only)


@dataclass
class CorpusModel:
    """The frozen result of the corpus pass: what ``corpus.repeated_line`` looks up.

    ``sources`` maps a source to its document count and its candidate keys
    (keys held by at least ``min_docs`` documents and ``min_share`` of the
    source's documents, the lowest bar the rule uses).
    """

    sources: dict[str, tuple[int, dict[int, KeyStats]]] = field(default_factory=dict)
    documents: int = 0
    sentence_words: int = _SENTENCE_WORDS

    _marks: dict[str, frozenset[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def lookup(self, source: str, key: int) -> tuple[int, KeyStats | None]:
        """The source's document count and the key's statistics (None when not a candidate)."""
        docs, keys = self.sources.get(source, (0, {}))
        return docs, keys.get(key)

    def marks(self, source: str) -> frozenset[int]:
        """The letter marks of the source's candidate keys (see :func:`letter_mark`): a line with another mark is
        no candidate, whatever its key."""
        found = self._marks.get(source)
        if found is None:
            found = self._marks[source] = frozenset(map(mark_of_key, self.sources.get(source, (0, {}))[1]))
        return found


class BatchCounts:
    """The line keys of a batch of documents tallied per source: what a worker sends back.

    Adding a batch to a :class:`CorpusCounter` counts exactly what adding its
    documents one by one would (a heavy-hitter table may prune at other
    moments, which only moves its lower bounds). The parent merges one count
    per distinct key instead of one per line, and the sketch cells of the
    sentence-like keys come already computed.
    """

    __slots__ = ("sentences", "shape", "sources")

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape  # of the sketch the batch is meant for (see sketch_shape)
        self.sources: dict[str, tuple[int, Counter[int]]] = {}
        self.sentences: dict[tuple[int, ...], int] = {}  # sketch cells of a sentence-like key -> documents

    def add(self, source: str, keys: Iterable[int]) -> None:
        """Tally one document of ``source`` with its distinct line ``keys``."""
        docs, counts = self.sources.get(source) or (0, Counter())
        counts.update(keys)
        self.sources[source] = (docs + 1, counts)
        sentences = self.sentences
        for key in keys:
            if is_sentence_key(key):
                cells = sketch_cells(key, self.shape)
                sentences[cells] = sentences.get(cells, 0) + 1


class CorpusCounter:
    """The first pass: feed it every document's source and line keys, then :meth:`freeze` it (or take its
    :meth:`model`)."""

    def __init__(self, settings: CorpusSettings | None = None) -> None:
        self.settings = s = settings or CorpusSettings()
        self.capacity = s.capacity
        self.max_sources = s.max_sources
        self.sentence_words = s.sentence_words
        self.min_docs, self.min_share = s.min_docs, s.min_share
        self.sources: dict[str, SourceStats] = {}
        self.sketch = CountMinSketch(*sketch_shape(s))
        self.documents = 0
        self.unjudged_sources = 0  # sources past max_sources

    def add_text(self, source: str, text: str) -> None:
        """Count one raw text document."""
        self.add_keys(source, document_keys(text, self.sentence_words))

    def add_keys(self, source: str, keys: Iterable[int]) -> None:
        """Count one document given its distinct line keys (see :func:`document_keys`)."""
        batch = BatchCounts(self.sketch.shape)
        batch.add(source, keys)
        self.add_batch(batch)

    def add_batch(self, batch: BatchCounts) -> None:
        """Count a batch of documents a worker has tallied (with the same sketch settings)."""
        if batch.shape != self.sketch.shape:
            raise ValueError(f"a batch tallied for a sketch of {batch.shape}, not {self.sketch.shape}")
        for source, (docs, counts) in batch.sources.items():
            self._add_source(source, docs, counts.items())
        self.sketch.add_cells(batch.sentences.items())

    def merge(self, other: CorpusCounter) -> None:
        """Add the counts of another counter (another part of the corpus, counted with the same settings).

        Each part's tables hold lower bounds and its sketch upper bounds, so
        the sums do too: the merged counter judges as a counter of the whole
        corpus would, keeping more only where a table was pruned or full.
        """
        self.sketch.merge(other.sketch)
        for source, stats in other.sources.items():
            self._add_source(source, stats.docs, stats.lines.counts.items() if stats.lines is not None else ())

    def _add_source(self, source: str, docs: int, counts: Iterable[tuple[int, int]]) -> None:
        """Count ``docs`` more documents of ``source`` holding the ``(key, documents)`` of ``counts``."""
        self.documents += docs
        stats = self.sources.get(source)
        if stats is None:
            table = HeavyHitters(self.capacity) if len(self.sources) < self.max_sources else None
            self.unjudged_sources += table is None
            stats = self.sources[source] = SourceStats(0, table)
        stats.docs += docs
        if stats.lines is not None:
            stats.lines.add_counts(counts)

    def model(self) -> CorpusModel:
        """The frozen model at the ``min_docs`` and ``min_share`` bars of the counter's ``[corpus]`` settings."""
        return self.freeze(self.min_docs, self.min_share)

    def freeze(self, min_docs: int, min_share: float) -> CorpusModel:
        """Keep the keys held by at least ``min_docs`` and ``min_share`` of their source's documents."""
        model = CorpusModel(documents=self.documents, sentence_words=self.sentence_words)
        for name, stats in self.sources.items():
            keys: dict[int, KeyStats] = {}
            if stats.lines is not None:
                bar = max(min_docs, min_share * stats.docs)
                for key, n in stats.lines.counts.items():
                    if n >= bar:
                        other = max(0, self.sketch.estimate(key) - n) if is_sentence_key(key) else 0
                        keys[key] = KeyStats(n, other)
            model.sources[name] = (stats.docs, keys)
        return model
