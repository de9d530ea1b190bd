"""File names in messages and in the audit log: one line each, and never two names shown alike.

A file name on Linux is any bytes but ``/`` and NUL: a newline, a control
character, bytes that are not UTF-8 (which Python holds as lone surrogates,
``\\udcff`` for the byte ``\\xff``). :func:`shown` writes a plain name as it is
and quotes any other (``"a\\nb.txt"``, ``"\\xff.txt"``), C-style, so that an
error stays on one line, the audit log stays valid UTF-8, and two names never
look the same; :func:`unshown` gives the name back (``--from-audit`` finds
the inputs again).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

# What makes a name need quoting: control characters (C0, DEL, C1), lone surrogates, backslash, and a quote
# at the start (a plain name never starts with one, so a quoted one is never read as plain).
_SPECIAL = re.compile(r'[\x00-\x1f\x7f-\x9f\\\ud800-\udfff]|^"')
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", '"': '\\"'}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _ESCAPES:
        return _ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape); a character is \u0080 and up
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


_QUOTED = re.compile(r'[\x00-\x1f\x7f-\x9f\\"\ud800-\udfff]')


def shown(name: str) -> str:
    """``name`` as messages and the audit log show it: as it is when plain, else quoted with C escapes."""
    if not _SPECIAL.search(name):
        return name
    return '"' + _QUOTED.sub(lambda m: _escape(m.group()), name) + '"'


_UNESCAPE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|.)")


def unshown(text: str) -> str:
    """The name :func:`shown` made ``text`` of (undecodable bytes back as surrogates, as ``os.fsdecode`` has them)."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    inverse = {v[1]: k for k, v in _ESCAPES.items()}

    def back(m: re.Match[str]) -> str:
        code = m.group(1)
        if code.startswith("x") and len(code) == 3:
            value = int(code[1:], 16)
            return os.fsdecode(bytes([value])) if value >= 0x80 else chr(value)  # \x80 and up: a raw byte
        if code.startswith("u") and len(code) == 5:
            return chr(int(code[1:], 16))
        return inverse.get(code, code)

    return _UNESCAPE.sub(back, text[1:-1])


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def one_line(message: str) -> str:
    """A message on one line, in valid UTF-8 (names in it are :func:`shown` already; this is for the rest)."""
    text = _CONTROL.sub(lambda m: _escape(m.group()), message)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def json_line(record: dict[str, Any]) -> str:
    """An audit record as one line of JSON (strings in valid UTF-8: a lone surrogate becomes U+FFFD)."""
    clean = {k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if isinstance(v, str) else v
             for k, v in record.items()}
    return json.dumps(clean, ensure_ascii=False) + "\n"
