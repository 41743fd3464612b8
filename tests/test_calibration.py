"""Tests for tlutils.calibration: reliability curves and expected calibration error."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve

from tlutils.calibration import expected_calibration_error, reliability_curve


def calibrated_sample(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and labels drawn so that P(y = 1 | p) = p."""
    rng = np.random.default_rng(seed)
    prob = rng.random(n)
    return (rng.random(n) < prob).astype(int), prob


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_ece_of_a_calibrated_model_is_near_zero(strategy):
    y_true, prob = calibrated_sample(0, 50_000)
    assert expected_calibration_error(y_true, prob, strategy=strategy) < 0.01


def test_ece_of_an_overconfident_model_is_large():
    y_true, prob = calibrated_sample(1, 20_000)
    sharpened = prob**4 / (prob**4 + (1 - prob) ** 4)  # pushed towards 0 and 1
    # the expected gap |p - sharpened(p)| for p uniform on [0, 1], by numerical integration
    grid = np.linspace(0, 1, 100_001)
    expected = np.mean(np.abs(grid - grid**4 / (grid**4 + (1 - grid) ** 4)))
    assert expected_calibration_error(y_true, sharpened, n_bins=20) == pytest.approx(
        expected, abs=0.02
    )
    assert expected > 0.1


def test_ece_by_hand_for_binary_and_top_label_input():
    # one bin: says 0.8 where 60 % are class 1
    assert expected_calibration_error([1, 1, 1, 0, 0], [0.8] * 5) == pytest.approx(0.2)
    # two bins: (2 * |0.5 - 0.1| + 4 * |0.75 - 0.9|) / 6
    ece = expected_calibration_error([0, 1, 1, 1, 1, 0], [0.1, 0.1, 0.9, 0.9, 0.9, 0.9])
    assert ece == pytest.approx((2 * 0.4 + 4 * 0.15) / 6)
    # top label: always 0.9 for class 0, right for half of the examples
    assert expected_calibration_error([0, 0, 1, 2], np.tile([0.9, 0.05, 0.05], (4, 1))) == (
        pytest.approx(0.4)
    )
    # two columns are judged by the top class, one column by class 1
    two_columns = np.array([[0.3, 0.7], [0.6, 0.4]])
    assert expected_calibration_error([1, 1], two_columns, n_bins=1) == pytest.approx(0.15)
    assert expected_calibration_error([1, 1], two_columns[:, 1], n_bins=1) == pytest.approx(0.45)


def test_ece_rejects_probability_rows_that_do_not_sum_to_one():
    with pytest.raises(ValueError, match=r"y_prob has a row summing to 1\.1"):
        expected_calibration_error([0, 1], [[0.5, 0.6], [0.2, 0.8]])


def test_reliability_curve_bins_are_right_closed():
    curve = reliability_curve([0, 0, 1, 1], [0.0, 0.2, 0.2000001, 1.0], n_bins=5)
    assert curve.index.tolist() == [0, 1, 4]  # empty bins are left out
    assert curve["count"].tolist() == [2, 1, 1]
    assert curve.loc[1, ["bin_lower", "bin_upper"]].tolist() == pytest.approx([0.2, 0.4])


@pytest.mark.parametrize(("seed", "n_bins"), [(2, 8), (3, 5), (4, 15)])
def test_reliability_curve_agrees_with_sklearn_for_binary_input(seed, n_bins):
    rng = np.random.default_rng(seed)
    prob = rng.random(500)
    y_true = (rng.random(500) < prob**1.5).astype(int)
    curve = reliability_curve(y_true, prob, n_bins=n_bins)
    frequency, mean_prob = calibration_curve(y_true, prob, n_bins=n_bins)
    assert curve["accuracy"].to_numpy() == pytest.approx(frequency)
    assert curve["confidence"].to_numpy() == pytest.approx(mean_prob)
    assert curve["count"].sum() == 500


def test_reliability_curve_quantile_bins_hold_equal_counts():
    prob = np.random.default_rng(3).beta(2, 5, size=1000)
    curve = reliability_curve(np.zeros(1000, int), prob, n_bins=5, strategy="quantile")
    assert curve["count"].tolist() == [200] * 5


def test_reliability_curve_rejects_an_unknown_strategy():
    with pytest.raises(ValueError, match=r"strategy='equal' is not supported"):
        reliability_curve([0, 1], [0.2, 0.7], strategy="equal")
