"""Block features: what the main-content model knows about each visible block of a page.

Four kinds of signal, each a number per block (the names are those of the
model's weights file and of the audit reasons):

* the **views** of the page: the share of the block's words in
  trafilatura's output (``traf``), whether readability's article holds it
  (``rd_in``), dropped it while cleaning (``rd_dropped``), and how its
  container scored (``rd_score``); the same for the neighbouring blocks,
  and how much of the page each view calls the article (when one says 300
  words and the other 3,000, one of them is wrong);
* the block's **text**, as jusText reads it: words, stop-word share,
  link share, sentence punctuation, capitalised words;
* its place in the **DOM**: tag, depth, ``<article>``/``<main>``/``<nav>``/
  ``<aside>``/``<footer>`` around it, ``itemprop="articleBody"``, class and
  id words readability counts as positive or negative;
* its **position** on the page.

All of it comes from the tree and the texts the engine already has: no
second parse, a few microseconds a block.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from cleaner.html.blocks import PageBlock
from cleaner.html.readability import NEGATIVE, POSITIVE, UNLIKELY, Article
from cleaner.lang import detect_language, stopwords
from cleaner.text import count_words, weighed

# Bits of an element's context (itself and its ancestors).
_CONTEXT_TAGS = {
    "article": 1, "main": 2, "nav": 4, "aside": 8, "footer": 16, "header": 32, "form": 64,
    "li": 128, "table": 256, "blockquote": 512,
}
_BODY_PROP = 1024  # itemprop="articleBody" (or articleBody in the class)
_POSITIVE = 2048
_NEGATIVE = 4096
_UNLIKELY = 8192
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_GROUPS = frozenset(["table", "ul", "ol", "dl"])  # a block in one of these shares its fate with the others
_SENTENCE_END = frozenset('.!?"\u201d\u2019)')

FEATURES = (
    # the views
    "traf", "traf_near", "rd_in", "rd_dropped", "rd_near", "rd_score", "both", "traf_only", "rd_only",
    "traf_page", "rd_page", "views_log_ratio", "traf_only_x_ratio", "rd_only_x_ratio", "views_overlap",
    "traf_only_x_apart", "rd_only_x_apart", "group_traf", "group_rd", "group_words_log",
    # the text
    "words_log", "stop_share", "link_share", "sentence_end", "capitalised", "punctuation",
    # the DOM
    "depth", "tag_p", "tag_heading", "tag_li", "tag_td", "tag_div",
    "in_article", "in_main", "in_nav", "in_aside", "in_footer", "in_header", "in_form", "in_list", "in_table",
    "in_quote", "body_prop", "class_positive", "class_negative", "class_unlikely",
    # the position
    "position", "title_found", "after_title", "title_gap", "rd_only_x_gap", "traf_only_x_gap",
)


@dataclass
class PageViews:
    """What the views say about a page: trafilatura's share of each block, readability's article, and what the
    features need besides (the title's words, the page's stop words)."""

    traf: list[float]  # the share of each block's words in trafilatura's output
    article: Article | None  # readability's article (None when the decision does not use it)
    title: list[str]  # the word tokens of the page's title
    stop: frozenset[str]  # the stop words of the page's language
    traf_found: bool = True  # trafilatura found some main content
    names: Mapping[Any, str] | None = None  # "class id" of the elements with one (the page index's), if known
    readability_only: bool = False  # trafilatura not asked (the cascade's first model): its shares are zero


def page_stopwords(blocks: Sequence[PageBlock], languages: Sequence[str]) -> frozenset[str]:
    """The stop words of the page's language, told from its longer blocks (running text, not menus)."""
    prose = []
    size = 0
    for block in blocks:
        if len(block.tokens) >= 10:
            prose.append(block.text)
            size += len(block.text)
            if size > 6000:
                break
    return stopwords(detect_language("\n".join(prose), list(languages)))


class _Context:
    """Each element's depth, context bits and group (the innermost table or list around it), memoised (the
    blocks of a page share their ancestors). ``names``: the ``"class id"`` of the page's elements that have one
    (:attr:`PageIndex.names <cleaner.html.index.PageIndex.names>`), read from the elements when not given."""

    def __init__(self, names: Mapping[Any, str] | None = None) -> None:
        self.memo: dict[Any, tuple[int, int, Any]] = {}
        self.names = names

    def of(self, el: Any) -> tuple[int, int, Any]:
        memo = self.memo
        found = memo.get(el)
        if found is not None:
            return found
        chain = []  # el and its ancestors up to the first one known (or the root)
        while el is not None and (found := memo.get(el)) is None:
            chain.append(el)
            el = el.getparent()
        depth, bits, group = found or (0, 0, None)
        names = self.names
        for el in reversed(chain):
            tag = el.tag
            if tag in _GROUPS:
                group = el
            bits |= _CONTEXT_TAGS.get(tag, 0) if isinstance(tag, str) else 0
            name = names.get(el) if names is not None else _read_names(el)
            if name:
                bits |= _class_bits(name)
            prop = el.get("itemprop")
            if prop and "articleBody" in prop:
                bits |= _BODY_PROP
            depth += 1
            memo[el] = found = (depth, bits, group)
        return found


def _read_names(el: Any) -> str | None:
    """An element's ``"class id"`` (None when it has neither)."""
    cls, ident = el.get("class"), el.get("id")
    return f"{cls or ''} {ident or ''}" if cls or ident else None


@lru_cache(maxsize=65536)
def _class_bits(names: str) -> int:
    """The context bits a class and id (``"class id"``) give: readability's positive, negative, unlikely words."""
    return (
        (_POSITIVE if POSITIVE.search(names) else 0) | (_NEGATIVE if NEGATIVE.search(names) else 0)
        | (_UNLIKELY if UNLIKELY.search(names) else 0) | (_BODY_PROP if "articleBody" in names else 0)
    )


def _near(values: Sequence[float], words: Sequence[int], reach: int = 3) -> list[float]:
    """For each block, the mean of ``values`` over the ``reach`` blocks with words on each side, weighted by
    ``log(1 + words)`` (prefix sums: linear in the number of blocks)."""
    if not any(values):  # all zero (trafilatura's shares for the cascade's first model): so are the means
        return [0.0] * len(values)
    with_words = [n for n, w in enumerate(words) if w]
    weights = [math.log1p(words[n]) for n in with_words]
    weighted = list(accumulate((w * values[n] for w, n in zip(weights, with_words, strict=True)), initial=0.0))
    total = list(accumulate(weights, initial=0.0))
    out = [0.0] * len(values)
    last = len(with_words)
    for i, n in enumerate(with_words):
        lo, hi = max(0, i - reach), min(last, i + reach + 1)
        weight = total[hi] - total[lo] - weights[i]
        out[n] = (weighted[hi] - weighted[lo] - weights[i] * values[n]) / weight if weight > 1e-12 else values[n]
    return out


def title_block(blocks: Sequence[PageBlock], title: Sequence[str]) -> int:
    """The block that is the page's headline: most of it in the title, and most of the title in it (-1: none).

    A ``<h1>`` wins over other blocks; among the others, the last one (a
    breadcrumb or a menu may repeat the title before the headline).
    """
    wanted = set(title)
    if not wanted:
        return -1
    best, best_is_h1 = -1, False
    longest = 3 * len(wanted) + 5
    for n, block in enumerate(blocks):
        toks = block.tokens
        if not toks or len(toks) > longest:
            continue
        distinct = set(toks)
        common = len(distinct & wanted)
        if common < 0.7 * len(distinct) or common < 0.5 * len(wanted):
            continue
        is_h1 = block.element.tag == "h1"
        if is_h1 or not best_is_h1:
            best, best_is_h1 = n, is_h1
    return best


NEAR_CANDIDATE = 0.3  # a block the views leave out is still weighed when its neighbours are this much in


def block_words(block: PageBlock) -> int:
    """A block's words: its tokens, where Chinese or Japanese characters are counted as the words they weigh
    (:data:`cleaner.text.UNSPACED`: a run of them between punctuation marks is one token, not one word)."""
    return weighed(block.text, len(block.tokens), count_words)[0]


class PageFeatures:
    """The features of a page's blocks: what is the same for every block is computed once, rows on demand."""

    def __init__(self, blocks: Sequence[PageBlock], views: PageViews) -> None:
        article = views.article
        assert article is not None, "the features need readability's view"
        self.blocks = blocks
        self.views = views
        self.article = article
        self.words = words = [block_words(b) for b in blocks]
        self.total = total = sum(words) or 1
        self.rd_state = [article.state(b.element) for b in blocks]
        self.rd_in = rd_in = [1.0 if s == 1 else 0.0 for s in self.rd_state]
        self.rd_near = _near(rd_in, words)
        self.rd_page = sum(r * w for r, w in zip(rd_in, words, strict=True)) / total
        self.title_at = title_block(blocks, views.title)
        self.title_end = sum(words[: self.title_at + 1]) if self.title_at >= 0 else 0
        self.starts = list(accumulate(words, initial=0))
        self.context = context = _Context(views.names)
        self.group_of = [context.of(block.element)[2] for block in blocks]  # the table or list around it
        self._add_trafilatura()

    def with_trafilatura(self, views: PageViews) -> PageFeatures:
        """These features under ``views``, the same page's views with trafilatura's added (the cascade asks it after
        its first model): what readability alone decides is taken over, not computed again."""
        assert views.article is self.article, "not the same page"
        other = copy.copy(self)
        other.views = views
        other._add_trafilatura()
        return other

    def _add_trafilatura(self) -> None:
        """The page-wide figures that depend on trafilatura's view."""
        words, total, rd_in, traf = self.words, self.total, self.rd_in, self.views.traf
        self.traf_near = _near(traf, words)
        self.traf_page = sum(t * w for t, w in zip(traf, words, strict=True)) / total
        self.ratio = math.log((self.traf_page * total + 10) / (self.rd_page * total + 10))
        both_words = sum(min(t, r) * w for t, r, w in zip(traf, rd_in, words, strict=True))
        self.overlap = both_words / max(1.0, min(self.traf_page, self.rd_page) * total)
        # each table or list: its words, and the words trafilatura and readability keep in it
        groups: dict[Any, list[float]] = {}
        for n, group in enumerate(self.group_of):
            if group is not None:
                totals = groups.setdefault(group, [0.0, 0.0, 0.0])
                totals[0] += words[n]
                totals[1] += traf[n] * words[n]
                totals[2] += rd_in[n] * words[n]
        self.groups = groups

    def candidates(self) -> list[int]:
        """The blocks worth weighing: with words, and kept by a view or amid blocks a view keeps. The others
        (menus, footers and the like, far from anything either view keeps) are left out without a model."""
        traf, rd_in, tn, rn = self.views.traf, self.rd_in, self.traf_near, self.rd_near
        if self.views.readability_only:
            # Without trafilatura's view, also every block next to readability's article, and the headline
            # (readability often leaves it out; trafilatura does not).
            return [n for n, w in enumerate(self.words) if w and (rd_in[n] or rn[n] > 0 or n == self.title_at)]
        return [n for n, w in enumerate(self.words)
                if w and (traf[n] >= 0.5 or rd_in[n] or tn[n] > NEAR_CANDIDATE or rn[n] > NEAR_CANDIDATE)]

    def consensus(self) -> set[int]:
        """The blocks both views keep: most of their words in trafilatura's text, and inside readability's
        article (the ``both`` feature at 0.5 or more)."""
        traf, rd_in = self.views.traf, self.rd_in
        return {n for n, w in enumerate(self.words) if w and traf[n] >= 0.5 and rd_in[n]}

    def row(self, n: int) -> list[float]:
        """The :data:`FEATURES` of block ``n``."""
        block = self.blocks[n]
        toks = block.tokens
        nw = self.words[n]
        text = block.text
        el = block.element
        tag = el.tag if isinstance(el.tag, str) else ""
        depth, bits, _ = self.context.of(el)
        t, r = self.views.traf[n], self.rd_in[n]
        group = self.groups.get(self.group_of[n])
        if group is None:
            group_figures = (t, r, math.log1p(nw))
        else:
            group_figures = (group[1] / (group[0] or 1), group[2] / (group[0] or 1), math.log1p(group[0]))
        both = min(t, r)
        position = self.starts[n]
        apart = 1.0 - self.overlap
        if self.title_at < 0:
            gap: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0, 0.0)
        else:
            g = 1.0 if n <= self.title_at else min(1.0, math.log1p(position - self.title_end) / 8)
            gap = (1.0, 1.0 if n > self.title_at else 0.0, g, (r - both) * g, (t - both) * g)
        split = text.split()
        capitalised = sum(map(str.isupper, [w[0] for w in split])) / max(1, len(split))
        letters = sum(map(len, toks)) or 1
        punct = sum(map(text.count, ",.;:!?")) / letters * 10
        stop = self.views.stop
        return [
            t, self.traf_near[n], r, 1.0 if self.rd_state[n] == -1 else 0.0, self.rd_near[n],
            self.article.container_score(el), both, t - both, r - both,
            self.traf_page, self.rd_page, self.ratio, (t - both) * self.ratio, (r - both) * self.ratio, self.overlap,
            (t - both) * apart, (r - both) * apart, *group_figures,
            math.log1p(nw), sum(map(stop.__contains__, toks)) / len(toks) if toks else 0.0, block.link_share,
            1.0 if text[-1:] in _SENTENCE_END else 0.0, capitalised, min(punct, 3.0),
            min(depth, 40) / 10, float(tag == "p"), float(tag in _HEADINGS), float(tag == "li"),
            float(tag in ("td", "th")), float(tag == "div"),
            *(1.0 if bits & b else 0.0 for b in (1, 2, 4, 8, 16, 32, 64)),
            1.0 if bits & 128 or tag == "li" else 0.0, 1.0 if bits & 256 else 0.0, 1.0 if bits & 512 else 0.0,
            1.0 if bits & _BODY_PROP else 0.0, 1.0 if bits & _POSITIVE else 0.0, 1.0 if bits & _NEGATIVE else 0.0,
            1.0 if bits & _UNLIKELY else 0.0,
            (position + nw / 2) / self.total, *gap,
        ]


def block_features(blocks: Sequence[PageBlock], views: PageViews) -> list[list[float]]:
    """One row of :data:`FEATURES` per block (all of them; the decision computes the candidates' only)."""
    page = PageFeatures(blocks, views)
    return [page.row(n) for n in range(len(blocks))]
