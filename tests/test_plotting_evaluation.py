"""Tests for tlutils.plotting.evaluation: confusion matrix, ROC/PR curves, reliability diagram."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from sklearn.metrics import average_precision_score, roc_auc_score

from tlutils.calibration import expected_calibration_error
from tlutils.plotting import STRATEGY_COLORS
from tlutils.plotting.evaluation import (
    plot_confusion_matrix,
    plot_reliability_diagram,
    plot_roc_pr_curves,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def binary_scores():
    rng = np.random.default_rng(0)
    y_true = np.repeat([0, 1], 60)
    good = np.clip(0.5 * y_true + rng.normal(0.25, 0.2, size=120), 0, 1)
    weak = np.clip(0.15 * y_true + rng.normal(0.4, 0.2, size=120), 0, 1)
    return y_true, {"fine-tune all": good, "target only": weak}


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def cell_texts(ax):
    return [text.get_text() for text in ax.texts]


def test_confusion_matrix_counts_true_classes_in_rows():
    fig = plot_confusion_matrix([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], class_names=list("abc"))
    ax, colour_bar = fig.axes
    assert cell_texts(ax) == ["2", "1", "0", "0", "1", "1", "0", "0", "1"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert colour_bar.get_ylabel() == "number of examples"
    # the darkest cell (2 of at most 2) gets white text, the empty ones black
    assert [to_hex(t.get_color()) for t in ax.texts[:3]] == ["#ffffff", "#000000", "#000000"]


def test_confusion_matrix_normalises_rows_or_columns():
    y_true, y_pred = [0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1]  # counts [[3, 1], [0, 2]]
    by_row = plot_confusion_matrix(y_true, y_pred, normalize="true")
    assert cell_texts(by_row.axes[0]) == ["0.75", "0.25", "0.00", "1.00"]  # recalls on diagonal
    by_column = plot_confusion_matrix(y_true, y_pred, normalize="pred")
    assert cell_texts(by_column.axes[0]) == ["1.00", "0.33", "0.00", "0.67"]
    assert by_column.axes[1].get_ylabel() == "fraction of the predicted class (column)"


def test_confusion_matrix_draws_into_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_confusion_matrix([1, 1, 0], [1, 0, 0], ax=right, title="t") is fig
    assert right.get_title() == "t" and cell_texts(right) == ["1", "0", "1", "1"]
    assert not left.texts


def test_confusion_matrix_needs_a_name_per_class():
    with pytest.raises(ValueError, match="class_names has 1 entries; allowed: 2, one per class"):
        plot_confusion_matrix([0, 1], [0, 1], class_names=["a"])


def test_roc_pr_legends_report_scikit_learn_areas(binary_scores):
    y_true, scores = binary_scores
    roc_ax, pr_ax = plot_roc_pr_curves(y_true, scores, title="t").axes
    for name, score in scores.items():
        assert f"{name} (AUC {roc_auc_score(y_true, score):.3f})" in legend_texts(roc_ax)
        assert f"{name} (AP {average_precision_score(y_true, score):.3f})" in legend_texts(pr_ax)
    assert legend_texts(roc_ax)[-1] == "chance (AUC 0.5)"
    assert legend_texts(pr_ax)[-1] == "chance (AP 0.50)"  # half the examples are class 1
    assert (roc_ax.get_xlabel(), pr_ax.get_xlabel()) == ("false positive rate", "recall")


def test_roc_pr_colours_known_strategies_like_the_rest_of_the_book(binary_scores):
    y_true, scores = binary_scores
    roc_ax = plot_roc_pr_curves(y_true, scores).axes[0]
    colours = [to_hex(line.get_color()) for line in roc_ax.get_lines()[:2]]
    assert colours == [to_hex(STRATEGY_COLORS[name]) for name in scores]
    other = plot_roc_pr_curves(y_true, {"x": scores["target only"], "y": scores["fine-tune all"]})
    first, second = (to_hex(line.get_color()) for line in other.axes[0].get_lines()[:2])
    assert first != second


def test_roc_pr_mark_the_operating_point_of_a_threshold():
    y_true = np.array([0, 0, 0, 1, 1, 1])
    score = np.array([0.1, 0.6, 0.3, 0.7, 0.4, 0.9])
    fig = plot_roc_pr_curves(y_true, score, thresholds=[0.5])
    # at 0.5: predicted 1 for 0.6, 0.7, 0.9 -> TP 2, FP 1; FPR 1/3, TPR 2/3, precision 2/3
    roc_point, pr_point = (
        next(line for line in ax.get_lines() if line.get_label() == "threshold 0.5")
        for ax in fig.axes
    )
    assert roc_point.get_xydata()[0].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert pr_point.get_xydata()[0].tolist() == pytest.approx([2 / 3, 2 / 3])


def test_roc_pr_need_both_classes():
    with pytest.raises(ValueError, match=r"y_true holds the labels \[1\]"):
        plot_roc_pr_curves([1, 1, 1], [0.2, 0.4, 0.9])


def test_reliability_diagram_reports_each_models_ece(binary_scores):
    y_true, scores = binary_scores
    top, bottom = plot_reliability_diagram(y_true, scores, n_bins=8).axes
    texts = legend_texts(top)
    assert texts[0] == "perfectly calibrated"
    for name, prob in scores.items():
        assert f"{name} (ECE {expected_calibration_error(y_true, prob, n_bins=8):.3f})" in texts
    assert sum(patch.get_height() for patch in bottom.patches) == 2 * len(y_true)  # two models
    assert top.get_ylabel() == "observed fraction of class 1"


def test_reliability_diagram_of_class_probabilities_uses_the_top_class():
    rng = np.random.default_rng(1)
    fig = plot_reliability_diagram(rng.integers(0, 4, size=50), rng.dirichlet(np.ones(4), 50))
    assert fig.axes[0].get_ylabel() == "accuracy"
    assert fig.axes[1].get_xlabel() == "confidence: top-class probability (bin mean)"
    assert legend_texts(fig.axes[0])[1].startswith("model (ECE ")


def test_reliability_diagram_rejects_an_empty_mapping():
    with pytest.raises(ValueError, match="y_prob={} is an empty mapping"):
        plot_reliability_diagram([0, 1], {})


def test_figures_use_the_house_style_without_changing_global_settings():
    with mpl.rc_context({"axes.spines.top": True}):
        before = dict(mpl.rcParams)
        fig = plot_roc_pr_curves([0, 1, 0, 1], [0.2, 0.8, 0.4, 0.6])
        assert not fig.axes[0].spines["top"].get_visible()
        assert dict(mpl.rcParams) == before
