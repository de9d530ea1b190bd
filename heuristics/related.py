"""Related, recommended and read-more links ("Related: ...", "Read more", "You may also like")."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from cleaner.document import Document, Line
from cleaner.phrases import PhraseList, lines_holding
from cleaner.rules import Decision, Param, RuleContext, rule
from cleaner.text import UPPER
from heuristics._lines import (
    ends_sentence,
    is_short,
    is_title_like,
    looks_like_code,
    strip_bullet,
    uncased,
    word_count,
)

_OPENING = re.compile(r"^[\[(]\s*")
# What may follow a link phrase for the line to be only a web address ("More: http://example.org/").
_BARE_ADDRESS = re.compile(r"(?:https?://|www\.)\S+\s*")
_ADDRESS = "starts with a link phrase and a web address"
# Bullet characters, brackets and spaces: what may stand before "Read" at the start of a line.
_LEAD = r"[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043*>\u2013\u2014\-\s\[(]"


@lru_cache(maxsize=8)
def read_patterns(verbs: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns of the ``read_verbs`` list (``verbs``: its alternation): "Read" + a capitalised headline ("Read
    Russia accuses Israel of ..."), and what starts a line whose text, without its bullet and opening bracket,
    starts so.

    The second is one anchored match that fails at once on most lines: "Read" after any run of bullet characters,
    brackets and spaces. A match starts only where such a run starts and takes all of it (no verb starts with one of
    its characters): linear.
    """
    headline = re.compile(rf"(?i:{verbs})\s+(?=[\"'\u201c\u2018\u00ab\u201e]?[{UPPER}])")
    return headline, re.compile(rf"(?<!{_LEAD}){_LEAD}*+(?i:{verbs})\s")


@rule(
    "related.link", language_specific=True,
    order=140,
    max_words=Param(25, "a link line is at most this long"),
    max_list=Param(8, 'headline lines taken under a "Most popular" heading'),
    prose_words=Param(20, "a paragraph this long is article prose..."),
    min_listed=Param(3, '... and this many "More: <address>" lines between prose lines are a list the article gives'),
)
def link(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove links to other articles: short lines starting with a read-more phrase, and the list under such a heading.

    A line of at most ``max_words`` words goes when it starts with a
    ``related`` entry and does not end like a sentence (unless the entry ends
    with ":"), or when it is "Read" followed by a capitalised headline. A
    line that is only such a heading ("Most popular") also takes up to
    ``max_list`` headline-like lines after it. A phrase followed by a bare web
    address only ("More: http://example.org") points to a source, not to
    another article of the site: when ``min_listed`` such lines stand between
    paragraphs of prose, they are the article's list of addresses (one per
    entry it presents) and stay, logged as a keep.
    """
    phrases = ctx.phrases["related"]
    lines = doc.live_lines()
    max_words = ctx["max_words"]
    # A line is judged below only when it may start a verdict (a related phrase or "Read" in it) or follows a
    # heading: every other line would only end a list, and none is open there.
    words = doc.line_words
    found = [ln for ln in lines if words[ln.index] <= max_words]  # more words stay too many once stripped
    read_headline, read_start = read_patterns(ctx.phrases["read_verbs"].alternation)
    found = [ln for ln in found if read_start.match(ln.text)] + lines_holding(found, phrases)
    if not found:
        return
    starts = sorted({bisect_left(lines, ln) for ln in found})
    addresses = []  # "More: http://..." lines: kept when the article lists them (decided after the loop)
    in_list = 0
    i = -1
    for start in starts:
        if start <= i:  # judged already, in a list
            continue
        i = start
        while True:
            in_list, verdict = _judge_link(doc, lines[i], phrases, read_headline, in_list, ctx)
            if verdict is not None and verdict.reason == _ADDRESS:
                addresses.append(lines[i])
            elif verdict is not None:
                yield verdict
            if not in_list or i + 1 >= len(lines):
                break
            i += 1
    inside = listed_between_prose(doc, addresses, ctx["prose_words"], ctx["min_listed"])
    for line in addresses:
        if line.start in inside:
            yield Decision(line.start, line.end, f"a link phrase and a web address, but one of {len(inside)} between "
                           "paragraphs: a list of addresses the article gives", action="keep")
        else:
            yield Decision(line.start, line.end, _ADDRESS)


def _judge_link(
    doc: Document, line: Line, phrases: PhraseList, read_headline: re.Pattern[str], in_list: int, ctx: RuleContext
) -> tuple[int, Decision | None]:
    """``related.link``'s verdict on one line, given how many more list lines the heading above allows:
    the count for the next line, and the decision if any (``read_headline``: see :func:`read_patterns`)."""
    max_words = ctx["max_words"]
    # A bullet and an opening bracket hold no word: a line with too many words stays too long without them.
    if doc.word_count(line) > max_words:
        return 0, None
    text = _OPENING.sub("", strip_bullet(line.text))
    if not is_short(text, max_words):
        return 0, None
    m = phrases.match(text)
    if m and phrases.fullmatch(text):
        return ctx["max_list"], Decision(line.start, line.end, f"related-links heading {m.group(0)!r}")
    if m and _BARE_ADDRESS.fullmatch(text[m.end() :].lstrip(" \t:.")):
        return 0, Decision(line.start, line.end, _ADDRESS)
    if m and (not ends_sentence(text) or m.group(0).endswith(":")):
        return 0, Decision(line.start, line.end, f"starts with link phrase {m.group(0)!r}")
    if read_headline.match(text) and not ends_sentence(text):
        return 0, Decision(line.start, line.end, "'Read' followed by a headline")
    if in_list and is_title_like(text, max_words):
        return in_list - 1, Decision(line.start, line.end, "headline in a related-links list")
    return 0, None


# "China furious at Macron for Hong Kong protest jibe [INSIGHT]", "... [VÍDEO]", "... [FOTO'S]": a label of letters
# (any alphabet), maybe joined by apostrophes or single spaces. Each separator must be followed by a letter and is no
# letter itself: one way to match from each bracket (linear).
_BRACKET_TAG = re.compile(r"[\[(\u3010\uff08]\s*([^\W\d_]+(?:['\u2019 ][^\W\d_]+)*)\s*[\])\u3011\uff09]\W*$")
# An e-mail address (it starts where its run starts: linear).
_EMAIL_PATTERN = r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+"
# E-mail addresses, @handles and social-network profile links (plain URLs may be cited sources: they stay).
_LINKISH = re.compile(
    _EMAIL_PATTERN + r"|(?<![\w@])@\w+"
    r"|(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin|tiktok|threads)\.(?:com|net)/\S*"
)


@rule(
    "related.teaser", language_specific=True,
    order=141,
    local=True,
    max_words=25,
    tail_chars=Param(30, "the label sits in the last this many characters"),
)
def teaser(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove teaser headlines: short lines that end with an upper-case bracketed label such as "[VIDEO]".

    The label must be a ``teaser_tags`` entry written in capitals, the way
    sites mark links to their other stories inside an article (or in a
    script without capitals, in its brackets too: "【组图】", "[영상]").
    """
    tags = ctx.phrases["teaser_tags"]
    for line in doc.short_lines(ctx["max_words"]):
        m = _BRACKET_TAG.search(line.text[-ctx["tail_chars"] :])
        if m and (m.group(1).isupper() or uncased(m.group(1))) and tags.fullmatch(m.group(1)):
            yield Decision(line.start, line.end, f"headline marked {m.group(0).strip()!r}")


@rule(
    "related.bare_link",
    order=142,
    max_words=Param(20, "a contact line is at most this long"),
    max_other_words=Param(2, '"Listen: http://..." still counts as a bare link'),
    prose_words=Param(20, "a paragraph this long is article prose..."),
    min_listed=Param(3, "... and this many link lines between prose lines are a list the article gives: kept"),
)
def bare_link(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove contact lines: e-mail addresses, @handles or social profile links, and at most a couple of words.

    Contact lines close an article or stand alone; when several stand
    between paragraphs of prose (an article presenting accounts to follow,
    each with its handle, or a resource list giving each organisation's
    address), they are the article's own list and stay. A paragraph of at
    least ``prose_words`` words is prose, however its lines are wrapped.
    An e-mail address beside a person's name is a signature (a letter's
    writer, a columnist's sign-off), not the site's contact line: it stays,
    logged as a keep (see :func:`signature`). So is a decorator or
    annotation (``@hookimpl`` above ``def``: a line of code, or followed by
    one, see :func:`heuristics._lines.looks_like_code`).
    """
    found = []
    for line in doc.short_lines(ctx["max_words"]):
        text = line.text
        if not ("@" in text or ".com/" in text or ".net/" in text) or not _LINKISH.search(text):
            continue  # every match of _LINKISH holds one of these (a cheap test first)
        rest = word_count(_LINKISH.sub(" ", text))
        if rest <= ctx["max_other_words"]:
            found.append((line, rest))
    inside = listed_between_prose(doc, [line for line, _ in found], ctx["prose_words"], ctx["min_listed"])
    labels = ctx.phrases["contact_labels"]
    for line, rest in found:
        if line.start in inside:
            yield Decision(line.start, line.end, f"only a link, {rest} other word(s), but one of {len(inside)} "
                           "between paragraphs: a list the article gives", action="keep")
        elif decorator := _decorates(doc, line):
            yield Decision(line.start, line.end, f"only a link, {rest} other word(s), but {decorator}", action="keep")
        elif owner := signature(line.text, labels):
            yield Decision(line.start, line.end, f"only a link, {rest} other word(s), but {owner}: a signature, "
                           "not the site's contact line", action="keep")
        else:
            yield Decision(line.start, line.end, f"only a link, {rest} other word(s)")


_DECORATOR = re.compile(r"@[\w.]+")


def _decorates(doc: Document, line: Line) -> str:
    """How a contact line is code ('' when it is not): a line of code itself (``>>> @define``), or an ``@name``
    alone above a line of code (a decorator or an annotation above its function)."""
    if looks_like_code(line.text):
        return "a line of code"
    if not _DECORATOR.fullmatch(line.text.strip()):
        return ""
    lines = doc.live_lines()
    i = bisect_left(lines, line) + 1
    return "a decorator above a line of code" if i < len(lines) and looks_like_code(lines[i].text) else ""


_EMAIL = re.compile(_EMAIL_PATTERN)
_LETTERS = re.compile(r"[^\W\d_]+")


def signature(text: str, labels: PhraseList) -> str:
    """How the e-mail address of a contact line ``text`` belongs to a person ('' when it does not).

    Only a line whose links are all e-mail addresses can be signed (a handle or a profile link is a follow
    button). Its other words must be a name: all capitalised or in a script without case ("Stephen Bracco",
    or a name and a title in Korean), none a contact label ("E-mail:", "Questions?", ``contact_labels``).
    An address alone stays the site's: the lines above it are no proof of an owner (a contact block's
    headings are capitalised too: "Technical Support", then support@...).
    """
    addresses = _EMAIL.findall(text)
    if not addresses or len(addresses) != len(_LINKISH.findall(text)):
        return ""
    words = _LETTERS.findall(_LINKISH.sub(" ", text))
    if words and all(w[0].isupper() or not w[0].islower() for w in words) and not labels.search(text):
        return f"beside the name {' '.join(words)!r}"
    return ""


def listed_between_prose(doc: Document, found: list[Line], prose_words: int, min_listed: int) -> set[int]:
    """The starts of the ``found`` lines that stand between paragraphs of prose, when at least ``min_listed``
    do (a list the article gives, each entry with its link); empty otherwise.

    A paragraph of at least ``prose_words`` words is prose, however its lines are wrapped (a hard-wrapped
    paragraph's lines are short, the paragraph is not).
    """
    if len(found) < min_listed:
        return set()
    live = doc.live_lines()
    para_words: Counter[int] = Counter()
    for line in live:
        para_words[line.paragraph] += doc.word_count(line)
    prose = [line.start for line in live if para_words[line.paragraph] >= prose_words]
    inside = {line.start for line in found if prose and prose[0] < line.start < prose[-1]}
    return inside if len(inside) >= min_listed else set()
