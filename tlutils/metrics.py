"""Precision, recall, F1 and a compact score report, computed from first principles.

.. rubric:: Why this module exists

The blog post that this book grew out of states the two central formulas the wrong
way round. The correct definitions, used everywhere in this package, are

* **precision** = TP / (TP + FP): *of the samples the model predicted as positive,
  what fraction really is positive?* (the denominator counts predictions);
* **recall** = TP / (TP + FN): *of the samples that really are positive, what fraction
  did the model find?* (the denominator counts true positives in the data);
* **F1** = 2 P R / (P + R), the harmonic mean of the two, which equals
  2 TP / (2 TP + FP + FN).

A quick check with tp=8, fp=2, fn=6: the model predicted 10 positives and 8 of them
are right (precision 0.8); there are 14 real positives and it found 8 (recall 8/14).
Swapping the denominators swaps the two numbers.

The counting and averaging below are written with NumPy so that the arithmetic is
visible; the test-suite checks every result against
:func:`sklearn.metrics.precision_recall_fscore_support` on hundreds of random cases.
Undefined values (a zero denominator) follow scikit-learn's ``zero_division`` rules
exactly, and produce this module's :class:`UndefinedMetricWarning` in exactly the
situations where scikit-learn warns.

.. rubric:: Uncertainty and calibration

:func:`bootstrap_ci` puts a percentile-bootstrap confidence interval around a mean (for
example of scores over seeds, or of paired differences) or around any metric of predictions
(resampling the test examples). :func:`reliability_curve` and
:func:`expected_calibration_error` check whether predicted probabilities mean what they say.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "PRF",
    "BootstrapCI",
    "UndefinedMetricWarning",
    "best_threshold",
    "bootstrap_ci",
    "classification_scores",
    "confusion_counts",
    "expected_calibration_error",
    "format_mean_std",
    "precision_recall_f1",
    "precision_recall_f1_from_counts",
    "reliability_curve",
    "summarize_over_seeds",
]

_AVERAGES: tuple[str | None, ...] = ("binary", "micro", "macro", "weighted", None)
_ZERO_DIVISION_ALLOWED = "'warn', 0.0, 1.0 or np.nan"


class UndefinedMetricWarning(UserWarning):
    """Warning issued when a score has a zero denominator and ``zero_division="warn"``.

    The score is then reported as 0.0. Pass ``zero_division=0.0``, ``1.0`` or
    ``np.nan`` to choose the value explicitly and silence the warning.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     scores = precision_recall_f1_from_counts(0, 0, 3)
    >>> [issubclass(w.category, UndefinedMetricWarning) for w in caught]
    [True]
    >>> scores.precision
    0.0
    """


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


# --------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------


def _is_real_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _zero_division_value(zero_division: Any) -> float:
    """Return the number that replaces an undefined score (0.0 for ``"warn"``)."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0
        raise ValueError(
            f"zero_division={zero_division!r} is not supported; allowed: {_ZERO_DIVISION_ALLOWED}"
        )
    if not _is_real_number(zero_division):
        raise TypeError(
            f"zero_division={zero_division!r} has type {type(zero_division).__name__}; "
            f"allowed: {_ZERO_DIVISION_ALLOWED}"
        )
    value = float(zero_division)
    if math.isnan(value) or value in (0.0, 1.0):
        return value
    raise ValueError(
        f"zero_division={zero_division!r} is not supported; allowed: {_ZERO_DIVISION_ALLOWED}"
    )


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}={value!r} is not an integer count; allowed: a non-negative int")
    if value < 0:
        raise ValueError(f"{name}={value!r} is negative; allowed: a non-negative int")
    return int(value)


def _label_kind(array: np.ndarray) -> str:
    return "string" if array.dtype.kind in "US" else "number"


def _as_label_array(name: str, values: Any) -> np.ndarray:
    """Validate class labels: a non-empty 1-D array of ints, integral floats, bools or str."""
    try:
        array = np.asarray(values)
    except ValueError as error:  # e.g. ragged nested lists
        raise ValueError(f"{name} is not a 1-D array of class labels ({error})") from error
    if array.ndim != 1:
        raise ValueError(
            f"{name} has shape {array.shape}; allowed: a 1-D array of class labels "
            "(for a column vector, pass .ravel())"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); allowed: at least one label")
    if array.dtype.kind == "O":
        items = array.tolist()
        if all(isinstance(item, str) for item in items):
            array = array.astype(str)
        elif all(_is_real_number(item) or isinstance(item, bool) for item in items):
            array = np.asarray(items)
        else:
            kinds = sorted({type(item).__name__ for item in items})
            raise TypeError(
                f"{name} mixes or contains unsupported label types {kinds}; allowed: "
                "all ints (or integral floats / bools) or all strings"
            )
    kind = array.dtype.kind
    if kind == "f":
        bad = ~np.isfinite(array) | (array != np.round(array))
        if bad.any():
            raise ValueError(
                f"{name} contains non-integer values such as {array[bad].tolist()[0]!r}; allowed: "
                "class labels (ints or strings). Threshold scores into labels first."
            )
    elif kind not in "biuUS":
        raise TypeError(
            f"{name} has dtype {array.dtype}; allowed: class labels as ints, integral floats, "
            "bools or strings"
        )
    return array


def _check_label_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true = _as_label_array("y_true", y_true)
    pred = _as_label_array("y_pred", y_pred)
    if true.shape[0] != pred.shape[0]:
        raise ValueError(
            f"y_true has {true.shape[0]} samples but y_pred has {pred.shape[0]}; "
            "allowed: arrays of the same length"
        )
    if _label_kind(true) != _label_kind(pred):
        raise ValueError(
            f"y_true holds {_label_kind(true)} labels but y_pred holds "
            f"{_label_kind(pred)} labels; allowed: the same kind in both"
        )
    return true, pred


def _check_labels_argument(labels: Any, data_kind: str) -> np.ndarray:
    array = _as_label_array("labels", labels)
    if _label_kind(array) != data_kind:
        raise ValueError(
            f"labels={array.tolist()!r} are {_label_kind(array)}s but the data holds "
            f"{data_kind} labels; allowed: labels of the same kind as y_true and y_pred"
        )
    if np.unique(array).shape[0] != array.shape[0]:
        raise ValueError(f"labels={array.tolist()!r} contains duplicates; allowed: distinct labels")
    return array


def _is_default_pos_label(pos_label: Any) -> bool:
    """True for None and for values equal to 1 (scikit-learn warns about the others)."""
    if pos_label is None:
        return True
    return isinstance(pos_label, (numbers.Number, np.bool_)) and bool(pos_label == 1)


def _contains(labels: np.ndarray, value: Any) -> bool:
    if _label_kind(labels) == "string" and not isinstance(value, str):
        return False
    if _label_kind(labels) == "number" and isinstance(value, str):
        return False
    return bool(np.any(labels == value))


# --------------------------------------------------------------------------------------
# counting and dividing
# --------------------------------------------------------------------------------------


def _per_label_sums(
    y_true: np.ndarray, y_pred: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (tp, predicted, true) counts for each label, one-vs-rest."""
    is_true = y_true[:, None] == labels[None, :]
    is_pred = y_pred[:, None] == labels[None, :]
    tp = np.sum(is_true & is_pred, axis=0)
    return tp, np.sum(is_pred, axis=0), np.sum(is_true, axis=0)


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray, fill: float) -> np.ndarray:
    """Divide elementwise; where the denominator is 0 the result is ``fill``."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    undefined = denominator == 0
    result = numerator / np.where(undefined, 1.0, denominator)
    result[undefined] = fill
    return result


def _describe(names: str | Sequence[str], undefined: np.ndarray) -> str:
    """Where a score is undefined: a fixed phrase, or the labels concerned."""
    if isinstance(names, str):
        return names
    selected = [name for name, flag in zip(names, undefined, strict=True) if flag]
    return f"for label{'s' if len(selected) > 1 else ''} {', '.join(selected)}"


def _warn_undefined(metric: str, where: str, reason: str) -> None:
    warnings.warn(
        f"{metric} is undefined {where}: {reason}; it is reported as 0.0. "
        "Pass zero_division=0.0, 1.0 or np.nan to choose the value and silence this warning.",
        UndefinedMetricWarning,
        stacklevel=4,
    )


def _scores_from_sums(
    tp: np.ndarray,
    predicted: np.ndarray,
    true: np.ndarray,
    zero_division: Any,
    names: str | Sequence[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 arrays from per-label sums, warning like scikit-learn.

    ``names`` are the label reprs of the entries, or one phrase such as "for the
    positive class"; they only serve the warning messages.
    """
    fill = _zero_division_value(zero_division)
    precision = _safe_divide(tp, predicted, fill)
    recall = _safe_divide(tp, true, fill)
    # 2PR / (P + R) written with counts: 2 tp / (2 tp + fp + fn) = 2 tp / (true + predicted)
    f1 = _safe_divide(2 * tp, true + predicted, fill)
    if isinstance(zero_division, str):  # "warn": one warning per metric with a 0 denominator
        checks = (
            ("Precision", "nothing was predicted as positive (TP + FP = 0)", predicted == 0),
            ("Recall", "there are no real positives (TP + FN = 0)", true == 0),
            ("F1", "there are neither real nor predicted positives", true + predicted == 0),
        )
        for metric, reason, undefined in checks:
            if np.any(undefined):
                _warn_undefined(metric, _describe(names, undefined), reason)
    return precision, recall, f1


def _nan_average(values: np.ndarray, weights: np.ndarray | None) -> float:
    """Average ignoring NaN entries; if all weights are 0, fall back to a plain mean."""
    keep = ~np.isnan(values)
    if not np.any(keep):
        return float("nan")
    values = values[keep]
    if weights is None:
        return float(np.mean(values))
    weights = np.asarray(weights, dtype=float)[keep]
    if weights.sum() == 0:
        return float(np.mean(values))
    return float(np.sum(values * weights) / weights.sum())


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------


def precision_recall_f1_from_counts(
    tp: int, fp: int, fn: int, *, zero_division: str | float = "warn"
) -> PRF:
    """Precision, recall and F1 from the three counts of one positive class.

    * precision = tp / (tp + fp): of the predicted positives, the fraction that is right;
    * recall = tp / (tp + fn): of the real positives, the fraction that was found;
    * f1 = 2 P R / (P + R), computed as 2 tp / (2 tp + fp + fn).

    Parameters
    ----------
    tp, fp, fn : int
        True positives, false positives and false negatives (non-negative ints).
    zero_division : {"warn", 0.0, 1.0, np.nan}, default "warn"
        Value of a score whose denominator is zero (precision when tp + fp = 0, recall
        when tp + fn = 0, F1 when tp + fp + fn = 0). ``"warn"`` gives 0.0 and issues an
        :class:`UndefinedMetricWarning`; the other values are used silently. This is
        scikit-learn's convention. Note that F1 is only undefined when all three counts are
        0; if just one of precision or recall is undefined, F1 is 0.0.

    Returns
    -------
    PRF

    Raises
    ------
    TypeError
        If a count is not an int (bools are rejected), or ``zero_division`` has a wrong type.
    ValueError
        If a count is negative or ``zero_division`` is not one of the allowed values.

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
    counts = [_check_count(name, value) for name, value in (("tp", tp), ("fp", fp), ("fn", fn))]
    tp_, fp_, fn_ = (np.array([count]) for count in counts)
    precision, recall, f1 = _scores_from_sums(
        tp_, tp_ + fp_, tp_ + fn_, zero_division, "for the positive class"
    )
    return PRF(float(precision[0]), float(recall[0]), float(f1[0]))


def confusion_counts(y_true: Any, y_pred: Any, *, labels: Any = None) -> pd.DataFrame:
    """One-vs-rest counts for each label: tp, fp, fn, tn and support.

    For a label L, a sample is a true positive when both ``y_true`` and ``y_pred`` are L,
    a false positive when only ``y_pred`` is L, a false negative when only ``y_true`` is L
    and a true negative otherwise. ``support`` is the number of samples whose true label
    is L (= tp + fn).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Class labels (ints, integral floats, bools or strings; the same kind in both).
    labels : array-like, optional
        Labels to report, in this order. Labels absent from the data get zero counts;
        labels present in the data but not listed are left out of the table (their
        samples still count as negatives for the listed labels). Default: the sorted
        union of the labels in ``y_true`` and ``y_pred``.

    Returns
    -------
    pandas.DataFrame
        Index: the labels (named ``"label"``); integer columns ``tp, fp, fn, tn, support``.

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
    true, pred = _check_label_pair(y_true, y_pred)
    if labels is None:
        label_array = np.union1d(true, pred)
    else:
        label_array = _check_labels_argument(labels, _label_kind(true))
    tp, predicted, actual = _per_label_sums(true, pred, label_array)
    fp = predicted - tp
    fn = actual - tp
    tn = true.shape[0] - tp - fp - fn
    return pd.DataFrame(
        {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "support": actual},
        index=pd.Index(label_array, name="label"),
    ).astype("int64")


def _resolve_labels(
    true: np.ndarray, pred: np.ndarray, average: str | None, pos_label: Any, labels: Any
) -> np.ndarray:
    """The labels to score, following scikit-learn's rules for ``average`` and ``pos_label``."""
    present = np.union1d(true, pred)
    if average == "binary":
        if present.shape[0] > 2:
            raise ValueError(
                f"average='binary' needs at most two distinct labels, but y_true and y_pred "
                f"contain {present.shape[0]}: {present.tolist()}; allowed: average='micro', "
                "'macro', 'weighted' or None for more than two classes"
            )
        if present.shape[0] == 2 and not _contains(present, pos_label):
            raise ValueError(
                f"pos_label={pos_label!r} is not one of the labels in y_true and y_pred; "
                f"allowed: one of {present.tolist()}"
            )
        return np.asarray([pos_label])
    if not _is_default_pos_label(pos_label):
        warnings.warn(
            f"pos_label={pos_label!r} is ignored when average={average!r}; pass "
            "labels=[pos_label] to score that class alone.",
            UserWarning,
            stacklevel=3,
        )
    if labels is None:
        return present
    return _check_labels_argument(labels, _label_kind(true))


def precision_recall_f1(
    y_true: Any,
    y_pred: Any,
    *,
    average: str | None = "binary",
    pos_label: Any = 1,
    labels: Any = None,
    zero_division: str | float = "warn",
) -> PRF | pd.DataFrame:
    """Precision, recall and F1 of predicted class labels, per class or averaged.

    Each class L is scored one-vs-rest: precision = TP/(TP+FP) (of the samples predicted
    as L, the fraction that really is L) and recall = TP/(TP+FN) (of the samples that
    really are L, the fraction predicted as L). The results are identical to
    ``sklearn.metrics.precision_recall_fscore_support(..., beta=1)``, including its
    handling of undefined scores and its warnings.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels (1-D; ints, integral floats, bools or strings).
    average : {"binary", "micro", "macro", "weighted", None}, default "binary"
        * ``"binary"``: scores of the class ``pos_label`` only. The data may contain at
          most two distinct labels; ``labels`` is ignored.
        * ``"micro"``: sum tp, fp and fn over ``labels`` first, then divide (without a
          ``labels`` subset, all three equal the accuracy).
        * ``"macro"``: plain mean of the per-class scores.
        * ``"weighted"``: mean of the per-class scores weighted by support (the number of
          true samples of each class); if all supports are 0, a plain mean.
        * ``None``: no averaging; a table with one row per label.

        With ``zero_division=np.nan``, undefined per-class scores are left out of the
        macro and weighted means (and the mean is NaN if all of them are undefined).
    pos_label : label, default 1
        The positive class for ``average="binary"``. It must be one of the two labels
        when two are present; if the data hold a single label, any ``pos_label`` is
        accepted (its scores are then undefined or 0). For other averages it is ignored,
        with a ``UserWarning`` unless it is 1 or None (as in scikit-learn).
    labels : array-like, optional
        The labels to score and their order (not used for ``"binary"``). Labels absent
        from the data are scored with zero counts; data labels not listed are left out.
        Default: the sorted union of the labels in ``y_true`` and ``y_pred``.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default "warn"
        Value of an undefined score: precision with no predicted samples, recall with no
        true samples, F1 with neither. ``"warn"`` means 0.0 plus an
        :class:`UndefinedMetricWarning` (one per affected metric).

    Returns
    -------
    PRF or pandas.DataFrame
        A :class:`PRF` of floats, or for ``average=None`` a DataFrame indexed by label
        (named ``"label"``) with columns ``precision, recall, f1, support``.

    Raises
    ------
    ValueError
        For arrays of different lengths, empty or 2-D arrays, non-integer float labels,
        string labels mixed with numbers, an unknown ``average``, ``average="binary"``
        with more than two labels or with a ``pos_label`` that is not one of them, empty or
        duplicated ``labels`` and unsupported ``zero_division`` values.
    TypeError
        For unsupported label types or a ``zero_division`` of the wrong type.

    Examples
    --------
    >>> y_true = [1, 1, 1, 0, 0, 1]
    >>> y_pred = [1, 0, 1, 1, 0, 0]
    >>> scores = precision_recall_f1(y_true, y_pred)  # 2 tp, 1 fp, 2 fn
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
    if not (average is None or (isinstance(average, str) and average in _AVERAGES)):
        raise ValueError(
            f"average={average!r} is not supported; allowed: 'binary', 'micro', 'macro', "
            "'weighted' or None"
        )
    _zero_division_value(zero_division)  # validate before any work
    true, pred = _check_label_pair(y_true, y_pred)
    label_array = _resolve_labels(true, pred, average, pos_label, labels)
    tp, predicted, actual = _per_label_sums(true, pred, label_array)

    if average == "micro":
        sums = tuple(np.array([counts.sum()]) for counts in (tp, predicted, actual))
        where = "in the micro average over the selected labels"
        precision, recall, f1 = _scores_from_sums(*sums, zero_division, where)
    else:
        names = [repr(label) for label in label_array.tolist()]
        precision, recall, f1 = _scores_from_sums(tp, predicted, actual, zero_division, names)

    if average is None:
        return pd.DataFrame(
            {"precision": precision, "recall": recall, "f1": f1, "support": actual},
            index=pd.Index(label_array, name="label"),
        ).astype({"support": "int64"})
    weights = actual if average == "weighted" else None
    return PRF(
        precision=_nan_average(precision, weights),
        recall=_nan_average(recall, weights),
        f1=_nan_average(f1, weights),
    )


def _check_threshold(threshold: Any) -> float:
    if not _is_real_number(threshold):
        raise TypeError(
            f"threshold={threshold!r} has type {type(threshold).__name__}; "
            "allowed: a number in [0, 1]"
        )
    if not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"threshold={threshold!r} is outside [0, 1]; allowed: a number in [0, 1]")
    return float(threshold)


def _check_probabilities(y_score: np.ndarray) -> None:
    if y_score.dtype.kind not in "biuf":
        raise TypeError(
            f"y_score has dtype {y_score.dtype}; allowed: numeric probabilities in [0, 1]"
        )
    bad = ~np.isfinite(y_score) | (y_score < 0) | (y_score > 1)
    if bad.any():
        raise ValueError(
            f"y_score contains {y_score[bad].tolist()[0]!r}, outside [0, 1]; allowed: "
            "probabilities in [0, 1] (apply a sigmoid or softmax to logits first)"
        )


def _check_class_indices(y_true: Any, n_classes: int) -> np.ndarray:
    true = _as_label_array("y_true", y_true)
    if _label_kind(true) == "string":
        raise ValueError(
            f"y_true holds string labels such as {true.tolist()[0]!r}; allowed: class indices "
            f"0..{n_classes - 1}"
        )
    outside = (true < 0) | (true >= n_classes)
    if outside.any():
        raise ValueError(
            f"y_true contains {true[outside].tolist()[0]!r}; allowed: class indices "
            f"0..{n_classes - 1} (y_score has {n_classes} "
            f"{'columns' if n_classes > 2 else 'classes'})"
        )
    return true.astype(np.int64)


def _roc_auc_or_nan(true: np.ndarray, y_score: np.ndarray, n_classes: int) -> float:
    """ROC AUC (one-vs-rest macro average for several classes); NaN if undefined."""
    from sklearn.metrics import roc_auc_score

    missing = sorted(set(range(n_classes)) - set(true.tolist()))
    if missing:
        warnings.warn(
            f"ROC AUC is undefined because y_true contains no sample of class(es) {missing}; "
            "it is reported as nan.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return float("nan")
    if y_score.ndim == 1:
        return float(roc_auc_score(true, y_score))
    if n_classes == 2:  # one-vs-rest AUC of class 0 equals that of class 1
        return float(roc_auc_score(true, y_score[:, 1]))
    return float(roc_auc_score(true, y_score, multi_class="ovr", labels=np.arange(n_classes)))


def classification_scores(
    y_true: Any,
    y_score: Any,
    *,
    threshold: float = 0.5,
    zero_division: str | float = "warn",
) -> dict[str, float]:
    """Accuracy, precision, recall, F1 and ROC AUC of predicted probabilities.

    **Binary** (``y_score`` of shape (n,) or (n, 1), the probability of class 1, e.g. the
    output of a sigmoid): the predicted class is 1 where ``y_score >= threshold``. Keys
    ``"accuracy", "precision", "recall", "f1", "roc_auc"``; precision, recall and F1 are
    those of class 1 (see :func:`precision_recall_f1`).

    **Multiclass** (``y_score`` of shape (n, k), k >= 2, rows of class probabilities that
    sum to 1, e.g. a softmax output): the predicted class is the argmax and
    ``threshold`` is ignored. Keys ``"accuracy", "precision_macro", "recall_macro",
    "f1_macro", "roc_auc_ovr"``. Macro averages run over the labels that occur in
    ``y_true`` or in the predictions (scikit-learn's default); ``roc_auc_ovr`` is the
    unweighted mean of the one-vs-rest AUCs of all k classes.

    ROC AUC is undefined when some class (of the two, or of the k) has no sample in
    ``y_true`` -- for example a binary ``y_true`` with a single class. It is then reported
    as NaN together with an :class:`UndefinedMetricWarning`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class indices: 0 or 1 (binary), 0..k-1 (multiclass).
    y_score : array-like of shape (n_samples,), (n_samples, 1) or (n_samples, k)
        Predicted probabilities, all in [0, 1].
    threshold : float in [0, 1], default 0.5
        Decision threshold of the binary case.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default "warn"
        Passed to :func:`precision_recall_f1` (e.g. for a model that never predicts 1).

    Returns
    -------
    dict[str, float]

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
    threshold = _check_threshold(threshold)
    _zero_division_value(zero_division)
    score = np.asarray(y_score)
    if score.ndim == 2 and score.shape[1] == 1:
        score = score[:, 0]
    if score.ndim not in (1, 2) or (score.ndim == 2 and score.shape[1] < 2):
        raise ValueError(
            f"y_score has shape {np.shape(y_score)}; allowed: (n,) or (n, 1) probabilities "
            "of class 1, or (n, k) class probabilities with k >= 2"
        )
    if score.shape[0] == 0:
        raise ValueError("y_score is empty; allowed: at least one sample")
    _check_probabilities(score)
    n_classes = 2 if score.ndim == 1 else score.shape[1]
    true = _check_class_indices(y_true, n_classes)
    if true.shape[0] != score.shape[0]:
        raise ValueError(
            f"y_true has {true.shape[0]} samples but y_score has {score.shape[0]}; "
            "allowed: the same number of samples"
        )

    if score.ndim == 1:
        pred = (score >= threshold).astype(np.int64)
        prf = precision_recall_f1(
            true, pred, average="binary", pos_label=1, zero_division=zero_division
        )
        return {
            "accuracy": float(np.mean(true == pred)),
            "precision": prf.precision,
            "recall": prf.recall,
            "f1": prf.f1,
            "roc_auc": _roc_auc_or_nan(true, score, n_classes),
        }

    row_sums = score.sum(axis=1)
    if not np.allclose(row_sums, 1.0):
        worst = row_sums[np.argmax(np.abs(row_sums - 1.0))]
        raise ValueError(
            f"y_score rows must sum to 1 (class probabilities), but a row sums to "
            f"{float(worst)!r}; allowed: softmax outputs of shape (n, k)"
        )
    pred = np.argmax(score, axis=1)
    prf = precision_recall_f1(true, pred, average="macro", zero_division=zero_division)
    return {
        "accuracy": float(np.mean(true == pred)),
        "precision_macro": prf.precision,
        "recall_macro": prf.recall,
        "f1_macro": prf.f1,
        "roc_auc_ovr": _roc_auc_or_nan(true, score, n_classes),
    }


def best_threshold(
    y_true: Any,
    y_score: Any,
    *,
    score: Callable[[np.ndarray, np.ndarray], float] | None = None,
) -> float:
    """The decision threshold on ``y_score`` that maximises ``score`` on these examples.

    A positive (label 1) is predicted when ``y_score >= threshold``. The candidates are every
    distinct decision: 0.5 first (so it wins a tie, and a threshold only moves when moving it
    helps), 0 (everything positive), infinity (everything negative) and the midpoints between
    neighbouring distinct scores. Choose the threshold on validation data, never on the test
    set: chosen on the test set, it flatters the score it is judged by.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, 0 or 1.
    y_score : array-like of shape (n,)
        Scores of class 1, for example predicted probabilities; finite numbers.
    score : callable, optional
        ``score(y_true, y_pred)`` with 0/1 predictions, larger is better; default accuracy.

    Returns
    -------
    float
        The threshold; the first candidate in the order above when several tie.

    Examples
    --------
    >>> best_threshold([0, 0, 1, 1], [0.0, 0.25, 0.375, 1.0])  # 0.5 misses one positive
    0.3125
    >>> best_threshold([0, 1], [0.2, 0.9])  # 0.5 already separates the classes: it stays
    0.5
    """
    true = _as_label_array("y_true", y_true)
    bad = true if _label_kind(true) == "string" else true[~np.isin(true, (0, 1))]
    if bad.size:
        raise ValueError(f"y_true contains {bad.tolist()[0]!r}; allowed: the labels 0 and 1")
    scores = np.asarray(y_score)
    if scores.ndim != 1 or scores.shape[0] != true.shape[0] or scores.dtype.kind not in "biuf":
        raise ValueError(
            f"y_score has shape {scores.shape} and dtype {scores.dtype}; allowed: "
            f"{true.shape[0]} numbers, one per example of y_true"
        )
    if not np.isfinite(scores).all():
        raise ValueError("y_score contains nan or inf; allowed: finite numbers")
    if score is None:
        score = _accuracy
    elif not callable(score):
        raise TypeError(f"score={score!r} is not callable; allowed: score(y_true, y_pred)")
    unique = np.unique(scores)
    candidates = np.concatenate([[0.5, 0.0, np.inf], (unique[:-1] + unique[1:]) / 2])
    values = [score(true, (scores >= t).astype(int)) for t in candidates]
    return float(candidates[int(np.argmax(values))])


def _accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_true == y_pred))


def _as_column_list(name: str, value: Any) -> list[str]:
    columns = [value] if isinstance(value, str) else value
    if not isinstance(columns, (list, tuple)) or not columns:
        raise TypeError(
            f"{name}={value!r} is not supported; allowed: a column name or a non-empty list "
            "of column names"
        )
    return list(columns)


def summarize_over_seeds(
    results: pd.DataFrame, by: str | list[str], metrics: list[str]
) -> pd.DataFrame:
    """Mean, sample standard deviation and number of runs of metrics, per group.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per run (e.g. per strategy and seed).
    by : str or list of str
        Column(s) that define a group, e.g. ``"strategy"``.
    metrics : list of str
        Numeric columns to summarise (a single name is also accepted).

    Returns
    -------
    pandas.DataFrame
        One row per group, in order of first appearance in ``results``, with the ``by``
        column(s) followed by ``f"{m}_mean"`` and ``f"{m}_std"`` for each metric and
        ``"n_seeds"`` (number of rows in the group). The std is the sample standard
        deviation (``ddof=1``), so it is NaN for a group with a single seed. NaN values in
        ``results`` are not skipped: a group with an undefined score gets a NaN mean and
        std, so that the summary never silently averages over fewer runs than
        ``n_seeds``.

    Examples
    --------
    >>> results = pd.DataFrame({
    ...     "strategy": ["scratch", "scratch", "fine-tune", "fine-tune"],
    ...     "seed": [0, 1, 0, 1],
    ...     "accuracy": [0.80, 0.84, 0.90, 0.92],
    ... })
    >>> summary = summarize_over_seeds(results, "strategy", ["accuracy"])
    >>> summary.round(4)  # doctest: +NORMALIZE_WHITESPACE
        strategy  accuracy_mean  accuracy_std  n_seeds
    0    scratch           0.82        0.0283        2
    1  fine-tune           0.91        0.0141        2
    """
    if not isinstance(results, pd.DataFrame):
        raise TypeError(f"results has type {type(results).__name__}; allowed: a pandas DataFrame")
    by_columns = _as_column_list("by", by)
    metric_columns = _as_column_list("metrics", metrics)
    missing = [c for c in by_columns + metric_columns if c not in results.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in results; allowed: {list(results.columns)}")
    overlap = sorted(set(by_columns) & set(metric_columns))
    if overlap:
        raise ValueError(f"columns {overlap} are in both by and metrics; allowed: disjoint lists")
    if results.empty:
        raise ValueError("results has no rows; allowed: at least one run")
    for metric in metric_columns:
        if not pd.api.types.is_numeric_dtype(results[metric]):
            raise TypeError(
                f"metrics column {metric!r} has dtype {results[metric].dtype}; "
                "allowed: numeric columns"
            )

    grouped = results.groupby(by_columns, sort=False, dropna=False)
    parts = {}
    for metric in metric_columns:
        parts[f"{metric}_mean"] = grouped[metric].mean(skipna=False)
        parts[f"{metric}_std"] = grouped[metric].std(ddof=1, skipna=False)
    parts["n_seeds"] = grouped.size()
    return pd.DataFrame(parts).reset_index()


def format_mean_std(mean: float, std: float, *, digits: int = 3) -> str:
    """Format a mean and a standard deviation as ``"0.912 ± 0.013"``.

    A NaN std (e.g. a single seed) is shown as ``nan``.

    Parameters
    ----------
    mean, std : float
        The numbers to show; ``std`` must not be negative.
    digits : int, default 3
        Digits after the decimal point (a non-negative int).

    Examples
    --------
    >>> format_mean_std(0.91234, 0.01271)
    '0.912 ± 0.013'
    >>> format_mean_std(87.5, 2.25, digits=1)
    '87.5 ± 2.2'
    >>> format_mean_std(0.9, float("nan"))
    '0.900 ± nan'
    """
    for name, value in (("mean", mean), ("std", std)):
        if not _is_real_number(value):
            raise TypeError(
                f"{name}={value!r} has type {type(value).__name__}; allowed: a real number"
            )
    if std < 0:
        raise ValueError(f"std={std!r} is negative; allowed: a non-negative number or nan")
    if isinstance(digits, (bool, np.bool_)) or not isinstance(digits, numbers.Integral):
        raise TypeError(f"digits={digits!r} is not an int; allowed: a non-negative int")
    if digits < 0:
        raise ValueError(f"digits={digits!r} is negative; allowed: a non-negative int")
    return f"{float(mean):.{digits}f} ± {float(std):.{digits}f}"


# --------------------------------------------------------------------------------------
# bootstrap confidence intervals
# --------------------------------------------------------------------------------------

_RESAMPLE_CHUNK_ELEMENTS = 4_000_000  # resampled values held in memory at once (32 MB)


@dataclass(frozen=True)
class BootstrapCI:
    """A point estimate with a bootstrap confidence interval ``[low, high]``.

    Examples
    --------
    >>> ci = BootstrapCI(estimate=0.9, low=0.85, high=0.94, confidence=0.95, n_resamples=1000)
    >>> str(ci)
    '0.900 [0.850, 0.940]'
    >>> ci.format(digits=2), ci.contains(0.8)
    ('0.90 [0.85, 0.94]', False)
    """

    estimate: float
    low: float
    high: float
    confidence: float
    n_resamples: int

    def format(self, digits: int = 3) -> str:
        """``"estimate [low, high]"`` with ``digits`` decimals."""
        return f"{self.estimate:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}]"

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval (ends included)."""
        return bool(self.low <= value <= self.high)

    def __str__(self) -> str:
        return self.format()


def _check_positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name}={value!r} has type {type(value).__name__}; allowed: an int >= {minimum}"
        )
    if value < minimum:
        raise ValueError(f"{name}={value!r} is too small; allowed: an int >= {minimum}")
    return int(value)


def _check_confidence(confidence: Any) -> float:
    if not _is_real_number(confidence):
        raise TypeError(
            f"confidence={confidence!r} has type {type(confidence).__name__}; "
            "allowed: a number strictly between 0 and 1, e.g. 0.95"
        )
    if not 0.0 < float(confidence) < 1.0:  # also rejects NaN
        raise ValueError(
            f"confidence={confidence!r} is out of range; allowed: 0 < confidence < 1, e.g. 0.95"
        )
    return float(confidence)


def _check_seed(random_state: Any) -> int | None:
    if random_state is None:
        return None
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, numbers.Integral):
        raise TypeError(f"random_state={random_state!r} is not allowed; allowed: an int or None")
    if random_state < 0:
        raise ValueError(f"random_state={random_state!r} is negative; allowed: an int >= 0")
    return int(random_state)


def _check_values(values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"values has dtype {array.dtype}; allowed: real numbers")
    if array.ndim != 1:
        raise ValueError(f"values has shape {array.shape}; allowed: a 1-D array of numbers")
    if array.shape[0] < 2:
        raise ValueError(f"values has {array.shape[0]} element(s); allowed: at least 2 to resample")
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise ValueError("values contains NaN or infinite entries; allowed: finite numbers")
    return array


def _bootstrap_means(values: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_resamples`` resamples (with replacement), in memory-bounded chunks."""
    n = values.shape[0]
    chunk = max(1, _RESAMPLE_CHUNK_ELEMENTS // n)
    means = np.empty(n_resamples)
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        index = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[index].mean(axis=1)
    return means


def _bootstrap_metric(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    metric: Callable[[np.ndarray, np.ndarray], float],
    n_resamples: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``metric`` on ``n_resamples`` resamples of the examples (rows kept together)."""
    n = y_true.shape[0]
    scores = np.empty(n_resamples)
    for k in range(n_resamples):
        index = rng.integers(0, n, size=n)
        advice = (
            "a resample can lack a class, so use a metric that is defined for any resample, "
            "or more examples"
        )
        try:
            scores[k] = float(metric(y_true[index], y_pred[index]))
        except (ValueError, ZeroDivisionError) as error:
            raise ValueError(
                f"metric failed on bootstrap resample {k} ({error}); {advice}"
            ) from error
        if not math.isfinite(scores[k]):
            raise ValueError(f"metric gave {scores[k]} on bootstrap resample {k}; {advice}")
    return scores


def bootstrap_ci(
    values_or_y_true: Any,
    y_pred: Any = None,
    metric: Callable[[np.ndarray, np.ndarray], float] | None = None,
    *,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    random_state: int | None = None,
) -> BootstrapCI:
    """Percentile-bootstrap confidence interval for a mean, or for a metric of predictions.

    Two ways to call it:

    - ``bootstrap_ci(values)``: the interval for the **mean** of ``values``, e.g. the test
      accuracies of one strategy over seeds, or the per-seed differences between two
      strategies (a *paired* comparison). Resampling is vectorised.
    - ``bootstrap_ci(y_true, y_pred, metric)``: the interval for ``metric(y_true, y_pred)``
      when the test examples are resampled, i.e. the uncertainty that comes from having a
      finite test set. ``y_pred`` may be labels or scores (1-D or one row per example);
      rows of ``y_true`` and ``y_pred`` are resampled together.

    The interval is the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the
    statistic over ``n_resamples`` resamples with replacement (Efron and Tibshirani, 1994).
    With very few values (say 5 seeds) the bootstrap interval is too narrow on average; a
    t interval is the more conservative choice there.

    Parameters
    ----------
    values_or_y_true : array-like
        The values to average, or the true labels.
    y_pred : array-like, optional
        Predictions (labels or scores) matching ``y_true``; give it together with ``metric``.
    metric : callable, optional
        ``metric(y_true, y_pred) -> float``, e.g. ``sklearn.metrics.f1_score``.
    n_resamples : int, keyword-only
        Number of bootstrap resamples (at least 1; 1000 or more for stable ends).
    confidence : float, keyword-only
        Coverage of the interval, strictly between 0 and 1.
    random_state : int or None, keyword-only
        Seed of the resampling; the same seed gives the same interval.

    Returns
    -------
    BootstrapCI
        ``estimate`` (the mean, or the metric on all examples), ``low``, ``high``,
        ``confidence``, ``n_resamples``.

    Examples
    --------
    >>> import numpy as np
    >>> accuracies = [0.81, 0.84, 0.79, 0.86, 0.83]          # one strategy, five seeds
    >>> ci = bootstrap_ci(accuracies, random_state=0)
    >>> round(ci.estimate, 3), ci.low < ci.estimate < ci.high
    (0.826, True)
    >>> y_true = np.array([0, 1] * 50); y_pred = y_true.copy(); y_pred[:10] = 1 - y_pred[:10]
    >>> ci = bootstrap_ci(y_true, y_pred, lambda t, p: np.mean(t == p), random_state=0)
    >>> ci.estimate, ci.low < 0.9 < ci.high
    (0.9, True)
    >>> bootstrap_ci([0.8, 0.9], confidence=95)
    Traceback (most recent call last):
    ...
    ValueError: confidence=95 is out of range; allowed: 0 < confidence < 1, e.g. 0.95
    """
    n_resamples = _check_positive_int("n_resamples", n_resamples)
    confidence = _check_confidence(confidence)
    rng = np.random.default_rng(_check_seed(random_state))
    if (y_pred is None) != (metric is None):
        raise TypeError(
            "y_pred and metric must be given together: bootstrap_ci(values) or "
            "bootstrap_ci(y_true, y_pred, metric); got "
            f"{'y_pred without metric' if metric is None else 'metric without y_pred'}"
        )
    if y_pred is None:
        values = _check_values(values_or_y_true)
        estimate = float(values.mean())
        statistics = _bootstrap_means(values, n_resamples, rng)
    else:
        if not callable(metric):
            raise TypeError(
                f"metric has type {type(metric).__name__}; allowed: a callable "
                "metric(y_true, y_pred) -> float"
            )
        true, pred = np.asarray(values_or_y_true), np.asarray(y_pred)
        if true.ndim == 0 or pred.ndim == 0 or true.shape[0] == 0:
            raise ValueError(
                f"y_true has shape {true.shape} and y_pred has shape {pred.shape}; allowed: "
                "non-empty arrays with one entry (or row) per example"
            )
        if true.shape[0] != pred.shape[0]:
            raise ValueError(
                f"y_true has {true.shape[0]} examples but y_pred has {pred.shape[0]}; "
                "allowed: the same number"
            )
        estimate = float(metric(true, pred))
        statistics = _bootstrap_metric(true, pred, metric, n_resamples, rng)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(statistics, [tail, 1.0 - tail])
    return BootstrapCI(estimate, float(low), float(high), confidence, n_resamples)


# --------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------

_STRATEGIES = ("uniform", "quantile")


def _confidence_and_hits(y_true: Any, y_prob: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per example, the probability to check and whether the event it predicts happened.

    1-D ``y_prob`` (binary): the predicted probability of class 1 and ``y_true == 1``.
    2-D ``y_prob`` (k classes): the top-class probability and ``argmax == y_true``.
    """
    prob = np.asarray(y_prob)
    if prob.ndim == 2 and prob.shape[1] == 1:
        prob = prob[:, 0]
    if prob.ndim not in (1, 2) or (prob.ndim == 2 and prob.shape[1] < 2):
        raise ValueError(
            f"y_prob has shape {np.shape(y_prob)}; allowed: (n,) or (n, 1) probabilities of "
            "class 1, or (n, k) class probabilities with k >= 2"
        )
    if prob.shape[0] == 0:
        raise ValueError("y_prob is empty; allowed: at least one example")
    _check_probabilities(prob)
    prob = prob.astype(float)
    n_classes = 2 if prob.ndim == 1 else prob.shape[1]
    true = _check_class_indices(y_true, n_classes)
    if true.shape[0] != prob.shape[0]:
        raise ValueError(
            f"y_true has {true.shape[0]} examples but y_prob has {prob.shape[0]}; "
            "allowed: the same number"
        )
    if prob.ndim == 1:
        return prob, (true == 1).astype(float)
    row_sums = prob.sum(axis=1)
    if not np.allclose(row_sums, 1.0, atol=1e-4):
        worst = row_sums[np.argmax(np.abs(row_sums - 1.0))]
        raise ValueError(
            f"y_prob rows must sum to 1 (class probabilities), but a row sums to "
            f"{float(worst)!r}; allowed: softmax outputs of shape (n, k)"
        )
    return prob.max(axis=1), (prob.argmax(axis=1) == true).astype(float)


def _bin_edges(confidence: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    if strategy == "uniform":
        return np.linspace(0.0, 1.0, n_bins + 1)
    inner = np.quantile(confidence, np.linspace(0.0, 1.0, n_bins + 1)[1:-1])
    return np.concatenate([[0.0], np.unique(inner), [1.0]])


def reliability_curve(
    y_true: Any, y_prob: Any, *, n_bins: int = 10, strategy: str = "uniform"
) -> pd.DataFrame:
    """Per-bin mean predicted probability ("confidence") against observed frequency.

    The predicted probabilities are grouped into bins; a perfectly calibrated model has, in
    every bin, an observed frequency equal to its mean predicted probability.

    - **Binary** (``y_prob`` of shape (n,): the probability of class 1, e.g. a sigmoid
      output): ``confidence`` is the mean predicted probability of class 1 in the bin and
      ``accuracy`` the fraction of examples in the bin that really are class 1 (the reliability
      diagram of Niculescu-Mizil and Caruana, 2005).
    - **Multiclass** (``y_prob`` of shape (n, k), rows summing to 1): ``confidence`` is the
      mean top-class probability and ``accuracy`` the fraction of correct top-class
      predictions (Guo et al., 2017).

    Bins are right-closed, ``(lower, upper]``, and the first one also holds 0.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True class indices (0/1 in the binary case).
    y_prob : array-like of shape (n,), (n, 1) or (n, k)
        Predicted probabilities.
    n_bins : int, keyword-only
        Number of bins (at least 1).
    strategy : {"uniform", "quantile"}, keyword-only
        ``"uniform"``: equal-width bins on [0, 1]; ``"quantile"``: bins holding about the
        same number of examples (edges at quantiles of the confidences; tied quantiles are
        merged, so there may be fewer bins).

    Returns
    -------
    pandas.DataFrame
        One row per **non-empty** bin (index ``bin``, the bin's number) with columns
        ``bin_lower``, ``bin_upper``, ``count``, ``confidence``, ``accuracy``.

    Examples
    --------
    >>> curve = reliability_curve([0, 1, 1, 1, 1, 0], [0.1, 0.1, 0.9, 0.9, 0.9, 0.9], n_bins=5)
    >>> curve  # doctest: +NORMALIZE_WHITESPACE
         bin_lower  bin_upper  count  confidence  accuracy
    bin
    0          0.0        0.2      2         0.1      0.50
    4          0.8        1.0      4         0.9      0.75
    """
    n_bins = _check_positive_int("n_bins", n_bins)
    if not isinstance(strategy, str) or strategy not in _STRATEGIES:
        raise ValueError(f"strategy={strategy!r} is not supported; allowed: 'uniform', 'quantile'")
    confidence, hits = _confidence_and_hits(y_true, y_prob)
    edges = _bin_edges(confidence, n_bins, strategy)
    bins = np.searchsorted(edges[1:-1], confidence, side="left")  # right-closed bins
    n_edges = edges.shape[0] - 1
    count = np.bincount(bins, minlength=n_edges)
    filled = count > 0
    mean_confidence = np.bincount(bins, weights=confidence, minlength=n_edges)[filled]
    mean_hits = np.bincount(bins, weights=hits, minlength=n_edges)[filled]
    return pd.DataFrame(
        {
            "bin_lower": edges[:-1][filled],
            "bin_upper": edges[1:][filled],
            "count": count[filled].astype(np.int64),
            "confidence": mean_confidence / count[filled],
            "accuracy": mean_hits / count[filled],
        },
        index=pd.Index(np.flatnonzero(filled), name="bin"),
    )


def expected_calibration_error(
    y_true: Any, y_prob: Any, *, n_bins: int = 10, strategy: str = "uniform"
) -> float:
    """Expected calibration error: the count-weighted mean gap between confidence and accuracy.

    ``ECE = sum_b (n_b / n) |accuracy_b - confidence_b|`` over the bins ``b`` of
    :func:`reliability_curve` (Naeini et al., 2015; Guo et al., 2017). It is 0 for a perfectly
    calibrated model (up to sampling noise, which grows with ``n_bins`` and shrinks with
    ``n``) and at most 1. ECE does not measure accuracy: a model that always predicts the
    class frequencies is perfectly calibrated and useless. Compare ECE only at the same
    ``n_bins`` and ``strategy``.

    Parameters
    ----------
    y_true, y_prob, n_bins, strategy
        As in :func:`reliability_curve`: binary probabilities of class 1 (shape (n,)) or
        class probabilities (shape (n, k)).

    Returns
    -------
    float

    Examples
    --------
    >>> # a model that always says "80 % class 1" when 60 % of the examples are class 1
    >>> round(expected_calibration_error([1, 1, 1, 0, 0], [0.8] * 5), 3)
    0.2
    >>> # bins 0.1 (2 examples, 50 % class 1) and 0.9 (4 examples, 75 %): (2*0.4 + 4*0.15) / 6
    >>> round(expected_calibration_error([0, 1, 1, 1, 1, 0], [0.1, 0.1, 0.9, 0.9, 0.9, 0.9]), 4)
    0.2333
    >>> expected_calibration_error([0, 1], [0.2, 0.7], strategy="equal")
    Traceback (most recent call last):
    ...
    ValueError: strategy='equal' is not supported; allowed: 'uniform', 'quantile'
    """
    curve = reliability_curve(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    weights = curve["count"].to_numpy() / curve["count"].sum()
    gaps = np.abs(curve["accuracy"].to_numpy() - curve["confidence"].to_numpy())
    return float(np.sum(weights * gaps))
