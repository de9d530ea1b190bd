"""Labelled summary blocks ("Story highlights", "Key points") and the items under the label."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.rules import Decision, Param, RuleContext, rule
from heuristics._lines import BULLET, anchors, ends_sentence, is_short, strip_bullet


@rule(
    "labelled.block", language_specific=True,
    order=170,
    max_label_words=Param(6, "the label line is at most this long"),
    max_items=6,
    max_item_words=30,
)
def block(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove summary blocks: a label line such as "Story highlights" and the short items that follow it.

    Items are up to ``max_items`` lines of at most ``max_item_words`` words
    that do not end like a sentence or are bulleted; the block stops at the
    first line that does not qualify.
    """
    labels = ctx.phrases["labels"]
    lines = doc.live_lines()
    end = 0  # the lines before this one are in a block already
    for i, line in anchors(doc, ctx["max_label_words"], labels):
        if i < end or not labels.fullmatch(strip_bullet(line.text)):
            continue
        yield Decision(line.start, line.end, f"summary block label {line.text!r}")
        j = i + 1
        while j < len(lines) and j - i <= ctx["max_items"]:
            item = lines[j].text
            if not is_short(item, ctx["max_item_words"]) or item.endswith(":") or (
                ends_sentence(item) and not BULLET.match(item)
            ):
                break
            yield Decision(lines[j].start, lines[j].end, f"item {j - i} of a summary block")
            j += 1
        end = j
