"""Html rules on a page: the elements they flag, and what becomes of the blocks inside them.

Each enabled ``html`` rule (see :class:`cleaner.rules.HtmlRule`) is called
with the parsed page and an :class:`~cleaner.rules.HtmlContext` holding the
page's :class:`~cleaner.html.index.PageIndex`; the first rule (in order) to
flag an element names it. Html rules judge only what the main content kept:
a kept block inside a flagged element is removed by the rule that flagged it,
unless the element holds more than the rule's ``max_words`` words of main
content, or half of it (then it cannot be a widget: the flag is noted and
the block kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml.html import HtmlElement

from cleaner.html.blocks import Flag, PageBlock
from cleaner.html.index import PageIndex
from cleaner.rules import Decision, HtmlContext

if TYPE_CHECKING:
    from cleaner.pipeline import Cleaner

DEFAULT_MAX_WORDS = 200  # the most main-content words a flagged element may hold, for a rule that sets none


def run_html_rules(tree: HtmlElement, cleaner: Cleaner, page: PageIndex | None = None) -> dict[Any, Flag]:
    """The elements the enabled html rules flag, each with the first rule (in order) that flagged it (``page``: the
    page's index, if there is one already)."""
    flags: dict[Any, Flag] = {}
    page = page or PageIndex(tree)
    phrases = cleaner.phrases_for()
    for rule in cleaner.html_rules:
        ctx = HtmlContext(rule, cleaner.params[rule.name], phrases, cleaner.config, page=page)
        for element, reason in rule.func(tree, ctx) or ():
            flags.setdefault(element, Flag(rule.name, reason, element))
    return flags


@dataclass
class BlockDecisions:
    """What the html rules decide on a page's blocks: ``(rule, decision)`` removals and notes."""

    removals: list[tuple[str, Decision]]
    notes: list[tuple[str, Decision]]


def flag_decisions(blocks: Sequence[PageBlock], kept: Sequence[bool], cleaner: Cleaner) -> BlockDecisions:
    """The removals and notes of the html rules on the kept blocks inside flagged elements (see the module doc)."""
    out = BlockDecisions([], [])
    words = _flagged_kept_words(blocks, kept)
    total_kept = sum(len(b.tokens) for b, k in zip(blocks, kept, strict=True) if k) or 1
    for block, keep in zip(blocks, kept, strict=True):
        if not keep or block.flag is None:
            continue
        flag, span = block.flag, (block.start, block.end)
        held = words[id(flag.element)]
        limit = float(cleaner.params[flag.rule].get("max_words", DEFAULT_MAX_WORDS))
        if held <= limit and held <= 0.5 * total_kept:
            out.removals.append((flag.rule, Decision(*span, flag.reason)))
        else:
            why = f"kept: {flag.reason}, but the element holds {held} words of main content"
            out.notes.append((flag.rule, Decision(*span, why, "keep")))
    return out


def _flagged_kept_words(blocks: Sequence[PageBlock], kept: Sequence[bool]) -> dict[int, int]:
    """Words of main content inside each flagged element (by element id)."""
    words: dict[int, int] = {}
    for block, keep in zip(blocks, kept, strict=True):
        if block.flag is not None:
            key = id(block.flag.element)
            words[key] = words.get(key, 0) + (len(block.tokens) if keep else 0)
    return words
