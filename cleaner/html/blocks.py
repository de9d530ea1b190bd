"""Visible blocks: the text a reader sees on a page, block by block, in document order.

One walk over the tree (:func:`visible_blocks`) skips what is not rendered
(scripts, styles, templates, hidden elements) and starts a new block at
every block-level element and at every element an html rule flagged, so
that every block has exactly one verdict. The blocks, normalised, one per
paragraph, are the page's text: the "normalised input" of the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from cleaner.html.index import PageIndex
from cleaner.normalize import normalize_lines

# Elements whose content a reader never sees as text.
INVISIBLE_TAGS = frozenset(
    [
        "head", "script", "style", "noscript", "template", "title", "meta", "link", "svg", "math", "iframe",
        "object", "embed", "canvas", "audio", "video", "select", "datalist"
    ]
)
# Elements that start a new block of text (a new line on screen).
BLOCK_TAGS = frozenset(
    [
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "button",
        "label", "option"
    ]
)


@dataclass(frozen=True, slots=True)
class Flag:
    """A DOM rule's verdict on an element."""

    rule: str
    reason: str
    element: Any


@dataclass(slots=True)
class PageBlock:
    """One visible block of text: ``page_text[start:end] == text``."""

    start: int
    end: int
    text: str
    flag: Flag | None
    element: Any = None  # the innermost block-level element around the text
    tokens: list[str] = field(default_factory=list)  # its word tokens (see alignment.tokens), for the decisions
    link_share: float = 0.0  # the share of its characters inside links (<a>)


RawBlock = tuple[str, "Flag | None", Any, float]


def _raw_blocks(tree: HtmlElement, flags: dict[Any, Flag], hidden: set[Any]) -> list[RawBlock]:
    """Walk the tree once; return each block's visible text, innermost flag, innermost block element and link share.

    Invisible elements are skipped with their content (not their tail): the
    ``INVISIBLE_TAGS``, and the ``hidden`` elements (not rendered: see
    :attr:`PageIndex.hidden <cleaner.html.index.PageIndex.hidden>`).
    """
    blocks: list[RawBlock] = []
    pieces: list[str] = []  # the text of the current block so far
    add = pieces.append
    link_chars = 0  # characters of the current block's pieces inside a link
    links: list[Any] = []  # the open <a> elements
    flag: Flag | None = None  # the innermost flag around the current text
    element: Any = tree  # the innermost block element around it
    outer: list[tuple[Flag | None, Any]] = []  # the flag and element around the current block element
    flag_of = flags.get

    def flush() -> None:  # called when there are pieces
        nonlocal link_chars
        raw = "".join(pieces)
        text = " ".join(raw.split())
        if text:
            blocks.append((text, flag, element, min(1.0, link_chars / len(raw)) if link_chars else 0.0))
        pieces.clear()
        link_chars = 0

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            if tag.__class__ is not str or tag in INVISIBLE_TAGS or el in hidden:  # str: not a comment or PI
                walker.skip_subtree()  # lxml still sends this element's "end" event
                continue
            own = flag_of(el)
            if own is not None or tag in BLOCK_TAGS:
                if pieces:
                    flush()
                outer.append((flag, element))
                if own is not None:
                    flag = own
                element = el
            if tag == "a":
                links.append(el)
            if text := el.text:
                add(text)
                if links:
                    link_chars += len(text)
            continue
        if el is element and outer:  # the end of a block element
            if pieces:
                flush()
            flag, element = outer.pop()
        if links and links[-1] is el:
            links.pop()
        if (tail := el.tail) and el is not tree:  # the tail follows the element, in its parent's flow
            add(tail)
            if links:
                link_chars += len(tail)
    if pieces:
        flush()
    return blocks


def visible_blocks(
    tree: HtmlElement, flags: dict[Any, Flag], index: PageIndex | None = None
) -> tuple[str, list[PageBlock]]:
    """The page text (normalised blocks, one per paragraph) and its blocks with offsets (``index``: the page's, if
    there is one already)."""
    raw = _raw_blocks(tree, flags, (index or PageIndex(tree)).hidden)
    parts = normalize_lines([text for text, *_ in raw])
    blocks: list[PageBlock] = []
    pos = 0
    kept_parts: list[str] = []
    for part, (_, flag, element, link_share) in zip(parts, raw, strict=True):
        if not part:
            continue
        if kept_parts:
            pos += 2
        blocks.append(PageBlock(pos, pos + len(part), part, flag, element, link_share=link_share))
        kept_parts.append(part)
        pos += len(part)
    return "\n\n".join(kept_parts), blocks

