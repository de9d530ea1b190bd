"""Main content: which visible blocks of a page are the article (the engine step ``html.main_content``).

Two parts, with a seam between them:

* :func:`extract_texts` asks the extractors for the page's main content
  (today trafilatura, with the settings of the ``[html]`` table: ``fast``,
  recall-leaning, tables in, comments out; see :class:`cleaner.settings.HtmlSettings`);
* :func:`decide` receives the page's blocks (each with its word tokens) and
  those outputs, and returns a :class:`Verdict` per block: kept, or removed
  with the reason the audit log gives. A decision that combines several
  views of the page (learned, say) replaces this function and keeps its
  signature.

The step is switched by ``[html] main_content`` (``--disable
html.main_content`` on the command line); when it is off, every visible
block goes on to the html and text rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from lxml.html import HtmlElement

from cleaner.html.alignment import align, tokens
from cleaner.html.blocks import PageBlock
from cleaner.settings import HtmlSettings

STEP = "html.main_content"
DESCRIPTION = (
    "Remove the page's visible blocks that trafilatura's main-content extraction leaves out (menus, footers, asides)."
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The main-content decision on one block: kept, or removed because of ``reason``."""

    keep: bool
    reason: str = ""


KEPT = Verdict(True)


def _trafilatura(tree: HtmlElement, url: str | None, settings: HtmlSettings, *, fast: bool) -> str:
    """Trafilatura's main-content text (it works on a copy of the tree: ours stays intact)."""
    from trafilatura import bare_extraction

    result = bare_extraction(
        tree,
        url=url,
        favor_precision=settings.favor_precision,
        favor_recall=settings.favor_recall,
        include_tables=settings.include_tables,
        include_comments=settings.include_comments,
        fast=fast,
    )
    return (result.text or "") if result is not None else ""


def extract_texts(
    tree: HtmlElement, url: str | None, settings: HtmlSettings, visible_chars: int
) -> dict[str, str]:
    """The main content as each extractor sees it, by extractor name (``{"trafilatura": text}``).

    With ``fast = true`` trafilatura runs its own extractor only; when that
    finds less than ``rescue_below_chars`` characters on a page with more
    visible text than that, it runs again with its fallback extractors.
    """
    fast = settings.fast
    text = _trafilatura(tree, url, settings, fast=fast)
    floor = settings.rescue_below_chars
    if fast and len(text) < floor < visible_chars:
        text = _trafilatura(tree, url, settings, fast=False) or text
    return {"trafilatura": text}


def decide(blocks: Sequence[PageBlock], texts: Mapping[str, str], settings: HtmlSettings) -> list[Verdict]:
    """One verdict per block: kept when at least ``min_kept_share`` of its words are in trafilatura's output.

    The output is aligned with the page's words in order (see
    :func:`~cleaner.html.alignment.align`); a block with no word (a dash, a
    bullet) goes with its neighbours: kept only between kept blocks.
    """
    out_text = texts["trafilatura"]
    min_share = settings.min_kept_share
    page: list[str] = []
    firsts: list[int] = []
    for block in blocks:
        firsts.append(len(page))
        page.extend(block.tokens)
    firsts.append(len(page))
    matched = align(page, tokens(out_text))
    kept = [b > a and matched.count(1, a, b) >= min_share * (b - a) for a, b in pairwise(firsts)]
    _keep_wordless_inside(kept, [len(block.tokens) for block in blocks])
    removed = Verdict(False, "outside trafilatura's main content" if out_text else "trafilatura found no main content")
    return [KEPT if k else removed for k in kept]


def _keep_wordless_inside(kept: list[bool], words: list[int]) -> None:
    """A block with no word goes with its neighbours: kept only between kept blocks."""
    last_kept = False
    pending: list[int] = []
    for n in range(len(kept)):
        if not words[n]:
            pending.append(n)
            continue
        if kept[n] and last_kept:
            for p in pending:
                kept[p] = True
        pending.clear()
        last_kept = kept[n]
