"""Stop words and per-document language detection.

Stop-word lists come from the jusText package (about 100 languages, built
from Wikipedia). The language of a document is the candidate language whose
stop words cover the largest share of its words: crude, but fast, dependency
free beyond jusText, and reliable on a few hundred words of running text,
which is all the rules need it for. Chinese and Japanese, written without
spaces, have no stop-word list: a text is in one of them when most of its
letters are Han characters or kana (:func:`script_language`).
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from cleaner.text import KANA, UNSPACED, WORD, line_cache, lower_words

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
# Languages recognised by their script, not by stop words (jusText has no list for them): phrase lists may be given
# for them as for the others.
SCRIPT_NAMES = {"ja": "Japanese", "zh": "Chinese"}
LANGUAGE_NAMES = {**JUSTEXT_NAMES, **SCRIPT_NAMES}


@cache
def stopwords(lang: str) -> frozenset[str]:
    """The lower-cased stop words of ``lang`` (an ISO code), empty if unknown.

    Read from jusText's list file the way ``justext.get_stoplist`` reads it
    (a word a line, lower-cased), without importing jusText: its import and
    its reading cost a process 0.04 s more, a tenth of the start-up of a
    text run (language detection reads all 50 lists on the first document
    whose language the configured lists do not settle). Where the file is
    not found, jusText reads it.
    """
    name = JUSTEXT_NAMES.get(lang)
    if name is None:
        return frozenset()
    folder = _stoplist_dir()
    if folder is not None and (path := folder / f"{name}.txt").is_file():
        return frozenset(line.decode("utf-8").lower() for line in path.read_bytes().splitlines())
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist(name))


@cache
def _stoplist_dir() -> Path | None:
    """The folder of jusText's stop-word lists (found without importing jusText); None when jusText is not a
    folder of files (then jusText reads its lists itself)."""
    spec = importlib.util.find_spec("justext")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(folders[0]) / "stoplists" if folders else None


@line_cache()
def words(text: str) -> tuple[str, ...]:
    """The lower-cased words of ``text`` (letters, with inner apostrophes; cached: the language sample and the
    body detector's stop-word shares read the same lines).

    Most lines hold no apostrophe and no word mixing letters with digits or
    "_": their words are then the line's runs of letters or digits
    (:func:`~cleaner.text.lower_words`, which the other rules have
    tokenised already) without the numbers, and the pattern is not run again.
    """
    if "'" not in text and "\u2019" not in text:
        letters = tuple(w for w in lower_words(text) if not w.isdecimal())
        if all(map(str.isalpha, letters)):
            return letters
    return tuple(WORD.findall(text.lower()))


@cache
def _stopword_table(candidates: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """For each stop word of any candidate language, the positions of the candidates it belongs to."""
    table: dict[str, tuple[int, ...]] = {}
    for i, lang in enumerate(candidates):  # set operations: most words are in one language only
        listed = stopwords(lang)
        shared = listed & table.keys()
        for w in shared:
            table[w] += (i,)
        table.update(dict.fromkeys(listed - shared, (i,)))
    return table


@cache
def detection_codes(candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The languages detection scores: the configured ones (``candidates``) first, then every other one jusText has."""
    return candidates + tuple(c for c in JUSTEXT_NAMES if c not in candidates)


def load_stopwords(candidates: list[str]) -> None:
    """Load now the stop words of every language, which detection loads when first run (0.05 s, once per process)."""
    _stopword_table(detection_codes(tuple(candidates)))


UNKNOWN = ""  # the language of a document no stop-word list recognises
MIN_WORDS = 30  # a shorter text (and one of fewer MIN_LETTERS letters: scripts without spaces have long
MIN_LETTERS = 150  # "words") is not enough to call its language unknown: it gets the first configured one
MIN_COVERAGE = 0.08  # below this share of stop words, a text of MIN_WORDS or more is in no known language
PREFERENCE = 1.25  # another jusText language must cover this many times more words than a configured one
MIN_UNSPACED = 0.5  # the share of a text's letters that are Han or kana that makes it Chinese or Japanese
MIN_KANA = 0.1  # of those Han and kana characters, the share of kana that makes it Japanese (Chinese writes none)


SAMPLE_WORDS = 600  # the words a language is judged on: those of the text's first distinct lines


def detect_language(text: str, candidates: list[str], sample_words: int = SAMPLE_WORDS) -> str:
    """The document's language: the one whose stop words cover most of the first ``sample_words`` words of
    ``text``'s distinct lines (see :class:`Language`)."""
    return Language(text, candidates, sample_words)()


class Language:
    """The language of one text, detected when first asked (call it), and whether it is unknown, found cheaply.

    Detection (:meth:`__call__`) tries every language jusText has a
    stop-word list for: a configured one (``candidates``) wins unless
    another covers ``PREFERENCE`` times more words. A text whose letters
    are mostly Han characters or kana is Chinese or Japanese
    (:func:`script_language`: its "words" are whole clauses, which stop
    words cannot weigh). A text of at least ``MIN_WORDS`` words that no
    list covers to ``MIN_COVERAGE`` (Thai, Khmer, a table of figures) is in
    an unknown language (:data:`UNKNOWN`); a shorter one gets the first
    candidate. ``MIN_LETTERS`` letters count as
    enough too: scripts written without spaces make few, long "words". The
    sample is the words of the text's first distinct lines: a line repeated
    (which the duplicate rules remove) counts once, so that the language of
    a cleaned text is the language of the text it came from.

    The engine asks every pass of every document whether its language is
    unknown (:meth:`is_unknown`), but few rules, and the command line only
    with ``--stats``, need the code. So the question is answered first by
    reading the sample only until one configured language's stop words make
    ``MIN_COVERAGE`` of a full sample (48 of 600 words: a few lines of
    running text): whatever the rest of the sample holds, that language or
    one covering even more wins, so the text is not unknown. The answer is
    the one full detection gives, at a fraction of its cost; full detection
    runs (once) only when that reading does not settle it or the code is asked for.
    """

    def __init__(self, text: str, candidates: list[str], sample_words: int = SAMPLE_WORDS) -> None:
        self.candidates = list(candidates)
        self.limit = sample_words
        self.code: str | None = None  # detected: the ISO code, or UNKNOWN
        self._known = False  # is_unknown found a configured language's stop words enough (the code may wait)
        self._text = text
        self._forget()

    def _forget(self) -> None:
        """Start the sample again (or drop it once used): its lines are a copy of the text, and a result may keep
        its detector long after cleaning."""
        self._lines: Iterator[str] | None = None  # the text's lines not read yet (split when first needed)
        self._seen: set[str] = set()
        self._words: list[str] = []  # the words of the distinct lines read so far
        self._read_all = False  # the sample is complete: it holds ``limit`` words, or the text ran out

    def _read_line(self) -> bool:
        """Add the next distinct line's words to the sample; False when the sample is complete."""
        if self._read_all:
            return False
        if self._lines is None:
            self._lines = iter(self._text.splitlines())
        for line in self._lines:
            if line not in self._seen:
                self._seen.add(line)
                self._words += words(line)
                self._read_all = len(self._words) >= self.limit
                return True
        self._read_all = True
        return False

    def _codes(self) -> tuple[str, ...]:
        """The configured languages first, then every other language jusText has stop words for."""
        return detection_codes(tuple(self.candidates))

    def is_unknown(self) -> bool:
        """Whether the text is in no language a stop-word list recognises (the same answer as ``self() == UNKNOWN``)."""
        if self._known:  # answered before: each pass and the engine ask again
            return False
        if self.code is None and self.candidates:
            table = _stopword_table(tuple(self.candidates))  # only the configured languages' stop words
            bar = MIN_COVERAGE * self.limit  # >= MIN_COVERAGE * the full sample's size, whatever it is
            hits = [0] * len(self.candidates)
            counted = 0
            while True:
                for word in filter(table.__contains__, self._words[counted : self.limit]):
                    for i in table[word]:
                        hits[i] += 1
                        if hits[i] >= bar:
                            self._forget()  # the code, if ever asked for, reads the sample again
                            self._known = True
                            return False
                counted = min(len(self._words), self.limit)
                if not self._read_line():
                    break
        return self() == UNKNOWN

    def __call__(self) -> str:
        """The language's ISO code (or :data:`UNKNOWN`), detected once."""
        if self.code is None:
            while self._read_line():
                pass
            self.code = self._score(self._words[: self.limit])
            self._forget()
        return self.code

    def _score(self, sample: list[str]) -> str:
        """The language of ``sample`` (see the class)."""
        candidates = self.candidates
        fallback = candidates[0] if candidates else "en"
        if not sample:
            return fallback
        if script := script_language(sample):  # its words are clauses: stop words would weigh its Latin words
            return script
        codes = self._codes()
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


_KANA = re.compile(f"[{KANA}]")


def script_language(sample: list[str]) -> str:
    """"ja" or "zh" when most letters of ``sample`` (words) are Han characters or kana (``MIN_UNSPACED``), "ja"
    when kana are ``MIN_KANA`` of those; "" otherwise (a Thai text quoting a Chinese name stays unknown)."""
    text = "".join(sample)
    if text.isascii():
        return ""
    unspaced = len(UNSPACED.findall(text))
    if unspaced < MIN_UNSPACED * len(text):
        return ""
    return "ja" if len(_KANA.findall(text)) >= MIN_KANA * unspaced else "zh"
