"""HTML input: decode a page, parse it once, and decide which of its visible text blocks are main content.

The steps, for one page:

1. **Decode** (:func:`decode`): a byte-order mark wins, then a ``<meta charset>``
   (or ``http-equiv`` content type) in the first bytes, then strict UTF-8,
   then charset-normalizer's guess. Binary data is refused with
   :class:`HtmlError`.
2. **Parse once** (:func:`parse`) with trafilatura's own loader, so that the
   tree we walk is the tree trafilatura extracts from (it works on a copy).
   A page the loader would not repair goes straight to its parser (:func:`_load`).
3. **DOM rules** (``html`` rules in ``heuristics/dom.py``) flag elements that
   are boilerplate whatever trafilatura thinks: figure captions, share and
   newsletter widgets, related-story lists, asides. An html rule is called
   as ``func(tree, ctx)`` with the parsed page and its
   :class:`~cleaner.pipeline.RuleContext`, and yields ``(element, reason)``
   pairs.
4. **Visible blocks** (:func:`visible_blocks`): one walk over the tree lists
   the text a reader sees, block by block, in document order (scripts,
   styles, templates and hidden elements are not visible). A flagged element
   always starts and ends a block, so every block has exactly one verdict.
5. **Main content**: trafilatura extracts the article text with the settings
   of the ``[html]`` table; its output is mapped back onto the blocks by a
   linear, order-preserving token alignment (:func:`align`), which does not
   care how trafilatura merged or split inline text.
6. **Decisions**: a block whose words trafilatura did not keep is removed
   by ``html.main_content``; a kept block inside a flagged element is removed
   by the DOM rule that flagged it (unless the element holds so much of the
   main content that it cannot be a widget: then the flag is noted and
   ignored).

The page text (the "normalised input" of the audit log) is every visible
block, normalised, one block per paragraph; so the audit log accounts for
every visible block that is not in the output.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise, product
from typing import TYPE_CHECKING, Any

import charset_normalizer
from lxml import etree
from lxml.html import HtmlElement

from cleaner.normalize import _INVISIBLE, normalize
from cleaner.rules import Decision, RuleContext

if TYPE_CHECKING:
    from cleaner.pipeline import Cleaner

MAIN_CONTENT_RULE = "html.main_content"


class HtmlError(ValueError):
    """A page that cannot be used: not HTML, binary, too large, or of the wrong type."""


# --------------------------------------------------------------------------
# 1. decoding
# --------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "iso_8859-1", "cp819"}
# Control characters that never occur in text (NUL and friends; tab, LF, FF, CR are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_CONTROL_SHARE = 0.05


def _meta_charset(head: bytes) -> str | None:
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


def decode(data: bytes, *, sniff_bytes: int = 4096) -> str:
    """Decode a page's bytes: BOM, then declared charset, then UTF-8, then charset-normalizer.

    A declared charset that does not decode the bytes is ignored. Raises
    :class:`HtmlError` for binary data (many control characters).
    """
    return _decode(data, sniff_bytes=sniff_bytes)[0]


def _decode(data: bytes, *, sniff_bytes: int = 4096) -> tuple[str, str, bool]:
    """:func:`decode`, which also tells the encoding it used (Python's name for it) and whether the
    text is exactly ``data.decode(encoding)`` (no byte-order mark cut off, no character replaced)."""
    text: str | None = None
    used = "utf-8"
    exact = False
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text, used = data[len(bom) :].decode(encoding, "replace"), encoding
            break
    if text is None:
        declared = _meta_charset(data[:sniff_bytes])
        for encoding in (declared, "utf-8"):
            if encoding is None:
                continue
            try:
                text, used, exact = data.decode(encoding), encoding, True
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        best = charset_normalizer.from_bytes(data[:200_000]).best()
        used = best.encoding if best else "utf-8"
        text = data.decode(used, "replace")
    _refuse_binary(text)
    return text, used, exact


def _refuse_binary(text: str) -> None:
    """Raise :class:`HtmlError` when ``text`` looks like binary data rather than a page."""
    sample = text[:20_000]
    if sample and len(_CONTROL.findall(sample)) > _BINARY_CONTROL_SHARE * len(sample):
        raise HtmlError("not an HTML page: the content is binary (many control characters)")


# --------------------------------------------------------------------------
# 2. parsing
# --------------------------------------------------------------------------


def _refuse_truncated(parser: Any) -> None:
    """Refuse a page libxml2 stopped parsing (nested deeper than its limit): its text would be lost silently."""
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:
            raise HtmlError("page nested deeper than the HTML parser's limit of 255 elements; its text would be lost")


# What trafilatura's loader (``load_html``) drops from a page before parsing it (its
# INVALID_XML_CHARS): the control characters XML does not allow, and two non-characters.
_LOADER_DROPS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The control characters among them, as bytes (in UTF-8 as in ASCII). The non-characters
# are b"\xef\xbf\xbe" and b"\xef\xbf\xbf" in UTF-8.
_LOADER_DROPS_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


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
    """True when UTF-8 ``data`` holds nothing of ``_LOADER_DROPS`` (a byte scan, much faster than a text scan)."""
    return (
        len(data.translate(None, _LOADER_DROPS_BYTES)) == len(data)
        and b"\xef\xbf\xbe" not in data
        and b"\xef\xbf\xbf" not in data
    )


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


def _loader_keeps(text: str) -> bool:
    """True when trafilatura's loader would parse ``text`` as it is, given that it holds nothing of ``_LOADER_DROPS``.

    Besides dropping those characters, the loader repairs two faulty
    starts of a page: a doctype with a slash, and a self-closing ``<html/>``.
    """
    doctype = _loader_doctype()
    if doctype is None:
        return False
    if "doctype" in text[:50].lower():  # the loader rebuilds the page from its first line and the rest
        end = text.find("\n")
        if end < 0 or doctype.search(text, 0, end):
            return False
    return not any("<html" in line and line.endswith("/>") for line in text[:4096].splitlines()[:4])


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
    """trafilatura's ``load_html(text)``, without its repair when it would change nothing.

    The repair scans the whole page for ``_LOADER_DROPS`` (a third of the
    loader's time). A ``clean`` page holds none of them (the caller checked
    it faster, see :func:`_utf8_without_loader_drops`): if :func:`_loader_keeps`
    it, it goes straight to the parser trafilatura uses (made faster, see
    :func:`_fast_parser`). That parser reads ``utf8``, the bytes ``text`` is
    the exact UTF-8 decoding of, when they are given: the tree is the same and
    the parser need not convert the text. When that gives an unusual tree
    (fewer than two children, for which the loader has fallbacks) or fails,
    the loader does it all.

    Refuses a page nested deeper than the parser's limit (see :func:`_refuse_truncated`).
    """
    from trafilatura import load_html
    from trafilatura.utils import HTML_PARSER

    if clean and _loader_keeps(text):
        from lxml.html import fromstring

        parser = _fast_parser() or HTML_PARSER
        source = utf8 if utf8 is not None and _starts_alike(text) else text
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
        tree = _load(text, clean=clean, utf8=utf8)
        if tree is None or tree.find("body") is None:
            tree = _load(f"<html><body>{text}</body></html>", clean=clean)
    except HtmlError:
        raise
    except (ValueError, etree.LxmlError) as exc:  # lxml's own complaints, e.g. a document with no elements
        raise HtmlError(f"cannot parse the page as HTML ({exc})") from exc
    if tree is None:
        raise HtmlError("cannot parse the page as HTML (no element found)")
    return tree


# --------------------------------------------------------------------------
# 3-4. visible text blocks
# --------------------------------------------------------------------------

# Elements whose content a reader never sees as text.
INVISIBLE_TAGS = frozenset(
    [
        "head", "script", "style", "noscript", "template", "title", "meta", "link", "svg", "math", "iframe",
        "object", "embed", "canvas", "audio", "video", "select", "datalist"
    ]
)
# Elements that start a new block of text (a new line on screen).
BLOCK_TAGS = frozenset(
    [
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "button",
        "label", "option"
    ]
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Flag:
    """A DOM rule's verdict on an element."""

    rule: str
    reason: str
    element: Any


@dataclass(slots=True)
class Block:
    """One visible block of text: ``page_text[start:end] == text``."""

    start: int
    end: int
    text: str
    flag: Flag | None
    element: Any = None  # the innermost block-level element around the text


RawBlock = tuple[str, "Flag | None", Any]


def _raw_blocks(tree: HtmlElement, flags: dict[Any, Flag]) -> list[RawBlock]:
    """Walk the tree once; return each block's visible text, innermost flag and innermost block element.

    Invisible elements are skipped with their content (not their tail): the
    ``INVISIBLE_TAGS``, and elements that are not rendered (a ``hidden``
    attribute, or an inline style that hides them).
    """
    blocks: list[RawBlock] = []
    pieces: list[str] = []  # the text of the current block so far
    add = pieces.append
    flag: Flag | None = None  # the innermost flag around the current text
    element: Any = tree  # the innermost block element around it
    outer: list[tuple[Flag | None, Any]] = []  # the flag and element around the current block element
    hides = _HIDDEN_STYLE.search
    flag_of = flags.get

    def flush() -> None:  # called when there are pieces
        text = " ".join("".join(pieces).split())
        if text:
            blocks.append((text, flag, element))
        pieces.clear()

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            if (
                tag.__class__ is not str  # a comment or processing instruction
                or tag in INVISIBLE_TAGS
                or el.get("hidden") is not None
                or ((style := el.get("style")) and hides(style))
            ):
                walker.skip_subtree()  # lxml still sends this element's "end" event
                continue
            own = flag_of(el)
            if own is not None or tag in BLOCK_TAGS:
                if pieces:
                    flush()
                outer.append((flag, element))
                if own is not None:
                    flag = own
                element = el
            if text := el.text:
                add(text)
            continue
        if el is element and outer:  # the end of a block element
            if pieces:
                flush()
            flag, element = outer.pop()
        if (tail := el.tail) and el is not tree:  # the tail follows the element, in its parent's flow
            add(tail)
    if pieces:
        flush()
    return blocks


# What ftfy (inside ``normalize``) could change in a block of decoded page text:
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


def _needs_repair(text: str) -> bool:
    """True when ftfy might change ``text`` (a conservative test, much cheaper than ftfy)."""
    if text.isascii():
        return "&" in text
    return bool(_FTFY_NEEDED.search(text)) or not unicodedata.is_normalized("NFC", text)


def _normalise_blocks(texts: list[str]) -> list[str]:
    """Normalise every block (see :mod:`cleaner.normalize`), running ftfy only where it can matter.

    ftfy, inside ``normalize``, costs about a microsecond per character and
    has a fixed cost per line; yet text decoded from a page rarely has
    anything for it to repair. So a block that :func:`_needs_repair` clears
    only loses its invisible characters and extra spaces (what the rest of
    ``normalize`` does to a single line), and the other blocks are
    normalised one by one (not joined: ftfy judges a text as a whole, so a
    joined repair could differ from the blocks' own). Either way
    ``normalize(block) == block`` for every result.

    Each text is a line with single spaces (as :func:`_raw_blocks` gives them).
    """
    if _INVISIBLE.search("\n".join(texts)):
        parts = [" ".join(_INVISIBLE.sub("", t).split()) for t in texts]
    else:
        parts = list(texts)
    for n, text in enumerate(parts):
        if _needs_repair(text):
            parts[n] = " ".join(normalize(text).split())
    return parts


def visible_blocks(tree: HtmlElement, flags: dict[Any, Flag]) -> tuple[str, list[Block]]:
    """The page text (normalised blocks, one per paragraph) and its blocks with offsets."""
    raw = _raw_blocks(tree, flags)
    parts = _normalise_blocks([text for text, _, _ in raw])
    blocks: list[Block] = []
    pos = 0
    kept_parts: list[str] = []
    for part, (_, flag, element) in zip(parts, raw, strict=True):
        if not part:
            continue
        if kept_parts:
            pos += 2
        blocks.append(Block(pos, pos + len(part), part, flag, element))
        kept_parts.append(part)
        pos += len(part)
    return "\n\n".join(kept_parts), blocks


# --------------------------------------------------------------------------
# 5. main content: trafilatura, aligned back onto the blocks
# --------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Case-folded word tokens, the unit of alignment (and of the benchmark's scorer)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _TOKEN.findall(text.casefold())


def align(page: list[str], out: list[str], *, anchor: int = 3, window: int = 40, max_candidates: int = 32) -> bytearray:
    """Mark the page tokens that the extractor's output reproduces, in order.

    Walks both sequences together; where they disagree, the output resyncs
    at the page position (among up to ``max_candidates`` occurrences of the
    next output token, nearest first) whose following tokens agree longest
    with the output (at least ``anchor`` tokens, looked at up to ``window``).
    Output tokens found nowhere are skipped. Cost: linear in the two lengths
    times a small constant, never quadratic.
    """
    where = _Occurrences(page)
    matched = bytearray(len(page))
    i = j = 0
    n, m = len(out), len(page)
    while i < n:
        if j < m and page[j] == out[i]:
            matched[j] = 1
            i += 1
            j += 1
            continue
        k = _resync(page, out, i, j, where.of(out[i]), anchor, window, max_candidates)
        if k < 0:
            i += 1
        else:
            j = k
    return matched


class _Occurrences:
    """Where each token occurs in a token list, in increasing order.

    An alignment needs this for the few tokens where it resyncs (about three
    a page): they are looked up one by one, and the whole list is indexed
    only when many are asked for, which keeps the cost linear.
    """

    LOOKUPS = 8  # tokens looked up one by one (a scan of the list each) before the whole list is indexed

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.where: dict[str, list[int]] = {}
        self.indexed = False

    def of(self, token: str) -> list[int]:
        """The positions of ``token`` (an empty list when it does not occur)."""
        found = self.where.get(token)
        if found is not None or self.indexed:
            return found or []
        if len(self.where) < self.LOOKUPS:
            found = self.where[token] = []
            k = -1
            try:
                while True:
                    k = self.tokens.index(token, k + 1)
                    found.append(k)
            except ValueError:
                return found
        self.where = {}
        for k, tok in enumerate(self.tokens):
            self.where.setdefault(tok, []).append(k)
        self.indexed = True
        return self.where.get(token, [])


def _resync(
    page: list[str], out: list[str], i: int, j: int, positions: Any, anchor: int, window: int, max_candidates: int
) -> int:
    """The page position where ``out[i:]`` resumes best, or -1."""
    if not positions:
        return -1
    first = bisect_left(positions, j)
    candidates = list(positions[first : first + max_candidates])
    if len(candidates) < max_candidates:  # out-of-order output: look before j too, nearest first
        candidates += list(reversed(positions[max(0, first - max_candidates + len(candidates)) : first]))
    need = min(anchor, len(out) - i)
    best, best_len = -1, need - 1
    for k in candidates:
        length = 0
        limit = min(window, len(out) - i, len(page) - k)
        while length < limit and page[k + length] == out[i + length]:
            length += 1
        if length > best_len:
            best, best_len = k, length
            if length == limit:
                break
    return best


# --------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------


@dataclass
class Page:
    """What :meth:`Cleaner.clean_html` needs: visible text, block decisions, metadata."""

    text: str
    decisions: list[tuple[str, Decision]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    notes: list[tuple[str, Decision]] = field(default_factory=list)
    main_content: bool = False  # True when html.main_content chose the body


METADATA_FIELDS = ("title", "author", "date", "url", "sitename")


def _to_text(html: str | bytes, max_bytes: int | None) -> tuple[str, bool, bytes | None]:
    """Check the input's type and size and decode it.

    Also tells whether the text is clean, and gives the bytes when the text
    is exactly their UTF-8 decoding and clean (see :func:`parse`).
    """
    if isinstance(html, (bytes, bytearray, memoryview)):
        data = bytes(html)
        if max_bytes and len(data) > max_bytes:
            raise HtmlError(f"page too large: {len(data)} bytes (limit {max_bytes})")
        text, encoding, exact = _decode(data)
        clean = encoding == "utf-8" and _utf8_without_loader_drops(data)
        return text, clean, data if clean and exact else None
    if isinstance(html, str):
        if max_bytes and len(html) > max_bytes:
            raise HtmlError(f"page too large: {len(html)} characters (limit {max_bytes})")
        _refuse_binary(html)
        return html, False, None
    raise HtmlError(f"an HTML page must be str or bytes, not {type(html).__name__}")


def _run_dom_rules(tree: HtmlElement, cleaner: Cleaner) -> dict[Any, Flag]:
    """Run the enabled html rules; the first rule (in order) to flag an element names it."""
    from heuristics.dom import release_page_index

    flags: dict[Any, Flag] = {}
    try:
        for rule in cleaner.html_rules:
            ctx = RuleContext(rule, cleaner.params[rule.name], cleaner.phrases_for("en"), cleaner.config)
            for element, reason in rule.func(tree, ctx) or ():
                flags.setdefault(element, Flag(rule.name, reason, element))
    finally:
        release_page_index()  # the DOM rules' shared index of the page's elements
    return flags


def _trafilatura(tree: HtmlElement, url: str | None, settings: dict[str, Any], *, fast: bool) -> str:
    """Trafilatura's main-content text (it works on a copy of the tree: ours stays intact)."""
    from trafilatura import bare_extraction

    result = bare_extraction(
        tree,
        url=url,
        favor_precision=bool(settings.get("favor_precision", False)),
        favor_recall=bool(settings.get("favor_recall", False)),
        include_tables=bool(settings.get("include_tables", True)),
        include_comments=bool(settings.get("include_comments", False)),
        fast=fast,
    )
    return (result.text or "") if result is not None else ""


def main_content_text(tree: HtmlElement, url: str | None, settings: dict[str, Any], visible_chars: int) -> str:
    """The main content as trafilatura sees it, with a rescue for pages its fast mode misses.

    With ``fast = true`` trafilatura runs its own extractor only; when that
    finds less than ``rescue_below_chars`` characters on a page with more
    visible text than that, it runs again with its fallback extractors.
    """
    fast = bool(settings.get("fast", True))
    text = _trafilatura(tree, url, settings, fast=fast)
    floor = int(settings.get("rescue_below_chars", 250))
    if fast and len(text) < floor < visible_chars:
        text = _trafilatura(tree, url, settings, fast=False) or text
    return text


def page_metadata(tree: HtmlElement, url: str | None, *, author_search: bool = False) -> dict[str, str]:
    """Title, author, date, url and site name of the page, when it has them (empty dict otherwise).

    Uses trafilatura's metadata helpers (meta tags and JSON-LD, then the
    title and URL from the page itself) and htmldate without its slow
    extensive search. Left out for speed: trafilatura's search of the whole
    page for an author byline (it costs a third of the extraction time on
    pages without an author meta tag; the ``author_search`` setting of the
    ``[html]`` table turns it on), and categories, tags and licence.
    Metadata is optional: a failure in these helpers gives no metadata, not an error.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm

    try:
        meta = tm.examine_meta(tree)
        if meta.author and " " not in meta.author:
            meta.author = None
        meta = tm.extract_meta_json(tree, meta)
        meta.title = meta.title or tm.extract_title(tree)
        if author_search and not meta.author:
            meta.author = tm.extract_author(tree)
        meta.url = meta.url or tm.extract_url(tree, url)
        meta.date = find_date(tree, url=meta.url, original_date=True, extensive_search=False)
        meta.sitename = (meta.sitename or tm.extract_sitename(tree) or "").lstrip("@") or None
        meta.clean_and_trim()
    except Exception:  # third-party heuristics on arbitrary pages: metadata is optional
        return {"url": url} if url else {}
    found = {k: getattr(meta, k, None) for k in METADATA_FIELDS}
    return {k: str(v) for k, v in found.items() if v}


def _block_tokens(page_text: str, blocks: list[Block]) -> tuple[list[str], list[int]]:
    """The page's tokens and, for each block, the index of its first token (plus a final end index)."""
    toks: list[str] = []
    firsts: list[int] = []
    for b in blocks:
        firsts.append(len(toks))
        toks.extend(tokens(b.text))
    firsts.append(len(toks))
    return toks, firsts


def _decide(page: Page, out_text: str, cleaner: Cleaner) -> None:
    """Fill ``page.decisions``: main-content choice first, then DOM flags on what trafilatura kept."""
    params = cleaner.config.section("html")
    min_share = float(params.get("min_kept_share", 0.5))
    toks, firsts = _block_tokens(page.text, page.blocks)
    matched = align(toks, tokens(out_text))
    extracting = any(rule.name == MAIN_CONTENT_RULE for rule in cleaner.html_rules)
    page.main_content = extracting
    kept = [
        not extracting or (b > a and matched.count(1, a, b) >= min_share * (b - a))
        for a, b in pairwise(firsts)
    ]
    _keep_wordless_inside(kept, firsts)
    flagged_words = _flagged_kept_words(page.blocks, kept, firsts)
    total_kept = sum(firsts[n + 1] - firsts[n] for n in range(len(kept)) if kept[n]) or 1
    for n, block in enumerate(page.blocks):
        span = (block.start, block.end)
        if not kept[n]:
            reason = "outside trafilatura's main content" if out_text else "trafilatura found no main content"
            page.decisions.append((MAIN_CONTENT_RULE, Decision(*span, reason)))
        elif block.flag is not None:
            words = flagged_words[id(block.flag.element)]
            limit = _flag_limit(block.flag.rule, cleaner)
            if words <= limit and words <= 0.5 * total_kept:
                page.decisions.append((block.flag.rule, Decision(*span, block.flag.reason)))
            else:
                why = f"kept: {block.flag.reason}, but the element holds {words} words of main content"
                page.notes.append((block.flag.rule, Decision(*span, why, "keep")))


def _keep_wordless_inside(kept: list[bool], firsts: list[int]) -> None:
    """A block with no word (a dash, a bullet) goes with its neighbours: kept only between kept blocks."""
    last_kept = False
    pending: list[int] = []
    for n in range(len(kept)):
        if firsts[n + 1] == firsts[n]:
            pending.append(n)
            continue
        if kept[n] and last_kept:
            for p in pending:
                kept[p] = True
        pending.clear()
        last_kept = kept[n]


def _flagged_kept_words(blocks: list[Block], kept: list[bool], firsts: list[int]) -> dict[int, int]:
    """Words of main content inside each flagged element (by element id)."""
    words: dict[int, int] = {}
    for n, block in enumerate(blocks):
        if block.flag is not None:
            key = id(block.flag.element)
            words[key] = words.get(key, 0) + (firsts[n + 1] - firsts[n] if kept[n] else 0)
    return words


def _flag_limit(rule_name: str, cleaner: Cleaner) -> float:
    """The most main-content words an element flagged by ``rule_name`` may hold."""
    for rule in cleaner.html_rules:
        if rule.name == rule_name:
            return float(cleaner.config.rule_params(rule).get("max_words", 200))
    return 200.0


def _page_tree(html: str | bytes, cleaner: Cleaner) -> HtmlElement | None:
    """Decode and parse a page (None when it holds nothing but spaces)."""
    text, clean, utf8 = _to_text(html, cleaner.config.section("limits").get("max_document_bytes"))
    if not text or text.isspace():
        return None
    return parse(text, clean=clean, utf8=utf8)


def visible_text(html: str | bytes, *, cleaner: Cleaner) -> str:
    """The page text :func:`extract` gives (``Page.text``), without looking for the main content.

    What the corpus pass counts: the lines of every visible block (the text
    rules see some of them), at a fraction of the cost of :func:`extract`.
    """
    tree = _page_tree(html, cleaner)
    return "" if tree is None else visible_blocks(tree, _run_dom_rules(tree, cleaner))[0]


def extract(html: str | bytes, *, url: str | None = None, cleaner: Cleaner) -> Page:
    """Decode, parse and split one page into blocks, with the decisions on each block.

    Raises :class:`HtmlError` for input that is not a usable page.
    """
    settings = cleaner.config.section("html")
    tree = _page_tree(html, cleaner)
    if tree is None:
        return Page("")
    flags = _run_dom_rules(tree, cleaner)
    page_text, blocks = visible_blocks(tree, flags)
    page = Page(page_text, blocks=blocks)
    if not blocks:
        return page
    # The metadata helpers read the tree while the walks above have it in the CPU caches;
    # trafilatura, which works on a copy, would push it out of them.
    if cleaner.config.section("output").get("metadata", True):
        page.metadata = page_metadata(tree, url, author_search=bool(settings.get("author_search", False)))
    out_text = main_content_text(tree, url, settings, len(page_text))
    _decide(page, out_text, cleaner)
    return page

