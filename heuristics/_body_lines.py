"""Features of each line of a whole page, for the body detector's learned line decision.

Two stages, as in jusText (block features, then context), but learned
(``train/body.py``):

1. :func:`line_features`: what a line looks like (length, stop words,
   punctuation, links, symbols, repetition), where it stands (position, the
   section labels), what its neighbours look like (read past the template
   lines, which, digits aside, repeat elsewhere on the page), and what the
   hand-written classification of :mod:`heuristics.body` made of it (its
   class, its class after smoothing, whether it is in the densest region
   of good blocks, how far after a line repeating the page title it
   stands, whether it is the first paragraph under that line). The page's
   whole-page score is the last feature.
2. :func:`context_features`: the first stage's scores of the lines around
   it (means over windows, the neighbours, the densest run of high scores
   and the distance to it), so that a short line between body paragraphs
   stays and a good-looking teaser in a list of links goes.

Only lines still live are scored; lines an earlier rule removed are context.
Everything is linear in the number of lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from heuristics._body_features import Block

CLASSES = ("good", "neargood", "short", "bad", "item")
LINE_FEATURES = (
    "chars_log", "words_log", "stopword_share", "no_stoplist", "terminal", "sentences_log", "title_case",
    "link_like", "symbol_share", "repeated", "ends_colon", "related_heading", "section_label", "position",
    "char_position", "first_line",
    *(f"class_{c}" for c in CLASSES), "smoothed_good", "in_region", "region_distance_log", "before_region",
    "hand_keep", "after_title", "title_distance_log", "after_end_label",
    *(f"{side}{k}_{what}" for k in (1, 2) for side in ("prev", "next") for what in ("chars_log", "terminal", "good")),
    "window3_prose", "window3_good", "window10_prose", "window10_good", "first_prose_after_title",
    "page_score",
)
CONTEXT_FEATURES = (
    "score_mean2", "score_mean5", "score_mean15", "score_prev", "score_next", "in_score_run",
    "score_run_distance_log", "score_max", "score",
)
LEAD_DISTANCE = 12  # the first paragraph under a line repeating the page title stands at most this many lines after it
RUN_FLOOR = 0.4  # the densest run of scores: the stretch that most exceeds this score, weighted by characters
FAR = 50  # distances (in lines) count up to this: a linear model must not extrapolate on pages of 40,000 lines


def distance_log(lines: int) -> float:
    """A distance in lines as a feature: its logarithm, the same for every distance past :data:`FAR`."""
    return math.log1p(min(lines, FAR))


# distance_log of every distance, by distance (0 to FAR): a column of distances becomes a column of features.
_DISTANCE_LOGS = np.array([distance_log(d) for d in range(FAR + 1)])


def distance_logs(lines: np.ndarray) -> np.ndarray:
    """:func:`distance_log` of each of ``lines`` (non-negative integers), the same floats."""
    return _DISTANCE_LOGS[np.minimum(lines, FAR)]


def log1p_column(values: Sequence[float]) -> np.ndarray:
    """``math.log1p`` of each value (``math``'s, not numpy's: the same floats as the models were trained on)."""
    return np.fromiter(map(math.log1p, values), float, len(values))


def _shifted(column: np.ndarray, by: int) -> np.ndarray:
    """``column`` read ``by`` rows later (negative: earlier), with zeros past the ends."""
    out = np.zeros_like(column)
    if by > 0:
        out[:-by] = column[by:]
    else:
        out[-by:] = column[:by]
    return out


def _prefix(column: np.ndarray) -> np.ndarray:
    """The prefix sums of ``column``, starting at 0 (one more item than ``column``)."""
    return np.concatenate([np.zeros(1), np.cumsum(column)])


def _gaps(index: np.ndarray, first: int, last: int) -> np.ndarray:
    """How many lines each of ``index`` lies before ``first`` or after ``last`` (0 from ``first`` to ``last``)."""
    return np.where(index < first, first - index, np.where(index > last, index - last, 0))


def _window_sums(prefix: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray]:
    """For each of the ``len(prefix) - 1`` items, the sum over the items at most ``w`` before or after it (from
    ``prefix``, the prefix sums starting at 0), and how many items that is."""
    n = len(prefix) - 1
    index = np.arange(n)
    lo, hi = np.maximum(index - w, 0), np.minimum(index + w + 1, n)
    return prefix[hi] - prefix[lo], hi - lo


class _Around:
    """The lines each line's neighbours and windows are read from: those of ``context`` (a mask), in order.

    A line outside ``context`` gets the context lines just before and after
    it, as if it stood between them.
    """

    def __init__(self, context: np.ndarray) -> None:
        self.lines = np.flatnonzero(context)
        index = np.arange(len(context))
        self.before = np.searchsorted(self.lines, index, side="left")  # context lines before each line
        self.through = np.searchsorted(self.lines, index, side="right")  # ... before it or at it

    def near(self, column: np.ndarray, by: int) -> np.ndarray:
        """``column`` at the ``by``-th context line after each line (negative: before); zeros past the ends."""
        m = len(self.lines)
        at = self.before + by if by < 0 else self.through - 1 + by
        if not m:
            return np.zeros(len(at))
        return np.where((at >= 0) & (at < m), column[self.lines][np.clip(at, 0, m - 1)], 0.0)

    def window(self, column: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray]:
        """For each line, the sum of ``column`` over the ``w`` context lines before it, itself if it is one, and
        the ``w`` after, and how many lines that is (at least 1)."""
        prefix = _prefix(column[self.lines])
        lo, hi = np.maximum(self.before - w, 0), np.minimum(self.through + w, len(self.lines))
        return prefix[hi] - prefix[lo], np.maximum(hi - lo, 1)


def line_features(
    blocks: Sequence[Block], region: tuple[int, int] | None, titles: Sequence[int], page_score: float
) -> np.ndarray:
    """The :data:`LINE_FEATURES` of every live block, in order, one row each (``region``: the hand-written
    body, if any; ``titles``: the blocks repeating the page title).

    Each feature is computed for the whole page at once, as a column (the
    figures of a block are those :func:`heuristics._body_features.block_features`
    computed); the rows of the live blocks are returned.
    """
    n = len(blocks)
    # The figures of every block in one table (a row a block), read a column at a time below.
    kinds = {c: k for k, c in enumerate(CLASSES)}
    table = np.array(
        [(b.chars, b.n_words, b.sentences, b.terminal, b.final == "good", b.boundary, b.stop_share, b.title_case,
          b.link_like, b.symbol_share, b.repeated, b.text.endswith(":"), kinds.get(b.cls, -1), b.live)
         for b in blocks],
        dtype=float,
    ).reshape(n, 14)
    chars, words, sentences, terminal, good, boundary, share, title_case, link_like, symbols, repeated, colon, \
        kind, live = table.T
    index = np.arange(n)
    chars_log = log1p_column(chars.tolist())
    prose = np.where((chars >= 70) & (terminal > 0), chars, 0.0)
    total = float(chars.sum() or 1)
    if region is None:
        inside, distance, ahead = np.zeros(n), np.full(n, distance_log(FAR)), np.zeros(n)
    else:
        first, last = region
        gap = _gaps(index, first, last)
        inside, distance, ahead = (gap == 0).astype(float), distance_logs(gap), (index < first).astype(float)
    # The last line repeating the page title at or before each block.
    heads = np.sort(np.asarray(titles, dtype=int))
    at = np.searchsorted(heads, index, side="right") - 1
    title = np.where(at >= 0, heads[np.maximum(at, 0)] if len(heads) else -1, -1)
    # A comments or footer label ("Comments", "Privacy policy") since the body began.
    body_start = region[0] if region else n
    end_label = np.maximum.accumulate((boundary == 2) & (index > body_start)) if n else np.zeros(0, dtype=bool)
    columns = [
        chars_log, log1p_column(words.tolist()), np.maximum(share, 0.0), (share < 0).astype(float), terminal,
        log1p_column(sentences.tolist()), title_case, np.minimum(link_like, 2.0), symbols, repeated, colon,
        (boundary == 1).astype(float), (boundary == 2).astype(float),
        index / max(n - 1, 1), (np.cumsum(chars) - chars) / total, (index == 0).astype(float),
        *[(kind == k).astype(float) for k in range(len(CLASSES))], good, inside, distance, ahead,
        inside * good, (title >= 0).astype(float), np.where(title >= 0, distance_logs(np.maximum(index - title, 0)),
                                                             distance_log(FAR)),
        end_label.astype(float),
    ]
    # What the two lines before and after show (length, sentence end, good after smoothing; zeros past the
    # edges), and the windows around: read past the live template lines, whose text, digits aside, is another
    # line's too (a widget label under every photo, "Img ID#159375 Title:", a menu printed twice), so that the
    # short paragraphs between such lines are judged among the paragraphs around them. Lines earlier rules
    # removed stay context (measured better).
    template = np.fromiter((b.template for b in blocks), bool, n)
    around = _Around(~(template & (live > 0)))
    for by in (-1, 1, -2, 2):
        columns += [around.near(chars_log, by), around.near(terminal, by), around.near(good, by)]
    for w in (3, 10):
        prose_in, _ = around.window(prose, w)
        chars_in, _ = around.window(chars, w)
        good_in, count = around.window(good, w)
        columns += [prose_in / np.where(chars_in == 0, 1.0, chars_in), good_in / count]
    columns += [_first_prose_after_title(prose > 0, live > 0, title, index), np.full(n, page_score)]
    return np.column_stack(columns)[live > 0] if n else np.zeros((0, len(LINE_FEATURES)))


def _first_prose_after_title(prose: np.ndarray, live: np.ndarray, title: np.ndarray, index: np.ndarray) -> np.ndarray:
    """1 for the first live prose block after each line repeating the page title, if at most :data:`LEAD_DISTANCE`
    lines after it (``title``: the last such line at or before each block, -1 for none): the article's first
    paragraph under its headline, on a page whose short post a long sidebar outweighs."""
    out = np.zeros(len(index))
    near = np.flatnonzero(prose & live & (title >= 0) & (index - title <= LEAD_DISTANCE))
    _, first = np.unique(title[near], return_index=True)  # the blocks under one title line are contiguous
    out[near[first]] = 1.0
    return out


def context_features(scores: Sequence[float], chars: Sequence[int]) -> np.ndarray:
    """The :data:`CONTEXT_FEATURES` of each scored line, from the first stage's ``scores`` (live lines, in order),
    one row each."""
    n = len(scores)
    if not n:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    total = sum(chars) or 1
    first, last = _densest_run([(s - RUN_FLOOR) * (c / total + 0.01) for s, c in zip(scores, chars, strict=True)])
    column = np.asarray(scores, dtype=float)
    prefix = _prefix(column)
    gap = _gaps(np.arange(n), first, last)
    means = [np.divide(*_window_sums(prefix, w)) for w in (2, 5, 15)]
    return np.column_stack([
        *means, _shifted(column, -1), _shifted(column, 1), (gap == 0).astype(float), distance_logs(gap),
        np.full(n, max(scores)), column,
    ])


def _densest_run(values: Sequence[float]) -> tuple[int, int]:
    """The ``(first, last)`` of the stretch with the largest sum (Kadane's algorithm)."""
    best, current = float("-inf"), 0.0
    start = first = last = 0
    for i, v in enumerate(values):
        if current <= 0:
            current, start = v, i
        else:
            current += v
        if current > best:
            best, first, last = current, start, i
    return first, last
