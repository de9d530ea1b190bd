"""A readability view of the page: the article readability-lxml would pick, found on our own tree.

Readability (Arc90's algorithm, as readability-lxml implements it) is one of
the two views of a page that the main-content decision weighs (the other is
trafilatura's output). It is reimplemented here on the tree the engine has
already parsed, without changing it: no copy, no serialisation, one walk
over the page plus work in proportion to the article.

1. *Unlikely candidates* (first try only): an element whose class or id
   says comment, sidebar, footer, menu... (and not article, body, content,
   main...) is left out with its content, unless it holds an ``<article>``,
   ``<main>`` or math, or sits in code.
2. *Paragraphs* (``p``, ``pre``, ``td``, ``blockquote``; a ``div`` that
   holds no block element counts as a ``p``; the loose text of the other
   divs as ``p``\\ s of their own) of 25 characters or more give their parent
   1 + (commas + 1) + one point per 100 characters (at most 3), and their
   grandparent half of that.
3. Each container so scored starts from its class and id (+25 for words such
   as article or content, -25 for comment, sidebar, related...) and its tag
   (+5 for ``div``, -5 for headings, ``nav``...), and its score is scaled by
   ``1 - link density``.
4. The best container (a container marked ``itemprop="articleBody"`` first,
   a long nested ``<article>`` before its parent, the ``<main>`` around it
   when that holds twice its text) and those of its siblings that score at
   least a fifth of it, or are paragraphs that read like text, are the
   article; a heading just before it with text comes along.
5. *Sanitising* the article: headings with a negative class or many links,
   forms, call-to-action paragraphs full of links, and tables, lists, divs
   and sections that look like widgets (a negative score, more links than
   their class allows, more images or inputs than paragraphs, no text) are
   dropped.
6. When that leaves almost nothing, it all runs again without step 1.

What is left out on purpose (rare on the development pages): the merging of
an article split into segments, the semantic ``<article>`` search when the
best container sits in a form or aside, editorial leads moved in front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from cleaner.html.blocks import HIDDEN_STYLE, INVISIBLE_TAGS

UNLIKELY = re.compile(
    r"combx|comment|community|disqus|extra|foot|header|menu|remark|rss|shoutbox|sidebar|sponsor|ad-break|agegate"
    r"|pagination|pager|popup|tweet|twitter",
    re.I,
)
MAYBE_CANDIDATE = re.compile(r"and|article|body|column|content|main|shadow", re.I)
POSITIVE = re.compile(r"article|body|content|entry|hentry|main|page|pagination|post|text|blog|story", re.I)
NEGATIVE = re.compile(
    r"combx|comment|com-|contact|foot|footer|footnote|masthead|media|meta|outbrain|promo|related|scroll|shoutbox"
    r"|sidebar|sponsor|shopping|tags|tool|widget",
    re.I,
)
CALL_TO_ACTION = re.compile(r"^\s*(?:sign up|subscribe|download|get the latest)\b", re.I)
SENTENCE_END = re.compile(r"\.( |$)")

MIN_LEN = 25  # the characters a paragraph needs to score its containers
RETRY_CHARS = 120  # an article with less text than this makes the lenient second try
PARAGRAPH_TAGS = frozenset(["p", "pre", "td", "blockquote"])
# A div holding one of these (readability's divToPElementsRe, a prefix match: "p" is any tag starting with p).
_BLOCKISH = frozenset(["blockquote", "dl", "div", "img", "ol", "pre", "table", "ul"])
# Children that join a div's loose text in one paragraph.
_INLINE = frozenset(["a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub", "sup", "u"])
_TAG_SCORES = {
    "div": 5, "article": 5, "pre": 3, "td": 3, "blockquote": 3,
    **dict.fromkeys(["address", "ol", "ul", "dl", "dd", "dt", "li", "form", "aside"], -3),
    **dict.fromkeys(["h1", "h2", "h3", "h4", "h5", "h6", "th", "header", "footer", "nav"], -5),
}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CLEANED = ("table", "ul", "div", "aside", "header", "footer", "section")  # conditionally cleaned, in this order
_COUNTED = ("p", "img", "li", "a", "embed", "input")  # the sanitiser counts these in an element


class _Stats:
    """What readability reads of an element and its content: text, link text, commas, some tags counted."""

    __slots__ = ("blockish", "chars", "commas", "embed", "img", "input", "li", "links", "p", "para", "paras")

    def __init__(self) -> None:
        self.chars = self.links = self.commas = 0
        self.p = self.img = self.li = self.embed = self.input = 0
        self.blockish = False  # a block element (readability's list) somewhere inside
        self.para: list[int] | None = None  # a div's open loose-text paragraph: [chars, commas]
        self.paras: list[tuple[int, int]] | None = None  # a div's loose-text paragraphs

    def add(self, other: _Stats) -> None:
        """Add another element's figures (written out: this runs for every element of a page)."""
        self.chars += other.chars
        self.links += other.links
        self.commas += other.commas
        self.p += other.p
        self.img += other.img
        self.li += other.li
        self.embed += other.embed
        self.input += other.input

    def minus(self, other: _Stats) -> _Stats:
        """These figures without another element's."""
        out = _Stats()
        for name in _FIGURES:
            setattr(out, name, getattr(self, name) - getattr(other, name))
        out.blockish = self.blockish
        return out

    @property
    def link_density(self) -> float:
        return self.links / max(self.chars, 1)


_FIGURES = ("chars", "links", "commas", "p", "img", "li", "embed", "input")
_MEMO_SIZE = 65536  # class/id values remembered (then all forgotten at once)
_unlikely_memo: dict[str, bool] = {}
_weight_memo: dict[str, int] = {}


def _is_unlikely(names: str) -> bool:
    """True when a class and id (``"class id"``) look like a comment box, a sidebar, a footer..."""
    found = _unlikely_memo.get(names)
    if found is None:
        if len(_unlikely_memo) >= _MEMO_SIZE:
            _unlikely_memo.clear()
        found = _unlikely_memo[names] = bool(UNLIKELY.search(names)) and not MAYBE_CANDIDATE.search(names)
    return found


def _chars(text: str) -> int:
    """The length of a text piece once its white space is collapsed (as readability's ``clean``)."""
    n = len(" ".join(text.split()))
    if not n:
        return 1 if text else 0
    return n + (text[0].isspace()) + (text[-1].isspace())


def class_weight(el: Any) -> int:
    """Readability's class weight: +25 for a positive, -25 for a negative class (and the same for the id)."""
    return _value_weight(el.get("class")) + _value_weight(el.get("id"))


def _value_weight(value: str | None) -> int:
    if not value:
        return 0
    found = _weight_memo.get(value)
    if found is None:
        if len(_weight_memo) >= _MEMO_SIZE:
            _weight_memo.clear()
        found = _weight_memo[value] = 25 * (bool(POSITIVE.search(value)) - bool(NEGATIVE.search(value)))
    return found


def _node_score(el: Any) -> float:
    return float(class_weight(el) + _TAG_SCORES.get(el.tag, 0))


def _protected(tree: Any) -> set[Any]:
    """Elements never dropped as unlikely: those holding an article, a main or math."""
    out: set[Any] = set()
    for el in tree.iter("article", "main", "math"):
        while el is not None and el not in out:
            out.add(el)
            el = el.getparent()
    return out


def _measure(tree: Any, ruthless: bool) -> tuple[dict[Any, _Stats], list[tuple[Any, Any, int, int]], set[Any]]:
    """One walk: each visible element's figures, the paragraphs ``(element, parent, chars, commas)``, and the
    elements left out as unlikely candidates."""
    stats: dict[Any, _Stats] = {}
    paragraphs: list[tuple[Any, Any, int, int]] = []
    unlikely: set[Any] = set()
    protected = _protected(tree) if ruthless else set()
    stack: list[tuple[Any, _Stats]] = []
    in_code = 0  # open pre/code elements (nothing in them is unlikely)

    def add_tail(text: str, parent: _Stats, loose: bool) -> None:
        n = _chars(text)
        c = text.count(",")
        parent.chars += n
        parent.commas += c
        if parent.paras is not None and n:
            if loose and parent.para is not None:
                parent.para[0] += n
                parent.para[1] += c
            else:
                _close(parent)
                parent.paras.append((n, c))

    hides = HIDDEN_STYLE.search
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if (
                tag.__class__ is not str
                or tag in INVISIBLE_TAGS
                or el.get("hidden") is not None
                or ((style := el.get("style")) and hides(style))
            ):
                if tag == "embed" and stack:
                    stack[-1][1].embed += 1
                walker.skip_subtree()
                continue
            if ruthless and in_code == 0 and tag not in ("html", "body") and el not in protected:
                cls, ident = el.get("class"), el.get("id")
                if (cls or ident) and _is_unlikely(f"{cls or ''} {ident or ''}"):
                    unlikely.add(el)
                    walker.skip_subtree()
                    continue
            node = _Stats()
            if tag in ("pre", "code"):
                in_code += 1
            if tag == "div":
                node.paras = []
            if text := el.text:
                node.chars = _chars(text)
                node.commas = text.count(",")
                if node.paras is not None and node.chars:
                    node.para = [node.chars, node.commas]
            stack.append((el, node))
            continue
        # "end"
        if not stack or stack[-1][0] is not el:  # an element left out: its tail stays, in its parent's flow
            if stack and (tail := el.tail):
                add_tail(tail, stack[-1][1], loose=True)
            continue
        _, node = stack.pop()
        if tag in ("pre", "code"):
            in_code -= 1
        if tag == "div" and not node.blockish:
            node.p += 1  # a div holding no block element is a paragraph
            paragraphs.append((el, None, node.chars, node.commas))
        elif tag in PARAGRAPH_TAGS:
            if tag == "p":
                node.p += 1
            paragraphs.append((el, None, node.chars, node.commas))
        elif node.paras is not None:  # a div with blocks: its loose text makes paragraphs of their own
            _close(node)
            node.p += len(node.paras)
            paragraphs.extend((el, el, n, c) for n, c in node.paras)
        elif tag == "img":
            node.img += 1
        elif tag == "li":
            node.li += 1
        elif tag == "input" and (el.get("type") or "").lower() != "hidden":
            node.input += 1
        stats[el] = node
        if not stack:
            continue
        parent = stack[-1][1]
        parent.add(node)
        if tag == "a":
            parent.links += node.chars
        blockish = node.blockish or tag in _BLOCKISH or tag[:1] == "p"
        parent.blockish = parent.blockish or blockish
        if parent.paras is not None:
            if tag == "br":
                _close(parent)
            elif tag in _INLINE and not blockish:
                if parent.para is None:
                    parent.para = [0, 0]
                parent.para[0] += node.chars
                parent.para[1] += node.commas
            else:
                _close(parent)
        if tail := el.tail:
            add_tail(tail, parent, loose=tag in _INLINE and not blockish)
    return stats, paragraphs, unlikely


def _close(node: _Stats) -> None:
    """End a div's open loose-text paragraph."""
    if node.para is not None:
        assert node.paras is not None
        node.paras.append((node.para[0], node.para[1]))
        node.para = None


@dataclass
class Article:
    """Readability's verdict on a page: the article's root elements and what the sanitiser dropped in them."""

    roots: list[Any] = field(default_factory=list)
    dropped: set[Any] = field(default_factory=set)  # dropped elements (with their content), unlikely ones too
    best: Any = None
    best_score: float = 0.0
    scores: dict[Any, float] = field(default_factory=dict)  # every scored container
    stats: dict[Any, _Stats] = field(default_factory=dict)
    ruthless: bool = True  # False: found on the lenient second try
    effective: dict[Any, _Stats] = field(default_factory=dict)  # figures of the elements the sanitiser cut into
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

    def figures(self, el: Any) -> _Stats:
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


def find_article(tree: Any) -> Article:
    """Readability's article on the page (see the module doc); roots is empty when the page has no text."""
    article = _find(tree, ruthless=True)
    if article.best is None or article.chars() < RETRY_CHARS:
        article = _find(tree, ruthless=False)
    return article


def _find(tree: Any, ruthless: bool) -> Article:
    stats, paragraphs, unlikely = _measure(tree, ruthless)
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
            scores[parent] = _node_score(parent)
        scores[parent] += score
        if grand is not None:
            if grand not in scores:
                scores[grand] = _node_score(grand)
            scores[grand] += score / 2
    for el in scores:
        scores[el] *= 1 - stats[el].link_density
    article = Article(scores=scores, stats=stats, ruthless=ruthless, dropped=set(unlikely))
    best = _best(scores, stats)
    if best is None:
        if not ruthless:
            body = tree.find("body")
            article.roots = [body if body is not None else tree]
            _sanitize(article)
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
    _sanitize(article)
    return article


def _best(scores: dict[Any, float], stats: dict[Any, _Stats]) -> Any:
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


def _semantic_main(best: Any, score: float, stats: dict[Any, _Stats], scores: dict[Any, float]) -> tuple[Any, float]:
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
    scores[main] = _node_score(main)
    return main, scores[main]


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def _segments(best: Any, best_score: float, threshold: float, stats: dict[Any, _Stats],
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


def _heading_preamble(best: Any, threshold: float, stats: dict[Any, _Stats], scores: dict[Any, float]) -> None:
    """An ``h2`` (or a block holding one) just before the best container joins it."""
    previous = best.getprevious()
    if previous is None or previous in scores or previous not in stats:
        return
    if previous.tag != "h2" and previous.find(".//h2") is None:
        return
    figures = stats[previous]
    if figures.chars >= MIN_LEN and figures.link_density <= 0.2:
        scores[previous] = threshold


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


def _sanitize(article: Article) -> None:
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
