"""No regular expression, and no rule, takes super-linear time on adversarial text.

Python's ``re`` backtracks: ``\\S+@\\S+\\.\\w+`` searched in a long run of
``@.@.@.`` tries every split at every start, and a rule that compares every
line with every other turns many tiny lines into minutes. Three checks, each
timing size n and 4n and asserting that the time grows about 4x, not 16x.
Times are this process's CPU time (what other processes on a loaded machine
do does not count), the best of a few runs (a pause only ever adds time),
with a floor for times too small to measure:

* every module-level pattern of ``cleaner`` and ``heuristics`` (found by
  introspection, so new patterns are checked too), searched with
  ``findall`` in runs of single characters and short units;
* every method of every shipped phrase list on the same runs;
* the whole ``clean_text`` on the adversarial documents of
  ``bench/trust_bench.py``.

Also: phrase patterns that could take exponential time are refused.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import cleaner
import heuristics
from cleaner.phrases import PhraseList, backtracking_risk
from tests.conftest import best_time, load_bench

trust_bench = load_bench("trust_bench")

MAX_RATIO = 8.0  # 4x the size may take at most 8x the time (quadratic gives 16x)
FLOOR = 0.004  # seconds: below this at 4n, timings are noise and always pass
BUDGET = 1.0  # seconds: slower than this on a small input fails at once (no need to wait for 4n)
UNITS = ("a", "1", " a", ".", "a.", "@", "@.", "a@", "-", "- ", "/", "\u00a9", "(", "[a]", "'", ":", "1:",
         "\u2014", "A ", "\u00e9", "\t", "a\n", "www.", "<", "&", "|", "by A ", "follow ", "copyright ")
SMALL = 2_000


def grows_linearly(
    make: Callable[[int], object], run: Callable[[object], object], n: int, *, runs: int = 3,
    budget: float = BUDGET, again: bool = True,
) -> tuple[bool, str]:
    """Whether ``run(make(4n))`` takes at most MAX_RATIO times ``run(make(n))``; with the figures.

    A failure is measured once more at four times the size (unless not
    ``again``), where the times are larger than a scheduler's hiccup: a
    super-linear pattern fails both times, a noisy machine does not fail a
    linear one. ``budget``: seconds at size n past which the run fails at once.
    """
    ok, figures = _grows_linearly(make, run, n, runs, budget)
    if ok or not again:
        return ok, figures
    again_ok, figures_again = _grows_linearly(make, run, 4 * n, runs, budget * 4)
    return again_ok, f"{figures}; at 4x the size: {figures_again}"


def _grows_linearly(
    make: Callable[[int], object], run: Callable[[object], object], n: int, runs: int, budget: float
) -> tuple[bool, str]:
    """One measurement: sizes grow from n/16, and a run past the budget fails at once (no hanging)."""
    for size, share in ((n // 16, 16), (n // 4, 4)):
        t = best_time(lambda size=size: run(make(size)), runs=1)
        if t > budget / share * 2:
            return False, f"{t:.2f}s already at {size} characters"
    small, large = make(n), make(4 * n)
    t_small = best_time(lambda: run(small), runs)
    if t_small > budget:
        return False, f"{t_small:.2f}s already at {n} characters"
    t_large = best_time(lambda: run(large), runs)
    if t_large < FLOOR:
        return True, f"{t_large:.4f}s at 4n"
    ratio = t_large / max(t_small, FLOOR / 8)
    return ratio < MAX_RATIO, f"{t_small:.4f}s -> {t_large:.4f}s (x{ratio:.1f})"


def module_patterns() -> list[tuple[str, re.Pattern]]:  # type: ignore[type-arg]
    """Every compiled pattern at module level in cleaner.* and heuristics.*."""
    found: dict[int, tuple[str, re.Pattern]] = {}  # type: ignore[type-arg]
    for package in (cleaner, heuristics):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern) and id(value) not in found:
                    found[id(value)] = (f"{module.__name__}.{name}", value)
    return sorted(found.values(), key=lambda item: item[0])


def adversarial(unit: str, binary: bool) -> Callable[[int], object]:
    def make(n: int) -> object:
        text = unit * (n // len(unit))
        return text.encode("utf-8") if binary else text

    return make


PATTERNS = module_patterns()


def test_patterns_were_found() -> None:
    names = {name for name, _ in PATTERNS}
    assert "cleaner.document._SENTENCE_END" in names
    assert len(names) > 20


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_module_pattern_is_linear(name: str, pattern: re.Pattern) -> None:  # type: ignore[type-arg]
    binary = isinstance(pattern.pattern, bytes)
    for unit in UNITS:
        ok, figures = grows_linearly(adversarial(unit, binary), pattern.findall, SMALL)
        assert ok, f"{name} is super-linear on runs of {unit!r}: {figures}"


def test_ingredient_pattern_is_linear() -> None:
    """The pattern built from the ingredient_units lists (every configured language's) is linear too."""
    from heuristics._lines import ingredient_pattern

    units = cleaner.Cleaner().phrases_for("en")["ingredient_units"].alternation
    pattern = ingredient_pattern(units)
    for unit in (*UNITS, "1/", "1-1 ", "\u00bd ", "2 to 3 "):
        for method in (pattern.findall, pattern.match):
            ok, figures = grows_linearly(adversarial(unit, False), method, SMALL)
            assert ok, f"the ingredient pattern is super-linear on runs of {unit!r}: {figures}"


def phrase_lists() -> list[PhraseList]:
    """Every shipped phrase list, every configured language together (as the rules see them)."""
    book = cleaner.Cleaner().phrases_for("en")
    data = Path(heuristics.__file__).resolve().parent / "data"
    names = sorted({p.stem for p in data.glob("*/*.txt")})
    return [book[name] for name in names]


LISTS = phrase_lists()
METHODS = ("search", "match", "fullmatch", "endswith", "strip_all")


@pytest.mark.parametrize("phrases", LISTS, ids=[p.name for p in LISTS])
def test_phrase_list_is_linear(phrases: PhraseList) -> None:
    for method in METHODS:
        for unit in UNITS:
            ok, figures = grows_linearly(adversarial(unit, False), getattr(phrases, method), SMALL)
            assert ok, f"phrase list {phrases.name}: {method} is super-linear on runs of {unit!r}: {figures}"


CASES = sorted(trust_bench.ADVERSARIAL)


@pytest.fixture(scope="module")
def cln() -> cleaner.Cleaner:
    c = cleaner.Cleaner()
    c.clean_text("Warm up: load the phrase lists.")
    return c


@pytest.mark.parametrize("case", CASES)
def test_clean_text_is_linear(case: str, cln: cleaner.Cleaner) -> None:
    ok, figures = grows_linearly(trust_bench.ADVERSARIAL[case], cln.clean_text, 12_000)
    assert ok, f"clean_text on {case!r}: {figures}"


def test_full_page_with_a_hostile_token_is_linear(cln: cleaner.Cleaner) -> None:
    """The body detector only runs on text that looks like a whole page: give it one, with a long token."""
    menu = "\n".join(f"Menu item {i}" for i in range(40))

    def make(n: int) -> str:
        return f"{menu}\n\nLog in\n\nPrivacy policy\n\n" + "@." * (n // 2) + "\n\nSome body text here."

    ok, figures = grows_linearly(make, cln.clean_text, 4_000)
    assert ok, f"clean_text on a page with a long '@.' token: {figures}"


def test_many_sibling_paragraphs_are_linear(cln: cleaner.Cleaner) -> None:
    """A page of 40,000 sibling paragraphs: every line cache of the rules must hold a whole document (an LRU
    cache of 32,768 lines missed on every look-up past it, and the time grew tenfold for 4x the lines)."""

    def make(n: int) -> str:
        return "<html><body>" + "".join(f"<p>Paragraph {i} has some words in it.</p>" for i in range(n)) + \
            "</body></html>"

    ok, figures = grows_linearly(make, cln.clean_html, 10_000, runs=2, budget=10.0, again=False)
    assert ok, f"clean_html on sibling paragraphs: {figures}"


@pytest.mark.parametrize("where", ["text", "html"])
def test_combining_marks_are_linear(cln: cleaner.Cleaner, where: str) -> None:
    """One letter and tens of thousands of combining marks (normalisation reorders marks: linear here)."""

    def make(n: int) -> str:
        text = "Zalgo a" + "\u0301\u0316\u0489" * (n // 3) + " end of the line.\n\nA normal paragraph."
        return f"<html><body><p>{text}</p></body></html>" if where == "html" else text

    run = cln.clean_html if where == "html" else cln.clean_text
    ok, figures = grows_linearly(make, run, 12_000)
    assert ok, f"clean_{where} on combining marks: {figures}"


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"(?:\w+\s?)*$", r"(?:x*)*y", r"(?:(?:ab)+c?)+d"])
def test_exponential_phrase_patterns_are_refused(pattern: str) -> None:
    assert backtracking_risk(pattern)
    with pytest.raises(cleaner.ConfigError, match="exponential"):
        cleaner.Config.load(overrides={"phrases": {"newsletter": {"add": [f"re:{pattern}"]}}})


@pytest.mark.parametrize("pattern", [r"(?:\w+ ){0,3}newsletter", r"\b(?:jan(?:uary)?)\b", r"(?>a+)+b", r"a++b"])
def test_linear_phrase_patterns_are_accepted(pattern: str) -> None:
    assert backtracking_risk(pattern) is None
