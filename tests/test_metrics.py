"""Tests for tlutils.metrics: hand-computed cases, with scikit-learn as the oracle."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    multilabel_confusion_matrix,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    roc_auc_score,
)

from tlutils.metrics import (
    best_threshold,
    classification_scores,
    confusion_counts,
    precision_recall_f1,
    precision_recall_f1_from_counts,
)

ZERO_DIVISIONS = ("warn", 0.0, 1.0, np.nan)
FIRST_WORD = {"Precision": "precision", "Recall": "recall", "F1": "f1", "F-score": "f1"}


def warned_metrics(function, *args, **kwargs):
    """``function(*args, **kwargs)`` and the metrics it raised UndefinedMetricWarning for."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    names = [
        FIRST_WORD[str(w.message).split()[0]]
        for w in caught
        if issubclass(w.category, UndefinedMetricWarning)
    ]
    return result, sorted(names)


# ------------------------------------------------------------------------ from counts


def test_precision_and_recall_from_counts_are_not_swapped():
    scores = precision_recall_f1_from_counts(tp=8, fp=2, fn=6)
    assert scores.precision == pytest.approx(8 / 10)  # 8 of the 10 predicted positives
    assert scores.recall == pytest.approx(8 / 14)  # 8 of the 14 real positives
    assert scores.f1 == pytest.approx(2 * 0.8 * (8 / 14) / (0.8 + 8 / 14))
    assert scores.f1 == pytest.approx(2 * 8 / (2 * 8 + 2 + 6))
    blog_precision, blog_recall = 8 / (8 + 6), 8 / (8 + 2)  # the swapped formulas
    assert (blog_precision, blog_recall) == pytest.approx((scores.recall, scores.precision))
    assert scores.precision != pytest.approx(blog_precision)
    # the same counts as label arrays give the same scores through scikit-learn
    y_true = [1] * 8 + [0] * 2 + [1] * 6
    y_pred = [1] * 8 + [1] * 2 + [0] * 6
    assert precision_recall_f1(y_true, y_pred) == scores
    assert confusion_counts(y_true, y_pred).loc[1, ["tp", "fp", "fn"]].tolist() == [8, 2, 6]


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS, ids=repr)
@pytest.mark.parametrize(
    ("tp", "fp", "fn"), [(0, 0, 0), (0, 0, 3), (0, 2, 0), (0, 2, 3), (4, 1, 2)]
)
def test_from_counts_agrees_with_sklearn(tp, fp, fn, zero_division):
    y_true = np.array([1] * tp + [0] * fp + [1] * fn + [0, 0])
    y_pred = np.array([1] * tp + [1] * fp + [0] * fn + [0, 0])
    expected, expected_warned = warned_metrics(
        precision_recall_fscore_support,
        y_true,
        y_pred,
        average="binary",
        zero_division=zero_division,
    )
    got, got_warned = warned_metrics(
        precision_recall_f1_from_counts, tp, fp, fn, zero_division=zero_division
    )
    np.testing.assert_array_equal([got.precision, got.recall, got.f1], expected[:3])
    assert got_warned == expected_warned


def test_from_counts_rejects_an_unknown_zero_division():
    with pytest.raises(ValueError, match=r"zero_division=0\.5 is not supported"):
        precision_recall_f1_from_counts(1, 0, 0, zero_division=0.5)


# ---------------------------------------------------------------- precision_recall_f1


def random_case(seed: int) -> dict:
    """Random labels: sometimes one predicted class, a label subset or superset, strings."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 40)), int(rng.integers(2, 6))
    y_true, y_pred = rng.integers(0, k, n), rng.integers(0, k, n)
    if seed % 3 == 1:
        y_pred = np.full(n, rng.integers(0, k))
    labels = [None, rng.permutation(k)[: int(rng.integers(1, k + 1))], np.arange(k + 2)][seed % 3]
    if seed % 4 == 0:
        names = np.array(list("abcdefg"))
        y_true, y_pred = names[y_true], names[y_pred]
        labels = None if labels is None else names[labels]
    return {"y_true": y_true, "y_pred": y_pred, "labels": labels}


@pytest.mark.parametrize("seed", range(32))
def test_precision_recall_f1_agrees_with_sklearn(seed):
    case = random_case(seed)
    average = ("micro", "macro", "weighted", None)[seed % 4]
    zero_division = ZERO_DIVISIONS[(seed // 4) % 4]
    expected, expected_warned = warned_metrics(
        precision_recall_fscore_support, **case, average=average, zero_division=zero_division
    )
    got, got_warned = warned_metrics(
        precision_recall_f1, **case, average=average, zero_division=zero_division
    )
    if average is None:
        data_labels = np.union1d(case["y_true"], case["y_pred"])
        order = data_labels if case["labels"] is None else case["labels"]
        assert got.index.tolist() == list(order)
        np.testing.assert_array_equal(got[["precision", "recall", "f1"]].T, expected[:3])
        np.testing.assert_array_equal(got["support"], expected[3])
    else:
        np.testing.assert_array_equal([got.precision, got.recall, got.f1], expected[:3])
    assert got_warned == expected_warned


def test_zero_division_sets_undefined_scores_and_nan_leaves_them_out_of_means():
    # class 2 is never predicted: its precision is undefined
    y_true, y_pred = [0, 1, 2, 2], [0, 1, 1, 1]
    scores, warned = warned_metrics(precision_recall_f1, y_true, y_pred, average="macro")
    assert warned == ["precision"]
    assert scores.precision == pytest.approx((1 + 1 / 3 + 0) / 3)
    for value, expected in ((0.0, (1 + 1 / 3 + 0) / 3), (1.0, (1 + 1 / 3 + 1) / 3)):
        scores, warned = warned_metrics(
            precision_recall_f1, y_true, y_pred, average="macro", zero_division=value
        )
        assert (scores.precision, warned) == (pytest.approx(expected), [])
    scores = precision_recall_f1(y_true, y_pred, average="macro", zero_division=np.nan)
    assert scores.precision == pytest.approx((1 + 1 / 3) / 2)  # the mean of the defined ones
    table = precision_recall_f1(y_true, y_pred, average=None, zero_division=np.nan)
    assert np.isnan(table.loc[2, "precision"])
    assert table.loc[2, "recall"] == 0.0  # defined: class 2 has true samples, none found


def test_average_none_is_a_table_per_label_in_the_requested_order():
    table = precision_recall_f1(
        pd.Series(["cat", "dog", "cat", "fox"]),  # an object array of strings
        ["cat", "cat", "cat", "fox"],
        average=None,
        labels=["fox", "cat", "dog"],
        zero_division=0.0,
    )
    assert table.index.tolist() == ["fox", "cat", "dog"]
    assert table.loc["cat"].tolist() == pytest.approx([2 / 3, 1.0, 0.8, 2])
    assert table["support"].tolist() == [1, 2, 1]


def test_precision_recall_f1_rejects_string_and_number_labels_together():
    with pytest.raises(ValueError, match=r"y_pred holds number labels; allowed: string labels"):
        precision_recall_f1(["a", "b"], [0, 1], average="macro")


# ------------------------------------------------------------------- confusion_counts


def test_confusion_counts_by_hand_and_with_absent_labels():
    counts = confusion_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    assert counts.loc[0].tolist() == [1, 1, 1, 3, 2]  # tp, fp, fn, tn, support
    assert counts.loc[1].tolist() == [1, 1, 0, 4, 1]
    assert counts.loc[2].tolist() == [2, 0, 1, 3, 3]
    subset = confusion_counts(["a", "b", "c"], ["a", "c", "c"], labels=["c", "z"])
    assert subset.index.tolist() == ["c", "z"]
    assert subset.loc["c"].tolist() == [1, 1, 0, 1, 1]
    assert subset.loc["z"].tolist() == [0, 0, 0, 3, 0]


@pytest.mark.parametrize("seed", range(6))
def test_confusion_counts_agree_with_sklearn(seed):
    case = random_case(seed)
    counts = confusion_counts(**case)
    matrices = multilabel_confusion_matrix(case["y_true"], case["y_pred"], labels=case["labels"])
    np.testing.assert_array_equal(counts[["tn", "fp", "fn", "tp"]], matrices.reshape(-1, 4))


def test_confusion_counts_rejects_duplicate_labels():
    with pytest.raises(ValueError, match=r"labels=\[1, 1\] has duplicates"):
        confusion_counts([0, 1], [0, 1], labels=[1, 1])


# -------------------------------------------------------------- classification_scores


@pytest.mark.parametrize(("seed", "threshold"), [(0, 0.5), (1, 0.3), (2, 0.8)])
def test_binary_scores_agree_with_sklearn(seed, threshold):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 60)
    y_score = np.clip(0.4 * y_true + 0.6 * rng.random(60), 0, 1)
    y_pred = (y_score >= threshold).astype(int)
    scores = classification_scores(y_true, y_score[:, None], threshold=threshold)
    assert scores == pytest.approx(
        {
            "accuracy": accuracy_score(y_true, y_pred),
            "precision": precision_score(y_true, y_pred),
            "recall": recall_score(y_true, y_pred),
            "f1": f1_score(y_true, y_pred),
            "roc_auc": roc_auc_score(y_true, y_score),
        }
    )


def test_binary_threshold_is_inclusive():
    scores = classification_scores([0, 1], [0.3, 0.5])
    assert scores["accuracy"] == 1.0


@pytest.mark.parametrize(("seed", "n_classes"), [(0, 2), (1, 3), (2, 5)])
def test_multiclass_scores_agree_with_sklearn(seed, n_classes):
    rng = np.random.default_rng(seed)
    y_true = np.arange(80) % n_classes
    logits = rng.normal(size=(80, n_classes)) + 1.5 * np.eye(n_classes)[y_true]
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_pred = prob.argmax(axis=1)
    auc = roc_auc_score(y_true, prob[:, 1] if n_classes == 2 else prob, multi_class="ovr")
    macro = precision_recall_fscore_support(y_true, y_pred, average="macro")
    assert classification_scores(y_true, prob) == pytest.approx(
        {
            "accuracy": accuracy_score(y_true, y_pred),
            "precision_macro": macro[0],
            "recall_macro": macro[1],
            "f1_macro": macro[2],
            "roc_auc_ovr": auc,
        }
    )


def test_roc_auc_is_nan_with_a_warning_when_a_class_is_missing():
    with pytest.warns(UndefinedMetricWarning, match=r"class\(es\) \[0\]"):
        scores = classification_scores([1, 1, 1], [0.2, 0.7, 0.9], zero_division=0.0)
    assert np.isnan(scores["roc_auc"])
    assert scores["recall"] == pytest.approx(2 / 3)


def test_classification_scores_rejects_rows_that_do_not_sum_to_one():
    with pytest.raises(ValueError, match=r"y_score has a row summing to 1\.1"):
        classification_scores([0, 1], [[0.5, 0.6], [0.2, 0.8]])


# --------------------------------------------------------------------- best_threshold


def test_best_threshold_moves_only_when_that_helps():
    assert best_threshold([0, 0, 1, 1], [0.0, 0.25, 0.375, 1.0]) == 0.3125
    assert best_threshold([0, 1], [0.2, 0.9]) == 0.5  # 0.5 already separates: it wins the tie
    assert best_threshold([1, 1, 1], [0.1, 0.2, 0.3]) == 0.0  # everything positive
    assert best_threshold([0, 0, 0], [0.7, 0.8, 0.9]) == np.inf  # everything negative


def test_best_threshold_maximises_the_score_it_is_given():
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, size=200)
    y_score = np.clip(0.3 * y_true + rng.normal(0.35, 0.2, size=200), 0, 1)

    def f1(true, pred):
        return precision_recall_f1(true, pred, zero_division=0.0).f1

    for name, score in (("accuracy", accuracy_score), ("f1", f1)):
        threshold = best_threshold(y_true, y_score, score=score)
        best = score(y_true, (y_score >= threshold).astype(int))
        grid = [score(y_true, (y_score >= t).astype(int)) for t in np.linspace(0, 1, 101)]
        assert best >= max(grid), name
    assert best_threshold(y_true, y_score) == best_threshold(y_true, y_score, score=accuracy_score)


def test_best_threshold_midpoints_keep_the_dtype_of_the_scores():
    scores = np.array([0.6, 0.7], dtype=np.float32)  # e.g. a Keras sigmoid output
    in_float32 = float((scores[0] + scores[1]) / 2)
    assert in_float32 != (float(scores[0]) + float(scores[1])) / 2
    assert best_threshold([0, 1], scores) == in_float32


def test_best_threshold_rejects_labels_other_than_0_and_1():
    with pytest.raises(ValueError, match=r"y_true contains 2; allowed: class indices 0\.\.1"):
        best_threshold([0, 2], [0.1, 0.2])
