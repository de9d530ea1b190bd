"""Readability's article record, and the sanitiser that drops the article's parts that look like widgets.

The article search (:mod:`.find`) fills an :class:`Article` with its roots;
:func:`sanitize` then drops, inside it, what readability-lxml's ``sanitize``
drops (headings with a negative class or many links, forms,
call-to-action paragraphs full of links, and tables, lists, divs and
sections that look like widgets), keeping the dropped elements' figures out
of their ancestors' (``Article.effective``) instead of changing the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cleaner.html.readability.measure import MIN_LEN, Stats, class_weight

CALL_TO_ACTION = re.compile(r"^\s*(?:sign up|subscribe|download|get the latest)\b", re.I)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CLEANED = ("table", "ul", "div", "aside", "header", "footer", "section")  # conditionally cleaned, in this order


@dataclass
class Article:
    """Readability's verdict on a page: the article's root elements and what the sanitiser dropped in them."""

    roots: list[Any] = field(default_factory=list)
    dropped: set[Any] = field(default_factory=set)  # dropped elements (with their content), unlikely ones too
    best: Any = None
    best_score: float = 0.0
    scores: dict[Any, float] = field(default_factory=dict)  # every scored container
    stats: dict[Any, Stats] = field(default_factory=dict)
    ruthless: bool = True  # False: found on the lenient second try
    effective: dict[Any, Stats] = field(default_factory=dict)  # figures of the elements the sanitiser cut into
    _states: dict[Any, int] = field(default_factory=dict, repr=False)

    def state(self, el: Any) -> int:
        """1 when ``el`` is in the article, 0 when outside it, -1 when dropped from it (or left out as unlikely).

        Memoised along the way up: the blocks of a page share their ancestors.
        """
        states = self._states
        roots = set(self.roots) if not states else None
        if roots is not None:
            states.update(dict.fromkeys(self.roots, 1))
            states.update(dict.fromkeys(self.dropped, -1))
        path = []
        state = 0
        while el is not None:
            found = states.get(el)
            if found is not None:
                state = found
                break
            path.append(el)
            el = el.getparent()
        for p in path:
            states[p] = state
        return state

    def figures(self, el: Any) -> Stats:
        """An element's figures once what the sanitiser dropped inside it is taken out."""
        return self.effective.get(el) or self.stats[el]

    def chars(self) -> int:
        """The article's text length."""
        return sum(self.figures(root).chars for root in self.roots if root not in self.dropped)

    def container_score(self, el: Any, levels: int = 3) -> float:
        """The best score of ``el`` and its nearest ancestors, as a share of the best container's (-1 to 1)."""
        best = None
        for _ in range(levels):
            if el is None:
                break
            s = self.scores.get(el)
            if s is not None and (best is None or s > best):
                best = s
            el = el.getparent()
        if best is None or self.best_score <= 0:
            return 0.0
        return max(-1.0, min(1.0, best / self.best_score))

def _drop(article: Article, el: Any, roots: set[Any]) -> None:
    """Drop ``el``: its figures leave those of its ancestors up to the article's root."""
    article.dropped.add(el)
    gone = article.figures(el)
    effective = article.effective
    a = el
    while a not in roots:
        a = a.getparent()
        if a is None:
            break
        effective[a] = article.figures(a).minus(gone)


def sanitize(article: Article) -> None:
    """Drop the article's parts that look like widgets (readability's ``sanitize``)."""
    roots = set(article.roots)
    stats = article.stats
    scores = article.scores

    def inside(tags: tuple[str, ...]) -> list[Any]:
        found = []
        for root in article.roots:
            found.extend(el for el in root.iter(*tags) if el in stats and not _dropped_above(article, el, roots))
        return found

    for el in inside(_HEADINGS):
        if class_weight(el) < 0 or stats[el].link_density > 0.33:
            _drop(article, el, roots)
    for el in inside(("p", "div")):
        if el.tag == "div" and stats[el].blockish:
            continue
        if article.figures(el).link_density > 0.2 and CALL_TO_ACTION.search(el.text_content()):
            _drop(article, el, roots)
    for el in inside(("form", "textarea")):
        _drop(article, el, roots)
    allowed: set[Any] = set()
    for tag in _CLEANED:
        for el in reversed(inside((tag,))):
            if el in allowed or (tag == "div" and not stats[el].blockish):  # a div without blocks is a p
                continue
            if _dropped_above(article, el, roots):
                continue
            reason = _widget(article, el, scores, roots, allowed)
            if reason:
                _drop(article, el, roots)


def _dropped_above(article: Article, el: Any, roots: set[Any]) -> bool:
    """True when ``el`` or an ancestor up to the article's root was dropped."""
    dropped = article.dropped
    while el is not None:
        if el in dropped:
            return True
        if el in roots:
            return False
        el = el.getparent()
    return False


def _widget(article: Article, el: Any, scores: dict[Any, float], roots: set[Any], allowed: set[Any]) -> str:
    """Why readability's conditional cleaning drops ``el`` ("" to keep it)."""
    weight = class_weight(el)
    if weight + scores.get(el, 0.0) < 0:
        return "negative score"
    figures = article.figures(el)
    if figures.commas >= 10:
        return ""
    p, img, li, embed, inputs = figures.p, figures.img, figures.li - 100, figures.embed, figures.input
    length = figures.chars
    ld = figures.link_density
    if p and img > 1 + p * 1.3:
        return "too many images"
    if li > p and el.tag not in ("ol", "ul"):
        return "more list items than paragraphs"
    if inputs > p / 3:
        return "too many inputs"
    if length < MIN_LEN and img == 0:
        return "too short"
    if length < MIN_LEN and img > 2:
        return "too short, too many images"
    if weight < 25:
        limit = 0.2
        if el.tag in ("ul", "section") and ld > 0.2 and any(a.tag in ("main", "article") for a in el.iterancestors()):
            limit = 0.25
        if ld > limit:
            return "too many links"
    elif ld > 0.5:
        return "too many links"
    if (embed == 1 and length < 75) or embed > 1:
        return "embeds"
    if not length:
        near = [_first_text(article, el.itersiblings()), _first_text(article, el.itersiblings(preceding=True))]
        if sum(near) > 1000:
            for tag in ("table", "ul", "div", "section"):
                allowed.update(el.iter(tag))
            return ""
        return "no content"
    return ""


def _first_text(article: Article, siblings: Any) -> int:
    """The text length of the first sibling with text."""
    for sib in siblings:
        if sib in article.stats and sib not in article.dropped:
            n = article.figures(sib).chars
            if n:
                return n
    return 0
