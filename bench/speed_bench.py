#!/usr/bin/env python3
"""Speed benchmark: throughput of the cleaner side by side with trafilatura, in one run.

Usage (from the repository root)::

    .venv/bin/python bench/speed_bench.py [--quick]

Corpora are made of documents the cleaner has never seen, so the main rows
are **cold**: every page of ``bench/data/aeb-dev`` is cleaned once, in a
fresh process (``python -m bench`` runs each section in its own), after a
warm-up on three other pages (imports, compiled patterns) and, for the
cleaner, :meth:`cleaner.Cleaner.compile_patterns` (the phrase patterns it
would compile on first use, once per process). The systems take turns
every 8 documents and each is timed in CPU time of this process
(``time.process_time``), which the other work of this shared machine does
not inflate (much); ratios are taken within the run. Rows:

* ``trafilatura.extract``: documents per CPU second on the HTML pages
  (``html/*.html.gz``, decompressed in memory first), trafilatura's defaults;
* ``clean_text`` on the text trafilatura extracted from the same pages
  (``inputs/trafilatura.json``; acceptance: >= 10x) and on the pages' full
  visible text (``inputs/fulltext.json``; acceptance: >= 5x);
* ``clean_html`` on the same HTML pages (acceptance: >= 1.0x);
* **cold**: every page once, the cleaner's line caches emptied before each
  system's turn (the extracted text, the full text and the HTML of a page
  share their article lines: with the caches kept, the next system found
  them known);
* **warm**, a second, labelled row per system: the best of ``repeat`` more
  rounds over the same pages (the cleaner's per-line caches keep up to
  ``cleaner.text.KEEP_LINES`` lines from one document to the next, fewer
  than these pages hold: what is left of the old warm figures is the
  compiled patterns and the lines of the last pages);
* ``clean -j 1`` / ``clean -j 2``: the CLI, wall time as a user sees it
  (process start with the modules' bytecode compiled, as installed, see
  :func:`cli_environment`; corpus pass, cleaning, writing), on a JSONL of 2,000
  distinct documents made from the extracted texts (every line of document
  *n* starts with *n*: no line cache of one document serves another), best
  of ``cli_repeat`` runs taking turns; the ratio (acceptance: >= 1.8x); and,
  for reference, two ``clean -j 1`` started at once on the two halves of the
  file (what two cores of this machine give without any coordination);
* ``peak RSS``: the maximum resident memory (VmHWM) of a ``clean -j 1``
  process (reader, corpus pass, worker and writer in one) on N and 10N
  distinct documents (acceptance: flat).
"""

from __future__ import annotations

import gc
import gzip
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DATA = HERE / "data" / "aeb-dev"
TEXT_INPUT = "trafilatura"  # inputs/<name>.json: the text trafilatura extracted from the same pages
PAGE_INPUT = "fulltext"  # inputs/<name>.json: every visible line of the same pages
Row = dict[str, Any]


def load_pages() -> dict[str, bytes]:
    """The HTML pages of the development benchmark, ``{id: bytes}``."""
    paths = sorted((DATA / "html").glob("*.html.gz"))
    return {p.name[: -len(".html.gz")]: gzip.decompress(p.read_bytes()) for p in paths}


def load_texts(name: str = TEXT_INPUT) -> dict[str, str]:
    """The text input ``inputs/<name>.json``, ``{id: text}``."""
    data = json.loads((DATA / "inputs" / f"{name}.json").read_text(encoding="utf-8"))
    return {k: v if isinstance(v, str) else (v or {}).get("articleBody", "") or "" for k, v in data.items()}


def docs_per_second(
    systems: dict[str, tuple[Callable[[Any], Any], list[Any]]],
    repeat: int,
    chunk: int = 8,
    warm_up: int = 3,
    prepare: Callable[[], Any] | None = None,
    forget: Callable[[], Any] | None = None,
) -> tuple[dict[str, float], dict[str, float]]:
    """Documents per CPU second of each system, ``{name: (fn, items)}``: cold, and warm.

    Each system first cleans its first ``warm_up`` items (imports, compiled
    patterns); those are not counted. Then ``prepare()`` runs, if given (the
    cleaner compiles the phrase patterns it compiles on first use, once per
    process: on 105 documents that was a tenth of the cold time of extracted
    texts, on a corpus it is nothing). Then every other item is cleaned once
    (**cold**: no per-text cache holds any of its lines yet, as for a corpus
    of new documents), then ``repeat`` more rounds over the same items
    (**warm**: the best round). The systems take turns every ``chunk``
    documents (the same documents for each), so that a slow moment of this
    shared machine hits all of them alike while each still runs a few
    documents in a row, as in real use; the time counted is CPU time of
    this process (``time.process_time``). A system that raises gets NaN.
    In the cold round ``forget()``, if given, runs (untimed) before each
    system's turn: the systems clean texts of the same pages, and a cache
    the one before filled with their lines would make the next one warm.
    Before each turn the garbage collector runs too (untimed): its counts
    carry over from one system to the next, and the full collections that
    the garbage of the HTML systems brought near fell on whichever system
    came next (extracted texts after trafilatura: their cold figure moved
    by 10 % with the order of the systems, not with their code).
    """
    names = list(systems)
    n = min(len(items) for _, items in systems.values())
    failed: set[str] = set()
    for name in names:
        fn, items = systems[name]
        try:
            for item in items[:warm_up]:
                fn(item)
        except Exception as exc:  # e.g. a page the code under test cannot handle yet
            print(f"{name}: not measured ({exc.__class__.__name__}: {exc})", file=sys.stderr)
            failed.add(name)
    if prepare is not None:
        prepare()
    rounds: list[dict[str, float]] = []
    for round_ in range(1 + repeat):
        spent = dict.fromkeys(names, 0.0)
        for lo in range(warm_up, n, chunk):
            for name in names:
                if name in failed:
                    continue
                if round_ == 0 and forget is not None:
                    forget()
                gc.collect()  # the collector's counts at zero: the garbage of the system before is not charged here
                fn, items = systems[name]
                t0 = time.process_time()
                for item in items[lo : min(lo + chunk, n)]:
                    fn(item)
                spent[name] += time.process_time() - t0
        rounds.append(spent)

    def rate(name: str, spent: list[float]) -> float:
        return float("nan") if name in failed else (n - warm_up) / max(min(spent), 1e-9)

    cold = {name: rate(name, [rounds[0][name]]) for name in names}
    warm = {name: rate(name, [r[name] for r in rounds[1:]] or [rounds[0][name]]) for name in names}
    return cold, warm


def make_jsonl(path: Path, texts: list[str], n: int, *, distinct: bool = False) -> Path:
    """A JSONL file of ``n`` documents cycling through ``texts``, with ids and a source per document.

    ``distinct``: every line of document ``i`` starts with ``i``, so that no two documents share a line
    (a corpus of new documents: no per-line cache helps) while the corpus pass, which folds digits, still
    sees the texts' repeated lines as one.
    """
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = texts[i % len(texts)]
            if distinct:
                text = "\n".join(f"{i} {line}" if line else line for line in text.split("\n"))
            rec = {"id": f"doc{i}", "source": f"site{i % 7}.example", "text": text}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


# Runs the CLI and reports its peak resident memory (VmHWM: this process only, counted from its own exec).
_CLI = """
import atexit, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("peak-rss-kib:", line.split()[1], file=sys.stderr)
atexit.register(_peak)
from cleaner.cli import main
sys.argv[0] = "clean"
main()
"""


def run_cli(src: Path, out: Path, jobs: int, docs: int) -> tuple[float, int]:
    """Run ``clean SRC -o OUT -j JOBS`` in a fresh process; its wall seconds and peak RSS (KiB).

    Raises when the run did not clean all ``docs`` documents (a timing of failures means nothing).
    """
    seconds, peaks = run_clis([(src, out, jobs, docs)])
    return seconds, peaks[0]


def cli_environment() -> dict[str, str]:
    """The environment of the timed command lines: this one, but Python may write bytecode.

    An installed package has its modules compiled (pip does it on install); a
    checkout installed in place (``make install``) gets them compiled by its
    first run, unless ``PYTHONDONTWRITEBYTECODE`` is set, as on some shared
    machines: every process start then compiles the cleaner's modules again
    (0.06 s of each run here), which no user of an installed package pays.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_clis(runs: list[tuple[Path, Path, int, int]]) -> tuple[float, list[int]]:
    """Run ``clean SRC -o OUT -j JOBS`` for every ``(src, out, jobs, docs)`` at once, each in a fresh process.

    Returns the wall seconds until the last one is done, and each one's peak RSS (KiB).
    """
    t0 = time.perf_counter()
    env = cli_environment()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CLI, str(src), "-o", str(out), "-j", str(jobs), "--no-progress"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        )
        for src, out, jobs, _ in runs
    ]
    errors = [proc.communicate()[1] for proc in procs]
    seconds = time.perf_counter() - t0
    peaks = []
    for proc, stderr, (_, _, _, docs) in zip(procs, errors, runs, strict=True):
        if proc.returncode != 0 or f"cleaned {docs:,} documents" not in stderr:
            raise RuntimeError(f"clean failed ({proc.returncode}): {stderr[-2000:]}")
        peak = [int(line.split()[1]) for line in stderr.splitlines() if line.startswith("peak-rss-kib:")]
        peaks.append(peak[-1] if peak else 0)
    return seconds, peaks


def best_times(runs: list[Callable[[int], float]], repeat: int) -> list[float]:
    """The best wall time of each run over ``repeat`` rounds that take them in turn (``run(i)``: round ``i``)."""
    best = [float("inf")] * len(runs)
    for i in range(repeat):
        for k, run in enumerate(runs):
            best[k] = min(best[k], run(i))
    return best


def split_jsonl(src: Path) -> tuple[Path, Path]:
    """The first and the second half of a JSONL file's lines, as two files next to it."""
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    halves = (src.with_name("half-a.jsonl"), src.with_name("half-b.jsonl"))
    halves[0].write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    halves[1].write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    return halves


def run_speed(*, repeat: int = 3, cli_docs: int = 2000, cli_repeat: int = 3, mem_docs: int = 500) -> list[Row]:
    """Measure every row in one run; returns ``[{"row", "value", "unit", "ratio", "note"}]``."""
    import trafilatura

    import cleaner
    from cleaner.text import forget_lines

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    pages = load_pages()
    texts = load_texts()
    ids = [k for k in pages if k in texts]
    html = [pages[k] for k in ids]
    text = [texts[k] for k in ids]
    rows: list[Row] = []

    full = load_texts(PAGE_INPUT)
    pages_text = [full.get(k, "") for k in ids]
    cln = cleaner.Cleaner()
    cold, warm = docs_per_second(
        {
            "traf": (lambda page: trafilatura.extract(page), html),
            "text": (lambda t: cln.clean_text(t), text),
            "page": (lambda t: cln.clean_text(t), pages_text),
            "html": (lambda page: cln.clean_html(page), html),
        },
        repeat,
        prepare=cln.compile_patterns,
        forget=forget_lines,
    )
    labels = {
        "traf": ("trafilatura.extract (HTML)", f"{len(html) - 3} pages, each once"),
        "text": (f"clean_text ({TEXT_INPUT}.json text)", "target >= 10x"),
        "page": (f"clean_text ({PAGE_INPUT}.json text)", "target >= 5x"),
        "html": ("clean_html (HTML)", "target >= 1.0x"),
    }
    for name, (label, note) in labels.items():
        ok = cold[name] == cold[name]
        rows.append({"row": f"cold: {label}", "value": cold[name], "unit": "docs/s",
                     "ratio": cold[name] / cold["traf"], "note": note if ok else "not measured (see stderr)"})
    for name, (label, _) in labels.items():
        rows.append({"row": f"  warm: {label}", "value": warm[name], "unit": "docs/s",
                     "ratio": warm[name] / warm["traf"], "note": f"best of {repeat} more rounds, same pages"})

    with tempfile.TemporaryDirectory(prefix="speed-bench-") as tmp:
        tmpdir = Path(tmp)
        # Distinct documents: each process caches nothing another document reuses, as in a corpus of new
        # documents (the same texts repeated would favour -j 1, whose one process sees every copy).
        src = make_jsonl(tmpdir / "docs.jsonl", text, cli_docs, distinct=True)
        half_a, half_b = split_jsonl(src)
        run_cli(make_jsonl(tmpdir / "one.jsonl", text, 2), tmpdir / "out-0", 1, 2)  # untimed: writes the bytecode
        halves = [(half_a, tmpdir / "out-a", 1, cli_docs // 2), (half_b, tmpdir / "out-b", 1, cli_docs - cli_docs // 2)]
        j1, j2, pair = best_times(
            [
                lambda i: run_cli(src, tmpdir / f"out1-{i}", 1, cli_docs)[0],
                lambda i: run_cli(src, tmpdir / f"out2-{i}", 2, cli_docs)[0],
                lambda i: run_clis(halves)[0],
            ],
            cli_repeat,
        )
        rows.append({"row": f"clean -j 1 ({cli_docs} distinct docs)", "value": cli_docs / j1, "unit": "docs/s",
                     "ratio": 1.0, "note": f"{j1:.1f}s wall; every line new"})
        rows.append({"row": f"clean -j 2 ({cli_docs} distinct docs)", "value": cli_docs / j2, "unit": "docs/s",
                     "ratio": j1 / j2, "note": f"{j2:.1f}s wall; target >= 1.8x"})
        rows.append({"row": "  reference: 2 x clean -j 1 on halves at once", "value": cli_docs / pair, "unit": "docs/s",
                     "ratio": j1 / pair, "note": f"{pair:.1f}s wall; two independent runs"})
        small = make_jsonl(tmpdir / "small.jsonl", text, mem_docs, distinct=True)
        big = make_jsonl(tmpdir / "big.jsonl", text, 10 * mem_docs, distinct=True)
        _, rss_n = run_cli(small, tmpdir / "outs", 1, mem_docs)
        _, rss_10n = run_cli(big, tmpdir / "outb", 1, 10 * mem_docs)
        rows.append({"row": f"peak RSS clean -j 1, N={mem_docs}", "value": rss_n / 1024, "unit": "MiB",
                     "ratio": 1.0, "note": f"{small.stat().st_size / 1e6:.0f} MB input"})
        rows.append({"row": f"peak RSS clean -j 1, 10N={10 * mem_docs}", "value": rss_10n / 1024, "unit": "MiB",
                     "ratio": rss_10n / rss_n, "note": f"{big.stat().st_size / 1e6:.0f} MB input; target flat"})
    return rows


def print_rows(rows: list[Row]) -> None:
    """Print the rows as a table."""
    print(f"{'speed':48s} {'value':>10s} {'unit':7s} {'ratio':>7s}  note")
    for r in rows:
        print(f"{r['row']:48s} {r['value']:10.1f} {r['unit']:7s} {r['ratio']:6.2f}x  {r['note']}")


def main(argv: list[str]) -> int:
    """Run the speed benchmark and print it (``--quick``: fewer documents, one timed pass)."""
    quick = "--quick" in argv
    rows = run_speed(repeat=1 if quick else 3, cli_docs=400 if quick else 2000, cli_repeat=1 if quick else 3,
                     mem_docs=100 if quick else 500)
    print_rows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
