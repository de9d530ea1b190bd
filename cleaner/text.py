"""The word and punctuation patterns that the engine and the rules share, defined once.

A *word* in counts, line keys and alignment is a run of letters or digits
(:data:`WORD_RUN`); stop-word statistics use letter words with inner
apostrophes (:data:`WORD`); a sentence ends with ``.``, ``!``, ``?`` or ``…``,
maybe followed by closing quotes or brackets (:data:`TERMINAL`).
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD_RUN = re.compile(r"\w+")  # runs of letters or digits
LETTERS = re.compile(r"[^\W\d_]+")  # runs of letters
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")  # letter words, with inner apostrophes
TERMINAL = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")  # a sentence end at the end of a text
QUOTE_MARKS = ('"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e")
# Characters per word above which a line is not "short", whatever its word count (keeps phrase matching away
# from huge lines of symbols).
CHARS_PER_WORD = 25


@lru_cache(maxsize=1 << 16)
def count_words(text: str) -> int:
    """Number of words (runs of letters or digits) in ``text``: the count every "short line" test uses.

    Cached by text: the rules of one pass, the later passes of the same
    document and the lines a site repeats on every page ask about the same
    lines again.
    """
    return len(WORD_RUN.findall(text))
