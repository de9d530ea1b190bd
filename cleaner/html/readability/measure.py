"""Readability's measurements of a page: one walk giving each visible element's figures and the paragraphs.

This is the one part of readability that reads the whole page (every
element, once), so it is written for speed: one ``iterwalk`` over the tree,
a small slotted record per element, the figures of an element added into
its parent's when it ends. The word lists and weights that both the article
search (:mod:`.find`) and the sanitiser (:mod:`.article`) read live here too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lxml import etree

from cleaner.html.blocks import INVISIBLE_TAGS
from cleaner.html.index import PageIndex


class Words:
    """A list of words readability looks for in class and id values, case-insensitively.

    These values are searched on every element of every page, so an ASCII
    value (nearly all of them) is lower-cased and searched with a
    case-sensitive pattern, several times faster than ``re.I`` and with the
    same answers (for ASCII text ``re.I`` matches a letter in either case,
    nothing else); other text goes through the ``re.I`` pattern, which also
    matches e.g. the Kelvin sign for a "k".
    """

    def __init__(self, pattern: str) -> None:
        assert pattern == pattern.lower(), "the patterns are written in lower case"
        self.pattern = pattern
        self._lower = re.compile(pattern)
        self._any_case = re.compile(pattern, re.I)

    def search(self, text: str) -> bool:
        """True when one of the words is in ``text``."""
        if text.isascii():
            return self._lower.search(text.lower()) is not None
        return self._any_case.search(text) is not None


UNLIKELY = Words(
    r"combx|comment|community|disqus|extra|foot|header|menu|remark|rss|shoutbox|sidebar|sponsor|ad-break|agegate"
    r"|pagination|pager|popup|tweet|twitter"
)
MAYBE_CANDIDATE = Words(r"and|article|body|column|content|main|shadow")
POSITIVE = Words(r"article|body|content|entry|hentry|main|page|pagination|post|text|blog|story")
NEGATIVE = Words(
    r"combx|comment|com-|contact|foot|footer|footnote|masthead|media|meta|outbrain|promo|related|scroll|shoutbox"
    r"|sidebar|sponsor|shopping|tags|tool|widget"
)

MIN_LEN = 25  # the characters a paragraph needs to score its containers
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

Paragraph = tuple[Any, Any, int, int]  # (element, parent or None for the element's own, chars, commas)


class Stats:
    """What readability reads of an element and its content: text, link text, commas, some tags counted."""

    __slots__ = ("blockish", "chars", "commas", "embed", "img", "input", "li", "links", "p", "para", "paras")

    def __init__(self) -> None:
        self.chars = self.links = self.commas = 0
        self.p = self.img = self.li = self.embed = self.input = 0
        self.blockish = False  # a block element (readability's list) somewhere inside
        self.para: list[int] | None = None  # a div's open loose-text paragraph: [chars, commas]
        self.paras: list[tuple[int, int]] | None = None  # a div's loose-text paragraphs

    def add(self, other: Stats) -> None:
        """Add another element's figures (written out: this runs for every element of a page)."""
        self.chars += other.chars
        self.links += other.links
        self.commas += other.commas
        self.p += other.p
        self.img += other.img
        self.li += other.li
        self.embed += other.embed
        self.input += other.input

    def minus(self, other: Stats) -> Stats:
        """These figures without another element's."""
        out = Stats()
        for name in _FIGURES:
            setattr(out, name, getattr(self, name) - getattr(other, name))
        out.blockish = self.blockish
        return out

    @property
    def link_density(self) -> float:
        return self.links / max(self.chars, 1)


_FIGURES = ("chars", "links", "commas", "p", "img", "li", "embed", "input")
_MEMO_SIZE = 65536  # class/id values remembered (the same values recur on the pages of a site)


@lru_cache(maxsize=_MEMO_SIZE)
def _is_unlikely(names: str) -> bool:
    """True when a class and id (``"class id"``) look like a comment box, a sidebar, a footer..."""
    return UNLIKELY.search(names) and not MAYBE_CANDIDATE.search(names)


# The commas readability.js counts: the comma and its Arabic, small, vertical, reversed and fullwidth forms (a
# paragraph of Chinese or Arabic has commas too; readability-lxml counts only ",").
_OTHER_COMMAS = ("\u060c", "\ufe50", "\ufe10", "\ufe11", "\u2e41", "\u2e34", "\u2e32", "\uff0c")


def _commas(text: str) -> int:
    """The commas of a text piece (:data:`_OTHER_COMMAS` too)."""
    n = text.count(",")
    return n if text.isascii() else n + sum(map(text.count, _OTHER_COMMAS))


def _chars(text: str) -> int:
    """The length of a text piece once its white space is collapsed (as readability's ``clean``)."""
    n = len(" ".join(text.split()))
    if not n:
        return 1 if text else 0
    return n + (text[0].isspace()) + (text[-1].isspace())


def class_weight(el: Any) -> int:
    """Readability's class weight: +25 for a positive, -25 for a negative class (and the same for the id)."""
    return _value_weight(el.get("class")) + _value_weight(el.get("id"))


@lru_cache(maxsize=_MEMO_SIZE)
def _value_weight(value: str | None) -> int:
    if not value:
        return 0
    return 25 * (POSITIVE.search(value) - NEGATIVE.search(value))


def node_score(el: Any) -> float:
    """A container's starting score: its class weight and its tag's."""
    return float(class_weight(el) + _TAG_SCORES.get(el.tag, 0))


def _protected(index: PageIndex) -> set[Any]:
    """Elements never dropped as unlikely: those holding an article, a main or math."""
    out: set[Any] = set()
    for el in index.elements("article", "main", "math"):
        while el is not None and el not in out:
            out.add(el)
            el = el.getparent()
    return out


def measure(
    tree: Any, ruthless: bool, index: PageIndex | None = None
) -> tuple[dict[Any, Stats], list[Paragraph], set[Any]]:
    """One walk: each visible element's figures, the paragraphs, and the elements left out as unlikely
    candidates (``ruthless`` only: the first try). ``index``: the page's, if there is one already."""
    index = index or PageIndex(tree)
    stats: dict[Any, Stats] = {}
    paragraphs: list[Paragraph] = []
    unlikely: set[Any] = set()
    protected = _protected(index) if ruthless else set()
    hidden = index.hidden
    names = index.names.get
    stack: list[tuple[Any, Stats]] = []
    in_code = 0  # open pre/code elements (nothing in them is unlikely)
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if tag.__class__ is not str or tag in INVISIBLE_TAGS or el in hidden:  # str: not a comment or PI
                if tag == "embed" and stack:
                    stack[-1][1].embed += 1
                walker.skip_subtree()
                continue
            if ruthless and in_code == 0 and tag not in ("html", "body") and el not in protected:
                name = names(el)
                if name is not None and _is_unlikely(name):
                    unlikely.add(el)
                    walker.skip_subtree()
                    continue
            if tag in ("pre", "code"):
                in_code += 1
            stack.append((el, _open(el, tag)))
            continue
        # "end"
        if not stack or stack[-1][0] is not el:  # an element left out: its tail stays, in its parent's flow
            if stack and (tail := el.tail):
                _add_tail(tail, stack[-1][1], loose=True)
            continue
        _, node = stack.pop()
        if tag in ("pre", "code"):
            in_code -= 1
        _end_element(el, tag, node, paragraphs)
        stats[el] = node
        if stack:
            _into_parent(el, tag, node, stack[-1][1])
    return stats, paragraphs, unlikely


def _open(el: Any, tag: str) -> Stats:
    """A visible element's record as it starts: its own text (a div opens its first loose-text paragraph)."""
    node = Stats()
    if tag == "div":
        node.paras = []
    if text := el.text:
        node.chars = _chars(text)
        node.commas = _commas(text)
        if node.paras is not None and node.chars:
            node.para = [node.chars, node.commas]
    return node


def _end_element(el: Any, tag: str, node: Stats, paragraphs: list[Paragraph]) -> None:
    """An element ends: the paragraphs it makes, and the tags it counts for itself."""
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


def _into_parent(el: Any, tag: str, node: Stats, parent: Stats) -> None:
    """An ended element's figures go into its parent's, and into the parent div's loose-text flow, with its tail."""
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
        _add_tail(tail, parent, loose=tag in _INLINE and not blockish)


def _add_tail(text: str, parent: Stats, loose: bool) -> None:
    """An element's tail is its parent's text: in a div, it joins the open paragraph (``loose``) or starts one."""
    n = _chars(text)
    c = _commas(text)
    parent.chars += n
    parent.commas += c
    if parent.paras is not None and n:
        if loose and parent.para is not None:
            parent.para[0] += n
            parent.para[1] += c
        else:
            _close(parent)
            parent.paras.append((n, c))


def _close(node: Stats) -> None:
    """End a div's open loose-text paragraph."""
    if node.para is not None:
        assert node.paras is not None
        node.paras.append((node.para[0], node.para[1]))
        node.para = None
