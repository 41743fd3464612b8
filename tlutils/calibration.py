"""Calibration: do predicted probabilities mean what they say?

A model is calibrated when, of the examples it gives probability 0.8, about 80 % turn out
positive. :func:`reliability_curve` bins the predictions and sets each bin's mean predicted
probability against the observed frequency; :func:`expected_calibration_error` sums the gaps.

Both are hand-written: scikit-learn's :func:`~sklearn.calibration.calibration_curve` handles
binary probabilities only (not the top-label view of a softmax) and there is no ECE in
scikit-learn. For binary input the two agree bin for bin.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tlutils._validation import check_choice, check_int
from tlutils.metrics import _class_probabilities

__all__ = ["expected_calibration_error", "reliability_curve"]


def reliability_curve(
    y_true: Any, y_prob: Any, *, n_bins: int = 10, strategy: str = "uniform"
) -> pd.DataFrame:
    """Per-bin mean predicted probability ("confidence") against observed frequency.

    - **Binary**, ``y_prob`` of shape (n,) or (n, 1), the probability of class 1:
      ``confidence`` is the bin's mean probability of class 1 and ``accuracy`` the fraction of
      its examples that are class 1 (Niculescu-Mizil and Caruana, 2005).
    - **Multiclass**, shape (n, k), rows summing to 1: ``confidence`` is the mean top-class
      probability and ``accuracy`` the fraction of correct top-class predictions (Guo et al.,
      2017).

    ``y_true`` holds class indices. The ``n_bins`` bins are right-closed, ``(lower, upper]``
    (the first one also holds 0): of equal width on [0, 1] (``strategy="uniform"``) or of about
    equal counts (``"quantile"``: edges at quantiles of the confidences; tied edges merge, so
    there may be fewer bins). The result has one row per non-empty bin (index ``bin``, the
    bin's number), columns ``bin_lower``, ``bin_upper``, ``count``, ``confidence``,
    ``accuracy``.

    Examples
    --------
    >>> curve = reliability_curve([0, 1, 1, 1, 1, 0], [0.1, 0.1, 0.9, 0.9, 0.9, 0.9], n_bins=5)
    >>> curve  # doctest: +NORMALIZE_WHITESPACE
         bin_lower  bin_upper  count  confidence  accuracy
    bin
    0          0.0        0.2      2         0.1      0.50
    4          0.8        1.0      4         0.9      0.75
    """
    n_bins = check_int(n_bins, "n_bins", min_value=1)
    strategy = check_choice(strategy, "strategy", ("uniform", "quantile"))
    prob, true = _class_probabilities(y_true, y_prob, "y_prob", atol=1e-4)
    prob = prob.astype(float)
    if prob.ndim == 1:
        confidence, hits = prob, (true == 1).astype(float)
    else:
        confidence, hits = prob.max(axis=1), (prob.argmax(axis=1) == true).astype(float)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        inner = np.quantile(confidence, np.linspace(0.0, 1.0, n_bins + 1)[1:-1])
        edges = np.concatenate([[0.0], np.unique(inner), [1.0]])
    bins = np.searchsorted(edges[1:-1], confidence, side="left")  # right-closed bins
    count, confidence_sum, hit_sum = (
        np.bincount(bins, weights=w, minlength=edges.size - 1) for w in (None, confidence, hits)
    )
    filled = count > 0
    return pd.DataFrame(
        {
            "bin_lower": edges[:-1][filled],
            "bin_upper": edges[1:][filled],
            "count": count[filled].astype(np.int64),
            "confidence": confidence_sum[filled] / count[filled],
            "accuracy": hit_sum[filled] / count[filled],
        },
        index=pd.Index(np.flatnonzero(filled), name="bin"),
    )


def expected_calibration_error(
    y_true: Any, y_prob: Any, *, n_bins: int = 10, strategy: str = "uniform"
) -> float:
    """Expected calibration error: the count-weighted mean gap between confidence and accuracy.

    ``ECE = sum_b (n_b / n) |accuracy_b - confidence_b|`` over the bins of
    :func:`reliability_curve` (Naeini et al., 2015). Which ECE depends on ``y_prob``:

    - **1-D** (binary probabilities of class 1): the *class-1* calibration error, the gap
      between the predicted probability of class 1 and the frequency of class 1;
    - **2-D** (class probabilities): Guo et al.'s (2017) *top-label* ECE, the gap between the
      top-class probability and the accuracy of the top-class prediction.

    Both are 0 for a perfectly calibrated model (up to sampling noise, which grows with
    ``n_bins``) and at most 1. ECE does not measure accuracy: always predicting the class
    frequencies is calibrated and useless. Compare ECEs only at the same ``n_bins`` and
    ``strategy`` (the arguments are those of :func:`reliability_curve`).

    Examples
    --------
    >>> # always "80 % class 1" when 60 % of the examples are class 1
    >>> round(expected_calibration_error([1, 1, 1, 0, 0], [0.8] * 5), 3)
    0.2
    >>> # bins 0.1 (2 examples, 50 % class 1) and 0.9 (4 examples, 75 %): (2*0.4 + 4*0.15) / 6
    >>> round(expected_calibration_error([0, 1, 1, 1, 1, 0], [0.1, 0.1, 0.9, 0.9, 0.9, 0.9]), 4)
    0.2333
    """
    curve = reliability_curve(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    weights = curve["count"].to_numpy() / curve["count"].sum()
    gaps = np.abs(curve["accuracy"].to_numpy() - curve["confidence"].to_numpy())
    return float(np.sum(weights * gaps))
