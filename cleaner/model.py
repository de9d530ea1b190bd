"""Learned decisions: small linear models read from a weights file.

Some decisions do not carry over from one set of pages to another when they
are hand-set thresholds (is this text a whole page? is this line part of
the article?). They are made by a logistic regression over named features
instead, fitted on the labelled development pages by a training script in
``train/``, and shipped as a JSON file beside the rules that use it::

    {"name": "body.page", "features": ["lines_log", ...],
     "hinges": [[0, 2.5], ...],
     "mean": [...], "scale": [...], "coef": [...], "intercept": -1.2,
     "threshold": 0.5, "trained": {...what on, cross-validated figures...}}

``hinges`` (optional) lets a linear model bend: each ``[i, knot]`` adds the
term ``max(0, x[i] - knot)`` after the features, so that, say, the first
hundred characters of a line weigh more than the next thousand. ``mean``,
``scale`` and ``coef`` cover the features and then the hinge terms.

Inference is a dot product, a few microseconds per item, or numpy's for many
items at once (:meth:`LinearModel.probabilities`: a page's lines). The
model also says *why*: :meth:`LinearModel.explain` names the features that
pushed the score most (a feature's term and its hinges together), for the
audit log.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, reduce
from itertools import repeat
from operator import add, itemgetter, mul, sub
from pathlib import Path
from typing import Any

import numpy as np


class ModelError(ValueError):
    """A weights file that cannot be used."""


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over standardised terms: ``p = sigmoid(coef . (t - mean) / scale + intercept)``.

    The terms ``t`` of an item are its features, then its hinge terms.
    """

    name: str
    features: tuple[str, ...]
    hinges: tuple[tuple[int, float], ...]
    weights: tuple[float, ...]  # coef / scale, folded once
    bias: float  # intercept - sum(coef * mean / scale)
    mean: tuple[float, ...]  # the training items' average terms: what an explanation compares an item with
    threshold: float = 0.5
    trained: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """A model from its JSON form (see the module docstring)."""
        name = str(data.get("name", "?"))
        try:
            features = tuple(str(f) for f in data["features"])
            hinges = tuple((int(i), float(k)) for i, k in data.get("hinges", []))
            coef, mean, scale = (list(map(float, data[k])) for k in ("coef", "mean", "scale"))
            intercept = float(data["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"model {name!r}: missing or bad field ({exc})") from exc
        terms = len(features) + len(hinges)
        if not terms == len(coef) == len(mean) == len(scale):
            raise ModelError(f"model {name!r}: {terms} terms, but {len(coef)} coef, {len(mean)} mean, "
                             f"{len(scale)} scale")
        if any(not 0 <= i < len(features) for i, _ in hinges):
            raise ModelError(f"model {name!r}: a hinge names a feature that does not exist")
        weights = tuple(c / (s or 1.0) for c, s in zip(coef, scale, strict=True))
        bias = intercept - sum(w * m for w, m in zip(weights, mean, strict=True))
        return cls(name, features, hinges, weights, bias, tuple(mean), float(data.get("threshold", 0.5)),
                   dict(data.get("trained", {})))

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """The model in a JSON weights file (read once per path)."""
        return _load(str(path))

    def expect(self, features: Sequence[str]) -> LinearModel:
        """``self``, after checking it was trained on ``features`` (a model of other features is an error)."""
        check_features(self.name, self.features, features)
        return self

    @property
    def terms(self) -> tuple[str, ...]:
        """The names of the terms: the features, then ``feature>knot`` for each hinge."""
        return self.features + tuple(f"{self.features[i]}>{k:.3g}" for i, k in self.hinges)

    # Inference runs in C where it can (``map`` with ``operator`` functions, ``itemgetter``; numpy for a batch):
    # the body detector scores every line of a page twice and explains every line it removes. The arithmetic is
    # that of a loop over the terms in Python, in the same order (sums from 0, left to right), so the same floats
    # one item at a time or many at once.

    def expand(self, x: Sequence[float]) -> list[float]:
        """The terms of an item from its features: the features, then ``max(0, x[i] - knot)`` for each hinge."""
        if not self.hinges:
            return list(x)
        bent = map(sub, self._hinged(x), self._knots)
        return [*x, *[d if d > 0.0 else 0.0 for d in bent]]

    def logit(self, x: Sequence[float]) -> float:
        """The model's raw score of one item (its features in ``self.features`` order)."""
        self._check(x)
        return self.bias + reduce(add, map(mul, self.weights, self.expand(x) if self.hinges else x), 0.0)

    def probability(self, x: Sequence[float]) -> float:
        """The probability of the positive class."""
        return sigmoid(self.logit(x))

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """:meth:`probability` of every item of ``rows`` (a list of items or a 2-D array), the same floats, at once.

        The body detector scores every line of a page: numpy does the arithmetic a term at a time for all
        items, but each item's sum still runs over its terms left to right. The terms are laid out a row per
        term and summed over the rows (the slow axis in memory), which numpy adds one row after the other,
        not pairwise as it sums along the fast axis: the sum of a loop, three times faster than ``cumsum``
        along each item. A single item has no other axis (its terms would be summed pairwise): it is scored
        on its own.
        """
        if len(rows) < 2:
            return [self.probability(x) for x in rows]
        pushes = np.ascontiguousarray(self._terms(rows).T)
        pushes *= self._weight_column
        totals = np.add.reduce(pushes, axis=0)
        return [sigmoid(z) for z in (self.bias + totals).tolist()]

    def explanations(self, rows: Sequence[Sequence[float]], top: int = 3) -> list[str]:
        """:meth:`explain` of every item of ``rows`` at once (the same strings)."""
        if not len(rows):
            return []
        matrix = np.asarray(rows, dtype=float)
        terms = self._terms(matrix)
        pushed = (terms - self._mean_row) * self._weight_row
        pushed = np.hstack([pushed, np.zeros((len(pushed), 1))])  # what a feature without a hinge in a layer adds
        n = len(self.features)
        pushes = pushed[:, :n] + 0.0  # -0.0 becomes 0.0, as in a sum started at 0.0
        for layer in self._layer_columns:
            pushes = pushes + pushed[:, layer]
        return explanation_strings(self.features, matrix, pushes, top)

    def contributions(self, x: Sequence[float], top: int | None = None) -> list[tuple[str, float]]:
        """Each feature's push on the raw score (its own term and its hinges), against the average training
        item, largest first (``top``: only that many)."""
        return [(self.features[i], push) for i, push in self._largest_pushes(x, top)]

    def explain(self, x: Sequence[float], top: int = 3) -> str:
        """The features that pushed most, with their values: ``"link_like=0.80 (-1.9), words_log=1.10 (-0.7)"``."""
        return ", ".join(f"{self.features[i]}={x[i]:.2f} ({c:+.1f})" for i, c in self._largest_pushes(x, top))

    def _check(self, x: Sequence[float]) -> None:
        if len(x) != len(self.features):
            raise ValueError(f"model {self.name!r}: {len(x)} features given, {len(self.features)} expected")

    def _largest_pushes(self, x: Sequence[float], top: int | None) -> list[tuple[int, float]]:
        """``(feature index, push)`` of the features that pushed most, largest first (ties in feature order): a
        feature's push is ``weight * (term - mean)`` of its own term, then of each of its hinges, added from 0."""
        self._check(x)
        n = len(self.features)
        terms = list(map(mul, self.weights, map(sub, self.expand(x), self.mean)))
        terms.append(0.0)  # what a feature without a hinge in a layer adds
        pushes = list(map(add, terms[:n], repeat(0.0)))  # -0.0 becomes 0.0, as in a sum started at 0.0
        for layer in self._hinge_layers:
            pushes = list(map(add, pushes, layer(terms)))
        order = sorted(range(n), key=list(map(abs, pushes)).__getitem__, reverse=True)
        return [(i, pushes[i]) for i in order[:top]]

    def _terms(self, rows: Sequence[Sequence[float]]) -> Any:
        """The terms of every item of ``rows`` as a 2-D array: the features, then the hinge terms."""
        matrix = np.asarray(rows, dtype=float)
        if matrix.ndim != 2 or matrix.shape[1] != len(self.features):
            raise ValueError(f"model {self.name!r}: items of {matrix.shape[1:] or 0} features given, "
                             f"{len(self.features)} expected")
        if not self.hinges:
            return matrix
        bent = matrix[:, [i for i, _ in self.hinges]] - np.asarray(self._knots)
        return np.hstack([matrix, np.where(bent > 0.0, bent, 0.0)])

    @cached_property
    def _weight_row(self) -> Any:
        return np.asarray(self.weights, dtype=float)

    @cached_property
    def _weight_column(self) -> Any:
        return self._weight_row[:, np.newaxis]

    @cached_property
    def _mean_row(self) -> Any:
        return np.asarray(self.mean, dtype=float)

    @cached_property
    def _hinged(self) -> Callable[[Sequence[float]], Sequence[float]]:
        """The features the hinges bend, in hinge order, from an item's features."""
        pick = itemgetter(*(i for i, _ in self.hinges))
        return pick if len(self.hinges) > 1 else lambda x: (pick(x),)

    @cached_property
    def _knots(self) -> tuple[float, ...]:
        return tuple(k for _, k in self.hinges)

    @cached_property
    def _layer_columns(self) -> tuple[list[int], ...]:
        """The hinge terms to add to the features' pushes, a layer at a time: layer ``j`` holds, for every
        feature, the column of its ``j``-th hinge term, or of the 0.0 after the last term when it has fewer."""
        n = len(self.features)
        layers: list[list[int]] = []
        count = [0] * n
        for k, (i, _) in enumerate(self.hinges, n):
            if count[i] == len(layers):
                layers.append([n + len(self.hinges)] * n)
            layers[count[i]][i] = k
            count[i] += 1
        return tuple(layers)

    @cached_property
    def _hinge_layers(self) -> tuple[Callable[[Sequence[float]], Sequence[float]], ...]:
        """:attr:`_layer_columns` as functions picking those terms from a list."""
        n = len(self.features)
        return tuple((itemgetter(*layer) if n > 1 else lambda t, k=layer[0]: (t[k],)) for layer in self._layer_columns)


def matrix(rows: Sequence[Sequence[float]], *more: Sequence[Sequence[float]]) -> Any:
    """``rows`` (items of features) as a 2-D float array, with the columns of ``more`` (as many items, each its
    further features) after them: the input of the batch methods, converted once for several models."""
    parts = [np.asarray(part, dtype=float).reshape(len(rows), -1) for part in (rows, *more)]
    return parts[0] if not more else np.hstack(parts)


def sigmoid(z: float) -> float:
    """The probability of a raw score (0.0 far below zero, where ``exp`` would overflow)."""
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def explanation_strings(
    names: Sequence[str], matrix: Any, pushes: Any, top: int, *, pushed_only: bool = False
) -> list[str]:
    """The ``explain`` strings of a batch, from its items (``matrix``) and each feature's push on each item
    (``pushes``, the same shape): the ``top`` largest pushes, ties in feature order, each with the feature's
    value (``pushed_only``: features that did not push are left out)."""
    order = largest_first(np.abs(pushes), top)
    values = np.take_along_axis(matrix, order, axis=1)
    pushed = np.take_along_axis(pushes, order, axis=1)
    if pushed_only:
        return [
            ", ".join([f"{names[i]}={x:.2f} ({c:+.1f})" for i, x, c in zip(picks, xs, cs, strict=True) if c])
            for picks, xs, cs in zip(order.tolist(), values.tolist(), pushed.tolist(), strict=True)
        ]
    # Every item names as many features: one format string for all of it (a body detector explains most lines
    # of a page). "%.2f" and "{:.2f}" print a float alike.
    width = order.shape[1]
    fields = np.empty((len(order), 3 * width), dtype=object)
    fields[:, 0::3] = np.asarray(names, dtype=object)[order]
    fields[:, 1::3], fields[:, 2::3] = values, pushed
    form = ", ".join(["%s=%.2f (%+.1f)"] * width)
    return [form % tuple(item) for item in fields.tolist()]


def largest_first(sizes: Any, top: int) -> Any:
    """For each row of ``sizes`` (non-negative), the columns of its ``top`` largest values, largest first, ties
    in column order: what ``np.argsort(-sizes, axis=1, kind="stable")[:, :top]`` gives.

    A few passes of ``argmax`` (which finds the first of equal values), each
    taking the largest left out of the next: a full sort of every row cost
    the body detector, which explains most lines of a page by three
    features of 55, several times more. Rows holding a NaN are sorted.
    """
    rows, width = sizes.shape
    top = min(top, width)
    if not rows or not top or np.isnan(sizes).any():
        return np.argsort(-sizes, axis=1, kind="stable")[:, :top]
    left = sizes.copy()
    order = np.empty((rows, top), dtype=np.intp)
    every = np.arange(rows)
    for k in range(top):
        order[:, k] = pick = left.argmax(axis=1)
        left[every, pick] = -np.inf
    return order


def check_features(name: str, trained: Sequence[str], computed: Sequence[str]) -> None:
    """A :class:`ModelError` when a model was trained on other features than the cleaner computes."""
    if tuple(trained) != tuple(computed):
        raise ModelError(f"model {name!r} was trained on other features than this version computes "
                         f"({len(trained)} vs {len(computed)}): retrain it (see train/)")


def read_weights(path: str) -> dict[str, Any]:
    """The JSON object of a weights file; an unreadable file or one that is not an object is a ModelError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read the model ({exc})") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path}: not a model (a JSON object is expected)")
    return data


@lru_cache(maxsize=32)
def _load(path: str) -> LinearModel:
    return LinearModel.from_dict(read_weights(path))
