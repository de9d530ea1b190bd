"""Exact and near-duplicate paragraphs and sentences inside one document (the fuller copy stays)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.document import Document, Line, Span
from cleaner.rules import Decision, RuleContext, rule
from heuristics._lines import word_count

_WORD = re.compile(r"\w+")


def _key(text: str) -> str:
    """The text compared for exact duplicates: case-folded words only."""
    return " ".join(_WORD.findall(text.casefold()))


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    toks = _WORD.findall(text.casefold())
    return {tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1))}


@rule("dedup.exact", order=600)
def exact(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove lines that repeat an earlier line word for word (case and punctuation aside); the first copy stays.

    Lines shorter than ``min_words`` words are left alone: short labels may
    repeat legitimately.
    """
    seen: dict[str, int] = {}
    for line in doc.live_lines():
        if word_count(line.text) < ctx["min_words"]:
            continue
        key = _key(line.text)
        if key in seen:
            yield Decision(line.start, line.end, f"repeats line {seen[key] + 1} word for word")
        else:
            seen[key] = line.index


@dataclass
class _Piece:
    span: Span
    line: Line
    shingles: set[tuple[str, ...]]
    removed: bool = False


def _near_duplicates(pieces: list[_Piece], threshold: float, what: str) -> Iterator[Decision]:
    """Pairs of pieces whose shorter one is mostly contained in the longer one; yield the shorter."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, piece in enumerate(pieces):
        overlap: dict[int, int] = defaultdict(int)
        for sh in piece.shingles:
            for j in index.get(sh, ()):
                overlap[j] += 1
        for j, shared in sorted(overlap.items()):
            other = pieces[j]
            if other.removed or other.line.index == piece.line.index:
                continue
            shorter, longer = (piece, other) if len(piece.shingles) <= len(other.shingles) else (other, piece)
            containment = shared / len(shorter.shingles)
            if containment >= threshold:
                shorter.removed = True
                yield Decision(
                    shorter.span.start,
                    shorter.span.end,
                    f"near-duplicate {what}: {containment:.0%} of its word 3-grams are in the fuller copy "
                    f"at line {longer.line.index + 1}",
                )
                break
        if not piece.removed:
            for sh in piece.shingles:
                index[sh].append(i)


@rule("dedup.near_paragraph", order=610)
def near_paragraph(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a line whose words mostly repeat another line's; the fuller of the two stays.

    Two lines of at least ``min_words`` words are near duplicates when at
    least ``threshold`` of the shorter one's word 3-grams are in the longer.
    """
    pieces = [
        _Piece(line.span, line, _shingles(line.text, 3))
        for line in doc.live_lines()
        if word_count(line.text) >= ctx["min_words"]
    ]
    yield from _near_duplicates(pieces, ctx["threshold"], "paragraph")


@rule("dedup.near_sentence", order=620)
def near_sentence(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a sentence that mostly repeats a sentence of another line; the fuller of the two stays.

    Sentences of at least ``min_words`` words are compared like lines in
    ``dedup.near_paragraph``, with their own ``threshold``.
    """
    pieces = [
        _Piece(s, line, _shingles(s.text, 3))
        for line in doc.live_lines()
        for s in doc.sentences(line)
        if word_count(s.text) >= ctx["min_words"] and doc.is_live(s.start, s.end)
    ]
    yield from _near_duplicates(pieces, ctx["threshold"], "sentence")
