"""Markdown output for HTML pages: the kept blocks, with the structure of the elements behind them.

The clean text of a page is its kept blocks, one paragraph each. Rendered as
Markdown, a kept block keeps what its element says it is: a heading
(``<h1>``–``<h6>``: ``#``), a list item (``-`` or ``1.``, indented by its
nesting), a table cell (rows of ``| a | b |``, the first row or the
``<th>`` cells as the header), code (``<pre>``: a fenced block), a quote
(``<blockquote>``: ``>``). Only kept text is written: a block the rules
removed is not, and a block they cut into keeps only its kept words (a code
block keeps its own line breaks when every word of it was kept).
Inline markup (links, emphasis) is not rendered: the text is the clean text.

The module knows blocks only as ``(start, end, element)``: offsets into the
page's normalised text and the innermost block element around the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cleaner.document import Removal

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LISTS = {"ul", "ol", "menu"}
# Characters that would make the start of a plain paragraph into Markdown structure.
_LEADING_MARKUP = re.compile(r"^(#{1,6}\s|[-+*]\s|>|\d{1,9}[.)]\s|```|~~~|={3,}|-{3,}|\|)")


class BlockLike(Protocol):
    """What the renderer needs of a page's block (``cleaner.html``'s blocks are such)."""

    start: int
    end: int
    element: Any


@dataclass
class _Piece:
    """A kept block: its kept text and what it is."""

    text: str
    element: Any
    kind: str  # "heading", "item", "cell", "code", "paragraph"
    anchor: Any  # the element that decides the kind (the heading, li, cell or pre)
    quote: int  # blockquotes around it


def kept_text(text: str, blocks: Sequence[BlockLike], removals: Iterable[Removal]) -> list[str]:
    """Each block's kept text: its span of ``text`` with the removed spans cut out, spaces made single."""
    cuts = sorted((r.start, r.end) for r in removals)
    out: list[str] = []
    i = 0
    for block in blocks:
        while i < len(cuts) and cuts[i][1] <= block.start:
            i += 1
        pieces, pos, j = [], block.start, i
        while j < len(cuts) and cuts[j][0] < block.end:
            start, end = cuts[j]
            if start > pos:
                pieces.append(text[pos:start])
            pos = max(pos, end)
            j += 1
        if pos < block.end:
            pieces.append(text[pos : block.end])
        out.append(" ".join(" ".join(pieces).split()))
    return out


def _classify(element: Any) -> tuple[str, Any, int]:
    """What a block element is (kind and the deciding element) and how many blockquotes hold it."""
    kind, anchor, quote = "paragraph", None, 0
    node = element
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if anchor is None:
            if tag in _HEADINGS:
                kind, anchor = "heading", node
            elif tag == "pre":
                kind, anchor = "code", node
            elif tag in ("td", "th"):
                kind, anchor = "cell", node
            elif tag == "li":
                kind, anchor = "item", node
        if tag == "blockquote":
            quote += 1
        node = node.getparent()
    return kind, anchor, quote


def render(text: str, blocks: Sequence[BlockLike], removals: Iterable[Removal]) -> str:
    """The page's kept blocks as Markdown (see the module doc); ``text`` is the page's normalised text."""
    pieces = []
    for block, kept in zip(blocks, kept_text(text, blocks, removals), strict=True):
        if kept:
            kind, anchor, quote = _classify(block.element)
            pieces.append(_Piece(kept, block.element, kind, anchor, quote))
    out: list[str] = []  # Markdown blocks, joined by blank lines
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        j = i + 1
        if piece.kind in ("item", "cell", "code"):  # a run of the same list, table or code block
            group = _group_of(piece)
            while j < len(pieces) and pieces[j].kind == piece.kind and _group_of(pieces[j]) is group:
                j += 1
        run = pieces[i:j]
        block = {"heading": _heading, "item": _items, "cell": _table, "code": _code}.get(piece.kind, _paragraph)(run)
        out.append(_quoted(block, piece.quote))
        i = j
    return "\n\n".join(out)


def _group_of(piece: _Piece) -> Any:
    """The element whose pieces render as one Markdown block: the outermost list (nested lists go with
    it), the table, the ``<pre>``."""
    if piece.kind == "code":
        return piece.anchor
    if piece.kind == "cell":
        return next((a for a in piece.anchor.iterancestors() if a.tag == "table"), None)
    return next((a for a in reversed(list(piece.anchor.iterancestors())) if a.tag in _LISTS), None)


def _quoted(block: str, depth: int) -> str:
    if not depth:
        return block
    prefix = "> " * depth
    return "\n".join((prefix + line).rstrip() for line in block.split("\n"))


def _escape(text: str) -> str:
    """Plain text that does not turn into Markdown structure at the start of a line."""
    found = _LEADING_MARKUP.match(text)
    if not found:
        return text
    if text[0].isdigit():  # "1. " -> "1\. "
        mark = found.end() - 2
        return text[:mark] + "\\" + text[mark:]
    return "\\" + text


def _paragraph(run: list[_Piece]) -> str:
    return _escape(run[0].text)


def _heading(run: list[_Piece]) -> str:
    return "#" * _HEADINGS[run[0].anchor.tag] + " " + run[0].text


def _items(run: list[_Piece]) -> str:
    """List items, one per line, numbered for ``<ol>``, indented by nesting; an item's later blocks follow it."""
    lines: list[str] = []
    seen: set[int] = set()
    for piece in run:
        li = piece.anchor
        depth = sum(1 for a in li.iterancestors() if a.tag in _LISTS) - 1
        indent = "   " * max(depth, 0)
        if id(li) in seen:  # a second block of the same item: a continuation line
            lines.append(f"{indent}   {piece.text}")
            continue
        seen.add(id(li))
        parent = li.getparent()
        if parent is not None and parent.tag == "ol":
            number = _ordinal(parent, li)
            lines.append(f"{indent}{number}. {piece.text}")
        else:
            lines.append(f"{indent}- {piece.text}")
    return "\n".join(lines)


def _ordinal(ol: Any, li: Any) -> int:
    """The number a browser shows for ``li`` in ``ol`` (its ``start``, then one per item)."""
    try:
        start = int(ol.get("start", "1"))
    except ValueError:
        start = 1
    items = [c for c in ol if c.tag == "li"]
    return start + items.index(li) if li in items else start


def _table(run: list[_Piece]) -> str:
    """Kept cells as a Markdown table: one row per ``<tr>``, each cell in its column (a removed cell
    leaves it empty), the first row as the header."""
    rows: list[dict[int, str]] = []
    row: Any = None
    for piece in run:
        cell = piece.anchor
        if cell.getparent() is not row:
            row = cell.getparent()
            rows.append({})
        column = _column(cell)
        text = piece.text.replace("|", "\\|")
        rows[-1][column] = f"{rows[-1][column]} {text}" if column in rows[-1] else text
    width = max(max(r) for r in rows) + 1
    table = [[r.get(c, "") for c in range(width)] for r in rows]
    lines = ["| " + " | ".join(table[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in table[1:]]
    return "\n".join(lines)


def _column(cell: Any) -> int:
    """The column of a table cell: the cells before it in its row, with their ``colspan``."""
    column = 0
    for sibling in cell.itersiblings(preceding=True):
        if sibling.tag in ("td", "th"):
            span = sibling.get("colspan", "1")
            column += int(span) if span.isdigit() and 0 < int(span) < 1000 else 1
    return column


def _code(run: list[_Piece]) -> str:
    """A fenced code block: the element's own text (with its line breaks) when every word of it was kept,
    else the kept text, a line per block."""
    kept = "\n".join(p.text for p in run)
    raw = run[0].anchor.text_content().strip("\n")
    body = raw if " ".join(raw.split()) == " ".join(kept.split()) else kept
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}{_code_language(run[0].anchor)}\n{body}\n{fence}"


def _code_language(pre: Any) -> str:
    """The language a ``<pre>`` or its ``<code>`` names in a ``language-X`` or ``lang-X`` class."""
    for el in (pre, *pre.iterchildren("code")):
        for cls in (el.get("class") or "").split():
            for prefix in ("language-", "lang-"):
                if cls.startswith(prefix) and len(cls) > len(prefix):
                    return cls[len(prefix) :]
    return ""
