"""Tests for tlutils.divergence: MMD (tiled rbf_kernel sums), median heuristic, proxy A-distance."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest
from scipy.spatial.distance import cdist, pdist
from sklearn.neighbors import KNeighborsClassifier

from tlutils.divergence import median_heuristic, mmd, proxy_a_distance


def gaussian(n: int, d: int, seed: int, shift: float = 0.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)) + shift


def textbook_mmd(x: np.ndarray, y: np.ndarray, sigma: float, *, unbiased: bool) -> float:
    """Gretton et al.'s formula with whole kernel matrices from exact pairwise distances."""

    def kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.exp(-cdist(a, b, "sqeuclidean") / (2 * sigma**2))

    kxx, kyy, kxy = kernel(x, x), kernel(y, y), kernel(x, y)
    m, n = len(x), len(y)
    if unbiased:
        return (kxx.sum() - m) / (m * (m - 1)) + (kyy.sum() - n) / (n * (n - 1)) - 2 * kxy.mean()
    return kxx.mean() + kyy.mean() - 2 * kxy.mean()


# ------------------------------------------------------------------ MMD values


def test_mmd_of_a_sample_with_itself_is_zero_biased_and_slightly_negative_unbiased():
    x = gaussian(300, 8, 0)
    assert mmd(x, x, unbiased=False) == pytest.approx(0.0, abs=1e-12)
    # duplicates make the cross term larger than the within terms: -2 (1 - mean k) / n < 0
    assert -2.0 / 300 < mmd(x, x) < 0.0


@pytest.mark.parametrize("bandwidth", ["median", 2.0])
def test_mmd_is_near_zero_for_one_distribution_and_grows_with_the_shift(bandwidth):
    x = gaussian(300, 4, 0)
    values = [mmd(x, gaussian(300, 4, 1, shift), bandwidth=bandwidth) for shift in (0, 0.5, 1, 2)]
    assert abs(values[0]) < 0.01 and np.all(np.diff(values) > 0) and values[-1] > 0.3, values


@pytest.mark.parametrize("unbiased", [True, False])
@pytest.mark.parametrize("sigma", [0.5, 1.7, 6.0])
def test_mmd_equals_the_whole_matrix_formula(unbiased, sigma):
    x, y = gaussian(41, 6, 3), gaussian(29, 6, 4, 0.4)
    expected = textbook_mmd(x, y, sigma, unbiased=unbiased)
    assert mmd(x, y, bandwidth=sigma, unbiased=unbiased) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("block_size", [2, 7, 40, 41, 10_000])
def test_mmd_does_not_depend_on_the_tiling(block_size):
    x, y = gaussian(41, 6, 5), gaussian(37, 6, 6, 0.3)
    assert mmd(x, y, block_size=block_size) == pytest.approx(mmd(x, y), abs=1e-12)


def test_mmd_is_symmetric_translation_invariant_and_uses_the_median_bandwidth():
    x, y = gaussian(50, 3, 7), gaussian(60, 3, 8, 0.5)
    assert mmd(x, y) == pytest.approx(mmd(y, x), abs=1e-12)
    assert mmd(x + 100.0, y + 100.0) == pytest.approx(mmd(x, y), abs=1e-9)
    assert mmd(x, y) == pytest.approx(mmd(x, y, bandwidth=median_heuristic(x, y)), abs=1e-12)


def test_biased_mmd_of_two_single_points():
    # k = exp(-25 / 50): 1 + 1 - 2 k
    value = mmd([[0.0, 0.0]], [[3.0, 4.0]], bandwidth=5.0, unbiased=False)
    assert value == pytest.approx(2.0 - 2.0 * np.exp(-0.5))


def test_mmd_rejects_an_unknown_bandwidth():
    with pytest.raises(ValueError, match="bandwidth='mean' is not supported; allowed: 'median'"):
        mmd(gaussian(5, 2, 0), gaussian(5, 2, 1), bandwidth="mean")


# ------------------------------------------------------------------ speed and memory


def test_two_samples_of_5000_by_64_take_well_under_a_few_seconds():
    x = np.random.default_rng(0).random((5000, 64))
    y = np.random.default_rng(1).random((5000, 64)) + 0.02
    start = time.perf_counter()
    value = mmd(x, y)
    elapsed = time.perf_counter() - start
    assert value > 0.0
    # about 0.35 s on 2 idle cores; the bound is generous for a busy machine
    assert elapsed < 5.0, f"mmd on 5000 x 64 took {elapsed:.2f} s"


def test_memory_stays_bounded_by_a_few_tiles():
    x, y = gaussian(3000, 16, 0), gaussian(3000, 16, 1)
    tracemalloc.start()
    try:
        mmd(x, y, bandwidth=4.0, block_size=256)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    full_kernel_bytes = 3000 * 3000 * 8
    assert peak < full_kernel_bytes / 8, f"peak {peak / 1e6:.1f} MB"


# ------------------------------------------------------------------ median heuristic


def test_median_heuristic_is_the_median_pairwise_distance():
    assert median_heuristic(np.array([[0.0], [1.0], [3.0]])) == 2.0  # distances 1, 2, 3
    x, y = gaussian(30, 4, 0), gaussian(20, 4, 1)
    assert median_heuristic(x, y) == pytest.approx(np.median(pdist(np.vstack([x, y]))))


def test_median_heuristic_subsamples_large_samples_reproducibly():
    x = gaussian(3000, 4, 0)
    first = median_heuristic(x, max_samples=500, random_state=1)
    assert first == median_heuristic(x, max_samples=500, random_state=1)
    assert first == pytest.approx(median_heuristic(x, max_samples=2000), rel=0.05)


def test_median_heuristic_refuses_a_zero_median():
    with pytest.raises(ValueError, match="median pairwise distance of 0"):
        median_heuristic(np.zeros((5, 2)), np.ones((1, 2)))


# ------------------------------------------------------------------ proxy A-distance


def test_proxy_a_distance_is_near_zero_for_one_distribution_and_two_when_separable():
    for seed in range(3):
        x, y = gaussian(400, 5, seed), gaussian(400, 5, seed + 100)
        assert abs(proxy_a_distance(x, y, random_state=seed)) < 0.3
    assert proxy_a_distance(gaussian(200, 5, 0), gaussian(200, 5, 1, 10.0), random_state=0) == 2.0


def test_proxy_a_distance_grows_with_the_shift():
    x = gaussian(400, 3, 0)
    values = [proxy_a_distance(x, gaussian(400, 3, 1, s), random_state=0) for s in (0, 0.5, 1.5, 4)]
    assert np.all(np.diff(values) > 0) and values[-1] > 1.9, values


def test_proxy_a_distance_uses_the_balanced_error_for_unequal_sizes():
    # Always answering "source" would give a plain error of 1/11 and a misleading 1.64.
    assert abs(proxy_a_distance(gaussian(1000, 4, 0), gaussian(100, 4, 1), random_state=0)) < 0.4


def test_proxy_a_distance_clones_the_given_classifier_and_is_reproducible():
    knn = KNeighborsClassifier(n_neighbors=3)
    x, y = gaussian(100, 2, 0), gaussian(100, 2, 1, 3.0)
    first = proxy_a_distance(x, y, classifier=knn, random_state=3)
    assert not hasattr(knn, "classes_")  # the caller's object stays unfitted
    assert first == proxy_a_distance(x, y, classifier=knn, random_state=3) and first > 1.5


def test_proxy_a_distance_rejects_a_classifier_without_fit_and_predict():
    x = gaussian(20, 3, 0)
    with pytest.raises(TypeError, match="classifier has type str"):
        proxy_a_distance(x, x, classifier="logistic")
