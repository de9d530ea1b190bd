"""The learned-decision machinery: weights files (cleaner/model.py) and their fitting (train/linear.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from cleaner.model import LinearModel, ModelError, matrix

np = pytest.importorskip("numpy")
from train.linear import by_fold, fit_logistic, out_of_fold, write  # noqa: E402


def _data(n: int = 400, seed: int = 1) -> tuple:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 5.0, 0.1] + [0.0, 10.0, 0.0]
    logit = 2.0 * X[:, 0] - 0.4 * (X[:, 1] - 10.0) + 0.0 * X[:, 2]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return X, y


def test_model_file_gives_the_fitted_probabilities(tmp_path):
    X, y = _data()
    fit = fit_logistic(X, y, ["a", "b", "c"], l2=0.1)
    write(tmp_path / "m.json", fit, "demo", 0.5, {"pages": 1})
    model = LinearModel.load(tmp_path / "m.json")
    assert model.features == ("a", "b", "c")
    expected = fit.probability(X[:20])
    got = [model.probability(row) for row in X[:20].tolist()]
    assert got == pytest.approx(expected.tolist(), abs=1e-5)


def test_fit_recovers_the_signs_and_ignores_noise_features():
    X, y = _data(4000)
    fit = fit_logistic(X, y, ["a", "b", "c"], l2=0.01)
    per_unit = [c / s for c, s in zip(fit.coef, fit.scale, strict=True)]
    assert per_unit[0] == pytest.approx(2.0, rel=0.2)
    assert per_unit[1] == pytest.approx(-0.4, rel=0.2)
    assert abs(fit.coef[2]) < 0.2 * abs(fit.coef[0])


def test_explain_names_the_strongest_pushes():
    model = LinearModel.from_dict(
        {"name": "m", "features": ["words", "links"], "mean": [10, 0.1], "scale": [5, 0.1], "coef": [1.0, -3.0],
         "intercept": 0.0}
    )
    why = model.explain([10.0, 0.9])  # average length, many links: the links decide
    assert why.startswith("links=0.90 (-24.0)")
    assert model.probability([10.0, 0.9]) == pytest.approx(1 / (1 + math.exp(24.0)))


@pytest.mark.parametrize(
    "data",
    [
        {"features": ["a"], "mean": [0], "scale": [1]},  # no coef
        {"features": ["a", "b"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0},  # lengths differ
        {"features": ["a"], "mean": ["x"], "scale": [1], "coef": [1], "intercept": 0},  # not a number
    ],
)
def test_bad_weights_are_a_named_error(data):
    with pytest.raises(ModelError):
        LinearModel.from_dict(data)


def test_unreadable_file_is_a_named_error(tmp_path):
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ModelError, match=r"bad\.json"):
        LinearModel.load(tmp_path / "bad.json")


def test_out_of_fold_never_predicts_a_row_with_a_model_that_saw_it():
    folds = [0, 1, 2, 0, 1, 2, 0]
    seen: list[set] = []

    def fit(rows):
        seen.append(set(rows.tolist()))
        return len(seen) - 1

    def predict(k, rows):
        assert not seen[k] & set(rows.tolist())
        return np.full(len(rows), float(k))

    out = out_of_fold(folds, 3, fit, predict)
    assert out.tolist() == [0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 0.0]
    assert [len(t) for _, t in by_fold(folds, 3)] == [3, 2, 2]


def test_weights_file_is_stable_json(tmp_path):
    X, y = _data()
    fit = fit_logistic(X, y, ["a", "b", "c"])
    write(tmp_path / "a.json", fit, "m", 0.4, {})
    write(tmp_path / "b.json", fit_logistic(X, y, ["a", "b", "c"]), "m", 0.4, {})
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    assert json.loads((tmp_path / "a.json").read_text())["threshold"] == 0.4


def test_hinges_let_the_model_bend_and_survive_the_file(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 10, size=(3000, 1))
    y = ((x[:, 0] > 3) & (x[:, 0] < 7)).astype(float)  # a bump: no straight line separates it
    from train.linear import hinge_knots

    hinges = hinge_knots(x, (0.3, 0.7))
    straight = fit_logistic(x, y, ["x"])
    bent = fit_logistic(x, y, ["x"], hinges=hinges, l2=0.01)
    accuracy = lambda f: float(np.mean((f.probability(x) >= 0.5) == y))  # noqa: E731
    assert accuracy(bent) > 0.9 > accuracy(straight)
    write(tmp_path / "b.json", bent, "bump", 0.5, {})
    model = LinearModel.load(tmp_path / "b.json")
    expected = bent.probability(x[:50]).tolist()
    assert [model.probability(row) for row in x[:50].tolist()] == pytest.approx(expected, abs=1e-5)
    assert model.terms[1].startswith("x>")


def _plain_logit(model: LinearModel, x: list[float]) -> float:
    """The raw score as a plain Python loop over the terms: what the C-level inference must equal bit for bit."""
    terms = [*x, *(max(0.0, x[i] - k) for i, k in model.hinges)]
    total = 0.0  # not sum(): from Python 3.12 it compensates rounding, a loop does not
    for w, t in zip(model.weights, terms, strict=True):
        total += w * t
    return model.bias + total


def _plain_pushes(model: LinearModel, x: list[float]) -> list[tuple[str, float]]:
    terms = [*x, *(max(0.0, x[i] - k) for i, k in model.hinges)]
    owner = [*range(len(model.features)), *(i for i, _ in model.hinges)]
    pushes = [0.0] * len(model.features)
    for i, w, t, m in zip(owner, model.weights, terms, model.mean, strict=True):
        pushes[i] += w * (t - m)
    return sorted(zip(model.features, pushes, strict=True), key=lambda p: -abs(p[1]))


@pytest.mark.parametrize("name", ["body_page", "body_lines", "body_context"])
def test_inference_equals_a_plain_loop_bit_for_bit(name: str) -> None:
    """The shipped models score and explain exactly as a loop over the terms would (outputs stay byte-identical
    whatever the speed-ups: the audit log prints the pushes, a score at the threshold decides a line)."""
    from heuristics.body import MODELS

    model = LinearModel.load(MODELS / f"{name}.json")
    rng = np.random.default_rng(7)
    for _ in range(300):
        picks = rng.integers(0, 4, len(model.features))
        x = [[0.0, -0.0, float(rng.normal() * 3), model.mean[i]][p] for i, p in enumerate(picks)]
        assert model.logit(x) == _plain_logit(model, x)
        assert model.contributions(x) == _plain_pushes(model, x)
        assert model.contributions(x, 3) == _plain_pushes(model, x)[:3]
    with pytest.raises(ValueError, match="features given"):
        model.probability([1.0])


@pytest.mark.parametrize("name", ["body_page", "body_lines", "body_context"])
def test_batch_inference_equals_one_item_at_a_time_bit_for_bit(name: str) -> None:
    """The body detector scores and explains a page's lines at once (numpy): the same floats and the same
    strings as item by item, zeros of either sign, ties and values at the hinges' knots included."""
    from heuristics.body import MODELS

    model = LinearModel.load(MODELS / f"{name}.json")
    rng = np.random.default_rng(11)
    knots = {i: k for i, k in model.hinges}
    rows = []
    for _ in range(400):
        picks = rng.integers(0, 5, len(model.features))
        rows.append([[0.0, -0.0, float(rng.normal() * 3), model.mean[i], knots.get(i, 1.0)][p]
                     for i, p in enumerate(picks)])
    assert model.probabilities(rows) == [model.probability(x) for x in rows]
    assert model.explanations(rows) == [model.explain(x) for x in rows]
    assert model.explanations(np.array(rows), 2) == [model.explain(x, 2) for x in rows]
    for size in (1, 2, 3, 8, 9, 17):  # one item, and batches of every layout numpy may choose
        assert model.probabilities(rows[:size]) == [model.probability(x) for x in rows[:size]]
    assert model.probabilities([]) == model.explanations([]) == []
    with pytest.raises(ValueError, match="features given"):
        model.probabilities([[1.0]])
    with pytest.raises(ValueError, match="features given"):
        model.probabilities([[1.0], [2.0]])


def test_matrix_puts_the_later_stages_columns_after_the_first() -> None:
    rows, more = [[1.0, 2.0], [3.0, 4.0]], [[5.0], [6.0]]
    assert matrix(rows).tolist() == rows
    assert matrix(rows, more).tolist() == [[1.0, 2.0, 5.0], [3.0, 4.0, 6.0]]


def test_tree_models_take_the_same_batches() -> None:
    """A body model shipped as boosted trees answers the detector's batch calls, lists or arrays alike."""
    from cleaner.html.trees import TreeModel

    tree = {"feature": [0, -1, -1], "threshold": [0.5, 0.0, 0.0], "left": [1, 0, 0], "right": [2, 0, 0],
            "value": [0.0, -1.0, 2.0]}
    model = TreeModel.from_dict({"name": "t", "features": ["a", "b"], "base": 0.1, "trees": [tree]})
    rows = [[0.2, 1.0], [0.9, 0.0]]
    assert model.probabilities(rows) == model.probabilities(matrix(rows)) == [model.probability(x) for x in rows]
    assert model.explanations(matrix(rows)) == [model.explain(x) for x in rows] == ["a=0.20 (-1.0)", "a=0.90 (+2.0)"]


def test_tree_batches_equal_one_item_at_a_time_bit_for_bit() -> None:
    """Boosted trees score and explain a batch down all trees at once (numpy): the same floats and strings as
    item by item (the shipped main-content model), values on the split thresholds and NaN included, batches below
    and above EXPLAIN_BATCH_FROM."""
    from cleaner.html.trees import EXPLAIN_BATCH_FROM, TreeModel

    model = TreeModel.load(Path(__file__).resolve().parents[1] / "cleaner" / "html" / "main_content.json")
    thresholds = sorted({t for tree in model.trees for t in tree[1]})
    rng = np.random.default_rng(5)
    rows = [[float(rng.choice(thresholds)) if rng.random() < 0.5 else float(rng.normal() * 2) for _ in model.features]
            for _ in range(300)]
    rows.append([float("nan")] * len(model.features))
    for batch in (rows, rows[:40], rows[: EXPLAIN_BATCH_FROM - 1]):
        assert model.probabilities(batch) == [model.probability(x) for x in batch]
        assert model.explanations(np.array(batch)) == [model.explain(x) for x in batch]
        assert model.explanations(batch, 2) == [model.explain(x, 2) for x in batch]


def test_largest_first_orders_as_a_stable_sort() -> None:
    """The explanations' top features: the order a stable descending sort of each row gives, ties in column
    order, zeros, infinities and rows holding a NaN included."""
    from cleaner.model import largest_first

    rng = np.random.default_rng(3)
    for _ in range(300):
        sizes = np.abs(rng.integers(-3, 4, size=(int(rng.integers(0, 6)), int(rng.integers(0, 8)))).astype(float))
        if sizes.size and rng.random() < 0.3:
            sizes[rng.integers(0, sizes.shape[0]), rng.integers(0, sizes.shape[1])] = rng.choice([np.inf, np.nan])
        for top in range(sizes.shape[1] + 2):
            expected = np.argsort(-sizes, axis=1, kind="stable")[:, :top]
            assert largest_first(sizes, top).tolist() == expected.tolist()
