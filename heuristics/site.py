"""Site furniture: advertising markers, cookie and consent notices, paywall notices, legal footers, navigation
links and blog-platform widgets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaner.document import Document, Line
from cleaner.phrases import PhraseList, lines_holding
from cleaner.rules import Decision, Param, RuleContext, rule
from heuristics._lines import lines_of_entries, lines_with_phrase


@rule("site.ads", language_specific=True, order=180, local=True, max_words=8)
def ads(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove advertising markers: a line that is only "Advertisement", "Anzeige", "Sponsored content" and the like."""
    phrases = ctx.phrases["ads"]
    for line in lines_holding(doc.short_lines(ctx["max_words"]), phrases):
        if phrases.fullmatch(line.text):
            yield Decision(line.start, line.end, "advertising marker")


@rule("site.cookies", language_specific=True, order=181, local=True, max_words=40)
def cookies(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove cookie and consent notices: short lines holding a ``cookies`` phrase ("We use cookies")."""
    yield from lines_with_phrase(doc, ctx, "cookies", "cookie notice phrase")


@rule("site.paywall", language_specific=True, order=182, local=True, max_words=25)
def paywall(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove paywall and log-in notices: short lines holding a ``paywall`` phrase ("Subscribe to continue reading")."""
    yield from lines_with_phrase(doc, ctx, "paywall", "paywall notice phrase")


@rule("site.legal", language_specific=True, order=183, local=True, max_words=12)
def legal(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove legal footers: very short lines holding a ``legal`` phrase ("All rights reserved", "Privacy Policy")."""
    yield from lines_with_phrase(doc, ctx, "legal", "legal footer phrase")


@rule("site.tags", language_specific=True, order=184, local=True, max_words=30)
def tags(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove tag and category lines: short lines starting with a ``tags`` phrase ("Filed under:", "Tags:")."""
    yield from lines_with_phrase(doc, ctx, "tags", "tag line", "match")


@rule("site.copyright", language_specific=True, order=185, local=True, max_words=60)
def copyright_notice(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove copyright and reuse notices: lines with a ``copyright`` phrase ("All rights reserved")."""
    yield from lines_with_phrase(doc, ctx, "copyright", "copyright notice phrase")


@rule(
    "site.notice", language_specific=True, order=186, local=True, max_words=120, enabled=False,
    why_off="disclaimers and disclosures are article text in most gold standards (removal precision 0.33 on dev).",
)
def notice(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove site notices: lines starting with a ``notices`` phrase ("Disclaimer:", "Citation:")."""
    yield from lines_with_phrase(doc, ctx, "notices", "site notice", "match")


@rule("site.promo", language_specific=True, order=187, local=True, max_words=80)
def promo(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove promotions for the site's own products: lines with a ``promo`` phrase ("If you enjoyed this article")."""
    yield from lines_with_phrase(doc, ctx, "promo", "promotion phrase")


@rule("site.navigation", language_specific=True, order=188, local=True, max_words=12)
def navigation(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove navigation lines: short lines made only of ``navigation`` labels, arrows and page numbers ("Next
    post", "« Older Entries", "Newer Post Older Post Home", "Back to top").

    Extractors keep a post's pager and a page's skip links as text; once
    the labels are taken out of such a line, no letter is left (see
    :func:`heuristics._lines.only_entries`).
    """
    yield from lines_of_entries(doc, ctx, "navigation", "only navigation labels")


@rule("site.widgets", language_specific=True, order=189, local=True, max_words=12)
def widgets(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove blog-platform furniture: short lines made only of ``widgets`` entries, a sidebar widget's title
    or a platform's stock line ("Blog Archive", "Recent Comments", "Followers", "Powered by Blogger",
    "Subscribe to: Post Comments (Atom)", "Reply Delete").

    Blogger's and WordPress's templates print the same labels on every
    post; extractors keep those next to the post as text. A line that only
    starts with one ("Recent comments by the minister...") stays.
    """
    yield from lines_of_entries(doc, ctx, "widgets", "only blog widget labels")


_YEAR = r"(?:19|20)\d\d"
_POST_COUNT = r"\(\d{1,5}\)"  # "(4)": the number of posts of a month or a year
YEAR, POST_COUNT = re.compile(rf"\b{_YEAR}\b"), re.compile(_POST_COUNT)
# What an archive link holds once its month name is taken out: arrows and bullets, a year ("de 2012" in es and
# pt), the count of its posts; nothing else.
ARCHIVE_REST = re.compile(rf"\W*(?:(?:de\s+)?{_YEAR})?\W*(?:{_POST_COUNT})?\W*")


def is_archive_link(text: str, months: PhraseList) -> bool:
    """A line that is only a month and a year ("November 2012", "► Mars 2011 (4)"), or a month or a year and
    the count of its posts ("▼ December (3)", "► 2010 (12)"), as a blog's archive widget prints them."""
    year, count = YEAR.search(text), POST_COUNT.search(text)
    if not (year or count):
        return False
    month = months.search(text)
    if not ARCHIVE_REST.fullmatch(months.strip_all(text) if month else text):
        return False
    return bool(month and year) or bool(count and (month or year))


@rule(
    "site.archive", language_specific=True, order=810, max_words=4,
    min_run=Param(2, "fewer archive links in a row stay (a lone month and year may date the article)"),
)
def archive(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a blog's archive widget: runs of ``min_run`` or more lines that are each only a month and a year
    ("November 2012", "► March 2011 (4)") or a month or a year and its count of posts ("▼ December (3)").

    Blogger and WordPress print the archive beside every post, its links
    one under the other in the text of a page; a single such line ("October
    1998" above an article) dates the article and stays. The rule runs
    after ``body.detector``, which drops most archives of whole pages with
    the rest of the sidebar: its models are trained on the text it sees,
    which an earlier removal would change (retrained on pages without these
    lines, they lost 0.001 F1 on cleaneval-dev's full pages).
    """
    months = ctx.phrases["months"]
    links = {line.index for line in doc.short_lines(ctx["max_words"]) if is_archive_link(line.text, months)}
    if len(links) < ctx["min_run"]:
        return
    run: list[Line] = []
    for line in [*doc.live_lines(), None]:
        if line is not None and line.index in links:
            run.append(line)
            continue
        if len(run) >= ctx["min_run"]:
            for link in run:
                yield Decision(link.start, link.end, f"one of {len(run)} month links of a blog archive in a row")
        run = []
