"""Train the main-content model (``cleaner/html/main_content.json``) on the labelled development pages.

    .venv/bin/python -m train.main_content [--out FILE] [--workers N] [--examples FILE]

It needs the benchmark's datasets (``bench/devdata.py``: aeb-dev, and
web-dev when present; the shipped weights were fitted on all three) and
scikit-learn (the ``bench`` extra). ``--examples FILE`` keeps the examples
(the features of every block, the slow part) in FILE, and reads them from
there on the next run: for experiments on the model; delete it when the
features change.

Every visible block of every page is an example: its features as the
cleaner computes them (:func:`cleaner.html.views`, then
:func:`cleaner.html.features.block_features`), labelled article text when
most of its words are in the page's gold body (the gold's words aligned onto
the page's words in order, :func:`cleaner.html.alignment.align`). Only the
blocks the decision weighs are examples (:meth:`PageFeatures.candidates`:
kept by a view, or amid blocks a view keeps); the others are removed without
the model, and blocks without a word follow their neighbours.

Each block weighs its share of its page's words, so that every page counts
alike (the scorer averages over pages), and every dataset weighs the same in
total (aeb-dev's 111 news pages as much as dragnet-dev's 992), so that the
model serves news pages and the others alike. The model is a hundred
depth-3 trees of gradient boosting on the logistic loss (scikit-learn's
histogram boosting, exported as plain lists: :mod:`cleaner.html.trees`
reads them). A block both views keep stays whatever its score (``[html]
keep_consensus``): the model decides where they disagree.

Two kinds of held-out figures are printed (and, for the threshold, the
figures of ``clean_html`` at each one). **By site**: each page judged by
a model fitted on the folds (sites) it is not in. **Without the dataset**:
each page judged by a model fitted on the other datasets only. The second
is the one that tells how the model does on pages from a collection it never
saw, whose gold bodies follow other conventions (CleanEval keeps lists and
reader comments, Dragnet does not): a model fitted on news pages learnt that
text far below the title is comments, and removed most of a long report
that both views kept. The threshold (one number for all pages) is chosen
for what the project promises, beating the best extractor on every dataset:
the one under which the dataset with the smallest margin over the better of
trafilatura's and readability-lxml's outputs (as the datasets ship them) has
the largest, each dataset's pages cleaned by ``clean_html`` with the model
that never saw it. It is chosen on the cleaner's output, not on the main
content alone: the html and text rules take out much of what a low
threshold lets through on a news page (bylines, related links), but nothing
brings back a block the model removed (shipped at 0.30 on the main content
alone, the worst dataset, cleaneval-dev, trailed readability-lxml by 0.017
in ``make bench``). This cleans every page once per threshold of
:data:`THRESHOLDS` (about two minutes on two cores).

The cascade's first model (``first`` in the file, ``[html] cascade``) is
fitted the same way on the same pages, with trafilatura's view left out (its
shares zero: the blocks and features the first model sees when trafilatura
is not asked), and used with the same threshold. How unsure of a page it may
be and still decide it (``max_unsure``: the share of the words it keeps that
blocks it scores within :data:`UNSURE` hold) is chosen like the threshold,
on ``clean_html``'s output with the models that never saw each dataset: the
largest of :data:`MAX_UNSURE` under which no dataset's F1 trails asking
trafilatura on every page by more than :data:`TOLERANCE` (seven more
cleanings of every page).

The shipped weights are then fitted on all the pages; the file records what
they were trained on and both figures, and beside them the model of each
fold (``folds``) and of each dataset left out (``datasets``): the benchmark
(``bench/html_bench.py``) cleans each page with the model of its fold, and
again with the model that never saw its dataset.
"""

from __future__ import annotations

import contextlib
import importlib.util
import pickle
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import cleaner
from cleaner.html import views
from cleaner.html.alignment import align, tokens
from cleaner.html.features import FEATURES, PageFeatures
from cleaner.html.main_content import MODEL, STEP, keep_wordless_inside, unsure_share, without_trafilatura
from train import digest, trees
from train.digest import DIGEST_DATASET
from train.trees import TreeFit, write

ROOT = Path(__file__).resolve().parent.parent


def _bench(name: str) -> ModuleType:
    """A module of ``bench/`` loaded from its file: ``bench/`` is not put on ``sys.path``, where its
    ``datasets.py`` would shadow the Hugging Face package of that name."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return module


devdata = _bench("devdata")
score = _bench("score").score

# The trees: few and shallow, so that inference stays a few microseconds a block in pure Python; no early
# stopping (no random validation split): the same pages give the same weights on every run.
BOOSTING = {"max_iter": 100, "max_depth": 3, "learning_rate": 0.15, "early_stopping": False, "random_state": 0}
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.51, 0.05))  # judged on clean_html's output
# With one dataset (no model fitted without it): judged on the main content of the fold models, the grid of before.
MAIN_CONTENT_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.3, 0.71, 0.05))
OUTPUT_CHUNK = 100  # pages cleaned per task when the threshold is chosen on clean_html's output
# The cascade's first model (readability's view alone): a block it scores in UNSURE is one it is unsure of; a page
# is left to it when such blocks hold at most max_unsure of the words it keeps, the largest of MAX_UNSURE under
# which no dataset's clean_html F1 trails the model with trafilatura's view on every page by more than TOLERANCE
# (each dataset cleaned by the models that never saw it).
UNSURE = (0.03, 0.9)
MAX_UNSURE = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
TOLERANCE = 0.002


@dataclass
class PageExample:
    """One page as the main-content model sees it: a row of features and a gold share per block."""

    dataset: str
    doc_id: str
    fold: int
    rows: np.ndarray  # blocks x FEATURES
    candidate: np.ndarray  # the blocks the model weighs (the others are removed without it)
    gold_share: np.ndarray  # the share of each block's words that are in the gold body
    words: np.ndarray  # each block's word count
    texts: list[str]  # each block's text
    first_rows: np.ndarray  # blocks x FEATURES, trafilatura's view left out (the cascade's first model)
    first_candidate: np.ndarray  # the blocks the first model weighs


_CLEANER: cleaner.Cleaner | None = None


def page_example(item: tuple[str, str, int, bytes, str]) -> PageExample:
    """The features and labels of one page (run in a worker process)."""
    global _CLEANER
    if _CLEANER is None:
        _CLEANER = cleaner.Cleaner(cleaner.Config.load())
    dataset, doc_id, fold, html, gold = item
    blocks, page_views = views(html, cleaner=_CLEANER)
    rows: list[list[float]] = []
    first_rows: list[list[float]] = []
    candidate = np.zeros(len(blocks), dtype=bool)
    first_candidate = np.zeros(len(blocks), dtype=bool)
    if page_views is not None:
        first = PageFeatures(blocks, without_trafilatura(page_views))
        first_rows = [first.row(n) for n in range(len(blocks))]
        first_candidate[first.candidates()] = True
        features = first.with_trafilatura(page_views)  # as the cleaner builds them after its first model
        rows = [features.row(n) for n in range(len(blocks))]
        candidate[features.candidates()] = True
    page: list[str] = []
    for block in blocks:
        page.extend(block.tokens)
    matched = align(page, tokens(gold))
    shares, at = [], 0
    for block in blocks:
        n = len(block.tokens)
        shares.append(matched.count(1, at, at + n) / n if n else 0.0)
        at += n
    shape = (len(blocks), len(FEATURES))
    return PageExample(dataset, doc_id, fold, np.array(rows, dtype=float).reshape(shape), candidate,
                       np.array(shares), np.array([len(b.tokens) for b in blocks]), [b.text for b in blocks],
                       np.array(first_rows, dtype=float).reshape(shape), first_candidate)


def first_pages(pages: Sequence[PageExample]) -> list[PageExample]:
    """The pages as the cascade's first model sees them (trafilatura's view left out)."""
    return [replace(p, rows=p.first_rows, candidate=p.first_candidate) for p in pages]


def examples(dsets: Sequence[devdata.Dataset], workers: int = 2) -> list[PageExample]:
    """Every page of ``dsets`` as an example."""
    items = [(d.name, k, d.fold(k), d.html(k), d.gold[k]) for d in dsets for k in d.ids]
    if workers <= 1:
        return [page_example(item) for item in items]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(page_example, items, chunksize=8))


def examples_digest(pages: Sequence[PageExample]) -> str:
    """The digest (:func:`train.digest.examples_digest`) of the examples of :data:`DIGEST_DATASET`: both models'
    feature rows and the gold shares to 6 decimals, the words (a model fitted on other features than the cleaner
    computes scores blocks it was not trained on)."""
    mine = sorted((p for p in pages if p.dataset == DIGEST_DATASET), key=lambda p: p.doc_id)
    return digest.examples_digest(((p.doc_id, (p.rows, p.first_rows, p.gold_share, p.words.astype(np.int64)))
                                   for p in mine), decimals=6)


def _weights(pages: Sequence[PageExample]) -> np.ndarray:
    """Each block's share of its page's words, every dataset weighing the same in total."""
    per_dataset: dict[str, int] = {}
    for p in pages:
        per_dataset[p.dataset] = per_dataset.get(p.dataset, 0) + 1
    scale = {name: len(pages) / (len(per_dataset) * n) for name, n in per_dataset.items()}
    return np.concatenate([p.words / max(1, p.words.sum()) * scale[p.dataset] for p in pages])


def fit_trees(X: np.ndarray, y: np.ndarray, weight: np.ndarray) -> TreeFit:
    """Gradient-boosted trees on the logistic loss over :data:`FEATURES` (see :mod:`train.trees`)."""
    return trees.fit_trees(X, y, weight, FEATURES, BOOSTING)


def fit_pages(pages: Sequence[PageExample]) -> TreeFit:
    """The model fitted on the blocks of ``pages`` that the decision weighs."""
    X = np.vstack([p.rows for p in pages])
    y = np.concatenate([p.gold_share for p in pages]) >= 0.5
    w = _weights(pages)
    weighed = np.concatenate([p.candidate for p in pages])
    return fit_trees(X[weighed], y[weighed], w[weighed] * 1000)


ANCHORS = ("trafilatura", "readability")  # the extractors whose outputs the datasets ship (inputs/<kind>.json)


def anchor_f1(dsets: Sequence[Any]) -> dict[str, float]:
    """By dataset, the F1 of the better anchor: trafilatura's or readability-lxml's output as the dataset ships it."""
    return {d.name: max(score(d.gold, d.inputs(kind))["f1"] for kind in ANCHORS) for d in dsets}


def worst_margin(figs: dict[str, dict[str, float]], anchors: dict[str, float]) -> float:
    """The smallest margin of F1 over the better anchor (``anchors``: F1 by dataset) among the datasets of ``figs``
    (figures by dataset)."""
    return min(f["f1"] - anchors[name] for name, f in figs.items())


def best_threshold(pages: Sequence[PageExample], probs: Sequence[np.ndarray], gold: dict[str, str],
                   anchors: dict[str, float]) -> float:
    """The threshold of :data:`MAIN_CONTENT_THRESHOLDS` under which the dataset with the smallest margin of the
    main content over its better anchor (``anchors``: F1 by dataset) has the largest one."""
    return float(max(MAIN_CONTENT_THRESHOLDS, key=lambda t: worst_margin(figures(pages, probs, t, gold), anchors)))


BOTH = FEATURES.index("both")


def kept_text(page: PageExample, probs: np.ndarray, threshold: float) -> str:
    """The page's text as the decision keeps it (the html and text rules left out): a candidate scoring the
    threshold, or one both views keep (``[html] keep_consensus``, on by default)."""
    both = page.rows[:, BOTH] >= 0.5 if len(page.rows) else np.zeros(len(page.candidate), dtype=bool)
    kept = [bool(c) and (p >= threshold or bool(b)) for p, c, b in zip(probs, page.candidate, both, strict=True)]
    keep_wordless_inside(kept, [int(w) for w in page.words])
    return "\n\n".join(t for t, k in zip(page.texts, kept, strict=True) if k)


def figures(pages: Sequence[PageExample], probs: Sequence[np.ndarray], threshold: float,
            gold: dict[str, str]) -> dict[str, dict[str, float]]:
    """F1, precision and recall of the kept text, by dataset."""
    return _by_dataset(pages, [kept_text(p, pr, threshold) for p, pr in zip(pages, probs, strict=True)], gold)


def _by_dataset(pages: Sequence[PageExample], texts: Sequence[str],
                gold: dict[str, str]) -> dict[str, dict[str, float]]:
    """F1, precision and recall of ``texts`` (one a page), by dataset."""
    out: dict[str, dict[str, float]] = {}
    for name in sorted({p.dataset for p in pages}):
        rows = [n for n, p in enumerate(pages) if p.dataset == name]
        out[name] = _scored({pages[n].doc_id: gold[pages[n].doc_id] for n in rows},
                            {pages[n].doc_id: texts[n] for n in rows})
    return out


def _scored(gold: dict[str, str], texts: dict[str, str]) -> dict[str, float]:
    """F1, precision and recall of ``texts`` against ``gold`` (by page id), rounded as the training prints them."""
    res = score(gold, texts)
    return {k: round(res[k], 4) for k in ("f1", "precision", "recall")}


def unsure_shares(firsts: Sequence[PageExample], probs: Sequence[np.ndarray], threshold: float) -> np.ndarray:
    """How unsure the first model is of each page (:func:`~cleaner.html.main_content.unsure_share`)."""
    return np.array([unsure_share(p.words[p.candidate].tolist(), pr[p.candidate].tolist(), threshold, UNSURE)
                     for p, pr in zip(firsts, probs, strict=True)])


def cascade_figures(pages: Sequence[PageExample], probs: Sequence[np.ndarray], firsts: Sequence[PageExample],
                    first_probs: Sequence[np.ndarray], threshold: float, max_unsure: float,
                    gold: dict[str, str]) -> dict[str, dict[str, float]]:
    """:func:`figures` of the cascade: a page the first model is sure of (``max_unsure``) by its decision, the
    others by the model with trafilatura's view; ``sure``, by dataset, the share of pages left to the first."""
    shares = unsure_shares(firsts, first_probs, threshold)
    texts = [kept_text(f, fp, threshold) if u <= max_unsure else kept_text(p, pr, threshold)
             for p, pr, f, fp, u in zip(pages, probs, firsts, first_probs, shares, strict=True)]
    out = _by_dataset(pages, texts, gold)
    for name, figs in out.items():
        figs["sure"] = round(float(np.mean([u <= max_unsure for p, u in zip(pages, shares, strict=True)
                                             if p.dataset == name])), 3)
    return out


def best_max_unsure(full: dict[str, dict[str, float]], cascades: dict[float, dict[str, dict[str, float]]]) -> float:
    """The largest ``max_unsure`` under which no dataset's F1 trails the model with trafilatura's view on every page
    (``full``: figures by dataset) by more than :data:`TOLERANCE` (``cascades``: the same by ``max_unsure``); 0 when
    none does (the first model then decides only the pages it has no doubt about)."""
    return max((m for m, figs in cascades.items()
                if all(figs[name]["f1"] >= f["f1"] - TOLERANCE for name, f in full.items())), default=0.0)


def fold_fits(pages: Sequence[PageExample]) -> dict[int, TreeFit]:
    """For each fold, the model fitted on the pages of the other folds."""
    return {fold: fit_pages([p for p in pages if p.fold != fold]) for fold in range(devdata.FOLDS)
            if any(p.fold == fold for p in pages) and any(p.fold != fold for p in pages)}


def out_of_fold(pages: Sequence[PageExample], fits: dict[int, TreeFit]) -> list[np.ndarray]:
    """Each page's block probabilities by the model of the folds it is not in."""
    return [fits[p.fold].probability(p.rows) for p in pages]


def dataset_fits(pages: Sequence[PageExample]) -> dict[str, TreeFit]:
    """For each dataset, the model fitted on the pages of the other datasets (none with a single dataset)."""
    names = sorted({p.dataset for p in pages})
    if len(names) < 2:
        return {}
    return {name: fit_pages([p for p in pages if p.dataset != name]) for name in names}


def out_of_dataset(pages: Sequence[PageExample], fits: dict[str, TreeFit]) -> list[np.ndarray]:
    """Each page's block probabilities by the model that never saw its dataset."""
    return [fits[p.dataset].probability(p.rows) for p in pages]


_DATASETS: dict[str, Any] = {}  # in a worker process: the datasets, loaded once
_CLEANERS: dict[str, cleaner.Cleaner] = {}  # in a worker process: a Cleaner per weights file


def _cleaned(task: tuple[str, str, list[str]]) -> dict[str, str]:
    """clean_html's text of some pages (run in a worker process): ``(dataset, weights file, page ids)``."""
    name, path, ids = task
    if not _DATASETS:
        _DATASETS.update((d.name, d) for d in devdata.load())
    if path not in _CLEANERS:
        _CLEANERS[path] = cleaner.Cleaner(cleaner.Config.load(overrides={"html": {"model": path}}))
    ours, dataset = _CLEANERS[path], _DATASETS[name]
    return {k: ours.clean_html(dataset.html(k)).text for k in ids}


def output_figures(dsets: Sequence[Any], fits: dict[str, TreeFit], thresholds: Sequence[float],
                   workers: int = 2) -> dict[float, dict[str, dict[str, float]]]:
    """By threshold, ``clean_html``'s F1, precision and recall by dataset, each dataset's pages cleaned with the
    model fitted without it (``fits``): the main content, then the html and text rules, as ``make bench`` measures
    the cleaner's output."""
    return weights_figures(dsets, {t: {d.name: fits[d.name].as_dict(STEP, t) for d in dsets} for t in thresholds},
                           workers)


def weights_figures(dsets: Sequence[Any], weights: dict[float, dict[str, dict[str, Any]]],
                    workers: int = 2) -> dict[float, dict[str, dict[str, float]]]:
    """By key of ``weights``, ``clean_html``'s F1, precision and recall by dataset, each dataset's pages cleaned
    with the weights file ``weights[key][dataset]`` (a JSON object)."""
    texts: dict[tuple[float, str], dict[str, str]] = {(key, d.name): {} for key in weights for d in dsets}
    with tempfile.TemporaryDirectory(prefix="main-content-") as tmp:
        tasks, keys = [], []
        for key, by_dataset in weights.items():
            for d in dsets:
                path = Path(tmp) / f"{d.name}-{key:.2f}.json"
                write(path, by_dataset[d.name])
                for at in range(0, len(d.ids), OUTPUT_CHUNK):
                    tasks.append((d.name, str(path), d.ids[at : at + OUTPUT_CHUNK]))
                    keys.append((key, d.name))
        with ProcessPoolExecutor(workers) if workers > 1 else contextlib.nullcontext() as pool:
            results = pool.map(_cleaned, tasks) if pool is not None else map(_cleaned, tasks)
            for task_key, out in zip(keys, results, strict=True):
                texts[task_key].update(out)
    out: dict[float, dict[str, dict[str, float]]] = {}
    for key in weights:
        out[key] = {}
        for d in dsets:
            out[key][d.name] = _scored({k: d.gold[k] for k in d.ids}, texts[(key, d.name)])
    return out


def best_output_threshold(outputs: dict[float, dict[str, dict[str, float]]], anchors: dict[str, float]) -> float:
    """The threshold under which the dataset with the smallest margin of ``clean_html``'s output over its better
    anchor has the largest (``outputs``: see :func:`output_figures`)."""
    return max(outputs, key=lambda t: worst_margin(outputs[t], anchors))


def _print(title: str, figs: dict[str, dict[str, float]], anchors: dict[str, float]) -> None:
    for name, f in figs.items():
        print(f"  {name:<14} {title}: F1 {f['f1']:.3f}  precision {f['precision']:.3f}  recall {f['recall']:.3f}  "
              f"({f['f1'] - anchors[name]:+.3f} over the better anchor)")


def main(argv: list[str]) -> int:
    """Build the examples, report cross-validated figures, write the weights file."""
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else MODEL
    workers = int(argv[argv.index("--workers") + 1]) if "--workers" in argv else 2
    dsets = devdata.load()
    print(devdata.availability_note())
    gold = {k: v for d in dsets for k, v in d.gold.items()}
    cache = Path(argv[argv.index("--examples") + 1]) if "--examples" in argv else None
    if cache is not None and cache.exists():  # examples saved by an earlier run (same code, same pages)
        with cache.open("rb") as f:
            pages = pickle.load(f)
    else:
        pages = examples(dsets, workers)
        if cache is not None:
            with cache.open("wb") as f:
                pickle.dump(pages, f)
    fits = fold_fits(pages)
    probs = out_of_fold(pages, fits)
    by_dataset = dataset_fits(pages)
    unseen = out_of_dataset(pages, by_dataset) if by_dataset else probs
    anchors = anchor_f1(dsets)
    # The threshold serves pages of datasets the model never saw (their gold bodies follow other conventions):
    # each dataset is judged by the model fitted without it, on what the cleaner outputs (the main content, then
    # the html and text rules: those take out much of what a low threshold lets through on news pages, but
    # nothing brings back a block the model removed). With one dataset, on the main content of the fold models.
    outputs = output_figures(dsets, by_dataset, THRESHOLDS, workers) if by_dataset else {}
    if outputs:
        threshold = best_output_threshold(outputs, anchors)
        for t, figs in outputs.items():
            print(f"  threshold {t:.2f}, clean_html, model without the dataset: " + ", ".join(
                f"{name} F1 {f['f1']:.3f} ({f['f1'] - anchors[name]:+.3f})" for name, f in figs.items()))
    else:
        threshold = best_threshold(pages, unseen, gold, anchors)
    cv = figures(pages, probs, threshold, gold)
    _print("cross-validated by site, main content only", cv, anchors)
    held_out = figures(pages, unseen, threshold, gold) if by_dataset else {}
    if held_out:
        _print("model without the dataset, main content only", held_out, anchors)
    # The cascade's first model, on readability's view alone, with the same threshold; how unsure of a page it may
    # be and still decide it is chosen like the threshold, on clean_html's output with the models that never saw
    # the dataset (with one dataset, on the main content of the fold models).
    firsts = first_pages(pages)
    first_fits = fold_fits(firsts)
    first_probs = out_of_fold(firsts, first_fits)
    first_by_dataset = dataset_fits(firsts)

    def first_entry(fitted: TreeFit, max_unsure: float) -> dict[str, Any]:
        return {"base": fitted.base, "trees": fitted.trees, "threshold": threshold, "unsure": list(UNSURE),
                "max_unsure": max_unsure}

    if outputs:
        full = outputs[threshold]
        cascades = weights_figures(dsets, {m: {d.name: {**by_dataset[d.name].as_dict(STEP, threshold),
                                                        "first": first_entry(first_by_dataset[d.name], m)}
                                               for d in dsets} for m in MAX_UNSURE}, workers)
        for m, figs in cascades.items():
            print(f"  max_unsure {m:.2f}, clean_html with the cascade, model without the dataset: " + ", ".join(
                f"{name} F1 {f['f1']:.3f} ({f['f1'] - full[name]['f1']:+.4f})" for name, f in figs.items()))
    else:
        full = cv
        cascades = {m: cascade_figures(pages, probs, firsts, first_probs, threshold, m, gold) for m in MAX_UNSURE}
    max_unsure = best_max_unsure(full, cascades)
    sure = cascade_figures(pages, probs, firsts, first_probs, threshold, max_unsure, gold)
    print(f"max_unsure {max_unsure:.2f}: by site, main content only, " + ", ".join(
        f"{name} F1 {f['f1']:.3f} ({f['f1'] - cv[name]['f1']:+.4f}), {f['sure']:.0%} of the pages left to the "
        "first model" for name, f in sure.items()))
    fit = fit_pages(pages)
    blocks = sum(int((p.words > 0).sum()) for p in pages)
    trained = {
        "on": {d.name: len(d.ids) for d in dsets}, "blocks": blocks,
        "label": "most of the block's words are in the gold body", "boosting": BOOSTING,
        "weights": "each block its share of its page's words; every dataset the same in total",
        "cross_validated_main_content_only": cv, "without_the_dataset_main_content_only": held_out,
        "threshold": "chosen for the worst dataset's margin of clean_html's output (main content, html and text "
                     "rules), each dataset cleaned by the model fitted without it",
        "without_the_dataset_clean_html": outputs.get(threshold, {}),
        "better_anchor_f1": anchors,
        "examples_digest": {"dataset": DIGEST_DATASET, "sha256": examples_digest(pages)},
    }
    data = fit.as_dict("html.main_content", threshold, trained)
    data["first"] = {**first_entry(fit_pages(firsts), max_unsure), "trained": {
        "features": "the same, trafilatura's view left out (its shares zero, readability_only)",
        "max_unsure": "a page is left to this model when the words of the blocks it scores within unsure are at most "
                      "max_unsure of the words it keeps: the largest value under which no dataset's clean_html F1 "
                      f"trails the model with trafilatura's view on every page by more than {TOLERANCE}, each dataset "
                      "cleaned by the models fitted without it",
        "without_the_dataset_clean_html": cascades.get(max_unsure, {}) if outputs else {},
        "cross_validated_main_content_only": sure}}
    # each fold's model, fitted without the pages of its sites: the benchmark cleans a page with the model of its fold
    data["folds"] = {str(f): {"base": fold_fit.base, "trees": fold_fit.trees,
                              "first": first_entry(first_fits[f], max_unsure)} for f, fold_fit in sorted(fits.items())}
    # each dataset's model, fitted without it: the benchmark's figure for a dataset the model never saw
    data["datasets"] = {name: {"base": f.base, "trees": f.trees,
                               "first": first_entry(first_by_dataset[name], max_unsure)}
                        for name, f in sorted(by_dataset.items())}
    write(out, data)
    print(f"threshold {threshold:.2f}; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
