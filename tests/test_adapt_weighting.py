"""Tests for tlutils.adapt.weighting: domain-classifier weights, kernel mean matching, ESS."""

# ruff: noqa: N803, N806  (X, X_target: scikit-learn's names for feature matrices)
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils.estimator_checks import parametrize_with_checks

from tlutils.adapt import DomainClassifierWeighter, KernelMeanMatching, effective_sample_size


def gaussians(shift: float = 1.0, n: int = 400, d: int = 1, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, size=(n, d)), rng.normal(shift, 1.0, size=(n, d))


@parametrize_with_checks([DomainClassifierWeighter(clip=5.0), KernelMeanMatching()])
def test_scikit_learn_estimator_checks(estimator, check) -> None:
    check(estimator)


# ------------------------------------------------------------------ effective sample size


def test_effective_sample_size_counts_equal_weights_and_shrinks_with_dominance() -> None:
    assert effective_sample_size(np.full(7, 0.3)) == pytest.approx(7.0)
    assert effective_sample_size([3.0, 0.0, 0.0]) == pytest.approx(1.0)
    w = np.random.default_rng(0).exponential(size=50)
    assert effective_sample_size(5.0 * w) == pytest.approx(effective_sample_size(w))
    assert 1.0 < effective_sample_size(w) < 50.0


def test_effective_sample_size_rejects_negative_weights() -> None:
    with pytest.raises(ValueError, match="weights has a value -0.5"):
        effective_sample_size([1.0, -0.5])


# ------------------------------------------------------------------ domain-classifier weights


def test_weights_move_the_source_mean_onto_the_target_mean() -> None:
    X, X_target = gaussians(shift=1.0, n=3000, seed=1)
    weighter = DomainClassifierWeighter().fit(X, X_target=X_target)
    assert abs(X.mean() - X_target.mean()) > 0.9
    assert abs(np.average(X[:, 0], weights=weighter.weights_) - X_target.mean()) < 0.1
    # N(0, 1) -> N(1, 1): the true log-ratio is x - 1/2, which logistic regression can represent
    grid = np.linspace(-1.5, 2.0, 8)[:, None]
    raw = DomainClassifierWeighter(normalize=False).fit(X, X_target=X_target).weights(grid)
    np.testing.assert_allclose(np.log(raw), grid[:, 0] - 0.5, atol=0.15)


def test_weights_are_flattened_normalised_and_clipped() -> None:
    X, X_target = gaussians(shift=2.0, n=500, seed=2)
    plain = DomainClassifierWeighter().fit(X, X_target=X_target)
    assert plain.weights_.mean() == pytest.approx(1.0) and plain.weights_.max() > 5.0
    clipped = DomainClassifierWeighter(clip=5.0).fit(X, X_target=X_target)
    np.testing.assert_allclose(clipped.weights_, np.minimum(plain.weights_, 5.0))
    assert clipped.effective_sample_size_ > plain.effective_sample_size_
    np.testing.assert_allclose(
        DomainClassifierWeighter(exponent=0.0).fit(X, X_target=X_target).weights_, 1.0
    )
    half = DomainClassifierWeighter(exponent=0.5).fit(X, X_target=X_target)
    assert plain.effective_sample_size_ < half.effective_sample_size_ < len(X)
    # parameters changed after fitting take effect at the next fit only
    clipped.set_params(clip=1.0)
    np.testing.assert_allclose(clipped.weights(X), np.minimum(plain.weights_, 5.0))
    assert clipped.fit(X, X_target=X_target).weights_.max() == pytest.approx(1.0)


def test_weights_undo_unequal_sample_sizes() -> None:
    # One distribution, twice as many target rows: the factor n_s / n_t cancels the prior odds.
    rng = np.random.default_rng(3)
    X, X_target = rng.normal(size=(300, 2)), rng.normal(size=(600, 2))
    weighter = DomainClassifierWeighter(normalize=False).fit(X, X_target=X_target)
    assert abs(np.median(weighter.weights_) - 1.0) < 0.1


def test_weighter_clones_its_estimator_and_gives_unit_weights_without_target() -> None:
    X, X_target = gaussians(d=2)
    poly = make_pipeline(PolynomialFeatures(2), LogisticRegression())
    fitted = clone(DomainClassifierWeighter(poly, random_state=1)).fit(X, X_target=X_target)
    assert not hasattr(poly, "classes_") and hasattr(fitted.estimator_, "classes_")
    assert fitted.domain_probability(X_target).mean() > fitted.domain_probability(X).mean()
    np.testing.assert_array_equal(DomainClassifierWeighter().fit(X).weights(X_target), 1.0)


def test_weighter_rejects_an_estimator_without_probabilities_and_a_bad_clip() -> None:
    X, X_target = gaussians()
    with pytest.raises(TypeError, match="estimator has no predict_proba"):
        DomainClassifierWeighter(object()).fit(X, X_target=X_target)
    with pytest.raises(ValueError, match="clip=0.0"):
        DomainClassifierWeighter(clip=0.0).fit(X, X_target=X_target)


# ------------------------------------------------------------------ kernel mean matching


def weighted_mmd(X: np.ndarray, X_target: np.ndarray, weights: np.ndarray, gamma: float):
    """Squared MMD between the weighted source and the target kernel means."""
    b = weights / weights.sum()
    cross = b @ rbf_kernel(X, X_target, gamma=gamma).mean(axis=1)
    return b @ rbf_kernel(X, gamma=gamma) @ b - 2 * cross + rbf_kernel(X_target, gamma=gamma).mean()


def test_kmm_weights_reduce_the_mmd_and_respect_the_constraints() -> None:
    X, X_target = gaussians(shift=1.0, n=300, d=2)
    kmm = KernelMeanMatching(max_weight=8.0, epsilon=0.1).fit(X, X_target=X_target)
    w, uniform = kmm.weights_, np.ones(len(X))
    before = weighted_mmd(X, X_target, uniform, kmm.gamma_)
    assert weighted_mmd(X, X_target, w, kmm.gamma_) < 0.2 * before
    assert w.min() >= 0.0 and w.max() <= 8.0 + 1e-9
    assert 0.9 - 1e-9 <= w.mean() <= 1.1 + 1e-9  # |sum(w) - n| <= n * epsilon
    shift = X_target.mean(axis=0) - X.mean(axis=0)
    remaining = X_target.mean(axis=0) - np.average(X, axis=0, weights=w)
    assert np.linalg.norm(remaining) < np.linalg.norm(shift) / 3


def test_kmm_keeps_weights_near_one_without_shift_and_a_tight_cap_flattens_them() -> None:
    X, X_target = gaussians(shift=0.0, n=300)
    assert KernelMeanMatching(gamma=0.5).fit(X, X_target=X_target).effective_sample_size_ > 210
    X, X_target = gaussians(shift=1.5, n=300)
    loose = KernelMeanMatching(max_weight=50.0).fit(X, X_target=X_target)
    tight = KernelMeanMatching(max_weight=2.0).fit(X, X_target=X_target)
    assert tight.weights_.max() <= 2.0 + 1e-9 < loose.weights_.max()
    assert tight.effective_sample_size_ > loose.effective_sample_size_


def test_kmm_rejects_an_unknown_gamma() -> None:
    X, X_target = gaussians()
    with pytest.raises(ValueError, match="gamma='auto' is not supported; allowed: 'median'"):
        KernelMeanMatching(gamma="auto").fit(X, X_target=X_target)
