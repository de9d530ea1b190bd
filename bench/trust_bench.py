"""Worst-case speed: ``clean_text`` on adversarial documents, in MB/s.

Web text holds lines no article has: megabytes of one character, of
spaces, of punctuation, tens of thousands of tiny lines, long runs of
near-identical lines. A regular expression that backtracks, or a rule that
compares every line with every other, turns such a file into a stalled
run. Each case below builds a document of about ``size`` bytes; the rows
give the cleaning speed of each, worst first, next to the anchor (the
sample corpus, normal article text) measured in the same run::

    .venv/bin/python bench/trust_bench.py [SIZE_BYTES]

``tests/test_redos.py`` checks on the same cases that time grows linearly
with size.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

import cleaner  # noqa: E402

CORPUS = HERE.parent / "corpus"


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` characters."""
    return unit * max(1, size // len(unit))


def _numbered(template: str, size: int) -> str:
    """Lines from ``template`` (with ``{i}``), numbered, to about ``size`` characters."""
    lines: list[str] = []
    total = i = 0
    while total < size:
        line = template.format(i=i, w=_word(i))
        lines.append(line)
        total += len(line) + 1
        i += 1
    return "\n".join(lines)


def _word(i: int) -> str:
    """A distinct lower-case pseudo-word for each ``i``."""
    letters = "etaoinshrdlucmfwyp"
    out = ""
    i += 1
    while i:
        i, r = divmod(i, len(letters))
        out += letters[r]
    return out


# Each case: size in characters -> document. Long single lines, runs of one
# character class, many tiny lines, and near-duplicate lines.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "one letter": lambda n: _repeat("a", n),
    "spaces": lambda n: "a" + _repeat(" ", n) + "b",
    "tabs and nbsp": lambda n: "a" + _repeat("\t\u00a0 ", n) + "b",
    "dots": lambda n: _repeat(".", n),
    "copyright signs": lambda n: _repeat("\u00a9", n),
    "dash space": lambda n: _repeat("- ", n),
    "em dashes": lambda n: _repeat("\u2014", n),
    "slashes and pipes": lambda n: _repeat("/|", n),
    "colons and digits": lambda n: _repeat("1:", n),
    "brackets": lambda n: _repeat("([", n),
    "quotes": lambda n: _repeat("\"'\u201c", n),
    "at signs": lambda n: _repeat("@a.", n),
    "sentence ends": lambda n: _repeat("A. ", n),
    "one long sentence": lambda n: _repeat("word ", n) + ".",
    "capitalised words": lambda n: "By " + _repeat("Name ", n),
    "phrase then words": lambda n: "Related: " + _repeat("Read more ", n),
    "url-like": lambda n: "www." + _repeat("a.", n) + "com",
    "blank lines": lambda n: "a" + _repeat("\n", n) + "b",
    "tiny lines": lambda n: _repeat("a\n", n),
    "han characters": lambda n: _repeat("\u4e2d\u6587\u5b57", n),  # Chinese: no space, no punctuation
    "han sentences": lambda n: _repeat("\u4ed6\u8bf4\u8fd9\u662f\u597d\u4e8b\u3002", n),  # one line of them
    "tiny han lines": lambda n: _repeat("\u4e2d\n", n),
    "tiny punctuation lines": lambda n: _repeat(".\n", n),
    "tiny bullet lines": lambda n: _repeat("- \n", n),
    "tiny title lines": lambda n: _numbered("Menu {w}", n),
    "repeated line": lambda n: _repeat("The same line of prose repeats here again and again.\n", n),
    "near-duplicate lines": lambda n: _numbered("The minister said on Sunday that the {w} plan was final.", n),
    "shared 3-gram lines": lambda n: _numbered("Breaking news update {w} {i} and more words follow here now.", n),
    "long-word lines": lambda n: _repeat("a" * 1400 + "\n", n),
    "dotted-word lines": lambda n: _repeat("a." * 700 + "\n", n),
    "slash-word lines": lambda n: _repeat("a/" * 700 + "\n", n),
    "at-sign lines": lambda n: _repeat("a@" * 700 + "\n", n),
    "digit lines": lambda n: _repeat("1" * 1400 + "\n", n),
    "dash-word lines": lambda n: _repeat("a-" * 700 + "\n", n),
    "short-word lines": lambda n: _repeat("By " + "A " * 12 + "\n", n),
    "accented letters": lambda n: _repeat("\u00e9", n),
    "combining marks": lambda n: _repeat("e\u0301", n),
    "mojibake": lambda n: _repeat("\u00c3\u00a9", n),
}


def anchor_text() -> str:
    """Normal article text: the sample corpus, concatenated."""
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))


def time_clean(text: str, repeat: int = 3, cln: cleaner.Cleaner | None = None) -> float:
    """Median seconds of ``clean_text(text)`` over ``repeat`` runs."""
    cln = cln or cleaner.Cleaner()
    cln.clean_text("Warm up: load the phrase lists. Then time.")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cln.clean_text(text)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _mb_per_s(text: str, seconds: float) -> float:
    return len(text.encode("utf-8")) / 1e6 / max(seconds, 1e-9)


def run_worst_case(size: int = 250_000, repeat: int = 1) -> list[dict[str, object]]:
    """One row per adversarial case (worst first), then the anchor row.

    Each row: ``case``, ``bytes`` (UTF-8 size of the document), ``seconds``
    (median of ``repeat`` runs) and ``mb_per_s``.
    """
    cln = cleaner.Cleaner()
    rows: list[dict[str, object]] = []
    for name, make in ADVERSARIAL.items():
        text = make(size)
        secs = time_clean(text, repeat, cln)
        size_bytes = len(text.encode("utf-8"))
        rows.append({"case": name, "bytes": size_bytes, "seconds": secs, "mb_per_s": _mb_per_s(text, secs)})
    rows.sort(key=lambda r: r["mb_per_s"])  # type: ignore[arg-type, return-value]
    text = anchor_text()
    secs = time_clean(text, max(repeat, 3), cln)
    rows.append(
        {
            "case": "anchor: sample corpus",
            "bytes": len(text.encode("utf-8")),
            "seconds": secs,
            "mb_per_s": _mb_per_s(text, secs),
        }
    )
    return rows


def main(argv: list[str]) -> int:
    """Print the worst-case table."""
    size = int(argv[0]) if argv else 1_000_000
    rows = run_worst_case(size)
    print(f"{'adversarial case':<24} {'bytes':>10} {'seconds':>9} {'MB/s':>8}")
    for r in rows:
        print(f"{r['case']:<24} {r['bytes']:>10} {r['seconds']:>9.3f} {r['mb_per_s']:>8.2f}")
    worst = rows[0]
    print(f"worst case: {worst['mb_per_s']:.2f} MB/s ({worst['case']}); anchor {rows[-1]['mb_per_s']:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
