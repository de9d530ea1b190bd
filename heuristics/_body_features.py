"""Block features for the body detector (``heuristics/body.py``).

A block is one line of the document (full-page text holds one HTML block
per line). Every figure of a line is computed once, here, and read by the
classifier (``heuristics/body.py``) and the learned line features
(``heuristics/_body_lines.py``) alike. Everything is linear in the length
of the text and cheap per block: a handful of precompiled regular
expressions, C-level string methods and set look-ups, no Python loop over
characters or words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.lang import JUSTEXT_NAMES, WORD, stopwords, words
from cleaner.text import count_words, lower_keeps_words, lower_words, weighed

# Sentence-final punctuation (also the CJK full stops) and what may close a sentence after it.
FINAL_MARKS = ".!?\u2026\u3002\uff01\uff1f"
CLOSERS = "\"'\u201d\u2019\u00bb)]"
# A sentence end inside a block: terminal punctuation followed by a space or the end of the block; a CJK full stop
# needs no space after it (Chinese and Japanese put none).
SENTENCE_END = re.compile(
    r"[.!?\u2026][\"'\u201d\u2019\u00bb)\]]*(?:\s|$)|[\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]\u300d\u300f\uff09]*"
)
# Link-like pieces: URLs, e-mail addresses, and the separators of menus and link lists.
LINK_LIKE = re.compile(
    r"https?://\S+|www\.\S+|(?<!\S)[^\s@]{1,64}@[^\s@]{1,255}\.\w+"
    r"|(?<=\s)[|\u00bb\u00ab\u203a\u2039>/\u2022\u00b7]{1,8}(?=\s)|[|\u00bb\u203a]\s*$"
)
# Lines without any of these characters, nor "www.", have no link-like piece (a quick test before LINK_LIKE).
LINK_HINT_CHARS = re.compile(r"[|\u00bb\u00ab\u203a\u2039>/\u2022\u00b7@]")
WORD_TOKEN = re.compile(r"\w+")
DIGIT_RUN = re.compile(r"\d+")
DIGITS = "0123456789"  # the digits non_letters counts as symbols (not other scripts' digits)


def non_letters(text: str, tokens: Sequence[str]) -> int:
    """How many characters of ``text`` are digits, symbols or punctuation (``tokens``: its \\w+ tokens).

    Normalised text has plain spaces only, so what is neither in a token
    nor a space is a symbol; digits and underscores are counted in the tokens.
    Most tokens are letters only (one C-level test); elsewhere each digit is
    counted on its own (``str.count`` is several times faster than
    ``str.translate`` on a line of prose).
    """
    joined = "".join(tokens)
    digits = 0 if joined.isalpha() else sum(map(joined.count, DIGITS))
    return len(text) - len(joined) - text.count(" ") + digits + joined.count("_")


def has_link_hint(text: str) -> bool:
    """Whether ``text`` may hold a link-like piece (a separator character or "www."; a character class and a
    substring test are each several times faster than one pattern with both)."""
    return LINK_HINT_CHARS.search(text) is not None or "www." in text


def word_tokens(text: str) -> tuple[str, ...] | list[str]:
    """The \\w+ tokens of a line, as many and as long as in ``text``: where lower-casing keeps them so (all text but
    one with an "İ"), the lower-cased ones that the phrase look-ups of every rule already made
    (:func:`cleaner.text.lower_words`, cached per line)."""
    return lower_words(text) if lower_keeps_words(text) else WORD_TOKEN.findall(text)


def is_terminal(text: str) -> bool:
    """Whether ``text`` ends like a sentence (final punctuation, maybe closing quotes or brackets)."""
    return text.rstrip(CLOSERS)[-1:] in FINAL_MARKS if text else False


@dataclass(slots=True)
class Block:
    """One line of the document with the figures the detector looks at."""

    index: int  # position among the lines of the document
    start: int
    end: int
    text: str  # the live text of the line (all of it for a line an earlier rule removed)
    live: bool  # False when an earlier rule removed the whole line: context only, never judged again
    chars: int
    n_words: int  # \w+ tokens (letters or digits)
    terminal: bool  # ends like a sentence
    link_like: float  # URLs and menu separators per word
    symbol_share: float  # share of characters that are digits or symbols
    repeated: bool  # the same text is another line of the document too
    sentences: int = 0  # sentence ends (see sentence_ends)
    title_case: float = 0.0  # share of capitalised longer words (see title_case_share)
    stop_share: float = 0.0  # share of stop words; -1 when the page has no stop-word list (see stopword_share)
    boundary: int = 0  # a section heading: 1 related links ("Read more"), 2 comments or footer ("Privacy policy")
    cls: str = ""  # initial class: good, neargood, short, bad
    why: str = ""  # the figures behind the initial class
    final: str = ""  # class after context smoothing
    template: bool = False  # the same text, digits aside, is another line of the document too ("Photo 3 of 12")
    lead: int = -1  # for a lead-in ("Tour dates:") and the items of the list after it: the lead-in's index


def stopword_coverage(tokens: Sequence[str], stop: frozenset[str]) -> float:
    """Share of ``tokens`` that are stop words."""
    return sum(map(stop.__contains__, tokens)) / len(tokens) if tokens else 0.0


def choose_stoplist(
    text: str, lang: str, min_coverage: float, good_coverage: float, margin: float, sample_words: int = 600
) -> tuple[str, frozenset[str]]:
    """The stop words to judge ``text`` with: ``lang``'s, or the best jusText list.

    The pipeline detects the language among the configured ones only. When
    that list covers less than ``good_coverage`` of the first
    ``sample_words`` words (running text covers more in its own language),
    every jusText list is tried and one that covers at least ``margin``
    more is used: a Portuguese page is not judged with Spanish stop words,
    but an English recipe (few stop words in its lists) is not judged with
    a list that happens to share a few English words. Returns ``("",
    frozenset())`` when none covers ``min_coverage`` (e.g. Chinese or
    Japanese, written without spaces): the detector then judges blocks by
    length and punctuation only.
    """
    return stoplist_for(leading_words([text], sample_words), lang, min_coverage, good_coverage, margin)


def leading_words(lines: Sequence[str], limit: int) -> list[str]:
    """The first ``limit`` words (:func:`cleaner.lang.words`) of ``lines`` joined by spaces and cut after
    ``8 * limit`` characters: the sample :func:`choose_stoplist` judges.

    Read a line at a time from the words cached by line (the stop-word
    shares of :func:`block_features` read the same lines), not by
    tokenising the joined text again: the same words, since no word spans
    the space between two lines and a line lower-cases alone as it does
    between spaces (a final sigma is final before a space as at the end).
    """
    chars = 8 * limit
    sample: list[str] = []
    pos = 0  # where the line starts in the joined text
    for line in lines:
        if pos + len(line) > chars:  # the cut falls in this line
            sample += WORD.findall(line[: chars - pos].lower())
            break
        sample += words(line)
        pos += len(line) + 1
        if pos >= chars or len(sample) >= limit:
            break
    return sample[:limit]


def stoplist_for(
    sample: list[str], lang: str, min_coverage: float, good_coverage: float, margin: float
) -> tuple[str, frozenset[str]]:
    """:func:`choose_stoplist` on the words of its sample (see :func:`leading_words`)."""
    if not sample:
        return "", frozenset()
    best, best_cov = lang, stopword_coverage(sample, stopwords(lang))
    if best_cov >= good_coverage:
        return lang, stopwords(lang)
    counts = Counter(sample)
    distinct = frozenset(counts)
    bar = best_cov + margin
    for code in JUSTEXT_NAMES:
        cov = sum(map(counts.__getitem__, distinct & stopwords(code))) / len(sample)  # set intersection in C
        if cov >= bar and cov > best_cov:
            best, best_cov = code, cov
    if best_cov < min_coverage:
        return "", frozenset()
    return best, stopwords(best)


def title_case_share(text: str) -> float:
    """Share of the words of 4+ letters after the first that start with a capital (0 for fewer than 3)."""
    long_words = [w for w in text.split()[1:] if len(w) >= 4 and w[0].isalpha()]
    if len(long_words) < 3:
        return 0.0
    return sum(1 for w in long_words if w[0].isupper()) / len(long_words)


def stopword_share(text: str, stop: frozenset[str]) -> float:
    """Share of the words of ``text`` that are stop words; -1 when there is no stop-word list."""
    if not stop:
        return -1.0
    return stopword_coverage(words(text), stop)


def sentence_ends(text: str) -> int:
    """The number of sentence ends in ``text``."""
    return len(SENTENCE_END.findall(text))


def block_features(pieces: list[tuple[int, int, str, bool]], stop: frozenset[str]) -> list[Block]:
    """The features of each ``(start, end, text, live)`` line, in order (``stop``: the page's stop words).

    A line an earlier rule removed is context only: it gets its length,
    words and repetition, not the figures the classifier looks at.
    """
    keys = [text.lower() for _, _, text, _ in pieces]  # normalised text: spaces are canonical already
    counts = Counter(keys)
    shapes = [DIGIT_RUN.sub("0", key) for key in keys]  # the same text, every run of digits one 0
    shape_counts = Counter(shapes)
    blocks: list[Block] = []
    for i, (start, end, text, live) in enumerate(pieces):
        words = word_tokens(text)
        n, chars = weighed(text, len(words), count_words)  # Chinese and Japanese: the words and characters they weigh
        repeated = counts[keys[i]] > 1
        template = shape_counts[shapes[i]] > 1
        if not live:
            blocks.append(Block(i, start, end, text, live, chars, n, False, 0.0, 0.0, repeated, template=template))
            continue
        link_like = len(LINK_LIKE.findall(text)) / max(n, 1) if has_link_hint(text) else 0.0
        # A line of fewer than three words has fewer than three capitalisable ones (menus: most lines).
        title_case = title_case_share(text) if n >= 3 else 0.0
        blocks.append(Block(i, start, end, text, live, chars, n, is_terminal(text), link_like,
                            non_letters(text, words) / max(len(text), 1), repeated, sentence_ends(text), title_case,
                            stopword_share(text, stop), template=template))
    return blocks
