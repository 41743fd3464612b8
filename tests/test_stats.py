"""Tests for tlutils.stats: t and bootstrap intervals, summaries over seeds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from tlutils.stats import bootstrap_ci, format_mean_std, summarize_over_seeds, t_interval

# ------------------------------------------------------------------------ t_interval


def test_t_interval_by_hand():
    # mean 0.6, sample std 0.1, n = 3; t_{0.975, 2} = 4.302653 from a t table
    mean, low, high = t_interval([0.5, 0.6, 0.7])
    half = 4.302653 * 0.1 / math.sqrt(3)
    assert (mean, low, high) == pytest.approx((0.6, 0.6 - half, 0.6 + half), abs=1e-6)
    # 90 %: t_{0.95, 4} = 2.131847; values 1..5 have mean 3 and std sqrt(2.5)
    _, low, high = t_interval([1, 2, 3, 4, 5], confidence=0.9)
    half = 2.131847 * math.sqrt(2.5) / math.sqrt(5)
    assert (low, high) == pytest.approx((3 - half, 3 + half), abs=1e-6)


def test_t_interval_of_one_value_is_undefined_and_of_equal_values_has_width_zero():
    assert np.isnan(t_interval([0.8])[1:]).all()
    assert t_interval([0.7, 0.7, 0.7]) == (pytest.approx(0.7),) * 3


def test_t_interval_rejects_a_percentage_as_confidence():
    with pytest.raises(ValueError, match=r"confidence=95 is out of range"):
        t_interval([0.5, 0.6], confidence=95)


# ---------------------------------------------------------------------- bootstrap_ci


def test_bootstrap_interval_of_a_mean_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    covered = [
        bootstrap_ci(rng.exponential(2.0, size=60), n_resamples=500, random_state=k).contains(2.0)
        for k in range(100)
    ]
    assert 85 <= sum(covered) <= 99  # about 95, a bit less for a skewed law and n = 60


def test_bootstrap_interval_has_the_width_of_a_normal_interval_and_is_reproducible():
    values = np.random.default_rng(1).normal(3.0, 1.0, size=400)
    ci = bootstrap_ci(values, random_state=7)
    assert ci.estimate == pytest.approx(values.mean())
    assert ci.contains(3.0)
    normal_width = 2 * 1.96 * values.std(ddof=1) / math.sqrt(400)
    assert ci.high - ci.low == pytest.approx(normal_width, rel=0.1)
    assert bootstrap_ci(values, random_state=7) == ci
    assert bootstrap_ci(values, random_state=8) != ci


def test_bootstrap_of_a_metric_keeps_rows_together():
    rng = np.random.default_rng(2)
    y_true = rng.integers(0, 3, 50)
    prob = np.eye(3)[y_true] * 0.8 + 0.2 / 3  # rows of probabilities, all right
    ci = bootstrap_ci(y_true, prob, lambda t, p: np.mean(p.argmax(axis=1) == t), random_state=0)
    assert (ci.estimate, ci.low, ci.high) == (1.0, 1.0, 1.0)  # mixed-up rows would miss
    y_score = np.clip(0.3 * (y_true > 0) + rng.random(50) * 0.7, 0, 1)
    auc = bootstrap_ci(y_true > 0, y_score, roc_auc_score, n_resamples=300, random_state=0)
    assert auc.estimate == pytest.approx(roc_auc_score(y_true > 0, y_score))
    assert auc.low < auc.estimate < auc.high


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_bootstrap_explains_a_metric_that_fails_on_a_resample():
    y_true = np.array([1] + [0] * 19)  # most resamples lack the single positive: AUC is nan
    with pytest.raises(ValueError, match="metric gave nan on a bootstrap resample"):
        bootstrap_ci(y_true, np.linspace(0, 1, 20), roc_auc_score, random_state=0)


def test_bootstrap_needs_y_pred_and_metric_together():
    with pytest.raises(TypeError, match=r"metric is missing"):
        bootstrap_ci([0, 1, 1], [0, 1, 0])


# -------------------------------------------------------------- summarize_over_seeds


@pytest.fixture
def runs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy": ["scratch", "scratch", "scratch", "fine-tune", "fine-tune", "frozen"],
            "shift": [0, 0, 30, 0, 0, 0],
            "accuracy": [0.80, 0.84, 0.60, 0.90, 0.92, 0.85],
            "f1": [0.7, np.nan, 0.5, 0.8, 0.9, 0.6],
        }
    )


def test_summarize_over_seeds_by_hand(runs):
    summary = summarize_over_seeds(runs, "strategy", ["accuracy", "f1"])
    assert summary["strategy"].tolist() == ["scratch", "fine-tune", "frozen"]  # first seen
    assert summary["n_seeds"].tolist() == [3, 2, 1]
    assert summary["accuracy_mean"].tolist() == pytest.approx([2.24 / 3, 0.91, 0.85])
    assert summary.loc[1, "accuracy_std"] == pytest.approx(np.std([0.90, 0.92], ddof=1))
    assert np.isnan(summary.loc[2, "accuracy_std"])  # one seed: no sample std
    assert np.isnan(summary.loc[0, "f1_mean"])  # a missing score is not skipped
    by_two = summarize_over_seeds(runs, ["strategy", "shift"], "accuracy")
    assert by_two[["strategy", "shift"]].values.tolist()[:2] == [["scratch", 0], ["scratch", 30]]
    assert by_two["accuracy_mean"].tolist()[:2] == pytest.approx([0.82, 0.60])


def test_summarize_over_seeds_names_a_missing_column(runs):
    with pytest.raises(ValueError, match=r"results lacks the columns \['auc'\]"):
        summarize_over_seeds(runs, "strategy", ["accuracy", "auc"])


# -------------------------------------------------------------------- format_mean_std


def test_format_mean_std_rounds_both_numbers():
    assert format_mean_std(0.91234, 0.01271) == "0.912 ± 0.013"
    assert format_mean_std(np.float32(87.5), np.float64(2.26), digits=1) == "87.5 ± 2.3"
    assert format_mean_std(3, 0, digits=0) == "3 ± 0"
    assert format_mean_std(float("nan"), float("nan")) == "nan ± nan"


def test_format_mean_std_rejects_a_negative_std():
    with pytest.raises(ValueError, match=r"std=-0\.1 is out of range"):
        format_mean_std(0.5, -0.1)
