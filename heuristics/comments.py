"""Comment sections at the end of an article ("Top Rated Comments", "Leave a reply", "12 comments"), and the
stock text of comment forms ("Your email address will not be published")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaner.document import Document, Line
from cleaner.phrases import PhraseList
from cleaner.rules import Decision, Param, RuleContext, rule
from cleaner.text import count_words
from heuristics._lines import anchors, lines_with_phrase
from heuristics._page import title_key, title_keys, title_words

_DIGITS = re.compile(r"\d+(?:st|nd|rd|th)?")


@rule(
    "comments.section", language_specific=True,
    order=135,
    min_position=Param(0.5, "the heading must come after this share of the text"),
    min_link_position=Param(0.8, 'a link to the comments ("View comments") after this share needs no sign of comments'),
    max_heading_words=Param(6, "the heading is at most this long"),
    max_titled_heading_words=Param(30, 'a heading naming the post ("38 Responses to “...”") is at most this long'),
    evidence_lines=Param(8, "lines after an ambiguous heading searched for a sign of reader comments (after an "
                         "early heading naming the post, for a comment heading or form line)"),
    titled_early=Param(True, "an earlier heading naming the post opens the section when a comment heading or form "
                       "line follows it within evidence_lines"),
    headline_lines=Param(2, "a heading this many lines or fewer above a copy of the page title is a link above "
                         "the article"),
    min_thread_signs=Param(3, "an earlier heading opens the section when this many comments follow it..."),
    max_comment_lines=Param(5, "... one after another, each sign of a comment at most this many lines after the last"),
    max_repeated_sign_lines=Param(25, "... or this many when the sign is the line before's but for its digits "
                                  "(the same date line under every commenter's name, above long comments)"),
    headingless_signs=Param(0, "with no heading, a thread starts at the first of this many signs of comments in a "
                            "row after min_position (0: off; CleanEval's gold keeps reader comments)"),
    max_sign_words=Param(12, "... each a line of at most this many words"),
)
def section(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a comment section: a comment heading in the last part of the text (or right above a thread), and
    everything after it.

    The heading is a line that is all a ``comment_headings`` entry ("12
    comments", "Leave a reply") of at most ``max_heading_words`` words, or
    all a ``comment_headings_titled`` entry (a heading naming the post: "38
    Responses to “Why Focus ...”") of at most ``max_titled_heading_words``,
    and it must come after ``min_position`` of
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
    another (a ``comment_markers`` entry, or a ``comment_dates`` one beside
    such an entry), each at most ``max_comment_lines`` lines after the heading or
    the sign before (a link to the comments above an article is followed by
    paragraphs of article text), or, for a heading naming the post (WordPress's
    "4 Responses to “...”", whose thread an extractor or the page may have
    left out, with a long sidebar after it), when another comment heading
    ("Leave a Reply") or a ``comment_form`` line follows it within
    ``evidence_lines`` (``titled_early``; a post's own byline under a link
    to its comments, "Posted at 1:37 pm", is no such line). A heading that
    would open the section but stands at most ``headline_lines`` lines (also
    those an earlier rule removed) above a line repeating the page title (the first line, or the
    ``title`` metadata) is a link to the comments in the toolbar above the
    article ("Comments", then the headline, then "Posted by ..."): that line
    goes, and nothing after it (once ``headline.repeated`` took the copy of
    the title, a later pass or a second cleaning could no longer tell).
    With ``headingless_signs`` set (off by default), a thread with no
    heading goes too: from the first of that many short signs of comments
    in a row after ``min_position`` (a commenter's date line, "Reply").
    """
    short, ambiguous = ctx.phrases["comment_headings"], ctx.phrases["comment_headings_ambiguous"]
    titled, links = ctx.phrases["comment_headings_titled"], ctx.phrases["comment_links"]
    lines = doc.live_lines()
    total = len(doc.text) or 1
    limit = max(ctx["max_heading_words"], ctx["max_titled_heading_words"])
    titles: set[str] | None = None
    for i, line in anchors(doc, limit, short, ambiguous, links, titled):
        text = line.text
        if doc.is_short(line, ctx["max_heading_words"]):
            sure = short.fullmatch(text) or titled.fullmatch(text)
            maybe, link = ambiguous.fullmatch(text), links.fullmatch(text)
        else:  # longer than a heading: only one naming the post
            sure, maybe, link = titled.fullmatch(text), None, None
        position = line.start / total
        if position < ctx["min_position"]:
            if not (sure or maybe):
                continue
            # Every line after it, also those an earlier rule removed (a "Posted by" line under each comment).
            signs = _thread_signs(doc.lines[line.index + 1 :], ctx)
            if signs >= ctx["min_thread_signs"]:
                why = (f"comment section heading at {position:.0%} of the text, before a thread ({signs} signs of "
                       f"comments in a row under it, {ctx['max_comment_lines']} lines apart at most)")
            elif ctx["titled_early"] and titled.fullmatch(text) and (
                form := _form_line(doc.lines[line.index + 1 : line.index + 1 + ctx["evidence_lines"]], short, ctx)
            ):
                why = f"comment section heading naming the post at {position:.0%} of the text, followed by {form!r}"
            else:
                continue
        elif sure:
            why = f"comment section heading at {position:.0%} of the text"
        elif position >= ctx["min_link_position"] and link:
            why = f"link to the comments at {position:.0%} of the text, before the thread"
        elif maybe or link:
            # The lines under it, also those an earlier rule removed (a comment form's "Your email address ...").
            sign = _comment_sign(doc.lines[line.index + 1 : line.index + 1 + ctx["evidence_lines"]], ctx)
            if sign is None:
                yield Decision(line.start, line.end, "a heading like a comment section's, but nothing after it "
                               "looks like reader comments", "keep")
                continue
            why = f"comment section heading at {position:.0%} of the text, followed by {sign!r}"
        else:
            continue
        if titles is None:
            titles = _titles(doc)
        after = doc.lines[line.index + 1 : line.index + 1 + ctx["headline_lines"]]  # also lines removed before
        if _before_headline(after, titles):
            yield Decision(line.start, line.end, "a link to the comments above the article (the page's headline "
                           "follows it): the link goes, nothing after it")
            continue
        yield Decision(line.start, line.end, why)
        for later in lines[i + 1 :]:
            yield Decision(later.start, later.end, f"in the comment section that starts at line {line.index + 1}")
        return
    if ctx["headingless_signs"]:
        yield from _headingless_thread(doc, lines, total, ctx)


def _headingless_thread(doc: Document, lines: list[Line], total: int, ctx: RuleContext) -> Iterator[Decision]:
    """A thread with no heading above it (a name, "27 October 2012 at 9:14 pm", the comment, "Reply"):
    everything from its first sign of a comment after ``min_position`` of the text, when ``headingless_signs``
    signs of at most ``max_sign_words`` words follow one another (see :func:`_thread_signs`)."""
    markers, dates = ctx.phrases["comment_markers"], ctx.phrases["comment_dates"]
    enough, max_words = ctx["headingless_signs"], ctx["max_sign_words"]
    for i, line in anchors(doc, max_words, markers, dates):
        position = line.start / total
        if position < ctx["min_position"] or not (markers.search(line.text) or dates.search(line.text)):
            continue
        signs = _thread_signs(doc.lines[line.index :], ctx, enough, max_words)
        if signs < enough:
            continue
        yield Decision(line.start, line.end, f"a thread of reader comments with no heading, at {position:.0%} of "
                       f"the text ({signs} signs of comments in a row from this line)")
        for later in lines[i + 1 :]:
            yield Decision(later.start, later.end, f"in the comment thread that starts at line {line.index + 1}")
        return


def _thread_signs(lines: list[Line], ctx: RuleContext, enough: int = 0, max_words: int = 0) -> int:
    """How many signs of comments come one after another from the start of ``lines``, each at most
    ``max_comment_lines`` lines after the one before (the first: after the start); at most ``enough``
    (``min_thread_signs`` when 0). ``max_words``: a longer line is no sign (when not 0).

    A sign is a line holding a ``comment_markers`` entry, or a ``comment_dates`` one (a line that is only a date,
    under a commenter's name); dates count only in a run that has a ``comment_markers`` sign too, so that a table
    of dates is not taken for a thread. A sign that repeats the one before but for its digits ("August 2nd, 2012
    at 1:08 pm" after "August 2nd, 2012 at 12:36 pm") may come up to ``max_repeated_sign_lines`` after it: the
    comments between them are long.
    """
    markers, dates = ctx.phrases["comment_markers"], ctx.phrases["comment_dates"]
    apart, repeated = ctx["max_comment_lines"], ctx["max_repeated_sign_lines"]
    enough = enough or ctx["min_thread_signs"]
    count, strong, last, shape = 0, 0, -1, None
    for k, line in enumerate(lines):
        if k - last > max(apart, repeated if shape else 0) or (count >= enough and strong):
            break
        if max_words and count_words(line.text) > max_words:  # words as doc.short_lines counts them (anchors)
            continue
        strong_sign = markers.search(line.text) is not None
        if not strong_sign and not dates.search(line.text):
            continue
        this = _DIGITS.sub("0", line.text)
        if k - last > apart and this != shape:
            break
        count, strong, last, shape = count + 1, strong + strong_sign, k, this
    return min(count, enough) if strong else 0


def _titles(doc: Document) -> set[str]:
    """The keys of a line repeating the page title: of the first line (converters print ``<title>`` first) and of
    the ``title`` metadata (see :func:`heuristics._page.title_keys`)."""
    keys = title_keys(doc.lines[0].text) if doc.lines else set()
    title = doc.meta.get("title")
    if isinstance(title, str) and title.strip():
        keys |= title_keys(title)
    return keys


def _before_headline(lines: list[Line], titles: set[str]) -> bool:
    """Whether one of ``lines`` (of 3+ words) repeats the page title (``titles``: its keys)."""
    return any(title_words(line.text) >= 3 and title_key(line.text) in titles for line in lines)


def _form_line(lines: list[Line], headings: PhraseList, ctx: RuleContext) -> str | None:
    """The first of ``lines`` that is a comment heading ("Leave a Reply") or holds a ``comment_form`` phrase, if
    any: the comment area's own furniture, which a post's byline ("Posted at 1:37 pm") under a link to its
    comments is not."""
    form = ctx.phrases["comment_form"]
    for line in lines:
        if headings.fullmatch(line.text):
            return line.text.strip()
        if m := form.search(line.text):
            return m.group(0).strip()
    return None


def _comment_sign(lines: list[Line], ctx: RuleContext) -> str | None:
    """The first ``comment_markers`` entry found in ``lines``, if any."""
    markers = ctx.phrases["comment_markers"]
    for line in lines:
        if m := markers.search(line.text):
            return m.group(0).strip()
    return None


@rule("comments.form", language_specific=True, order=96, local=True, max_words=40)
def form(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove comment forms: short lines holding a ``comment_form`` phrase, the stock text of a blog platform's
    comment form ("Your email address will not be published", "Notify me of follow-up comments by email").

    Where no comment heading opens a section (the form stands above the
    comments, or the extractor kept the form alone), its lines are left
    over; on a whole page, a form's long sentences ("Comments are
    moderated, and will not appear until the author has approved them")
    may outweigh a short article.
    """
    yield from lines_with_phrase(doc, ctx, "comment_form", "comment form phrase")
