"""Body detection in full-page text: keep the article body, drop the rest of the page.

Text taken from a page with a plain HTML-to-text converter still holds the
whole page, one block per line: menus, headline lists, comment threads,
cookie notices, footers. The detector works like jusText, but on text
without markup, in three steps:

1. **Blocks.** Each line gets figures (length, share of stop words in the
   document's language, sentence punctuation, title case, link-like
   separators, digits and symbols, repetition) and an initial class:
   ``good`` (long prose), ``neargood`` (shorter prose), ``short`` (too
   short or heading-like to judge alone) or ``bad`` (boilerplate). Lines
   an earlier rule removed stay in view as boilerplate context (their
   text still marks the page title and section labels); a list announced
   by a lead-in ("Tour dates:") is unsure rather than boilerplate.
2. **Context.** Short and near-good blocks take the class of their nearest
   sure neighbours: a subheading between body paragraphs is good, a teaser
   between menu lines is bad.
3. **Region.** The body is one dense run of good blocks, preferably the
   one right after the line repeating the page title. Nearby runs of
   prose join it unless a section label (comments, footer, related links)
   stands between; an embedded "Most read" box does not end it. Good
   blocks far from it (teasers, comment threads, legal text in the footer)
   go, the headline and dek just before it stay.

Every step is linear in the number of lines, with a few precompiled
regular expressions per line.

All of this only runs on text that still looks like a whole page (many
boilerplate blocks); on already extracted article text the detector keeps
everything, since there a wrong guess costs article text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleaner.document import Document
from cleaner.model import LinearModel, matrix
from cleaner.phrases import lines_holding
from cleaner.rules import Decision, Param, RuleContext, rule
from heuristics._body_features import (
    Block,
    block_features,
    leading_words,
    stoplist_for,
)
from heuristics._body_lines import CONTEXT_FEATURES, LINE_FEATURES, context_features, line_features
from heuristics._lines import ingredient_lists
from heuristics._page import PAGE_FEATURES, page_features, title_key, title_keys

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"
MODELS = Path(__file__).resolve().parent / "data" / "models"
REMOVED = "removed"  # a line an earlier rule removed: boilerplate context, a cheaper gap
ITEM = "item"  # a lead-in ("Tour dates:") or an item of the list after it: unsure, follows its neighbours


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
    share = b.stop_share
    if share < 0:  # no stop-word list fits the language: prose is long and punctuated
        if b.chars >= p["length_high"]:
            return GOOD, f"{b.chars} chars, {b.sentences} sentences"
        return NEARGOOD, f"{b.chars} chars < {p['length_high']}"
    if share < p["min_stopword_share"] and b.terminal and share >= p["min_sentence_stopword_share"]:
        return NEARGOOD, f"stopword share {share:.2f} < {p['min_stopword_share']} but a sentence, {b.chars} chars"
    if share < p["min_stopword_share"]:
        return BAD, f"stopword share {share:.2f} < {p['min_stopword_share']}, {b.n_words} words"
    if share >= p["good_stopword_share"] and b.chars >= p["length_high"]:
        return GOOD, f"stopword share {share:.2f}, {b.chars} chars"
    return NEARGOOD, f"stopword share {share:.2f}, {b.chars} chars"


# -- step 2: context -----------------------------------------------------------


def _nearest(classes: list[str], skip: tuple[str, ...], step: int) -> list[str]:
    """For each block, the initial class of the nearest block before (step -1) or after (+1) not in ``skip``.

    One pass over the page; the edges of the page count as boilerplate.
    """
    out = [BAD] * len(classes)
    seen = BAD
    order = range(len(classes)) if step < 0 else range(len(classes) - 1, -1, -1)
    for i in order:
        out[i] = seen
        if classes[i] not in skip:
            seen = classes[i]
    return out


def _shape(text: str) -> tuple[str, bool]:
    """What the items of one list share: the kind of the first character, and whether there are digits."""
    first = text[:1]
    kind = "digit" if first.isdigit() else "upper" if first.isupper() else "lower" if first.islower() else "other"
    return kind, any(ch.isdigit() for ch in text)


def mark_lists(blocks: list[Block], p: dict[str, Any]) -> None:
    """Make lists introduced by a lead-in line unsure (``ITEM``) rather than boilerplate.

    Structured content in an article (tour dates, ingredients, a stats
    table) is short lines without sentences, like a menu; but the article
    announces it with a lead-in that ends with a colon ("The 2020 tour
    dates:"). The items are the following lines of one shape (see
    :func:`_shape`), up to a line an earlier rule removed, a section label
    or a line that repeats elsewhere on the page. Lead-in and items then
    take the class of their context like near-good blocks: kept inside or
    at the edge of the body, dropped between menus.
    """
    for i, lead in enumerate(blocks):
        if not lead.live or not lead.text.endswith(":") or lead.n_words < p["min_lead_words"]:
            continue
        items: list[Block] = []
        for j in range(i + 1, len(blocks)):
            b = blocks[j]
            if not b.live or b.boundary or b.repeated or b.text.endswith(":"):
                break
            if items and _shape(b.text) != _shape(items[0].text):
                break
            items.append(b)
        if len(items) < p["min_list_items"]:
            continue
        for b in (lead, *items):
            b.lead = i
            if b.cls in (SHORT, BAD):
                b.cls, b.why = ITEM, f"{b.why}; in a list of {len(items)} items after the lead-in {lead.text[:40]!r}"


def promote_runs(blocks: list[Block], p: dict[str, Any]) -> None:
    """Make runs of near-good blocks good: a body of one-sentence paragraphs is prose all the same.

    A run is at least ``min_run_blocks`` consecutive near-good or good
    blocks holding at least ``length_high`` characters together.
    """
    run: list[Block] = []
    for b in [*blocks, None]:
        if b is not None and b.cls in (GOOD, NEARGOOD):
            run.append(b)
            continue
        chars = sum(r.chars for r in run)
        if len(run) >= p["min_run_blocks"] and chars >= p["length_high"]:
            for r in run:
                if r.cls == NEARGOOD:
                    r.cls, r.why = GOOD, f"{r.why}; in a run of {len(run)} prose blocks ({chars} chars)"
        run = []


def smooth(blocks: list[Block]) -> None:
    """Set ``final`` on every block: sure classes stay, unsure ones follow their neighbours (jusText's rules).

    A line an earlier rule removed is a boilerplate neighbour.
    """
    as_class = {REMOVED: BAD, ITEM: NEARGOOD}
    classes = [as_class.get(b.cls, b.cls) for b in blocks]
    unsure = (SHORT, NEARGOOD)
    prev_sure, next_sure = _nearest(classes, unsure, -1), _nearest(classes, unsure, 1)
    prev_long, next_long = _nearest(classes, (SHORT,), -1), _nearest(classes, (SHORT,), 1)
    for i, b in enumerate(blocks):
        prev, nxt = prev_sure[i], next_sure[i]
        if b.cls in (GOOD, BAD, REMOVED):
            b.final = as_class.get(b.cls, b.cls)
        elif b.cls in (NEARGOOD, ITEM):
            b.final = BAD if prev == nxt == BAD else GOOD
        elif prev == nxt:
            b.final = prev
        else:  # a short block between good and bad: good when a near-good block leads to the bad side
            near = (prev == BAD and prev_long[i] == NEARGOOD) or (nxt == BAD and next_long[i] == NEARGOOD)
            b.final = GOOD if near else BAD


# -- step 3: region --------------------------------------------------------------


@dataclass
class Region:
    """A run of good blocks whose gaps of boilerplate are small enough to bridge."""

    first: int
    last: int
    weight: int  # characters of the good blocks that are prose on their own
    gap_before: float = 0.0  # cost of the boilerplate between this run and the previous one
    boundary_before: int = 0  # that boilerplate holds a section heading (1: related links, 2: comments, footer)
    streak: int = 0  # the most prose blocks (good or near-good on their own figures) in a row
    headings_before: int = 0  # section headings in the boilerplate before this run
    after_heading: int = 0  # blocks between the last of them and this run


def gap_cost(b: Block, p: dict[str, Any]) -> float:
    """What a boilerplate block costs a gap: less for short unsure blocks (list items, labels) and removed lines."""
    if b.cls == REMOVED:
        return p["removed_gap_cost"]
    return p["short_gap_cost"] if b.cls == SHORT else 1.0


def regions(blocks: list[Block], p: dict[str, Any]) -> list[Region]:
    """Cut the page into runs of good blocks; a gap costing more than ``max_gap`` ends a run.

    So does a comments or footer label ("Comments", "Privacy policy"): the
    body never goes on after one.
    """
    out: list[Region] = []
    gap = 0.0
    boundary = headings = after = streak = 0
    for b in blocks:
        prose = b.cls in (GOOD, NEARGOOD)
        streak = streak + 1 if prose else 0
        if b.final != GOOD:
            gap += gap_cost(b, p)
            boundary = max(boundary, b.boundary)
            headings += b.boundary > 0
            after = 0 if b.boundary else after + 1
            continue
        weight = b.chars if prose else 0
        if out and gap <= p["max_gap"] and boundary < 2:
            out[-1].last = b.index
            out[-1].weight += weight
            out[-1].boundary_before = max(out[-1].boundary_before, boundary)
            out[-1].streak = max(out[-1].streak, streak)
        else:
            out.append(Region(b.index, b.index, weight, gap, boundary, streak, headings, after))
        gap = 0.0
        boundary = headings = after = 0
    return out


def _joins(joining: Region, gap: Region, p: dict[str, Any]) -> bool:
    """Whether run ``joining`` may join the body across the boilerplate before run ``gap``.

    The run must be substantial prose and the gap moderate. A related-links
    heading in the gap usually ends the article, unless it is the only
    heading there and what follows it is several prose paragraphs in a row:
    a "Most read" box embedded in the body, not a list of teasers (a title,
    a one-paragraph summary, the next title ...) nor the page's bottom
    sections. A comments or footer label always ends the article.
    """
    if joining.weight < p["merge_min_chars"] or gap.gap_before > p["merge_gap"]:
        return False
    if gap.boundary_before == 0:
        return True
    embedded_box = gap.boundary_before == 1 and gap.headings_before == 1 and gap.after_heading >= p["min_box_links"]
    return embedded_box and joining.streak >= p["min_streak_after_section"]


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
    while last + 1 < len(runs) and _joins(runs[last + 1], runs[last + 1], p):
        last += 1
        weight += runs[last].weight
    while first > 0 and _joins(runs[first - 1], runs[first], p):
        first -= 1
        weight += runs[first].weight
    return Region(runs[first].first, runs[last].last, weight, runs[first].gap_before)


def headlines(blocks: list[Block]) -> list[int]:
    """Blocks that repeat the page title (the first line, as converters print ``<title>`` first).

    The title is often "Headline - Site name": any part of it with at least
    three words counts, and so does the whole.
    """
    if len(blocks) < 2:
        return []
    title = blocks[0].text
    keys = title_keys(title)
    longest = len(title) + 8  # a longer block cannot be the title or a part of it
    return [b.index for b in blocks[1:] if b.n_words >= 3 and len(b.text) <= longest and title_key(b.text) in keys]


def title_runs(runs: list[Region], heads: list[int], distance: int) -> set[int]:
    """The run that opens at or right after the first line repeating the page title, if near (``heads``: the
    lines repeating it, in order).

    The first copy is the headline; later ones stand in the page's lists (a
    sidebar's "Recent posts" naming this post, above its "Recent comments"),
    whose runs must not outweigh the article.
    """
    if not heads:
        return set()
    k = bisect.bisect_left([r.first for r in runs], heads[0])
    return {k} if k < len(runs) and runs[k].first - heads[0] <= distance else set()


def kept_headline(live: list[Block], scores: list[float], threshold: float, titles: list[int], distance: int) -> int:
    """The block index of the headline to keep: the last line repeating the page title before the first
    line the models keep, at most ``distance`` blocks before it (-1: none).

    The policy keeps the headline once; gold bodies of several datasets
    leave it out, so the learned models alone would drop it.
    """
    body = next((b.index for b, s in zip(live, scores, strict=True) if s >= threshold and b.index > 0), None)
    if body is None:
        return -1
    before = [t for t in titles if t < body and body - t <= distance]
    return before[-1] if before else -1


def enclosed_prose(live: list[Block], scores: list[float], threshold: float, max_gap: int) -> set[int]:
    """The positions in ``live`` of prose blocks (good on their own figures) that the models drop although
    kept lines stand at most ``max_gap`` live lines before and after them.

    Such a paragraph sits inside the body the models keep: a page that is
    all article (a blog post of photo captions and paragraphs, a report
    with tables) scores its lines unevenly, and dropping a paragraph in the
    middle of a kept body loses article text, where keeping it costs at
    most a stray paragraph. Comment threads and sidebars lie outside the
    body, with no kept line after them this close.
    """
    kept = [k for k, s in enumerate(scores) if s >= threshold]
    out: set[int] = set()
    for k, (b, s) in enumerate(zip(live, scores, strict=True)):
        if s >= threshold or b.cls != GOOD:
            continue
        i = bisect.bisect_left(kept, k)
        if 0 < i < len(kept) and k - kept[i - 1] <= max_gap and kept[i] - k <= max_gap:
            out.add(k)
    return out


# -- the rule ------------------------------------------------------------------


@lru_cache(maxsize=32)
def _model(path: str, shipped: str, features: tuple[str, ...]) -> LinearModel:
    """A model of this rule: the file ``path`` names, or the shipped one; checked against the features computed
    (once per run: each document asks)."""
    return LinearModel.load(path or MODELS / shipped).expect(features)


def page_decision(doc: Document, ctx: RuleContext) -> tuple[bool, float, str]:
    """Whether ``doc`` still holds a whole page rather than an extracted article, and why.

    A linear model over figures of all the lines (also those earlier rules
    removed; see :mod:`heuristics._page`), trained on the development pages
    so that it takes almost no extracted article for a page
    (``train/body.py``). The reason names the deciding figures only for a
    page (the detector stops at anything else and prints no reason).
    """
    model = _model(ctx["page_model"], "body_page.json", PAGE_FEATURES)
    figures, _ = page_features(doc, ctx.phrases)
    score = model.probability(figures)
    if score < model.threshold:  # the detector stops here: no reason is printed
        return False, score, f"page {score:.2f}"
    return True, score, f"page {score:.2f} ({model.explain(figures, 2)})"


def lines_with_state(doc: Document) -> list[tuple[int, int, str, bool]]:
    """Every line of ``doc`` as ``(start, end, text, live)``.

    A line an earlier rule removed entirely keeps its text but is not live:
    it is context (a boundary, a repeated title, boilerplate between
    blocks), not something to judge again. A partly removed line is its
    remaining text.
    """
    pieces = []
    for line in doc.lines:
        if doc.is_live(line.start, line.end):
            pieces.append((line.start, line.end, line.text.strip(), True))
        elif doc.is_removed(line.start, line.end):
            pieces.append((line.start, line.end, line.text.strip(), False))
        else:
            text = doc.live_text(line.start, line.end).strip()
            pieces.append((line.start, line.end, text or line.text.strip(), bool(text)))
    return pieces


def page_stoplist(pieces: list[tuple[int, int, str, bool]], lang: str, p: dict[str, Any]) -> frozenset[str]:
    """The stop words to judge the page with, measured on its first longer lines (menus hold few stop words)."""
    prose = []
    size = 0
    for _, _, text, _ in pieces:
        if len(text) >= p["length_low"]:
            prose.append(text)
            size += len(text)
            if size > 8 * p["language_sample_words"]:
                break
    _, stop = stoplist_for(
        leading_words(prose, p["language_sample_words"]),
        lang,
        p["min_language_coverage"],
        p["good_language_coverage"],
        p["language_switch_margin"],
    )
    return stop


def section_label(text: str, phrases: Any) -> int:
    """2 for a comments or footer label (it ends the body), 1 for a related-links heading, else 0."""
    if phrases["page_sections"].fullmatch(text):
        return 2
    return 1 if phrases["related"].match(text) else 0


def analyse(doc: Document, p: dict[str, Any], phrases: Any = None) -> list[Block]:
    """Features, initial classes and smoothed classes of every line of ``doc`` (the stop-word shares measured with
    the page's stop words, see :func:`page_stoplist`).

    Lines earlier rules removed count as boilerplate context. ``phrases``
    (the run's phrase book) marks page-section boundaries: short lines that
    are page-chrome labels or open a related-links section.
    """
    pieces = lines_with_state(doc)
    stop = page_stoplist(pieces, doc.lang, p)
    blocks = block_features(pieces, stop)
    for b in blocks:
        if b.live:
            b.cls, b.why = classify(b, p)
        else:
            b.cls, b.why = REMOVED, "removed by an earlier rule"
    if phrases is not None:
        short = [b for b in blocks if b.n_words <= p["max_label_words"]]
        labels: dict[str, int] = {}  # section label kind by text: menus repeat
        # Only lines in which one of the two lists may find an entry (one set look-up a line) can be labels.
        for b in lines_holding(short, phrases["page_sections"], phrases["related"]):
            b.boundary = labels.get(b.text, -1)
            if b.boundary < 0:
                b.boundary = labels[b.text] = section_label(b.text, phrases)
            if b.boundary and b.live:
                kind = "comments or footer label" if b.boundary == 2 else "related-links heading"
                b.cls, b.why = BAD, f"{kind}, {b.n_words} words"
    mark_lists(blocks, p)
    promote_runs(blocks, p)
    smooth(blocks)
    return blocks


def hand_region(blocks: list[Block], titles: list[int], p: dict[str, Any]) -> tuple[int, int] | None:
    """The body the hand-written steps choose: the heaviest run of good blocks (the one after a line
    repeating the page title, ``titles``, weighs more), grown over moderate gaps; None when there is no good block."""
    runs = regions(blocks, p)
    if not runs:
        return None
    titled = title_runs(runs, titles, p["title_distance"])
    weights = [r.weight * (p["title_boost"] if k in titled else 1.0) for k, r in enumerate(runs)]
    body = grow(runs, max(range(len(runs)), key=weights.__getitem__), p)
    return body.first, body.last


@rule(
    "body.detector",
    order=800,
    length_low=Param(70, "shorter blocks (chars) are judged by their neighbours"),
    length_high=Param(200, "a good block is at least this long (chars)"),
    min_stopword_share=Param(0.3, "less: boilerplate (jusText's stopwords_low)"),
    good_stopword_share=Param(0.32, "at least this, and long: body prose (jusText's stopwords_high)"),
    min_sentence_stopword_share=Param(0.15, "a block that ends like a sentence is near-good from this share"),
    max_link_like=Param(0.2, "URLs and menu separators (| » • ...) per word"),
    max_symbol_share=Param(0.3, "digits and symbols per character"),
    min_title_case=Param(0.8, "share of capitalised words that makes an unpunctuated line a headline"),
    min_language_coverage=Param(0.12, "below this stop-word coverage no list fits: judge by length and punctuation"),
    good_language_coverage=Param(0.3, "below this coverage, every jusText stop list is tried..."),
    language_switch_margin=Param(0.1, "... and one covering this much more replaces the configured language"),
    language_sample_words=Param(600, "words of the longer lines the coverage is measured on"),
    max_gap=Param(3, "boilerplate blocks the body region may bridge (a short block counts short_gap_cost)"),
    short_gap_cost=Param(0.5, "what a short unsure block (list item, label) adds to a gap"),
    removed_gap_cost=Param(0.5, "what a line an earlier rule removed adds to a gap"),
    merge_gap=Param(8, "a run of substantial prose this far (gap cost) from the body joins it..."),
    merge_min_chars=Param(400, "... when it holds at least this many characters of prose"),
    min_streak_after_section=Param(
        3, "... also across a related-links heading when it has this many prose blocks in a row"
    ),
    min_box_links=Param(2, "... and the heading (a box embedded in the body) is followed by at least this many blocks"),
    min_run_blocks=Param(2, "consecutive near-good blocks that count as body prose"),
    max_label_words=Param(16, 'a line this short may be a section label ("Comments", "34 responses to ...")'),
    min_lead_words=Param(3, 'a line ending with a colon and this many words may introduce a list ("Tour dates:")...'),
    min_list_items=Param(2, "... of at least this many lines of one shape"),
    title_distance=Param(
        12, "the first region starting at most this many blocks after a line repeating the page title..."
    ),
    title_boost=Param(3.0, "... weighs this much more (the first line is the <title>, the headline precedes the body)"),
    max_prose_gap=Param(
        1, "a prose block the models drop stays when kept lines stand this close (live lines) before and after"
    ),
    min_ingredients=Param(3, "a run of this many ingredient lines (a quantity and an ingredient_units entry) stays"),
    page=Param(
        "auto",
        "auto: the page model decides whether the text is a whole page; page: every input is known to be a whole "
        "page's visible text (the detector always runs); article: every input is an extracted article (never runs)",
        choices=("auto", "page", "article"),
    ),
    page_model=Param("", "weights of the whole-page decision (a JSON file; empty: the shipped model)"),
    line_model=Param("", "weights of the first line model (empty: the shipped model)"),
    context_model=Param("", "weights of the second line model, with the scores around each line (empty: shipped)"),
)
def detector(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove what is not the article body from text that still holds a whole page (menus, lists, footers).

    Only runs when the text looks like a whole page (a learned decision,
    see :func:`page_decision`); already extracted text, and HTML pages whose
    main content was chosen by ``html.main_content``, are left alone. Each
    line is then classified by its own figures and its neighbours' (the
    hand-written steps above), and two learned linear models (see
    :mod:`heuristics._body_lines`) turn those figures, and the scores of the
    lines around it, into a body score: a line scoring below the model's
    threshold goes, and the audit reason names the figures that decided.
    """
    p = ctx.params
    if doc.meta.get("main_content_extracted"):  # HTML input: the main-content step already chose the body
        return
    if p["page"] == "article":
        return
    full, page_score, page_why = page_decision(doc, ctx)
    declared = p["page"] == "page" and not ctx.memo.get("judged")  # the input is a page, not what a pass left
    ctx.memo["judged"] = True
    if not full and not declared:
        return
    if not full:  # its low page score stays a feature: the line models then keep more (measured better than not)
        page_why = f"{page_why}, a whole page as configured (page = page)"
    blocks = analyse(doc, p, ctx.phrases)
    titles = headlines(blocks)
    line_rows = line_features(blocks, hand_region(blocks, titles, p), titles, page_score)
    lines_model = _model(p["line_model"], "body_lines.json", LINE_FEATURES)
    context_model = _model(p["context_model"], "body_context.json", LINE_FEATURES + CONTEXT_FEATURES)
    live = [b for b in blocks if b.live]
    if not live:  # every line was removed already
        return
    first = lines_model.probabilities(line_rows)
    context = context_features(first, [b.chars for b in live])
    threshold = context_model.threshold
    full_rows = matrix(line_rows, context)
    scores = context_model.probabilities(full_rows)
    dropped = [k for k, s in enumerate(scores) if s < threshold]  # explained all at once: the audit names why
    whys = dict(zip(dropped, context_model.explanations(full_rows[dropped]), strict=True))
    headline = kept_headline(live, scores, threshold, titles, p["title_distance"])
    kept_titles = [b.index for b, s in zip(live, scores, strict=True) if b.index in titles and s >= threshold]
    kept_leads = {b.index for b, s in zip(live, scores, strict=True) if b.lead == b.index and s >= threshold}
    enclosed = enclosed_prose(live, scores, threshold, p["max_prose_gap"])
    units = ctx.phrases["ingredient_units"] if ctx.phrases is not None else None
    recipe = ingredient_lists([b.text for b in live], units.alternation, p["min_ingredients"]) if units else {}
    for k, (b, score) in enumerate(zip(live, scores, strict=True)):
        if b.index == 0 and (kept_titles or headline > 0):
            line = (kept_titles or [headline])[0]
            yield Decision(b.start, b.end, f"the page title, which the headline at line {line + 1} repeats")
            continue
        if score >= threshold:
            continue
        why = f"body score {score:.2f} < {threshold:.2f}: {whys[k]}; {page_why}"
        if b.index == headline:
            yield Decision(b.start, b.end, f"the headline stays (it repeats the page title before the body); {why}",
                           action="keep")
        elif b.lead in kept_leads:
            yield Decision(b.start, b.end, f"in the list its kept lead-in (line {b.lead + 1}) announces; {why}",
                           action="keep")
        elif k in enclosed:
            yield Decision(b.start, b.end, f"running prose ({b.why}) between lines the body keeps; {why}",
                           action="keep")
        elif k in recipe:
            yield Decision(b.start, b.end, f"in a recipe's list of {recipe[k]} ingredients; {why}", action="keep")
        else:
            yield Decision(b.start, b.end, why)
