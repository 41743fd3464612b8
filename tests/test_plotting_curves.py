"""Tests for tlutils.plotting.curves and tlutils.plotting.features."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

from tlutils.plotting import colour_for
from tlutils.plotting.curves import plot_learning_curves
from tlutils.plotting.features import embed_2d, plot_embedding, plot_filters


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture()
def summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy": ["target only"] * 3 + ["fine-tune all"] * 3,
            "labels_per_class": [1.0, 5.0, 50.0] * 2,
            "mean": [0.5, 0.7, 0.9, 0.8, 0.9, 0.93],
            "low": [0.45, 0.65, 0.88, 0.75, 0.88, 0.9],
            "high": [0.55, 0.75, 0.92, 0.85, 0.92, 0.95],
        }
    )


def test_learning_curves_draw_a_line_and_a_band_per_strategy(summary) -> None:
    fig = plot_learning_curves(summary, order=["fine-tune all", "target only"], metric="f1")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["fine-tune all", "target only"]
    assert list(lines[1].get_ydata()) == [0.5, 0.7, 0.9]
    assert [line.get_color() for line in lines] == [
        colour_for(s) for s in summary["strategy"][::-3]
    ]
    assert len(ax.collections) == 2  # one band per strategy
    band = ax.collections[1].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(0.45) and band.max() == pytest.approx(0.92)
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "5", "50"]
    assert ax.get_ylabel() == "test f1 (mean over seeds)"


def test_learning_curves_never_give_two_strategies_one_colour(summary) -> None:
    taken = colour_for("target only")
    clash = next(name for name in (f"s{i}" for i in range(100)) if colour_for(name) == taken)
    renamed = summary.replace({"fine-tune all": clash})
    colours = [line.get_color() for line in plot_learning_curves(renamed).axes[0].get_lines()]
    assert colours[0] == taken and colours[1] != taken


def test_learning_curves_draw_into_a_given_axes(summary) -> None:
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_learning_curves(summary, ax=right) is fig
    assert len(right.get_lines()) == 2 and not left.get_lines()


def test_learning_curves_reject_an_unknown_strategy(summary) -> None:
    with pytest.raises(ValueError, match=r"order=\['oracle'\] names \['oracle'\]"):
        plot_learning_curves(summary, order=["oracle"])


def test_filters_share_one_symmetric_colour_scale() -> None:
    kernel = np.random.default_rng(0).normal(size=(3, 3, 1, 10))
    fig = plot_filters(kernel, ncols=4, title="conv1")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10  # the two spare panels of the 3 x 4 grid are hidden
    assert [ax.get_title() for ax in shown[:2]] == ["filter 1", "filter 2"]
    limit = np.abs(kernel).max()
    assert all(ax.images[0].get_clim() == (-limit, limit) for ax in shown)
    np.testing.assert_array_equal(shown[3].images[0].get_array(), kernel[:, :, 0, 3])
    assert fig.get_suptitle() == "conv1"


def test_filters_need_a_one_channel_kernel() -> None:
    with pytest.raises(ValueError, match=r"kernel has shape \(3, 3, 2, 4\)"):
        plot_filters(np.zeros((3, 3, 2, 4)))


def test_embed_2d_is_scikit_learns_projection() -> None:
    features = np.random.default_rng(1).normal(size=(40, 6))
    expected = PCA(n_components=2, random_state=0).fit_transform(features)
    np.testing.assert_allclose(embed_2d(features), expected)
    tsne = embed_2d(features[:12], method="tsne")  # t-SNE is slow: a few points suffice
    assert tsne.shape == (12, 2) and np.isfinite(tsne).all()


def test_embed_2d_needs_three_points() -> None:
    with pytest.raises(ValueError, match=r"features has 2 row\(s\)"):
        embed_2d(np.zeros((2, 5)))


def test_embedding_has_one_legend_entry_per_label() -> None:
    points = np.arange(12, dtype=float).reshape(6, 2)
    fig = plot_embedding(points, np.array([1, 0, 1, 2, 2, 2]), label_names=["a", "b", "c"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    np.testing.assert_array_equal(ax.collections[2].get_offsets(), points[3:])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("component 1", "component 2")


def test_embedding_needs_one_label_per_point() -> None:
    with pytest.raises(ValueError, match="labels has 3 entries but points has 4"):
        plot_embedding(np.zeros((4, 2)), np.array([0, 1, 0]))
