"""Precision, recall and F1, a compact score report, and the choice of a decision threshold.

Why precision and recall from counts are written by hand: the blog post that this book grew
out of swaps them. The definitions are

* **precision** = TP / (TP + FP): of the samples *predicted* positive, the fraction that is;
* **recall** = TP / (TP + FN): of the samples that *are* positive, the fraction found;
* **F1** = 2 P R / (P + R), the harmonic mean, which equals 2 TP / (2 TP + FP + FN).

With tp=8, fp=2, fn=6 the model predicted 10 positives, 8 of them right (precision 0.8), and
found 8 of the 14 real positives (recall 8/14). These lines are the lesson, so
:func:`precision_recall_f1_from_counts` spells them out (with scikit-learn's ``zero_division``
rules and ``UndefinedMetricWarning``). Everything computed from label arrays is scikit-learn's
(``precision_recall_fscore_support``, ``multilabel_confusion_matrix``, ``roc_auc_score``),
shaped into records and tables. :func:`best_threshold` is hand-written: no library picks a
threshold this way (0.5 first, so that it wins ties).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    multilabel_confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

from tlutils._validation import (
    check_array,
    check_callable,
    check_choice,
    check_int,
    check_real,
    check_same_length,
    invalid,
)

__all__ = [
    "PRF",
    "best_threshold",
    "classification_scores",
    "confusion_counts",
    "precision_recall_f1",
    "precision_recall_f1_from_counts",
]

_ZERO_DIVISION = ("warn", 0.0, 1.0, np.nan)
_LABELS = "class labels: all ints (or integral floats, bools) or all strings"


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of one evaluation (a frozen, printable record).

    Examples
    --------
    >>> PRF(precision=0.8, recall=0.5, f1=0.6153846153846154).recall
    0.5
    """

    precision: float
    recall: float
    f1: float


def _zero_division(value: Any) -> str | float:
    """``zero_division`` checked: ``"warn"``, 0.0, 1.0 or NaN (numbers as a ``float``)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        value = float(value)  # np.float64(0.0), and any NaN rather than only np.nan itself
        if math.isnan(value):
            return value
    return check_choice(value, "zero_division", _ZERO_DIVISION)


def _kind(labels: np.ndarray) -> str:
    return "string" if labels.dtype.kind in "US" else "number"


def _labels(values: Any, name: str) -> np.ndarray:
    """A non-empty 1-D array of class labels (an object array of strings becomes ``str``)."""
    array = np.asarray(values)
    if array.dtype.kind == "O" and array.ndim == 1:
        strings = all(isinstance(item, str) for item in array)
        array = array.astype(str) if strings else np.asarray(array.tolist())
    if array.ndim != 1 or array.size == 0:
        raise invalid(name, f"has shape {array.shape}", "a non-empty 1-D array of class labels")
    if array.dtype.kind not in "biufUS":
        raise invalid(name, f"has dtype {array.dtype}", _LABELS, error=TypeError)
    if array.dtype.kind == "f" and not np.all(np.isfinite(array) & (array == np.round(array))):
        raise invalid(name, "has non-integer values", _LABELS + " (threshold scores first)")
    return array


def _label_arrays(
    y_true: Any, y_pred: Any, labels: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``y_true``, ``y_pred`` and the labels to report (default: the sorted union)."""
    true, pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    check_same_length(true, pred, ("y_true", "y_pred"))
    chosen = None if labels is None else _labels(labels, "labels")
    for name, array in (("y_pred", pred), ("labels", chosen)):
        if array is not None and _kind(array) != _kind(true):
            raise invalid(name, f"holds {_kind(array)} labels", f"{_kind(true)} labels, as y_true")
    if chosen is None:
        return true, pred, np.union1d(true, pred)
    if np.unique(chosen).size != chosen.size:
        raise invalid("labels", "has duplicates", "distinct labels", value=chosen.tolist())
    return true, pred, chosen


def _class_probabilities(
    y_true: Any, y_prob: Any, name: str, *, atol: float = 1e-8
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of class 1 (n,) or rows summing to 1 (n, k), dtype kept; class indices."""
    prob = check_array(y_prob, name, ndim=(1, 2), min_rows=1, dtype=None, low=0, high=1)
    if prob.ndim == 2 and prob.shape[1] == 1:
        prob = prob[:, 0]
    if prob.ndim == 2 and prob.shape[1] < 2:
        raise invalid(name, f"has shape {prob.shape}", "(n,), (n, 1) or (n, k) with k >= 2")
    true = _class_indices(y_true, 2 if prob.ndim == 1 else prob.shape[1])
    check_same_length(true, prob, ("y_true", name))
    if prob.ndim == 2 and not np.allclose(sums := prob.sum(axis=1), 1.0, atol=atol):
        worst = float(sums[np.argmax(np.abs(sums - 1.0))])
        raise invalid(name, f"has a row summing to {worst!r}", "rows of class probabilities")
    return prob, true


def _class_indices(y_true: Any, n_classes: int) -> np.ndarray:
    """``y_true`` as int64 class indices in ``0 .. n_classes - 1``."""
    true = _labels(y_true, "y_true")
    allowed = f"class indices 0..{n_classes - 1}"
    if _kind(true) == "string":
        raise invalid("y_true", f"holds string labels such as {true[0]!r}", allowed)
    outside = (true < 0) | (true >= n_classes)
    if outside.any():
        raise invalid("y_true", f"contains {true[outside].tolist()[0]!r}", allowed)
    return true.astype(np.int64)


def precision_recall_f1_from_counts(
    tp: int, fp: int, fn: int, *, zero_division: str | float = "warn"
) -> PRF:
    """Precision, recall and F1 from the counts (tp, fp, fn >= 0) of one positive class.

    Parameters
    ----------
    zero_division : {"warn", 0.0, 1.0, np.nan}, default "warn"
        Value of a score whose denominator is 0 (precision when tp + fp = 0, recall when
        tp + fn = 0, F1 only when all three counts are 0). ``"warn"`` gives 0.0 and a
        ``sklearn.exceptions.UndefinedMetricWarning``, as in scikit-learn.

    Examples
    --------
    >>> scores = precision_recall_f1_from_counts(tp=8, fp=2, fn=6)
    >>> round(scores.precision, 4), round(scores.recall, 4), round(scores.f1, 4)
    (0.8, 0.5714, 0.6667)
    >>> precision_recall_f1_from_counts(0, 0, 0, zero_division=1.0)
    PRF(precision=1.0, recall=1.0, f1=1.0)
    >>> precision_recall_f1_from_counts(0, 0, 4, zero_division=0.0)  # nothing predicted
    PRF(precision=0.0, recall=0.0, f1=0.0)
    """
    tp, fp, fn = (check_int(v, k, min_value=0) for v, k in ((tp, "tp"), (fp, "fp"), (fn, "fn")))
    zero_division = _zero_division(zero_division)
    fill = 0.0 if isinstance(zero_division, str) else float(zero_division)
    scores = []
    for metric, numerator, denominator, reason in (
        ("Precision", tp, tp + fp, "nothing was predicted positive (TP + FP = 0)"),
        ("Recall", tp, tp + fn, "there are no real positives (TP + FN = 0)"),
        ("F1", 2 * tp, 2 * tp + fp + fn, "there are neither real nor predicted positives"),
    ):
        if denominator == 0 and isinstance(zero_division, str):
            warnings.warn(
                f"{metric} is undefined: {reason}; it is reported as 0.0. Pass "
                "zero_division=0.0, 1.0 or np.nan to choose the value and silence this warning.",
                UndefinedMetricWarning,
                stacklevel=2,
            )
        scores.append(numerator / denominator if denominator else fill)
    return PRF(*scores)


def confusion_counts(y_true: Any, y_pred: Any, *, labels: Any = None) -> pd.DataFrame:
    """One-vs-rest counts per label (tp, fp, fn, tn, support), from scikit-learn.

    The result has the index ``label`` and int64 columns ``tp, fp, fn, tn, support`` (support =
    tp + fn).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Class labels (ints, integral floats, bools or strings; the same kind in both).
    labels : array-like, optional
        Labels to report, in this order; absent labels get zero counts, unlisted ones are
        left out (their samples count as negatives). Default: the sorted labels of the data.

    Examples
    --------
    >>> confusion_counts([0, 1, 1, 2], [0, 2, 1, 2])  # doctest: +NORMALIZE_WHITESPACE
           tp  fp  fn  tn  support
    label
    0       1   0   0   3        1
    1       1   0   1   2        2
    2       1   1   0   2        1
    >>> counts = confusion_counts(["cat", "dog"], ["dog", "dog"], labels=["dog", "fox"])
    >>> counts  # doctest: +NORMALIZE_WHITESPACE
           tp  fp  fn  tn  support
    label
    dog     1   1   0   0        1
    fox     0   0   0   2        0
    """
    true, pred, labels = _label_arrays(y_true, y_pred, labels)
    tn, fp, fn, tp = multilabel_confusion_matrix(true, pred, labels=labels).reshape(-1, 4).T
    return pd.DataFrame(
        {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "support": tp + fn},
        index=pd.Index(labels, name="label"),
    ).astype("int64")


def precision_recall_f1(
    y_true: Any,
    y_pred: Any,
    *,
    average: str | None = "binary",
    pos_label: Any = 1,
    labels: Any = None,
    zero_division: str | float = "warn",
) -> PRF | pd.DataFrame:
    """Precision, recall and F1 of predicted labels: ``precision_recall_fscore_support``.

    A :class:`PRF`, or for ``average=None`` a table with the index ``label`` and the columns
    ``precision, recall, f1, support``.

    Parameters
    ----------
    average : {"binary", "micro", "macro", "weighted", None}, default "binary"
        ``"binary"``: the class ``pos_label`` (at most two labels; ``labels`` unused);
        ``"micro"``: sum the counts, then divide; ``"macro"``: mean of the per-class scores;
        ``"weighted"``: mean weighted by support; ``None``: one row per label.
    pos_label : label, default 1
        The positive class of ``average="binary"`` (ignored, with a warning, otherwise).
    labels : array-like, optional
        The labels to score and their order; default the sorted labels of the data.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default "warn"
        Value of an undefined score (see :func:`precision_recall_f1_from_counts`); with
        ``np.nan`` undefined scores are left out of the macro and weighted means.

    Examples
    --------
    >>> scores = precision_recall_f1([1, 1, 1, 0, 0, 1], [1, 0, 1, 1, 0, 0])  # 2 tp, 1 fp, 2 fn
    >>> round(scores.precision, 3), round(scores.recall, 3)
    (0.667, 0.5)
    >>> y_true = ["cat", "dog", "pig", "cat", "dog", "pig"]
    >>> y_pred = ["cat", "pig", "dog", "cat", "cat", "dog"]
    >>> macro = precision_recall_f1(y_true, y_pred, average="macro")
    >>> round(macro.precision, 3), round(macro.recall, 3), round(macro.f1, 3)
    (0.222, 0.333, 0.267)
    >>> precision_recall_f1(y_true, y_pred, average=None).round(3)  # doctest: +NORMALIZE_WHITESPACE
           precision  recall     f1  support
    label
    cat        0.667     1.0  0.8        2
    dog        0.000     0.0  0.0        2
    pig        0.000     0.0  0.0        2
    >>> precision_recall_f1([0, 0, 1], [0, 0, 0], zero_division=np.nan)  # nothing predicted
    PRF(precision=nan, recall=0.0, f1=0.0)
    """
    average = check_choice(average, "average", ("binary", "micro", "macro", "weighted", None))
    zero_division = _zero_division(zero_division)
    binary = average == "binary"
    true, pred, labels = _label_arrays(y_true, y_pred, None if binary else labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        true,
        pred,
        average=average,
        pos_label=pos_label,
        labels=None if binary else labels,
        zero_division=zero_division,
    )
    if average is not None:
        return PRF(float(precision), float(recall), float(f1))
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(labels, name="label"),
    ).astype({"support": "int64"})


def _roc_auc_or_nan(true: np.ndarray, score: np.ndarray, n_classes: int) -> float:
    """ROC AUC (one-vs-rest macro for several classes); NaN and a warning if undefined."""
    missing = sorted(set(range(n_classes)) - set(true.tolist()))
    if missing:
        message = f"ROC AUC is undefined: y_true has no sample of class(es) {missing}; it is nan."
        warnings.warn(message, UndefinedMetricWarning, stacklevel=3)
        return math.nan
    if score.ndim == 1:
        return float(roc_auc_score(true, score))
    if n_classes == 2:  # the one-vs-rest AUC of class 0 equals that of class 1
        return float(roc_auc_score(true, score[:, 1]))
    return float(roc_auc_score(true, score, multi_class="ovr", labels=np.arange(n_classes)))


def classification_scores(
    y_true: Any, y_score: Any, *, threshold: float = 0.5, zero_division: str | float = "warn"
) -> dict[str, float]:
    """Accuracy, precision, recall, F1 and ROC AUC of predicted probabilities.

    **Binary** (``y_true`` 0 or 1, ``y_score`` of shape (n,) or (n, 1), the probability of
    class 1): class 1 is predicted where ``y_score >= threshold``; keys ``accuracy, precision,
    recall, f1, roc_auc`` (the scores of class 1). **Multiclass** (``y_true`` 0..k-1,
    ``y_score`` of shape (n, k), rows summing to 1): the argmax is predicted; keys ``accuracy,
    precision_macro, recall_macro, f1_macro, roc_auc_ovr`` (macro means over the labels in
    ``y_true`` or the predictions; the AUC over all k classes). ROC AUC is NaN, with an
    ``UndefinedMetricWarning``, when a class has no sample in ``y_true``. ``zero_division`` is
    passed to :func:`precision_recall_f1`.

    Examples
    --------
    >>> scores = classification_scores([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    >>> {key: round(value, 3) for key, value in scores.items()}
    {'accuracy': 0.5, 'precision': 0.5, 'recall': 0.5, 'f1': 0.5, 'roc_auc': 0.75}
    >>> probabilities = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.4, 0.4, 0.2]]
    >>> for key, value in classification_scores([0, 1, 2, 1], probabilities).items():
    ...     print(f"{key:16} {value:.3f}")
    accuracy         0.750
    precision_macro  0.833
    recall_macro     0.833
    f1_macro         0.778
    roc_auc_ovr      1.000
    """
    threshold = check_real(threshold, "threshold", min_value=0, max_value=1)
    zero_division = _zero_division(zero_division)
    score, true = _class_probabilities(y_true, y_score, "y_score")
    n_classes = 2 if score.ndim == 1 else score.shape[1]
    if score.ndim == 1:
        pred = (score >= threshold).astype(np.int64)
        prf = precision_recall_f1(true, pred, zero_division=zero_division)
        keys = ("accuracy", "precision", "recall", "f1", "roc_auc")
    else:
        pred = np.argmax(score, axis=1)
        prf = precision_recall_f1(true, pred, average="macro", zero_division=zero_division)
        keys = ("accuracy", "precision_macro", "recall_macro", "f1_macro", "roc_auc_ovr")
    auc = _roc_auc_or_nan(true, score, n_classes)
    values = (float(np.mean(true == pred)), prf.precision, prf.recall, prf.f1, auc)
    return dict(zip(keys, values, strict=True))


def best_threshold(
    y_true: Any, y_score: Any, *, score: Callable[[np.ndarray, np.ndarray], float] | None = None
) -> float:
    """The decision threshold on ``y_score`` that maximises ``score`` on these examples.

    ``y_true`` holds labels 0 or 1, ``y_score`` finite scores of class 1 (e.g. probabilities);
    class 1 is predicted where ``y_score >= threshold``. ``score(y_true, y_pred)`` rates 0/1
    predictions, larger is better (default: accuracy). The result is the first best of every
    distinct decision: 0.5 first (so that it wins a tie: the threshold only moves when that
    helps), 0 (all positive), infinity (all negative) and the midpoints between neighbouring
    distinct scores. Choose it on validation data: chosen on the test set, it flatters the test
    score.

    Examples
    --------
    >>> best_threshold([0, 0, 1, 1], [0.0, 0.25, 0.375, 1.0])  # 0.5 misses one positive
    0.3125
    >>> best_threshold([0, 1], [0.2, 0.9])  # 0.5 already separates the classes: it stays
    0.5
    """
    true = _class_indices(y_true, 2)
    scores = check_array(y_score, "y_score", ndim=1, dtype=None)
    check_same_length(true, scores, ("y_true", "y_score"))
    if score is None:
        score = _accuracy
    check_callable(score, "score", "score(y_true, y_pred) -> float")
    unique = np.unique(scores)  # midpoints in the scores' own dtype, as the book's numbers
    candidates = np.concatenate([[0.5, 0.0, np.inf], (unique[:-1] + unique[1:]) / 2])
    values = [score(true, (scores >= t).astype(int)) for t in candidates]
    return float(candidates[int(np.argmax(values))])


def _accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_true == y_pred))
