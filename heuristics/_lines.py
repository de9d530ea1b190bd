"""Small helpers shared by the heuristics: features of one line of text."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Literal

from cleaner.document import Document, Line
from cleaner.lang import words
from cleaner.phrases import PhraseList, lines_holding
from cleaner.rules import Decision, RuleContext
from cleaner.text import CHARS_PER_WORD, TERMINAL, WORD_RUN, count_words, line_cache

BULLET = re.compile(r"^[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043*>\u2013\u2014-]+\s*")

word_count = count_words  # number of words (runs of letters or digits) in a text, cached

# A line of program code or of a console session: shapes prose does not take (on the gold bodies of the 1,160
# dev pages, 0.09 % of the lines match: "666 = Pisces", lists ending ");"). Its start is matched once (``\A``:
# linear however the pattern is searched), its end looked for in its last word only, each operator only in a line
# holding the operator's characters: one pattern of every alternative, searched at every position, took 50 us a line.
CODE_START = re.compile(
    r"""\A\s*(?:
      >>>(?:\s|$)                                                   # a Python prompt
    | (?:def|class|async\s+def|elif|except|lambda)\b[^\n]*[:(]         # Python statements
    | (?:import|from)\s+[\w.]+(?:\s+import\b|\s+as\b|\s*$)            # imports
    | for\s+[\w, ()]+\s+in\s+\S[^\n]*:\s*$ | (?:if|while|with)\s(?=[^\n]*[=<>(\[])[^\n]*:\s*$
    | (?:else|try|finally):\s*$                                      # Python blocks
    | (?:return|yield|raise|await)\s[^\n]*[(\[{=]                     # a statement with an expression
    | (?:const|let|var|function|public|private|protected|static|void|fn|func|package)\s+[\w$<>\[\]]+\s*[=(:{<;]
    | \#include\b | \#!/                                             # C includes, scripts' first line
    | @[\w.]+[({]                                                   # a decorator with arguments, a BibTeX entry
    | [}\])]+[;,)]*\s*$                                              # closing brackets
    | [\w.]+\([^\n]*\)\s*;?\s*$                                         # a call, the whole line
    | [\w.\[\]"']+\s*(?:[-+*/]?=|:=)\s*\S[^\n]*(?<![.!?])$              # an assignment (not a sentence)
    )""",
    re.VERBOSE,
)
CODE_END = re.compile(r"""(?:\{|[\w)\]'"]\);|\w\([^()\s]*\)\s*[;:{]?)\s*$""")  # a block opens, a call ends it
# Operators prose does not use, each with the characters a line must hold for it to be looked for.
CODE_OPERATORS = (
    ("=", re.compile(r"""(?<![?&/\w])\w+=(?:["'\d\[{(]|True\b|False\b|None\b)""")),  # a keyword argument, not a query
    ("->", re.compile(r"\)\s*->\s*\w")),  # a return annotation
    ("=>", re.compile(r"\w\s*=>\s*[\w{(]")),  # an arrow function
    ("==", re.compile(r"\w\s*==\s*\w")), ("!=", re.compile(r"\w\s*!=\s*\w")),
    ("&&", re.compile(r"\w\s*&&\s*\w")), ("||", re.compile(r"\w\s*\|\|\s*\w")),
    ("::", re.compile(r"\w::\w")),
)


@line_cache()
def looks_like_code(text: str) -> bool:
    """A line of program code or of a console session (see :data:`CODE_START`).

    Technical articles hold listings whose lines take the shapes rules look
    for elsewhere: a line repeated on purpose (the same call in two
    examples), a decorator that reads like an @handle, a doctest's output
    "1:00:00" that reads like a video's duration. The rules that judge such
    shapes keep a line of code and say so. A line of HTML markup is not
    taken for code: in extracted text it is mostly markup the extractor
    leaked (an ad's ``<div align='left'>``), which copies of may go.
    """
    stripped = text.strip()
    if not stripped or stripped.startswith("<"):  # no line of code is empty
        return False
    if CODE_START.match(text) or CODE_END.search(stripped.rsplit(None, 1)[-1]):  # its matches hold no space
        return True
    return any(chars in text and pattern.search(text) for chars, pattern in CODE_OPERATORS)


# A quantity at the start of a line, after a bullet: "2", "1/2", "2-1/2", "1.5", "½", "1 ½", "2-3", "2 to 3".
_QUANTITY = r"(?:\d+(?:[/.,\-]\d+)*(?:\s?[½¼¾⅓⅔⅛])?|[½¼¾⅓⅔⅛])(?:\s*(?:-|–|to)\s*\d+(?:[/.,]\d+)*)?"


@lru_cache(maxsize=8)
def ingredient_pattern(units: str) -> re.Pattern[str]:
    """A line that starts with a quantity and a unit of the ``ingredient_units`` list (``units``: its
    alternation): "• 2 sticks Salted Butter", "1/2 cup flour", "200 g Mehl". Anchored, one pass: linear."""
    return re.compile(rf"\A[^\w\n]{{0,3}}{_QUANTITY}\s*(?i:{units})(?!\w)")


def ingredient_lists(texts: Sequence[str], units: str, min_run: int) -> dict[int, int]:
    """The positions in ``texts`` (consecutive lines) of a recipe's ingredient lists, each with its list's length:
    runs of at least ``min_run`` lines that start with a quantity and a unit (see :func:`ingredient_pattern`),
    and the short heading right above a run ("Ingredients", "For the sauce:").

    A recipe's ingredients are short lines of figures and nouns, the shape
    of a menu or a price list to the body detector; a run of them is the
    article's list, which gold standards keep. One line alone ("3G
    wireless", "30 Small Bedrooms Ideas") is no recipe.
    """
    pattern = ingredient_pattern(units)
    out: dict[int, int] = {}
    k = 0
    while k < len(texts):
        end = k
        while end < len(texts) and pattern.match(texts[end]):
            end += 1
        if end - k >= min_run:
            heading = k - 1 if k > 0 and is_title_like(texts[k - 1], 4) else k
            out.update(dict.fromkeys(range(heading, end), end - k))
        k = max(end, k + 1)
    return out


LETTER = re.compile(r"[^\W\d_]")  # a letter of any script


def only_entries(text: str, phrases: PhraseList, ignored: PhraseList | None = None) -> bool:
    """Whether ``text`` is made only of ``phrases`` entries, digits, symbols and spaces ("Share 12 | Tweet", "«
    Previous Post"): it holds a letter, and none is left once the entries are taken out. ``ignored`` entries
    ("on", "and") are taken out first and are not enough on their own."""
    words = ignored.strip_all(text) if ignored is not None else text
    return bool(LETTER.search(words)) and not LETTER.search(phrases.strip_all(words))


@line_cache()
def is_short(text: str, max_words: int) -> bool:
    """At most ``max_words`` words and not abnormally long in characters."""
    return len(text) <= max(max_words, 1) * CHARS_PER_WORD and word_count(text) <= max_words


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a sentence (., !, ?, …, maybe quoted)."""
    return bool(TERMINAL.search(text[-8:]))


def is_title_like(text: str, max_words: int = 12) -> bool:
    """A short line without final sentence punctuation (a heading, label or link)."""
    return is_short(text, max_words) and word_count(text) > 0 and not ends_sentence(text)


def strip_bullet(text: str) -> str:
    """``text`` without a leading list bullet."""
    return BULLET.sub("", text, count=1)


def cased_share(text: str) -> float:
    """Share of the words of ``text`` that start with an upper-case letter, or with a letter of a script without
    case (:func:`uncased`): a name in Chinese, Japanese or Korean has no capitals (a byline's "作者：张三")."""
    ws = [w for w in WORD_RUN.findall(text) if w[0].isalpha()]
    return sum(w[0].isupper() or uncased(w[0]) for w in ws) / len(ws) if ws else 0.0


def uncased(text: str) -> bool:
    """Whether ``text`` has no letter with case (Han characters, kana, Hangul, Arabic, Thai...: no capitals to read)."""
    return text.upper() == text.lower()


def anchors(doc: Document, max_words: int, *lists: PhraseList) -> list[tuple[int, Line]]:
    """The live lines of at most ``max_words`` words in which one of ``lists`` may find an entry, each with its
    position in ``doc.live_lines()``.

    For a rule that walks the lines after a heading or a phrase line (the
    items under a label, the answers of a widget): it starts only at these
    lines, one set look-up each (see :func:`cleaner.phrases.lines_holding`), instead of visiting every line
    of the page. Computed before the rule yields anything, so its own removals do not change it.
    """
    lines = doc.live_lines()
    return [(bisect_left(lines, line), line) for line in lines_holding(doc.short_lines(max_words), *lists)]


def lines_with_phrase(
    doc: Document, ctx: RuleContext, list_name: str, what: str, how: Literal["search", "match"] = "search"
) -> Iterator[Decision]:
    """Remove every short line (the rule's ``max_words``) holding (``search``) or starting with (``match``) an entry.

    The common shape of the phrase rules; the reason names ``what`` and the entry found.
    """
    phrases = ctx.phrases[list_name]
    find = phrases.search if how == "search" else phrases.match
    for line in lines_holding(doc.short_lines(ctx["max_words"]), phrases):
        if m := find(line.text):
            yield Decision(line.start, line.end, f"{what} {m.group(0).strip()!r}")


def lines_of_entries(doc: Document, ctx: RuleContext, list_name: str, why: str) -> Iterator[Decision]:
    """Remove every short line (the rule's ``max_words``) made only of entries of ``list_name``, digits,
    symbols and spaces (:func:`only_entries`): the shape of the rules for lines of labels (a pager, a
    widget's title), whose reason is ``why``."""
    labels = ctx.phrases[list_name]
    for line in lines_holding(doc.short_lines(ctx["max_words"]), labels):
        if only_entries(line.text, labels):
            yield Decision(line.start, line.end, why)


__all__ = [
    "LETTER",
    "TERMINAL",
    "anchors",
    "cased_share",
    "ends_sentence",
    "ingredient_lists",
    "is_short",
    "is_title_like",
    "lines_of_entries",
    "lines_with_phrase",
    "only_entries",
    "strip_bullet",
    "uncased",
    "word_count",
    "words",
]
