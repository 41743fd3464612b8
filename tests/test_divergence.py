"""Tests for tlutils.divergence: MMD (blockwise RBF kernel sums) and the proxy A-distance."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest
from sklearn.metrics.pairwise import euclidean_distances, rbf_kernel
from sklearn.neighbors import KNeighborsClassifier

from tlutils.divergence import median_heuristic, mmd, proxy_a_distance


def gaussian(n: int, d: int, seed: int, shift: float = 0.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)) + shift


def reference_mmd(x: np.ndarray, y: np.ndarray, sigma: float, *, unbiased: bool) -> float:
    """The textbook formula with full kernel matrices (scikit-learn's rbf_kernel)."""
    gamma = 1.0 / (2.0 * sigma**2)
    kxx, kyy, kxy = rbf_kernel(x, x, gamma=gamma), rbf_kernel(y, y, gamma=gamma), None
    kxy = rbf_kernel(x, y, gamma=gamma)
    m, n = len(x), len(y)
    if unbiased:
        xx = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
        yy = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    else:
        xx, yy = kxx.mean(), kyy.mean()
    return float(xx + yy - 2.0 * kxy.mean())


# ------------------------------------------------------------------------------ MMD values


def test_biased_mmd_of_a_sample_with_itself_is_zero():
    x = gaussian(300, 8, 0)
    assert mmd(x, x, unbiased=False) == pytest.approx(0.0, abs=1e-9)


def test_unbiased_mmd_of_a_sample_with_itself_is_almost_zero_and_slightly_negative():
    x = gaussian(300, 8, 0)
    value = mmd(x, x)
    # duplicates make the cross term larger than the within terms: -2 (1 - mean k) / n < 0
    assert -2.0 / 300 < value < 0.0


def test_two_draws_of_one_distribution_give_almost_zero():
    assert abs(mmd(gaussian(400, 5, 1), gaussian(400, 5, 2))) < 0.01


@pytest.mark.parametrize("bandwidth", ["median", 2.0])
def test_mmd_grows_with_the_shift(bandwidth):
    x = gaussian(300, 4, 0)
    values = [mmd(x, gaussian(300, 4, 1, shift)) for shift in (0.0, 0.25, 0.5, 1.0, 2.0)]
    assert np.all(np.diff(values) > 0), values
    assert values[-1] > 0.3


@pytest.mark.parametrize("unbiased", [True, False])
@pytest.mark.parametrize("sigma", [0.5, 1.7, 6.0])
def test_matches_the_full_matrix_formula(unbiased, sigma):
    x, y = gaussian(41, 6, 3), gaussian(29, 6, 4, 0.4)
    expected = reference_mmd(x, y, sigma, unbiased=unbiased)
    assert mmd(x, y, bandwidth=sigma, unbiased=unbiased) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("block_size", [1, 3, 7, 16, 40, 41, 10_000])
def test_blockwise_result_equals_the_unchunked_one(block_size):
    x, y = gaussian(41, 6, 5), gaussian(37, 6, 6, 0.3)
    unchunked = mmd(x, y, block_size=10_000)
    assert mmd(x, y, block_size=block_size) == pytest.approx(unchunked, rel=1e-6, abs=1e-9)


def test_is_symmetric_and_median_is_the_default_bandwidth():
    x, y = gaussian(50, 3, 7), gaussian(60, 3, 8, 0.5)
    assert mmd(x, y) == pytest.approx(mmd(y, x), rel=1e-6)
    assert mmd(x, y) == pytest.approx(mmd(x, y, bandwidth=median_heuristic(x, y)), rel=1e-6)


def test_biased_estimate_works_with_one_row_and_is_never_negative():
    assert mmd([[0.0, 0.0]], [[3.0, 4.0]], bandwidth=5.0, unbiased=False) == pytest.approx(
        2.0 - 2.0 * np.exp(-0.5)
    )
    assert mmd(gaussian(20, 2, 0), gaussian(20, 2, 1), unbiased=False) >= 0.0


def test_does_not_depend_on_a_common_translation():
    x, y = gaussian(60, 5, 9), gaussian(60, 5, 10, 0.5)
    assert mmd(x + 100.0, y + 100.0) == pytest.approx(mmd(x, y), abs=1e-6)


# ------------------------------------------------------------------------------ median heuristic


def test_median_heuristic_on_known_points():
    assert median_heuristic(np.array([[0.0], [1.0], [3.0]])) == 2.0  # distances 1, 2, 3
    x, y = gaussian(30, 4, 0), gaussian(20, 4, 1)
    pooled = np.vstack([x, y])
    distances = euclidean_distances(pooled)[np.triu_indices(50, k=1)]
    assert median_heuristic(x, y) == pytest.approx(np.median(distances))


def test_median_heuristic_subsamples_large_samples_reproducibly():
    x = gaussian(3000, 4, 0)
    first = median_heuristic(x, max_samples=500, random_state=1)
    assert first == median_heuristic(x, max_samples=500, random_state=1)
    assert first == pytest.approx(median_heuristic(x, max_samples=2000), rel=0.05)


def test_median_heuristic_refuses_a_zero_median():
    with pytest.raises(ValueError, match="median pairwise distance is 0"):
        median_heuristic(np.zeros((5, 2)), np.ones((1, 2)))
    with pytest.raises(ValueError, match="max_samples=1 is not allowed"):
        median_heuristic(np.zeros((5, 2)), max_samples=1)


# ------------------------------------------------------------------------------ speed and memory


def test_two_samples_of_5000_by_64_take_well_under_a_few_seconds():
    x = np.random.default_rng(0).random((5000, 64))
    y = np.random.default_rng(1).random((5000, 64)) + 0.02
    mmd(x[:50], y[:50])  # warm up BLAS threads
    start = time.perf_counter()
    value = mmd(x, y)
    elapsed = time.perf_counter() - start
    assert value > 0.0
    # about 0.5 s on 2 idle cores; the bound is generous for a busy machine
    assert elapsed < 5.0, f"mmd on 5000 x 64 took {elapsed:.2f} s"


def test_memory_stays_bounded_by_one_block():
    x, y = gaussian(3000, 16, 0), gaussian(3000, 16, 1)
    tracemalloc.start()
    try:
        mmd(x, y, bandwidth=4.0, block_size=256)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    full_kernel_bytes = 3000 * 3000 * 8
    assert peak < full_kernel_bytes / 8, f"peak {peak / 1e6:.1f} MB"


# ------------------------------------------------------------------------------ MMD errors


@pytest.mark.parametrize(
    ("bandwidth", "error", "match"),
    [
        (0.0, ValueError, "bandwidth=0.0 is not allowed"),
        (-1.0, ValueError, "bandwidth=-1.0 is not allowed"),
        (float("nan"), ValueError, "bandwidth=nan is not allowed"),
        (float("inf"), ValueError, "bandwidth=inf is not allowed"),
        ("mean", ValueError, "bandwidth='mean' is not supported; allowed: 'median'"),
        (True, TypeError, "bandwidth=True has type bool"),
        (None, TypeError, "bandwidth=None has type NoneType"),
    ],
)
def test_bad_bandwidths_are_rejected(bandwidth, error, match):
    with pytest.raises(error, match=match):
        mmd(gaussian(5, 2, 0), gaussian(5, 2, 1), bandwidth=bandwidth)


def test_bad_samples_are_rejected():
    x = gaussian(10, 3, 0)
    with pytest.raises(ValueError, match="Y is empty"):
        mmd(x, np.empty((0, 3)))
    with pytest.raises(ValueError, match="X has 1 row"):
        mmd(x[:1], x)  # the unbiased estimate needs two rows
    with pytest.raises(ValueError, match="X has 3 features but Y has 4"):
        mmd(x, gaussian(10, 4, 1))
    with pytest.raises(ValueError, match="a 2-D array"):
        mmd(x[:, 0], x[:, 1])
    with pytest.raises(ValueError, match="NaN or infinite"):
        mmd(np.where(x > 1.0, np.nan, x), x)
    with pytest.raises(TypeError, match="dtype <U1"):
        mmd(np.array([["a"], ["b"]]), x[:, :1])


def test_bad_options_are_rejected():
    x = gaussian(10, 3, 0)
    with pytest.raises(ValueError, match="block_size=0 is not allowed"):
        mmd(x, x, block_size=0)
    with pytest.raises(TypeError, match="block_size=2.5 has type float"):
        mmd(x, x, block_size=2.5)
    with pytest.raises(TypeError, match="unbiased='yes'"):
        mmd(x, x, unbiased="yes")


# ------------------------------------------------------------------------------ proxy A-distance


def test_proxy_a_distance_is_near_zero_for_one_distribution():
    values = [
        proxy_a_distance(gaussian(400, 5, seed), gaussian(400, 5, seed + 100), random_state=seed)
        for seed in range(3)
    ]
    assert all(abs(v) < 0.3 for v in values), values


def test_proxy_a_distance_is_two_for_separable_domains():
    assert proxy_a_distance(gaussian(200, 5, 0), gaussian(200, 5, 1, 10.0), random_state=0) == 2.0


def test_proxy_a_distance_grows_with_the_shift():
    x = gaussian(400, 3, 0)
    values = [
        proxy_a_distance(x, gaussian(400, 3, 1, shift), random_state=0)
        for shift in (0.0, 0.5, 1.5, 4.0)
    ]
    assert np.all(np.diff(values) > 0), values
    assert values[-1] > 1.9


def test_proxy_a_distance_uses_the_balanced_error_for_unequal_sizes():
    # Always answering "source" would give a plain error of 1/11 and a misleading 1.64.
    value = proxy_a_distance(gaussian(1000, 4, 0), gaussian(100, 4, 1), random_state=0)
    assert abs(value) < 0.4


def test_proxy_a_distance_clones_the_given_classifier_and_is_reproducible():
    knn = KNeighborsClassifier(n_neighbors=3)
    x, y = gaussian(100, 2, 0), gaussian(100, 2, 1, 3.0)
    first = proxy_a_distance(x, y, classifier=knn, random_state=3)
    assert not hasattr(knn, "classes_")  # the caller's object stays unfitted
    assert first == proxy_a_distance(x, y, classifier=knn, random_state=3)
    assert first > 1.5


def test_proxy_a_distance_rejects_bad_input():
    x = gaussian(20, 3, 0)
    with pytest.raises(ValueError, match="X_target has 2 features but|X_source has 3 features"):
        proxy_a_distance(x, gaussian(20, 2, 1))
    with pytest.raises(ValueError, match="X_source is empty"):
        proxy_a_distance(np.empty((0, 3)), x)
    with pytest.raises(ValueError, match="test_size=1.0 is out of range"):
        proxy_a_distance(x, x, test_size=1.0)
    with pytest.raises(TypeError, match="classifier has type str"):
        proxy_a_distance(x, x, classifier="logistic")
    with pytest.raises(ValueError, match="random_state=-1 is negative"):
        proxy_a_distance(x, x, random_state=-1)
