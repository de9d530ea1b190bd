"""Learned decisions: small linear models read from a weights file.

Some decisions do not carry over from one set of pages to another when they
are hand-set thresholds (is this text a whole page? is this line part of
the article?). They are made by a logistic regression over named features
instead, fitted on the labelled development pages by a training script in
``train/``, and shipped as a JSON file beside the rules that use it::

    {"name": "body.block", "features": ["chars_log", ...],
     "mean": [...], "scale": [...], "coef": [...], "intercept": -1.2,
     "threshold": 0.5, "trained": {...what on, cross-validated figures...}}

Inference is a dot product: no dependency, a few microseconds per item. The
model also says *why*: :meth:`LinearModel.explain` names the features that
pushed the score most, for the audit log.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


class ModelError(ValueError):
    """A weights file that cannot be used."""


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over standardised features: ``p = sigmoid(coef . (x - mean) / scale + intercept)``."""

    name: str
    features: tuple[str, ...]
    weights: tuple[float, ...]  # coef / scale, folded once
    bias: float  # intercept - sum(coef * mean / scale)
    mean: tuple[float, ...]  # the training items' average: what an explanation compares an item with
    threshold: float = 0.5
    trained: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """A model from its JSON form (see the module docstring)."""
        try:
            features = tuple(data["features"])
            coef, mean, scale = (list(map(float, data[k])) for k in ("coef", "mean", "scale"))
            intercept = float(data["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"model {data.get('name', '?')!r}: missing or bad field ({exc})") from exc
        if not len(features) == len(coef) == len(mean) == len(scale):
            raise ModelError(f"model {data.get('name', '?')!r}: features, coef, mean and scale differ in length")
        weights = tuple(c / (s or 1.0) for c, s in zip(coef, scale, strict=True))
        bias = intercept - sum(w * m for w, m in zip(weights, mean, strict=True))
        return cls(str(data.get("name", "")), features, weights, bias, tuple(mean),
                   float(data.get("threshold", 0.5)), dict(data.get("trained", {})))

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """The model in a JSON weights file (read once per path)."""
        return _load(str(path))

    def expect(self, features: Sequence[str]) -> LinearModel:
        """``self``, after checking it was trained on ``features`` (a model of other features is an error)."""
        if tuple(features) != self.features:
            raise ModelError(f"model {self.name!r} was trained on other features than this version computes "
                             f"({len(self.features)} vs {len(features)}): retrain it (see train/)")
        return self

    def logit(self, x: Sequence[float]) -> float:
        """The model's raw score of one item (its features in ``self.features`` order)."""
        return self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))

    def probability(self, x: Sequence[float]) -> float:
        """The probability of the positive class."""
        z = self.logit(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def contributions(self, x: Sequence[float]) -> list[tuple[str, float]]:
        """Each feature's push on the raw score, against the average training item (largest first)."""
        pushes = [(n, w * (v - m)) for n, w, v, m in zip(self.features, self.weights, x, self.mean, strict=True)]
        return sorted(pushes, key=lambda p: -abs(p[1]))

    def explain(self, x: Sequence[float], top: int = 3) -> str:
        """The features that pushed most, with their values: ``"link_like=0.80 (-1.9), words_log=1.10 (-0.7)"``."""
        values = dict(zip(self.features, x, strict=True))
        return ", ".join(f"{n}={values[n]:.2f} ({c:+.1f})" for n, c in self.contributions(x)[:top])


@lru_cache(maxsize=32)
def _load(path: str) -> LinearModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read the model ({exc})") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path}: not a model (a JSON object is expected)")
    return LinearModel.from_dict(data)
