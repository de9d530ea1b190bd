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
from functools import lru_cache
from importlib import resources
from typing import Any

from cleaner.phrases import read_entries
from cleaner.rules import RuleContext, rule

Flagged = tuple[Any, str]

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@lru_cache(maxsize=65536)
def attribute_words(value: str) -> tuple[str, ...]:
    """The distinct lower-cased words of a class or id value (cached: pages repeat their classes)."""
    return tuple(dict.fromkeys(w.lower() for w in _WORD.findall(value)))


@lru_cache(maxsize=64)
def token_list(name: str) -> frozenset[str]:
    """A shipped class/id token list, ``heuristics/data/html/<name>.txt``."""
    path = resources.files("heuristics") / "data" / "html" / f"{name}.txt"
    return frozenset(e.lower() for e in read_entries(path.read_text(encoding="utf-8").splitlines()))


class _Index:
    """Which elements of one page have a word in their class or id: built once, shared by all DOM rules."""

    _last: tuple[Any, dict[str, list[tuple[Any, str]]]] | None = None

    @classmethod
    def of(cls, tree: Any) -> dict[str, list[tuple[Any, str]]]:
        """``{word: [(element, "class" or "id"), ...]}`` in document order."""
        if cls._last is None or cls._last[0] is not tree:
            index: dict[str, list[tuple[Any, str]]] = {}
            for el in tree.xpath("//*[@class or @id]"):
                for attr in ("class", "id"):
                    value = el.get(attr)
                    if value:
                        for word in attribute_words(value):
                            index.setdefault(word, []).append((el, attr))
            cls._last = (tree, index)
        return cls._last[1]


def marked(tree: Any, words: Iterable[str]) -> Iterator[Flagged]:
    """Elements whose class or id has one of ``words``, with a reason naming the attribute and the word."""
    index = _Index.of(tree)
    for word in sorted(set(words) & index.keys()):
        for el, attr in index[word]:
            yield el, f'<{el.tag} {attr}="{el.get(attr)[:60]}"> ({word})'


def _tokens(name: str, ctx: RuleContext) -> frozenset[str]:
    """A shipped token list plus the rule's ``extra_tokens``."""
    return token_list(name) | {t.lower() for t in ctx.params.get("extra_tokens", [])}


def _tags(tree: Any, tags: Iterable[str], why: str) -> Iterator[Flagged]:
    """Every element with one of ``tags``."""
    for el in tree.iter(*tags):
        yield el, f"<{el.tag}> {why}"


@rule("dom.figure_caption", kind="html", order=10, max_words=80, extra_tokens=[])
def figure_caption(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove photo and video captions and credits: ``<figcaption>`` and elements with a caption or credit class or id.

    Tokens: ``data/html/caption.txt``.
    """
    yield from _tags(tree, ["figcaption"], "is a figure caption")
    yield from marked(tree, _tokens("caption", ctx))


@rule("dom.share_widget", kind="html", order=11, max_words=60, extra_tokens=[])
def share_widget(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove share and follow buttons: elements with a share or social class or id.

    Tokens: ``data/html/share.txt``.
    """
    yield from marked(tree, _tokens("share", ctx))


@rule("dom.newsletter_widget", kind="html", order=12, max_words=120, extra_tokens=[])
def newsletter_widget(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove newsletter, subscription and membership prompts: forms, buttons and elements with such a class or id.

    Tokens: ``data/html/newsletter.txt``.
    """
    yield from _tags(tree, ["form"], "is a form (sign-up, search or comment box)")
    yield from _tags(tree, ["button"], "is a button")
    yield from marked(tree, _tokens("newsletter", ctx))


@rule("dom.related_links", kind="html", order=13, max_words=150, extra_tokens=[])
def related_links(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove related, recommended, trending and promoted story lists: elements with such a class or id.

    Tokens: ``data/html/related.txt``.
    """
    yield from marked(tree, _tokens("related", ctx))


@rule("dom.aside", kind="html", order=14, max_words=150)
def aside(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove asides: ``<aside>`` elements and elements with role="complementary" (side boxes, pull quotes that repeat the body)."""
    yield from _tags(tree, ["aside"], "is an aside")
    for el in tree.xpath("//*[@role='complementary']"):
        yield el, f"<{el.tag} role=\"complementary\">"


@rule("dom.page_chrome", kind="html", order=15, max_words=80, extra_tokens=[])
def page_chrome(tree: Any, ctx: RuleContext) -> Iterator[Flagged]:
    """Remove page furniture inside the article: ``<nav>``, ``<footer>``, navigation roles, breadcrumbs, tag lists, polls, bylines.

    Tokens: ``data/html/chrome.txt``.
    """
    yield from _tags(tree, ["nav", "footer"], "is page navigation or a footer")
    for el in tree.xpath("//*[@role='navigation' or @role='contentinfo' or @role='search']"):
        yield el, f"<{el.tag} role=\"{el.get('role')}\">"
    yield from marked(tree, _tokens("chrome", ctx))
