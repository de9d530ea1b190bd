"""Site furniture: advertising markers, cookie and consent notices, paywall notices, legal footers, navigation
links and blog-platform widgets."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.phrases import lines_holding
from cleaner.rules import Decision, RuleContext, rule
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
