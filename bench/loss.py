"""Removal precision: how much of what each rule removed is article text.

For one cleaned document, every token of the normalised input is marked as
gold when the gold body reproduces it (an order-preserving alignment of the
gold tokens onto the input tokens, the one ``clean_html`` uses to map an
extractor's output onto a page). A removed token is *lost article text* when
it is gold and no copy of it stays: a removed passage whose words (a run of up
to four tokens around it, inside the removal) are still in the clean text
counts as a duplicate rightly removed, not as a loss.

Counted in characters of word tokens (punctuation and spaces cannot be
article text for the shingle scorer).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cleaner.html import align

_TOKEN = re.compile(r"\w+")


def _fold(token: str) -> str:
    return (token if token.isascii() else unicodedata.normalize("NFKC", token)).casefold()


def tokens(text: str) -> list[str]:
    """Case-folded word tokens."""
    return [_fold(t) for t in _TOKEN.findall(text)]


@dataclass
class Tally:
    """What one rule removed (on one input kind): records, token characters, lost token characters."""

    count: int = 0
    chars: int = 0
    lost: int = 0
    docs: int = 0

    def add(self, other: Tally) -> None:
        self.count += other.count
        self.chars += other.chars
        self.lost += other.lost
        self.docs += other.docs

    @property
    def precision(self) -> float:
        return 1.0 - self.lost / self.chars if self.chars else 1.0


def _ngrams(toks: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def removal_loss(normalized: str, removals: Iterable, kept_text: str, gold: str) -> list[tuple[Any, int, int]]:
    """Every removal (``action`` remove) with its word characters and its word characters of lost article text."""
    spans = [(m.start(), m.end(), _fold(m.group())) for m in _TOKEN.finditer(normalized)]
    in_gold = align([t for _, _, t in spans], tokens(gold))
    kept = tokens(kept_text)
    kept_ngrams = {n: _ngrams(kept, n) for n in (2, 3, 4)}
    starts = [s for s, _, _ in spans]
    out = []
    for r in removals:
        if getattr(r, "action", "remove") != "remove":
            continue
        a, b = bisect_left(starts, r.start), bisect_left(starts, r.end)
        n = min(4, b - a)
        chars = lost = 0
        for i in range(a, b):
            size = spans[i][1] - spans[i][0]
            chars += size
            if in_gold[i] and not _copy_kept(spans, a, b, i, n, kept_ngrams):
                lost += size
        out.append((r, chars, lost))
    return out


def by_rule(losses: list[tuple[Any, int, int]]) -> dict[str, Tally]:
    """The removals of one document summed up per rule."""
    out: dict[str, Tally] = {}
    for r, chars, lost in losses:
        t = out.setdefault(r.rule, Tally(docs=1))
        t.count += 1
        t.chars += chars
        t.lost += lost
    return out


def merged(tallies: Iterable[dict[str, Tally]]) -> dict[str, Tally]:
    """Per-rule tallies (of :func:`by_rule`, one dict a document) summed up over the documents."""
    out: dict[str, Tally] = {}
    for doc in tallies:
        for rule, t in doc.items():
            out.setdefault(rule, Tally()).add(t)
    return out


def _copy_kept(spans: list, a: int, b: int, i: int, n: int, kept_ngrams: dict[int, set]) -> bool:
    """Whether a run of ``n`` tokens of the removal ``[a, b)`` holding token ``i`` is still in the clean text."""
    if n < 2:
        return False
    grams = kept_ngrams[n]
    for lo in range(max(a, i - n + 1), min(i, b - n) + 1):
        if tuple(spans[k][2] for k in range(lo, lo + n)) in grams:
            return True
    return False
