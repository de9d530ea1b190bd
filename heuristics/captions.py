"""Photo captions and credits ("... Karam Al-Masri / AFP - Getty Images", "© Getty Images")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaner.document import Document, Line
from cleaner.phrases import lines_holding
from cleaner.rules import Decision, Param, RuleContext, rule
from cleaner.text import LOWER, UPPER

# A credit tail starts after the last slash, pipe, copyright sign or opening
# parenthesis of the line ("... Sunday. Karam Al-Masri / AFP - Getty Images"),
# or after a full stop glued to the next word ("... in New York.Reuters"). The
# greedy ".*" makes a match end right after the last such separator.
_LAST_SEPARATOR = re.compile(rf"\A(?s:.*)(?:[/|\u00a9(]|\.(?<=[{LOWER})]\.)(?=[{UPPER}]))")
# "(c)" is a copyright sign only before a year ("(c) 2012 Getty Images"); alone it marks a team's captain.
_COPYRIGHT = re.compile(r"\u00a9|\(c\)\s*(?:19|20)\d\d\b", re.IGNORECASE)


@rule(
    "captions.credit", language_specific=True,
    order=120,
    max_words=Param(60, "captions can be long, body paragraphs are longer"),
    max_share=Param(0.5, "captions holding more of the text's words than this are a photo gallery's: kept"),
    max_marker_words=Param(25, '"Photo: ..." lines are at most this long'),
    tail_chars=Param(80, "the credit sits in the last this many characters"),
)
def credit(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove photo captions and credit lines: lines that start with a credit marker or end with a photo agency credit.

    A line of at most ``max_words`` words goes when it starts with a
    ``credit_markers`` entry ("©", "Photo:") or ends with a
    ``credit_agencies`` entry set off by "/", "|", "©" or "(" within its last
    ``tail_chars`` characters ("Name / AFP - Getty Images"; a credit names an
    agency or a person, so all in lower case it is prose: "storage
    containers/pool."), or in closing
    parentheses that start with a marker or agency ("(AP Photo/Jane Doe)"),
    or glued to the
    caption's last sentence ("... in New York.Reuters"); a short line with a
    copyright sign near its end goes too. When the captions hold more than
    ``max_share`` of the text's words, the text is a photo gallery whose
    captions are the article: they stay, each logged as a keep.
    """
    found = list(_credits(doc, ctx))
    if not found:  # most texts: no need to count the words of every line
        return
    words = sum(doc.word_count(line) for line in doc.live_lines())
    captions = sum(doc.word_count(line) for line, _ in found)
    gallery = words and captions > ctx["max_share"] * words
    for line, why in found:
        if gallery:
            yield Decision(line.start, line.end, f"{why}, but the captions hold {captions / words:.0%} of the text's "
                           "words: a photo gallery, whose captions are the article", action="keep")
        else:
            yield Decision(line.start, line.end, why)


def _credits(doc: Document, ctx: RuleContext) -> Iterator[tuple[Line, str]]:
    """Every caption or credit line of ``doc`` with the reason it is one (see :func:`credit`)."""
    markers, agencies = ctx.phrases["credit_markers"], ctx.phrases["credit_agencies"]
    max_marker_words, tail_chars = ctx["max_marker_words"], ctx["tail_chars"]
    short = doc.short_lines(ctx["max_words"])
    # The lines in which a marker or an agency may be found (one set look-up a line): on the others only a
    # copyright sign can make a credit. A credit tail starts after a separator, so its words are the line's.
    held = {line.index for line in lines_holding(short, markers, agencies)}
    for line in short:
        text = line.text
        tail = text[-tail_chars:]
        paren = tail.rfind("(")
        if line.index in held:
            if doc.is_short(line, max_marker_words) and (m := markers.match(text)):
                yield line, f"starts with credit marker {m.group(0).strip()!r}"
                continue
            last = _LAST_SEPARATOR.match(tail)
            if last and agencies.endswith(credit := tail[last.end() :]) and not credit.islower():
                yield line, f"ends with photo credit {tail[last.end() - 1 :].strip()!r}"
                continue
            if paren >= 0 and tail.rstrip().endswith(")") and (
                markers.match(tail[paren + 1 :]) or agencies.match(tail[paren + 1 :])
            ):
                yield line, f"ends with photo credit {tail[paren:].strip()!r}"
                continue
        if ("\u00a9" in tail or paren >= 0) and doc.is_short(line, max_marker_words) and _COPYRIGHT.search(tail):
            yield line, "copyright sign near the end of a short line: a photo credit"
