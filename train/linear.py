"""Fitting the cleaner's linear models: L2-regularised logistic regression, cross-validated by site.

Numpy only (Newton's method on standardised features), so that training
needs no machine-learning library and gives the same weights on every
machine for the same data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.model import LinearModel


@dataclass
class Fit:
    """A fitted model in the form of a weights file."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    hinges: list[tuple[int, float]] = field(default_factory=list)

    def model(self, name: str = "", threshold: float = 0.5, trained: dict[str, Any] | None = None) -> LinearModel:
        """The fit as the cleaner's :class:`~cleaner.model.LinearModel`."""
        return LinearModel.from_dict(self.as_dict(name, threshold, trained))

    def as_dict(self, name: str, threshold: float, trained: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON form read by :meth:`LinearModel.from_dict`."""
        return {
            "name": name, "features": self.features, "hinges": [[i, round(k, 6)] for i, k in self.hinges],
            "threshold": round(threshold, 4),
            "mean": _rounded(self.mean), "scale": _rounded(self.scale), "coef": _rounded(self.coef),
            "intercept": round(self.intercept, 6), "trained": trained or {},
        }

    def probability(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of the positive class for the rows of ``X`` (features; hinge terms are added)."""
        z = (expand(X, self.hinges) - np.array(self.mean)) / np.array(self.scale) @ np.array(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))


def _rounded(values: Sequence[float]) -> list[float]:
    return [round(float(v), 6) for v in values]


def hinge_knots(X: np.ndarray, quantiles: Sequence[float] = (0.25, 0.5, 0.75)) -> list[tuple[int, float]]:
    """Hinges at the quantiles of every feature that takes more than two values (a bend where the data is)."""
    hinges: list[tuple[int, float]] = []
    for j in range(X.shape[1]):
        if len(np.unique(X[:, j])) <= 2:
            continue
        lo = float(X[:, j].min())
        for k in sorted({round(float(q), 6) for q in np.quantile(X[:, j], quantiles)}):
            if k > lo:
                hinges.append((j, k))
    return hinges


def expand(X: np.ndarray, hinges: Sequence[tuple[int, float]]) -> np.ndarray:
    """The features of ``X`` followed by its hinge terms ``max(0, x[i] - knot)``."""
    X = np.asarray(X, dtype=float)
    if not hinges:
        return X
    return np.hstack([X, np.column_stack([np.maximum(0.0, X[:, i] - k) for i, k in hinges])])


def fit_logistic(
    X: np.ndarray, y: np.ndarray, features: Sequence[str], *, weight: np.ndarray | None = None,
    l2: float = 1.0, iterations: int = 100, tol: float = 1e-7, hinges: Sequence[tuple[int, float]] = (),
) -> Fit:
    """Maximise the weighted log-likelihood minus ``l2 / 2 * |coef|^2`` (the intercept is not penalised).

    ``hinges`` (see :func:`hinge_knots`) add bent terms after the features.
    """
    X = expand(X, hinges)
    y = np.asarray(y, dtype=float)
    sw = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    Z = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    w = np.zeros(Z.shape[1])
    penalty = np.full(Z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(Z @ w, -700, 700)))
        grad = Z.T @ (sw * (p - y)) + penalty * w
        hess = (Z * (sw * p * (1 - p))[:, None]).T @ Z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < tol:
            break
    return Fit(list(features), mean.tolist(), scale.tolist(), w[:-1].tolist(), float(w[-1]), list(hinges))


def by_fold(folds: Sequence[int], k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train rows, test rows)`` index arrays for each of ``k`` folds (``folds``: each row's fold)."""
    f = np.asarray(folds)
    return [(np.flatnonzero(f != i), np.flatnonzero(f == i)) for i in range(k)]


def out_of_fold(
    folds: Sequence[int], k: int, fit: Callable[[np.ndarray], Fit], predict: Callable[[Fit, np.ndarray], np.ndarray]
) -> np.ndarray:
    """Each row's prediction by the model fitted on the other folds (``fit(train rows)``, ``predict(fit, rows)``)."""
    out = np.zeros(len(folds))
    for train, test in by_fold(folds, k):
        if len(test):
            out[test] = predict(fit(train), test)
    return out


def write(path: Path, fit: Fit, name: str, threshold: float, trained: dict[str, Any]) -> None:
    """Write the weights file (stable key order, one value a line: small diffs when retrained)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fit.as_dict(name, threshold, trained), indent=1) + "\n", encoding="utf-8")
