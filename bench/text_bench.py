"""Text benchmark: score the cleaner on the text inputs of the development benchmark.

For each input of ``bench/data/aeb-dev/inputs`` (full-page text and the
outputs of three extractors) it scores the text as it is and after
``cleaner.clean_text``, in the same run, with the reference scorer
(``bench/score.py``: shingle F1, macro-averaged)::

    .venv/bin/python bench/text_bench.py [--per-doc NAME]

``--per-doc NAME`` also prints, for input NAME, the documents whose F1
changed, worst first (to find families of errors).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from score import load, score  # noqa: E402

import cleaner  # noqa: E402

DATA = HERE / "data" / "aeb-dev"
INPUTS = ("fulltext", "trafilatura", "readability", "newspaper")


def doc_f1(tp: float, fp: float, fn: float) -> float:
    """F1 of one document from its normalised TP/FP/FN shares."""
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def run_text(inputs: dict[str, str], gold: dict[str, str], config: cleaner.Config | None = None) -> dict:
    """Score ``inputs`` ({id: text}) against ``gold`` before and after cleaning.

    Returns ``{"before": score, "after": score, "seconds": cleaning time,
    "cleaned": {id: clean text}}`` where each score is bench/score.py's
    ``score()`` result (f1, precision, recall, per_doc, ...).
    """
    cln = cleaner.Cleaner(config or cleaner.Config.load())
    t0 = time.perf_counter()
    cleaned = {k: cln.clean_text(v, doc_id=k).text for k, v in inputs.items()}
    seconds = time.perf_counter() - t0
    return {"before": score(gold, inputs), "after": score(gold, cleaned), "seconds": seconds, "cleaned": cleaned}


def main(argv: list[str]) -> int:
    """Print one row per input: uncleaned and cleaned F1/P/R."""
    per_doc = argv[argv.index("--per-doc") + 1] if "--per-doc" in argv else None
    gold = load(DATA / "ground-truth.json")
    print(f"{'input':<12} {'uncleaned F1/P/R':<22} {'cleaned F1/P/R':<22} {'dF1':>7} {'dR':>7}  time")
    for name in INPUTS:
        res = run_text(load(DATA / "inputs" / f"{name}.json"), gold)
        b, a = res["before"], res["after"]
        print(
            f"{name:<12} {b['f1']:.3f}/{b['precision']:.3f}/{b['recall']:.3f}    "
            f"{a['f1']:.3f}/{a['precision']:.3f}/{a['recall']:.3f}    "
            f"{a['f1'] - b['f1']:+.3f} {a['recall'] - b['recall']:+.4f}  {res['seconds']:.2f}s"
        )
        if name == per_doc:
            rows = [
                (doc_f1(*a["per_doc"][k]) - doc_f1(*b["per_doc"][k]), doc_f1(*a["per_doc"][k]), a["per_doc"][k], k)
                for k in gold
            ]
            for delta, f1, (_tp, fp, fn), k in sorted(rows):
                print(f"    {k[:16]} F1={f1:.3f} ({delta:+.3f}) fp={fp:.3f} fn={fn:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
