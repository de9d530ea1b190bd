"""Fitting boosted trees for the cleaner's learned decisions, in the form :mod:`cleaner.html.trees` reads.

scikit-learn's histogram gradient boosting (a training dependency only:
the ``bench`` extra) fits the trees; :func:`export` turns them into plain
lists (inner nodes carry the mean value of the items below them, so that
an explanation can say which splits moved a score), and :class:`TreeFit`
scores them with numpy the way :class:`~cleaner.html.trees.TreeModel` does
in pure Python. No early stopping (no random validation split): the same
data gives the same trees on every run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.html.trees import TREE_KEYS


@dataclass
class TreeFit:
    """Fitted trees in the form of the weights file, with numpy inference for the figures."""

    features: list[str]
    base: float
    trees: list[dict[str, list]]

    def as_dict(self, name: str, threshold: float, trained: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON form read by :meth:`cleaner.html.trees.TreeModel.from_dict`."""
        return {"name": name, "kind": "boosted_trees", "features": list(self.features),
                "threshold": round(threshold, 4), "base": self.base, "trees": self.trees, "trained": trained or {}}

    def logit(self, X: np.ndarray) -> np.ndarray:
        """Raw scores of the rows of ``X`` (every tree walked for all rows at once)."""
        X = np.asarray(X, dtype=float)
        z = np.full(len(X), self.base)
        rows = np.arange(len(X))
        for tree in self.trees:
            feature, threshold, left, right, value = (np.array(tree[k]) for k in TREE_KEYS)
            node = np.zeros(len(X), dtype=int)
            while True:
                f = feature[node]
                inner = f >= 0
                if not inner.any():
                    break
                go_left = X[rows, np.maximum(f, 0)] <= threshold[node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            z += value[node]
        return z

    def probability(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of the positive class for the rows of ``X``."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logit(X), -700, 700)))


def export(model: Any, features: Sequence[str]) -> TreeFit:
    """scikit-learn's fitted trees as plain lists; inner nodes get the mean value of the items below them."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        value = np.where(leaf, nodes["value"], 0.0).astype(float)
        count = nodes["count"].astype(float)
        for n in reversed(range(len(nodes))):  # children come after their parent
            if not leaf[n]:
                a, b = nodes["left"][n], nodes["right"][n]
                value[n] = (value[a] * count[a] + value[b] * count[b]) / max(count[a] + count[b], 1.0)
        trees.append({
            "feature": [-1 if leaf[n] else int(nodes["feature_idx"][n]) for n in range(len(nodes))],
            # + 0.0: a split at zero is written 0.0, never -0.0 (the same split; the binning may give either sign)
            "threshold": [0.0 if leaf[n] else float(nodes["num_threshold"][n]) + 0.0 for n in range(len(nodes))],
            "left": [0 if leaf[n] else int(nodes["left"][n]) for n in range(len(nodes))],
            "right": [0 if leaf[n] else int(nodes["right"][n]) for n in range(len(nodes))],
            "value": [round(float(v), 8) for v in value],
        })
    return TreeFit(list(features), float(np.ravel(model._baseline_prediction)[0]), trees)


def fit_trees(X: np.ndarray, y: np.ndarray, weight: np.ndarray, features: Sequence[str],
              boosting: dict[str, Any]) -> TreeFit:
    """Gradient-boosted trees on the logistic loss (``boosting``: scikit-learn's parameters), exported and checked
    against scikit-learn's own scores."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(**boosting).fit(X, y, sample_weight=weight)
    fit = export(model, features)
    sample = X[:: max(1, len(X) // 2000)]
    if not np.allclose(fit.logit(sample), model.decision_function(sample), atol=1e-5):
        raise SystemExit("the exported trees do not score as scikit-learn's: its tree format changed?")
    return fit


def write(path: Path, data: dict[str, Any]) -> None:
    """The weights file: one key a line, one tree a line (small diffs when retrained, a readable file)."""

    def dump(value: Any, indent: str) -> str:
        if isinstance(value, dict) and (indent.count(" ") < 2 or "trees" in value):
            inner = indent + " "
            items = ",\n".join(f"{inner}{json.dumps(k)}: {dump(v, inner)}" for k, v in value.items())
            return "{\n" + items + "\n" + indent + "}"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            inner = indent + " "
            return "[\n" + ",\n".join(inner + json.dumps(v) for v in value) + "\n" + indent + "]"
        return json.dumps(value)

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(data, "") + "\n", encoding="utf-8")
