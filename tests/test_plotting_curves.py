"""Tests for tlutils.plotting.curves and tlutils.plotting.features."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tlutils.plotting import colour_for
from tlutils.plotting.curves import plot_learning_curves
from tlutils.plotting.features import embed_2d, plot_embedding, plot_filters


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


def test_learning_curves_draw_means_bands_and_colours(summary) -> None:
    fig = plot_learning_curves(summary, order=["fine-tune all", "target only"])
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["fine-tune all", "target only"]
    assert list(lines[1].get_ydata()) == [0.5, 0.7, 0.9]
    assert lines[0].get_color() == colour_for("fine-tune all")
    assert len(ax.collections) == 2  # one band per strategy
    assert ax.get_xscale() == "log" and "per class" in ax.get_xlabel()
    assert "accuracy" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "5", "50"]
    plt.close(fig)


def test_learning_curves_never_share_a_colour(summary) -> None:
    clash = summary.copy()
    clash.loc[clash["strategy"] == "target only", "strategy"] = "feature extraction"
    clash.loc[clash["strategy"] == "fine-tune all", "strategy"] = "frozen base + new head"
    names = ["frozen base + new head", "feature extraction"]  # one strategy, two names
    assert colour_for(names[0]) == colour_for(names[1])  # the case this test is about
    fig = plot_learning_curves(clash, order=names)
    colours = [line.get_color() for line in fig.axes[0].get_lines()]
    assert len(set(colours)) == 2
    plt.close(fig)


def test_learning_curves_bad_input(summary) -> None:
    with pytest.raises(ValueError, match=r"summary lacks columns \['low'\]"):
        plot_learning_curves(summary.drop(columns="low"))
    with pytest.raises(ValueError, match="unknown strategies"):
        plot_learning_curves(summary, order=["nope"])
    with pytest.raises(TypeError, match="summary has type list"):
        plot_learning_curves([])
    with pytest.raises(ValueError, match="summary is empty"):
        plot_learning_curves(summary.iloc[:0])


def test_filters_one_panel_per_filter_and_shared_scale() -> None:
    kernel = np.arange(3 * 3 * 6, dtype=float).reshape(3, 3, 1, 6) - 20
    fig = plot_filters(kernel, ncols=4)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 6
    assert all(im.get_clim() == (-33.0, 33.0) for im in images)
    np.testing.assert_array_equal(images[2].get_array(), kernel[:, :, 0, 2])
    plt.close(fig)
    with pytest.raises(ValueError, match="kernel has shape"):
        plot_filters(np.zeros((3, 3, 2, 4)))
    with pytest.raises(ValueError, match="ncols=0"):
        plot_filters(np.zeros((3, 3, 1, 4)), ncols=0)


def test_embedding_pca_separates_clusters_and_plot_colours_by_label() -> None:
    rng = np.random.default_rng(0)
    features = np.vstack([rng.normal(0, 0.1, (10, 6)), rng.normal(3, 0.1, (10, 6))])
    points = embed_2d(features, method="pca")
    assert points.shape == (20, 2)
    gap = abs(points[:10, 0].mean() - points[10:, 0].mean())
    assert gap > 10 * points[:10, 0].std()
    tsne = embed_2d(features, method="tsne", random_state=0)
    assert tsne.shape == (20, 2)
    fig = plot_embedding(points, np.repeat([0, 1], 10), label_names=["source", "target"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["source", "target"]
    assert len(ax.collections) == 2
    plt.close(fig)
    with pytest.raises(ValueError, match="method='umap'"):
        embed_2d(features, method="umap")
    with pytest.raises(ValueError, match="points has shape"):
        plot_embedding(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="labels has shape"):
        plot_embedding(np.zeros((4, 2)), np.zeros(3))
