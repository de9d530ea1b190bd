"""JSON records written back byte for byte, but for the fields the run changed.

``json.loads`` then ``json.dumps`` rewrites what it does not understand as
written: ``1e400`` becomes ``Infinity``, ``1.00000000000000000001`` becomes
``1.0``, ``"\\u00e9"`` becomes ``"é"``, spacing changes. A record the cleaner
gives back (a JSONL line with its clean text) must keep every other field as
it was, so :func:`rewrite` splices: the text of the input line is kept, and
only the values that differ between the record read and the record to write
(the text field, added metadata or statistics) are written anew, nested
objects edited member by member.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass(slots=True)
class _Member:
    key: str
    value_start: int
    value_end: int


def _members(text: str, start: int) -> tuple[list[_Member], int, int]:
    """The members of the object whose ``{`` is at ``start``: with where each value is, where the last member
    ends and where the closing ``}`` is. Raises ValueError when it is not an object."""
    if text[start : start + 1] != "{":
        raise ValueError("not an object")
    members: list[_Member] = []
    pos = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    last_end = start + 1
    if text[pos : pos + 1] == "}":
        return members, last_end, pos
    while True:
        if text[pos : pos + 1] != '"':
            raise ValueError("expected a key")
        key, pos = scanstring(text, pos + 1)
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != ":":
            raise ValueError("expected ':'")
        value_start = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        _, value_end = _DECODER.raw_decode(text, value_start)
        members.append(_Member(key, value_start, value_end))
        last_end = value_end
        pos = _SPACE.match(text, value_end).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "}":
            return members, last_end, pos
        if text[pos : pos + 1] != ",":
            raise ValueError("expected ',' or '}'")
        pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _edit(text: str, start: int, old: dict[str, Any], new: dict[str, Any]) -> str:
    """The object at ``text[start]`` (parsed as ``old``) written as ``new``: unchanged members as they were."""
    members, last_end, close = _members(text, start)
    last = {m.key: i for i, m in enumerate(members)}  # a repeated key: the parser kept its last value
    pieces: list[str] = []
    pos = start
    for i, m in enumerate(members):
        pieces.append(text[pos : m.value_start])
        pos = m.value_end
        raw = text[m.value_start : m.value_end]
        if last[m.key] != i or m.key not in new or (m.key in old and new[m.key] is old[m.key]):
            pieces.append(raw)
        elif isinstance(new[m.key], dict) and isinstance(old.get(m.key), dict) and raw.startswith("{"):
            pieces.append(_edit(text, m.value_start, old[m.key], new[m.key]))
        else:
            pieces.append(_dump(new[m.key]))
    added = [k for k in new if k not in last]
    if added:
        spaced = ", " if _spaced(text, members) else ","
        pieces.append(text[pos:last_end])
        pos = last_end
        for n, k in enumerate(added):
            sep = spaced if (members or n) else ""
            pieces.append(f"{sep}{_dump(k)}:{' ' if spaced == ', ' else ''}{_dump(new[k])}")
    pieces.append(text[pos : close + 1])
    return "".join(pieces)


def _spaced(text: str, members: list[_Member]) -> bool:
    """Whether the object separates its members with ``, `` (the usual ``json.dumps`` style) rather than ``,``."""
    if not members:
        return True
    if len(members) < 2:
        return text[members[0].value_start - 1] == " "  # '"key": value' rather than '"key":value'
    between = text[members[0].value_end : members[1].value_start]
    return ", " in between


def rewrite(raw: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """``new`` as a line of JSON made from ``raw``, the text ``old`` was parsed from (see the module doc); None
    when ``raw`` is not one object (then the caller writes ``new`` with ``json.dumps``)."""
    try:
        start = _SPACE.match(raw).end()  # type: ignore[union-attr]
        if raw.startswith("\ufeff", start):
            start += 1
        return _edit(raw, start, old, new) + "\n"
    except (ValueError, IndexError):
        return None
