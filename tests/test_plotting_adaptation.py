"""Tests for tlutils.plotting.adaptation: boundaries, weights and accuracy-vs-shift figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from sklearn.linear_model import LogisticRegression

from tlutils.plotting import colour_for, use_house_style
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
    source = rng.normal(size=(40, 2))
    labels = (source[:, 0] > 0).astype(int)
    return source, labels, source + [0.5, 0.0], labels


def _scatters(ax) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _has_half_level(ax) -> bool:
    return any(list(getattr(c, "levels", [])) == [0.5] for c in ax.collections)


def test_method_colours_ignore_case_and_fall_back_to_strategy_colours() -> None:
    assert method_colour(" DANN ") == METHOD_COLORS["dann"]
    assert method_colour("fine-tune all") == colour_for("fine-tune all")


def test_method_colour_needs_a_name() -> None:
    with pytest.raises(TypeError, match="name=3 is not a str"):
        method_colour(3)


def test_decision_boundary_draws_the_half_level_over_both_domains(points) -> None:
    source, labels, target, target_labels = points
    model = LogisticRegression().fit(source, labels)
    ax = plot_decision_boundary(model, source, labels, target, target_labels, title="logistic")
    assert ax.get_title() == "logistic" and _has_half_level(ax)
    groups = _scatters(ax)  # source class 0 and 1, then target class 0 and 1
    assert [len(g.get_offsets()) for g in groups] == [sum(labels == 0), sum(labels == 1)] * 2
    np.testing.assert_array_equal(groups[3].get_offsets(), target[target_labels == 1])
    assert [g.get_facecolor()[0][:3].tolist() for g in groups[:2]] == [
        list(matplotlib.colors.to_rgb(c)) for c in CLASS_COLORS
    ]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == [
        "source, class 0",
        "source, class 1",
        "target, class 0",
        "target, class 1",
        "boundary $P = 0.5$",
    ]


def test_decision_boundary_accepts_a_function_and_an_unlabelled_target(points) -> None:
    source, labels, target, _ = points
    ax = plot_decision_boundary(lambda z: 1 / (1 + np.exp(-z[:, 1])), source, labels, target)
    assert len(_scatters(ax)) == 3  # the target is one grey group
    assert "target (no label)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_decision_boundary_without_a_boundary_in_view_draws_no_line(points) -> None:
    source, labels, target, _ = points
    ax = plot_decision_boundary(lambda z: np.full(len(z), 0.9), source, labels, target)
    assert not _has_half_level(ax)


def test_decision_boundary_needs_binary_labels(points) -> None:
    source, labels, target, _ = points
    with pytest.raises(ValueError, match=r"y_source contains \[2\]"):
        plot_decision_boundary(LogisticRegression(), source, labels + 1, target)


def test_decision_boundaries_one_panel_per_model_and_one_legend(points) -> None:
    source, labels, target, target_labels = points
    models = {
        name: LogisticRegression(C=c).fit(source, labels)
        for name, c in zip("abcd", [1, 2, 3, 4], strict=True)
    }
    fig = plot_decision_boundaries(
        models, source, labels, target, target_labels, ncols=3, resolution=15, suptitle="S"
    )
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d"]  # 2 x 3 grid, 2 removed
    assert len(fig.legends) == 1 and fig.get_suptitle() == "S"
    assert all(ax.get_legend() is None for ax in fig.axes)


def test_decision_boundaries_reject_a_wrong_panel_count(points) -> None:
    source, labels, target, _ = points
    with pytest.raises(TypeError, match="ncols=2.0 has type float"):
        plot_decision_boundaries({"a": LogisticRegression()}, source, labels, target, ncols=2.0)


def test_importance_weights_set_the_area_of_each_source_point(points) -> None:
    source, _, target, _ = points
    weights = np.linspace(0.0, 3.0, len(source))
    ax = plot_importance_weights(source, weights, target)
    sizes = _scatters(ax)[1].get_sizes()
    np.testing.assert_allclose(sizes / sizes.max(), weights / weights.max())
    ess = weights.sum() ** 2 / np.sum(weights**2)
    assert ax.get_title() == f"importance weights (effective sample size {ess:.1f} of 40)"


def test_importance_weights_must_not_be_negative(points) -> None:
    source, _, target, _ = points
    with pytest.raises(ValueError, match="weights has a value -1 outside"):
        plot_importance_weights(source, -np.ones(len(source)), target)


def test_accuracy_vs_shift_draws_means_bands_and_seeds() -> None:
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
    assert len(ax.collections) == 4  # one band and one scatter of seeds per method
    band = ax.collections[2].get_paths()[0].vertices[:, 1]  # DANN: mean +/- std
    assert band.max() == pytest.approx(0.99 + np.std([1.0, 0.98], ddof=1))


def test_accuracy_vs_shift_needs_numeric_scores() -> None:
    results = pd.DataFrame({"method": ["a"], "angle": [0], "accuracy": ["x"]})
    with pytest.raises(TypeError, match="results\\['accuracy'\\] has dtype"):
        plot_accuracy_vs_shift(results)
