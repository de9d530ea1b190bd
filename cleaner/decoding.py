"""Bytes to text, for text files and HTML pages alike: one byte-order-mark table, one binary check.

Text files (:func:`decode_text`): a byte-order mark (UTF-8, UTF-16, UTF-32)
wins; then UTF-16 without a BOM (told by its NUL bytes); strict UTF-8;
Windows-1252 (a superset of the printable Latin-1, what browsers read
"latin-1" as) when the result reads like a Latin-script text; the encoding
charset-normalizer detects; else Latin-1, which decodes any bytes.

HTML pages (:func:`decode_page`): a byte-order mark wins, then the charset
a ``<meta>`` tag declares in the first bytes when the bytes agree with it
(it decodes them; valid UTF-8 beats a declared single-byte charset), then
strict UTF-8, then what text files fall back to.

Either way, a text with too many control characters (:func:`looks_binary`)
is binary data, not text.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from cleaner.errors import InputError
from cleaner.text import LETTERS

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 65_536  # characters (or bytes) looked at to tell binary data and BOM-less UTF-16
_DETECT_BYTES = 200_000  # bytes charset-normalizer looks at


def bom_decode(data: bytes) -> tuple[str, str] | None:
    """The text and encoding a byte-order mark gives ``data`` (None without one); bad sequences become U+FFFD."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace"), encoding
    return None


# Control characters that do not occur in text (tab, line feed, vertical tab,
# form feed and carriage return do); plus the C1 block, which no real text uses.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BINARY_SHARE = 0.05  # more control characters than this share of a sample: binary data


def looks_binary(text: str) -> bool:
    """True when the start of ``text`` holds too many control characters to be text."""
    sample = text[:_SAMPLE]
    return bool(sample) and len(_CONTROL.findall(sample)) > _BINARY_SHARE * len(sample)


# -- text files ------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode a text file (see the module doc); raise InputError for binary data."""
    found = bom_decode(data)
    if found is not None:
        return _checked(found[0])
    if b"\x00" in data[:_SAMPLE]:
        enc16 = _utf16_without_bom(data)
        if enc16 is None:
            raise InputError("binary file (NUL bytes), not text")
        return _checked(data.decode(enc16, errors="replace"))
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _checked(_legacy(data)[0])


def _legacy(data: bytes) -> tuple[str, str]:
    """Bytes that are not UTF-8: Windows-1252 when the text reads like a Latin-script one, else what
    charset-normalizer detects, else Latin-1 (which decodes anything). The text and its encoding."""
    try:
        text = data.decode("cp1252")
        if _looks_western(text):
            return text, "cp1252"
    except UnicodeDecodeError:
        pass
    best = _detect(data)
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("latin-1"), "latin-1"


def _detect(data: bytes) -> Any:
    """charset-normalizer's best guess for ``data`` (None when it has none); imported only when needed."""
    import charset_normalizer

    return charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()


def _checked(text: str) -> str:
    """``text``, unless it is binary data (then InputError)."""
    if looks_binary(text):
        raise InputError("binary file (control characters), not text")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 encoding of BOM-less ``data`` when its NUL bytes say so (ASCII-heavy text), else None."""
    sample = data[:_SAMPLE] if len(data) % 2 == 0 else b""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * len(sample) / 2 and even == 0:
        return "utf-16-le"
    if even > 0.3 * len(sample) / 2 and odd == 0:
        return "utf-16-be"
    return None


def _looks_western(text: str) -> bool:
    """True when ``text`` decoded as cp1252 reads like a Latin-script language.

    In a Western text decoded right, accented letters sit inside words of
    mostly plain letters; a Cyrillic, Greek or Asian text decoded as cp1252
    turns into words made only of accented letters and symbols.
    """
    long_words = [w for w in LETTERS.findall(text[:_SAMPLE]) if len(w) >= 3]
    if not long_words:
        return True
    alien = sum(1 for w in long_words if not any(c.isascii() for c in w))
    return alien <= 0.1 * len(long_words)


# -- HTML pages --------------------------------------------------------------------------

# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "iso_8859-1", "cp819"}


def meta_charset(head: bytes) -> str | None:
    """The encoding a page declares in its first bytes, if Python knows it."""
    m = _META_CHARSET.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii", "ignore").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _single_byte(encoding: str) -> bool:
    """Whether ``encoding`` holds one character a byte (cp1252, ISO-8859-x, KOI8 ...), unlike UTF-8 or GBK."""
    return all(len(c.encode(encoding, "ignore")) <= 1 for c in "\u00e9\u0416\u4e2d\u20ac")


def decode_page(data: bytes, *, sniff_bytes: int = 4096) -> tuple[str, str, bool]:
    """A page's text (see the module doc), the encoding used (Python's name for it), and whether the text is
    exactly ``data.decode(encoding)`` (no byte-order mark cut off, no character replaced).

    The charset a page declares is tested against its bytes: pages are
    often saved or served in another encoding than their ``<meta>`` says. A
    declared charset that does not decode the bytes is ignored (a page
    that says UTF-8 but holds Windows-1252 is read as text files are); bytes
    that are valid UTF-8, with non-ASCII in them, are UTF-8 even when a
    single-byte charset is declared (valid UTF-8 is next to impossible by
    chance, and ``Ã©`` for ``é`` is what reading it otherwise gives). Binary
    data is not refused here: see :func:`looks_binary`.
    """
    found = bom_decode(data)
    if found is not None:
        return found[0], found[1], False
    declared = meta_charset(data[:sniff_bytes])
    try:
        text = data.decode("utf-8")
        if declared in (None, "utf-8") or (not text.isascii() and _single_byte(declared)):
            return text, "utf-8", True
    except UnicodeDecodeError:
        pass
    if declared is not None and declared != "utf-8":
        try:
            return data.decode(declared), declared, True
        except UnicodeDecodeError:
            pass
    text, used = _legacy(data)
    return text, used, True
