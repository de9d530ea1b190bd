"""What a regular expression needs and risks, read off its parsed form (``re._parser``).

Three uses, all for phrase lists (:mod:`cleaner.phrases`):

* :func:`backtracking_risk` refuses a user's ``re:`` entry that could take
  exponential time (a repetition inside an unbounded repetition);
* :func:`required_words` and :func:`required_needles` tell what every match
  of a pattern holds, so that the phrase index (:mod:`cleaner.phrase_index`)
  tries a pattern only on lines that hold it;
* :func:`may_match_empty` tells whether the index may take out a pattern's
  matches one by one (``re.sub`` has its own rules for empty matches).

The parsed form is CPython's own (``re._parser``, ``re._constants``): private
but stable across 3.11 to 3.13; a pattern it cannot read is left to
``re.compile`` (no risk found, nothing known to be needed: slower, never wrong).
"""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _sre_parser
from functools import cache


@cache
def _parse(pattern: str) -> _sre_parser.SubPattern:
    """``pattern`` parsed, once: each phrase entry is read for its risk, its emptiness, its words and its
    needles (read only, never changed)."""
    return _sre_parser.parse(pattern)


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
        parsed = _parse(pattern)
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


def may_match_empty(pattern: str) -> bool:
    """Whether ``pattern`` may match an empty string (its shortest match, read off the parsed form; True when
    it cannot be read)."""
    try:
        return bool(_parse(pattern).getwidth()[0] == 0)
    except (re.error, AttributeError):
        return True


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
    count (see :func:`simple_word`), and texts with :data:`FOLD_RISK`
    characters are never filtered.
    """
    return _required(pattern, whole_words=True)


def _required(pattern: str, *, whole_words: bool) -> frozenset[str] | None:
    """:func:`required_words` or :func:`required_needles` of ``pattern`` (None when it does not parse)."""
    try:
        parsed = _parse(pattern)
    except (re.error, AttributeError):
        return None
    return _needs(list(parsed), whole_words, edge_before=False, edge_after=False)



def plain_needle(needle: str) -> bool:
    """Whether ``needle.lower() in text.lower()`` is a sound test for IGNORECASE finding ``needle`` in a text
    without :data:`FOLD_RISK` characters.

    True when the needle :func:`folds_simply`: IGNORECASE then matches each
    of its characters only to the characters whose lower case it is, and
    ``str.lower`` lower-cases every character as the ``re`` module does but
    the dotted capital I, which is one of those (checked in the tests).
    """
    return folds_simply(needle)


_EDGES = {_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_END, _c.AT_END_STRING}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", object())  # Python 3.11+; a marker no item has before
_WORD_CHAR = re.compile(r"\w")

# The odd partners that IGNORECASE matches to ASCII letters (dotless ı, long ſ, the Kelvin sign) and to modern
# Cyrillic letters (the old-orthography forms U+1C80-U+1C87 of в, д, о, с, т, ъ, ѣ), and İ, which lower-cases to
# two characters: a text holding one never takes a shortcut that relies on lower-casing, so that the words of
# English and Russian entries count as simple (none of these is in modern text).
FOLD_RISK = re.compile(
    "[\u0130\u0131\u017f\u212a\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87]"
)
# Lower-case characters that IGNORECASE matches to other characters as well (ß and ẞ, σ and ς, ...), but those
# whose every such partner is a FOLD_RISK character. The table is private to the re module (3.11, 3.12); without
# it, no first word counts as simple and every list falls back to the full search: slower, same results.
try:
    from re._casefix import _EXTRA_CASES

    _MULTI_FOLD: frozenset[str] | None = frozenset(
        chr(c) for c, partners in _EXTRA_CASES.items() if not all(FOLD_RISK.match(chr(p)) for p in partners)
    )
except ImportError:  # pragma: no cover - a Python whose re module moved the table
    _MULTI_FOLD = None


def folds_simply(text: str) -> bool:
    """Whether ``text`` lower-cases one character to one, into none that IGNORECASE matches to other
    characters but those :data:`FOLD_RISK` keeps out of filtered texts."""
    low = text.lower()
    return _MULTI_FOLD is not None and len(low) == len(text) and all(c not in _MULTI_FOLD for c in low)


def simple_word(word: str) -> bool:
    """Letters and digits that lower-case one to one, none that IGNORECASE matches to odd partners."""
    return word.isalnum() and folds_simply(word)


def _whole_words(run: str, edge_before: bool, edge_after: bool) -> list[str]:
    """The words of a literal ``run`` that a match holds whole (edges: a word boundary before / after it)."""
    pieces = re.split(r"(\W+)", run)  # words at even positions, non-word runs at odd ones
    words = []
    for i in range(0, len(pieces), 2):
        word = pieces[i]
        whole_left = i > 0 or edge_before
        whole_right = i < len(pieces) - 1 or edge_after
        if word and whole_left and whole_right and simple_word(word):
            words.append(word.lower())
    return words


def _optional_letter(item: tuple | None) -> str:  # type: ignore[type-arg]
    """The word character ``item`` may add, if it is one at most (``s?``), else ""."""
    if item is None or item[0] not in _REPEATS:
        return ""
    lo, hi, body = item[1]
    body = list(body)
    if lo != 0 or hi != 1 or len(body) != 1 or body[0][0] != _c.LITERAL:
        return ""
    char = chr(body[0][1])
    return char if _WORD_CHAR.match(char) else ""


def _last_word_or_longer(run: str, edge_before: bool, letter: str) -> list[frozenset[str]]:
    """The last word of a literal ``run`` that ends in a word character, as it is or with ``letter`` added: one of
    the two is a whole word of every match, when the run's last word starts a word and a boundary follows."""
    pieces = re.split(r"(\W+)", run)
    word = pieces[-1]
    if not word or not (len(pieces) > 1 or edge_before) or not simple_word(word + letter):
        return []
    return [frozenset((word.lower(), (word + letter).lower()))]


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
    if op == _c.ASSERT_NOT:  # (?<!\S), (?!\w): no word character beside it (a lookbehind on the side before)
        body = list(av[1])
        return len(body) == 1 and body[0][0] == _c.IN and all(
            kind == _c.CATEGORY and arg in (_c.CATEGORY_NOT_SPACE, _c.CATEGORY_WORD) for kind, arg in body[0][1]
        )
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
                letter = _optional_letter(items[k] if k < len(items) else None)
                if letter and not edge(k) and edge(k + 1):  # "comments?": the last word is "comment" or "comments"
                    options.extend(_last_word_or_longer(text, run_edge, letter))
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
        elif op == _c.IN and av and all(kind == _c.LITERAL for kind, _ in av):  # one of a few characters: [yo]
            chars = [chr(arg) for _, arg in av]
            if not whole_words:
                sub = frozenset(chars)
            elif edge(k - 1) and edge(k + 1) and all(map(simple_word, chars)):  # a word of one letter: "y", "o"
                sub = frozenset(c.lower() for c in chars)
        if sub:
            options.append(sub)
    if not options:
        return None
    # The most selective requirement: the longest shortest needle, then the fewest needles.
    return max(options, key=lambda o: (min(map(len, o)), -len(o)))

