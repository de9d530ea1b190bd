"""Comment sections at the end of an article ("Top Rated Comments", "Leave a reply", "12 comments")."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.rules import Decision, Param, RuleContext, rule


@rule(
    "comments.section",
    order=135,
    min_position=Param(0.5, "the heading must come after this share of the text"),
    max_heading_words=Param(6, "the heading is at most this long"),
)
def section(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a comment section: a comment heading in the last part of the text, and everything after it.

    The heading is a line that is all a ``comment_headings`` entry, and it
    must come after ``min_position`` of the document's characters, so that a
    heading near the top (a link to the comments) takes nothing with it.
    """
    headings = ctx.phrases["comment_headings"]
    lines = doc.live_lines()
    total = len(doc.text) or 1
    for i, line in enumerate(lines):
        if line.start / total < ctx["min_position"] or not doc.is_short(line, ctx["max_heading_words"]):
            continue
        if headings.fullmatch(line.text):
            position = line.start / total
            yield Decision(line.start, line.end, f"comment section heading at {position:.0%} of the text")
            for later in lines[i + 1 :]:
                yield Decision(later.start, later.end, f"in the comment section that starts at line {line.index + 1}")
            return
