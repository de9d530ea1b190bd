"""Text repair and normalisation: the canonical form every rule works on.

The normalised text is what offsets in the audit log point into. It is:

* repaired with ftfy (mojibake, HTML entities, control characters, NFC);
* free of odd whitespace: tabs, non-breaking and other Unicode spaces become
  one plain space, zero-width characters and soft hyphens are dropped, every
  line break is ``\\n``;
* canonical: no line has leading or trailing spaces, runs of spaces are one
  space, paragraphs are separated by exactly one blank line, and the text
  has no leading or trailing whitespace.

Because the form is canonical, normalising normalised text changes nothing,
and the clean body (the normalised text minus removed spans) is canonical too.
"""

from __future__ import annotations

import re

import ftfy

# Unicode line and paragraph separators and other vertical breaks.
_BREAKS = re.compile(r"\r\n?|[\v\f\x85\u2028]")
_PARAGRAPH_SEP = "\u2029"
# Characters that carry no text: zero-width spaces and joiners used as
# separators, the BOM, soft hyphens, word joiners.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff\u180e]")
# Horizontal whitespace other than the plain space.
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",
    uncurl_quotes=False,
    fix_line_breaks=True,
    normalization="NFC",
    explain=False,
)


def repair(text: str) -> str:
    """Fix mojibake, entities and control characters with ftfy.

    ASCII-only text without entities has nothing ftfy could repair, so it is
    returned as is (the common case, and much faster).
    """
    if text.isascii() and "&" not in text:
        return text
    return ftfy.fix_text(text, _FTFY_CONFIG)


def normalize(text: str) -> str:
    """Return the canonical, repaired form of ``text`` (see module doc)."""
    text = repair(text)
    text = _BREAKS.sub("\n", text).replace(_PARAGRAPH_SEP, "\n\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")
