# ruff: noqa: N803, N806  (X, X_target: scikit-learn's names for feature matrices)
"""Feature alignment: CORAL re-colours the source so its mean and covariance match the target's.

scikit-learn has no CORAL; the map is a few lines of linear algebra and the lesson of the
adaptation chapters, written out here as a scikit-learn transformer. No TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from tlutils._validation import check_array, check_bool, check_real, invalid

__all__ = ["CORAL"]


def _matrix_power(covariance: np.ndarray, power: float) -> np.ndarray:
    """``covariance ** power`` for a symmetric positive definite matrix."""
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    return (eigenvectors * eigenvalues**power) @ eigenvectors.T


class CORAL(TransformerMixin, BaseEstimator):
    """CORrelation ALignment (Sun, Feng and Saenko, 2016) as a scikit-learn transformer.

    With :math:`C_S` and :math:`C_T` the covariance matrices of source and target plus
    :math:`\\lambda I` (``regularization``), a source row :math:`x` becomes

    .. math::

        x' = (x - \\mu_S)\\, C_S^{-1/2}\\, C_T^{1/2} + \\mu_T

    where :math:`C_S^{-1/2}` whitens the source and :math:`C_T^{1/2}` re-colours it with the
    target covariance (``align_mean=False``: :math:`x' = x\\, C_S^{-1/2} C_T^{1/2}`, the map of
    the paper). Train a classifier on ``transform(X_source)``, apply it to the untransformed
    target. Without ``X_target`` the map is the identity (for tools that call ``fit(X, y)``);
    in a pipeline pass ``coral__X_target=...``.

    Parameters
    ----------
    regularization : float
        :math:`\\lambda \\ge 0`, in the units of the features' variance: it keeps
        :math:`C_S^{-1/2}` finite when a feature is (nearly) constant; 1.0 in the paper, for
        standardised features.

    Attributes
    ----------
    mean_source_, mean_target_ : ndarray of shape (n_features,)
    transform_matrix_ : ndarray of shape (n_features, n_features), :math:`C_S^{-1/2} C_T^{1/2}`

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X_source = rng.normal(size=(400, 2)) * [1.0, 0.1]
    >>> X_target = rng.normal(size=(400, 2)) * [0.1, 1.0] + 5.0
    >>> coral = CORAL(regularization=0.0).fit(X_source, X_target=X_target)
    >>> aligned = coral.transform(X_source)
    >>> bool(np.allclose(aligned.mean(axis=0), X_target.mean(axis=0)))
    True
    >>> bool(np.allclose(np.cov(aligned.T), np.cov(X_target.T)))
    True
    """

    def __init__(self, regularization: float = 1.0, *, align_mean: bool = True) -> None:
        self.regularization, self.align_mean = regularization, align_mean

    def fit(self, X: Any, y: Any = None, *, X_target: Any = None) -> CORAL:
        """Learn the map from the source ``X`` to the target ``X_target``; ``y`` is ignored."""
        regularization = check_real(self.regularization, "regularization", min_value=0)
        check_bool(self.align_mean, "align_mean")
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        target = X
        if X_target is not None:
            target = check_array(X_target, "X_target", ndim=2, min_rows=2, n_columns=X.shape[1])
        identity = np.eye(X.shape[1])
        cov_source = np.atleast_2d(np.cov(X, rowvar=False)) + regularization * identity
        cov_target = np.atleast_2d(np.cov(target, rowvar=False)) + regularization * identity
        smallest = float(np.linalg.eigvalsh(cov_source)[0])
        if smallest <= 1e-10 * max(1.0, float(np.trace(cov_source))):
            problem = f"leaves the source covariance singular (smallest eigenvalue {smallest:.3g})"
            allowed = "a regularization > 0 when a feature is constant or features are collinear"
            raise invalid("regularization", problem, allowed, value=self.regularization)
        self.transform_matrix_ = _matrix_power(cov_source, -0.5) @ _matrix_power(cov_target, 0.5)
        self.mean_source_ = X.mean(axis=0)
        self.mean_target_ = target.mean(axis=0)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Map source rows into the target's mean and covariance."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if not self.align_mean:
            return X @ self.transform_matrix_
        return (X - self.mean_source_) @ self.transform_matrix_ + self.mean_target_
