"""Phrase lists: data files of boilerplate phrases, one list per family and language.

A list lives in ``heuristics/data/<lang>/<list>.txt``. Each line is one entry:

* a plain phrase (``sign up for our newsletter``) matches case-insensitively
  at word boundaries, any run of spaces matching any run of spaces (one that
  ends with a colon after a word also with a space before the colon, as
  French prints it: ``mots-clés:`` matches "Mots-clés : ...");
* ``re:`` followed by a Python regular expression, for the few entries that
  need one (keep them linear: a repetition inside an unbounded repetition,
  which can take exponential time, is refused);
* ``#`` starts a comment line.

Users add entries with ``[phrases.<list>] add = [...]`` or ``files = [...]``
in their configuration. All configured languages are loaded together, since
pages often mix a local language with English widgets.

A :class:`PhraseList` answers every look-up as the alternation of all its
entries, longest first, would: :class:`PlainPhraseList` is that definition,
in a few lines; the list's :class:`~cleaner.phrase_index.PhraseIndex`
answers the same, faster (the tests compare the two).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cleaner.phrase_index import PhraseIndex, compile_entries, entry_pattern, longest_first
from cleaner.phrase_index import lines_holding as _lines_holding
from cleaner.regex_facts import backtracking_risk, required_needles, required_words

if TYPE_CHECKING:
    from cleaner.config import Config

T = TypeVar("T")

__all__ = [
    "PhraseBook", "PhraseList", "PlainPhraseList", "backtracking_risk", "lines_holding", "read_entries",
    "required_needles", "required_words",
]


def read_entries(lines: list[str]) -> list[str]:
    """The entries of a phrase file's lines (comments and blanks skipped)."""
    return [s for s in (ln.strip() for ln in lines) if s and not s.startswith("#")]


class PhraseList:
    """One compiled list: ``search`` anywhere, ``match`` at the start, ``fullmatch`` whole (trailing punctuation
    allowed), ``endswith``, and ``strip_all`` (every entry taken out); a bad ``re:`` entry is a ValueError here."""

    def __init__(self, name: str, entries: tuple[str, ...]) -> None:
        self.name = name
        self.entries = tuple(entries)
        self.index = PhraseIndex(name, self.entries)
        # The look-ups are the index's own methods (no call in between: rules make many).
        self.search = self.index.search
        self.match = self.index.match
        self.fullmatch = self.index.fullmatch
        self.endswith = self.index.endswith
        self.strip_all = self.index.strip_all

    @property
    def alternation(self) -> str:
        """Every entry as one regular expression (see :attr:`PhraseIndex.alternation`)."""
        return self.index.alternation

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __repr__(self) -> str:
        return f"PhraseList({self.name!r}, {len(self.entries)} entries)"


def lines_holding(lines: Sequence[T], *lists: PhraseList) -> list[T]:
    """The ``lines`` (anything with a ``text``) in which one of ``lists`` may find an entry, in order.

    For a rule whose every verdict on a line needs one of these lists to find
    an entry in that line's text: it need look at no other line, and most
    lines of a page hold none. One set look-up a line (what every look-up of
    the lists asks first, see :func:`cleaner.phrase_index.lists_in`), where
    the rule's own loop would make a call per list.
    """
    return _lines_holding(lines, [pl.index for pl in lists])


class PlainPhraseList:
    """The look-ups of a phrase list by their definition: its whole alternations, tried on every line.

    Plain phrases (keyed by a first word) and the other entries each form an
    alternation, longest first; a search takes the earlier of their matches,
    the plain phrases first where both start at the same place.
    """

    def __init__(self, name: str, entries: tuple[str, ...]) -> None:
        keyed = [e for e in entries if not e.startswith("re:") and re.match(r"\w", e.lower())]
        self.keyed = compile_entries(keyed, name)
        self.always = compile_entries([e for e in entries if e not in set(keyed)], name)
        alternation = "|".join(f"(?:{entry_pattern(e)})" for e in longest_first(entries)) or r"(?!x)x"
        self.whole = re.compile(alternation, re.IGNORECASE)
        self.end = re.compile(rf"(?:{alternation})[\s\W]*$", re.IGNORECASE)

    def search(self, text: str) -> re.Match[str] | None:
        keyed, found = self.keyed[0].search(text), self.always[0].search(text)
        return keyed if keyed and (found is None or keyed.start() < found.start()) else found

    def match(self, text: str) -> re.Match[str] | None:
        return self.keyed[0].match(text) or self.always[0].match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.keyed[1].fullmatch(text) or self.always[1].fullmatch(text)

    def endswith(self, text: str) -> re.Match[str] | None:
        return self.end.search(text)

    def strip_all(self, text: str) -> str:
        return self.whole.sub(" ", text)


@lru_cache(maxsize=16)
def _shipped_names(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The names of the lists shipped for any of ``languages``."""
    names: set[str] = set()
    for lang in languages:
        folder = resources.files("heuristics") / "data" / lang
        if folder.is_dir():
            names.update(f.name[: -len(".txt")] for f in folder.iterdir() if f.name.endswith(".txt"))
    return tuple(sorted(names))


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

    def compile_all(self) -> None:
        """Load every list a rule may ask for (each one shipped for a configured language, and each one the user
        added to) and compile now every pattern they compile on first use (see
        :meth:`~cleaner.phrase_index.PhraseIndex.compile_all`; about 0.1 s for the shipped lists).

        All of them, not only those asked for so far: a list the first documents never needed (the comment
        lists, asked for only when a line may open a thread) is otherwise loaded and compiled mid-run.
        """
        for name in sorted(set(_shipped_names(tuple(self.languages))) | set(self.extra)):
            self[name].index.compile_all()

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
