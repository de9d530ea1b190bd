"""The word and punctuation patterns that the engine and the rules share, defined once.

A *word* in counts, line keys and alignment is a run of letters or digits
(:data:`WORD_RUN`); stop-word statistics use letter words with inner
apostrophes (:data:`WORD`); a sentence ends with ``.``, ``!``, ``?`` or ``…``
(or the full-width marks of Chinese and Japanese), maybe followed by closing
quotes or brackets (:data:`TERMINAL`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

WORD_RUN = re.compile(r"\w+")  # runs of letters or digits
LETTERS = re.compile(r"[^\W\d_]+")  # runs of letters
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")  # letter words, with inner apostrophes
# A sentence end at the end of a text (the full stops of Chinese and Japanese too, before their closing brackets).
TERMINAL = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\]\u300d\u300f\uff09]*$")
# Characters whose case folding is not their lower case (ß to "ss", ſ to "s", µ to "μ", the Cherokee small letters
# to capitals, ...), and Σ, which ``str.lower`` makes a final ς at the end of a word where ``casefold`` makes σ:
# a text without any folds to its lower case (the tests check the class against every character).
FOLDS_UNLIKE_LOWER = re.compile(
    "[\u00b5\u00df\u0149\u017f\u01f0\u0345\u0390\u03a3\u03b0\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1"
    "\u03f5\u0587\u13a0-\u13f5\u13f8-\u13fd\u1c80-\u1c88\u1e96-\u1e9b\u1e9e\u1f50\u1f52\u1f54\u1f56"
    "\u1f80-\u1faf\u1fb2-\u1fb4\u1fb6\u1fb7\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6\u1fc7\u1fcc\u1fd2\u1fd3"
    "\u1fd6\u1fd7\u1fe2-\u1fe4\u1fe6\u1fe7\u1ff2-\u1ff4\u1ff6\u1ff7\u1ffc\uab70-\uabbf\ufb00-\ufb06"
    "\ufb13-\ufb17]"
)
# Chinese and Japanese are written without spaces between words. Where a figure weighs a line by its words or
# characters (the body detector's: prose or a menu?, the main-content model's words), their characters (Han
# ideographs, kana; not the katakana middle dot, a punctuation mark) count as the words and characters of a spaced
# script that would say as much: a word of segmented Chinese is 1.6 characters long on average, a word of English
# about 6 with its space. Counted as one "word" (or one token a clause), a paragraph of Chinese looked like a menu.
KANA = "\u3040-\u30fa\u30fc-\u30ff"  # hiragana and katakana, as the ranges of a character class
UNSPACED = re.compile(f"[{KANA}\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# A character at or above the first kana (U+3040: kana, Han, Hangul, emoji ...); the curly quotes and dashes of
# English are below it.
_HIGH = re.compile(r"[^\x00-\u303f]")
UNSPACED_WORD = 1.6  # characters in a word of Chinese
SPACED_WORD = 6.0  # characters in a word of English, its space included


def weighed(text: str, words: int, count: Callable[[str], int]) -> tuple[int, int]:
    """The words and characters of ``text`` as the figures weigh them: ``words`` (as the caller counts them,
    with ``count``) and its length, but where it holds Chinese or Japanese (:data:`UNSPACED`), those characters
    counted as the words and characters they weigh and the rest by ``count``."""
    unspaced = len(UNSPACED.findall(text)) if high_chars(text) else 0
    if not unspaced:
        return words, len(text)
    spaced = unspaced / UNSPACED_WORD
    return count(UNSPACED.sub(" ", text)) + round(spaced), len(text) - unspaced + round(spaced * SPACED_WORD)


def _case_class(is_case: Callable[[str], bool], below: int = 0x2000) -> str:
    """The characters below ``below`` (Latin, Greek, Cyrillic, Armenian, Georgian and their accented forms) for
    which ``is_case`` holds, as the ranges of a regular-expression character class (without the brackets)."""
    ranges: list[tuple[int, int]] = []
    for code in range(below):
        if is_case(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# Capital and small letters of the alphabets with case, for patterns that read a word's case ("Read" + a
# capitalised headline, a byline's names): [A-Z] took "Über", "Élysée" and "Москва" for words in lower case.
UPPER = _case_class(str.isupper)
LOWER = _case_class(str.islower)


QUOTE_MARKS = ('"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e")
# Characters per word above which a line is not "short", whatever its word count (keeps phrase matching away
# from huge lines of symbols).
CHARS_PER_WORD = 25


F = TypeVar("F", bound=Callable[..., Any])
# Entries a line cache keeps from one document to the next (lines a site repeats on every page: those of the last
# page or two). Past this, the cache is emptied when the next document starts: on a corpus of new documents nearly
# every entry is a line that never comes back, and with 16,000 to 65,000 entries per cache a worker grew to 300 MB
# on 1,000 documents and kept growing (per-line word sets and 3-grams are large). Every entry kept is also work for
# the garbage collector, which walks the caches' sets of words and 3-grams again at each older-generation
# collection: with 4,096 entries that was about 8 % of the CPU time of cold extracted texts; with 512, cold texts
# are cleaned 5-9 % faster and a document whose lines all came in the document before about 5 % slower.
KEEP_LINES = 1 << 9
_LINE_CACHES: list[tuple[Any, int]] = []  # every line cache, with its maxsize


def line_cache(maxsize: int = KEEP_LINES) -> Callable[[F], F]:
    """Cache a function of a line (or sentence) text for the document being cleaned (no LRU: linear in time).

    The rules ask about every line of a document again and again (each rule,
    each pass). An LRU cache smaller than the document's lines misses on
    every one of those calls (a cyclic scan evicts each entry before it comes
    back), so that a document of 40,000 lines cost ten times one of 10,000.
    This cache keeps every line of the document being cleaned, and is cut
    back when the next document starts (:func:`new_document`) once it holds
    more than ``maxsize`` entries (:data:`KEEP_LINES`): memory stays bounded
    by the larger of ``maxsize`` and one document, and lines a site repeats
    on every page are still found from one document to the next. It is
    ``functools.lru_cache`` without a bound, whose look-up runs in C (keyed
    by the text itself for a function of one string): a wrapper written in
    Python cost 5-6 % of the time of a text, called some 5,000 times a page.
    """

    def decorate(func: F) -> F:
        cached = functools.lru_cache(maxsize=None)(func)
        _LINE_CACHES.append((cached, maxsize))
        return cached  # type: ignore[return-value]

    return decorate


def forget_lines() -> None:
    """Empty every line cache (a benchmark's cold round: no line of a text cleaned before is known)."""
    for cached, _ in _LINE_CACHES:
        cached.cache_clear()


def new_document() -> None:
    """A document starts: the line caches that outgrew their size are emptied (see :func:`line_cache`)."""
    for cached, maxsize in _LINE_CACHES:
        if cached.cache_info().currsize > maxsize:
            cached.cache_clear()


# A byte table: every ASCII character that is not a word character (a letter, a digit or "_") becomes a space.
_ASCII_NON_WORD = bytes(c if chr(c).isalnum() or chr(c) == "_" else 32 for c in range(128)) + b" " * 128
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")  # a word character outside ASCII ("é", "ß", "中")


def word_runs(text: str) -> list[str]:
    """The words (runs of letters or digits, :data:`WORD_RUN`) of ``text``, in order, as the pattern finds them.

    Where every word character is ASCII (an ASCII line, or one whose only
    other characters are typographic quotes, dashes, spaces: 87 % of the
    lines of the aeb-dev articles), the text's bytes are translated instead,
    every non-word character to a space (each other character first to a
    "?", which is one): the same words two to four times faster.
    """
    if text.isascii():  # bytes.translate: a table look-up a byte, where str.translate calls into a mapping
        return text.encode().translate(_ASCII_NON_WORD).decode().split()
    if _NON_ASCII_WORD_CHAR.search(text) is None:
        return text.encode("ascii", "replace").translate(_ASCII_NON_WORD).decode().split()
    return WORD_RUN.findall(text)


@line_cache()
def lower_words(text: str) -> tuple[str, ...]:
    """The words (runs of letters or digits) of ``text`` lower-cased, in order.

    A line is tokenised once for every figure that needs its words: its word
    count, the phrase lists' look-ups, the title key of the page decision,
    and (through :func:`folded_words`) the duplicate rules' keys and 3-grams.
    Most lines are split at their non-word characters instead of searched
    with the pattern (see :func:`word_runs`).
    """
    return tuple(word_runs(text.lower()))


def lower_keeps_words(text: str) -> bool:
    """Whether lower-casing ``text`` keeps every character in its place and its class (word character or not), so
    that the words of :func:`lower_words` are as many and as long as ``text``'s own.

    True but for "İ", whose lower case is two characters (an ``i`` and a
    combining dot, which is no word character); every other character
    lower-cases to one character of its own class (the tests check all).
    """
    return "\u0130" not in text


def folded_words(text: str) -> tuple[str, ...]:
    """The words (runs of letters or digits) of ``text`` case-folded, in order.

    On most texts (all ASCII ones, and all without a character of
    :data:`FOLDS_UNLIKE_LOWER`) case folding is lower-casing: the words of
    :func:`lower_words`, tokenised once. Elsewhere it may change what a word
    is (``"ß".casefold()`` is "ss"), so the folded text is tokenised on its own.
    """
    if text.isascii() or FOLDS_UNLIKE_LOWER.search(text) is None:
        return lower_words(text)
    folded = text.casefold()
    return lower_words(text) if folded == text.lower() else tuple(word_runs(folded))


@line_cache()
def high_chars(text: str) -> bool:
    """Whether ``text`` holds a character at or above U+3040 (kana, Han, Hangul, emoji ...): what looks for those
    characters asks this first, so that most lines of other scripts (which hold none) cost one quick scan."""
    return not text.isascii() and _HIGH.search(text) is not None


@line_cache()
def count_words(text: str) -> int:
    """Number of words (runs of letters or digits) in ``text``: the count every "short line" test uses.

    Cached by text: the rules of one pass, the later passes of the same
    document and the lines a site repeats on every page ask about the same
    lines again. Where lower-casing keeps every character's class (every
    text but one with an "İ", see :func:`lower_keeps_words`), the words of
    :func:`lower_words` are counted. Chinese and Japanese characters count
    as the words they weigh (``UNSPACED_WORD`` characters a word): a
    paragraph of Chinese is a few runs of characters between its commas,
    not a short line. Unlike :func:`weighed`, the characters are taken out
    without a space in their place: one inside a Latin word (mojibake such
    as "N掳Prive") does not make two words of it.
    """
    if high_chars(text) and (unspaced := len(UNSPACED.findall(text))):
        return count_words(UNSPACED.sub("", text)) + round(unspaced / UNSPACED_WORD)
    if lower_keeps_words(text):
        return len(lower_words(text))
    return len(WORD_RUN.findall(text))
