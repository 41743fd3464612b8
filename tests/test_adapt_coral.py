"""Tests for tlutils.adapt.coral, and for the light import of tlutils.adapt."""

# ruff: noqa: N806  (X, X_target: scikit-learn's names for feature matrices)
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from tlutils.adapt import CORAL
from tlutils.data import make_rotated_moons


@parametrize_with_checks([CORAL(), CORAL(regularization=0.1, align_mean=False)])
def test_scikit_learn_estimator_checks(estimator, check) -> None:
    check(estimator)


def test_importing_the_numpy_methods_does_not_import_tensorflow() -> None:
    code = (
        "import sys\n"
        "from tlutils.adapt import CORAL, DomainClassifierWeighter, KernelMeanMatching\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_coral_matches_the_target_mean_and_covariance() -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(500, 3)) @ rng.normal(size=(3, 3))
    X_target = rng.normal(size=(400, 3)) @ rng.normal(size=(3, 3)) + [1.0, -2.0, 3.0]
    assert not np.allclose(np.cov(X.T), np.cov(X_target.T), atol=0.1)
    aligned = CORAL(regularization=0.0).fit_transform(X, X_target=X_target)
    np.testing.assert_allclose(aligned.mean(axis=0), X_target.mean(axis=0), atol=1e-10)
    np.testing.assert_allclose(np.cov(aligned.T), np.cov(X_target.T), atol=1e-8)


def test_coral_regularisation_shrinks_the_map_towards_the_identity() -> None:
    rng = np.random.default_rng(6)
    X = rng.normal(size=(300, 2)) * [1.0, 0.1]
    X_target = rng.normal(size=(300, 2)) * [0.1, 1.0]
    strong = CORAL(regularization=1e6).fit(X, X_target=X_target)
    np.testing.assert_allclose(strong.transform_matrix_, np.eye(2), atol=1e-4)
    weak = CORAL(regularization=1e-6).fit(X, X_target=X_target)
    assert np.abs(weak.transform_matrix_ - np.eye(2)).max() > 1.0


def test_coral_without_target_is_the_identity_and_without_mean_is_linear() -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(50, 4))
    np.testing.assert_allclose(CORAL().fit(X).transform(X), X, atol=1e-10)
    X_target = rng.normal(size=(60, 4)) * 2.0 + 5.0
    linear = CORAL(regularization=0.1, align_mean=False).fit(X, X_target=X_target)
    np.testing.assert_allclose(linear.transform(X), X @ linear.transform_matrix_)


def test_coral_in_a_pipeline_receives_the_routed_target() -> None:
    X, y = make_rotated_moons(200, random_state=0)
    X_target = X * [2.0, 0.5] + 1.0
    pipe = make_pipeline(CORAL(regularization=1e-3), LogisticRegression())
    pipe.fit(X, y, coral__X_target=X_target)
    np.testing.assert_allclose(pipe[0].transform(X).mean(axis=0), X_target.mean(axis=0))


def test_coral_rejects_a_singular_covariance_until_regularised() -> None:
    X = np.random.default_rng(8).normal(size=(20, 3))
    constant = np.column_stack([X[:, :2], np.zeros(20)])  # a pixel that is always blank
    with pytest.raises(ValueError, match="regularization=0.0 leaves the source covariance"):
        CORAL(regularization=0.0).fit(constant, X_target=X)
    assert np.isfinite(CORAL(regularization=1e-3).fit(constant, X_target=X).transform(X)).all()
