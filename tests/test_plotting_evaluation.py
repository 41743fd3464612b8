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

from tlutils.metrics import expected_calibration_error
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


# ------------------------------------------------------------------------------ confusion matrix


def test_confusion_matrix_shows_the_counts_row_by_row():
    y_true = [0, 0, 0, 1, 1, 2]
    y_pred = [0, 0, 1, 1, 2, 2]
    fig = plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"])
    ax = fig.axes[0]
    cells = [text.get_text() for text in ax.texts]
    assert cells == ["2", "1", "0", "0", "1", "1", "0", "0", "1"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert fig.axes[1].get_ylabel() == "number of examples"  # the colour bar


def test_confusion_matrix_normalised_by_true_class_gives_recalls_on_the_diagonal():
    y_true = [0, 0, 0, 0, 1, 1]
    y_pred = [0, 0, 0, 1, 1, 1]
    fig = plot_confusion_matrix(y_true, y_pred, normalize="true")
    assert [text.get_text() for text in fig.axes[0].texts] == ["0.75", "0.25", "0.00", "1.00"]
    # counts [[3, 1], [0, 2]]; by predicted class (columns): [[3/3, 1/3], [0/3, 2/3]]
    fig = plot_confusion_matrix(y_true, y_pred, normalize="pred")
    assert [text.get_text() for text in fig.axes[0].texts] == ["1.00", "0.33", "0.00", "0.67"]


def test_confusion_matrix_draws_into_a_given_axes_with_a_label_order():
    fig, (left, right) = plt.subplots(1, 2)
    returned = plot_confusion_matrix([1, 1, 0], [1, 0, 0], labels=[1, 0], ax=right, title="t")
    assert returned is fig
    assert right.get_title() == "t" and not left.texts
    assert [text.get_text() for text in right.texts] == ["1", "1", "0", "1"]


def test_confusion_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match="normalize='rows' is not supported"):
        plot_confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match="class_names has 1 entries but there are 2 classes"):
        plot_confusion_matrix([0, 1], [0, 1], class_names=["a"])
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) and y_pred has shape \(2,\)"):
        plot_confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="non-empty 1-D arrays"):
        plot_confusion_matrix([], [])


# ------------------------------------------------------------------------------ ROC and PR


def test_roc_pr_legends_report_scikit_learn_areas(binary_scores):
    y_true, scores = binary_scores
    fig = plot_roc_pr_curves(y_true, scores)
    roc_ax, pr_ax = fig.axes
    for name, score in scores.items():
        assert f"{name} (AUC {roc_auc_score(y_true, score):.3f})" in legend_texts(roc_ax)
        assert f"{name} (AP {average_precision_score(y_true, score):.3f})" in legend_texts(pr_ax)
    assert "chance (AUC 0.5)" in legend_texts(roc_ax)
    assert "chance (AP 0.50)" in legend_texts(pr_ax)
    assert (roc_ax.get_xlabel(), roc_ax.get_ylabel()) == (
        "false positive rate",
        "true positive rate (recall)",
    )
    assert (pr_ax.get_xlabel(), pr_ax.get_ylabel()) == ("recall", "precision")


def test_roc_pr_uses_the_book_colours_for_strategies(binary_scores):
    y_true, scores = binary_scores
    roc_ax = plot_roc_pr_curves(y_true, scores).axes[0]
    colours = [to_hex(line.get_color()) for line in roc_ax.get_lines()[:2]]
    expected = [STRATEGY_COLORS["fine-tune all"], STRATEGY_COLORS["target only"]]
    assert colours == [to_hex(colour) for colour in expected]
    other = plot_roc_pr_curves(y_true, {"x": scores["target only"], "y": scores["fine-tune all"]})
    first, second = (to_hex(line.get_color()) for line in other.axes[0].get_lines()[:2])
    assert first != second


def test_roc_pr_marks_the_operating_point_of_a_threshold():
    y_true = np.array([0, 0, 0, 1, 1, 1])
    score = np.array([0.1, 0.6, 0.3, 0.7, 0.4, 0.9])
    fig = plot_roc_pr_curves(y_true, score, thresholds=[0.5])
    # at 0.5: predicted 1 for 0.6, 0.7, 0.9 -> TP 2, FP 1; FPR 1/3, TPR 2/3, precision 2/3
    roc_point = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "threshold 0.5"][0]
    pr_point = [ln for ln in fig.axes[1].get_lines() if ln.get_label() == "threshold 0.5"][0]
    assert roc_point.get_xydata()[0].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert pr_point.get_xydata()[0].tolist() == pytest.approx([2 / 3, 2 / 3])


def test_roc_pr_rejects_bad_input():
    with pytest.raises(ValueError, match="single class"):
        plot_roc_pr_curves([1, 1, 1], [0.2, 0.4, 0.9])
    with pytest.raises(ValueError, match="allowed: labels 0 and 1"):
        plot_roc_pr_curves([0, 1, 2], [0.2, 0.4, 0.9])
    with pytest.raises(ValueError, match=r"scores of 'model' have shape \(2,\)"):
        plot_roc_pr_curves([0, 1, 1], [0.2, 0.4])
    with pytest.raises(ValueError, match="y_score is an empty mapping"):
        plot_roc_pr_curves([0, 1], {})


# ------------------------------------------------------------------------------ reliability


def test_reliability_diagram_reports_each_models_ece(binary_scores):
    y_true, scores = binary_scores
    fig = plot_reliability_diagram(y_true, scores, n_bins=8)
    top, bottom = fig.axes
    texts = legend_texts(top)
    assert texts[0] == "perfectly calibrated"
    for name, prob in scores.items():
        assert f"{name} (ECE {expected_calibration_error(y_true, prob, n_bins=8):.3f})" in texts
    bar_total = sum(patch.get_height() for patch in bottom.patches)
    assert bar_total == 2 * len(y_true)  # two models, every prediction counted once
    assert top.get_ylabel() == "observed fraction of class 1"
    assert bottom.get_xlabel().startswith("predicted probability of class 1")


def test_reliability_diagram_for_class_probabilities_uses_top_class_labels():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(4), size=50)
    fig = plot_reliability_diagram(rng.integers(0, 4, size=50), probs)
    assert fig.axes[0].get_ylabel() == "accuracy"
    assert fig.axes[1].get_xlabel().startswith("confidence: top-class probability")
    assert legend_texts(fig.axes[0])[1].startswith("model (ECE ")


def test_reliability_diagram_rejects_bad_input():
    with pytest.raises(ValueError, match=r"y_score contains 1.5"):
        plot_reliability_diagram([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="strategy='equal' is not supported"):
        plot_reliability_diagram([0, 1], [0.5, 0.5], strategy="equal")


# ------------------------------------------------------------------------------ style


def test_figures_use_the_house_style_without_changing_global_settings():
    mpl.rcParams["axes.spines.top"] = True
    before = dict(mpl.rcParams)
    fig = plot_roc_pr_curves([0, 1, 0, 1], [0.2, 0.8, 0.4, 0.6])
    assert not fig.axes[0].spines["top"].get_visible()
    assert dict(mpl.rcParams) == before
