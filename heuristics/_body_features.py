"""Block features for the body detector (``heuristics/body.py``).

A block is one line of the document (full-page text holds one HTML block
per line). Everything here is linear in the length of the text: a few
precompiled regular expressions and set look-ups per block.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from cleaner.lang import JUSTEXT_NAMES, stopwords, words

# Sentence-final punctuation, also the CJK full stops, maybe followed by closing quotes or brackets.
TERMINAL = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*$")
# A sentence end inside a block: terminal punctuation followed by a space or the end of the block.
SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*(?:\s|$)")
# Link-like pieces: URLs, e-mail addresses, and the separators of menus and link lists.
URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")
SEPARATOR = re.compile(r"(?<=\s)[|\u00bb\u00ab\u203a\u2039>/\u2022\u00b7]+(?=\s)|[|\u00bb\u203a]\s*$")
# Characters that are neither letters, digits nor spaces, and digits.
SYMBOL = re.compile(r"[^\w\s]|_")
DIGIT = re.compile(r"\d")
WORD_TOKEN = re.compile(r"\w+")


@dataclass
class Block:
    """One line of the document with the figures the detector looks at."""

    index: int  # position among the blocks the detector sees
    start: int
    end: int
    text: str
    chars: int
    n_words: int  # \w+ tokens (letters or digits)
    stop_share: float  # share of words that are stop words (-1 when the language has no list)
    sentences: int  # sentence ends inside the block
    terminal: bool  # ends like a sentence
    link_like: float  # URLs and menu separators per word
    symbol_share: float  # share of characters that are digits or symbols
    title_case: float  # share of longer words (not the first) that start with a capital
    repeated: bool  # the same text is another block of the document too
    boundary: int = 0  # a section heading: 1 related links ("Read more"), 2 comments or footer ("Privacy policy")
    cls: str = ""  # initial class: good, neargood, short, bad
    why: str = ""  # the figures behind the initial class
    final: str = ""  # class after context smoothing


def stopword_coverage(tokens: list[str], stop: frozenset[str]) -> float:
    """Share of ``tokens`` that are stop words."""
    return sum(1 for w in tokens if w in stop) / len(tokens) if tokens else 0.0


def choose_stoplist(
    text: str, lang: str, min_coverage: float, good_coverage: float, sample_words: int = 2000
) -> tuple[str, frozenset[str]]:
    """The stop words to judge ``text`` with: ``lang``'s, or the best jusText list.

    The pipeline detects the language among the configured ones only. When
    that list covers less than ``good_coverage`` of the words (running text
    covers more in its own language), every jusText list is tried on a
    sample and the one that covers most is used: a Portuguese page is not
    judged with Spanish stop words. Returns ``("", frozenset())`` when none
    covers ``min_coverage`` (e.g. Chinese or Japanese, written without
    spaces): the detector then judges blocks by length and punctuation only.
    """
    sample = words(text[: sample_words * 8])[:sample_words]
    if not sample:
        return "", frozenset()
    best, best_cov = lang, stopword_coverage(sample, stopwords(lang))
    if best_cov >= good_coverage:
        return lang, stopwords(lang)
    for code in JUSTEXT_NAMES:
        cov = stopword_coverage(sample, stopwords(code))
        if cov > best_cov:
            best, best_cov = code, cov
    if best_cov < min_coverage:
        return "", frozenset()
    return best, stopwords(best)


def _title_case_share(tokens: list[str]) -> float:
    """Share of the words of 4+ letters after the first that start with a capital."""
    long_words = [w for w in tokens[1:] if len(w) >= 4 and w[0].isalpha()]
    if len(long_words) < 3:
        return 0.0
    return sum(1 for w in long_words if w[0].isupper()) / len(long_words)


def block_features(pieces: list[tuple[int, int, str]], stop: frozenset[str]) -> list[Block]:
    """Compute the features of each ``(start, end, text)`` block."""
    counts = Counter(" ".join(text.lower().split()) for _, _, text in pieces)
    blocks: list[Block] = []
    for i, (start, end, text) in enumerate(pieces):
        tokens = WORD_TOKEN.findall(text)
        lowered = words(text)
        n = max(len(tokens), 1)
        chars = len(text)
        blocks.append(
            Block(
                index=i,
                start=start,
                end=end,
                text=text,
                chars=chars,
                n_words=len(tokens),
                stop_share=stopword_coverage(lowered, stop) if stop else -1.0,
                sentences=len(SENTENCE_END.findall(text)),
                terminal=bool(TERMINAL.search(text)),
                link_like=(len(URL.findall(text)) + len(SEPARATOR.findall(text))) / n,
                symbol_share=(len(SYMBOL.findall(text)) + len(DIGIT.findall(text))) / max(chars, 1),
                title_case=_title_case_share(WORD_TOKEN.findall(text)),
                repeated=counts[" ".join(text.lower().split())] > 1,
            )
        )
    return blocks
