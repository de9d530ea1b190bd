"""Stop words and per-document language detection.

Stop-word lists come from the jusText package (about 100 languages, built
from Wikipedia). The language of a document is the candidate language whose
stop words cover the largest share of its words: crude, but fast, dependency
free beyond jusText, and reliable on a few hundred words of running text,
which is all the rules need it for.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from cleaner.text import WORD

# ISO 639-1 code -> jusText stop-list name.
JUSTEXT_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic",
    "it": "Italian", "ko": "Korean", "la": "Latin", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ms": "Malay", "nb": "Norwegian_Bokmal", "nl": "Dutch", "nn": "Norwegian_Nynorsk",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
}



@cache
def stopwords(lang: str) -> frozenset[str]:
    """The lower-cased stop words of ``lang`` (an ISO code), empty if unknown."""
    name = JUSTEXT_NAMES.get(lang)
    if name is None:
        return frozenset()
    import justext  # only when a language is scored: importing it costs a text run a fifth of its start-up

    return frozenset(w.lower() for w in justext.get_stoplist(name))


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters, with inner apostrophes)."""
    return WORD.findall(text.lower())


@cache
def _stopword_table(candidates: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """For each stop word of any candidate language, the positions of the candidates it belongs to."""
    table: dict[str, list[int]] = {}
    for i, lang in enumerate(candidates):
        for w in stopwords(lang):
            table.setdefault(w, []).append(i)
    return {w: tuple(langs) for w, langs in table.items()}


def distinct_line_words(text: str, limit: int) -> list[str]:
    """The words of ``text``'s first distinct lines, up to ``limit``: a line repeated (which the duplicate rules
    remove) counts once, so that the language of a cleaned text is the language of the text it came from."""
    seen: set[str] = set()
    out: list[str] = []
    for line in text.splitlines():
        if line not in seen:
            seen.add(line)
            out += words(line)
            if len(out) >= limit:
                break
    return out[:limit]


UNKNOWN = ""  # the language of a document no stop-word list recognises
MIN_WORDS = 30  # a shorter text (and one of fewer MIN_LETTERS letters: scripts without spaces have long
MIN_LETTERS = 150  # "words") is not enough to call its language unknown: it gets the first configured one
MIN_COVERAGE = 0.08  # below this share of stop words, a text of MIN_WORDS or more is in no known language
PREFERENCE = 1.25  # another jusText language must cover this many times more words than a configured one


def detect_language(text: str, candidates: list[str], sample_words: int = 600) -> str:
    """The document's language: the one whose stop words cover most of the first ``sample_words`` words of
    ``text``'s distinct lines.

    Every language jusText has a stop-word list for is tried; a configured
    one (``candidates``) wins unless another covers ``PREFERENCE`` times more
    words. A text of at least ``MIN_WORDS`` words that no list covers to
    ``MIN_COVERAGE`` (Chinese, Thai, a table of figures) is in an unknown
    language (:data:`UNKNOWN`); a shorter one gets the first candidate.
    ``MIN_LETTERS`` letters count as enough too: scripts written without
    spaces make few, long "words".
    """
    fallback = candidates[0] if candidates else "en"
    sample = distinct_line_words(text, sample_words)
    if not sample:
        return fallback
    codes = tuple(candidates) + tuple(c for c in JUSTEXT_NAMES if c not in candidates)
    table = _stopword_table(codes)
    hits = [0] * len(codes)
    for word, n in Counter(sample).items():  # one look-up per distinct word, for every language at once
        for i in table.get(word, ()):
            hits[i] += n
    configured = range(len(candidates))
    best = max(range(len(codes)), key=lambda i: (hits[i], -i))
    if candidates:
        mine = max(configured, key=lambda i: (hits[i], -i))
        if hits[best] < PREFERENCE * hits[mine]:
            best = mine
    if hits[best] < MIN_COVERAGE * len(sample):
        enough = len(sample) >= MIN_WORDS or sum(map(len, sample)) >= MIN_LETTERS
        return UNKNOWN if enough else fallback
    return codes[best]
