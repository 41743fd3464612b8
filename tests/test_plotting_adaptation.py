"""Tests for tlutils.plotting.adaptation: boundaries, weights and accuracy-vs-shift figures."""

# ruff: noqa: N803, N806  (X, Z: scikit-learn's names for feature matrices)
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from sklearn.linear_model import LogisticRegression

from tlutils.plotting import OKABE_ITO, use_house_style
from tlutils.plotting.adaptation import (
    CLASS_COLORS,
    METHOD_COLORS,
    method_colour,
    plot_accuracy_vs_shift,
    plot_decision_boundaries,
    plot_decision_boundary,
    plot_importance_weights,
)


@pytest.fixture(autouse=True)
def _close_figures():
    use_house_style()
    yield
    plt.close("all")


@pytest.fixture
def points():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    return X, y, X + [0.5, 0.0], y


def _scatter_sizes(ax) -> list[np.ndarray]:
    return [c.get_sizes() for c in ax.collections if isinstance(c, PathCollection)]


def test_method_colours_are_fixed_and_case_insensitive() -> None:
    assert method_colour("DANN") == method_colour("dann") == METHOD_COLORS["dann"]
    assert method_colour("Source only") == OKABE_ITO["black"]
    assert method_colour("something new") == method_colour("something new")
    assert len(set(METHOD_COLORS.values())) == len(METHOD_COLORS)
    with pytest.raises(TypeError, match="name=3"):
        method_colour(3)


def test_decision_boundary_draws_the_half_level_and_both_domains(points) -> None:
    X, y, X_t, y_t = points
    model = LogisticRegression().fit(X, y)
    ax = plot_decision_boundary(model, X, y, X_t, y_t, title="logistic", resolution=30)
    assert ax.get_title() == "logistic"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")
    # two source classes + two target classes
    assert len(_scatter_sizes(ax)) == 4
    # the 0.5 contour exists: a line collection in black
    levels = [getattr(c, "levels", None) for c in ax.collections]
    assert any(lv is not None and list(lv) == [0.5] for lv in levels)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["source, class 0", "source, class 1"]
    assert "boundary $P = 0.5$" in labels


def test_decision_boundary_accepts_a_function_and_unlabelled_target(points) -> None:
    X, y, X_t, _ = points
    ax = plot_decision_boundary(lambda Z: 1 / (1 + np.exp(-Z[:, 1])), X, y, X_t, resolution=20)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "target (no label)" in labels
    assert len(_scatter_sizes(ax)) == 3  # target points in one grey group


def test_decision_boundary_without_a_boundary_in_view_draws_no_contour(points) -> None:
    X, y, X_t, _ = points
    ax = plot_decision_boundary(lambda Z: np.full(len(Z), 0.9), X, y, X_t, resolution=10)
    levels = [getattr(c, "levels", None) for c in ax.collections]
    assert not any(lv is not None and list(lv) == [0.5] for lv in levels)


def test_decision_boundary_rejects_bad_inputs(points) -> None:
    X, y, X_t, _ = points
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"X_source has shape \(40, 3\)"):
        plot_decision_boundary(model, np.zeros((40, 3)), y, X_t)
    with pytest.raises(ValueError, match="X_target has shape"):
        plot_decision_boundary(model, X, y, np.zeros((0, 2)))
    with pytest.raises(ValueError, match=r"y_source has shape \(39,\)"):
        plot_decision_boundary(model, X, y[:-1], X_t)
    with pytest.raises(ValueError, match="binary labels"):
        plot_decision_boundary(model, X, y + 1, X_t)
    with pytest.raises(TypeError, match="predict_proba"):
        plot_decision_boundary("not a model", X, y, X_t)
    with pytest.raises(ValueError, match="resolution=1"):
        plot_decision_boundary(model, X, y, X_t, resolution=1)
    with pytest.raises(ValueError, match="NaN or infinity"):
        plot_decision_boundary(model, np.full((4, 2), np.nan), [0, 1, 0, 1], X_t)


def test_decision_boundaries_one_panel_per_model_and_a_shared_legend(points) -> None:
    X, y, X_t, y_t = points
    models = {
        name: LogisticRegression(C=c).fit(X, y)
        for name, c in [("a", 1), ("b", 0.1), ("c", 10), ("d", 2)]
    }
    fig = plot_decision_boundaries(models, X, y, X_t, y_t, ncols=3, resolution=15, suptitle="S")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d"]
    assert len(fig.legends) == 1
    assert fig.get_suptitle() == "S"
    with pytest.raises(TypeError, match="non-empty dict"):
        plot_decision_boundaries({}, X, y, X_t)
    with pytest.raises(ValueError, match="ncols=0"):
        plot_decision_boundaries(models, X, y, X_t, ncols=0)


def test_importance_weights_sizes_follow_the_weights(points) -> None:
    X, _, X_t, _ = points
    weights = np.linspace(0.0, 3.0, len(X))
    ax = plot_importance_weights(X, weights, X_t)
    sizes = _scatter_sizes(ax)[1]
    np.testing.assert_allclose(sizes / sizes.max(), weights / weights.max())
    ess = weights.sum() ** 2 / np.sum(weights**2)
    assert f"effective sample size {ess:.1f} of {len(X)}" in ax.get_title()
    with pytest.raises(ValueError, match=r"weights has shape \(3,\)"):
        plot_importance_weights(X, [1.0, 2.0, 3.0], X_t)
    with pytest.raises(ValueError, match=">= 0"):
        plot_importance_weights(X, -np.ones(len(X)), X_t)


def test_accuracy_vs_shift_plots_means_bands_and_seeds() -> None:
    results = pd.DataFrame(
        {
            "method": ["DANN"] * 4 + ["source only"] * 4,
            "angle": [0, 0, 30, 30] * 2,
            "accuracy": [1.0, 0.98, 0.9, 0.8, 1.0, 1.0, 0.7, 0.6],
        }
    )
    ax = plot_accuracy_vs_shift(results, order=["source only", "DANN"])
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["source only", "DANN"]
    np.testing.assert_allclose(lines[1].get_ydata(), [0.99, 0.85])
    assert lines[1].get_color() == METHOD_COLORS["dann"]
    assert ax.get_xlabel() == "rotation of the target (degrees)"
    assert ax.get_ylabel() == "target test accuracy"
    assert len(ax.collections) == 4  # one band and one seed scatter per method


def test_accuracy_vs_shift_rejects_bad_inputs() -> None:
    results = pd.DataFrame({"method": ["a"], "angle": [0], "accuracy": [0.5]})
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['score'\]"):
        plot_accuracy_vs_shift(results, y="score")
    with pytest.raises(ValueError, match=r"order names \['b'\]"):
        plot_accuracy_vs_shift(results, order=["b"])
    with pytest.raises(TypeError, match="non-empty pandas DataFrame"):
        plot_accuracy_vs_shift(results.iloc[0:0])
    with pytest.raises(TypeError, match="column 'accuracy'"):
        plot_accuracy_vs_shift(results.assign(accuracy=["x"]))


def test_class_colours_are_two_distinct_palette_colours() -> None:
    assert len(set(CLASS_COLORS)) == 2 and set(CLASS_COLORS) <= set(OKABE_ITO.values())
