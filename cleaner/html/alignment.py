"""Alignment: which words of the page an extractor's output reproduces, in order.

An extractor returns text, not elements. Its output is mapped back onto the
page's blocks by a linear, order-preserving alignment of word tokens
(:func:`align`), which does not care how the extractor merged or split
inline text.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from typing import Any

from cleaner.text import WORD_RUN


def tokens(text: str) -> list[str]:
    """Case-folded word tokens, the unit of alignment (and of the benchmark's scorer)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return WORD_RUN.findall(text.casefold())


def align(page: list[str], out: list[str], *, anchor: int = 3, window: int = 40, max_candidates: int = 32) -> bytearray:
    """Mark the page tokens that the extractor's output reproduces, in order.

    Walks both sequences together; where they disagree, the output resyncs
    at the page position (among up to ``max_candidates`` occurrences of the
    next output token, nearest first) whose following tokens agree longest
    with the output (at least ``anchor`` tokens, looked at up to ``window``).
    Output tokens found nowhere are skipped. Cost: linear in the two lengths
    times a small constant, never quadratic.
    """
    where = _Occurrences(page)
    matched = bytearray(len(page))
    i = j = 0
    n, m = len(out), len(page)
    while i < n:
        if j < m and page[j] == out[i]:
            matched[j] = 1
            i += 1
            j += 1
            continue
        k = _resync(page, out, i, j, where.of(out[i]), anchor, window, max_candidates)
        if k < 0:
            i += 1
        else:
            j = k
    return matched


class _Occurrences:
    """Where each token occurs in a token list, in increasing order.

    An alignment needs this for the few tokens where it resyncs (about three
    a page): they are looked up one by one, and the whole list is indexed
    only when many are asked for, which keeps the cost linear.
    """

    LOOKUPS = 8  # tokens looked up one by one (a scan of the list each) before the whole list is indexed

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.where: dict[str, list[int]] = {}
        self.indexed = False

    def of(self, token: str) -> list[int]:
        """The positions of ``token`` (an empty list when it does not occur)."""
        found = self.where.get(token)
        if found is not None or self.indexed:
            return found or []
        if len(self.where) < self.LOOKUPS:
            found = self.where[token] = []
            k = -1
            try:
                while True:
                    k = self.tokens.index(token, k + 1)
                    found.append(k)
            except ValueError:
                return found
        self.where = {}
        for k, tok in enumerate(self.tokens):
            self.where.setdefault(tok, []).append(k)
        self.indexed = True
        return self.where.get(token, [])


def _resync(
    page: list[str], out: list[str], i: int, j: int, positions: Any, anchor: int, window: int, max_candidates: int
) -> int:
    """The page position where ``out[i:]`` resumes best, or -1."""
    if not positions:
        return -1
    first = bisect_left(positions, j)
    candidates = list(positions[first : first + max_candidates])
    if len(candidates) < max_candidates:  # out-of-order output: look before j too, nearest first
        candidates += list(reversed(positions[max(0, first - max_candidates + len(candidates)) : first]))
    need = min(anchor, len(out) - i)
    best, best_len = -1, need - 1
    for k in candidates:
        length = 0
        limit = min(window, len(out) - i, len(page) - k)
        while length < limit and page[k + length] == out[i + length]:
            length += 1
        if length > best_len:
            best, best_len = k, length
            if length == limit:
                break
    return best
