"""Parsing: a decoded page to the lxml tree trafilatura would extract from, parsed once.

The tree is built by trafilatura's own loader (``load_html``), so that what
the engine walks is what trafilatura extracts from (it works on a copy).
Two shortcuts make it cheaper without changing the tree: a page the loader
would not repair goes straight to its parser (:func:`_load`), and that
parser picks lxml's element classes in C (:func:`_fast_parser`). Both rely on
what trafilatura's loader does; when it does something else, they are not
taken (see :func:`_loader_doctype`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product
from typing import Any

from ftfy.fixes import fix_surrogates
from lxml import etree
from lxml.html import HtmlElement

from cleaner.decoding import decode_page, looks_binary
from cleaner.errors import HtmlError

# A surrogate code point: a str page holds one from a bad JSON escape ("\\ud800") or a text decoded with
# surrogateescape; ftfy's fix_surrogates makes a pair the character it encodes and a lone one U+FFFD, as the
# text path's normalisation does.
_SURROGATE = re.compile("[\ud800-\udfff]")
# What a page given as text is scanned for, at once: a surrogate, a character the loader drops, or a control
# character looks_binary counts (C0, U+007F, C1). A page with none of them needs none of the three scans.
_UNUSUAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Control characters dropped before the page goes to the loader (tab, LF, FF, CR stay).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def page_text(html: str | bytes, max_bytes: int | None) -> tuple[str, bool, bytes | None]:
    """Check a page's type and size and decode it (see :mod:`cleaner.decoding`).

    Also tells whether the text is clean (holds nothing the loader drops),
    and gives the bytes when the text is exactly their UTF-8 decoding and
    clean (see :func:`parse`). Raises :class:`HtmlError` for what is not a page.
    """
    if isinstance(html, (bytes, bytearray, memoryview)):
        data = bytes(html)
        if max_bytes and len(data) > max_bytes:
            raise HtmlError(f"page too large: {len(data)} bytes (limit {max_bytes})")
        text, encoding, exact = decode_page(data)
        if encoding != "utf-8":  # a decoded text, checked as a page given as text is
            return (*_checked_text(text), None)
        clean = _utf8_without_loader_drops(data)
        if not (clean and _utf8_without_c1(data)):  # else the text holds no control character at all
            _refuse_binary(text)
        return text, clean, data if clean and exact else None
    if isinstance(html, str):
        if max_bytes and len(html) > max_bytes:
            raise HtmlError(f"page too large: {len(html)} characters (limit {max_bytes})")
        return (*_checked_text(html), None)
    raise HtmlError(f"an HTML page must be str or bytes, not {type(html).__name__}")


def _checked_text(text: str) -> tuple[str, bool]:
    """A page's text without surrogates, and whether it is clean; raises :class:`HtmlError` for binary data.

    One scan tells most pages need none of the three checks (``_UNUSUAL``).
    A surrogate (a page given as text may hold one) is fixed, since lxml
    stops reading the page at one: the text after it would be lost.
    """
    if not _UNUSUAL.search(text):
        return text, True
    if _SURROGATE.search(text):
        text = fix_surrogates(text)
    _refuse_binary(text)
    return text, not _LOADER_DROPS.search(text)


def _refuse_binary(text: str) -> None:
    """Raise :class:`HtmlError` when ``text`` looks like binary data rather than a page."""
    if looks_binary(text):
        raise HtmlError("not an HTML page: the content is binary (many control characters)")


class _TooDeep(Exception):
    """libxml2 stopped parsing the page: nested deeper than its limit (255 elements)."""


def _refuse_truncated(parser: Any) -> None:
    """Refuse a tree libxml2 stopped building (nested deeper than its limit): the text past it would be lost."""
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:
            raise _TooDeep


MAX_DEPTH = 200  # elements kept nested in a page too deep for the parser (libxml2 stops at 255)
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
)
_RAW_TEXT = frozenset(("script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes"))
_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][^\s/>]*)[^>]*>", re.DOTALL)
_MATCH_WINDOW = 64  # an end tag closes an element at most this far down the stack of open ones (linear time)


def flatten(text: str, limit: int = MAX_DEPTH) -> str:
    """``text`` with the tags nested deeper than ``limit`` dropped (their text stays, in its place).

    A page nested deeper than libxml2's limit (255 elements: a generated
    page, or an attack) loses every word past it. Browsers and lexbor-based
    parsers read it whole; here the tags past ``limit`` go and their text
    joins the element at that depth, so that the parser reads every word.
    One pass over the tags, in linear time: an end tag closes the element it
    names within the ``_MATCH_WINDOW`` innermost open ones, else it is
    ignored, as is a tag of a void element; comments and the content of
    script and style elements are passed over.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, tag kept)
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() < pos:  # inside a raw-text element skipped below
            continue
        closing, name = m.group(1), (m.group(2) or "").lower()
        out.append(text[pos : m.start()])
        pos = m.end()
        if not name:  # a comment
            out.append(m.group())
            continue
        if closing:
            for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - _MATCH_WINDOW), -1):
                if stack[depth][0] == name:
                    kept = stack[depth][1]
                    del stack[depth:]
                    if kept:
                        out.append(m.group())
                    break
            continue
        kept = len(stack) < limit or name in _RAW_TEXT  # a script holds no element: its tags stay
        if kept:
            out.append(m.group())
        if name in _RAW_TEXT:
            end = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(text, pos)
            stop = end.start() if end else len(text)
            out.append(text[pos:stop])
            if end is not None and kept:
                out.append(end.group())
            pos = end.end() if end else len(text)
        elif name not in _VOID and not m.group().endswith("/>"):
            stack.append((name, kept))
    out.append(text[pos:])
    return "".join(out)


# What trafilatura's loader (``load_html``) drops from a page before parsing it (its
# INVALID_XML_CHARS): the control characters XML does not allow, and two non-characters.
_LOADER_DROPS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The control characters among them, as bytes (in UTF-8 as in ASCII), one by one. The
# non-characters are b"\xef\xbf\xbe" and b"\xef\xbf\xbf" in UTF-8.
_LOADER_DROPS_BYTES = [bytes([b]) for b in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))]


@lru_cache(maxsize=1)
def _loader_doctype() -> re.Pattern[str] | None:
    """The doctype pattern of trafilatura's loader; None unless the loader drops ``_LOADER_DROPS``.

    The shortcuts of :func:`_drop_control` and :func:`_load` rely on what the
    loader does; with a loader that does something else, they are not taken.
    """
    try:
        from trafilatura.utils import DOCTYPE_TAG, INVALID_XML_CHARS
    except ImportError:
        return None
    return DOCTYPE_TAG if INVALID_XML_CHARS.pattern == _LOADER_DROPS.pattern else None


def _utf8_without_loader_drops(data: bytes) -> bool:
    """True when UTF-8 ``data`` holds nothing of ``_LOADER_DROPS``.

    One ``memchr`` per byte value (``in``), which reads a page at several
    bytes a cycle: 29 of them take a tenth of the time of one pass of a
    byte table (``bytes.translate``) or of a regular expression.
    """
    return (
        not any(byte in data for byte in _LOADER_DROPS_BYTES)
        and b"\xef\xbf\xbe" not in data
        and b"\xef\xbf\xbf" not in data
    )


def _utf8_without_c1(data: bytes) -> bool:
    """True when UTF-8 ``data`` holds no U+007F and no C1 control (U+0080 to U+009F, ``\\xc2\\x80`` to ``\\xc2\\x9f``).

    With :func:`_utf8_without_loader_drops`, the page's text then holds none
    of the control characters :func:`~cleaner.decoding.looks_binary` counts,
    which need not scan it (``\\xc2`` leads a few characters of a page: a
    no-break space, a copyright sign).
    """
    if b"\x7f" in data:
        return False
    at = data.find(b"\xc2")
    while at >= 0:
        if b"\x80" <= data[at + 1 : at + 2] < b"\xa0":
            return False
        at = data.find(b"\xc2", at + 1)
    return True


def _drop_control(text: str, *, head: int = 50) -> str:
    """``text`` ready for trafilatura's loader: without the control characters of ``_CONTROL``.

    The loader drops most of them itself (``_LOADER_DROPS``), so that
    scanning the whole page here would be wasted: only U+007F is dropped
    everywhere, and the others from the start of the page, whose first
    ``head`` characters the loader reads before it drops them. A text that
    loses nothing is returned as it is.
    """
    if "\x7f" in text:
        text = text.replace("\x7f", "")
    if _loader_doctype() is None:
        return _CONTROL.sub("", text)
    cut = 4 * head
    while True:
        start = _CONTROL.sub("", text[:cut])
        if len(start) >= head or cut >= len(text):
            return text if len(start) == min(cut, len(text)) else start + text[cut:]
        cut *= 4


def _loader_cut(text: str) -> int | None:
    """How many leading characters trafilatura's loader drops from ``text``, given that it holds nothing of
    ``_LOADER_DROPS``; None when the loader would change the text otherwise.

    Besides dropping those characters, the loader repairs two faulty
    starts of a page: it drops a doctype with a slash from the first line
    (an XHTML doctype: a page in three on the web-dev pages), and it mends a
    self-closing ``<html/>`` (left to the loader here).
    """
    doctype = _loader_doctype()
    if doctype is None:
        return None
    if any("<html" in line and line.endswith("/>") for line in text[:4096].splitlines()[:4]):
        return None
    if "doctype" not in text[:50].lower():
        return 0
    end = text.find("\n")
    if end < 0:  # the loader rebuilds the page from its first line and the rest, adding a line break
        return None
    match = doctype.match(text, 0, end)
    return match.end() if match else 0


# The options of trafilatura's parser, ``trafilatura.utils.HTML_PARSER`` (see :func:`_fast_parser`).
_PARSER_OPTIONS: dict[str, Any] = {
    "collect_ids": False, "default_doctype": False, "encoding": "utf-8", "remove_comments": True, "remove_pis": True
}


@lru_cache(maxsize=1)
def _fast_parser() -> etree.HTMLParser | None:
    """trafilatura's parser made faster: the same options and element classes, chosen in C; None if it differs.

    Whenever Python first touches an element of a tree (in a walk, an XPath
    result, ``getparent()``...), lxml makes a proxy object for it, whose class
    lxml.html picks by calling a Python method (``HtmlElementClassLookup``):
    thousands of calls a page, in our walks and in trafilatura's. A namespace
    class lookup that holds the same classes (``FormElement`` for ``<form>``
    ..., ``HtmlElement`` for the other elements) picks them in C; it holds
    them for names without a namespace, as the HTML parser gives none. A
    probe page checks that this parser gives trafilatura's parser's trees,
    classes included; if it does not (another trafilatura or lxml),
    trafilatura's parser is used.
    """
    from lxml import html as lxml_html
    from trafilatura.utils import HTML_PARSER

    classes = getattr(lxml_html.HtmlElementClassLookup, "_default_element_classes", None)
    if not isinstance(classes, dict):
        return None
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    registry = lookup.get_namespace(None)
    for name, cls in classes.items():
        # lxml.html looks the tag up in lower case: every ASCII case variant of it has the class
        for variant in product(*({c.lower(), c.upper()} for c in name)):
            registry["".join(variant)] = cls
    parser = lxml_html.HTMLParser(**_PARSER_OPTIONS)
    parser.set_element_class_lookup(lookup)
    probe = (
        "<html><head><title>Probe \u00e9</title><!-- comment --><?pi x?></head><body>"
        + "".join(f'<div id="{n}"><{n.upper()}>{n}</{n.upper()}><{n}>x</{n}></div>' for n in classes)
        + "</body></html>"
    )

    def shape(tree: HtmlElement) -> tuple[str, list[type], int]:
        return (
            etree.tostring(tree.getroottree(), encoding="unicode"),
            [type(el) for el in tree.iter()],
            len(tree.xpath("id('form')")),
        )

    for source in (probe, probe.encode("utf-8")):
        ours, theirs = (lxml_html.fromstring(source, parser=p) for p in (parser, HTML_PARSER))
        if shape(ours) != shape(theirs):
            return None
    return parser


_LEADING_SPACE = re.compile(r"\s*")


def _starts_alike(text: str) -> bool:
    """True when lxml.html reads the start of ``text`` as it reads the start of its UTF-8 bytes.

    ``lxml.html.fromstring`` tells a whole document from a fragment by its
    start (spaces, then ``<html`` or ``<!doctype`` in any case), with a text
    pattern for text and a bytes pattern for bytes. They agree on ASCII,
    but for the separators U+001C to U+001F, which a clean page does not hold.
    """
    match = _LEADING_SPACE.match(text)
    return match is not None and text[: match.end() + len("<!doctype")].isascii()


def _load(text: str, *, clean: bool, utf8: bytes | None = None) -> HtmlElement | None:
    """trafilatura's ``load_html(text)``, with its repair done here when it can be.

    The repair scans the whole page for ``_LOADER_DROPS`` (a third of the
    loader's time). A ``clean`` page holds none of them (the caller checked
    it faster, see :func:`_utf8_without_loader_drops`): when the rest of the
    repair is a doctype dropped from its start or nothing (:func:`_loader_cut`),
    the page goes straight to the parser trafilatura uses, made faster (see
    :func:`_fast_parser`). That parser reads ``utf8``, the bytes ``text`` is
    the exact UTF-8 decoding of, when they are given: the tree is the same and
    the parser need not convert the text. When that gives an unusual tree
    (fewer than two children, for which the loader has fallbacks) or fails,
    the loader does it all.

    Raises ``_TooDeep`` for a page nested deeper than the parser's limit (see :func:`_refuse_truncated`).
    """
    from trafilatura import load_html
    from trafilatura.utils import HTML_PARSER

    cut = _loader_cut(text) if clean else None
    if cut is not None:
        from lxml.html import fromstring

        kept = text[cut:]
        if utf8 is not None and cut:  # an ASCII doctype is as many bytes as characters
            utf8 = utf8[cut:] if text[:cut].isascii() else None
        parser = _fast_parser() or HTML_PARSER
        source = utf8 if utf8 is not None and _starts_alike(kept) else kept
        try:
            tree = fromstring(source, parser=parser)
        except Exception:  # whatever it is, the loader's own handling decides
            tree = None
        if tree is not None and len(tree) >= 2:
            _refuse_truncated(parser)
            return tree
    tree = load_html(text)
    _refuse_truncated(HTML_PARSER)
    return tree


def parse(text: str, *, clean: bool = False, utf8: bytes | None = None) -> HtmlElement:
    """Parse a decoded page with trafilatura's loader; fragments are wrapped in a body.

    ``clean``: the text is known to hold nothing of ``_LOADER_DROPS``;
    ``utf8``: the bytes ``text`` was decoded from, when it is exactly their
    UTF-8 decoding (see :func:`_load`).
    """
    dropped = _drop_control(text)
    if len(dropped) != len(text):  # the bytes still hold what was dropped
        utf8 = None
    text = dropped
    tree = None
    try:
        try:
            tree = _load(text, clean=clean, utf8=utf8)
        except _TooDeep:  # read it with the tags past MAX_DEPTH dropped, every word kept
            text = flatten(text)
            tree = _load(text, clean=clean)
        if tree is None or tree.find("body") is None:
            tree = _load(f"<html><body>{text}</body></html>", clean=clean)
    except _TooDeep as exc:
        raise HtmlError("page nested deeper than the HTML parser's limit of 255 elements") from exc
    except HtmlError:
        raise
    except (ValueError, etree.LxmlError) as exc:  # lxml's own complaints, e.g. a document with no elements
        raise HtmlError(f"cannot parse the page as HTML ({exc})") from exc
    if tree is None:
        raise HtmlError("cannot parse the page as HTML (no element found)")
    return tree


def decode(data: bytes, *, sniff_bytes: int = 4096) -> str:
    """A page's bytes as text (see :func:`cleaner.decoding.decode_page`); raises :class:`HtmlError` for binary data."""
    text = decode_page(data, sniff_bytes=sniff_bytes)[0]
    _refuse_binary(text)
    return text
