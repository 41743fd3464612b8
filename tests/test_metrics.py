"""Tests for tlutils.metrics, with scikit-learn as the oracle."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import UndefinedMetricWarning as SklearnUndefinedMetricWarning
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
    PRF,
    BootstrapCI,
    UndefinedMetricWarning,
    best_threshold,
    bootstrap_ci,
    classification_scores,
    confusion_counts,
    expected_calibration_error,
    format_mean_std,
    precision_recall_f1,
    precision_recall_f1_from_counts,
    reliability_curve,
    summarize_over_seeds,
)

ZERO_DIVISIONS = ("warn", 0.0, 1.0, np.nan)
AVERAGES_NOT_BINARY = ("micro", "macro", "weighted", None)
# first word of each warning message -> the metric it is about
SKLEARN_WARNED = {"Precision": "precision", "Recall": "recall", "F-score": "f1"}
OURS_WARNED = {"Precision": "precision", "Recall": "recall", "F1": "f1"}


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def sklearn_prfs(y_true, y_pred, **kwargs):
    """The oracle, plus the set of metrics that scikit-learn warned about."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = precision_recall_fscore_support(y_true, y_pred, beta=1.0, **kwargs)
    warned = [
        SKLEARN_WARNED[str(w.message).split()[0]]
        for w in caught
        if issubclass(w.category, SklearnUndefinedMetricWarning)
    ]
    return result, sorted(warned)


def ours_prf(y_true, y_pred, **kwargs):
    """Our function, plus the list of metrics that it warned about."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = precision_recall_f1(y_true, y_pred, **kwargs)
    warned = [
        OURS_WARNED[str(w.message).split()[0]]
        for w in caught
        if issubclass(w.category, UndefinedMetricWarning)
    ]
    return result, sorted(warned)


def assert_matches_sklearn(y_true, y_pred, **kwargs):
    expected, expected_warned = sklearn_prfs(y_true, y_pred, **kwargs)
    got, got_warned = ours_prf(y_true, y_pred, **kwargs)
    context = f"y_true={list(y_true)}, y_pred={list(y_pred)}, {kwargs}"
    if kwargs.get("average") is None:
        assert isinstance(got, pd.DataFrame), context
        assert list(got.columns) == ["precision", "recall", "f1", "support"]
        np.testing.assert_allclose(
            got[["precision", "recall", "f1"]].to_numpy().T,
            np.vstack(expected[:3]),
            equal_nan=True,
            err_msg=context,
        )
        np.testing.assert_array_equal(got["support"].to_numpy(), expected[3], err_msg=context)
    else:
        assert isinstance(got, PRF), context
        np.testing.assert_allclose(
            [got.precision, got.recall, got.f1], expected[:3], equal_nan=True, err_msg=context
        )
    assert got_warned == expected_warned, context


def random_case(seed: int) -> dict:
    """A random multiclass case, sometimes degenerate, sometimes with string labels."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 61))
    n_classes = int(rng.integers(2, 7))
    y_true = rng.integers(0, n_classes, n)
    y_pred = rng.integers(0, n_classes, n)
    kind = seed % 6
    if kind == 1:  # the model predicts one class for everything
        y_pred = np.full(n, rng.integers(0, n_classes))
    elif kind == 2:  # the data contain one class only
        y_true = np.full(n, rng.integers(0, n_classes))
    elif kind == 3:  # mostly right
        y_pred = np.where(rng.random(n) < 0.8, y_true, y_pred)
    labels = None
    style = rng.integers(0, 4)
    if style == 1:  # a subset, in random order
        size = int(rng.integers(1, n_classes + 1))
        labels = rng.permutation(n_classes)[:size]
    elif style == 2:  # a superset with labels absent from the data
        labels = np.arange(n_classes + int(rng.integers(1, 3)))
    if seed % 7 == 0:  # string labels
        names = np.array(list("abcdefgh"))
        y_true, y_pred = names[y_true], names[y_pred]
        labels = None if labels is None else names[labels]
    return {"y_true": y_true, "y_pred": y_pred, "labels": labels}


def binary_case(seed: int) -> dict:
    rng = np.random.default_rng(10_000 + seed)
    n = int(rng.integers(1, 41))
    y_true = rng.integers(0, 2, n)
    y_pred = rng.integers(0, 2, n)
    kind = seed % 5
    if kind == 1:
        y_pred = np.full(n, rng.integers(0, 2))
    elif kind == 2:
        y_true = np.full(n, rng.integers(0, 2))
    elif kind == 3:
        y_true = y_pred = np.full(n, rng.integers(0, 2))
    return {"y_true": y_true, "y_pred": y_pred, "pos_label": int(rng.integers(0, 2))}


# --------------------------------------------------------------------------------------
# the erratum
# --------------------------------------------------------------------------------------


def test_erratum_precision_and_recall_are_not_swapped():
    tp, fp, fn = 8, 2, 6
    scores = precision_recall_f1_from_counts(tp, fp, fn)
    assert scores.precision == pytest.approx(0.8)  # 8 of the 10 predicted positives
    assert scores.recall == pytest.approx(8 / 14)  # 8 of the 14 real positives
    swapped_precision, swapped_recall = tp / (tp + fn), tp / (tp + fp)  # the blog's formulas
    assert swapped_precision == pytest.approx(scores.recall)
    assert swapped_recall == pytest.approx(scores.precision)
    assert swapped_precision != pytest.approx(scores.precision)
    # the same counts as label arrays, checked by scikit-learn
    y_true = [1] * 8 + [0] * 2 + [1] * 6
    y_pred = [1] * 8 + [1] * 2 + [0] * 6
    assert precision_score(y_true, y_pred) == pytest.approx(scores.precision)
    assert recall_score(y_true, y_pred) == pytest.approx(scores.recall)


# --------------------------------------------------------------------------------------
# precision_recall_f1_from_counts
# --------------------------------------------------------------------------------------


def test_from_counts_values_and_f1_formula():
    scores = precision_recall_f1_from_counts(tp=3, fp=1, fn=5)
    assert scores == PRF(precision=0.75, recall=0.375, f1=pytest.approx(0.5))
    p, r = scores.precision, scores.recall
    assert scores.f1 == pytest.approx(2 * p * r / (p + r))


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS, ids=repr)
@pytest.mark.parametrize(
    ("tp", "fp", "fn"),
    [(0, 0, 0), (0, 0, 3), (0, 2, 0), (0, 2, 3), (4, 0, 0), (4, 1, 2)],
)
def test_from_counts_agrees_with_sklearn(tp, fp, fn, zero_division):
    tn = 2
    y_true = np.array([1] * tp + [0] * fp + [1] * fn + [0] * tn)
    y_pred = np.array([1] * tp + [1] * fp + [0] * fn + [0] * tn)
    expected, expected_warned = sklearn_prfs(
        y_true, y_pred, average="binary", zero_division=zero_division
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = precision_recall_f1_from_counts(tp, fp, fn, zero_division=zero_division)
    warned = sorted(OURS_WARNED[str(w.message).split()[0]] for w in caught)
    np.testing.assert_allclose([got.precision, got.recall, got.f1], expected[:3], equal_nan=True)
    assert warned == expected_warned
    assert all(issubclass(w.category, UndefinedMetricWarning) for w in caught)


def test_from_counts_warns_only_for_undefined_metrics():
    with pytest.warns(UndefinedMetricWarning, match="Precision is undefined") as record:
        scores = precision_recall_f1_from_counts(0, 0, 5)
    assert len(record) == 1
    assert scores == PRF(0.0, 0.0, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        precision_recall_f1_from_counts(np.int64(2), 0, 1)
        assert precision_recall_f1_from_counts(0, 0, 0, zero_division=1.0) == PRF(1.0, 1.0, 1.0)
        nan_scores = precision_recall_f1_from_counts(0, 0, 0, zero_division=np.nan)
    assert np.isnan([nan_scores.precision, nan_scores.recall, nan_scores.f1]).all()


def test_undefined_metric_warning_is_a_user_warning():
    assert issubclass(UndefinedMetricWarning, UserWarning)
    assert UndefinedMetricWarning is not SklearnUndefinedMetricWarning


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"tp": -1, "fp": 0, "fn": 0}, ValueError, r"tp=-1 is negative; allowed"),
        ({"tp": 1, "fp": -2, "fn": 0}, ValueError, r"fp=-2 is negative"),
        ({"tp": 1, "fp": 0, "fn": 2.5}, TypeError, r"fn=2\.5 is not an integer count"),
        ({"tp": 1.0, "fp": 0, "fn": 0}, TypeError, r"tp=1\.0 is not an integer count"),
        ({"tp": True, "fp": 0, "fn": 0}, TypeError, r"tp=True is not an integer count"),
        ({"tp": "3", "fp": 0, "fn": 0}, TypeError, r"tp='3'"),
        ({"tp": 1, "fp": 0, "fn": 0, "zero_division": 0.5}, ValueError, r"zero_division=0\.5"),
        ({"tp": 1, "fp": 0, "fn": 0, "zero_division": "nan"}, ValueError, r"allowed: 'warn'"),
        ({"tp": 1, "fp": 0, "fn": 0, "zero_division": None}, TypeError, r"zero_division=None"),
        ({"tp": 1, "fp": 0, "fn": 0, "zero_division": True}, TypeError, r"zero_division=True"),
    ],
)
def test_from_counts_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        precision_recall_f1_from_counts(**kwargs)


# --------------------------------------------------------------------------------------
# precision_recall_f1 against scikit-learn
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(300))
def test_property_agrees_with_sklearn_on_random_cases(seed):
    # scikit-learn needs a few ms per call, so each seed checks one non-binary average and
    # the binary average; seed % 4 and (seed // 4) % 4 vary independently, so all
    # 4 x 4 (average, zero_division) pairs are covered about 19 times, binary 75 times each.
    zero_division = ZERO_DIVISIONS[seed % 4]
    average = AVERAGES_NOT_BINARY[(seed // 4) % 4]
    case = random_case(seed)
    assert_matches_sklearn(
        case["y_true"],
        case["y_pred"],
        average=average,
        labels=case["labels"],
        zero_division=zero_division,
    )
    binary = binary_case(seed)
    assert_matches_sklearn(
        binary["y_true"],
        binary["y_pred"],
        average="binary",
        pos_label=binary["pos_label"],
        zero_division=zero_division,
    )


def test_property_cases_include_degenerate_ones():
    """The random cases do exercise undefined scores and label subsets/supersets."""
    cases = [random_case(seed) for seed in range(300)]
    assert sum(len(np.unique(c["y_pred"])) == 1 for c in cases) > 50
    assert sum(c["labels"] is not None and len(c["labels"]) > 6 for c in cases) > 10
    assert sum(c["y_true"].dtype.kind == "U" for c in cases) > 30
    binaries = [binary_case(seed) for seed in range(300)]
    assert sum(np.all(b["y_true"] == b["y_true"][0]) for b in binaries) > 50


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS, ids=repr)
@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs"),
    [
        pytest.param([0, 1, 1], [0, 0, 0], {"average": "binary"}, id="no-predicted-positive"),
        pytest.param([0, 0, 0], [0, 1, 1], {"average": "binary"}, id="no-true-positive"),
        pytest.param([0, 0], [0, 0], {"average": "binary"}, id="f1-undefined-binary"),
        pytest.param([2, 2], [2, 2], {"average": "binary", "pos_label": 7}, id="pos-label-absent"),
        pytest.param([0, 1, 2], [0, 1, 1], {"average": "macro"}, id="macro-class-never-predicted"),
        pytest.param(
            [0, 1, 2], [0, 1, 1], {"average": "weighted", "labels": [3, 4]}, id="weighted-zero-sup"
        ),
        pytest.param(
            [0, 1, 2], [0, 1, 1], {"average": "weighted", "labels": [2, 3]}, id="weighted-some-nan"
        ),
        pytest.param([0, 1, 2], [0, 1, 1], {"average": "micro", "labels": [3]}, id="micro-absent"),
        pytest.param([0, 1, 2], [0, 1, 1], {"average": None, "labels": [5, 2, 0]}, id="none-order"),
        pytest.param([0, 0, 1], [2, 2, 2], {"average": "macro", "labels": [0, 1]}, id="macro-sub"),
    ],
)
def test_edge_cases_agree_with_sklearn(y_true, y_pred, kwargs, zero_division):
    assert_matches_sklearn(y_true, y_pred, zero_division=zero_division, **kwargs)


def test_warns_when_nothing_is_predicted_as_positive():
    with pytest.warns(
        UndefinedMetricWarning, match=r"Precision is undefined for label 1: nothing was predicted"
    ):
        scores = precision_recall_f1([0, 1, 1], [0, 0, 0])
    assert scores == PRF(0.0, 0.0, 0.0)


def test_warns_for_each_undefined_metric_and_names_the_labels():
    with pytest.warns(UndefinedMetricWarning) as record:
        precision_recall_f1([0, 1], [0, 1], average="macro", labels=[0, 1, 9])
    messages = [str(w.message) for w in record]
    assert [m.split()[0] for m in messages] == ["Precision", "Recall", "F1"]
    assert all("undefined for label 9:" in m for m in messages)


@pytest.mark.parametrize("zero_division", [0.0, 1.0, np.nan], ids=repr)
def test_no_warning_when_zero_division_is_explicit(zero_division):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = precision_recall_f1([0, 0], [0, 0], zero_division=zero_division)
    np.testing.assert_array_equal([scores.precision, scores.recall, scores.f1], [zero_division] * 3)


def test_no_warning_when_every_metric_is_defined():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for average in ("binary", "micro", "macro", "weighted", None):
            precision_recall_f1([0, 1, 1, 0], [0, 1, 0, 1], average=average)


def test_average_none_table():
    table = precision_recall_f1(
        ["cat", "dog", "cat", "fox"], ["cat", "cat", "cat", "fox"], average=None, zero_division=0.0
    )
    assert list(table.index) == ["cat", "dog", "fox"]
    assert table.index.name == "label"
    assert table.loc["cat", "precision"] == pytest.approx(2 / 3)
    assert table.loc["cat", "recall"] == 1.0
    assert table["support"].tolist() == [2, 1, 1]
    assert table["support"].dtype == np.int64


def test_string_pos_label_and_bool_labels():
    scores = precision_recall_f1(["no", "yes", "yes"], ["yes", "yes", "no"], pos_label="yes")
    assert scores == PRF(0.5, 0.5, 0.5)
    assert_matches_sklearn([True, False, True], [True, True, True], average="binary")


def test_micro_average_equals_accuracy_without_label_subset():
    y_true, y_pred = [0, 1, 2, 2, 1], [0, 2, 2, 2, 0]
    scores = precision_recall_f1(y_true, y_pred, average="micro")
    assert scores.precision == scores.recall == scores.f1 == pytest.approx(0.6)


def test_pos_label_is_ignored_with_a_warning_for_other_averages():
    with pytest.warns(UserWarning, match=r"pos_label=2 is ignored when average='macro'"):
        scores = precision_recall_f1([0, 1, 2], [0, 1, 2], average="macro", pos_label=2)
    assert scores == PRF(1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "error", "match"),
    [
        ([0, 1, 1], [0, 1], {}, ValueError, r"y_true has 3 samples but y_pred has 2"),
        ([], [], {}, ValueError, r"y_true is empty"),
        ([[0, 1]], [[0, 1]], {}, ValueError, r"y_true has shape \(1, 2\); allowed: a 1-D"),
        ([0, 1], np.array([[0], [1]]), {}, ValueError, r"y_pred has shape \(2, 1\)"),
        ([0, 1], [0, 1], {"average": "samples"}, ValueError, r"average='samples' is not"),
        ([0, 1], [0, 1], {"average": "Macro"}, ValueError, r"allowed: 'binary', 'micro'"),
        ([0, 1, 2], [0, 1, 1], {}, ValueError, r"average='binary' needs at most two.*\[0, 1, 2\]"),
        ([0, 2], [2, 0], {}, ValueError, r"pos_label=1 is not one of the labels.*\[0, 2\]"),
        (["a", "b"], ["a", "b"], {}, ValueError, r"pos_label=1 is not one of.*'a', 'b'"),
        ([0, 1], [0, 1], {"zero_division": 2}, ValueError, r"zero_division=2 is not supported"),
        ([0, 1], [0, 1], {"zero_division": "0"}, ValueError, r"zero_division='0'"),
        ([0, 1], [0, 0.7], {}, ValueError, r"y_pred contains non-integer values such as 0\.7"),
        ([0, 1], [0, np.nan], {}, ValueError, r"y_pred contains non-integer values"),
        (["a", "b"], [0, 1], {}, ValueError, r"y_true holds string labels but y_pred holds num"),
        ([0, 1], [0, 1], {"average": None, "labels": []}, ValueError, r"labels is empty"),
        ([0, 1], [0, 1], {"average": None, "labels": [1, 1]}, ValueError, r"duplicates"),
        ([0, 1], [0, 1], {"average": None, "labels": ["x"]}, ValueError, r"labels=\['x'\] are"),
        ([0, None], [0, 1], {}, TypeError, r"y_true mixes or contains unsupported label types"),
        ([[0, 1], [0]], [0, 1], {}, ValueError, r"y_true is not a 1-D array of class labels"),
    ],
)
def test_precision_recall_f1_bad_input(y_true, y_pred, kwargs, error, match):
    with pytest.raises(error, match=match):
        precision_recall_f1(y_true, y_pred, **kwargs)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs"),
    [
        ([0, 1, 2], [0, 1, 1], {"average": "binary"}),
        ([0, 2], [2, 0], {"average": "binary", "pos_label": 1}),
        (["a", "b"], [0, 1], {"average": "macro"}),
        ([0, 1], [0, 0.5], {"average": "macro"}),
    ],
)
def test_rejected_exactly_like_sklearn(y_true, y_pred, kwargs):
    with pytest.raises(ValueError):
        precision_recall_fscore_support(y_true, y_pred, **kwargs)
    with pytest.raises(ValueError):
        precision_recall_f1(y_true, y_pred, **kwargs)


# --------------------------------------------------------------------------------------
# confusion_counts
# --------------------------------------------------------------------------------------


def test_confusion_counts_by_hand():
    counts = confusion_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    assert list(counts.columns) == ["tp", "fp", "fn", "tn", "support"]
    assert counts.loc[0].tolist() == [1, 1, 1, 3, 2]
    assert counts.loc[1].tolist() == [1, 1, 0, 4, 1]
    assert counts.loc[2].tolist() == [2, 0, 1, 3, 3]
    assert (counts[["tp", "fp", "fn", "tn"]].sum(axis=1) == 6).all()


def test_confusion_counts_with_labels_subset_and_absent_label():
    counts = confusion_counts(["a", "b", "c"], ["a", "c", "c"], labels=["c", "z"])
    assert list(counts.index) == ["c", "z"]
    assert counts.loc["c"].tolist() == [1, 1, 0, 1, 1]
    assert counts.loc["z"].tolist() == [0, 0, 0, 3, 0]


@pytest.mark.parametrize("seed", range(5))
def test_confusion_counts_agree_with_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 4, 40), rng.integers(0, 4, 40)
    labels = [3, 0, 5]
    counts = confusion_counts(y_true, y_pred, labels=labels)
    matrices = multilabel_confusion_matrix(y_true, y_pred, labels=labels)
    np.testing.assert_array_equal(counts["tn"], matrices[:, 0, 0])
    np.testing.assert_array_equal(counts["fp"], matrices[:, 0, 1])
    np.testing.assert_array_equal(counts["fn"], matrices[:, 1, 0])
    np.testing.assert_array_equal(counts["tp"], matrices[:, 1, 1])


def test_confusion_counts_bad_input():
    with pytest.raises(ValueError, match=r"y_true has 2 samples but y_pred has 1"):
        confusion_counts([0, 1], [0])
    with pytest.raises(ValueError, match=r"labels=\[0, 0\] contains duplicates"):
        confusion_counts([0, 1], [0, 1], labels=[0, 0])


# --------------------------------------------------------------------------------------
# classification_scores
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "threshold"), [(0, 0.5), (1, 0.3), (2, 0.8), (3, 0.5)])
def test_binary_scores_agree_with_sklearn(seed, threshold):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 50)
    y_score = np.clip(0.35 * y_true + rng.random(50) * 0.65, 0, 1)
    y_pred = (y_score >= threshold).astype(int)
    scores = classification_scores(y_true, y_score, threshold=threshold)
    assert list(scores) == ["accuracy", "precision", "recall", "f1", "roc_auc"]
    assert scores["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    assert scores["precision"] == pytest.approx(precision_score(y_true, y_pred))
    assert scores["recall"] == pytest.approx(recall_score(y_true, y_pred))
    assert scores["f1"] == pytest.approx(f1_score(y_true, y_pred))
    assert scores["roc_auc"] == pytest.approx(roc_auc_score(y_true, y_score))
    assert all(type(value) is float for value in scores.values())
    column = classification_scores(y_true, y_score[:, None], threshold=threshold)
    assert column == scores  # a Keras-style (n, 1) sigmoid output gives the same result


def test_binary_threshold_is_inclusive():
    scores = classification_scores([0, 1], [0.2, 0.5], threshold=0.5)
    assert scores["accuracy"] == 1.0
    with pytest.warns(UndefinedMetricWarning, match="Precision is undefined"):
        scores = classification_scores([0, 1], [0.2, 0.5], threshold=0.51)
    assert scores["recall"] == 0.0


@pytest.mark.parametrize(("seed", "n_classes"), [(0, 3), (1, 5), (2, 10)])
def test_multiclass_scores_agree_with_sklearn(seed, n_classes):
    rng = np.random.default_rng(seed)
    y_true = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, 60)])
    logits = rng.normal(size=(y_true.size, n_classes)) + 1.5 * np.eye(n_classes)[y_true]
    y_score = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_pred = y_score.argmax(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnUndefinedMetricWarning)
        expected = {
            "accuracy": accuracy_score(y_true, y_pred),
            "precision_macro": precision_score(y_true, y_pred, average="macro"),
            "recall_macro": recall_score(y_true, y_pred, average="macro"),
            "f1_macro": f1_score(y_true, y_pred, average="macro"),
            "roc_auc_ovr": roc_auc_score(y_true, y_score, multi_class="ovr"),
        }
    scores = classification_scores(y_true, y_score.astype(np.float32), zero_division=0.0)
    assert list(scores) == list(expected)
    for key, value in expected.items():
        assert scores[key] == pytest.approx(value, rel=1e-5), key


def test_two_column_scores_give_the_binary_auc():
    y_true = np.array([0, 1, 1, 0, 1])
    p1 = np.array([0.2, 0.7, 0.4, 0.5, 0.9])
    scores = classification_scores(y_true, np.column_stack([1 - p1, p1]))
    assert scores["roc_auc_ovr"] == pytest.approx(roc_auc_score(y_true, p1))
    assert scores["accuracy"] == pytest.approx(0.8)  # the 0.5/0.5 tie goes to class 0


def test_single_class_y_true_gives_nan_auc_with_warning():
    with pytest.warns(UndefinedMetricWarning, match=r"ROC AUC is undefined.*\[0\]"):
        scores = classification_scores([1, 1, 1], [0.2, 0.6, 0.9])
    assert np.isnan(scores["roc_auc"])
    assert scores["recall"] == pytest.approx(2 / 3)


def test_multiclass_missing_class_gives_nan_auc_with_warning():
    y_score = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.2, 0.3]])
    with pytest.warns(UndefinedMetricWarning, match=r"class\(es\) \[2\]"):
        scores = classification_scores([0, 1, 0], y_score, zero_division=0.0)
    assert np.isnan(scores["roc_auc_ovr"])
    assert scores["accuracy"] == 1.0


def test_classification_scores_silent_when_everything_is_defined():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        classification_scores([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])


@pytest.mark.parametrize(
    ("y_true", "y_score", "kwargs", "error", "match"),
    [
        ([0, 1], [0.2, 0.8], {"threshold": 1.5}, ValueError, r"threshold=1\.5 is outside"),
        ([0, 1], [0.2, 0.8], {"threshold": -0.1}, ValueError, r"threshold=-0\.1"),
        ([0, 1], [0.2, 0.8], {"threshold": "0.5"}, TypeError, r"threshold='0\.5'"),
        ([0, 1], [0.2, 1.3], {}, ValueError, r"y_score contains 1\.3, outside \[0, 1\]"),
        ([0, 1], [-2.0, 0.3], {}, ValueError, r"y_score contains -2\.0"),
        ([0, 1], [np.nan, 0.3], {}, ValueError, r"y_score contains nan"),
        ([0, 1, 1], [0.2, 0.8], {}, ValueError, r"y_true has 3 samples but y_score has 2"),
        ([0, 2], [0.2, 0.8], {}, ValueError, r"y_true contains 2; allowed: class indices 0\.\.1"),
        (["a", "b"], [0.2, 0.8], {}, ValueError, r"y_true holds string labels"),
        ([], [], {}, ValueError, r"y_score is empty"),
        ([0], np.zeros((1, 1, 1)), {}, ValueError, r"y_score has shape \(1, 1, 1\)"),
        ([0, 1], [[0.5, 0.6], [0.1, 0.9]], {}, ValueError, r"rows must sum to 1.*1\.1"),
        ([0, 3], [[0.5, 0.5], [0.1, 0.9]], {}, ValueError, r"y_true contains 3"),
        ([0, 1], [0.2, 0.8], {"zero_division": 3}, ValueError, r"zero_division=3"),
    ],
)
def test_classification_scores_bad_input(y_true, y_score, kwargs, error, match):
    with pytest.raises(error, match=match):
        classification_scores(y_true, y_score, **kwargs)


# --------------------------------------------------------------------------------------
# summarize_over_seeds and format_mean_std
# --------------------------------------------------------------------------------------


@pytest.fixture
def runs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy": ["scratch", "scratch", "scratch", "frozen", "frozen", "fine-tune"],
            "shift": ["rot"] * 6,
            "seed": [0, 1, 2, 0, 1, 0],
            "accuracy": [0.70, 0.80, 0.90, 0.85, 0.87, 0.95],
            "f1": [0.60, 0.60, 0.60, 0.80, 0.90, 0.94],
        }
    )


def test_summarize_over_seeds_by_hand(runs):
    summary = summarize_over_seeds(runs, "strategy", ["accuracy", "f1"])
    assert list(summary.columns) == [
        "strategy",
        "accuracy_mean",
        "accuracy_std",
        "f1_mean",
        "f1_std",
        "n_seeds",
    ]
    assert summary["strategy"].tolist() == ["scratch", "frozen", "fine-tune"]  # first seen
    scratch = summary.iloc[0]
    assert scratch["accuracy_mean"] == pytest.approx(0.8)
    assert scratch["accuracy_std"] == pytest.approx(0.1)  # sample std: sqrt(0.02 / 2)
    assert scratch["f1_std"] == pytest.approx(0.0)
    assert summary.iloc[1]["f1_std"] == pytest.approx(np.sqrt(0.005))
    assert summary["n_seeds"].tolist() == [3, 2, 1]
    assert np.isnan(summary.iloc[2]["accuracy_std"])  # a single seed has no sample std
    assert summary.iloc[2]["accuracy_mean"] == pytest.approx(0.95)


def test_summarize_over_seeds_several_keys_and_nan(runs):
    runs.loc[4, "f1"] = np.nan
    summary = summarize_over_seeds(runs, ["strategy", "shift"], ["f1"])
    assert list(summary.columns[:2]) == ["strategy", "shift"]
    assert len(summary) == 3
    frozen = summary[summary["strategy"] == "frozen"].iloc[0]
    assert np.isnan(frozen["f1_mean"])  # not silently averaged over one of two seeds
    assert frozen["n_seeds"] == 2


def test_summarize_over_seeds_bad_input(runs):
    with pytest.raises(ValueError, match=r"columns \['auc'\] are not in results; allowed"):
        summarize_over_seeds(runs, "strategy", ["auc"])
    with pytest.raises(ValueError, match=r"columns \['bogus'\] are not in results"):
        summarize_over_seeds(runs, "bogus", ["f1"])
    with pytest.raises(TypeError, match=r"results has type dict"):
        summarize_over_seeds(runs.to_dict(), "strategy", ["f1"])
    with pytest.raises(TypeError, match=r"metrics column 'shift' has dtype"):
        summarize_over_seeds(runs, "strategy", ["shift"])
    with pytest.raises(TypeError, match=r"metrics=\[\] is not supported"):
        summarize_over_seeds(runs, "strategy", [])
    with pytest.raises(ValueError, match=r"\['f1'\] are in both by and metrics"):
        summarize_over_seeds(runs, ["strategy", "f1"], ["f1"])
    with pytest.raises(ValueError, match=r"results has no rows"):
        summarize_over_seeds(runs.iloc[:0], "strategy", ["f1"])


def test_format_mean_std():
    assert format_mean_std(0.91234, 0.01271) == "0.912 ± 0.013"
    assert format_mean_std(np.float32(0.5), 0.0, digits=1) == "0.5 ± 0.0"
    assert format_mean_std(2.0, float("nan"), digits=0) == "2 ± nan"
    with pytest.raises(ValueError, match=r"std=-0\.1 is negative"):
        format_mean_std(0.5, -0.1)
    with pytest.raises(ValueError, match=r"digits=-1 is negative"):
        format_mean_std(0.5, 0.1, digits=-1)
    with pytest.raises(TypeError, match=r"digits=2\.0 is not an int"):
        format_mean_std(0.5, 0.1, digits=2.0)
    with pytest.raises(TypeError, match=r"mean='0\.5' has type str"):
        format_mean_std("0.5", 0.1)


# --------------------------------------------------------------------------------------
# bootstrap_ci
# --------------------------------------------------------------------------------------


def test_bootstrap_ci_of_a_mean():
    values = np.array([0.81, 0.84, 0.79, 0.86, 0.83, 0.80])
    ci = bootstrap_ci(values, n_resamples=4000, random_state=0)
    assert isinstance(ci, BootstrapCI)
    assert ci.estimate == pytest.approx(values.mean())
    assert values.min() <= ci.low < ci.estimate < ci.high <= values.max()
    assert (ci.confidence, ci.n_resamples) == (0.95, 4000)
    assert ci == bootstrap_ci(values, n_resamples=4000, random_state=0)  # reproducible
    narrower = bootstrap_ci(values, n_resamples=4000, confidence=0.5, random_state=0)
    assert ci.low < narrower.low < narrower.high < ci.high


def test_bootstrap_ci_width_shrinks_like_one_over_root_n():
    rng = np.random.default_rng(1)
    small = bootstrap_ci(rng.normal(size=100), random_state=0)
    large = bootstrap_ci(rng.normal(size=1600), random_state=0)
    ratio = (small.high - small.low) / (large.high - large.low)
    assert 3.0 < ratio < 5.5  # sqrt(16) = 4
    # the half-width is close to 1.96 standard errors
    assert (large.high - large.low) / 2 == pytest.approx(1.96 / np.sqrt(1600), rel=0.15)


def test_bootstrap_ci_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(2)
    hits = [
        bootstrap_ci(rng.normal(loc=3.0, size=60), n_resamples=500, random_state=k).contains(3.0)
        for k in range(200)
    ]
    assert 0.88 <= np.mean(hits) <= 0.99


def test_bootstrap_ci_of_a_metric_resamples_examples_together():
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, size=400)
    y_pred = np.where(rng.random(400) < 0.8, y_true, 1 - y_true)
    correct = (y_true == y_pred).astype(float)
    by_metric = bootstrap_ci(y_true, y_pred, accuracy_score, n_resamples=1000, random_state=0)
    by_values = bootstrap_ci(correct, n_resamples=1000, random_state=0)
    assert by_metric.estimate == pytest.approx(correct.mean())
    assert by_metric.low == pytest.approx(by_values.low, abs=0.01)
    assert by_metric.high == pytest.approx(by_values.high, abs=0.01)


def test_bootstrap_ci_accepts_probability_rows():
    rng = np.random.default_rng(4)
    y_true = np.repeat([0, 1, 2], 40)
    scores = rng.dirichlet(np.ones(3), size=120)
    scores[np.arange(120), y_true] += 0.25
    scores /= scores.sum(axis=1, keepdims=True)

    def auc(t, s):
        return roc_auc_score(t, s, multi_class="ovr")

    ci = bootstrap_ci(y_true, scores, auc, n_resamples=200, random_state=0)
    assert ci.low < ci.estimate < ci.high <= 1.0


def test_bootstrap_ci_explains_a_metric_that_fails_on_a_resample():
    def strict_auc(t, s):  # raises when a resample holds a single class
        if len(set(t.tolist())) < 2:
            raise ValueError("only one class")
        return roc_auc_score(t, s)

    with pytest.raises(ValueError, match="metric failed on bootstrap resample"):
        bootstrap_ci([0, 1, 0], [0.2, 0.9, 0.4], strict_auc, n_resamples=200, random_state=0)
    # scikit-learn's roc_auc_score returns NaN (with a warning) instead of raising
    with (
        warnings.catch_warnings(),
        pytest.raises(ValueError, match="metric gave nan on bootstrap resample"),
    ):
        warnings.simplefilter("ignore")
        bootstrap_ci([0, 1, 0], [0.2, 0.9, 0.4], roc_auc_score, n_resamples=200, random_state=0)


def test_bootstrap_ci_format():
    ci = BootstrapCI(0.5, 0.4, 0.61, 0.95, 100)
    assert str(ci) == "0.500 [0.400, 0.610]"
    assert ci.format(1) == "0.5 [0.4, 0.6]"
    assert ci.contains(0.4) and not ci.contains(0.62)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"confidence": 95}, ValueError, r"confidence=95 is out of range"),
        ({"confidence": 0.0}, ValueError, r"confidence=0.0 is out of range"),
        ({"confidence": float("nan")}, ValueError, r"confidence=nan is out of range"),
        ({"confidence": "0.95"}, TypeError, r"confidence='0.95' has type str"),
        ({"n_resamples": 0}, ValueError, r"n_resamples=0 is too small"),
        ({"n_resamples": 10.0}, TypeError, r"n_resamples=10.0 has type float"),
        ({"random_state": -3}, ValueError, r"random_state=-3 is negative"),
        ({"random_state": "a"}, TypeError, r"random_state='a' is not allowed"),
    ],
)
def test_bootstrap_ci_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        bootstrap_ci([0.1, 0.2, 0.3], **kwargs)


def test_bootstrap_ci_bad_data():
    with pytest.raises(ValueError, match=r"values has 1 element\(s\); allowed: at least 2"):
        bootstrap_ci([0.5])
    with pytest.raises(ValueError, match=r"values has 0 element"):
        bootstrap_ci([])
    with pytest.raises(ValueError, match=r"values has shape \(2, 2\)"):
        bootstrap_ci([[0.1, 0.2], [0.3, 0.4]])
    with pytest.raises(ValueError, match=r"NaN or infinite"):
        bootstrap_ci([0.1, np.nan])
    with pytest.raises(TypeError, match=r"values has dtype <U1"):
        bootstrap_ci(["a", "b"])
    with pytest.raises(TypeError, match=r"y_pred and metric must be given together"):
        bootstrap_ci([0, 1], [0, 1])
    with pytest.raises(TypeError, match=r"metric has type str"):
        bootstrap_ci([0, 1], [0, 1], "accuracy")
    with pytest.raises(ValueError, match=r"y_true has 3 examples but y_pred has 2"):
        bootstrap_ci([0, 1, 1], [0, 1], accuracy_score)


# --------------------------------------------------------------------------------------
# reliability_curve and expected_calibration_error
# --------------------------------------------------------------------------------------


def test_ece_of_a_calibrated_model_is_near_zero():
    rng = np.random.default_rng(0)
    prob = rng.random(50_000)
    y_true = (rng.random(50_000) < prob).astype(int)  # P(y = 1 | p) = p by construction
    assert expected_calibration_error(y_true, prob) < 0.01
    assert expected_calibration_error(y_true, prob, strategy="quantile") < 0.01


def test_ece_of_an_overconfident_model_is_large():
    rng = np.random.default_rng(1)
    prob = rng.random(20_000)
    y_true = (rng.random(20_000) < prob).astype(int)
    sharpened = prob**3 / (prob**3 + (1 - prob) ** 3)  # pushed towards 0 and 1
    assert expected_calibration_error(y_true, sharpened) > 0.05


def test_ece_hand_computed_values():
    # one bin: says 0.8, 60 % are class 1
    assert expected_calibration_error([1, 1, 1, 0, 0], [0.8] * 5) == pytest.approx(0.2)
    # two bins: (2 * |0.5 - 0.1| + 4 * |0.75 - 0.9|) / 6
    ece = expected_calibration_error([0, 1, 1, 1, 1, 0], [0.1, 0.1, 0.9, 0.9, 0.9, 0.9])
    assert ece == pytest.approx((2 * 0.4 + 4 * 0.15) / 6)
    # multiclass: top-class probability 0.9, half of the top classes right
    probs = np.tile([0.9, 0.05, 0.05], (4, 1))
    assert expected_calibration_error([0, 0, 1, 2], probs) == pytest.approx(0.4)
    # a 2-column softmax is judged by its top class, a 1-D array by class 1
    two_columns = np.array([[0.3, 0.7], [0.6, 0.4]])
    assert expected_calibration_error([1, 1], two_columns, n_bins=1) == pytest.approx(
        abs(0.5 - 0.65)
    )
    assert expected_calibration_error([1, 1], two_columns[:, 1], n_bins=1) == pytest.approx(
        abs(1.0 - 0.55)
    )


def test_reliability_curve_bins_are_right_closed():
    curve = reliability_curve([0, 0, 1, 1], [0.0, 0.2, 0.2000001, 1.0], n_bins=5)
    assert curve.index.tolist() == [0, 1, 4]
    assert curve["count"].tolist() == [2, 1, 1]
    assert curve[["bin_lower", "bin_upper"]].loc[1].tolist() == pytest.approx([0.2, 0.4])


def test_reliability_curve_matches_scikit_learn_and_counts_every_example():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(2)
    prob = rng.random(500)
    y_true = (rng.random(500) < prob**1.5).astype(int)
    curve = reliability_curve(y_true, prob, n_bins=8)
    prob_true, prob_pred = calibration_curve(y_true, prob, n_bins=8)
    assert curve["accuracy"].to_numpy() == pytest.approx(prob_true)
    assert curve["confidence"].to_numpy() == pytest.approx(prob_pred)
    assert curve["count"].sum() == 500
    assert list(curve.columns) == ["bin_lower", "bin_upper", "count", "confidence", "accuracy"]


def test_reliability_curve_quantile_bins_hold_similar_counts():
    prob = np.random.default_rng(3).beta(2, 5, size=1000)
    curve = reliability_curve(np.zeros(1000, int), prob, n_bins=5, strategy="quantile")
    assert curve["count"].tolist() == [200] * 5


@pytest.mark.parametrize(
    ("y_true", "y_prob", "kwargs", "error", "match"),
    [
        ([0, 1], [0.2, 0.7], {"n_bins": 0}, ValueError, r"n_bins=0 is too small"),
        ([0, 1], [0.2, 0.7], {"strategy": "equal"}, ValueError, r"strategy='equal'"),
        ([0, 1], [0.2, 1.7], {}, ValueError, r"y_score contains 1.7, outside \[0, 1\]"),
        ([0, 1, 1], [0.2, 0.7], {}, ValueError, r"y_true has 3 examples but y_prob has 2"),
        ([], [], {}, ValueError, r"y_prob is empty"),
        ([0, 2], [0.2, 0.7], {}, ValueError, r"y_true contains 2; allowed: class indices 0..1"),
        ([0, 1], [[0.5, 0.6], [0.2, 0.8]], {}, ValueError, r"rows must sum to 1"),
        ([0, 1], np.zeros((2, 2, 2)), {}, ValueError, r"y_prob has shape \(2, 2, 2\)"),
    ],
)
def test_calibration_bad_input(y_true, y_prob, kwargs, error, match):
    with pytest.raises(error, match=match):
        expected_calibration_error(y_true, y_prob, **kwargs)
    with pytest.raises(error, match=match):
        reliability_curve(y_true, y_prob, **kwargs)


# --------------------------------------------------------------------------- best_threshold


def test_best_threshold_moves_only_when_that_helps() -> None:
    assert best_threshold([0, 0, 1, 1], [0.0, 0.25, 0.375, 1.0]) == 0.3125
    assert best_threshold([0, 1], [0.2, 0.9]) == 0.5  # 0.5 already separates: it wins the tie
    assert best_threshold([1, 1, 1], [0.1, 0.2, 0.3]) == 0.0  # everything positive
    assert best_threshold([0, 0, 0], [0.7, 0.8, 0.9]) == np.inf  # everything negative


def test_best_threshold_maximises_the_score_it_is_given() -> None:
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, size=200)
    y_score = np.clip(0.3 * y_true + rng.normal(0.35, 0.2, size=200), 0, 1)

    def f1(true, pred):
        return precision_recall_f1(true, pred, zero_division=0.0).f1

    for score in (None, f1):
        threshold = best_threshold(y_true, y_score, score=score)
        chosen = (score or accuracy_score)(y_true, (y_score >= threshold).astype(int))
        for t in np.linspace(0, 1, 101):
            assert chosen >= (score or accuracy_score)(y_true, (y_score >= t).astype(int))


@pytest.mark.parametrize(
    ("y_true", "y_score", "kwargs", "error", "match"),
    [
        ([0, 2], [0.1, 0.2], {}, ValueError, "y_true contains 2; allowed: the labels 0 and 1"),
        (["a", "b"], [0.1, 0.2], {}, ValueError, "y_true contains 'a'"),
        ([0, 1], [0.1, 0.2, 0.3], {}, ValueError, r"y_score has shape \(3,\).*2 numbers"),
        ([0, 1], [0.1, np.nan], {}, ValueError, "y_score contains nan or inf"),
        ([0, 1], [0.1, 0.2], {"score": "f1"}, TypeError, "score='f1' is not callable"),
    ],
)
def test_best_threshold_rejects_bad_input(y_true, y_score, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        best_threshold(y_true, y_score, **kwargs)
