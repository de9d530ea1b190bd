"""The page index: the elements of one page that html rules and the walks look for, found once and shared.

The engine makes one :class:`PageIndex` per page and hands it to every html
rule in its context (``ctx.page``), to the visible-blocks walk and to
readability's measure; it is dropped with the page. One walk over the
page's elements reads each one's class, id and role (one pass in Python is
cheaper than several XPath queries, which also make an object for every
attribute value), and whether it is hidden (once here, where each walk
asked every element for two attributes); elements by tag come from lxml's
own iteration.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


class PageIndex:
    """One page's elements by tag, by role, and those with a class or id, each list in document order.

    ``memo`` holds what the html rules derive from the page (for instance
    which class words they know), for this page only.
    """

    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.memo: dict[Any, Any] = {}
        self._by_tags: dict[tuple[str, ...], list[Any]] = {}
        self._roles: list[tuple[Any, str]] | None = None
        self._named: list[tuple[Any, str, str]] | None = None
        self._hidden: set[Any] | None = None
        self._names: dict[Any, str] | None = None

    def elements(self, *tags: str) -> list[Any]:
        """The elements with one of ``tags``, in document order."""
        found = self._by_tags.get(tags)
        if found is None:
            found = self._by_tags[tags] = list(self.tree.iter(*tags))
        return found

    @property
    def roles(self) -> list[tuple[Any, str]]:
        """``(element, role)`` for every element with a ``role`` attribute."""
        if self._roles is None:
            self._walk()
        assert self._roles is not None
        return self._roles

    @property
    def named(self) -> list[tuple[Any, str, str]]:
        """``(element, class, id)`` for every element with a non-empty class or id (the other one may be "")."""
        if self._named is None:
            self._walk()
        assert self._named is not None
        return self._named

    @property
    def hidden(self) -> set[Any]:
        """The elements a browser does not render: with a ``hidden`` attribute or an inline style that hides them
        (their content is hidden too; the walks skip it)."""
        if self._hidden is None:
            self._walk()
        assert self._hidden is not None
        return self._hidden

    @property
    def names(self) -> dict[Any, str]:
        """``"class id"`` of every element with a non-empty class or id (``""`` for the missing one), the string
        the class-word patterns of readability and of the block features read."""
        if self._names is None:
            self._names = {el: f"{cls} {ident}" for el, cls, ident in self.named}
        return self._names

    def _walk(self) -> None:
        roles: list[tuple[Any, str]] = []
        named: list[tuple[Any, str, str]] = []
        hidden: set[Any] = set()
        hides = HIDDEN_STYLE.search
        for el in self.tree.iter(etree.Element):
            names = el.keys()  # its attributes' names, in one call: most elements have few or none
            if not names:
                continue
            get = el.get
            if "role" in names:
                roles.append((el, get("role")))
            cls = get("class") if "class" in names else None
            ident = get("id") if "id" in names else None
            if cls or ident:
                named.append((el, cls or "", ident or ""))
            if "hidden" in names or ("style" in names and (style := get("style")) and hides(style)):
                hidden.add(el)
        self._roles, self._named, self._hidden = roles, named, hidden
