#!/usr/bin/env python3
"""HTML benchmark: ``clean_html`` against trafilatura and readability-lxml on every dev dataset, in one run.

Usage (from the repository root)::

    .venv/bin/python -m bench html
    .venv/bin/python bench/html_bench.py [--datasets aeb-dev,dragnet-dev] [--repeat N] [--per-doc]

The datasets are those of ``bench/devdata.py``: aeb-dev always,
cleaneval-dev and dragnet-dev when web-dev is present (``../shared/bench/web-dev``
or ``BENCH_DATA``). Per dataset, one row per system: F1, precision, recall
(the reference scorer, ``score.py``) and documents per CPU second. The pages
are read into memory first; the systems run page by page in turn, so they
share the machine's load, and each call is timed in this process's CPU time.

Rows:

* ``trafilatura.extract``: trafilatura with its defaults, as a user calls it;
* ``readability-lxml``: ``Document(page).summary()``, its HTML turned into
  text block by block (as the cleaner reads a page, no rule run on it);
* ``clean_html (trafilatura only)``: the cleaner with ``[html] decision =
  "trafilatura"`` (the former decision: what trafilatura keeps);
* ``clean_html``: the full cleaner, its main-content model **cross-validated
  by site**: each page is cleaned with the model of the fold that did not
  see its site (the fold models are in the weights file, fitted by
  ``python -m train.main_content`` on the other folds' pages);
* ``clean_html (model without the dataset)``: the same, each page cleaned
  with the model fitted on the other datasets only (also in the weights
  file): how the cleaner does on a collection it never saw, whose gold
  bodies follow their own conventions. Not printed with a single dataset.

Then the margin of ``clean_html`` over the better anchor on each dataset,
the worst dataset, and the speed of ``clean_html`` against
``trafilatura.extract`` over all pages. Last, the removal precision of each
rule of ``clean_html`` (cross-validated row), html and text rules alike, by
dataset: the share of the word characters it removed from the page text that
are not in the gold body (a copy removed while another stays counts as
right, ``loss.py``), raw and with the removals of a family the dataset's gold
keeps set aside (``policy.toml``): the figure that says which rule of the
HTML path loses article text.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import devdata  # noqa: E402
from loss import Tally, by_rule, merged, removal_loss  # noqa: E402
from policy import Policy, Split  # noqa: E402
from score import score  # noqa: E402

import cleaner  # noqa: E402
from cleaner.config import Config  # noqa: E402
from cleaner.html.main_content import MODEL  # noqa: E402

ANCHORS = ("trafilatura.extract", "readability-lxml")
OURS = "clean_html"
UNSEEN = "clean_html (model without the dataset)"
TARGET_MARGIN = 0.01  # clean_html's F1 over the better anchor on every dataset (issue 13)

Extract = Callable[[bytes], str]
# A page, its fold and its dataset -> the text kept (or the cleaner's Result, whose removals are then judged)
System = Callable[[bytes, int, str], "str | cleaner.Result"]


def readability_text(page: bytes) -> str:
    """readability-lxml's article as text: its HTML split into visible blocks, one a paragraph."""
    from readability import Document

    from cleaner.html.blocks import visible_blocks
    from cleaner.html.parsing import page_text, parse

    tree = parse(page_text(Document(page).summary(html_partial=True).encode("utf-8"), None)[0])
    return "" if tree is None else visible_blocks(tree, {})[0]


def held_out_cleaners(model: Path, workdir: Path, part: str) -> dict[str, cleaner.Cleaner]:
    """A cleaner per entry of ``model``'s ``part`` (``folds``: fitted without a fold's sites; ``datasets``:
    without a dataset), each with that entry's trees."""
    data = json.loads(model.read_text(encoding="utf-8"))
    out = {}
    for key, fitted in data.get(part, {}).items():
        path = workdir / f"{part}-{key}.json"
        path.write_text(json.dumps({**data, **fitted, "folds": {}, "datasets": {}}), encoding="utf-8")
        out[key] = cleaner.Cleaner(Config.load(overrides={"html": {"model": str(path)}}))
    return out


def systems(folds: dict[str, cleaner.Cleaner], unseen: dict[str, cleaner.Cleaner],
            datasets: list[str]) -> dict[str, System]:
    """The systems compared, by row name (the row without the dataset only with several ``datasets``)."""
    import trafilatura

    former = cleaner.Cleaner(Config.load(overrides={"html": {"decision": "trafilatura"}}))
    if not folds:
        raise SystemExit(f"{MODEL}: no fold models (retrain with python -m train.main_content)")
    out: dict[str, System] = {
        "trafilatura.extract": lambda page, _, __: trafilatura.extract(page) or "",
        "readability-lxml": lambda page, _, __: readability_text(page),
        "clean_html (trafilatura only)": lambda page, _, __: former.clean_html(page).text,
        OURS: lambda page, fold, _: folds[str(fold)].clean_html(page),
    }
    if len(datasets) > 1 and set(datasets) <= set(unseen):
        out[UNSEEN] = lambda page, _, name: unseen[name].clean_html(page).text
    return out


def run_dataset(dataset: devdata.Dataset, compared: dict[str, System], repeat: int = 1) -> dict[str, Any]:
    """Every system on every page of ``dataset``, page by page in turn: ``{row: figures}`` with CPU seconds."""
    pages = {k: (dataset.html(k), dataset.fold(k)) for k in dataset.ids}
    outputs: dict[str, dict[str, str]] = {name: {} for name in compared}
    results: dict[str, dict[str, cleaner.Result]] = {name: {} for name in compared}
    spent = dict.fromkeys(compared, 0.0)
    for _ in range(repeat):
        for key, (page, fold) in pages.items():
            for name, fn in compared.items():
                t0 = time.process_time()
                out = fn(page, fold, dataset.name)
                spent[name] += time.process_time() - t0
                if isinstance(out, cleaner.Result):
                    results[name][key], out = out, out.text
                outputs[name][key] = out
    rows: dict[str, Any] = {}
    for name in compared:
        res = score(dataset.gold, outputs[name])
        rows[name] = {**{k: res[k] for k in ("f1", "precision", "recall", "per_doc")},
                      "seconds": spent[name] / repeat, "docs": len(pages)}
        if results[name]:
            rows[name]["rules"] = rule_tallies(results[name], dataset.gold)
    return rows


def rule_tallies(results: dict[str, cleaner.Result], gold: dict[str, str]) -> dict[str, Tally]:
    """Every rule's removals over the pages (``{id: Result}``): characters removed and article text lost."""
    return merged(by_rule(removal_loss(r.normalized, r.removals, r.text, gold[key])) for key, r in results.items())


def run_html(names: list[str] | None = None, *, repeat: int = 1) -> dict[str, dict[str, Any]]:
    """``{dataset: {row: {"f1", "precision", "recall", "per_doc", "seconds", "docs"}}}`` for the datasets present."""
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        sets = devdata.load(names)
        compared = systems(held_out_cleaners(MODEL, Path(tmp), "folds"),
                           held_out_cleaners(MODEL, Path(tmp), "datasets"), [d.name for d in sets])
        first = sets[0].html(sets[0].ids[0])
        for fn in compared.values():
            fn(first, 0, sets[0].name)  # warm up (imports, caches)
        return {d.name: run_dataset(d, compared, repeat) for d in sets}


def summary(results: dict[str, dict[str, Any]]) -> list[str]:
    """The margins over the better anchor, the worst dataset and the speed against trafilatura."""
    lines = []
    margins = {}
    for name, rows in results.items():
        best = max(ANCHORS, key=lambda a: rows[a]["f1"])
        margins[name] = rows[OURS]["f1"] - rows[best]["f1"]
        met = "met" if margins[name] >= TARGET_MARGIN - 1e-9 else "NOT met"
        lines.append(f"{name}: clean_html {rows[OURS]['f1']:.3f} vs {best} {rows[best]['f1']:.3f}: "
                     f"{margins[name]:+.3f} (target +{TARGET_MARGIN:.2f}: {met})")
    worst = min(margins, key=margins.__getitem__)
    lines.append(f"worst dataset: {worst} ({margins[worst]:+.3f} over the better anchor)")
    unseen = {name: rows[UNSEEN]["f1"] - max(rows[a]["f1"] for a in ANCHORS)
              for name, rows in results.items() if UNSEEN in rows}
    if unseen:
        lines.append("with the model that never saw the dataset: " + ", ".join(
            f"{name} {margin:+.3f}" for name, margin in unseen.items()) + " over the better anchor")
    ours = sum(rows[OURS]["seconds"] for rows in results.values())
    theirs = sum(rows["trafilatura.extract"]["seconds"] for rows in results.values())
    docs = sum(rows[OURS]["docs"] for rows in results.values())
    lines.append(f"speed: clean_html {docs / ours:.1f} docs/s, {theirs / ours:.2f}x trafilatura.extract's "
                 f"(CPU time, {docs} pages, target 0.8x)")
    return lines


def rule_table(results: dict[str, dict[str, Any]]) -> list[str]:
    """The removal precision of every rule of ``clean_html`` (cross-validated) by dataset: raw / on article
    text (the removals of a family the dataset's gold keeps set aside), with the characters removed."""
    policy = Policy.load()
    tallies = {name: rows[OURS].get("rules", {}) for name, rows in results.items()}
    rules = sorted({r for t in tallies.values() for r in t}, key=lambda r: -sum(t[r].chars for t in tallies.values()
                                                                              if r in t))
    lines = ["removal precision of clean_html's rules (cross-validated row): share of the removed word characters "
             "not in the gold body, raw / on article text (policy disagreements set aside; thousands of "
             "characters removed)", f"{'rule':<24}" + "".join(f" {name:>22}" for name in tallies)]
    for rule in rules:
        cells = []
        for name, t in tallies.items():
            if rule not in t or not t[rule].chars:
                cells.append("-")
                continue
            split = Split()
            split.add(t[rule].chars, t[rule].lost, policy.disagrees(name, rule))
            cells.append(f"{split.raw_precision:.2f} / {split.article_precision:.2f} ({t[rule].chars / 1e3:.1f}k)")
        lines.append(f"{rule:<24}" + "".join(f" {c:>22}" for c in cells))
    return lines


def main(argv: list[str]) -> int:
    """Print the table of every dataset present, then the summary."""
    names = argv[argv.index("--datasets") + 1].split(",") if "--datasets" in argv else None
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
    print(devdata.availability_note())
    print("clean_html is cross-validated by site: each page cleaned by the model of the fold without its site")
    results = run_html(names, repeat=repeat)
    print(f"{'dataset':14s} {'system':30s} {'F1':>6s} {'prec':>6s} {'recall':>6s} {'docs/s':>7s}")
    for name, rows in results.items():
        for system, row in rows.items():
            print(f"{name:14s} {system:30s} {row['f1']:6.3f} {row['precision']:6.3f} {row['recall']:6.3f} "
                  f"{row['docs'] / row['seconds']:7.1f}")
    for line in summary(results):
        print(line)
    for line in rule_table(results):
        print(line)
    if "--per-doc" in argv:
        for name, rows in results.items():
            ours, best = rows[OURS]["per_doc"], rows["readability-lxml"]["per_doc"]
            for k in sorted(ours, key=lambda k: ours[k][0] - best[k][0])[:20]:
                print(f"{name}\t{k}\tclean_html tp={ours[k][0]:.3f} fp={ours[k][1]:.3f} fn={ours[k][2]:.3f}"
                      f"\treadability-lxml tp={best[k][0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
