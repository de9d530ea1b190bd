"""The page index: the elements of one page that html rules look for, found once and shared by all of them.

The engine makes one :class:`PageIndex` per page and hands it to every html
rule in its context (``ctx.page``); it is dropped with the page. One walk
over the page's elements reads each one's class, id and role (one pass in
Python is cheaper than several XPath queries, which also make an object for
every attribute value); elements by tag come from lxml's own iteration.
"""

from __future__ import annotations

from typing import Any

from lxml import etree


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

    def _walk(self) -> None:
        roles: list[tuple[Any, str]] = []
        named: list[tuple[Any, str, str]] = []
        for el in self.tree.iter(etree.Element):
            get = el.get
            role = get("role")
            if role is not None:
                roles.append((el, role))
            cls, ident = get("class"), get("id")
            if cls or ident:
                named.append((el, cls or "", ident or ""))
        self._roles, self._named = roles, named
