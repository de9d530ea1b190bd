"""Share and follow buttons ("Facebook Twitter Email", "Share this article", "Follow us on Twitter")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaner.document import Document
from cleaner.rules import Decision, RuleContext, rule
from heuristics._lines import only_entries

_FOLLOW = re.compile(
    r"follow\b.{0,60}?\bon\s+(?:twitter|x|facebook|instagram|linkedin|threads|bluesky|tiktok|youtube|mastodon)\b",
    re.IGNORECASE,
)


@rule("share.buttons", language_specific=True, order=150, local=True, max_words=15)
def buttons(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove share and follow lines: short lines made only of share-button words, counts and symbols.

    A line of at most ``max_words`` words goes when it has letters besides
    ``share_connectors`` ("on", "and") and nothing but digits and
    punctuation is left after taking out every ``share`` entry and
    connector ("Share 12 | Tweet"). A line inviting the reader to follow
    someone on a social network is kept and noted: it is often the author's own.
    """
    share, connectors = ctx.phrases["share"], ctx.phrases["share_connectors"]
    for line in doc.short_lines(ctx["max_words"]):
        text = line.text
        if only_entries(text, share, connectors):
            yield Decision(line.start, line.end, "only share/follow button words")
        elif _FOLLOW.match(text):  # often the author's own line, which gold standards keep: say so, keep it
            yield Decision(line.start, line.end, "invites to follow on a social network: kept (often the author's)",
                           "keep")
