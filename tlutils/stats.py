"""Statistics over seeds and test sets: intervals around a mean or a metric, and summaries.

A score varies with the seed and the test set. :func:`t_interval` (``scipy.stats.t``) and
:func:`bootstrap_ci` (``scipy.stats.bootstrap``, percentile method) put intervals around it;
:func:`summarize_over_seeds` and :func:`format_mean_std` make the book's tables. Nothing here
re-implements SciPy or pandas: these only fix the book's conventions (sample std, groups in
order of appearance, whole rows resampled).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from tlutils._validation import (
    check_array,
    check_callable,
    check_int,
    check_random_state,
    check_real,
    check_same_length,
    invalid,
)

__all__ = ["BootstrapCI", "bootstrap_ci", "format_mean_std", "summarize_over_seeds", "t_interval"]


def t_interval(values: Any, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval ``(mean, low, high)`` of a few values.

    The interval is ``mean +/- t_{n-1} * s / sqrt(n)`` (``scipy.stats.t.interval``): for scores
    over ``n`` seeds, an interval for the mean over seeds, the seeds treated as independent
    draws. For paired comparisons pass the per-seed differences. With one value the interval is
    ``(nan, nan)``; with identical values it has width 0.

    Examples
    --------
    >>> [round(v, 3) for v in t_interval([0.5, 0.6, 0.7])]
    [0.6, 0.352, 0.848]
    """
    confidence = check_real(confidence, "confidence", min_value=0, max_value=1, closed="neither")
    array = check_array(values, "values", ndim=1, min_rows=1)
    mean = float(array.mean())
    if array.size == 1:
        return mean, math.nan, math.nan
    sem = float(stats.sem(array))
    if sem == 0.0:  # identical values: scipy would answer nan for a zero scale
        return mean, mean, mean
    low, high = stats.t.interval(confidence, array.size - 1, loc=mean, scale=sem)
    return mean, float(low), float(high)


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


def bootstrap_ci(
    values_or_y_true: Any,
    y_pred: Any = None,
    metric: Callable[[np.ndarray, np.ndarray], float] | None = None,
    *,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    random_state: int | None = None,
) -> BootstrapCI:
    """Percentile-bootstrap confidence interval (``scipy.stats.bootstrap``) for a mean or a metric.

    - ``bootstrap_ci(values)``: the **mean** of ``values`` (at least 2), e.g. accuracies over
      seeds, or per-seed differences between two strategies (a paired comparison).
    - ``bootstrap_ci(y_true, y_pred, metric)``: ``metric(y_true, y_pred)``, e.g.
      ``sklearn.metrics.roc_auc_score``, with the test examples resampled (the uncertainty of
      a finite test set). Rows of ``y_true`` and ``y_pred`` (labels, scores or probability
      rows) stay together: the row indices are resampled, as ``paired=True`` does inside
      SciPy, which also works for 2-D ``y_pred``.

    The ends are the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the
    statistic over ``n_resamples`` resamples drawn with seed ``random_state``. With a handful
    of seeds the interval is too narrow on average; :func:`t_interval` is safer there.
    Returns a :class:`BootstrapCI` whose ``estimate`` is the mean or the metric on all rows.

    Examples
    --------
    >>> ci = bootstrap_ci([0.81, 0.84, 0.79, 0.86, 0.83], random_state=0)  # five seeds
    >>> round(ci.estimate, 3), ci.low < ci.estimate < ci.high
    (0.826, True)
    >>> y_true = np.array([0, 1] * 50); y_pred = y_true.copy(); y_pred[:10] = 1 - y_pred[:10]
    >>> ci = bootstrap_ci(y_true, y_pred, lambda t, p: np.mean(t == p), random_state=0)
    >>> ci.estimate, ci.low < 0.9 < ci.high
    (0.9, True)
    """
    n_resamples = check_int(n_resamples, "n_resamples", min_value=1)
    confidence = check_real(confidence, "confidence", min_value=0, max_value=1, closed="neither")
    seed = check_random_state(random_state)
    if (y_pred is None) != (metric is None):
        missing = "metric" if metric is None else "y_pred"
        allowed = "bootstrap_ci(values) or bootstrap_ci(y_true, y_pred, metric)"
        raise invalid(missing, "is missing", allowed, error=TypeError)
    if y_pred is None:
        values = check_array(values_or_y_true, "values", ndim=1, min_rows=2)
        estimate, data, statistic = float(values.mean()), (values,), np.mean
    else:
        metric = check_callable(metric, "metric", "metric(y_true, y_pred) -> float")
        true, pred = np.atleast_1d(values_or_y_true), np.atleast_1d(y_pred)
        if true.shape[0] < 2:
            raise invalid("y_true", f"has shape {true.shape}", "at least 2 examples")
        check_same_length(true, pred, ("y_true", "y_pred"))
        estimate, data = float(metric(true, pred)), (np.arange(true.shape[0]),)

        def statistic(rows: np.ndarray) -> float:
            try:
                value = float(metric(true[rows], pred[rows]))
                if math.isfinite(value):
                    return value
                problem = f"gave {value}"
            except (ValueError, ZeroDivisionError) as error:
                problem = f"failed ({error})"
            advice = "a resample can lack a class: use a metric defined on any resample"
            raise ValueError(f"metric {problem} on a bootstrap resample; {advice}")

    low, high = stats.bootstrap(
        data,
        statistic,
        n_resamples=n_resamples,
        batch=max(1, 4_000_000 // data[0].size),  # at most 4 million resampled values at once
        confidence_level=confidence,
        method="percentile",
        rng=seed,
    ).confidence_interval
    return BootstrapCI(estimate, float(low), float(high), confidence, n_resamples)


def _columns(value: Any, name: str) -> list[Any]:
    columns = [value] if isinstance(value, str) else value
    if not isinstance(columns, list | tuple) or not columns:
        raise invalid(name, "is no column list", "a name or a non-empty list", value=value)
    return list(columns)


def summarize_over_seeds(
    results: pd.DataFrame, by: str | list[str], metrics: list[str]
) -> pd.DataFrame:
    """Mean, sample standard deviation and number of runs of metrics, per group.

    ``results`` has one row per run; ``by`` names the column(s) that define a group (e.g.
    ``"strategy"``), ``metrics`` the numeric columns to summarise (one name or a list).

    The result has one row per group, in order of first appearance: the ``by`` columns, then
    ``f"{m}_mean"`` and ``f"{m}_std"`` per metric (``ddof=1``: NaN for a single seed) and
    ``n_seeds``. NaN scores are not skipped: a group with one gets a NaN mean and std, so a
    summary never silently averages fewer runs than ``n_seeds``.

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
        raise invalid("results", f"is a {type(results).__name__}", "a DataFrame", error=TypeError)
    if results.empty:
        raise invalid("results", "has no rows", "one row per run")
    by, metrics = _columns(by, "by"), _columns(metrics, "metrics")
    missing = [c for c in by + metrics if c not in results.columns]
    if missing:
        raise invalid("results", f"lacks the columns {missing}", f"{list(results.columns)}")
    if set(by) & set(metrics):
        raise invalid("metrics", "shares columns with by", "columns not in by", value=metrics)
    for m in metrics:
        if not pd.api.types.is_numeric_dtype(results[m]):
            raise invalid(f"results[{m!r}]", f"has dtype {results[m].dtype}", "numbers")
    grouped = results.groupby(by, sort=False, dropna=False)
    parts = {  # std with ddof=1, pandas' default
        f"{m}_{stat}": getattr(grouped[m], stat)(skipna=False)
        for m in metrics
        for stat in ("mean", "std")
    }
    return pd.DataFrame({**parts, "n_seeds": grouped.size()}).reset_index()


def format_mean_std(mean: float, std: float, *, digits: int = 3) -> str:
    """Format a mean and a standard deviation as ``"0.912 ± 0.013"``; NaN is shown as ``nan``.

    Examples
    --------
    >>> format_mean_std(0.91234, 0.01271)
    '0.912 ± 0.013'
    >>> format_mean_std(87.5, 2.25, digits=1)
    '87.5 ± 2.2'
    >>> format_mean_std(0.9, float("nan"))  # one seed: no standard deviation
    '0.900 ± nan'
    """
    for name, value in (("mean", mean), ("std", std)):
        if not (isinstance(value, numbers.Real) and math.isnan(value)):  # NaN: undefined
            check_real(value, name, min_value=0 if name == "std" else None)
    digits = check_int(digits, "digits", min_value=0)
    return f"{float(mean):.{digits}f} ± {float(std):.{digits}f}"
