"""Boosted decision trees read from a weights file: the main-content model.

A logistic regression (:mod:`cleaner.model`) cannot say "trust readability
when trafilatura's article is a tenth of its size, unless the block sits in
an ``<article>`` trafilatura keeps": the views of a page only help when
they are weighed against one another and against the block's place, which
is what a few shallow trees do. Each tree is a handful of comparisons, so
an item is scored in pure Python in microseconds (the trees compiled once
into Python source), and the explanations of a batch of many (the blocks
of a page) go down all trees at once with numpy; the trees are
fitted by ``python -m train.main_content`` (scikit-learn's histogram
gradient boosting, a training dependency only) and shipped as JSON::

    {"name": "html.main_content", "kind": "boosted_trees", "features": ["traf", ...],
     "base": -0.4, "threshold": 0.5,
     "trees": [{"feature": [3, 7, -1, ...], "threshold": [0.5, ...], "left": [1, ...], "right": [2, ...],
                "value": [0.01, ...]}, ...],
     "trained": {...what on, cross-validated figures...}}

Node ``i`` of a tree goes to ``left[i]`` when the item's feature
``feature[i]`` is at most ``threshold[i]``, else to ``right[i]``; a node with
feature ``-1`` is a leaf, and the item's raw score is ``base`` plus its leaf
``value`` in every tree. Inner nodes carry a value too (the mean of the
items that reach them), so that :meth:`TreeModel.explain` can say which
features moved the score along the item's paths (each split's change of
value is its feature's push).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.model import ModelError, check_features, explanation_strings, read_weights, sigmoid

Tree = tuple[list[int], list[float], list[int], list[int], list[float]]  # feature, threshold, left, right, value
TREE_KEYS = ("feature", "threshold", "left", "right", "value")
# Items: smaller batches are explained one by one, as numpy's fixed cost is larger than the compiled trees'.
# Measured on the rows of the bench pages: 8 items cost about the same either way, 20 a fifth less in a batch.
EXPLAIN_BATCH_FROM = 12


@dataclass(frozen=True)
class TreeModel:
    """A sum of regression trees on the logit scale: ``p = sigmoid(base + sum of the item's leaf values)``."""

    name: str
    features: tuple[str, ...]
    base: float
    trees: tuple[Tree, ...] = field(repr=False)
    threshold: float = 0.5
    trained: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeModel:
        """A model from its JSON form (see the module docstring); :class:`ModelError` when it is not one."""
        name = data.get("name", "?")
        try:
            features = tuple(map(str, data["features"]))
            base = float(data["base"])
            trees = tuple(_tree(t, len(features)) for t in data["trees"])
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"model {name!r}: missing or bad field ({exc})") from exc
        return cls(str(name), features, base, trees, float(data.get("threshold", 0.5)), dict(data.get("trained", {})))

    @classmethod
    def load(cls, path: str | Path) -> TreeModel:
        """The model in a JSON weights file (read once per path)."""
        return _load(str(path))

    def expect(self, features: Sequence[str]) -> TreeModel:
        """``self``, after checking it was trained on ``features`` (a model of other features is an error)."""
        check_features(self.name, self.features, features)
        return self

    def logit(self, x: Sequence[float]) -> float:
        """The raw score of one item (its features in ``self.features`` order): ``base`` plus the value of the leaf
        the item reaches in each tree, added tree by tree in the trees' order."""
        return self._logit(x)

    def probability(self, x: Sequence[float]) -> float:
        """The probability of the positive class."""
        return sigmoid(self.logit(x))

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """:meth:`probability` of every item of ``rows`` (a list of items or a 2-D array). One by one: with the
        compiled trees that is as fast as numpy's walk of a batch down all trees at once, even for hundreds."""
        items = rows.tolist() if isinstance(rows, np.ndarray) else rows
        return [sigmoid(self._logit(x)) for x in items]

    def explanations(self, rows: Sequence[Sequence[float]], top: int = 3) -> list[str]:
        """:meth:`explain` of every item of ``rows`` at once (the same strings: each item's pushes are added in
        the order :meth:`contributions` adds them, tree by tree and down each path; ties keep the features' order)."""
        matrix = _matrix(rows, len(self.features))
        if len(matrix) < EXPLAIN_BATCH_FROM:
            return [self.explain(x, top) for x in matrix.tolist()]
        feature, _, _, _, value = self._stacked
        trees = self._tree_index
        path = self._paths(matrix)
        steps = list(pairwise(path)) or [(path[0], path[0])]
        # (item, tree, step) in this order once flattened: np.add.at then adds each item's pushes in logit's order
        node, child = (np.stack(a, axis=2) for a in zip(*steps, strict=True))
        inner = node != child  # an item that reached a leaf stays on it
        tree3 = trees[:, :, None]
        delta = value[tree3, child] - value[tree3, node]
        item = np.broadcast_to(np.arange(len(matrix))[:, None, None], node.shape)
        pushes = np.zeros(matrix.shape)
        np.add.at(pushes, (item[inner], feature[tree3, node][inner]), delta[inner])
        return explanation_strings(self.features, matrix, pushes, top, pushed_only=True)

    @cached_property
    def _stacked(self) -> tuple[Any, ...]:
        """The trees' five lists as ``(trees, nodes)`` arrays, padded with leaves (for the batch methods)."""
        size = max(len(t[0]) for t in self.trees)
        pad = (-1, 0.0, 0, 0, 0.0)
        return tuple(np.array([list(t[k]) + [pad[k]] * (size - len(t[k])) for t in self.trees])
                     for k in range(len(TREE_KEYS)))

    @cached_property
    def _tree_index(self) -> Any:
        return np.arange(len(self.trees))[None, :]

    def _paths(self, matrix: Any) -> list[Any]:
        """The node of every (item, tree) after 0, 1, 2 ... steps down all trees at once, until all are on
        leaves (node ``i`` goes left when ``x[feature[i]] <= threshold[i]``, as in :meth:`logit`)."""
        feature, threshold, left, right, _ = self._stacked
        trees = self._tree_index
        items = np.arange(len(matrix))[:, None]
        node = np.zeros((len(matrix), len(self.trees)), dtype=np.intp)
        path = [node]
        while True:
            f = feature[trees, node]
            inner = f >= 0
            if not inner.any():
                return path
            x = matrix[items, np.where(inner, f, 0)]
            go_left = x <= threshold[trees, node]
            node = np.where(inner, np.where(go_left, left[trees, node], right[trees, node]), node)
            path.append(node)

    def contributions(self, x: Sequence[float]) -> list[tuple[str, float]]:
        """Each feature's push on the raw score along the item's paths (largest first, features that pushed only)."""
        pushes = [0.0] * len(self.features)
        self._add_pushes(x, pushes)
        return sorted(((n, p) for n, p in zip(self.features, pushes, strict=True) if p), key=lambda p: -abs(p[1]))

    @cached_property
    def _logit(self) -> Callable[[Sequence[float]], float]:
        """:meth:`logit`, compiled (see :func:`_compiled`): one statement per tree, ``z += (<value of the leaf x
        reaches>)``, the tree a nested conditional expression (``(0.5 if x[3] <= 0.25 else -1.0)``)."""
        body = "".join(f"    z += {_tree_source(tree, 0, tree[4])}\n" for tree in self.trees)
        source = f"def logit(x):\n    z = base\n{body}    return z\n"
        return _compiled(self.name, "logit", source, self.base) or _walked_logit(self.trees, self.base)

    @cached_property
    def _add_pushes(self) -> Callable[[Sequence[float], list[float]], None]:
        """Add each split's push on the path of an item to its feature's (``pushes[feature] += value[child] -
        value[node]``, tree by tree and from the root down), compiled (see :func:`_compiled`): each tree nested
        ``if``/``else`` statements, each branch adding its push."""
        body = "".join(_push_source(tree, 0, 1) for tree in self.trees)
        source = f"def add_pushes(x, p):\n{body}    return None\n"
        return _compiled(self.name, "add_pushes", source, self.base) or _walked_pushes(self.trees)

    def explain(self, x: Sequence[float], top: int = 3) -> str:
        """The features that pushed most, with their values: ``"traf=0.00 (-2.1), rd_in=1.00 (+0.8)"`` (those of
        :meth:`contributions`, in its order)."""
        pushes = [0.0] * len(self.features)
        self._add_pushes(x, pushes)
        ranked = sorted((i for i, p in enumerate(pushes) if p), key=lambda i: -abs(pushes[i]))[:top]
        return ", ".join(f"{self.features[i]}={x[i]:.2f} ({pushes[i]:+.1f})" for i in ranked)


def _walk(tree: Tree, x: Sequence[float]) -> int:
    """The leaf ``tree`` takes ``x`` to, walking its node lists."""
    feature, threshold, left, right, _ = tree
    node = 0
    while (f := feature[node]) >= 0:
        node = left[node] if x[f] <= threshold[node] else right[node]
    return node


def _tree_source(tree: Tree, node: int, values: Sequence[float]) -> str:
    """Python source of the value of the leaf ``tree`` takes an item ``x`` to from ``node``: nested conditional
    expressions."""
    feature, threshold, left, right, _ = tree
    f = feature[node]
    if f < 0:
        return repr(values[node])
    return (f"({_tree_source(tree, left[node], values)} if x[{f}] <= {threshold[node]!r} "
            f"else {_tree_source(tree, right[node], values)})")


def _push_source(tree: Tree, node: int, depth: int) -> str:
    """Python source adding to ``p`` the pushes of the splits an item ``x`` meets in ``tree`` from ``node`` down."""
    feature, threshold, left, right, value = tree
    f = feature[node]
    if f < 0:
        return ""
    pad = "    " * depth
    out = [f"{pad}if x[{f}] <= {threshold[node]!r}:\n"]
    for n, child in enumerate((left[node], right[node])):
        if n:
            out.append(f"{pad}else:\n")
        out.append(f"{pad}    p[{f}] += {value[child] - value[node]!r}\n")
        out.append(_push_source(tree, child, depth + 1))
    return "".join(out)


def _compiled(model: str, name: str, source: str, base: float) -> Callable[..., Any] | None:
    """The function ``name`` defined by ``source``, compiled; None when the trees are too deep for Python's parser.

    Written out once as Python source and compiled, the trees take an item
    down without the interpreter reading the node lists, several times
    faster than walking them. The comparisons are those of the walk
    (``x[feature] <= threshold``) and the floats are written with ``repr``,
    which gives the same floats back, so every item reaches the same leaves
    and adds the same floats in the same order, to the last bit. Trees
    hundreds of levels deep are walked instead.
    """
    namespace: dict[str, Any] = {"inf": math.inf, "nan": math.nan, "base": base}  # repr() of non-finite floats
    try:
        code = compile(source, f"<trees of {model}>", "exec")
    except (SyntaxError, RecursionError, MemoryError):
        return None
    exec(code, namespace)
    return namespace[name]


def _walked_logit(trees: Sequence[Tree], base: float) -> Callable[[Sequence[float]], float]:
    """:meth:`TreeModel.logit` walking the node lists (trees too deep to compile)."""

    def logit(x: Sequence[float]) -> float:
        z = base
        for tree in trees:
            z += tree[4][_walk(tree, x)]
        return z

    return logit


def _walked_pushes(trees: Sequence[Tree]) -> Callable[[Sequence[float], list[float]], None]:
    """:attr:`TreeModel._add_pushes` walking the node lists (trees too deep to compile)."""

    def add_pushes(x: Sequence[float], pushes: list[float]) -> None:
        for feature, threshold, left, right, value in trees:
            node = 0
            while (f := feature[node]) >= 0:
                child = left[node] if x[f] <= threshold[node] else right[node]
                pushes[f] += value[child] - value[node]
                node = child

    return add_pushes


def _matrix(rows: Sequence[Sequence[float]], n_features: int) -> Any:
    """A batch as a 2-D float array of ``n_features`` columns (an empty batch: no rows)."""
    matrix = np.asarray(rows, dtype=float)
    return matrix.reshape(len(matrix), n_features) if not matrix.size else matrix


def _tree(data: dict[str, Any], n_features: int) -> Tree:
    """One tree's arrays, checked: every inner node names a feature and two later nodes (so every walk ends), and
    no node has two parents (each leaf has one path, whose pushes :meth:`TreeModel.contributions` reads)."""
    feature, threshold, left, right, value = (list(data[k]) for k in TREE_KEYS)
    size = len(feature)
    if not size or any(len(a) != size for a in (threshold, left, right, value)):
        raise ValueError("a tree's arrays differ in length or are empty")
    for node, f in enumerate(feature):
        if f >= n_features or (f >= 0 and not (node < left[node] < size and node < right[node] < size)):
            raise ValueError(f"node {node} of a tree names a feature or a child that does not exist")
    children = [c for node, f in enumerate(feature) if f >= 0 for c in (left[node], right[node])]
    if len(set(children)) < len(children):
        raise ValueError("a node of a tree has two parents (the file describes a graph, not a tree)")
    return ([int(f) for f in feature], [float(t) for t in threshold], [int(n) for n in left],
            [int(n) for n in right], [float(v) for v in value])


@lru_cache(maxsize=32)
def _load(path: str) -> TreeModel:
    data = read_weights(path)
    try:
        return TreeModel.from_dict(data)
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from None
