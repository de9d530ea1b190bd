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
import unicodedata

import ftfy
from ftfy import badness, fixes

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


# C0/C1 control characters other than tab and line breaks, and ANSI escapes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def repair(text: str) -> str:
    """Fix mojibake, entities and control characters with ftfy.

    ftfy's encoding repair is its costly step and only acts on text its
    badness measure flags; other text gets ftfy's cheap fixes directly
    (entities, terminal escapes, control characters, ligatures, character
    width, NFC), which gives the same result much faster.
    """
    if text.isascii() and "&" not in text and not _CONTROL.search(text):
        return text
    if badness.is_bad(text):
        return ftfy.fix_text(text, _FTFY_CONFIG)
    if "&" in text:  # ftfy's unescape_html="auto": only lines without "<"
        text = "\n".join(
            fixes.unescape_html(ln) if "&" in ln and "<" not in ln else ln for ln in text.split("\n")
        )
    if "\x1b" in text:
        text = fixes.remove_terminal_escapes(text)
    if _CONTROL.search(text):
        text = fixes.fix_c1_controls(text)
        text = fixes.remove_control_chars(text)
    text = fixes.fix_character_width(fixes.fix_latin_ligatures(text))
    text = fixes.fix_surrogates(text)
    return unicodedata.normalize("NFC", text)


def normalize(text: str) -> str:
    """Return the canonical, repaired form of ``text`` (see module doc)."""
    text = repair(text)
    text = _BREAKS.sub("\n", text).replace(_PARAGRAPH_SEP, "\n\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")
