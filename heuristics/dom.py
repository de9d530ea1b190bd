"""DOM rules: boilerplate recognised in the parsed page by its tag, class or id.

These are ``html`` rules (see :class:`cleaner.rules.HtmlRule`): each is called
as ``func(tree, ctx)`` with the parsed page and yields ``(element, reason)``
for the elements whose text is boilerplate; the page's index of elements by
tag, role, class and id (``ctx.page``) is shared by all of them. They only judge what
trafilatura kept as main content: an element that holds more than the
rule's ``max_words`` words of main content (or half of it) is not a widget,
whatever its class says, and is kept (the audit log notes it).

Class and id tokens come from ``heuristics/data/html/<list>.txt`` (one token
a line); users add their own with the rule's ``extra_tokens`` parameter. A
class or id matches when one of its words, split at ``-``, ``_``, spaces and
camelCase humps (``Newsletter-stateNotSent`` gives newsletter, state, not,
sent), is in the list.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from ahocorasick_rs import AhoCorasick

from cleaner.phrases import read_entries
from cleaner.rules import HtmlContext, rule

if TYPE_CHECKING:
    from cleaner.html.index import PageIndex

Flagged = tuple[Any, str]

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


_NO_HITS: frozenset[str] = frozenset()


def attribute_hits(value: str, vocabulary: frozenset[str]) -> frozenset[str]:
    """The words of a class or id value that are in ``vocabulary``."""
    return vocabulary.intersection(map(str.lower, _WORD.findall(value))) or _NO_HITS


@lru_cache(maxsize=16)
def _automaton(vocabulary: frozenset[str]) -> AhoCorasick | None:
    """Finds the words of ``vocabulary`` anywhere in a text (None for an empty vocabulary)."""
    return AhoCorasick(sorted(vocabulary)) if vocabulary else None


def values_with_hits(values: Iterable[str], vocabulary: frozenset[str]) -> dict[str, frozenset[str]]:
    """The class and id values among ``values`` that hold words of ``vocabulary``, with those words
    (:func:`attribute_hits`).

    A word of a value is a piece of it: a value whose lower-cased text holds
    no word of the vocabulary as a substring has no hit. One multi-pattern
    search over all of a page's values finds the few that may (about one in
    ten on the bench pages), and only those are split into words: a fifth
    of the time of splitting every value.
    """
    automaton = _automaton(vocabulary)
    unique = list(dict.fromkeys(values))
    if automaton is None or not unique:
        return {}
    lowered = [value.lower() for value in unique]  # lower() may change a length: the offsets are the lowered ones
    starts = list(accumulate((len(value) + 1 for value in lowered), initial=0))
    found = automaton.find_matches_as_indexes("\n".join(lowered), overlapping=True)
    out = {}
    for n in {bisect_right(starts, start) - 1 for _, start, _ in found}:
        if hits := attribute_hits(unique[n], vocabulary):
            out[unique[n]] = hits
    return out


@lru_cache(maxsize=64)
def token_list(name: str) -> frozenset[str]:
    """A shipped class/id token list, ``heuristics/data/html/<name>.txt``."""
    path = resources.files("heuristics") / "data" / "html" / f"{name}.txt"
    return frozenset(e.lower() for e in read_entries(path.read_text(encoding="utf-8").splitlines()))


@lru_cache(maxsize=16)
def _vocabulary(extra: frozenset[str]) -> frozenset[str]:
    """Every token any DOM rule looks for: the shipped lists plus the users' ``extra_tokens``."""
    folder = resources.files("heuristics") / "data" / "html"
    names = [p.name[: -len(".txt")] for p in folder.iterdir() if p.name.endswith(".txt")]
    return frozenset().union(*(token_list(n) for n in names)) | extra


Marked = tuple[Any, str, frozenset[str]]


def _naming_attribute(el: Any, class_hits: frozenset[str], id_hits: frozenset[str]) -> str:
    """The attribute that names a marked element: the first of its class and id (in its markup) with a hit."""
    if not id_hits:
        return "class"
    if not class_hits:
        return "id"
    names = el.keys()
    return "class" if names.index("class") < names.index("id") else "id"


def _extra_tokens(ctx: HtmlContext) -> frozenset[str]:
    """The ``extra_tokens`` of every DOM rule in the configuration (they join the vocabulary)."""
    return frozenset(
        t.lower() for name, table in ctx.config.rules.items() if name.startswith("dom.")
        for t in table.params.get("extra_tokens", ())
    )


def marked_elements(page: PageIndex, vocabulary: frozenset[str]) -> list[Marked]:
    """``(element, "class" or "id", words of the vocabulary in its class and id)`` for the page's elements with such
    words, in document order: found once a page and vocabulary, shared by the DOM rules (in the page's memo)."""
    key = ("dom.marked", vocabulary)
    found: list[Marked] | None = page.memo.get(key)
    if found is None:
        found = page.memo[key] = []
        named = page.named
        hits = values_with_hits([value for _, cls, ident in named for value in (cls, ident) if value], vocabulary)
        for el, cls, ident in named:
            class_hits = hits.get(cls, _NO_HITS)
            id_hits = hits.get(ident, _NO_HITS)
            if class_hits or id_hits:
                found.append((el, _naming_attribute(el, class_hits, id_hits), class_hits | id_hits))
    return found


def _page(ctx: HtmlContext) -> PageIndex:
    assert ctx.page is not None, "html rules run with the page's index in their context"
    return ctx.page


def marked(ctx: HtmlContext, list_name: str) -> Iterator[Flagged]:
    """Elements whose class or id has a word of the token list ``list_name`` (or the rule's ``extra_tokens``)."""
    wanted = token_list(list_name) | {t.lower() for t in ctx["extra_tokens"]}
    for el, attr, hits in marked_elements(_page(ctx), _vocabulary(_extra_tokens(ctx))):
        if hit := hits & wanted:
            yield el, f'<{el.tag} {attr}="{el.get(attr)[:60]}"> ({min(hit)})'


def _tags(ctx: HtmlContext, tags: Iterable[str], why: str) -> Iterator[Flagged]:
    """Every element with one of ``tags``."""
    for el in _page(ctx).elements(*tags):
        yield el, f"<{el.tag}> {why}"


def _roles(ctx: HtmlContext, roles: Iterable[str]) -> Iterator[Flagged]:
    """Every element whose ``role`` attribute is one of ``roles``."""
    roles = tuple(roles)
    for el, role in _page(ctx).roles:
        if role in roles:
            yield el, f'<{el.tag} role="{role}">'


@rule("dom.figure_caption", kind="html", order=10, max_words=80, extra_tokens=[])
def figure_caption(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove photo and video captions and credits: ``<figcaption>`` and elements with a caption or credit class or id.

    Tokens: ``data/html/caption.txt``.
    """
    yield from _tags(ctx, ["figcaption"], "is a figure caption")
    yield from marked(ctx, "caption")


@rule("dom.share_widget", kind="html", order=11, max_words=60, extra_tokens=[])
def share_widget(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove share and follow buttons: elements with a share or social class or id.

    Tokens: ``data/html/share.txt``.
    """
    yield from marked(ctx, "share")


@rule("dom.newsletter_widget", kind="html", order=12, max_words=120, extra_tokens=[])
def newsletter_widget(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove newsletter, subscription and membership prompts: forms, buttons and elements with such a class or id.

    Tokens: ``data/html/newsletter.txt``.
    """
    yield from _tags(ctx, ["form"], "is a form (sign-up, search or comment box)")
    yield from _tags(ctx, ["button"], "is a button")
    yield from marked(ctx, "newsletter")


@rule("dom.related_links", kind="html", order=13, max_words=150, extra_tokens=[])
def related_links(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove related, recommended, trending and promoted story lists: elements with such a class or id.

    Tokens: ``data/html/related.txt``.
    """
    yield from marked(ctx, "related")


@rule("dom.aside", kind="html", order=14, max_words=150)
def aside(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove asides: ``<aside>`` elements and elements with role="complementary".

    Side boxes, fact boxes and pull quotes that repeat the body.
    """
    yield from _tags(ctx, ["aside"], "is an aside")
    yield from _roles(ctx, ["complementary"])


@rule("dom.page_chrome", kind="html", order=15, max_words=80, extra_tokens=[])
def page_chrome(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove page furniture inside the article: navigation, footers, breadcrumbs, tag lists, polls.

    ``<nav>``, ``<footer>``, navigation/contentinfo/search roles, and class or id tokens.

    Tokens: ``data/html/chrome.txt``.
    """
    yield from _tags(ctx, ["nav", "footer"], "is page navigation or a footer")
    yield from _roles(ctx, ["navigation", "contentinfo", "search"])
    yield from marked(ctx, "chrome")


@rule("dom.byline", kind="html", order=17, max_words=80, extra_tokens=[])
def byline(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove bylines: elements with a byline class or id ("By Jane Doe on 11/12/2012").

    A rule of its own, apart from the page furniture, so that a corpus that
    keeps bylines turns it off with the text rules ``byline.*``.

    Tokens: ``data/html/byline.txt``.
    """
    yield from marked(ctx, "byline")


@rule(
    "dom.headline", kind="html", order=16, enabled=False, max_words=40,
    why_off="the policy keeps the headline once in the body; turn it on for outputs that carry it as the title.",
)
def headline(tree: Any, ctx: HtmlContext) -> Iterator[Flagged]:
    """Remove the page's ``<h1>`` headline from the body, for outputs that carry it as the ``title`` metadata.

    Off by default: the policy keeps the headline once in the body. Turn it
    on when the JSONL ``title`` field is used instead (the article-extraction
    benchmark's ground truth has no headline: F1 +0.003 on bench/).
    """
    yield from _tags(ctx, ["h1"], "is the page headline (delivered as the title metadata)")
