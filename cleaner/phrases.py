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
from typing import TYPE_CHECKING

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
    """Whether IGNORECASE matches each character of ``needle`` only to its own lower and upper case.

    ASCII characters do so on texts without :data:`_FOLD_RISK` characters
    (their odd partners), caseless symbols such as ``©`` always: for such a
    needle, ``needle.lower() in text.lower()`` is a sound test.
    """
    return _MULTI_FOLD is not None and all(
        c.isascii() or (c.lower() == c == c.upper() and c not in _MULTI_FOLD) for c in needle
    )


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


_WORD = re.compile(r"\w+")
_NEVER = re.compile(r"(?!x)x")


@lru_cache(maxsize=1 << 15)
def _word_set(text: str) -> frozenset[str]:
    """The lower-cased words of a line (cached: many lists look at the same line)."""
    return frozenset(_WORD.findall(text.lower()))


@lru_cache(maxsize=1 << 15)
def _fold_risk(text: str) -> bool:
    """Whether ``text`` holds a :data:`_FOLD_RISK` character (cached: every list asks about the same lines)."""
    return _FOLD_RISK.search(text) is not None


@lru_cache(maxsize=1 << 15)
def _first_word(text: str) -> str:
    """The first word of a line, lower-cased (cached: every list's match and fullmatch asks for it)."""
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
class PhraseList:
    """One compiled list: ``search`` anywhere, ``match`` at the start, ``fullmatch`` whole.

    Plain phrases are only tried on lines that contain their first word (a
    set look-up), so the many short lines of a page cost little; ``re:``
    entries and phrases that start with a symbol are always tried. When
    every plain phrase of the list is :func:`_groupable`, a line is only
    searched for the phrases whose first word it holds (one small pattern
    per first word): any match needs its first word in the line, the
    leftmost match of the whole alternation is the leftmost of these, and
    at one position only one first word can start, so the answer is the
    same.
    """

    name: str
    entries: tuple[str, ...]

    def __post_init__(self) -> None:
        keyed = [e for e in self.entries if not e.startswith("re:") and _WORD.match(e.lower())]
        always = [e for e in self.entries if e not in set(keyed)]
        triggers = frozenset(_first_word(e) for e in keyed)
        object.__setattr__(self, "_triggers", triggers)
        object.__setattr__(self, "_keyed_entries", tuple(keyed))
        # Without such entries _always is _NEVER, whose search still tries every position of the line: skip it.
        object.__setattr__(self, "_has_always", bool(always))
        groups: dict[str, list[str]] | None = None
        if all(_groupable(e) for e in keyed):
            groups = {}
            for e in _longest_first(keyed):  # the alternation's order, within each group
                groups.setdefault(_first_word(e), []).append(e)
        object.__setattr__(self, "_groups", groups)
        object.__setattr__(self, "_group_patterns", {})
        object.__setattr__(self, "_always", _compile(always, self.name))
        # What an re: or symbol entry needs, to skip its search on lines without it: whole words (a set
        # look-up) where the pattern shows some, else literal strings (a scan); an entry with neither is "open".
        words: set[str] = set()
        strings: set[str] = set()
        is_open = False
        for e in always:
            pattern = _entry_pattern(e)
            needed_words = required_words(pattern)
            needles = None if needed_words else required_needles(pattern)
            if needed_words:
                words |= needed_words
            elif needles and all(map(_plain, needles)):
                strings |= {n.lower() for n in needles}
            else:
                is_open = True
        object.__setattr__(self, "_always_words", frozenset(words))
        object.__setattr__(self, "_always_strings", tuple(sorted(strings)))
        object.__setattr__(self, "_always_open", is_open)

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

    def _may_hold_always(self, text: str) -> bool:
        """Whether one of the list's ``re:`` or symbol entries may match in ``text``: it has some, and ``text``
        holds what one needs."""
        if not self._has_always:  # type: ignore[attr-defined]
            return False
        if self._always_open or _fold_risk(text):  # type: ignore[attr-defined]
            return True
        if not self._always_words.isdisjoint(_word_set(text)):  # type: ignore[attr-defined]
            return True
        strings = self._always_strings  # type: ignore[attr-defined]
        if not strings:
            return False
        low = text.lower()
        return any(n in low for n in strings)

    def _grouped(self, text: str) -> bool:
        """Whether ``text`` may be searched by first-word groups: the list has them, and no
        :data:`_FOLD_RISK` character of ``text`` could match a first word unseen."""
        return self._groups is not None and not _fold_risk(text)  # type: ignore[attr-defined]

    def _keyed_for(self, text: str, word: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The keyed patterns to try on ``text`` at a place where ``word`` starts: its group's, or all."""
        if not self._grouped(text):
            return self._keyed  # type: ignore[attr-defined,no-any-return]
        patterns = self._group_patterns.get(word)  # type: ignore[attr-defined]
        if patterns is None:
            patterns = self._group_patterns[word] = _compile(self._groups[word], self.name)  # type: ignore[attr-defined]
        return patterns  # type: ignore[no-any-return]

    def _search_keyed(self, text: str, words: frozenset[str]) -> re.Match[str] | None:
        """The leftmost keyed entry in ``text``, whose words are ``words``."""
        if not self._grouped(text):
            return self._keyed[0].search(text)  # type: ignore[attr-defined,no-any-return]
        best = None
        for word in self._triggers & words:  # type: ignore[attr-defined]
            m = self._keyed_for(text, word)[0].search(text)
            if m and (best is None or m.start() < best.start()):
                best = m
        return best

    def search(self, text: str) -> re.Match[str] | None:
        """The first entry found anywhere in ``text``."""
        found = self._always[0].search(text) if self._may_hold_always(text) else None  # type: ignore[attr-defined]
        words = _word_set(text)
        if not self._triggers.isdisjoint(words):  # type: ignore[attr-defined]
            keyed = self._search_keyed(text, words)
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
        word = _first_word(text)
        if word in self._triggers:  # type: ignore[attr-defined]
            m = how(self._keyed_for(text, word)[form], text)
            if m:
                return m
        return how(self._always[form], text) if self._may_hold_always(text) else None  # type: ignore[attr-defined]

    def _may_hold(self, text: str) -> bool:
        """False when no entry can occur in ``text``: no needle of an ``re:`` entry, no first word of a phrase."""
        if self._may_hold_always(text) or not self._grouped(text):
            return True
        return not self._triggers.isdisjoint(_word_set(text))  # type: ignore[attr-defined]

    def endswith(self, text: str) -> re.Match[str] | None:
        """An entry that ends ``text`` (trailing punctuation allowed)."""
        return self._end.search(text) if self._may_hold(text) else None  # type: ignore[attr-defined]

    def strip_all(self, text: str) -> str:
        """``text`` with every occurrence of every entry taken out."""
        return self._search.sub(" ", text) if self._may_hold(text) else text  # type: ignore[attr-defined]


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
        names = set(config.data.get("phrases", {}))
        return cls(config.languages, {n: config.phrase_overrides(n) for n in names})

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
