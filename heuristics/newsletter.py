"""Newsletter and subscription prompts ("Subscribe to Breaking News emails", "Sign up for our newsletter")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaner.document import Document
from cleaner.phrases import PhraseList, lines_holding
from cleaner.rules import Decision, Param, RuleContext, rule


@rule(
    "newsletter.prompt", language_specific=True,
    order=100,
    local=True,
    max_words=Param(30, "longer lines are never taken for a prompt"),
    max_heading_words=Param(6, "a widget heading is at most this long"),
)
def prompt(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove short lines that invite the reader to subscribe or sign up, and the headings of such widgets.

    A line of at most ``max_words`` words goes when it starts with a prompt
    phrase (``newsletter_start`` list), is all a widget heading
    (``newsletter_headings`` list), or holds a ``newsletter`` phrase and
    addresses the reader (a ``second_person`` word) — "The newsletter first
    reported the story" is reporting, "Get our newsletter in your inbox" is
    a prompt. Such a line that ends with a question mark ("What would you
    do with hundreds of pitches in your inbox?") is kept and logged. A form
    field (``newsletter_fields``: "email address") asks for the reader's
    address in a line of heading length ("Please enter a valid email
    address") or right after the reader's possessive ("your email address",
    "your friend's email address"); elsewhere prose speaks of one ("share by
    adding someone's email address").
    """
    start, anywhere, headings = ctx.phrases["newsletter_start"], ctx.phrases["newsletter"], ctx.phrases[
        "newsletter_headings"
    ]
    you, fields = ctx.phrases["second_person"], ctx.phrases["newsletter_fields"]
    max_heading_words = ctx["max_heading_words"]
    for line in lines_holding(doc.short_lines(ctx["max_words"]), start, headings, anywhere, fields):
        words = doc.word_count(line)
        if m := start.match(line.text):
            yield Decision(line.start, line.end, f"starts with prompt phrase {m.group(0)!r}, {words} words")
        elif words <= max_heading_words and headings.fullmatch(line.text):
            yield Decision(line.start, line.end, f"newsletter widget heading, {words} words")
        elif (m := anywhere.search(line.text)) and (words <= max_heading_words or you.search(line.text)):
            if words > max_heading_words and line.text.rstrip().endswith("?"):
                yield Decision(line.start, line.end, f"holds prompt phrase {m.group(0)!r}, but asks a question: "
                               "a prompt invites, prose asks", "keep")
            else:
                yield Decision(line.start, line.end, f"holds prompt phrase {m.group(0)!r} and addresses the reader")
        elif (m := fields.search(line.text)) and (
            words <= max_heading_words or (m := _readers(line.text, fields, you))
        ):
            yield Decision(line.start, line.end, f"asks for an address ({m.group(0)!r}), {words} words")


_WORD = re.compile(r"[\w'\u2019-]+")


def _readers(text: str, fields: PhraseList, you: PhraseList) -> re.Match[str] | None:
    """The first ``fields`` entry in ``text`` with a ``second_person`` word among the two words before it: the
    reader's own address ("your email address", "your friend's email address"), not one spoken of."""
    pos = 0
    while m := fields.search(text[pos:]):
        if you.search(" ".join(_WORD.findall(text[max(0, pos + m.start() - 40) : pos + m.start()])[-2:])):
            return m
        pos += m.end()
    return None
