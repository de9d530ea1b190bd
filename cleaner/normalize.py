"""Text repair and normalisation: the canonical form every rule works on.

The normalised text is what offsets in the audit log point into. It is:

* repaired with ftfy (mojibake, HTML entities, control characters) and in
  NFC, the canonical composition of Unicode;
* free of odd whitespace: tabs, non-breaking and other Unicode spaces become
  one plain space, zero-width characters and soft hyphens are dropped, every
  line break is ``\\n``;
* canonical: no line has leading or trailing spaces, runs of spaces are one
  space, paragraphs are separated by exactly one blank line, and the text
  has no leading or trailing whitespace.

Because the form is canonical, normalising normalised text changes nothing,
and the clean body (the normalised text minus removed spans) is canonical too.

Nothing else is changed: repairing encoding and whitespace is all.
Compatibility characters are text as written and stay as they are:
full-width letters, digits and punctuation (``，``, ``Ａ``), the ideographic
space (U+3000, a full-width character, not collapsed like other spaces),
half-width katakana, ligatures (``ﬁ``) and the CJK compatibility ideographs
(which NFC alone would map to their unified forms).
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy import badness, fixes

# Unicode line and paragraph separators and other vertical breaks.
_BREAKS = re.compile(r"\r\n?|[\v\f\x85\u2028]")
_ANY_BREAK = re.compile(r"[\r\v\f\x85\u2028]")  # a character _BREAKS needs (one class: a faster scan)
_PARAGRAPH_SEP = "\u2029"
# Characters that carry no text: zero-width spaces and joiners used as
# separators, the BOM, soft hyphens, word joiners.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff\u180e]")
# Horizontal whitespace other than the plain space (and the ideographic space, a full-width character that stays).
_SPACES = re.compile(r"[^\S\n\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Whitespace other than the plain space, the line break and the ideographic space (what _SPACES has to replace).
_ODD_SPACE = re.compile(
    "[" + re.escape("".join(c for c in map(chr, range(0x3000)) if c.isspace() and c not in " \n")) + "]"
)

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",
    uncurl_quotes=False,
    fix_latin_ligatures=False,  # compatibility characters are text as written (see the module doc)
    fix_character_width=False,
    fix_line_breaks=True,
    normalization=None,  # nfc() below, which keeps the CJK compatibility ideographs
    explain=False,
)
# CJK compatibility ideographs: NFC maps each to its unified ideograph, yet they are written on purpose (a
# name's or an edition's own glyph), so nfc() keeps them.
_CJK_COMPAT = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f])")


def nfc(text: str) -> str:
    """``text`` in NFC, but for its CJK compatibility ideographs, which stay as they are."""
    if unicodedata.is_normalized("NFC", text):
        return text
    if not _CJK_COMPAT.search(text):
        return unicodedata.normalize("NFC", text)
    return "".join(
        part if i % 2 else unicodedata.normalize("NFC", part) for i, part in enumerate(_CJK_COMPAT.split(text))
    )


# C0/C1 control characters other than tab and line breaks, and ANSI escapes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Every character the whitespace canonicalisation rewrites or drops, but the plain space and line break.
_ODD_CHAR = re.compile(
    "[" + _ANY_BREAK.pattern[1:-1] + _PARAGRAPH_SEP + _INVISIBLE.pattern[1:-1] + _ODD_SPACE.pattern[1:-1] + "]"
)


def _expand(spec: str) -> set[str]:
    """The characters of a regex class body made of plain characters and ``a-z`` ranges."""
    chars: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            chars.update(map(chr, range(ord(spec[i]), ord(spec[i + 2]) + 1)))
            i += 3
        else:
            chars.add(spec[i])
            i += 1
    return chars


def _suspect_chars() -> re.Pattern[str]:
    """Runs of the characters that ftfy's badness patterns require.

    Every alternative of ``badness.BADNESS_RE`` has a position that only a
    character of its mojibake categories (or a literal of the pattern) can
    fill and that accepts none of the *benign* characters: ASCII, the
    "common" category (dashes, ellipsis, no-break space, right single
    quote), curly double and left single quotes, and the Greek and Cyrillic
    letters except the capitals that start the patterns of Windows-1251 and
    -1253 mojibake (В Г Р С Ђ, Β Γ Ξ Ο). So every match holds a suspect
    character: one of the categories' or pattern's characters that is not
    benign. (Checked against ``is_bad`` itself in tests/test_speedups.py.)
    """
    cats = badness.MOJIBAKE_CATEGORIES
    known: set[str] = set().union(*(_expand(v) for v in cats.values()))
    known |= {c for c in badness.BADNESS_RE.pattern if ord(c) > 127}
    letters = _expand(cats["lower_common"]) | _expand(cats["upper_common"])
    benign = _expand(cats["common"]) | {"\u2018", "\u201c", "\u201d"} | (letters - set("ВГРСЂΒΓΞΟ"))
    suspect = sorted(c for c in known if ord(c) > 127 and c not in benign)
    return re.compile("[" + "".join(re.escape(c) for c in suspect) + "]+")


_SUSPECT = _suspect_chars()
_REACH = 6  # a badness match spans at most 7 characters
# Any character the last fixes of repair() act on (controls, surrogates): one scan that, when it finds none,
# lets repair skip their separate checks.
_RARE = re.compile("[" + _CONTROL.pattern[1:-1] + "\ud800-\udfff]")


_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n"


def _unusual(text: str) -> str:
    """The characters of ``text`` other than printable ASCII and the line break, in order.

    Every character the classes of this module look for (controls, odd
    spaces and breaks, invisible, suspect, wide and ligature characters) is
    such a character, so they can scan this short string instead of the
    text. (Plain ASCII bytes never occur inside a UTF-8 sequence.)
    """
    return text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_BYTES).decode("utf-8", "surrogatepass")


def looks_bad(text: str, unusual: str | None = None) -> bool:
    """``ftfy.badness.is_bad(text)``, searched only around suspect characters: the same answer, much faster.

    A match holds a suspect character (see :func:`_suspect_chars`) and is at
    most ``_REACH + 1`` characters long, so it lies within ``_REACH`` of a run
    of them; ``search(text, pos, endpos)`` keeps ``^`` at the real start.
    ``unusual`` is ``_unusual(text)`` when the caller has it.
    """
    if not _SUSPECT.search(_unusual(text) if unusual is None else unusual):  # most texts: a short scan
        return False
    search = badness.BADNESS_RE.search
    n = len(text)
    lo = hi = -1
    for m in _SUSPECT.finditer(text):
        start, end = m.start() - _REACH, m.end() + _REACH
        if start > hi:
            if hi >= 0 and search(text, max(0, lo), min(n, hi)):
                return True
            lo = start
        hi = end
    return hi >= 0 and search(text, max(0, lo), min(n, hi)) is not None


def repair(text: str, unusual: str | None = None) -> str:
    """Fix mojibake, entities and control characters with ftfy.

    ftfy's encoding repair is its costly step and only acts on text its
    badness measure flags; other text gets ftfy's cheap fixes directly
    (entities, terminal escapes, control characters, surrogates), which
    gives the same result much faster. Then :func:`nfc`. ``unusual`` is
    ``_unusual(text)`` when the caller has it.
    """
    if unusual is None:
        unusual = _unusual(text)
    if text.isascii() and "&" not in text and not _CONTROL.search(unusual):
        return text
    if looks_bad(text, unusual):
        return nfc(ftfy.fix_text(text, _FTFY_CONFIG))
    if "&" in text:  # ftfy's unescape_html="auto": only lines without "<"
        unescaped = "\n".join(
            fixes.unescape_html(ln) if "&" in ln and "<" not in ln else ln for ln in text.split("\n")
        )
        if unescaped != text:  # an entity may stand for any character
            text, unusual = unescaped, _unusual(unescaped)
    if "\x1b" in text:
        text = fixes.remove_terminal_escapes(text)  # removes characters only: unusual is now a superset
    if _RARE.search(unusual):  # else (or for a superset's extra) the steps below would change nothing
        if _CONTROL.search(text):
            text = fixes.fix_c1_controls(text)
            text = fixes.remove_control_chars(text)
        text = fixes.fix_surrogates(text)
    return nfc(text)


def normalize(text: str) -> str:
    """Return the canonical, repaired form of ``text`` (see module doc).

    Normalising normalised text changes nothing: removing a control or
    invisible character can bring together two characters that ftfy reads
    as mojibake (``"÷\\x1fÑ"`` becomes ``"÷Ñ"``, which ftfy repairs on the
    next call), so the steps repeat until the text is stable (at most
    ``_MAX_ROUNDS`` times; a second round is rare and cheap).
    """
    unusual = _unusual(text)
    repaired = repair(text, unusual)
    once = _canonical_spaces(repaired, unusual if repaired is text else None)
    if once == text:  # already normal: the loop below would stop at once and return it
        return once
    text = once
    for _ in range(_MAX_ROUNDS - 1):
        repaired = repair(text)
        if repaired == text:  # then the round would change nothing: see _canonical_spaces
            break
        once = _canonical_spaces(repaired)
        if once == text:
            break
        text = once
    return text


_MAX_ROUNDS = 4


def _padded(text: str) -> bool:
    """Whether some line of ``text`` starts or ends with a space (else stripping its lines changes nothing)."""
    return text.startswith(" ") or text.endswith(" ") or " \n" in text or "\n " in text


def _canonical_spaces(text: str, unusual: str | None = None) -> str:
    """The whitespace canonicalisation of a round.

    It is idempotent: its output holds no character an earlier step of it
    rewrites (breaks, invisible and odd spaces are gone, no double space,
    no padded line, no run of blank lines), so a later round whose repair
    changed nothing changes nothing either and need not run it.
    """
    # One scan (of the unusual characters, ``_unusual(text)``, when the caller has them); without such
    # characters three steps have nothing to do.
    odd = _ODD_CHAR.search(text if unusual is None else unusual) is not None
    if odd:
        if _ANY_BREAK.search(text):
            text = _BREAKS.sub("\n", text)
        text = text.replace(_PARAGRAPH_SEP, "\n\n")
        text = _INVISIBLE.sub("", text)
    if "  " in text or (odd and _ODD_SPACE.search(text)):  # else every run of spaces is one plain space already
        text = _SPACES.sub(" ", text)
    if _padded(text):
        text = "\n".join(line.strip(" ") for line in text.split("\n"))
    if "\n\n\n" in text:  # what _BLANK_LINES needs
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


# What ftfy (inside ``normalize``) could change in a line of decoded page text:
# UTF-8 read as Latin-1/cp1252 (a lead byte then a continuation byte), HTML
# entities, C1 and other control characters, replacement characters,
# ligatures, full-width forms, lone surrogates, and text not in NFC.
_CP1252_CONTINUATION = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_FTFY_NEEDED = re.compile(
    f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_CONTINUATION}]"
    "|[&\x00-\x08\x0b-\x1f\x7f-\x9f\u206a-\u206f\ufb00-\ufb06\uff00-\uffef\ufff9-\ufffd\ud800-\udfff]"
    "|[\U000e0000-\U000e007f\U0001d173-\U0001d17a]"
)


def needs_repair(text: str) -> bool:
    """True when ftfy might change ``text`` (a conservative test, much cheaper than ftfy)."""
    if text.isascii():
        return "&" in text
    return bool(_FTFY_NEEDED.search(text)) or not unicodedata.is_normalized("NFC", text)


def normalize_lines(texts: list[str]) -> list[str]:
    """Normalise every one of ``texts``, lines with single spaces, running ftfy only where it can matter.

    ftfy costs about a microsecond per character and has a fixed cost per
    line; yet text decoded from a page rarely has anything for it to
    repair. So a line that :func:`needs_repair` clears only loses its
    invisible characters and extra spaces (what the rest of ``normalize``
    does to a single line), and the other lines are normalised one by one
    (not joined: ftfy judges a text as a whole, so a joined repair could
    differ from the lines' own). Either way ``normalize(line) == line`` for
    every result.
    """
    if _INVISIBLE.search("\n".join(texts)):
        parts = [" ".join(_INVISIBLE.sub("", t).split()) for t in texts]
    else:
        parts = list(texts)
    for n, text in enumerate(parts):
        if needs_repair(text):
            parts[n] = " ".join(normalize(text).split())
    return parts
