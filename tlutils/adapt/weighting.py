# ruff: noqa: N803, N806  (X, X_target: scikit-learn's names for feature matrices)
"""Instance weighting: importance weights that make the source sample look like the target.

scikit-learn has neither weighter (KMM's small solver is written here, its Gram matrices come
from ``rbf_kernel``). Both take the unlabelled target as the fit parameter ``X_target``
(``step__X_target=...`` in a pipeline). No TensorFlow.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.utils.validation import check_is_fitted, validate_data

from tlutils import _validation as v
from tlutils.divergence import median_heuristic

__all__ = ["DomainClassifierWeighter", "KernelMeanMatching", "effective_sample_size"]


def effective_sample_size(weights: Any) -> float:
    """Kish's effective sample size :math:`(\\sum_i w_i)^2 / \\sum_i w_i^2` of weights.

    It equals ``n`` for ``n`` equal weights and falls towards 1 as a few weights dominate: a
    weighted average over ``n`` examples is then about as noisy as a plain one over this many.

    Examples
    --------
    >>> effective_sample_size([1.0, 1.0, 1.0, 1.0])
    4.0
    >>> round(effective_sample_size([10.0, 0.1, 0.1, 0.1]), 3)
    1.061
    """
    w = v.check_array(weights, "weights", ndim=1, min_rows=1, low=0)
    total_squares = float(np.sum(w**2))
    if total_squares == 0.0:
        raise v.invalid("weights", "are all 0", "weights >= 0, not all 0")
    return float(np.sum(w) ** 2 / total_squares)


class _Weighter(BaseEstimator):
    def __sklearn_tags__(self) -> Any:  # fit(X, y=None, *, X_target): no labels needed
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags


class DomainClassifierWeighter(_Weighter):
    """Importance weights for source examples from a source-vs-target classifier.

    Under covariate shift (same labelling rule, other inputs) the target risk is the source
    risk with each source example weighted by :math:`p_T(x) / p_S(x)`; a classifier trained to
    tell target (1) from source (0) estimates it through Bayes' rule:

    .. math::

        w(x) = \\frac{P(\\text{target} \\mid x)}{P(\\text{source} \\mid x)}
               \\cdot \\frac{n_S}{n_T}.

    They are raised to the power ``exponent`` in ``[0, 1]`` (flattening, Shimodaira 2000: 1 =
    full correction), divided by their mean over the fitted source (``normalize``: mean weight
    1), then capped at ``clip``.

    Parameters
    ----------
    estimator : classifier or None
        A scikit-learn classifier with ``predict_proba`` (cloned). ``None``:
        ``LogisticRegression()``, which sees only a shift of the mean, not a rotation about it.
    clip : float or None
        Largest weight, ``> 0`` (a multiple of the mean source weight when ``normalize``).
    random_state : int or None
        Passed to ``estimator`` if it has a ``random_state``.

    Attributes
    ----------
    estimator_ : the fitted domain classifier (``None`` without ``X_target``: all weights 1)
    weights_ : ndarray of shape (n_source,), the weights of the fitted source sample
    effective_sample_size_ : float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X_source = rng.normal(0.0, 1.0, size=(500, 1))
    >>> X_target = rng.normal(1.0, 1.0, size=(500, 1))
    >>> weighter = DomainClassifierWeighter().fit(X_source, X_target=X_target)
    >>> w = weighter.weights(np.array([[-1.0], [0.5], [2.0]]))
    >>> bool(w[0] < w[1] < w[2])  # true ratio: exp(x - 0.5)
    True
    >>> 0.2 < weighter.effective_sample_size_ / len(X_source) < 0.6  # exact ratio: 1/e = 0.37
    True
    """

    def __init__(
        self,
        estimator: Any = None,
        *,
        clip: float | None = None,
        normalize: bool = True,
        exponent: float = 1.0,
        random_state: int | None = None,
    ) -> None:
        self.estimator, self.clip, self.normalize = estimator, clip, normalize
        self.exponent, self.random_state = exponent, random_state

    def fit(self, X: Any, y: Any = None, *, X_target: Any = None) -> DomainClassifierWeighter:
        """Fit the domain classifier on ``X`` (label 0) and ``X_target`` (1); ``y`` is ignored."""
        self.clip_ = v.check_real(self.clip, "clip", min_value=0, closed="neither", allow_none=True)
        self.exponent_ = v.check_real(self.exponent, "exponent", min_value=0, max_value=1)
        v.check_bool(self.normalize, "normalize")
        seed = v.check_random_state(self.random_state)
        if self.estimator is not None and not hasattr(self.estimator, "predict_proba"):
            allowed = "a classifier with predict_proba, or None"
            raise v.invalid("estimator", "has no predict_proba", allowed, error=TypeError)
        X = validate_data(self, X, dtype=np.float64)
        self.n_source_ = self.n_target_ = X.shape[0]
        self.estimator_ = None
        if X_target is not None:
            target = v.check_array(X_target, "X_target", ndim=2, min_rows=1, n_columns=X.shape[1])
            self.n_target_ = target.shape[0]
            classifier = LogisticRegression() if self.estimator is None else clone(self.estimator)
            if seed is not None and "random_state" in classifier.get_params():
                classifier.set_params(random_state=seed)
            domains = np.r_[np.zeros(len(X), dtype=np.int64), np.ones(len(target), dtype=np.int64)]
            self.estimator_ = classifier.fit(np.vstack([X, target]), domains)
        raw = self._raw_weights(X)
        self.normalizer_ = float(np.mean(raw)) if self.normalize else 1.0
        self.weights_ = self._finish(raw)
        self.effective_sample_size_ = effective_sample_size(self.weights_)
        return self

    def domain_probability(self, X: Any) -> np.ndarray:
        """The domain classifier's probability that each row of ``X`` comes from the target."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.estimator_ is None:
            return np.full(X.shape[0], 0.5)
        return self.estimator_.predict_proba(X)[:, list(self.estimator_.classes_).index(1)]

    def _raw_weights(self, X: np.ndarray) -> np.ndarray:  # 1 without a target: p = 0.5
        p_target = np.clip(self.domain_probability(X), 1e-12, 1.0 - 1e-12)
        odds = p_target / (1.0 - p_target)
        return (odds * (self.n_source_ / self.n_target_)) ** self.exponent_

    def _finish(self, raw: np.ndarray) -> np.ndarray:
        weights = raw / self.normalizer_
        return weights if self.clip_ is None else np.minimum(weights, self.clip_)

    def weights(self, X: Any) -> np.ndarray:
        """Importance weights of the rows of ``X``, with the ``clip`` and ``exponent`` of the fit.

        Examples
        --------
        >>> weighter = DomainClassifierWeighter(clip=2.0)
        >>> weighter = weighter.fit([[0.0], [1.0], [2.0]], X_target=[[2.0], [3.0], [4.0]])
        >>> bool(weighter.weights([[100.0]])[0] == 2.0)  # far into the target: clipped
        True
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._finish(self._raw_weights(X))


def _project_box_band(values: np.ndarray, upper: float, low: float, high: float) -> np.ndarray:
    """Euclidean projection onto ``{b : 0 <= b <= upper, low <= sum(b) <= high}``.

    It is ``clip(values - tau, 0, upper)`` for the shift ``tau`` that brings the sum into the
    band (``tau = 0`` when it already is); ``tau`` is found by bisection.
    """
    clipped = np.clip(values, 0.0, upper)
    total = clipped.sum()
    if low <= total <= high:
        return clipped
    goal = high if total > high else low
    left, right = values.min() - upper, values.max()  # the sum is monotone in tau
    for _ in range(100):
        tau = 0.5 * (left + right)
        if np.clip(values - tau, 0.0, upper).sum() > goal:
            left = tau
        else:
            right = tau
    return np.clip(values - 0.5 * (left + right), 0.0, upper)


class KernelMeanMatching(_Weighter):
    """Importance weights by kernel mean matching (Huang et al., 2006).

    KMM chooses one weight :math:`\\beta_i` per source example so that the weighted source
    mean and the target mean coincide in the feature space of the Gaussian kernel
    :math:`k(x, x') = \\exp(-\\gamma \\lVert x - x' \\rVert^2)`, the quadratic programme

    .. math::

        \\min_{\\beta}\\; \\tfrac12 \\beta^\\top K \\beta - \\kappa^\\top \\beta
        \\quad\\text{s.t.}\\quad 0 \\le \\beta_i \\le B,\\;
        \\Big|\\sum_i \\beta_i - n_S\\Big| \\le n_S\\, \\epsilon,

    with :math:`K_{ii'} = k(x_i, x_{i'})` over the source and
    :math:`\\kappa_i = \\frac{n_S}{n_T} \\sum_j k(x_i, x_j)` over the target, solved by
    accelerated projected gradient descent. The weights exist only for the fitted source
    sample (``weights_``): KMM is transductive.

    Parameters
    ----------
    gamma : float or "median"
        Kernel width :math:`\\gamma > 0`; ``"median"``: :math:`1 / (2 \\sigma^2)` with
        :math:`\\sigma` from :func:`tlutils.divergence.median_heuristic` (no labels needed).
    max_weight : float
        The bound :math:`B > 0` on every weight.
    epsilon : float or None
        :math:`\\epsilon \\ge 0`; ``None``: :math:`(\\sqrt{n_S} - 1) / \\sqrt{n_S}` (Huang et al.).
    max_iter, tol : int, float
        At most ``max_iter`` steps; stop when no weight moves by more than ``tol`` in one.

    Attributes
    ----------
    weights_ : ndarray of shape (n_source,), each in ``[0, max_weight]``
    effective_sample_size_ : float
    gamma_ : float, the kernel width used
    n_iter_ : int, gradient steps taken

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X_source = rng.normal(0.0, 1.0, size=(300, 1))
    >>> X_target = rng.normal(1.0, 0.5, size=(300, 1))
    >>> kmm = KernelMeanMatching(max_weight=20.0).fit(X_source, X_target=X_target)
    >>> w = kmm.weights_
    >>> bool(w[X_source[:, 0] > 0.5].mean() > 3 * w[X_source[:, 0] < -0.5].mean())
    True
    >>> abs(float(np.average(X_source[:, 0], weights=w)) - 1.0) < 0.15  # the target mean
    True
    """

    def __init__(
        self,
        gamma: float | str = "median",
        *,
        max_weight: float = 10.0,
        epsilon: float | None = None,
        max_iter: int = 1000,
        tol: float = 1e-6,
    ) -> None:
        self.gamma, self.max_weight, self.epsilon = gamma, max_weight, epsilon
        self.max_iter, self.tol = max_iter, tol

    def fit(self, X: Any, y: Any = None, *, X_target: Any = None) -> KernelMeanMatching:
        """Solve for the weights of the source ``X`` (``y`` ignored; no ``X_target``: all 1)."""
        if isinstance(self.gamma, str):
            v.check_choice(self.gamma, "gamma", ("median",))
        else:
            v.check_real(self.gamma, "gamma", min_value=0, closed="neither")
        v.check_real(self.max_weight, "max_weight", min_value=0, closed="neither")
        v.check_real(self.epsilon, "epsilon", min_value=0, allow_none=True)
        v.check_int(self.max_iter, "max_iter", min_value=1)
        v.check_real(self.tol, "tol", min_value=0, closed="neither")
        X = validate_data(self, X, dtype=np.float64)
        self.n_source_ = self.n_target_ = X.shape[0]
        self.gamma_ = float("nan") if isinstance(self.gamma, str) else float(self.gamma)
        self.weights_, self.n_iter_ = np.ones(X.shape[0]), 0
        if X_target is not None:
            target = v.check_array(X_target, "X_target", ndim=2, min_rows=1, n_columns=X.shape[1])
            self.n_target_ = target.shape[0]
            if X.shape[0] >= 2:
                if isinstance(self.gamma, str):
                    self.gamma_ = 1.0 / (2.0 * median_heuristic(X, target) ** 2)
                self.weights_ = self._solve(X, target)
        self.effective_sample_size_ = effective_sample_size(self.weights_)
        return self

    def _solve(self, X: np.ndarray, target: np.ndarray) -> np.ndarray:
        n = X.shape[0]
        K = rbf_kernel(X, gamma=self.gamma_)
        kappa = (n / target.shape[0]) * rbf_kernel(X, target, gamma=self.gamma_).sum(axis=1)
        eps = (math.sqrt(n) - 1.0) / math.sqrt(n) if self.epsilon is None else self.epsilon
        band = (n * (1.0 - eps), n * (1.0 + eps))
        step = 1.0 / max(float(np.linalg.eigvalsh(K)[-1]), 1e-12)
        beta = _project_box_band(np.ones(n), self.max_weight, *band)
        momentum, previous, t = beta.copy(), beta.copy(), 1.0
        for iteration in range(1, self.max_iter + 1):
            self.n_iter_ = iteration
            gradient = K @ momentum - kappa
            beta = _project_box_band(momentum - step * gradient, self.max_weight, *band)
            if np.max(np.abs(beta - previous)) <= self.tol:
                break
            t_next = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
            momentum = beta + ((t - 1.0) / t_next) * (beta - previous)
            previous, t = beta, t_next
        return beta
