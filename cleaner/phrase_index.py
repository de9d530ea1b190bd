"""The fast index of a phrase list: it answers every look-up as the list's whole alternation would, faster.

What makes it fast is only ever skipping work that cannot change the answer
(``tests/test_speedups.py`` checks it against :class:`cleaner.phrases.PlainPhraseList`):

* plain phrases ("keyed") are grouped by their first word when every one is
  :func:`_groupable` (one small pattern per first word). A line is then only
  tried with the groups of the phrases whose key word (:func:`_key_word`, a
  set look-up) and first word it holds, and only where that first word
  occurs in it: any match starts there, and at one position only one first
  word can start. Lines with :data:`~cleaner.regex_facts.FOLD_RISK`
  characters, and lists with a phrase that is not groupable, are searched
  with all plain phrases;
* an ``re:`` or symbol entry is only tried on lines that hold what its
  pattern needs (a whole word or a string, see :class:`_Needs`), each with
  its own pattern: of the entries that may match, the leftmost match wins,
  the first entry in the list's order where several start at one place,
  which is what their alternation would find (:meth:`PhraseIndex._first_other`).
  So no look-up compiles a pattern for the entries a line happens to hold:
  on a corpus of new documents, new such subsets kept coming.
"""

from __future__ import annotations

import heapq
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple, Protocol, TypeVar

from ahocorasick_rs import AhoCorasick

from cleaner.regex_facts import (
    FOLD_RISK,
    backtracking_risk,
    folds_simply,
    may_match_empty,
    plain_needle,
    required_needles,
    required_words,
    simple_word,
)
from cleaner.text import WORD_RUN, high_chars, line_cache, lower_words


@lru_cache(maxsize=4096)
def entry_pattern(entry: str) -> str:
    if entry.startswith("re:"):
        pattern = entry[3:].strip()
        problem = backtracking_risk(pattern)
        if problem:
            raise ValueError(f"phrase entry {entry!r}: {problem}")
        return pattern
    words = [re.escape(w) for w in entry.split()]
    body = r"\s+".join(words)
    if entry.endswith(":") and entry[-2:-1].isalnum():  # "mots-clés:" also as French prints it, "Mots-clés :"
        body = body[:-1] + r"\s?:"
    lead = r"\b" if entry[:1].isalnum() else ""
    tail = r"\b" if entry[-1:].isalnum() else ""
    return f"{lead}{body}{tail}"



_WORD = WORD_RUN


class _HasText(Protocol):
    @property
    def text(self) -> str: ...


_T = TypeVar("_T", bound=_HasText)
_NEVER = re.compile(r"(?!x)x")


class _Facts(NamedTuple):
    """What the look-ups of every list ask about one line (computed once per line text, see :func:`_facts`)."""

    low: str  # the line lower-cased
    words: frozenset[str]  # its lower-cased words
    first: str  # its first word, lower-cased (on a line that is not risky)
    risky: bool  # it holds a FOLD_RISK character: no shortcut that relies on lower-casing applies to it


def _risky(text: str) -> bool:
    """Whether ``text`` holds a :data:`FOLD_RISK` character (none is ASCII)."""
    return not text.isascii() and FOLD_RISK.search(text) is not None


@line_cache()
def _facts(text: str) -> _Facts:
    """The :class:`_Facts` of a line (cached: many lists look at the same line)."""
    low = text.lower()
    words = lower_words(text)  # the words of ``low``
    risky = _risky(text)
    # The first word: of the lower-cased line, where it is the line's own lower-cased (not risky) or not used.
    return _Facts(low, frozenset(words), words[0] if words else "", risky)


def _first_word(text: str) -> str:
    """The first word of a line (in its first 200 characters), lower-cased."""
    m = _WORD.search(text, 0, 200)
    return m.group(0).lower() if m else ""


# Characters of a text that IGNORECASE matches to an ASCII letter although their lower case is not that


def _groupable(entry: str) -> bool:
    """Whether a keyed ``entry`` can only match where its first word is a whole word of the text.

    True when its first word is letters and digits and that word and the
    character after it fold simply (one lower-case character each, none
    that IGNORECASE matches to other characters but ASCII letters, whose
    odd partners :data:`FOLD_RISK` keeps out of the text). Then, on a text
    without :data:`FOLD_RISK` characters, a match starts at a word boundary
    with the text's word lower-cased to the entry's first word, which ends
    there (a space, a punctuation mark or a word boundary follows).
    """
    word = _first_word(entry)
    return word.isalnum() and folds_simply(entry[: len(word) + 1])


def _key_word(entry: str) -> str:
    """The word of a :func:`_groupable` ``entry`` that a line must hold for it to match, lower-cased: its longest
    word that folds simply (such a word of the entry matches only a whole word of the text, which lower-cases
    to it, on a text without :data:`FOLD_RISK` characters), its first word at least."""
    return max((w.lower() for w in _WORD.findall(entry) if simple_word(w)), key=len, default=_first_word(entry))


def longest_first(entries: Iterable[str]) -> list[str]:
    """Entries with longer ones first, so that "share this article" wins over "share"."""
    return sorted(entries, key=len, reverse=True)


def compile_entries(entries: Sequence[str], name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The alternation of ``entries``, and the same anchored for whole-line matches."""
    if not entries:
        return _NEVER, _NEVER
    alt = "|".join(f"(?:{entry_pattern(e)})" for e in longest_first(entries))
    try:
        return re.compile(alt, re.IGNORECASE), re.compile(rf"(?:{alt})[\s\W]*", re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"phrase list {name!r}: bad regular expression ({exc})") from exc


@dataclass(frozen=True)
class _Needs:
    """What each ``re:`` or symbol entry of a list needs in a line before its pattern is worth trying.

    ``by_word``: entry indices by a whole word one of them needs (a set
    look-up on the line's words); ``by_string``: entry indices by a string
    one of them needs somewhere in the lower-cased line; ``open``: the
    entries that need nothing known. Indices are positions in the list's
    longest-first order of such entries.
    """

    by_word: dict[str, tuple[int, ...]]
    by_string: dict[str, tuple[int, ...]]
    open: tuple[int, ...]  # in order
    words: frozenset[str]  # the keys of by_word

    @classmethod
    def of(cls, entries: Sequence[str]) -> _Needs:
        """The needs of ``entries`` (read off each parsed pattern, see :func:`required_words`)."""
        by_word: dict[str, list[int]] = {}
        by_string: dict[str, list[int]] = {}
        is_open: set[int] = set()
        for i, entry in enumerate(entries):
            pattern = entry_pattern(entry)
            needed_words = required_words(pattern)
            needles = required_needles(pattern)
            if needles and not all(map(plain_needle, needles)):
                needles = None
            # The words (a set look-up), unless the strings are longer by two characters or more
            # (``\bis (?:a|an) (?:\w+ ){0,2}author``: "is" is in most lines of English, "author" in few).
            if needed_words and not (needles and min(map(len, needles)) >= min(map(len, needed_words)) + 2):
                for word in needed_words:
                    by_word.setdefault(word, []).append(i)
            elif needles:
                for needle in needles:
                    by_string.setdefault(needle.lower(), []).append(i)
            else:
                is_open.add(i)
        return cls(
            {w: tuple(ix) for w, ix in by_word.items()},
            {n: tuple(ix) for n, ix in sorted(by_string.items())},
            tuple(sorted(is_open)),
            frozenset(by_word),
        )

    def held(self, facts: _Facts) -> tuple[int, ...]:
        """The entries that may match in a line without :data:`FOLD_RISK` characters, whose facts are ``facts``, in
        order."""
        words = self.words & facts.words
        low = facts.low
        if not words:
            for string in self.by_string:  # most lines hold none: stop at the first
                if string in low:
                    break
            else:
                return self.open
        hits = set(self.open)
        for word in words:
            hits.update(self.by_word[word])
        for string, ix in self.by_string.items():
            if string in low:
                hits.update(ix)
        return tuple(sorted(hits))


class _Lists:
    """Every phrase index of the process, and which of them may find anything in a line: one scan of the line for
    all lists together (see :func:`lists_in`).

    A list may find something in a line without :data:`FOLD_RISK` characters
    only when the line holds, as a whole word, the key word of one of its
    plain phrases or a word an ``re:`` entry needs, or holds a string such an
    entry needs; a list with an entry that needs nothing known, or whose
    phrases are not grouped, may find something anywhere. The words of every
    list form one set, intersected with the line's words (a whole word is a
    set look-up); the strings of every list form one automaton, run over the
    lower-cased line (a string may sit anywhere, inside words too).
    """

    def __init__(self) -> None:
        self._needs: dict[int, tuple[frozenset[str], frozenset[str], bool]] = {}  # (words, strings, anywhere) by id
        self._free: list[int] = []  # ids of lists forgotten, given again (so that the masks stay short)
        self._next_id = 0
        self._built = False
        self._by_word: dict[str, int] = {}  # the mask of the lists that need each word
        self._strings: list[tuple[str, int]] = []  # (string, mask), in the automaton's pattern order
        self._by_char: list[tuple[str, int]] = []  # (one-character string, mask): looked for with ``in``
        self._high_chars: list[tuple[str, int]] = []  # the same, for characters from U+3040 on (see high_chars)
        self._automaton: AhoCorasick | None = None
        self._words: frozenset[str] = frozenset()
        self._anywhere = 0  # the mask of the lists that may find something anywhere
        self._every = 0

    def add(self, owner: object, words: frozenset[str], strings: frozenset[str], anywhere: bool) -> int:
        """Register a list (``owner``, forgotten when it is) by what a line must hold for it: its id, the position
        of its bit in the masks :func:`lists_in` returns."""
        if self._free:
            key = heapq.heappop(self._free)
        else:
            key = self._next_id
            self._next_id += 1
        self._needs[key] = (words, strings, anywhere)
        weakref.finalize(owner, self._forget, key)
        self._built = False
        lists_in.cache_clear()  # type: ignore[attr-defined]  # lines seen before may hold the new list's words
        return key

    def _forget(self, key: int) -> None:
        """A list is gone: its id may be given again (the cached masks are cleared when it is, see :meth:`add`)."""
        if self._needs.pop(key, None) is not None:
            heapq.heappush(self._free, key)

    def _build(self) -> None:
        by_word: dict[str, int] = {}
        by_string: dict[str, int] = {}
        for key, (words, strings, _) in self._needs.items():
            for word in words:
                by_word[word] = by_word.get(word, 0) | 1 << key
            for string in strings:
                by_string[string] = by_string.get(string, 0) | 1 << key
        self._by_word = by_word
        # A needle of one character ("h" after a figure, "." in a date) is found in most lines, often many times:
        # ``in`` (a scan in C) instead of the automaton's matches, one Python step each. Those of the scripts from
        # kana on ("年" in a Chinese date, "전" in a Korean one) only in a line that holds such characters.
        singles = sorted((s, mask) for s, mask in by_string.items() if len(s) == 1)
        self._by_char = [(s, mask) for s, mask in singles if not high_chars(s)]
        self._high_chars = [(s, mask) for s, mask in singles if high_chars(s)]
        self._strings = sorted((s, mask) for s, mask in by_string.items() if len(s) > 1)
        self._automaton = AhoCorasick([s for s, _ in self._strings]) if self._strings else None
        self._words = frozenset(by_word)
        self._anywhere = sum(1 << k for k, (_, _, anywhere) in self._needs.items() if anywhere)
        self._every = sum(1 << k for k in self._needs)
        self._built = True

    def scan(self, text: str) -> int:
        """The mask of the lists that may find anything in ``text`` (bit ``id`` set for each)."""
        if not self._built:
            self._build()
        if _risky(text):
            return self._every
        found = self._anywhere
        by_word = self._by_word
        for word in self._words.intersection(lower_words(text)):
            found |= by_word[word]
        lowered = text.lower()
        for char, mask in self._by_char:
            if char in lowered:
                found |= mask
        if self._high_chars and high_chars(text):
            for char, mask in self._high_chars:
                if char in lowered:
                    found |= mask
        if self._automaton is not None:
            strings = self._strings
            for i, _, _ in self._automaton.find_matches_as_indexes(lowered, overlapping=True):
                found |= strings[i][1]
        return found


_LISTS = _Lists()


@line_cache()
def lists_in(text: str) -> int:
    """The mask of the phrase lists that may find anything in a line, bit ``id`` set for each (an int: no container
    to build or for the garbage collector to track; cached per line text, see :class:`_Lists`)."""
    return _LISTS.scan(text)


def lines_holding(lines: Sequence[_T], indexes: Iterable[PhraseIndex]) -> list[_T]:
    """The ``lines`` (anything with a ``text``) in which one of ``indexes`` may find an entry, in order: one test
    a line (see :func:`cleaner.phrases.lines_holding`)."""
    mask = 0
    for ix in indexes:
        mask |= ix._bit
    return [ln for ln in lines if lists_in(ln.text) & mask]


class PhraseIndex:
    """A phrase list's look-ups (``search``, ``match``, ``fullmatch``, ``endswith``, ``strip_all``), fast: see the
    module doc for how."""

    def __init__(self, name: str, entries: tuple[str, ...]) -> None:
        self.name, self.entries = name, entries
        keyed = [e for e in self.entries if not e.startswith("re:") and _WORD.match(e.lower())]
        always = longest_first(e for e in self.entries if e not in set(keyed))  # the order of _always
        self._keyed_entries = tuple(keyed)
        groups: dict[str, list[str]] | None = None
        by_key: dict[str, list[tuple[str, str]]] = {}  # (entry, first word) by key word
        if all(_groupable(e) for e in keyed):
            groups = {}
            for e in longest_first(keyed):  # the alternation's order, within each group
                groups.setdefault(_first_word(e), []).append(e)
                by_key.setdefault(_key_word(e), []).append((e, _first_word(e)))
        self._groups: dict[str, list[str]] | None = groups
        # With groups: the entries a line may hold are those whose key word (and first word) it holds.
        self._firsts_by_key = {k: frozenset(f for _, f in v) for k, v in by_key.items()}
        self._keys = frozenset(by_key)
        self._group_patterns: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
        self._always_entries = tuple(always)
        self._always = compile_entries(always, self.name)  # every re: entry compiles here, or fails
        self._every_other = tuple(range(len(always)))
        self._needs = _Needs.of(always) if always else None
        # strip_all takes an entry out match by match only when none can match an empty string (re.sub's rules
        # for empty matches are its own); plain phrases never do.
        self._others_may_be_empty = any(may_match_empty(entry_pattern(e)) for e in always)
        needs = self._needs
        self._id = _LISTS.add(
            self,
            self._keys | (needs.words if needs else frozenset()),
            frozenset(needs.by_string) if needs else frozenset(),
            groups is None or bool(needs and needs.open),
        )
        self._bit = 1 << self._id

    # The patterns below are compiled on first use: most lists need only some of them, and every
    # entry that could make one fail to compile (the re: entries) is already compiled in _always.

    @cached_property
    def _keyed(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """All plain phrases of the list (see :func:`compile_entries`)."""
        return compile_entries(self._keyed_entries, self.name)

    @cached_property
    def alternation(self) -> str:
        """Every entry, longest first, as one alternation (also for a rule that builds its own pattern around the
        list's entries, so that they are read as every list's are: plain phrases and ``re:`` entries)."""
        return "|".join(f"(?:{entry_pattern(e)})" for e in longest_first(self.entries)) or r"(?!x)x"

    @cached_property
    def _search(self) -> re.Pattern[str]:
        """Any entry, anywhere."""
        return re.compile(self.alternation, re.IGNORECASE)

    @cached_property
    def _end(self) -> re.Pattern[str]:
        """Any entry at the end of a line (trailing punctuation allowed)."""
        return re.compile(rf"(?:{self.alternation})[\s\W]*$", re.IGNORECASE)

    def __bool__(self) -> bool:
        return bool(self.entries)

    @cached_property
    def _each(self) -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
        """The patterns of each ``re:`` or symbol entry on its own (see :func:`compile_entries`), in the order of
        ``_always``."""
        return tuple(compile_entries([e], self.name) for e in self._always_entries)

    def compile_all(self) -> None:
        """Compile now the patterns compiled on first use: the whole alternations, every first word's group and
        each ``re:`` or symbol entry's own (after this no look-up compiles anything)."""
        _ = self._keyed, self._search, self._end, self._each
        for word in self._groups or ():
            self._group_for(word)

    # -- which patterns a line needs ---------------------------------------

    def _others(self, facts: _Facts) -> tuple[int, ...]:
        """The ``re:`` and symbol entries that may match in a line with ``facts``, by position in ``_always``."""
        needs: _Needs | None = self._needs
        if needs is None:
            return ()
        return self._every_other if facts.risky else needs.held(facts)

    def _first_other(self, text: str, held: tuple[int, ...], pos: int = 0) -> re.Match[str] | None:
        """The match the alternation of the ``held`` entries (positions in ``_always``, in order) finds in ``text``
        at or after ``pos``.

        That alternation tries the entries in order at each place, from
        ``pos`` on: its match is the leftmost of the entries' own matches,
        the first entry's where several start at the same place. (Callers
        read a match's text and span only: its groups are numbered otherwise.)
        """
        if len(held) == len(self._every_other):  # all of them (or none): their alternation, one scan
            return self._always[0].search(text, pos) if held else None
        best: re.Match[str] | None = None
        each = self._each
        for i in held:
            m = each[i][0].search(text, pos)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def _group_for(self, word: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The patterns of the keyed entries whose first word is ``word`` (see :func:`compile_entries`)."""
        patterns = self._group_patterns.get(word)
        if patterns is None:
            patterns = self._group_patterns[word] = compile_entries(self._groups[word], self.name)
        return patterns

    def _first_keyed(self, text: str, facts: _Facts, pos: int = 0) -> re.Match[str] | None:
        """The leftmost keyed entry in ``text`` at or after ``pos``.

        With groups, on a line without :data:`FOLD_RISK` characters, an
        entry can only match when the line holds its key word, and only
        where its first word occurs in the lower-cased line (same length,
        same places): only the groups of those first words are tried, and
        only there.
        """
        if self._groups is None or facts.risky:
            return self._keyed[0].search(text, pos)
        keys = self._keys & facts.words
        if not keys:
            return None
        firsts: set[str] = set()
        for key in keys:
            firsts |= self._firsts_by_key[key]
        best: re.Match[str] | None = None
        for word in firsts & facts.words:
            pattern = self._group_for(word)[0]
            at = facts.low.find(word, pos)
            while at >= 0 and (best is None or at < best.start()):
                m = pattern.match(text, at)
                if m:
                    best = m
                    break
                at = facts.low.find(word, at + 1)
        return best

    # -- the look-ups ------------------------------------------------------

    def search(self, text: str) -> re.Match[str] | None:
        """The first entry found anywhere in ``text``."""
        if not lists_in(text) & self._bit:
            return None
        facts = _facts(text)
        found = self._first_other(text, self._others(facts))
        keyed = self._first_keyed(text, facts)
        if keyed and (found is None or keyed.start() < found.start()):
            return keyed
        return found

    def match(self, text: str) -> re.Match[str] | None:
        """An entry that starts ``text``."""
        if not lists_in(text) & self._bit:  # most lines: answered here, without a call more
            return None
        return self._anchored(text, 0, re.Pattern.match)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """An entry that is all of ``text`` (trailing punctuation allowed)."""
        if not lists_in(text) & self._bit:
            return None
        return self._anchored(text, 1, re.Pattern.fullmatch)

    def _anchored(
        self, text: str, form: int, how: Callable[[re.Pattern[str], str], re.Match[str] | None]
    ) -> re.Match[str] | None:
        """``how`` (match or fullmatch) with the patterns' ``form`` (0: the entries, 1: the whole line).

        The keyed entries are tried first (only the group of ``text``'s first word), then the others. The caller
        has checked that the list may find something in ``text`` (:func:`lists_in`).
        """
        facts = _facts(text)
        if self._groups is None or facts.risky:
            m = how(self._keyed[form], text)
        else:  # a match starts with its first word: the line's
            m = how(self._group_for(facts.first)[form], text) if facts.first in self._groups else None
        if m:
            return m
        held = self._others(facts)  # the first of them that matches here, as their alternation would find
        if len(held) == len(self._every_other):
            return how(self._always[form], text) if held else None
        each = self._each
        for i in held:
            if m := how(each[i][form], text):
                return m
        return None

    def endswith(self, text: str) -> re.Match[str] | None:
        """An entry that ends ``text`` (trailing punctuation allowed)."""
        return self._end.search(text) if lists_in(text) & self._bit else None

    def strip_all(self, text: str) -> str:
        """``text`` with every occurrence of every entry taken out (each replaced by a space).

        As the whole alternation's ``sub`` does: from the start, the leftmost
        match is taken out and the search goes on after it. The leftmost
        match is the earlier of the first plain phrase and the first other
        entry (both found as the look-ups find them); where the two start at
        the same place, which comes first in the list's order is not known
        here, and the whole alternation decides (as it does for a line with
        :data:`FOLD_RISK` characters, an ungrouped list, or ``re:`` entries
        that may match an empty string).
        """
        if not lists_in(text) & self._bit:
            return text
        facts = _facts(text)
        if self._groups is None or facts.risky or self._others_may_be_empty:
            return self._search.sub(" ", text)
        held = self._others(facts)
        pieces: list[str] = []
        pos = 0
        while True:
            keyed = self._first_keyed(text, facts, pos)
            other = self._first_other(text, held, pos) if held else None
            if keyed is not None and other is not None and keyed.start() == other.start():
                return self._search.sub(" ", text)
            m = other if keyed is None or (other is not None and other.start() < keyed.start()) else keyed
            if m is None:
                break
            pieces += (text[pos : m.start()], " ")
            pos = m.end()
        if not pieces:
            return text
        pieces.append(text[pos:])
        return "".join(pieces)
