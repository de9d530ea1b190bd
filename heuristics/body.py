"""Body detection in full-page text: keep the article body, drop the rest of the page.

Text taken from a page with a plain HTML-to-text converter still holds the
whole page, one block per line: menus, headline lists, comment threads,
cookie notices, footers. The detector works like jusText, but on text
without markup, in three steps:

1. **Blocks.** Each line gets figures (length, share of stop words in the
   document's language, sentence punctuation, title case, link-like
   separators, digits and symbols, repetition) and an initial class:
   ``good`` (long prose), ``neargood`` (shorter prose), ``short`` (too
   short or heading-like to judge alone) or ``bad`` (boilerplate).
2. **Context.** Short and near-good blocks take the class of their nearest
   sure neighbours: a subheading between body paragraphs is good, a teaser
   between menu lines is bad.
3. **Region.** The body is one dense run of good blocks. Good blocks far
   from it (teasers, comment threads, legal text in the footer) go, the
   headline and dek just before it stay.

All of this only runs on text that still looks like a whole page (many
boilerplate blocks); on already extracted article text the detector keeps
everything, since there a wrong guess costs article text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleaner.document import Document
from cleaner.rules import Decision, rule
from heuristics._body_features import Block, block_features, choose_stoplist

if TYPE_CHECKING:  # the pipeline imports the heuristics: import it for types only
    from cleaner.pipeline import RuleContext

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"


# -- step 1: blocks ------------------------------------------------------------


def classify(b: Block, p: dict[str, Any]) -> tuple[str, str]:
    """The initial class of a block and the figures behind it."""
    if b.link_like > p["max_link_like"]:
        return BAD, f"link-like {b.link_like:.2f} per word > {p['max_link_like']}"
    if b.symbol_share > p["max_symbol_share"]:
        return BAD, f"digits and symbols {b.symbol_share:.2f} > {p['max_symbol_share']}"
    if b.repeated and b.chars < p["length_high"]:
        return BAD, f"repeated block of {b.n_words} words"
    if b.chars < p["length_low"]:
        return SHORT, f"{b.chars} chars < {p['length_low']}"
    if b.sentences == 0:
        return SHORT, f"no sentence punctuation, {b.n_words} words"
    if not b.terminal and b.title_case >= p["min_title_case"]:
        return SHORT, f"headline-like: title case {b.title_case:.2f}, no final punctuation"
    if b.stop_share < 0:  # no stop-word list fits the language: prose is long and punctuated
        if b.chars >= p["length_high"]:
            return GOOD, f"{b.chars} chars, {b.sentences} sentences"
        return NEARGOOD, f"{b.chars} chars < {p['length_high']}"
    if b.stop_share < p["min_stopword_share"]:
        return BAD, f"stopword share {b.stop_share:.2f} < {p['min_stopword_share']}, {b.n_words} words"
    if b.stop_share >= p["good_stopword_share"] and b.chars >= p["length_high"]:
        return GOOD, f"stopword share {b.stop_share:.2f}, {b.chars} chars"
    return NEARGOOD, f"stopword share {b.stop_share:.2f}, {b.chars} chars"


# -- step 2: context -----------------------------------------------------------


def _neighbour(blocks: list[Block], i: int, step: int, skip: tuple[str, ...]) -> str:
    """The initial class of the nearest block before (step -1) or after (+1) ``i`` not in ``skip``."""
    j = i + step
    while 0 <= j < len(blocks):
        if blocks[j].cls not in skip:
            return blocks[j].cls
        j += step
    return BAD  # the edges of the page count as boilerplate


def promote_runs(blocks: list[Block], p: dict[str, Any]) -> None:
    """Make runs of near-good blocks good: a body of one-sentence paragraphs is prose all the same.

    A run is at least ``min_run_blocks`` consecutive near-good or good
    blocks holding at least ``length_high`` characters together.
    """
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and blocks[j].cls in (GOOD, NEARGOOD):
            j += 1
        run = blocks[i:j]
        chars = sum(b.chars for b in run)
        if len(run) >= p["min_run_blocks"] and chars >= p["length_high"]:
            for b in run:
                if b.cls == NEARGOOD:
                    b.cls, b.why = GOOD, f"{b.why}; in a run of {len(run)} prose blocks ({chars} chars)"
        i = j + 1


def smooth(blocks: list[Block]) -> None:
    """Set ``final`` on every block: sure classes stay, unsure ones follow their neighbours (jusText's rules)."""
    for i, b in enumerate(blocks):
        if b.cls in (GOOD, BAD):
            b.final = b.cls
        elif b.cls == SHORT:
            prev, nxt = _neighbour(blocks, i, -1, (SHORT, NEARGOOD)), _neighbour(blocks, i, 1, (SHORT, NEARGOOD))
            if prev == nxt:
                b.final = prev
            else:  # between good and bad: good when a near-good block leads to the bad side
                near = (prev == BAD and _neighbour(blocks, i, -1, (SHORT,)) == NEARGOOD) or (
                    nxt == BAD and _neighbour(blocks, i, 1, (SHORT,)) == NEARGOOD
                )
                b.final = GOOD if near else BAD
    for i, b in enumerate(blocks):
        if b.cls == NEARGOOD:
            prev, nxt = _neighbour(blocks, i, -1, (SHORT, NEARGOOD)), _neighbour(blocks, i, 1, (SHORT, NEARGOOD))
            b.final = BAD if prev == nxt == BAD else GOOD


# -- step 3: region --------------------------------------------------------------


@dataclass
class Region:
    """A run of good blocks whose gaps of boilerplate are small enough to bridge."""

    first: int
    last: int
    weight: int  # characters of the good blocks that are prose on their own


def gap_cost(b: Block, p: dict[str, Any]) -> float:
    """What a boilerplate block costs a gap: less for short unsure blocks (list items, labels)."""
    return p["short_gap_cost"] if b.cls == SHORT else 1.0


def regions(blocks: list[Block], p: dict[str, Any]) -> list[Region]:
    """Cut the page into runs of good blocks; a gap costing more than ``max_gap`` ends a run."""
    out: list[Region] = []
    gap = 0.0
    for b in blocks:
        if b.final != GOOD:
            gap += gap_cost(b, p)
            continue
        weight = b.chars if b.cls in (GOOD, NEARGOOD) else 0
        if out and gap <= p["max_gap"]:
            out[-1].last = b.index
            out[-1].weight += weight
        else:
            out.append(Region(b.index, b.index, weight))
        gap = 0.0
    return out


def heading_before(blocks: list[Block], first: int, p: dict[str, Any]) -> int | None:
    """The index of the headline (a short title-like block) just before the body, if any."""
    for j in range(first - 1, max(first - 1 - p["heading_lookback"], -1), -1):
        b = blocks[j]
        if 2 <= b.n_words <= p["max_heading_words"] and not b.terminal and b.link_like == 0:
            return j
    return None


# -- the rule ------------------------------------------------------------------


def looks_like_full_page(blocks: list[Block], p: dict[str, Any]) -> tuple[bool, str]:
    """Whether the text still holds a whole page (many boilerplate blocks), with the figures."""
    bad = sum(1 for b in blocks if b.final == BAD)
    share = bad / len(blocks) if blocks else 0.0
    figures = f"{bad} of {len(blocks)} blocks boilerplate ({share:.2f})"
    return bad >= p["min_page_bad_blocks"] and share >= p["min_page_bad_share"], figures


def analyse(doc: Document, p: dict[str, Any]) -> list[Block]:
    """Features, initial classes and smoothed classes of the live lines of ``doc``."""
    pieces = []
    for line in doc.live_lines():
        text = doc.live_text(line.start, line.end).strip()
        if text:
            pieces.append((line.start, line.end, text))
    _, stop = choose_stoplist(" ".join(t for _, _, t in pieces), doc.lang, p["min_language_coverage"])
    blocks = block_features(pieces, stop)
    for b in blocks:
        b.cls, b.why = classify(b, p)
    promote_runs(blocks, p)
    smooth(blocks)
    return blocks


@rule("body.detector", order=800)
def detector(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove what is not the article body from text that still holds a whole page (menus, lists, footers).

    Blocks are classified from their own figures, then from their
    neighbours; the densest run of good blocks is the body. Only runs when
    the text looks like a full page (``min_page_bad_blocks``,
    ``min_page_bad_share``); already extracted text is left alone.
    """
    p = ctx.params
    blocks = analyse(doc, p)
    full, figures = looks_like_full_page(blocks, p)
    if not full:
        return
    runs = regions(blocks, p)
    if not runs:
        return
    body = max(runs, key=lambda r: r.weight)
    head = heading_before(blocks, body.first, p)
    for b in blocks:
        if body.first <= b.index <= body.last:
            if b.final == GOOD:
                continue
            yield Decision(b.start, b.end, f"boilerplate block inside the body: {b.why}")
        elif head is not None and head <= b.index < body.first and (b.index == head or b.cls in (GOOD, NEARGOOD)):
            yield Decision(b.start, b.end, f"headline or dek before the body ({b.n_words} words)", "keep")
        elif b.final == GOOD:
            where = "before" if b.index < body.first else "after"
            yield Decision(
                b.start,
                b.end,
                f"good-looking block {where} the body region ({b.chars} chars; body {body.weight} chars, "
                f"blocks {body.first}-{body.last}); page: {figures}",
            )
        else:
            yield Decision(b.start, b.end, f"outside the body: {b.why}")
