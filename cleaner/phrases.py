"""Phrase lists: data files of boilerplate phrases, one list per family and language.

A list lives in ``heuristics/data/<lang>/<list>.txt``. Each line is one entry:

* a plain phrase (``sign up for our newsletter``) matches case-insensitively
  at word boundaries, any run of spaces matching any run of spaces;
* ``re:`` followed by a Python regular expression, for the few entries that
  need one (keep them linear: a repetition inside an unbounded repetition,
  which can take exponential time, is refused);
* ``#`` starts a comment line.

Users add entries with ``[phrases.<list>] add = [...]`` or ``files = [...]``
in their configuration. All configured languages are loaded together, since
pages often mix a local language with English widgets.
"""

from __future__ import annotations

import re
import re._constants as _c  # the parsed form of a pattern, to check it for nested repetition
import re._parser as _sre_parser
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cleaner.text import WORD_RUN

if TYPE_CHECKING:
    from cleaner.config import Config



@lru_cache(maxsize=4096)
def _entry_pattern(entry: str) -> str:
    if entry.startswith("re:"):
        pattern = entry[3:].strip()
        problem = backtracking_risk(pattern)
        if problem:
            raise ValueError(f"phrase entry {entry!r}: {problem}")
        return pattern
    words = [re.escape(w) for w in entry.split()]
    body = r"\s+".join(words)
    lead = r"\b" if entry[:1].isalnum() else ""
    tail = r"\b" if entry[-1:].isalnum() else ""
    return f"{lead}{body}{tail}"


def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` may take exponential time, or None.

    Python's ``re`` backtracks: a repetition inside an unbounded repetition
    (``(a+)+``, ``(\\w+\\s?)*``) can try exponentially many ways to split a
    line before it fails. Such patterns are refused. (A bounded outer
    repetition, ``(?:\\w+ ){0,3}``, is fine; possessive and atomic groups
    never backtrack.) A pattern that does not compile is left to
    ``re.compile``, which names the error.
    """
    try:
        parsed = _sre_parser.parse(pattern)
    except (re.error, AttributeError):
        return None
    if _nested_repeat(list(parsed), inside_unbounded=False):
        return "a repetition inside an unbounded repetition can take exponential time; rewrite it"
    return None


def _nested_repeat(items: list, inside_unbounded: bool) -> bool:  # type: ignore[type-arg]
    """True when a variable repetition sits inside an unbounded one (see :func:`backtracking_risk`)."""
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi, body = av
            if inside_unbounded and hi != lo:
                return True
            if _nested_repeat(list(body), inside_unbounded or hi == _c.MAXREPEAT):
                return True
        elif any(_nested_repeat(list(part), inside_unbounded) for part in _parts(op, av)):
            return True
    return False


def _parts(op: object, av: object) -> list:  # type: ignore[type-arg]
    """The sub-patterns of a group, an alternation or a lookaround (possessive and atomic ones never backtrack)."""
    if op == _c.SUBPATTERN:
        return [av[-1]]  # type: ignore[index]
    if op == _c.BRANCH:
        return list(av[1])  # type: ignore[index]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]  # type: ignore[index]
    return []


def required_needles(pattern: str) -> frozenset[str] | None:
    """Strings of which every match of ``pattern`` holds at least one, or None if unknown.

    Read off the parsed pattern: a run of literal characters is needed by
    the sequence that holds it, a group or a repetition of at least one
    needs what its body needs, an alternation needs one of what its
    branches need. Searched for with the flags the pattern is compiled
    with (IGNORECASE), a needle matches wherever the pattern's own literal
    characters do, so a text without any needle cannot hold a match.
    """
    return _required(pattern, whole_words=False)


def required_words(pattern: str) -> frozenset[str] | None:
    """Lower-case words of which every match of ``pattern`` holds one as a whole word of the text, or None.

    Like :func:`required_needles`, but only words a match must hold whole:
    inside a run of literal characters, or at its end where the pattern
    puts a word boundary (``\\b``, ``^``, ``$``) or a non-word character.
    Such a word is then in a text's word set (its lower-cased ``\\w+``
    runs), a set look-up instead of a scan. Only words that fold simply
    count (see :func:`_simple_word`), and texts with :data:`_FOLD_RISK`
    characters are never filtered.
    """
    return _required(pattern, whole_words=True)


def _required(pattern: str, *, whole_words: bool) -> frozenset[str] | None:
    """:func:`required_words` or :func:`required_needles` of ``pattern`` (None when it does not parse)."""
    try:
        parsed = _sre_parser.parse(pattern)
    except (re.error, AttributeError):
        return None
    return _needs(list(parsed), whole_words, edge_before=False, edge_after=False)


def _plain(needle: str) -> bool:
    """Whether ``needle.lower() in text.lower()`` is a sound test for IGNORECASE finding ``needle`` in a text
    without :data:`_FOLD_RISK` characters.

    True when the needle :func:`_folds_simply`: IGNORECASE then matches each
    of its characters only to the characters whose lower case it is, and
    ``str.lower`` lower-cases every character as the ``re`` module does but
    the dotted capital I, which is one of those (checked in the tests).
    """
    return _folds_simply(needle)


_EDGES = {_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_END, _c.AT_END_STRING}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", object())  # Python 3.11+; a marker no item has before
_WORD_CHAR = re.compile(r"\w")


def _folds_simply(text: str) -> bool:
    """Whether ``text`` lower-cases one character to one, into none that IGNORECASE matches to other
    characters but ASCII letters (whose odd partners :data:`_FOLD_RISK` keeps out of filtered texts)."""
    low = text.lower()
    return _MULTI_FOLD is not None and len(low) == len(text) and all(c.isascii() or c not in _MULTI_FOLD for c in low)


def _simple_word(word: str) -> bool:
    """Letters and digits that lower-case one to one, none that IGNORECASE matches to odd partners."""
    return word.isalnum() and _folds_simply(word)


def _whole_words(run: str, edge_before: bool, edge_after: bool) -> list[str]:
    """The words of a literal ``run`` that a match holds whole (edges: a word boundary before / after it)."""
    pieces = re.split(r"(\W+)", run)  # words at even positions, non-word runs at odd ones
    words = []
    for i in range(0, len(pieces), 2):
        word = pieces[i]
        whole_left = i > 0 or edge_before
        whole_right = i < len(pieces) - 1 or edge_after
        if word and whole_left and whole_right and _simple_word(word):
            words.append(word.lower())
    return words


def _is_edge(item: tuple | None) -> bool:  # type: ignore[type-arg]
    """Whether a parsed item only matches where a word cannot go on: a boundary, or non-word characters."""
    if item is None:
        return False
    op, av = item
    if op == _c.AT:
        return av in _EDGES
    if op == _c.LITERAL:
        return not _WORD_CHAR.match(chr(av))
    if op == _c.IN:
        return all(
            (kind == _c.LITERAL and not _WORD_CHAR.match(chr(arg)))
            or (kind == _c.CATEGORY and arg in (_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD))
            for kind, arg in av
        )
    if op in _REPEATS:
        body = list(av[2])
        return av[0] >= 1 and len(body) == 1 and _is_edge(body[0])
    return False


def _needs(items: list, whole_words: bool, edge_before: bool, edge_after: bool) -> frozenset[str] | None:  # type: ignore[type-arg]
    """What a parsed sequence needs (see :func:`_required`): its most selective requirement.

    A run of literal characters needs itself (needles) or its whole words;
    ``edge_before`` / ``edge_after`` say whether the sequence is set off from
    any word before / after it (a boundary or a non-word character).
    """
    options: list[frozenset[str]] = []
    run: list[str] = []
    run_edge = edge_before

    def edge(k: int) -> bool:
        """Whether item ``k`` (or what lies beyond the sequence) sets off a word."""
        if k < 0:
            return edge_before
        if k >= len(items):
            return edge_after
        return _is_edge(items[k])

    for k, (op, av) in enumerate([*items, (None, None)]):
        if op == _c.LITERAL:
            if not run:
                run_edge = edge(k - 1)
            run.append(chr(av))
            continue
        if run:
            text = "".join(run)
            if whole_words:
                options.extend(frozenset((w,)) for w in _whole_words(text, run_edge, edge(k)))
            else:
                options.append(frozenset((text,)))
            run = []
        sub: frozenset[str] | None = None
        if op == _c.SUBPATTERN:
            sub = _needs(list(av[-1]), whole_words, edge(k - 1), edge(k + 1))
        elif op == _ATOMIC:
            sub = _needs(list(av), whole_words, edge(k - 1), edge(k + 1))
        elif op == _c.BRANCH:
            branches = [_needs(list(b), whole_words, edge(k - 1), edge(k + 1)) for b in av[1]]
            if all(b is not None for b in branches):
                sub = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            sub = _needs(list(av[2]), whole_words, False, False)  # later rounds start elsewhere
        if sub:
            options.append(sub)
    if not options:
        return None
    # The most selective requirement: the longest shortest needle, then the fewest needles.
    return max(options, key=lambda o: (min(map(len, o)), -len(o)))


def read_entries(lines: list[str]) -> list[str]:
    """The entries of a phrase file's lines (comments and blanks skipped)."""
    return [s for s in (ln.strip() for ln in lines) if s and not s.startswith("#")]


_WORD = WORD_RUN
_NEVER = re.compile(r"(?!x)x")
_MAX_SUBSETS = 64  # alternations of some re: entries kept per list; beyond, lines are tried with all of them


class _Facts(NamedTuple):
    """What the look-ups of every list ask about one line (computed once per line text, see :func:`_facts`)."""

    low: str  # the line lower-cased
    words: frozenset[str]  # its lower-cased words
    first: str  # its first word, lower-cased (on a line that is not risky)
    risky: bool  # it holds a _FOLD_RISK character: no shortcut that relies on lower-casing applies to it


@lru_cache(maxsize=1 << 15)
def _facts(text: str) -> _Facts:
    """The :class:`_Facts` of a line (cached: many lists look at the same line)."""
    low = text.lower()
    words = _WORD.findall(low)
    risky = not text.isascii() and _FOLD_RISK.search(text) is not None  # every _FOLD_RISK character is not ASCII
    # The first word: of the lower-cased line, where it is the line's own lower-cased (not risky) or not used.
    return _Facts(low, frozenset(words), words[0] if words else "", risky)


def _first_word(text: str) -> str:
    """The first word of a line (in its first 200 characters), lower-cased."""
    m = _WORD.search(text, 0, 200)
    return m.group(0).lower() if m else ""


# Characters of a text that IGNORECASE matches to an ASCII letter although their lower case is not that
# letter (dotted and dotless I, long s, Kelvin sign; checked in tests/test_speedups.py).
_FOLD_RISK = re.compile("[\u0130\u0131\u017f\u212a]")
# Lower-case characters that IGNORECASE matches to other characters as well (ß and ẞ, σ and ς, ...).
# The table is private to the re module (3.11, 3.12); without it, no first word counts as simple and
# every list falls back to the full search: slower, same results.
try:
    from re._casefix import _EXTRA_CASES

    _MULTI_FOLD: frozenset[str] | None = frozenset(map(chr, _EXTRA_CASES))
except ImportError:  # pragma: no cover - a Python whose re module moved the table
    _MULTI_FOLD = None


def _groupable(entry: str) -> bool:
    """Whether a keyed ``entry`` can only match where its first word is a whole word of the text.

    True when its first word is letters and digits and that word and the
    character after it fold simply (one lower-case character each, none
    that IGNORECASE matches to other characters but ASCII letters, whose
    odd partners :data:`_FOLD_RISK` keeps out of the text). Then, on a text
    without :data:`_FOLD_RISK` characters, a match starts at a word boundary
    with the text's word lower-cased to the entry's first word, which ends
    there (a space, a punctuation mark or a word boundary follows).
    """
    word = _first_word(entry)
    return word.isalnum() and _folds_simply(entry[: len(word) + 1])


def _key_word(entry: str) -> str:
    """The word of a :func:`_groupable` ``entry`` that a line must hold for it to match, lower-cased: its longest
    word that folds simply (such a word of the entry matches only a whole word of the text, which lower-cases
    to it, on a text without :data:`_FOLD_RISK` characters), its first word at least."""
    return max((w.lower() for w in _WORD.findall(entry) if _simple_word(w)), key=len, default=_first_word(entry))


def _longest_first(entries: Iterable[str]) -> list[str]:
    """Entries with longer ones first, so that "share this article" wins over "share"."""
    return sorted(entries, key=len, reverse=True)


def _compile(entries: Sequence[str], name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The alternation of ``entries``, and the same anchored for whole-line matches."""
    if not entries:
        return _NEVER, _NEVER
    alt = "|".join(f"(?:{_entry_pattern(e)})" for e in _longest_first(entries))
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
    open: frozenset[int]
    words: frozenset[str]  # the keys of by_word

    @classmethod
    def of(cls, entries: Sequence[str]) -> _Needs:
        """The needs of ``entries`` (read off each parsed pattern, see :func:`required_words`)."""
        by_word: dict[str, list[int]] = {}
        by_string: dict[str, list[int]] = {}
        is_open: set[int] = set()
        for i, entry in enumerate(entries):
            pattern = _entry_pattern(entry)
            needed_words = required_words(pattern)
            needles = None if needed_words else required_needles(pattern)
            if needed_words:
                for word in needed_words:
                    by_word.setdefault(word, []).append(i)
            elif needles and all(map(_plain, needles)):
                for needle in needles:
                    by_string.setdefault(needle.lower(), []).append(i)
            else:
                is_open.add(i)
        return cls(
            {w: tuple(ix) for w, ix in by_word.items()},
            {n: tuple(ix) for n, ix in sorted(by_string.items())},
            frozenset(is_open),
            frozenset(by_word),
        )

    def held(self, facts: _Facts) -> frozenset[int]:
        """The entries that may match in a line without :data:`_FOLD_RISK` characters, whose facts are ``facts``."""
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
        return frozenset(hits)


@dataclass(frozen=True)
class PhraseList:
    """One compiled list: ``search`` anywhere, ``match`` at the start, ``fullmatch`` whole.

    Every method answers as the alternation of all entries, longest first,
    would; what makes them fast is only ever skipping work that cannot
    change the answer (``tests/test_speedups.py`` checks them against the
    plain alternation):

    * plain phrases ("keyed") are grouped by their first word when every
      one is :func:`_groupable` (one small pattern per first word). A line
      is then only tried with the groups of the phrases whose key word
      (:func:`_key_word`, a set look-up) and first word it holds, and only
      where that first word occurs in it: any match starts there, and at
      one position only one first word can start. Lines with
      :data:`_FOLD_RISK` characters, and lists with a phrase that is not
      groupable, are searched with all plain phrases;
    * an ``re:`` or symbol entry is only tried on lines that hold what its
      pattern needs (a whole word or a string, see :class:`_Needs`); the
      entries that may match form a smaller alternation in the same order.
    """

    name: str
    entries: tuple[str, ...]

    def __post_init__(self) -> None:
        keyed = [e for e in self.entries if not e.startswith("re:") and _WORD.match(e.lower())]
        always = _longest_first(e for e in self.entries if e not in set(keyed))  # the order of _always
        object.__setattr__(self, "_keyed_entries", tuple(keyed))
        groups: dict[str, list[str]] | None = None
        by_key: dict[str, list[tuple[str, str]]] = {}  # (entry, first word) by key word
        if all(_groupable(e) for e in keyed):
            groups = {}
            for e in _longest_first(keyed):  # the alternation's order, within each group
                groups.setdefault(_first_word(e), []).append(e)
                by_key.setdefault(_key_word(e), []).append((e, _first_word(e)))
        object.__setattr__(self, "_groups", groups)
        # With groups: the entries a line may hold are those whose key word (and first word) it holds.
        object.__setattr__(self, "_entries_by_key", {k: tuple(v) for k, v in by_key.items()})
        object.__setattr__(self, "_firsts_by_key", {k: frozenset(f for _, f in v) for k, v in by_key.items()})
        object.__setattr__(self, "_keys", frozenset(by_key))
        object.__setattr__(self, "_rank", {e: i for i, e in enumerate(_longest_first(self.entries))})
        object.__setattr__(self, "_strip_patterns", {})
        object.__setattr__(self, "_group_patterns", {})
        object.__setattr__(self, "_always_entries", tuple(always))
        object.__setattr__(self, "_always", _compile(always, self.name))  # every re: entry compiles here, or fails
        object.__setattr__(self, "_needs", _Needs.of(always) if always else None)
        object.__setattr__(self, "_subsets", {})

    # The patterns below are compiled on first use: most lists need only some of them, and every
    # entry that could make one fail to compile (the re: entries) is already compiled in _always.

    @cached_property
    def _keyed(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """All plain phrases of the list (see :func:`_compile`)."""
        return _compile(self._keyed_entries, self.name)  # type: ignore[attr-defined]

    @cached_property
    def _alternation(self) -> str:
        """Every entry, longest first, as one alternation."""
        return "|".join(f"(?:{_entry_pattern(e)})" for e in _longest_first(self.entries)) or r"(?!x)x"

    @cached_property
    def _search(self) -> re.Pattern[str]:
        """Any entry, anywhere."""
        return re.compile(self._alternation, re.IGNORECASE)

    @cached_property
    def _end(self) -> re.Pattern[str]:
        """Any entry at the end of a line (trailing punctuation allowed)."""
        return re.compile(rf"(?:{self._alternation})[\s\W]*$", re.IGNORECASE)

    def __bool__(self) -> bool:
        return bool(self.entries)

    # -- which patterns a line needs ---------------------------------------

    def _always_for(self, facts: _Facts) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
        """The patterns of the ``re:`` and symbol entries that may match in a line with ``facts`` (see
        :func:`_compile`), or None when none can."""
        needs: _Needs | None = self._needs  # type: ignore[attr-defined]
        if needs is None:
            return None
        if facts.risky:
            return self._always  # type: ignore[attr-defined,no-any-return]
        held = needs.held(facts)
        if not held:
            return None
        patterns = self._subsets.get(held)  # type: ignore[attr-defined]
        if patterns is None:
            entries, subsets = self._always_entries, self._subsets  # type: ignore[attr-defined]
            if len(held) == len(entries) or len(subsets) >= _MAX_SUBSETS:
                return self._always  # type: ignore[attr-defined,no-any-return]
            patterns = subsets[held] = _compile([e for i, e in enumerate(entries) if i in held], self.name)
        return patterns  # type: ignore[no-any-return]

    def _group_for(self, word: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The patterns of the keyed entries whose first word is ``word`` (see :func:`_compile`)."""
        patterns = self._group_patterns.get(word)  # type: ignore[attr-defined]
        if patterns is None:
            patterns = self._group_patterns[word] = _compile(self._groups[word], self.name)  # type: ignore[attr-defined]
        return patterns  # type: ignore[no-any-return]

    def _first_keyed(self, text: str, facts: _Facts, pos: int = 0) -> re.Match[str] | None:
        """The leftmost keyed entry in ``text`` at or after ``pos``.

        With groups, on a line without :data:`_FOLD_RISK` characters, an
        entry can only match when the line holds its key word, and only
        where its first word occurs in the lower-cased line (same length,
        same places): only the groups of those first words are tried, and
        only there.
        """
        if self._groups is None or facts.risky:  # type: ignore[attr-defined]
            return self._keyed[0].search(text, pos)  # type: ignore[attr-defined,no-any-return]
        keys = self._keys & facts.words  # type: ignore[attr-defined]
        if not keys:
            return None
        firsts: set[str] = set()
        for key in keys:
            firsts |= self._firsts_by_key[key]  # type: ignore[attr-defined]
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
        facts = _facts(text)
        always = self._always_for(facts)
        found = always[0].search(text) if always else None
        keyed = self._first_keyed(text, facts)
        if keyed and (found is None or keyed.start() < found.start()):
            return keyed
        return found

    def match(self, text: str) -> re.Match[str] | None:
        """An entry that starts ``text``."""
        return self._anchored(text, 0, re.Pattern.match)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """An entry that is all of ``text`` (trailing punctuation allowed)."""
        return self._anchored(text, 1, re.Pattern.fullmatch)

    def _anchored(
        self, text: str, form: int, how: Callable[[re.Pattern[str], str], re.Match[str] | None]
    ) -> re.Match[str] | None:
        """``how`` (match or fullmatch) with the patterns' ``form`` (0: the entries, 1: the whole line).

        The keyed entries are tried first (only the group of ``text``'s first word), then the others.
        """
        facts = _facts(text)
        if self._groups is None or facts.risky:  # type: ignore[attr-defined]
            m = how(self._keyed[form], text)  # type: ignore[attr-defined]
        else:  # a match starts with its first word: the line's
            m = how(self._group_for(facts.first)[form], text) if facts.first in self._groups else None  # type: ignore[index,operator]
        if m:
            return m
        always = self._always_for(facts)
        return how(always[form], text) if always else None

    def _may_hold(self, facts: _Facts) -> bool:
        """False when no entry can occur in a line with ``facts``: no first word of a phrase, no need of another
        entry."""
        if self._groups is None or facts.risky or self._always_for(facts):  # type: ignore[attr-defined]
            return True
        return not self._keys.isdisjoint(facts.words)  # type: ignore[attr-defined]

    def endswith(self, text: str) -> re.Match[str] | None:
        """An entry that ends ``text`` (trailing punctuation allowed)."""
        return self._end.search(text) if self._may_hold(_facts(text)) else None  # type: ignore[attr-defined]

    def strip_all(self, text: str) -> str:
        """``text`` with every occurrence of every entry taken out (each replaced by a space).

        The alternation of only the entries that may match in ``text`` takes
        out the same occurrences as the whole one: at every place, an entry
        that matches nowhere in the text fails there too.
        """
        facts = _facts(text)
        if self._groups is None or facts.risky:  # type: ignore[attr-defined]
            return self._search.sub(" ", text)  # type: ignore[attr-defined,no-any-return]
        entries = self._possible(facts)
        if not entries:
            return text
        pattern = self._strip_patterns.get(entries)  # type: ignore[attr-defined]
        if pattern is None:
            if len(self._strip_patterns) >= _MAX_SUBSETS:  # type: ignore[attr-defined]
                return self._search.sub(" ", text)  # type: ignore[attr-defined,no-any-return]
            rank = self._rank  # type: ignore[attr-defined]
            alternation = "|".join(f"(?:{_entry_pattern(e)})" for e in sorted(entries, key=rank.__getitem__))
            pattern = self._strip_patterns[entries] = re.compile(alternation, re.IGNORECASE)  # type: ignore[attr-defined]
        return pattern.sub(" ", text)  # type: ignore[no-any-return]

    def _possible(self, facts: _Facts) -> frozenset[str]:
        """The entries that may match in a line with ``facts`` (a grouped list, no :data:`_FOLD_RISK` character):
        the plain phrases whose key word and first word it holds, the other entries whose needs it holds."""
        possible = {
            entry
            for key in self._keys & facts.words  # type: ignore[attr-defined]
            for entry, first in self._entries_by_key[key]  # type: ignore[attr-defined]
            if first in facts.words
        }
        if self._needs is not None:  # type: ignore[attr-defined]
            always = self._always_entries  # type: ignore[attr-defined]
            possible.update(always[i] for i in self._needs.held(facts))  # type: ignore[attr-defined]
        return frozenset(possible)


@lru_cache(maxsize=256)
def _shipped(lang: str, name: str) -> tuple[str, ...]:
    path = resources.files("heuristics") / "data" / lang / f"{name}.txt"
    if not path.is_file():
        return ()
    return tuple(read_entries(path.read_text(encoding="utf-8").splitlines()))


class PhraseBook:
    """The phrase lists for one run, built lazily by list name."""

    def __init__(self, languages: list[str], extra: dict[str, tuple[list[str], list[Path]]] | None = None) -> None:
        self.languages = languages
        self.extra = extra or {}
        self._lists: dict[str, PhraseList] = {}

    @classmethod
    def load(cls, config: Config) -> PhraseBook:
        """The lists of every configured language, with the user's additions."""
        return cls(config.languages, {n: config.phrase_overrides(n) for n in config.phrase_lists_added_to})

    def __getitem__(self, name: str) -> PhraseList:
        if name not in self._lists:
            entries: list[str] = []
            for lang in self.languages:
                entries.extend(_shipped(lang, name))
            added, files = self.extra.get(name, ([], []))
            entries.extend(added)
            for f in files:
                try:
                    entries.extend(read_entries(Path(f).read_text(encoding="utf-8").splitlines()))
                except OSError as exc:
                    raise ValueError(f"phrase file {f}: cannot read ({exc.strerror})") from exc
            self._lists[name] = _compiled(name, tuple(dict.fromkeys(entries)))
        return self._lists[name]


@lru_cache(maxsize=256)
def _compiled(name: str, entries: tuple[str, ...]) -> PhraseList:
    """The compiled list of ``entries`` (shared by every book of the process)."""
    return PhraseList(name, entries)
