"""Train the body detector's models (``heuristics/data/models/body_*.json``) on the labelled development pages.

    .venv/bin/python -m train.body [--out DIR] [--report]

* **page**: is a text a whole page (every visible line of it) or an article
  an extractor already took out of it? Positive examples are every dataset's
  ``fulltext`` input, negative ones the outputs of the seven extractors. The
  detector must never act on an extracted article, so the threshold is the
  lowest that lets at most ``MAX_EXTRACTED_SHARE`` of the extracted texts
  through, measured out of fold.

Every figure printed is cross-validated: each text is judged by a model
fitted on the folds (sites) it is not in. The shipped weights are then
fitted on all the data; their files record what they were trained on and
the cross-validated figures.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

import devdata  # noqa: E402

import cleaner  # noqa: E402
from heuristics._page import PAGE_FEATURES, page_features  # noqa: E402
from train.linear import fit_logistic, out_of_fold, write  # noqa: E402

MODELS = ROOT / "heuristics" / "data" / "models"
MAX_EXTRACTED_SHARE = 0.005  # extracted texts the page model may take for whole pages (out of fold)
L2 = 1.0


@dataclass
class PageExample:
    """One text as the body detector sees it: its page figures and where it comes from."""

    dataset: str
    kind: str
    doc_id: str
    fold: int
    features: list[float]


_CLEANER: cleaner.Cleaner | None = None


def _page_example(item: tuple[str, str, str, int, str]) -> PageExample:
    """The page figures of one text, after the rules that run before the body detector."""
    global _CLEANER
    if _CLEANER is None:
        _CLEANER = cleaner.Cleaner(cleaner.Config.load(disable=["body.detector"]))
    dataset, kind, doc_id, fold, text = item
    doc = _CLEANER.make_document(text, doc_id=doc_id)
    _CLEANER.run_rules(doc)
    figures, _ = page_features(doc, _CLEANER.phrases_for())
    return PageExample(dataset, kind, doc_id, fold, figures)


def page_examples(dsets: list[devdata.Dataset], workers: int = 2) -> list[PageExample]:
    """Every text of every input kind of ``dsets``."""
    items = [
        (ds.name, kind, k, ds.fold(k), text)
        for ds in dsets
        for kind in devdata.KINDS
        for k, text in ds.inputs(kind).items()
    ]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_page_example, items, chunksize=16))


def train_page(examples: list[PageExample]) -> tuple[object, float, dict]:
    """Fit the page model; the threshold and the cross-validated figures."""
    X = np.array([e.features for e in examples])
    y = np.array([e.kind == "fulltext" for e in examples], dtype=float)
    folds = [e.fold for e in examples]
    oof = out_of_fold(folds, devdata.FOLDS, lambda rows: fit_logistic(X[rows], y[rows], PAGE_FEATURES, l2=L2),
                      lambda fit, rows: fit.probability(X[rows]))
    extracted = np.sort(oof[y == 0])[::-1]
    allowed = int(MAX_EXTRACTED_SHARE * len(extracted))
    threshold = float(max(0.5, extracted[allowed] + 1e-6)) if len(extracted) > allowed else 0.5
    report: dict[str, dict[str, float]] = {}
    for name in sorted({e.dataset for e in examples}):
        for kind in devdata.KINDS:
            rows = [i for i, e in enumerate(examples) if e.dataset == name and e.kind == kind]
            if rows:
                report.setdefault(name, {})[kind] = round(float(np.mean(oof[rows] >= threshold)), 4)
    fit = fit_logistic(X, y, PAGE_FEATURES, l2=L2)
    return fit, threshold, report


def main(argv: list[str]) -> int:
    """Build the examples, report cross-validated figures, write the weights files."""
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else MODELS
    dsets = devdata.load()
    print(devdata.availability_note())
    examples = page_examples(dsets)
    fit, threshold, report = train_page(examples)
    print(f"page model: threshold {threshold:.3f}; share of texts taken for whole pages (cross-validated):")
    for name, kinds in report.items():
        print(f"  {name:<14} " + "  ".join(f"{k} {v:.3f}" for k, v in kinds.items()))
    trained = {
        "on": {d.name: len(d.ids) for d in dsets},
        "positives": "fulltext inputs", "negatives": "the seven extractors' outputs",
        "cross_validated_whole_page_share": report,
    }
    write(out / "body_page.json", fit, "body.page", threshold, trained)
    print(f"wrote {out / 'body_page.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
