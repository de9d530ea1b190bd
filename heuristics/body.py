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

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleaner.document import Document
from cleaner.rules import Decision, rule
from heuristics._body_features import TERMINAL, WORD_TOKEN, Block, block_features, choose_stoplist

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
    if b.repeated and not b.terminal:
        return BAD, f"repeated block of {b.n_words} words"
    if b.repeated:
        return SHORT, f"repeated block of {b.n_words} words"
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
    if b.stop_share < p["min_stopword_share"] and b.terminal and b.stop_share >= p["min_sentence_stopword_share"]:
        return (
            NEARGOOD,
            f"stopword share {b.stop_share:.2f} < {p['min_stopword_share']} but a sentence, {b.chars} chars",
        )
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
    gap_before: float = 0.0  # cost of the boilerplate between this run and the previous one
    boundary_before: int = 0  # that boilerplate holds a section heading (1: related links, 2: comments, footer)


def gap_cost(b: Block, p: dict[str, Any]) -> float:
    """What a boilerplate block costs a gap: less for short unsure blocks (list items, labels)."""
    return p["short_gap_cost"] if b.cls == SHORT else 1.0


def regions(blocks: list[Block], p: dict[str, Any]) -> list[Region]:
    """Cut the page into runs of good blocks; a gap costing more than ``max_gap`` ends a run.

    So does a comments or footer label ("Comments", "Privacy policy"): the
    body never goes on after one.
    """
    out: list[Region] = []
    gap = 0.0
    boundary = 0
    for b in blocks:
        if b.final != GOOD:
            gap += gap_cost(b, p)
            boundary = max(boundary, b.boundary)
            continue
        weight = b.chars if b.cls in (GOOD, NEARGOOD) else 0
        if out and gap <= p["max_gap"] and boundary < 2:
            out[-1].last = b.index
            out[-1].weight += weight
            out[-1].boundary_before = max(out[-1].boundary_before, boundary)
        else:
            out.append(Region(b.index, b.index, weight, gap, boundary))
        gap = 0.0
        boundary = 0
    return out


def _joins(r: Region, p: dict[str, Any]) -> bool:
    """Whether run ``r`` may join the run before it (moderate gap, no page-section boundary)."""
    return r.gap_before <= p["merge_gap"] and not r.boundary_before


def grow(runs: list[Region], k: int, p: dict[str, Any]) -> Region:
    """The body region: run ``k``, joined with neighbouring substantial runs across a moderate gap.

    A body cut by an embedded widget (a photo gallery, a signup box, the
    name line of each interviewee) is two or more runs of long prose close
    to each other; a run of at least ``merge_min_chars`` characters at most
    ``merge_gap`` away joins, and the next one may join it in turn, unless
    a page-chrome label ("Privacy policy") or a section heading ("Related
    stories", "Comments") stands between them.
    """
    first, last, weight = k, k, runs[k].weight
    while last + 1 < len(runs) and _joins(runs[last + 1], p) and runs[last + 1].weight >= p["merge_min_chars"]:
        last += 1
        weight += runs[last].weight
    while first > 0 and _joins(runs[first], p) and runs[first - 1].weight >= p["merge_min_chars"]:
        first -= 1
        weight += runs[first].weight
    return Region(runs[first].first, runs[last].last, weight, runs[first].gap_before)


_NON_WORD = re.compile(r"\W+")
_TITLE_SEPARATOR = re.compile(r"\s+[|\-\u2013\u2014:\u00b7\u2022]+\s+")


def _key(text: str) -> str:
    """``text`` lower-cased with punctuation and spacing reduced to single spaces."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def headlines(blocks: list[Block]) -> list[int]:
    """Blocks that repeat the page title (the first line, as converters print ``<title>`` first).

    The title is often "Headline - Site name": any part of it with at least
    three words counts, and so does the whole.
    """
    if len(blocks) < 2:
        return []
    title = blocks[0].text
    keys = {_key(title)} | {_key(part) for part in _TITLE_SEPARATOR.split(title) if len(part.split()) >= 3}
    keys.discard("")
    return [b.index for b in blocks[1:] if b.n_words >= 3 and _key(b.text) in keys]


def heading_before(blocks: list[Block], first: int, p: dict[str, Any]) -> int | None:
    """The index of the headline (a short title-like block) just before the body, if any."""
    for j in range(first - 1, max(first - 1 - p["heading_lookback"], -1), -1):
        b = blocks[j]
        if 2 <= b.n_words <= p["max_heading_words"] and not b.terminal and b.link_like == 0:
            return j
    return None


# -- the rule ------------------------------------------------------------------


def is_menu_like(text: str, max_words: int) -> bool:
    """A navigation label: a few words, no sentence punctuation, not a table cell."""
    cell = text.startswith("|") or text.endswith("|")
    return len(WORD_TOKEN.findall(text)) <= max_words and not TERMINAL.search(text) and not cell


def page_evidence(doc: Document, ctx: RuleContext) -> tuple[bool, str]:
    """Whether ``doc`` still holds a whole page rather than an extracted article, with the figures.

    Evidence is counted on every line (also those earlier rules removed):
    short lines that are page-chrome labels ("Log in", "Privacy policy",
    "©2019 ..."; the ``page_chrome`` and ``page_sections`` phrase lists), and navigation runs (at
    least ``menu_run`` consecutive lines of at most ``menu_words`` words
    without sentence punctuation). Extracted article text has neither.
    """
    p = ctx.params
    chrome, sections = ctx.phrases["page_chrome"], ctx.phrases["page_sections"]
    labels: set[str] = set()
    menu = run = 0
    for line in [*doc.lines, None]:
        if line is not None and is_menu_like(line.text, p["menu_words"]):
            run += 1
            if chrome.fullmatch(line.text) or sections.fullmatch(line.text):
                labels.add(line.text.lower())
            continue
        if run >= p["menu_run"]:
            menu += run
        run = 0
    share = menu / max(len(doc.lines), 1)
    figures = f"{len(labels)} page-chrome labels, {menu} lines in navigation runs ({share:.2f})"
    full = len(labels) >= p["min_chrome_labels"] or (menu >= p["min_menu_lines"] and share >= p["min_menu_share"])
    return full, figures


def analyse(doc: Document, p: dict[str, Any], phrases: Any = None) -> list[Block]:
    """Features, initial classes and smoothed classes of the live lines of ``doc``.

    ``phrases`` (the run's phrase book) marks page-section boundaries: short
    lines that are page-chrome labels or open a related-links section.
    """
    pieces = []
    for line in doc.live_lines():
        text = doc.live_text(line.start, line.end).strip()
        if text:
            pieces.append((line.start, line.end, text))
    text = " ".join(t for _, _, t in pieces)
    _, stop = choose_stoplist(text, doc.lang, p["min_language_coverage"], p["good_language_coverage"])
    blocks = block_features(pieces, stop)
    for b in blocks:
        b.cls, b.why = classify(b, p)
        if phrases is not None and b.n_words <= p["menu_words"] + 4:
            # 2: a comments or footer label ends the body; 1: a related-links heading ends it unless the gap is small
            b.boundary = (
                2 if phrases["page_sections"].fullmatch(b.text) else int(bool(phrases["related"].match(b.text)))
            )
            if b.boundary == 2:
                b.cls, b.why = BAD, f"comments or footer label, {b.n_words} words"
    promote_runs(blocks, p)
    smooth(blocks)
    return blocks


@rule("body.detector", order=800)
def detector(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove what is not the article body from text that still holds a whole page (menus, lists, footers).

    Blocks are classified from their own figures, then from their
    neighbours; the densest run of good blocks is the body. Only runs when
    the text looks like a full page (page-chrome labels or navigation runs,
    see :func:`page_evidence`); already extracted text, and HTML pages whose
    main content was chosen by ``html.main_content``, are left alone.
    """
    p = ctx.params
    if doc.meta.get("main_content_extracted"):  # HTML input: trafilatura already chose the body
        return
    full, figures = page_evidence(doc, ctx)
    if not full:
        return
    blocks = analyse(doc, p, ctx.phrases)
    runs = regions(blocks, p)
    if not runs:
        return
    heads = headlines(blocks)

    def score(r: Region) -> float:
        near_title = any(r.first - p["title_distance"] <= h <= r.first for h in heads)
        return r.weight * (p["title_boost"] if near_title else 1.0)

    body = grow(runs, max(range(len(runs)), key=lambda k: score(runs[k])), p)
    titled = [h for h in heads if body.first - p["title_distance"] <= h < body.first]
    head = titled[-1] if titled else heading_before(blocks, body.first, p)
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
