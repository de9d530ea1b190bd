"""Main-content extraction for HTML pages: the blocks trafilatura leaves out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cleaner.rules import RuleContext, rule


@rule("html.main_content", kind="html", order=0)
def main_content(tree: Any, ctx: RuleContext) -> Iterator[tuple[Any, str]]:
    """Remove the page's visible blocks that trafilatura's main-content extraction leaves out (menus, footers, asides).

    The decision itself is made in :mod:`cleaner.html`, which aligns
    trafilatura's output with the page's blocks; this entry makes it a named
    rule that can be switched off (then every visible block goes on to the
    text rules) and that ``clean --list-rules`` shows.
    """
    return iter(())
