"""A headline repeated verbatim further down the text (keep the first)."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.rules import Decision, RuleContext, rule
from cleaner.text import folded_words, line_cache


@line_cache()
def _key(text: str) -> str:
    """``text`` case-folded, with every run of non-word characters one space (cached: later passes ask again)."""
    return " ".join(folded_words(text))  # every run of non-word characters one space, none at the ends


@rule("headline.repeated", order=200, max_words=40)
def repeated(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove later copies of the headline (the first line, or the page title), ignoring case and punctuation."""
    lines = doc.live_lines()
    if not lines:
        return
    heads = {_key(lines[0].text)} if doc.is_short(lines[0], ctx["max_words"]) else set()
    title = doc.meta.get("title")
    if isinstance(title, str) and title.strip():
        heads.add(_key(title))
    heads.discard("")
    if not heads:
        return
    # A copy is about as long as the headline (punctuation aside): compare only lines of a close length.
    lo, hi = min(map(len, heads)) // 2, 2 * max(map(len, heads)) + 8
    for line in lines[1:]:
        if lo <= len(line.text) <= hi and _key(line.text) in heads:
            yield Decision(line.start, line.end, "repeats the headline")
