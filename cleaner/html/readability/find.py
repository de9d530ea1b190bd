"""Readability's article search: score the paragraphs' containers, pick the best, gather its siblings.

Steps 1 to 4 and 6 of the package's description (:mod:`cleaner.html.readability`);
the measurements come from :func:`.measure.measure`, the sanitising
(step 5) from :func:`.article.sanitize`.
"""

from __future__ import annotations

import re
from typing import Any

from cleaner.html.index import PageIndex
from cleaner.html.readability.article import Article, sanitize
from cleaner.html.readability.measure import MIN_LEN, POSITIVE, Stats, measure, node_score

SENTENCE_END = re.compile(r"\.( |$)")
RETRY_CHARS = 120  # an article with less text than this makes the lenient second try


def find_article(tree: Any, index: PageIndex | None = None) -> Article:
    """Readability's article on the page (see the module doc); roots is empty when the page has no text.
    ``index``: the page's, if there is one already."""
    index = index or PageIndex(tree)
    article = _find(tree, index, ruthless=True)
    if article.best is None or article.chars() < RETRY_CHARS:
        article = _find(tree, index, ruthless=False)
    return article


def _find(tree: Any, index: PageIndex, ruthless: bool) -> Article:
    stats, paragraphs, unlikely = measure(tree, ruthless, index)
    scores: dict[Any, float] = {}
    for el, parent, chars, commas in paragraphs:
        if chars < MIN_LEN:
            continue
        if parent is None:
            parent = el.getparent()
            if parent is None:
                continue
        grand = parent.getparent()
        score = 2 + commas + min(chars / 100, 3)
        if parent not in scores:
            scores[parent] = node_score(parent)
        scores[parent] += score
        if grand is not None:
            if grand not in scores:
                scores[grand] = node_score(grand)
            scores[grand] += score / 2
    for el in scores:
        scores[el] *= 1 - stats[el].link_density
    article = Article(scores=scores, stats=stats, ruthless=ruthless, dropped=set(unlikely))
    best = _best(scores, stats)
    if best is None:
        if not ruthless:
            body = tree.find("body")
            article.roots = [body if body is not None else tree]
            sanitize(article)
        return article
    best_score = scores[best]
    best, best_score = _semantic_main(best, best_score, stats, scores)
    article.best, article.best_score = best, best_score
    threshold = max(10.0, best_score * 0.2)
    _heading_preamble(best, threshold, stats, scores)
    article.roots.extend(_segments(best, best_score, threshold, stats, scores))
    parent = best.getparent()
    siblings = list(parent) if parent is not None else [best]
    for sib in siblings:
        if sib not in stats:  # invisible or left out
            continue
        append = sib is best or scores.get(sib, float("-inf")) >= threshold
        if not append and (sib.tag == "p" or (sib.tag == "div" and not stats[sib].blockish)):
            ld = stats[sib].link_density
            text = sib.text or ""
            long_text = len(text) > 80
            append = ld < 0.25 if long_text else ld == 0 and SENTENCE_END.search(text) is not None
        if append:
            article.roots.append(sib)
    sanitize(article)
    return article


def _best(scores: dict[Any, float], stats: dict[Any, Stats]) -> Any:
    """The best container: the highest score, unless an ``articleBody`` or a long nested ``<article>`` wins."""
    if not scores:
        return None
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    for el in ranked:
        if "articleBody" in (el.get("itemprop") or "").split() and stats[el].link_density <= 0.1:
            best = el
            break
    floor = scores[best] * 0.25
    for el in ranked:
        if el.tag == "article" and scores[el] >= floor and stats[el].chars >= 250 and _is_inside(el, best):
            return el
    return best


def _is_inside(el: Any, ancestor: Any) -> bool:
    return el is not ancestor and any(a is ancestor for a in el.iterancestors())


def _semantic_main(best: Any, score: float, stats: dict[Any, Stats], scores: dict[Any, float]) -> tuple[Any, float]:
    """The ``<main>`` around the best container when that holds at least twice its text, with few links."""
    if best.tag == "article":
        return best, score
    main = None
    for el in best.iterancestors():
        if el.tag == "article":
            return best, score
        if el.tag == "main" and main is None:
            main = el
    if main is None or main not in stats:
        return best, score
    figures = stats[main]
    if figures.chars < max(500, 2 * stats[best].chars) or figures.link_density > 0.15:
        return best, score
    scores[main] = node_score(main)
    return main, scores[main]


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def _segments(best: Any, best_score: float, threshold: float, stats: dict[Any, Stats],
              scores: dict[Any, float]) -> list[Any]:
    """The other segments of an article split in several containers (the posts of a blog page, say).

    Containers like the best one (same tag, a content class in common; or,
    in an ``<article>``, the same classes) that score well, have few links
    and sit elsewhere in the same frame (the ``<article>`` or ``<main>``
    around the best container, or an ancestor with a content class).
    """
    best_classes = _classes(best)
    content = {c for c in best_classes if POSITIVE.search(c)}
    ancestors = list(best.iterancestors())
    frame = next((a for a in ancestors if a.tag in ("article", "main")), None)
    neutral = bool(not content and best.tag != "article" and best_classes and frame is not None
                   and frame.tag == "article")
    if not content and best.tag != "article" and not neutral:
        return []
    floor = max(10.0, best_score * 0.05) if neutral else threshold
    best_parent = best.getparent()
    parent_classes = _classes(best_parent) if best_parent is not None else set()
    best_ancestors = set(ancestors)

    def matches(el: Any) -> bool:
        if el is best:
            return False
        classless_article = not content and el.tag == "article"
        if scores[el] < floor and not classless_article:
            return False
        if el.getparent() is best_parent or el.tag != best.tag:
            return False
        classes = _classes(el)
        if (content and not content & classes) or (neutral and classes != best_classes):
            return False
        parent = el.getparent()
        if classless_article and (parent is None or not parent_classes & _classes(parent)):
            return False
        if stats[el].link_density > 0.2 or el in best_ancestors:
            return False
        return not any(a is best for a in el.iterancestors())

    found = [el for el in scores if matches(el)]
    if not found:
        return []
    if frame is None:
        frame = next((a for a in ancestors if POSITIVE.search(f"{a.get('class', '')} {a.get('id', '')}")
                      and any(a in set(el.iterancestors()) for el in found)), None)
        if frame is None:
            return []
    found = [el for el in found if frame in set(el.iterancestors())]
    chosen = set(found)
    return [el for el in found if not any(a in chosen for a in el.iterancestors())]


def _heading_preamble(best: Any, threshold: float, stats: dict[Any, Stats], scores: dict[Any, float]) -> None:
    """An ``h2`` (or a block holding one) just before the best container joins it."""
    previous = best.getprevious()
    if previous is None or previous in scores or previous not in stats:
        return
    if previous.tag != "h2" and previous.find(".//h2") is None:
        return
    figures = stats[previous]
    if figures.chars >= MIN_LEN and figures.link_density <= 0.2:
        scores[previous] = threshold

