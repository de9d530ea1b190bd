#!/usr/bin/env python3
"""HTML benchmark: ``clean_html`` against ``trafilatura.extract`` on the same pages, in the same run.

Usage (from the repository root)::

    .venv/bin/python bench/html_bench.py [PAGES_DIR] [GOLD_JSON] [--repeat N] [--per-doc]

Defaults to the development benchmark in ``bench/data/aeb-dev``. Prints one
row per system: F1, precision, recall (the reference scorer, ``score.py``)
and documents per second (pages read into memory first; the systems run
page by page in turn, ``--repeat`` times, so they share the machine's load
and the figures compare extraction work only).

Rows:

* ``trafilatura.extract``: trafilatura with its defaults, as a user calls it;
* ``trafilatura (our settings)``: trafilatura with the ``[html]`` settings
  ``clean_html`` uses, to tell its choice of settings from the rest;
* ``clean_html (html only)``: our extraction with every text rule off;
* ``clean_html``: the full cleaner.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from score import score  # noqa: E402

import cleaner  # noqa: E402
from cleaner.config import Config  # noqa: E402
from cleaner.rules import all_rules  # noqa: E402

DEFAULT_PAGES = HERE / "data" / "aeb-dev" / "html"
DEFAULT_GOLD = HERE / "data" / "aeb-dev" / "ground-truth.json"


def load_pages(pages_dir: Path) -> dict[str, bytes]:
    """Every ``<id>.html`` or ``<id>.html.gz`` page of a folder, as bytes."""
    pages: dict[str, bytes] = {}
    for path in sorted(Path(pages_dir).iterdir()):
        if path.name.endswith(".html.gz"):
            pages[path.name[: -len(".html.gz")]] = gzip.decompress(path.read_bytes())
        elif path.name.endswith(".html"):
            pages[path.name[: -len(".html")]] = path.read_bytes()
    return pages


def load_gold(path: Path) -> dict[str, str]:
    """Ground truth ``{id: article body}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {k: (v.get("articleBody", "") if isinstance(v, dict) else v or "") for k, v in data.items()}


def _run_interleaved(
    systems: dict[str, Callable[[bytes], str]], pages: dict[str, bytes], repeat: int
) -> tuple[dict[str, dict[str, str]], dict[str, float]]:
    """Run every system on every page, page by page in turn, ``repeat`` times.

    Interleaving makes the systems share whatever else the machine is doing,
    and each call is timed in CPU time of this process, so their docs/s
    compare fairly even on a busy machine. Returns each system's outputs
    and its documents per CPU second (over all passes).
    """
    outputs: dict[str, dict[str, str]] = {name: {} for name in systems}
    spent = dict.fromkeys(systems, 0.0)
    for _ in range(repeat):
        for key, page in pages.items():
            for name, fn in systems.items():
                t0 = time.process_time()
                outputs[name][key] = fn(page)
                spent[name] += time.process_time() - t0
    speed = {name: repeat * len(pages) / t if t else float("inf") for name, t in spent.items()}
    return outputs, speed


def _systems() -> dict[str, Callable[[bytes], str]]:
    """The systems compared, by row name."""
    import trafilatura

    full = cleaner.Cleaner(Config.load())
    text_families = sorted({r.family for r in all_rules() if r.kind != "html"})
    html_only = cleaner.Cleaner(Config.load(disable=text_families))
    ours = full.config.section("html")
    settings = {k: ours[k] for k in ("favor_precision", "favor_recall", "include_tables", "include_comments", "fast")
                if k in ours}
    return {
        "trafilatura.extract": lambda page: trafilatura.extract(page) or "",
        "trafilatura (our settings)": lambda page: trafilatura.extract(page, **settings) or "",
        "clean_html (html only)": lambda page: html_only.clean_html(page).text,
        "clean_html": lambda page: full.clean_html(page).text,
    }


def run_html(pages_dir: Path | str = DEFAULT_PAGES, gold: dict[str, str] | Path | str = DEFAULT_GOLD,
             *, repeat: int = 2) -> dict[str, Any]:
    """Score ``clean_html`` and ``trafilatura.extract`` on the same pages in one run.

    Returns ``{row name: {"f1", "precision", "recall", "docs_per_s", "docs", "per_doc"}}``
    plus ``"speed_ratio"``: clean_html's docs/s over trafilatura.extract's.
    """
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    gold_map = gold if isinstance(gold, dict) else load_gold(Path(gold))
    pages = {k: v for k, v in load_pages(Path(pages_dir)).items() if k in gold_map}
    systems = _systems()
    first = next(iter(pages.values()))
    for fn in systems.values():
        fn(first)  # warm up (imports, caches)
    outputs, speed = _run_interleaved(systems, pages, repeat)
    rows: dict[str, Any] = {}
    for name in systems:
        res = score({k: gold_map[k] for k in pages}, outputs[name])
        figures = {k: res[k] for k in ("f1", "precision", "recall", "docs", "per_doc")}
        rows[name] = {**figures, "docs_per_s": speed[name]}
    rows["speed_ratio"] = rows["clean_html"]["docs_per_s"] / rows["trafilatura.extract"]["docs_per_s"]
    return rows


def main(argv: list[str]) -> int:
    """Print one row per system."""
    args = [a for a in argv if not a.startswith("--")]
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 2
    if "--repeat" in argv:
        args.remove(str(repeat))
    pages_dir = Path(args[0]) if args else DEFAULT_PAGES
    gold = Path(args[1]) if len(args) > 1 else DEFAULT_GOLD
    rows = run_html(pages_dir, gold, repeat=repeat)
    print(f"{'system':28s} {'F1':>6s} {'prec':>6s} {'recall':>6s} {'docs/s':>7s}")
    for name, row in rows.items():
        if isinstance(row, dict):
            print(f"{name:28s} {row['f1']:6.3f} {row['precision']:6.3f} {row['recall']:6.3f} {row['docs_per_s']:7.1f}")
    print(f"speed: clean_html runs at {rows['speed_ratio']:.2f}x trafilatura.extract's docs/s")
    if "--per-doc" in argv:
        ours, theirs = rows["clean_html"]["per_doc"], rows["trafilatura.extract"]["per_doc"]
        for k in sorted(ours, key=lambda k: ours[k][0] - theirs[k][0]):
            print(f"{k}\tours tp={ours[k][0]:.3f} fp={ours[k][1]:.3f} fn={ours[k][2]:.3f}"
                  f"\ttrafilatura tp={theirs[k][0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
