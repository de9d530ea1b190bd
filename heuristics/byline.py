"""Bylines, empty datelines, timestamps and contributor credits ("By Jim Smith", "CNN —", "AP contributed ...")."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

from cleaner.document import Document, Line
from cleaner.phrases import lines_holding
from cleaner.rules import Decision, Param, RuleContext, rule
from cleaner.text import UPPER
from heuristics._lines import (
    LETTER,
    anchors,
    cased_share,
    ends_sentence,
    is_title_like,
    lines_with_phrase,
    strip_bullet,
    uncased,
    word_count,
)

# "CNN —", "WASHINGTON (AP) —", "(Reuters) -", "LONDON—": a few words, then a dash, and nothing else. A hyphen
# glued to the last word is a word broken at the line's end ("schools (K-") or a signature ("Peter-"), and a
# long run of dashes is a rule under a heading ("FIRST QUARTER ——————"): neither is a dateline.
_DATELINE = re.compile(r"[\w(][\w().,'&/ ]{0,40}?(?:\s+[\u2014\u2013-]{1,3}|[\w).][\u2014\u2013]{1,2})")


@lru_cache(maxsize=8)
def trailing_by(words: str) -> re.Pattern[str]:
    """A byline at the end of a timestamp ("5:45 AM PST 11/19/2019 by Patrick Shanley"): one of ``words`` (the
    ``byline_by`` list's alternation, in lower case only) and up to four capitalised names."""
    return re.compile(rf"\s(?:{words})\s+[{UPPER}][\w.'-]*(?:\s+[{UPPER}][\w.'-]*){{0,3}}$")


@rule(
    "byline.author", language_specific=True,
    order=160,
    local=True,
    max_words=14,
    min_cased_share=Param(0.6, "share of capitalised words among the names"),
)
def author(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove bylines: short lines that start with "By"/"Von"/"Par"/"Por" followed by capitalised names.

    The line has at most ``max_words`` words, does not end like a sentence,
    and once the ``byline_roles`` words are set aside, at least
    ``min_cased_share`` of its words are capitalised (or written in a
    script without capitals: "作者：张三", "글: 홍길동").
    """
    starts, roles = ctx.phrases["byline_start"], ctx.phrases["byline_roles"]
    for line in lines_holding(doc.short_lines(ctx["max_words"]), starts):
        text = line.text
        if ends_sentence(text):
            continue
        m = starts.match(text)
        if not m:
            continue
        names = roles.strip_all(text[m.end() :])
        share = cased_share(names)
        if word_count(names) and share >= ctx["min_cased_share"]:
            how = "in a script without capitals" if uncased(names) else "capitalised"
            yield Decision(line.start, line.end, f"byline: {m.group(0)!r} + names ({share:.0%} {how})")


@rule(
    "byline.dateline", order=115, max_words=6,
    prose_words=Param(10, "a line this long that ends a sentence is prose (a signature may follow it)"),
)
def dateline(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove datelines with no text after them: a line that is only a source or place and a dash ("CNN —").

    The dash stands apart ("CNN —") or is a dash glued to the place
    ("LONDON—"): a hyphen glued to a word is a word broken at the line's end.
    A letter's salutation ("Dear Mr. Kennedy—", a ``salutations`` entry)
    and a signature (a name and a dash under a paragraph of prose, with no
    prose after it: "Chip Ford --") have the same shape: a dateline heads
    the text it dates. They stay, logged as keeps.
    """
    salutations = ctx.phrases["salutations"]
    live: list[Line] = []
    for line in doc.short_lines(ctx["max_words"]):
        if not _DATELINE.fullmatch(line.text):
            continue
        if m := salutations.match(line.text):
            yield Decision(line.start, line.end, f"shaped like a dateline, but opens with {m.group(0)!r}: a "
                           "letter's salutation", action="keep")
            continue
        live = live or doc.live_lines()
        i = bisect_left(live, line)
        before = live[i - 1].text if i else ""
        after = live[i + 1].text if i + 1 < len(live) else ""
        if ends_sentence(before) and word_count(before) >= ctx["prose_words"] and not ends_sentence(after):
            yield Decision(line.start, line.end, "shaped like a dateline, but under a paragraph with no prose "
                           "after it: a signature", action="keep")
        else:
            yield Decision(line.start, line.end, "dateline with no text")


@rule(
    "byline.timestamp", language_specific=True, order=162, local=True, max_words=16, enabled=False,
    why_off="a post's date is article text in most gold standards (removal precision 0.66 on the dev pages).",
)
def timestamp(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove lines that are only a date or time ("Updated 5:50 PM ET, Sat September 17, 2016").

    Every word of the line must be a ``date_words`` entry or a number, and
    the line must hold a digit and a ``date_anchors`` entry (a month, a year,
    "Updated"): a bare time ("4:14 p.m.") may head an entry of a live blog.
    """
    dates, anchors = ctx.phrases["date_words"], ctx.phrases["date_anchors"]
    by = trailing_by(ctx.phrases["byline_by"].alternation)
    for line in doc.short_lines(ctx["max_words"]):
        text = line.text
        if (
            any(map(str.isdigit, text))  # has a digit (str.isdigit per character, without a Python loop)
            and anchors.search(text)
            and not LETTER.search(dates.strip_all(by.sub("", text)))
        ):
            yield Decision(line.start, line.end, "only a date or time")


@rule("byline.credit", language_specific=True, order=163, local=True, max_words=60)
def credit(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove contributor credits ("AP contributed to this report.", "Additional reporting by ...")."""
    yield from lines_with_phrase(doc, ctx, "contributors", "contributor credit")


@rule(
    "byline.contributors", language_specific=True,
    order=164,
    max_heading_words=Param(4, "the heading is at most this long"),
    max_names=10,
    max_name_words=6,
)
def contributors(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove contributor lists: a heading such as "Contributors" and the short name lines under it.

    The heading is a line that is all a ``contributor_headings`` entry (a
    list bullet allowed); up to ``max_names`` following lines of at most
    ``max_name_words`` words without sentence punctuation go with it.
    """
    headings = ctx.phrases["contributor_headings"]
    lines = doc.live_lines()
    end = 0  # the lines before this one are in a list already
    for i, line in anchors(doc, ctx["max_heading_words"], headings):
        if i < end or not headings.fullmatch(strip_bullet(line.text)):
            continue
        yield Decision(line.start, line.end, "contributor list heading")
        j = i + 1
        while j < len(lines) and j - i <= ctx["max_names"] and is_title_like(lines[j].text, ctx["max_name_words"]):
            yield Decision(lines[j].start, lines[j].end, "name in a contributor list")
            j += 1
        end = j


@rule("byline.reading_time", language_specific=True, order=165, local=True, max_words=8)
def reading_time(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove reading-time lines ("5 min read", "Lesezeit: 3 Minuten"): short lines with a ``reading_time`` phrase."""
    yield from lines_with_phrase(doc, ctx, "reading_time", "reading time")


@rule(
    "byline.bio", language_specific=True, order=166, last_lines=3, max_words=70, enabled=False,
    why_off="an author's closing note is article text in many gold standards (removal precision 0.82 on dev).",
)
def bio(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove author biographies: one of the last ``last_lines`` lines with a ``bio`` phrase ("is a staff writer").

    Only lines of at most ``max_words`` words at the very end of the text
    qualify: the same words in the body are reporting.
    """
    phrases = ctx.phrases["bio"]
    lines = doc.live_lines()
    for line in lines[-ctx["last_lines"] :]:
        if doc.is_short(line, ctx["max_words"]) and (m := phrases.search(line.text)):
            yield Decision(line.start, line.end, f"author biography {m.group(0)!r} in the last lines")
