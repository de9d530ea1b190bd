"""The document model: normalised text cut into lines, paragraphs and sentences.

Every piece keeps its character offsets into the normalised text, so that a
rule's verdict can always be stated as a span of that text. The document
also tracks what earlier rules already removed, so that later rules judge
only what is still there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

from cleaner.lang import UNKNOWN, Language
from cleaner.text import CHARS_PER_WORD, count_words, line_cache

T = TypeVar("T")


# Span, Line and Removal are named tuples: immutable like frozen dataclasses, and a document makes many of
# them (every line, sentence and removal), which a tuple builds several times faster.
class Span(NamedTuple):
    """A piece of the normalised text: ``text == doc.text[start:end]``."""

    start: int
    end: int
    text: str


class Line(NamedTuple):
    """One non-empty line (a block) of the document."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int

    @property
    def span(self) -> Span:
        """The line as a plain span."""
        return Span(self.start, self.end, self.text)


_START = attrgetter("start")  # a line's start: the key lines are bisected by


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A run of lines between blank lines."""

    index: int
    start: int
    end: int
    text: str
    lines: tuple[Line, ...]


class Removal(NamedTuple):
    """One audit record: a span removed (or knowingly kept) by a rule."""

    rule: str
    start: int
    end: int
    text: str
    reason: str
    action: str = "remove"

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict: ``rule``, ``action``, ``start``, ``end``, ``text``, ``reason``."""
        return {
            "rule": self.rule,
            "action": self.action,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "reason": self.reason,
        }


# A sentence ends with . ! ? or … (maybe followed by closing quotes or
# brackets) before a space and what looks like the start of a new sentence.
# Linear time: a match only starts at the first mark of a run (lookbehind),
# and the runs are possessive (giving back a mark could never let the
# lookahead succeed), so a line of a million dots is one quick scan.
_SENTENCE_END = re.compile(
    r"(?<![.!?\u2026])[.!?\u2026]++[\"'\u201d\u2019)\]]*+(?= +[\"'\u201c\u2018(\[]?[^\W_a-z])"
)
# Tokens that end with a period without ending a sentence.
_ABBREVIATION = re.compile(
    r"(?:^|[\s(\"'\u201c])(?:[A-Z]|[A-Z]\.[A-Z]|Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Lt|Col|Gen|Sgt|Capt|Cmdr|Adm|"
    r"Gov|Sen|Rep|Rev|Hon|Pres|Fr|No|Nos|Vol|Fig|Inc|Co|Corp|Ltd|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|z\.B|bzw|ca|Nr|Hr|Fr|Mme|Mlle|Sra|Sr|Dra)\.$"
)


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Cut ``text`` into sentences, keeping offsets (plus ``offset``).

    A light rule-based splitter: it breaks after terminal punctuation that
    is followed by a space and an upper-case letter, a digit or an opening
    quote, unless the word before is a known abbreviation or an initial.
    """
    return [Span(offset + start, offset + end, text[start:end]) for start, end in _sentence_bounds(text)]


@line_cache()
def _sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` of each sentence of ``text``, stripped (cached: later passes split the same lines)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if _ABBREVIATION.search(text, max(start, end - 8), end):
            continue
        _add_stripped(bounds, text, start, end)
        start = end
    _add_stripped(bounds, text, start, len(text))
    return tuple(bounds)


def _add_stripped(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Append ``text[start:end]`` without surrounding whitespace to ``bounds``, unless it is blank."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = start + len(piece) - len(piece.lstrip())
        bounds.append((lead, lead + len(stripped)))


@dataclass
class Document:
    """A normalised document and the verdicts rules have given on it so far."""

    text: str
    doc_id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    language: str | Callable[[], str] = "en"  # the ISO code, or how to detect it when first asked (see lang)

    def __post_init__(self) -> None:
        self._removed = bytearray(len(self.text))
        # Removals only ever add, so a line list computed earlier holds every line still live: the caches
        # below are refreshed by filtering their last value, not rebuilt. ``_version`` counts removals.
        self._version = 0
        self._live: list[Line] | None = None  # live_lines(), as of removal _live_version
        self._live_version = -1
        self._short: dict[int, tuple[int, list[Line]]] = {}  # short_lines(n): (version, lines)
        self.records: list[Removal] = []
        self.notes: list[Removal] = []
        self._cached: dict[str, tuple[int, Any]] = {}  # cached(): (version, value)
        # Each rule's RuleContext.memo, by rule name; the engine hands it on to the passes after the first.
        self.memo: dict[str, dict[str, Any]] = {}

    @property
    def lang(self) -> str:
        """The document's language: detected on first use when it was given as a detector.

        Few rules read it (``body.detector``, on text that still looks like a
        whole page) and the command line only with ``--stats``, so most
        documents and later passes never pay for detection: the engine only
        asks :meth:`is_unknown`.
        """
        if callable(self.language):
            self.language = self.language()
        return self.language

    def is_unknown(self) -> bool:
        """Whether the document is in no language a stop-word list recognises (:data:`cleaner.lang.UNKNOWN`).

        Asked on every pass (language-specific rules skip such a document);
        a :class:`~cleaner.lang.Language` detector answers it from the first
        lines of running text, without detecting which language it is.
        """
        if isinstance(self.language, Language):
            return self.language.is_unknown()
        return self.lang == UNKNOWN

    # -- segmentation ------------------------------------------------------

    @cached_property
    def lines(self) -> list[Line]:
        """Every non-empty line, in order."""
        lines: list[Line] = []
        pos = 0
        para = 0
        for raw in self.text.split("\n"):
            if raw:
                lines.append(Line(len(lines), pos, pos + len(raw), raw, para))
            elif lines and lines[-1].paragraph == para:
                para += 1
            pos += len(raw) + 1
        return lines

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """Runs of lines separated by blank lines."""
        groups: dict[int, list[Line]] = {}
        for line in self.lines:
            groups.setdefault(line.paragraph, []).append(line)
        return [
            Paragraph(i, ls[0].start, ls[-1].end, self.text[ls[0].start : ls[-1].end], tuple(ls))
            for i, ls in sorted(groups.items())
        ]

    def sentences(self, line: Line) -> list[Span]:
        """The sentences of one line."""
        cache: dict[int, list[Span]] = self.__dict__.setdefault("_sentences", {})
        if line.index not in cache:
            cache[line.index] = split_sentences(line.text, line.start)
        return cache[line.index]

    # -- state -------------------------------------------------------------

    def is_removed(self, start: int, end: int) -> bool:
        """True when every character of ``[start, end)`` is removed."""
        return end > start and self._removed.find(0, start, end) < 0

    def is_live(self, start: int, end: int) -> bool:
        """True when no character of ``[start, end)`` is removed."""
        return self._removed.find(1, start, end) < 0

    def live_lines(self) -> list[Line]:
        """Lines that still have text that no rule removed."""
        if self._live_version != self._version:
            if self._live is None:  # every line tested: the removal records are not trusted for the first list
                self._live = self._tested(self.lines)
            else:
                self._live = self._still_live(self._live, self._live_version)
            self._live_version = self._version
        assert self._live is not None
        return self._live

    def _tested(self, lines: list[Line]) -> list[Line]:
        """The lines of ``lines`` that keep a character no rule removed, each one tested."""
        find = self._removed.find
        return [ln for ln in lines if find(0, ln.start, ln.end) >= 0]

    def _still_live(self, lines: list[Line], since: int) -> list[Line]:
        """The lines of ``lines`` (non-empty, in order; every line live after removal ``since``) that keep a
        character no rule removed.

        Only the lines a removal after ``since`` touches can have died: when there are few such removals,
        those lines are found by bisection and the others copied over by slices, instead of testing every line
        again (rules ask for the live lines after each other's removals, on pages of thousands of lines).
        """
        new = self.records[since:]  # one record a removal: ``_version`` counts them
        if 8 * len(new) > len(lines):  # many: test every line
            return self._tested(lines)
        find = self._removed.find
        dead: set[int] = set()
        for record in new:
            i = max(bisect_right(lines, record.start, key=_START) - 1, 0)  # the last line starting at or before it
            while i < len(lines) and lines[i].start < record.end:
                line = lines[i]
                if line.end > record.start and find(0, line.start, line.end) < 0:
                    dead.add(i)
                i += 1
        if not dead:
            return lines
        kept: list[Line] = []
        pos = 0
        for i in sorted(dead):
            kept += lines[pos:i]
            pos = i + 1
        kept += lines[pos:]
        return kept

    @cached_property
    def line_words(self) -> list[int]:
        """Number of words (runs of letters or digits) of each line, by line index.

        Counted once, for the lines live when first asked (removals only
        shrink that set; a page's text arrives with its non-content blocks
        already removed, and they are never counted); -1 for the others
        until :meth:`word_count` asks.
        """
        counts = [-1] * len(self.lines)
        for ln in self.live_lines():
            counts[ln.index] = count_words(ln.text)
        return counts

    def short_lines(self, max_words: int) -> list[Line]:
        """Live lines of at most ``max_words`` words and at most ``CHARS_PER_WORD`` characters a word.

        Most rules only judge short lines; asking for them here (cached per
        ``max_words``) spares every rule a pass over the long body
        paragraphs. After a removal, the cached list is only filtered:
        the short lines now live are the earlier short lines still live.
        """
        cached = self._short.get(max_words)
        if cached is not None and cached[0] == self._version:
            return cached[1]
        if cached is not None:
            short = self._still_live(cached[1], cached[0])
        else:
            limit = max(max_words, 1) * CHARS_PER_WORD
            words = self.line_words
            short = [ln for ln in self.live_lines() if words[ln.index] <= max_words and len(ln.text) <= limit]
        self._short[max_words] = (self._version, short)
        return short

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, kept until the next removal: for what several rules derive from the live lines."""
        hit = self._cached.get(key)
        if hit is None or hit[0] != self._version:
            hit = self._cached[key] = (self._version, compute())
        return hit[1]  # type: ignore[no-any-return]

    def is_short(self, line: Line, max_words: int) -> bool:
        """Whether ``line`` has at most ``max_words`` words and ``CHARS_PER_WORD`` characters a word."""
        n = self.line_words[line.index]  # word_count's look-up, without its call: rules ask about every line
        if n < 0:
            n = self.word_count(line)
        return n <= max_words and len(line.text) <= max(max_words, 1) * CHARS_PER_WORD

    def word_count(self, line: Line) -> int:
        """Number of words (runs of letters or digits) in ``line`` (counted once per document)."""
        n = self.line_words[line.index]
        if n < 0:
            n = self.line_words[line.index] = count_words(line.text)
        return n

    def live_text(self, start: int, end: int) -> str:
        """The text of ``[start, end)`` without removed characters."""
        if self.is_live(start, end):
            return self.text[start:end]
        return "".join(c for c, r in zip(self.text[start:end], self._removed[start:end], strict=True) if not r)

    def remove(self, rule: str, start: int, end: int, reason: str) -> int:
        """Record that ``rule`` removes ``[start, end)``.

        Parts already removed by an earlier rule stay with that rule; the
        rest becomes one record per contiguous piece, trimmed of surrounding
        whitespace. Returns the number of characters newly removed.
        """
        text, removed = self.text, self._removed
        whole = 0 <= start < end <= len(text) and not text[start].isspace() and not text[end - 1].isspace()
        if whole and removed.find(1, start, end) < 0:
            # The common case (a whole block or line, trimmed, nothing of it removed yet): one record as it is.
            removed[start:end] = b"\x01" * (end - start)
            self._version += 1
            self.records.append(Removal(rule, start, end, text[start:end], reason))
            return end - start
        added = 0
        pos = start
        while pos < end:
            free = self._removed.find(0, pos, end)
            if free < 0:
                break
            taken = self._removed.find(1, free, end)
            stop = end if taken < 0 else taken
            piece = self.text[free:stop]
            lo = free + len(piece) - len(piece.lstrip())
            hi = stop - (len(piece) - len(piece.rstrip()))
            if hi > lo:
                self._removed[lo:hi] = b"\x01" * (hi - lo)
                self._version += 1
                self.records.append(Removal(rule, lo, hi, self.text[lo:hi], reason))
                added += hi - lo
            pos = stop
        return added

    def note(self, rule: str, start: int, end: int, reason: str) -> None:
        """Record that ``rule`` looked at ``[start, end)`` and kept it."""
        self.notes.append(Removal(rule, start, end, self.text[start:end], reason, "keep"))
