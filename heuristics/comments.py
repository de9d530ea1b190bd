"""Comment sections at the end of an article ("Top Rated Comments", "Leave a reply", "12 comments")."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document, Line
from cleaner.rules import Decision, Param, RuleContext, rule
from heuristics._lines import anchors


@rule(
    "comments.section", language_specific=True,
    order=135,
    min_position=Param(0.5, "the heading must come after this share of the text"),
    min_link_position=Param(0.8, 'a link to the comments ("View comments") after this share needs no sign of comments'),
    max_heading_words=Param(6, "the heading is at most this long"),
    evidence_lines=Param(8, "lines after an ambiguous heading searched for a sign of reader comments"),
    min_thread_signs=Param(3, "an earlier heading opens the section when this many comments follow it..."),
    max_comment_lines=Param(5, "... one after another, each sign of a comment at most this many lines after the last"),
)
def section(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a comment section: a comment heading in the last part of the text (or right above a thread), and
    everything after it.

    The heading is a line that is all a ``comment_headings`` entry ("12
    comments", "Leave a reply"), and it must come after ``min_position`` of
    the document's characters, so that a heading near the top (a link to the
    comments) takes nothing with it. A heading that may also open a part of
    the article ("Comments", "Discussion": a ``comment_headings_ambiguous``
    entry) needs a sign of reader comments in the ``evidence_lines`` lines
    after it (a ``comment_markers`` entry: "Reply", "Posted by", "says:", a
    comment form); without one the section is kept and the audit log says so.
    A link to the comments (a ``comment_links`` entry: "View comments")
    opens the thread when it comes after ``min_link_position`` of the text;
    before that it may stand above the article body, and needs a sign too.
    A heading (sure or ambiguous) that comes before ``min_position`` (a
    thread longer than the article: "156 Responses to ...", then a name and
    a time above every comment) opens the section only when a thread starts
    right under it: ``min_thread_signs`` signs of comments one after
    another, each at most ``max_comment_lines`` lines after the heading or
    the sign before (a link to the comments above an article is followed by
    paragraphs of article text).
    """
    sure, ambiguous = ctx.phrases["comment_headings"], ctx.phrases["comment_headings_ambiguous"]
    links = ctx.phrases["comment_links"]
    lines = doc.live_lines()
    total = len(doc.text) or 1
    for i, line in anchors(doc, ctx["max_heading_words"], sure, ambiguous, links):
        position = line.start / total
        if position < ctx["min_position"]:
            if not (sure.fullmatch(line.text) or ambiguous.fullmatch(line.text)):
                continue
            # Every line after it, also those an earlier rule removed (a "Posted by" line under each comment).
            signs = _thread_signs(doc.lines[line.index + 1 :], ctx)
            if signs < ctx["min_thread_signs"]:
                continue
            why = (f"comment section heading at {position:.0%} of the text, before a thread ({signs} signs of "
                   f"comments in a row under it, {ctx['max_comment_lines']} lines apart at most)")
        elif sure.fullmatch(line.text):
            why = f"comment section heading at {position:.0%} of the text"
        elif position >= ctx["min_link_position"] and links.fullmatch(line.text):
            why = f"link to the comments at {position:.0%} of the text, before the thread"
        elif ambiguous.fullmatch(line.text) or links.fullmatch(line.text):
            sign = _comment_sign(lines[i + 1 : i + 1 + ctx["evidence_lines"]], ctx)
            if sign is None:
                yield Decision(line.start, line.end, "a heading like a comment section's, but nothing after it "
                               "looks like reader comments", "keep")
                continue
            why = f"comment section heading at {position:.0%} of the text, followed by {sign!r}"
        else:
            continue
        yield Decision(line.start, line.end, why)
        for later in lines[i + 1 :]:
            yield Decision(later.start, later.end, f"in the comment section that starts at line {line.index + 1}")
        return


def _thread_signs(lines: list[Line], ctx: RuleContext) -> int:
    """How many signs of comments (lines holding a ``comment_markers`` entry) come one after another from the start
    of ``lines``, each at most ``max_comment_lines`` lines after the one before (the first: after the start); at
    most ``min_thread_signs``."""
    markers = ctx.phrases["comment_markers"]
    apart, enough = ctx["max_comment_lines"], ctx["min_thread_signs"]
    count, last = 0, -1
    for k, line in enumerate(lines):
        if k - last > apart or count >= enough:
            break
        if markers.search(line.text):
            count, last = count + 1, k
    return count


def _comment_sign(lines: list[Line], ctx: RuleContext) -> str | None:
    """The first ``comment_markers`` entry found in ``lines``, if any."""
    markers = ctx.phrases["comment_markers"]
    for line in lines:
        if m := markers.search(line.text):
            return m.group(0).strip()
    return None
