"""HTML input: one page, in steps, to its visible text and a verdict on every visible block.

1. **Decode** (:func:`cleaner.decoding.decode_page`, shared with text files):
   a byte-order mark, a ``<meta charset>``, UTF-8, then a detector; binary
   data is refused with :class:`HtmlError`.
2. **Parse once** (:mod:`cleaner.html.parsing`) with trafilatura's own loader,
   so that the tree we walk is the tree trafilatura extracts from.
3. **Html rules** (``kind="html"``, e.g. ``heuristics/dom.py``) flag
   elements that are boilerplate whatever the main content holds (captions,
   share and newsletter widgets, related lists, asides), given the page's
   index in their context (:mod:`cleaner.html.flags`).
4. **Visible blocks** (:mod:`cleaner.html.blocks`): the text a reader sees,
   block by block; a flagged element always starts and ends a block.
5. **Main content** (:mod:`cleaner.html.main_content`, the engine step
   ``html.main_content``): readability's article found on the tree
   (:mod:`cleaner.html.readability`), trafilatura's output aligned back onto
   the blocks (:mod:`cleaner.html.alignment`) and each block's text and
   place (:mod:`cleaner.html.features`) go through a small learned model
   that decides which blocks are the article. Trafilatura is asked only when
   a first model, on readability's view alone, is unsure of the page.
6. **Decisions**: a block outside the main content is removed by
   ``html.main_content``; a kept block inside a flagged element is removed by
   the rule that flagged it, unless the element holds too much of the main
   content to be a widget (then the flag is noted).
7. **Metadata** (:mod:`cleaner.html.metadata`): title, author, date, url, site.

The page text (the "normalised input" of the audit log) is every visible
block, normalised, one block per paragraph; so the audit log accounts for
every visible block that is not in the output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml.html import HtmlElement

from cleaner.errors import HtmlError
from cleaner.html import main_content
from cleaner.html.alignment import align, tokens
from cleaner.html.blocks import PageBlock, visible_blocks
from cleaner.html.features import PageFeatures, PageViews
from cleaner.html.flags import flag_decisions, run_html_rules
from cleaner.html.index import PageIndex
from cleaner.html.metadata import METADATA_FIELDS, page_metadata
from cleaner.html.parsing import decode, page_text, parse
from cleaner.rules import Decision

if TYPE_CHECKING:
    from cleaner.pipeline import Cleaner

__all__ = [
    "METADATA_FIELDS", "HtmlError", "Page", "PageBlock", "align", "decode", "extract", "parse", "tokens",
    "visible_text",
]


@dataclass
class Page:
    """What :meth:`Cleaner.clean_html` needs: visible text, block decisions, metadata."""

    text: str
    decisions: list[tuple[str, Decision]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    blocks: list[PageBlock] = field(default_factory=list)
    notes: list[tuple[str, Decision]] = field(default_factory=list)
    main_content: bool = False  # True when the main-content step chose the body


def _page_tree(html: str | bytes, cleaner: Cleaner) -> HtmlElement | None:
    """Decode and parse a page (None when it holds nothing but spaces)."""
    text, clean, utf8 = page_text(html, cleaner.config.limits.max_document_bytes)
    if not text or text.isspace():
        return None
    return parse(text, clean=clean, utf8=utf8)


def _blocks(tree: HtmlElement, index: PageIndex, cleaner: Cleaner) -> tuple[str, list[PageBlock]]:
    """The page text and its visible blocks, each inside the element an html rule flagged, if any."""
    return visible_blocks(tree, run_html_rules(tree, cleaner, index), index)


def visible_text(html: str | bytes, *, cleaner: Cleaner) -> str:
    """The page text :func:`extract` gives (``Page.text``), without looking for the main content.

    What the corpus pass counts: the lines of every visible block (the text
    rules see some of them), at a fraction of the cost of :func:`extract`.
    """
    tree = _page_tree(html, cleaner)
    return "" if tree is None else _blocks(tree, PageIndex(tree), cleaner)[0]


def _views(
    tree: HtmlElement, index: PageIndex, url: str | None, text: str, blocks: list[PageBlock], cleaner: Cleaner
) -> PageViews:
    settings = cleaner.config.html
    texts = main_content.extract_texts(tree, url, settings, len(text))
    return main_content.page_views(tree, blocks, texts, settings, cleaner.config.languages, index)


def _main_content(tree: HtmlElement, index: PageIndex, url: str | None, text: str, blocks: list[PageBlock],
                  cleaner: Cleaner) -> list[main_content.Verdict]:
    """The main-content verdict on every block: by the cascade's first model when it is sure of the page
    (readability's view alone), else by the model with trafilatura's view too."""
    settings = cleaner.config.html
    first = main_content.load_first(settings.model) if settings.cascade and settings.decision == "model" else None
    if first is None:
        return main_content.decide(blocks, _views(tree, index, url, text, blocks, cleaner), settings)
    views_ = main_content.readability_view(tree, blocks, cleaner.config.languages, index)
    page = PageFeatures(blocks, views_)
    verdicts = main_content.first_verdicts(page, first)
    if verdicts is None:
        texts = main_content.extract_texts(tree, url, settings, len(text))
        verdicts = main_content.decide(blocks, main_content.with_trafilatura(views_, blocks, texts), settings, page)
    return verdicts


def views(html: str | bytes, *, url: str | None = None, cleaner: Cleaner) -> tuple[list[PageBlock], PageViews | None]:
    """A page's visible blocks and what the views say about them, as the main-content decision sees them
    (for training its model and for the benchmark); None for the views of a page without blocks."""
    tree = _page_tree(html, cleaner)
    if tree is None:
        return [], None
    index = PageIndex(tree)
    text, blocks = _blocks(tree, index, cleaner)
    for block in blocks:
        block.tokens = tokens(block.text)
    return blocks, _views(tree, index, url, text, blocks, cleaner) if blocks else None


def extract(html: str | bytes, *, url: str | None = None, cleaner: Cleaner) -> Page:
    """Decode, parse and split one page into blocks, with the decisions on each block.

    Raises :class:`HtmlError` for input that is not a usable page.
    """
    settings = cleaner.config.html
    tree = _page_tree(html, cleaner)
    if tree is None:
        return Page("")
    index = PageIndex(tree)  # shared by the html rules, the visible blocks and readability
    page_text_, blocks = _blocks(tree, index, cleaner)
    page = Page(page_text_, blocks=blocks)
    if not blocks:
        return page
    page.main_content = settings.main_content
    # The metadata helpers read the tree while the walks above have it in the CPU caches;
    # trafilatura, which works on a copy, would push it out of them.
    if cleaner.config.output.metadata:
        page.metadata = page_metadata(tree, url, author_search=settings.author_search)
    for block in blocks:
        block.tokens = tokens(block.text)
    if page.main_content:
        verdicts = _main_content(tree, index, url, page_text_, blocks, cleaner)
    else:
        verdicts = [main_content.KEPT] * len(blocks)
    for block, verdict in zip(blocks, verdicts, strict=True):
        if not verdict.keep:
            page.decisions.append((main_content.STEP, Decision(block.start, block.end, verdict.reason)))
        elif verdict.reason:  # kept against the model's score: logged as a keep
            page.notes.append((main_content.STEP, Decision(block.start, block.end, verdict.reason, action="keep")))
    flagged = flag_decisions(blocks, [v.keep for v in verdicts], cleaner)
    page.decisions.extend(flagged.removals)
    page.notes.extend(flagged.notes)
    return page
