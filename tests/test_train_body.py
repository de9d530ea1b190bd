"""The body detector's training script: the page gate's counts it prints, and reading back its cached examples."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
body = pytest.importorskip("train.body")


def _example(dataset: str, kind: str, doc_id: str) -> body.Example:
    return body.Example(dataset, kind, doc_id, 0, [0.0] * 3, np.zeros((2, 3), dtype=np.float32),
                        np.array([1.0, 0.0], dtype=np.float32), np.array([10.0, 5.0], dtype=np.float32))


def test_gate_counts_split_pages_from_extracted_texts() -> None:
    exs = [_example("a", "fulltext", "1"), _example("a", "fulltext", "2"), _example("a", "trafilatura", "1"),
           _example("b", "fulltext", "3"), _example("b", "justext", "3"), _example("b", "readability", "3")]
    passed = [True, False, False, True, True, False]
    assert body.gate_counts(exs, passed) == "a pages 1/2, extracted 0/1  b pages 1/1, extracted 1/2"


def test_load_examples_reads_the_cache(tmp_path: Path) -> None:
    exs = [_example("a", "fulltext", "1"), _example("a", "goose3", "1")]
    path = tmp_path / "examples.pkl"
    path.write_bytes(pickle.dumps(exs))
    back = body.load_examples(path)
    assert [(e.dataset, e.kind, e.whole_page) for e in back] == [("a", "fulltext", True), ("a", "goose3", False)]
    assert np.array_equal(back[1].chars, exs[1].chars)


def test_shipped_models_were_fitted_on_the_features_this_code_computes() -> None:
    """The weights record a digest of their training examples on the texts in the repository (aeb-dev, every input
    kind): the same texts give the same figures today, or the models must be fitted again (python -m train.body)."""
    import json

    files = {name: body.MODELS / f"{name}.json" for name in ("body_page", "body_lines", "body_context")}
    recorded = {name: json.loads(path.read_text(encoding="utf-8"))["trained"]["examples_digest"]
                for name, path in files.items()}
    assert all(r["dataset"] == body.DIGEST_DATASET for r in recorded.values())
    exs = body.examples(body.devdata.load([body.DIGEST_DATASET]), workers=1)
    assert len(exs) >= 800
    digest = body.examples_digest(exs)
    for name, r in recorded.items():  # each file: one of them left behind by a partial retrain fails too
        assert r["sha256"] == digest, f"features changed: retrain the body models ({name}.json)"
