"""Exact and near-duplicate paragraphs and sentences inside one document (the fuller copy stays).

Repetition is boilerplate when a piece of prose appears twice (a paragraph
pasted twice, a pull quote, a restated quote). It is content when a line is
part of a repeated template: the same interview question before each
answer, the same ingredient line in every day of a meal plan, table rows.
So a line repeated more than ``max_copies`` times, or made mostly of
numbers, is kept, and the audit log says so. So is a line of code
(:func:`heuristics._lines.looks_like_code`): a listing repeats lines on
purpose, the same call or signature in two examples.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from cleaner.document import Document, Line, Span
from cleaner.rules import Decision, Param, RuleContext, rule
from cleaner.text import count_words, folded_words, line_cache, weighed
from heuristics._lines import ends_sentence, looks_like_code
from heuristics._page import title_key, title_keys

# A token (a run of word characters) holding a digit is a figure: one match per such token, from its first
# digit to its end (the rest of the token is taken, so its later digits start no match). A plain scan for
# digits: five times faster than matching from each token's start.
_FIGURE = re.compile(r"\d\w*")
Gram = tuple[str, ...]  # a word 3-gram (or a whole piece of fewer words)
Features = tuple[str, int, float, frozenset[Gram], int]  # see _features


@line_cache(0)
def _features(text: str) -> Features:
    """Of a line or sentence: its case-folded words joined by spaces, their number, the share that are figures,
    its word 3-grams (cached: three rules, and later passes, look at the same lines), and the words it weighs as
    prose: Chinese and Japanese characters counted as the words they weigh (:func:`cleaner.text.weighed`: a
    Chinese sentence of one clause is one word token, and no label).

    Kept for the document being cleaned only: the 3-gram sets are the largest values of any line cache, and
    every one kept is walked again by the garbage collector, while the lines a site repeats from page to page
    are mostly short ones, cheap to measure again (cold texts ~5 % faster than with 512 lines kept).
    """
    tokens = folded_words(text)
    key = " ".join(tokens)
    digits = len(_FIGURE.findall(key))  # the folded text's tokens, one space apart: the same figures
    n = len(tokens)
    return key, n, digits / n if n else 0.0, _shingles(tokens), weighed(text, n, count_words)[0]


def _is_prose(features: Features, min_words: int, max_digit_share: float) -> bool:
    """Enough words (as prose weighs them), and not a row of figures."""
    return features[4] >= min_words and features[2] <= max_digit_share


@rule(
    "dedup.exact",
    order=600,
    min_words=Param(4, "shorter lines may repeat legitimately (labels)"),
    max_digit_share=Param(0.2, "lines with more numbers than this are table rows, not prose"),
    max_copies=Param(2, "a line with more copies than this is a template line (kept)"),
)
def exact(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove lines that repeat an earlier line word for word (case and punctuation aside); the first copy stays.

    Only prose lines count (at least ``min_words`` words, Chinese and
    Japanese characters weighed as the words they hold, at most
    ``max_digit_share`` of them numbers); a line with more than
    ``max_copies`` copies is a template line and stays (noted in the audit).
    """
    groups: dict[str, list[Line]] = defaultdict(list)
    min_words, max_digit_share = ctx["min_words"], ctx["max_digit_share"]
    for line in doc.live_lines():
        features = _features(line.text)
        if _is_prose(features, min_words, max_digit_share):
            groups[features[0]].append(line)
    for copies in groups.values():
        if len(copies) < 2:
            continue
        if looks_like_code(copies[0].text):
            for line in copies[1:]:
                yield Decision(line.start, line.end, f"repeats line {copies[0].index + 1} word for word, but is a "
                               "line of code: listings repeat lines on purpose", "keep")
            continue
        if len(copies) > ctx["max_copies"]:
            first = copies[0]
            yield Decision(first.start, first.end, f"line repeated {len(copies)} times: a template line", "keep")
            continue
        for line in copies[1:]:
            yield Decision(line.start, line.end, f"repeats line {copies[0].index + 1} word for word")


class _Piece(NamedTuple):
    """A line or sentence compared for near copies, with its word 3-grams."""

    span: Span
    line: Line
    shingles: frozenset[Gram]


def _shingles(tokens: tuple[str, ...]) -> frozenset[Gram]:
    """Word 3-grams (the whole piece when it is shorter: a tuple of fewer words, never equal to a 3-gram).

    Tuples of the words, not the words joined: a set keeps each member's
    hash, so the set operations that do nearly all the comparing never hash
    a 3-gram again, and a tuple of words already hashed is built in about
    half the time of a joined string.
    """
    if len(tokens) < 3:
        return frozenset((tokens,))
    return frozenset(zip(tokens, tokens[1:], tokens[2:], strict=False))


def _repeated_shingles(shingle_sets: Iterable[frozenset[Gram]]) -> set[Gram]:
    """3-grams found in more than one of the pieces' ``shingle_sets`` (set operations only: fast)."""
    seen: set[Gram] = set()
    repeated: set[Gram] = set()
    for shingles in shingle_sets:
        repeated |= shingles & seen
        seen |= shingles
    return repeated


def _near_pairs(
    pieces: list[_Piece], threshold: float, max_holders: int, repeated: set[Gram] | None = None
) -> dict[int, set[int]] | None:
    """Pairs of pieces of different lines that are near copies, as ``{piece: {partners}}``; None without anchors.

    Two pieces are near copies when the 3-grams they share (leaving out
    3-grams held by more than ``max_holders`` pieces: template phrases)
    make at least ``threshold`` of the shorter one's 3-grams. Those shared
    3-grams are all repeated ones, so the shorter piece has at least
    ``threshold`` of its own 3-grams repeated somewhere: only such pieces
    (anchors) need their overlaps counted, and a text without one (most
    texts) costs a few set operations. ``repeated`` may be given: any set
    that holds every 3-gram two pieces share (more only adds anchors that
    find no pair).
    """
    if repeated is None:
        repeated = _repeated_shingles(p.shingles for p in pieces)
    if not repeated:
        return None
    shared = [p.shingles & repeated for p in pieces]
    anchors = [i for i, p in enumerate(pieces) if len(shared[i]) / len(p.shingles) >= threshold]
    if not anchors:
        return None
    holders: dict[Gram, list[int]] = defaultdict(list)  # pieces holding each repeated 3-gram
    for i, sh in enumerate(shared):
        for g in sh:
            holders[g].append(i)
    partners: dict[int, set[int]] = defaultdict(set)
    for i in anchors:
        piece = pieces[i]
        overlap: dict[int, int] = defaultdict(int)
        for g in shared[i]:
            held = holders[g]
            if len(held) > max_holders:  # a 3-gram shared by many pieces: a template, not a copy
                continue
            for j in held:
                if j != i and pieces[j].line.index != piece.line.index:
                    overlap[j] += 1
        for j, count in overlap.items():
            if count / min(len(piece.shingles), len(pieces[j].shingles)) >= threshold:
                partners[i].add(j)
                partners[j].add(i)
    return partners


def _lines_to_split(
    lines: list[tuple[Line, frozenset[Gram]]], threshold: float, min_words: int, max_holders: int, repeated: set[Gram]
) -> set[int]:
    """Of ``lines`` (with their 3-grams; ``min_words`` >= 3 words each), those whose sentences can change what
    ``dedup.near_sentence`` finds, by their position in ``lines``; none when no sentence has a near copy.

    A sentence's words are a run of its line's, so its 3-grams are some of
    its line's, and it repeats no more of them than its line does (``extra``:
    a line of n words has n - 2 3-grams, less the distinct ones); a line
    holds a 3-gram at most once more than its extra ones. A shared 3-gram
    counts for a near copy only when at most ``max_holders`` pieces hold
    it (else it is a template phrase): when the lines holding it may hold
    it more often, they are all split (the count is then exact). Two near
    copies share ``threshold`` of the 3-grams of the shorter, which has at
    least ``min_words - 2`` less its line's extra ones (and one): two lines
    that share that many of the other 3-grams are split too. Linear: only
    3-grams held by at most ``max_holders`` lines are counted in pairs.
    ``repeated`` holds every 3-gram that two lines share.
    """
    extra = [_features(line.text)[1] - 2 - len(sh) for line, sh in lines]
    fewest = [max(1, min_words - 2 - e) for e in extra]  # the fewest 3-grams a sentence of the line may have
    holders: dict[Gram, list[int]] = {}  # lines holding each repeated 3-gram
    for k, (_, shingles) in enumerate(lines):
        for g in shingles & repeated:
            holders.setdefault(g, []).append(k)
    split: set[int] = set()
    overlap: dict[tuple[int, int], int] = {}  # 3-grams shared by two lines (held by few lines)
    for held in holders.values():
        if len(held) < 2:
            continue
        if sum(1 + extra[k] for k in held) > max_holders:
            split.update(held)
            continue
        for a, j in enumerate(held):
            for k in held[a + 1 :]:
                overlap[j, k] = overlap.get((j, k), 0) + 1
    for (j, k), count in overlap.items():
        if count >= max(1.0, threshold * min(fewest[j], fewest[k])):
            split.update((j, k))
    return split


def _quiet_before(ctx: RuleContext, lines: list[Line]) -> bool:
    """Whether a pass before found that no near copies could be among lines that include ``lines`` (as a
    multiset of texts).

    Pieces come from lines by their text alone, and fewer lines repeat
    fewer 3-grams and share fewer with each other, so a part of lines
    without an anchor (or without two lines that share enough 3-grams,
    see ``dedup.near_sentence``) has none either: the later passes over a
    document skip the rule when they only lost lines.
    """
    quiet = ctx.memo.get("quiet")
    return quiet is not None and not Counter(ln.text for ln in lines) - quiet


def _near_duplicates(
    pieces: list[_Piece], ctx: RuleContext, what: str, lines: list[Line], repeated: set[Gram] | None = None
) -> Iterator[Decision]:
    """Decide on pieces, taken from ``lines``, that are near copies of a piece of another line (:func:`_near_pairs`).

    A piece with one near copy is removed when it is the shorter of the
    two; a piece with more near copies belongs to a template and stays.
    """
    max_copies = ctx["max_copies"]
    partners = _near_pairs(pieces, ctx["threshold"], 4 * max_copies, repeated)
    if partners is None:
        ctx.memo["quiet"] = Counter(ln.text for ln in lines)
        return
    removed: set[int] = set()
    for i in sorted(partners):
        group = partners[i]
        if i in removed or len(group) + 1 > max_copies:
            continue
        j = min(group)
        if j in removed:
            continue
        a, b = pieces[i], pieces[j]
        shorter, longer, k = (a, b, i) if len(a.shingles) <= len(b.shingles) else (b, a, j)
        if _is_titled_headline(shorter, longer):
            removed.add(j if k == i else i)
            yield Decision(
                longer.span.start,
                longer.span.end,
                f"the page title: line {shorter.line.index + 1} is its headline, without the site's name",
            )
            continue
        removed.add(k)
        share = len(shorter.shingles & longer.shingles) / len(shorter.shingles)
        why = (f"near-duplicate {what}: {share:.0%} of its word 3-grams are in the fuller copy at line "
               f"{longer.line.index + 1}")
        if looks_like_code(shorter.line.text) or looks_like_code(longer.line.text):
            yield Decision(shorter.span.start, shorter.span.end, f"{why}, but code: listings repeat lines on purpose",
                           "keep")
        else:
            yield Decision(shorter.span.start, shorter.span.end, why)


def _is_titled_headline(shorter: _Piece, longer: _Piece) -> bool:
    """Whether ``longer`` is the text's first line, a page title that is ``shorter``, a whole line, with the site's
    name ("Headline | Site", "Site - Headline"): converters print the <title> first, and the headline is the
    copy the article keeps (the detector removes such a title line, which left no copy of the headline)."""
    return (
        longer.line.index == 0
        and longer.span == longer.line.span
        and shorter.span == shorter.line.span
        and title_key(shorter.line.text) in title_keys(longer.line.text)
    )


def _line_shingles(doc: Document) -> tuple[list[tuple[Line, frozenset[Gram]]], set[Gram]]:
    """The live lines with their 3-grams, and the 3-grams found in more than one of them (kept until a removal)."""

    def compute() -> tuple[list[tuple[Line, frozenset[Gram]]], set[Gram]]:
        lines = [(line, _features(line.text)[3]) for line in doc.live_lines()]
        return lines, _repeated_shingles(sh for _, sh in lines)

    return doc.cached("dedup.line_shingles", compute)


@rule(
    "dedup.near_paragraph",
    order=610,
    min_words=8,
    threshold=Param(0.8, "share of the shorter line's word 3-grams found in the longer"),
    max_digit_share=0.2,
    max_copies=2,
)
def near_paragraph(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a line whose words mostly repeat another line's; the fuller of the two stays.

    Lines of at least ``min_words`` words (prose, see ``dedup.exact``) are
    compared by word 3-grams; ``threshold`` is the share of the shorter
    line's 3-grams found in the longer. A first line that is the other with
    the site's name ("Headline | Site") is the page title: it goes, and the
    headline stays.
    """
    min_words, max_digit_share = ctx["min_words"], ctx["max_digit_share"]
    live = doc.live_lines()
    if _quiet_before(ctx, live):
        return
    lines, repeated = _line_shingles(doc)
    pieces = [
        _Piece(line.span, line, shingles)
        for line, shingles in lines
        if _is_prose(_features(line.text), min_words, max_digit_share)
    ]
    yield from _near_duplicates(pieces, ctx, "paragraph", live, repeated)


@rule("dedup.near_sentence", order=620, min_words=8, threshold=0.8, max_digit_share=0.2, max_copies=2)
def near_sentence(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a sentence that mostly repeats a sentence of another line; the fuller of the two stays.

    Only full sentences (ending with . ! ? or …) of at least ``min_words``
    words are compared, like lines in ``dedup.near_paragraph``. A line that
    shares fewer word 3-grams with the rest of the text than such a copy
    needs cannot hold one and is not split at all; a text in which no two
    lines share that many is not split at all.
    """
    live = doc.live_lines()
    if _quiet_before(ctx, live):
        return
    # A near copy of a sentence of n >= min_words words shares >= threshold of its n - 2 3-grams (if distinct).
    min_words, max_digit_share, threshold = ctx["min_words"], ctx["max_digit_share"], ctx["threshold"]
    lines, repeated = _line_shingles(doc)
    needed = max(1, int(threshold * (min_words - 2)))
    lines = [(ln, sh) for ln, sh in lines if _features(ln.text)[1] >= min_words and len(repeated & sh) >= needed]
    if min_words >= 3:  # (else a sentence of two words is its own "3-gram", which no line holds)
        split = _lines_to_split(lines, threshold, min_words, 4 * ctx["max_copies"], repeated)
        if not split:
            ctx.memo["quiet"] = Counter(ln.text for ln in live)
            return
        lines = [lines[k] for k in sorted(split)]
    pieces = []
    for line, _ in lines:
        for s in doc.sentences(line):
            feats = _features(s.text)
            if ends_sentence(s.text) and _is_prose(feats, min_words, max_digit_share) and doc.is_live(s.start, s.end):
                pieces.append(_Piece(s, line, feats[3]))
    # Two pieces of different lines share 3-grams of two lines: ``repeated`` holds them all.
    yield from _near_duplicates(pieces, ctx, "sentence", live, repeated)
