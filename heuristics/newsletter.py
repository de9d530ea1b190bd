"""Newsletter and subscription prompts ("Subscribe to Breaking News emails", "Sign up for our newsletter")."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.rules import Decision, RuleContext, rule
from heuristics._lines import is_short, word_count


@rule("newsletter.prompt", order=100)
def prompt(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove short lines that invite the reader to subscribe or sign up, and the headings of such widgets.

    A line goes when it starts with a prompt phrase (``newsletter_start``
    list), holds one anywhere (``newsletter`` list) or is all a widget
    heading (``newsletter_headings`` list), and is at most ``max_words`` long.
    """
    start, anywhere, headings = ctx.phrases["newsletter_start"], ctx.phrases["newsletter"], ctx.phrases[
        "newsletter_headings"
    ]
    for line in doc.live_lines():
        words = word_count(line.text)
        if not is_short(line.text, ctx["max_words"]):
            continue
        if m := start.match(line.text):
            yield Decision(line.start, line.end, f"starts with prompt phrase {m.group(0)!r}, {words} words")
        elif words <= ctx["max_heading_words"] and headings.fullmatch(line.text):
            yield Decision(line.start, line.end, f"newsletter widget heading, {words} words")
        elif m := anywhere.search(line.text):
            yield Decision(line.start, line.end, f"holds prompt phrase {m.group(0)!r}, {words} words")
