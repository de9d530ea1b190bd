"""Features of each line of a whole page, for the body detector's learned line decision.

Two stages, as in jusText (block features, then context), but learned
(``train/body.py``):

1. :func:`line_features`: what a line looks like (length, stop words,
   punctuation, links, symbols, repetition), where it stands (position, the
   section labels), what its neighbours look like, and what the
   hand-written classification of :mod:`heuristics.body` made of it (its
   class, its class after smoothing, whether it is in the densest region
   of good blocks, how far after a line repeating the page title it
   stands). The page's whole-page score is the last feature.
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

from heuristics._body_features import Block, sentence_ends, stopword_share, title_case_share

CLASSES = ("good", "neargood", "short", "bad", "item")
LINE_FEATURES = (
    "chars_log", "words_log", "stopword_share", "no_stoplist", "terminal", "sentences_log", "title_case",
    "link_like", "symbol_share", "repeated", "ends_colon", "related_heading", "section_label", "position",
    "char_position", "first_line",
    *(f"class_{c}" for c in CLASSES), "smoothed_good", "in_region", "region_distance_log", "before_region",
    "hand_keep", "after_title", "title_distance_log", "after_end_label",
    *(f"{side}{k}_{what}" for k in (1, 2) for side in ("prev", "next") for what in ("chars_log", "terminal", "good")),
    "window3_prose", "window3_good", "window10_prose", "window10_good",
    "page_score",
)
CONTEXT_FEATURES = (
    "score_mean2", "score_mean5", "score_mean15", "score_prev", "score_next", "in_score_run",
    "score_run_distance_log", "score_max", "score",
)
RUN_FLOOR = 0.4  # the densest run of scores: the stretch that most exceeds this score, weighted by characters
FAR = 50  # distances (in lines) count up to this: a linear model must not extrapolate on pages of 40,000 lines


def distance_log(lines: int) -> float:
    """A distance in lines as a feature: its logarithm, the same for every distance past :data:`FAR`."""
    return math.log1p(min(lines, FAR))


def line_features(
    blocks: Sequence[Block], region: tuple[int, int] | None, titles: Sequence[int], stop: frozenset[str],
    page_score: float,
) -> list[list[float]]:
    """The :data:`LINE_FEATURES` of every live block, in order (``region``: the hand-written body, if any;
    ``titles``: the blocks repeating the page title)."""
    n = len(blocks)
    total = sum(b.chars for b in blocks) or 1
    prose = [b.chars if b.chars >= 70 and b.terminal else 0 for b in blocks]
    good = [b.final == "good" for b in blocks]
    prose_sum, good_sum = _prefix(prose), _prefix([float(g) for g in good])
    chars_sum = _prefix([float(b.chars) for b in blocks])
    # What each block shows its neighbours (length, sentence end, good after smoothing): computed once, read by
    # the two lines before and after it; past the edges of the page, zeros.
    shown = [[math.log1p(b.chars), float(b.terminal), float(g)] for b, g in zip(blocks, good, strict=True)]
    edge = [0.0, 0.0, 0.0]
    heads = sorted(titles)
    next_head = 0  # heads[:next_head] are the title lines at or before the current block
    far = distance_log(FAR)
    rows: list[list[float]] = []
    seen = 0
    body_start = region[0] if region else n
    end_label = False  # a comments or footer label ("Comments", "Privacy policy") since the body began
    for i, b in enumerate(blocks):
        before = seen
        seen += b.chars
        end_label = end_label or (b.boundary == 2 and i > body_start)
        while next_head < len(heads) and heads[next_head] <= i:
            next_head += 1
        if not b.live:
            continue
        share = stopword_share(b.text, stop)
        if region is None:
            inside, distance, ahead = 0.0, far, 0.0
        else:
            first, last = region
            gap = first - i if i < first else i - last if i > last else 0
            inside, distance, ahead = float(gap == 0), distance_log(gap), float(i < first)
        title = heads[next_head - 1] if next_head else -1  # the last line repeating the title, at or before
        cls = b.cls
        row = [
            shown[i][0], math.log1p(b.n_words), max(share, 0.0), float(share < 0), float(b.terminal),
            math.log1p(sentence_ends(b.text)), title_case_share(b.text), min(b.link_like, 2.0), b.symbol_share,
            float(b.repeated), float(b.text.endswith(":")), float(b.boundary == 1), float(b.boundary == 2),
            i / max(n - 1, 1), before / total, float(i == 0),
            *[float(cls == c) for c in CLASSES], float(good[i]), inside, distance, ahead,
            inside * good[i], float(title >= 0), distance_log(i - title) if title >= 0 else far,
            float(end_label),
            *(shown[i - 1] if i >= 1 else edge), *(shown[i + 1] if i + 1 < n else edge),
            *(shown[i - 2] if i >= 2 else edge), *(shown[i + 2] if i + 2 < n else edge),
        ]
        for w in (3, 10):
            lo, hi = max(0, i - w), min(n, i + w + 1)
            row += [(prose_sum[hi] - prose_sum[lo]) / ((chars_sum[hi] - chars_sum[lo]) or 1.0),
                    (good_sum[hi] - good_sum[lo]) / (hi - lo)]
        row.append(page_score)
        rows.append(row)
    return rows


def context_features(scores: Sequence[float], chars: Sequence[int]) -> list[list[float]]:
    """The :data:`CONTEXT_FEATURES` of each scored line, from the first stage's ``scores`` (live lines, in order)."""
    n = len(scores)
    if not n:
        return []
    sums = _prefix(scores)
    total = sum(chars) or 1
    first, last = _densest_run([(s - RUN_FLOOR) * (c / total + 0.01) for s, c in zip(scores, chars, strict=True)])
    top = max(scores)
    rows = []
    for i, s in enumerate(scores):
        row = []
        for w in (2, 5, 15):
            lo, hi = max(0, i - w), min(n, i + w + 1)
            row.append((sums[hi] - sums[lo]) / (hi - lo))
        gap = first - i if i < first else i - last if i > last else 0
        row += [scores[i - 1] if i else 0.0, scores[i + 1] if i + 1 < n else 0.0, float(gap == 0),
                distance_log(gap), top, s]
        rows.append(row)
    return rows


def _prefix(values: Sequence[float]) -> list[float]:
    out = [0.0]
    for v in values:
        out.append(out[-1] + v)
    return out


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
