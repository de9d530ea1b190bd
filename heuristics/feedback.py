"""Feedback and survey widgets ("Have feedback?", "How likely are you to recommend ...")."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.rules import Decision, Param, RuleContext, rule
from heuristics._lines import anchors


@rule(
    "feedback.widget", language_specific=True,
    order=110,
    max_words=Param(25, "a line with a feedback phrase is at most this long"),
    max_item_words=Param(10, 'answer lines ("0 = Very unlikely", "Thank you!") are at most this long'),
    max_gap=Param(3, "answer lines reach at most this many lines past the last phrase"),
)
def widget(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove feedback and survey widgets: a line with a feedback phrase and the short answer lines around it.

    The widget starts at a short line holding a ``feedback`` phrase and goes
    on over following lines of at most ``max_item_words`` words, up to
    ``max_gap`` lines past the last line with a phrase.
    """
    phrases = ctx.phrases["feedback"]
    lines = doc.live_lines()
    max_words, max_gap, max_item_words = ctx["max_words"], ctx["max_gap"], ctx["max_item_words"]
    found = [(i, line, m) for i, line in anchors(doc, max_words, phrases) if (m := phrases.search(line.text))]
    for k, (i, line, m) in enumerate(found):
        yield Decision(line.start, line.end, f"feedback widget phrase {m.group(0)!r}")
        stop = found[k + 1][0] if k + 1 < len(found) else len(lines)  # the next phrase line starts a widget anew
        for j in range(i + 1, min(i + max_gap + 1, stop)):
            if not doc.is_short(lines[j], max_item_words):
                break
            yield Decision(lines[j].start, lines[j].end, f"short line in a feedback widget, {j - i} after its phrase")
