"""DOM rules: boilerplate recognised in the parsed page by its tag, class or id.

These are ``html`` rules (see :mod:`cleaner.html`): each is called as
``func(tree, ctx)`` with the parsed page and yields ``(element, reason)``
for the elements whose text is boilerplate. They only judge what
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from lxml import etree

from cleaner.phrases import read_entries
from cleaner.rules import RuleContext, rule

Flagged = tuple[Any, str]

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


_NO_HITS: frozenset[str] = frozenset()
_MEMO_SIZE = 65536  # class and id values remembered per vocabulary (then all forgotten at once)
_memos: dict[frozenset[str], dict[str, frozenset[str]]] = {}


def attribute_hits(value: str, vocabulary: frozenset[str]) -> frozenset[str]:
    """The words of a class or id value that are in ``vocabulary``.

    Remembered, as pages repeat their classes and sites their class names.
    The memo is a plain dict in which the values without a hit (most of
    them) share one empty set: a value costs a dict entry, where an
    ``lru_cache`` keeps three objects a value for the garbage collector to walk.
    """
    memo = _memos.get(vocabulary)
    if memo is None:
        if len(_memos) >= 16:
            _memos.clear()
        memo = _memos[vocabulary] = {}
    hits = memo.get(value)
    if hits is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        hits = memo[value] = vocabulary.intersection(map(str.lower, _WORD.findall(value))) or _NO_HITS
    return hits


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


# What a DOM rule can look for besides class and id words: these tags and ``role`` values.
# They are found with the class and id hits, once a page (see :class:`_Index`).
INDEXED_TAGS = ("figcaption", "form", "button", "aside", "nav", "footer", "h1")
INDEXED_ROLES = frozenset(["complementary", "navigation", "contentinfo", "search"])
_INDEXED_TAG_SET = frozenset(INDEXED_TAGS)

Marked = tuple[Any, str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class PageIndex:
    """What the DOM rules look for in one page, each list in document order."""

    tagged: list[tuple[Any, str]]  # (element, tag) for the elements with an indexed tag
    roles: list[tuple[Any, str]]  # (element, role) for the elements with an indexed role
    marked: list[Marked]  # (element, "class" or "id", words of the vocabulary in its class and id)


class _Index:
    """The elements of one page that some DOM rule looks for: found once, shared by all DOM rules.

    One walk over the page's elements reads each one's tag, class, id and
    role (one pass in Python is cheaper than the several passes of XPath
    queries for them, which also make an object for every attribute value).
    """

    _last: tuple[Any, frozenset[str], PageIndex] | None = None

    @classmethod
    def of(cls, tree: Any, vocabulary: frozenset[str]) -> PageIndex:
        """The page's index for ``vocabulary`` (cached until the next page or :func:`release_page_index`)."""
        last = cls._last
        if last is None or last[0] is not tree or last[1] is not vocabulary:
            cls._last = last = (tree, vocabulary, cls._build(tree, vocabulary))
        return last[2]

    @staticmethod
    def _build(tree: Any, vocabulary: frozenset[str]) -> PageIndex:
        """Walk the page for its indexed tags, roles and class or id hits."""
        tagged: list[tuple[Any, str]] = []
        roles: list[tuple[Any, str]] = []
        marked: list[Marked] = []
        for el in tree.iter(etree.Element):
            tag = el.tag
            if tag in _INDEXED_TAG_SET:
                tagged.append((el, tag))
            role = el.get("role")
            if role is not None and role in INDEXED_ROLES:
                roles.append((el, role))
            value = el.get("class")
            class_hits = attribute_hits(value, vocabulary) if value else _NO_HITS
            value = el.get("id")
            id_hits = attribute_hits(value, vocabulary) if value else _NO_HITS
            if class_hits or id_hits:
                marked.append((el, _naming_attribute(el, class_hits, id_hits), class_hits | id_hits))
        return PageIndex(tagged, roles, marked)


def _naming_attribute(el: Any, class_hits: frozenset[str], id_hits: frozenset[str]) -> str:
    """The attribute that names a marked element: the first of its class and id (in its markup) with a hit."""
    if not id_hits:
        return "class"
    if not class_hits:
        return "id"
    names = el.keys()
    return "class" if names.index("class") < names.index("id") else "id"


def _extra_tokens(ctx: RuleContext) -> frozenset[str]:
    """The ``extra_tokens`` of every DOM rule in the configuration (they join the vocabulary)."""
    return frozenset(
        t.lower() for name, table in ctx.config.data.get("rules", {}).items() if name.startswith("dom.")
        for t in table.get("extra_tokens", [])
    )


def release_page_index() -> None:
    """Forget the index of the last page (see :class:`_Index`): call it once the DOM rules have run on a page.

    The index holds elements of the page, and so its tree: kept until the
    next page, the tree would be freed in the middle of that page's work,
    which measurably slows the next page down.
    """
    _Index._last = None


def _page_index(tree: Any, ctx: RuleContext) -> PageIndex:
    """The page's :class:`PageIndex` for the configured vocabulary."""
    return _Index.of(tree, _vocabulary(_extra_tokens(ctx)))


def marked(tree: Any, ctx: RuleContext, list_name: str) -> Iterator[Flagged]:
    """Elements whose class or id has a word of the token list ``list_name`` (or the rule's ``extra_tokens``)."""
    wanted = token_list(list_name) | {t.lower() for t in ctx.params.get("extra_tokens", [])}
    for el, attr, hits in _page_index(tree, ctx).marked:
        if hit := hits & wanted:
            yield el, f'<{el.tag} {attr}="{el.get(attr)[:60]}"> ({min(hit)})'


def _tags(tree: Any, ctx: RuleContext, tags: Iterable[str], why: str) -> Iterator[Flagged]:
    """Every element with one of ``tags``."""
    tags = tuple(tags)
    if all(tag in INDEXED_TAGS for tag in tags):
        found: Iterable[Any] = [el for el, tag in _page_index(tree, ctx).tagged if tag in tags]
    else:
        found = tree.iter(*tags)
    for el in found:
        yield el, f"<{el.tag}> {why}"


def _roles(tree: Any, ctx: RuleContext, roles: Iterable[str]) -> Iterator[Flagged]:
    """Every element whose ``role`` attribute is one of ``roles``."""
    roles = tuple(roles)
    if all(role in INDEXED_ROLES for role in roles):
        found: Iterable[tuple[Any, str]] = _page_index(tree, ctx).roles
    else:
        found = ((el, el.get("role")) for el in tree.xpath("//*[@role]"))
    for el, role in found:
        if role in roles:
            yield el, f'<{el.tag} role="{role}">'


@rule("dom.figure_caption", kind="html", order=10, max_words=80, extra_tokens=[])
def figure_caption(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove photo and video captions and credits: ``<figcaption>`` and elements with a caption or credit class or id.

    Tokens: ``data/html/caption.txt``.
    """
    yield from _tags(tree, ctx, ["figcaption"], "is a figure caption")
    yield from marked(tree, ctx, "caption")


@rule("dom.share_widget", kind="html", order=11, max_words=60, extra_tokens=[])
def share_widget(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove share and follow buttons: elements with a share or social class or id.

    Tokens: ``data/html/share.txt``.
    """
    yield from marked(tree, ctx, "share")


@rule("dom.newsletter_widget", kind="html", order=12, max_words=120, extra_tokens=[])
def newsletter_widget(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove newsletter, subscription and membership prompts: forms, buttons and elements with such a class or id.

    Tokens: ``data/html/newsletter.txt``.
    """
    yield from _tags(tree, ctx, ["form"], "is a form (sign-up, search or comment box)")
    yield from _tags(tree, ctx, ["button"], "is a button")
    yield from marked(tree, ctx, "newsletter")


@rule("dom.related_links", kind="html", order=13, max_words=150, extra_tokens=[])
def related_links(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove related, recommended, trending and promoted story lists: elements with such a class or id.

    Tokens: ``data/html/related.txt``.
    """
    yield from marked(tree, ctx, "related")


@rule("dom.aside", kind="html", order=14, max_words=150)
def aside(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove asides: ``<aside>`` elements and elements with role="complementary".

    Side boxes, fact boxes and pull quotes that repeat the body.
    """
    yield from _tags(tree, ctx, ["aside"], "is an aside")
    yield from _roles(tree, ctx, ["complementary"])


@rule("dom.page_chrome", kind="html", order=15, max_words=80, extra_tokens=[])
def page_chrome(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove page furniture inside the article: navigation, footers, breadcrumbs, tag lists, polls, bylines.

    ``<nav>``, ``<footer>``, navigation/contentinfo/search roles, and class or id tokens.

    Tokens: ``data/html/chrome.txt``.
    """
    yield from _tags(tree, ctx, ["nav", "footer"], "is page navigation or a footer")
    yield from _roles(tree, ctx, ["navigation", "contentinfo", "search"])
    yield from marked(tree, ctx, "chrome")


@rule("dom.headline", kind="html", order=16, enabled=False, max_words=40)
def headline(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove the page's ``<h1>`` headline from the body, for outputs that carry it as the ``title`` metadata.

    Off by default: the policy keeps the headline once in the body. Turn it
    on when the JSONL ``title`` field is used instead (the article-extraction
    benchmark's ground truth has no headline: F1 +0.003 on bench/).
    """
    yield from _tags(tree, ctx, ["h1"], "is the page headline (delivered as the title metadata)")
