# ruff: noqa: N803, N806  (X, X_target: scikit-learn's names for feature matrices)
"""Unsupervised domain adaptation: labelled source data, unlabelled target data.

Three families of methods, one class (or two) each:

- **Instance weighting.** :class:`DomainClassifierWeighter` estimates importance weights
  :math:`w(x) \\approx p_T(x) / p_S(x)` from a classifier that tells source from target, with
  optional flattening, clipping and normalisation; :func:`effective_sample_size` says how
  many source examples the weighted sample is worth. :class:`KernelMeanMatching` chooses
  the weights instead so that the two samples' kernel means match (Huang et al., 2006).
- **Feature alignment.** :class:`CORAL` re-colours the source features so that their mean
  and covariance match the target's (Sun et al., 2016).
- **Adversarial features.** :class:`GradientReversal` is the gradient-reversal layer and
  :class:`DANN` the domain-adversarial network of Ganin et al. (2016), with ``fit(X_source,
  y_source, X_target)``, ``predict`` and ``predict_proba``; it saves to and loads from
  ``.keras`` files.

:func:`make_rotated_moons` draws the classic toy problem for all of them: scikit-learn's two
moons, rotated about their centre.

``CORAL`` and ``DomainClassifierWeighter`` are scikit-learn estimators (``get_params``,
``set_params``, ``clone``); they receive the unlabelled target sample as the keyword-only fit
parameter ``X_target``, so in a :class:`~sklearn.pipeline.Pipeline` you pass it as
``step__X_target=...``. The Keras classes need the TensorFlow backend.

Examples
--------
>>> import numpy as np
>>> from tlutils.adapt import CORAL, DomainClassifierWeighter, make_rotated_moons
>>> X_source, y_source = make_rotated_moons(200, angle=0.0, random_state=0)
>>> X_target, _ = make_rotated_moons(200, angle=30.0, random_state=1)
>>> aligned = CORAL(regularization=1e-3).fit(X_source, X_target=X_target).transform(X_source)
>>> bool(np.allclose(np.cov(aligned.T), np.cov(X_target.T), atol=2e-3))
True
>>> weighter = DomainClassifierWeighter(clip=10.0).fit(X_source, X_target=X_target)
>>> weighter.weights(X_source).shape
(200,)
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = [
    "CORAL",
    "DANN",
    "MOONS_CENTER",
    "DomainClassifierWeighter",
    "GradientReversal",
    "KernelMeanMatching",
    "dann_lambda_schedule",
    "effective_sample_size",
    "make_rotated_moons",
]

MOONS_CENTER: tuple[float, float] = (0.5, 0.25)
"""Mean of the distribution that :func:`sklearn.datasets.make_moons` samples from."""


# --------------------------------------------------------------------------- argument checks


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _check_real(
    value: object, argument: str, *, low: float, strict: bool, allow_none: bool = False
) -> float | None:
    """A real number ``> low`` (``strict``) or ``>= low``; NaN and infinity are rejected."""
    relation = ">" if strict else ">="
    allowed = f"a finite number {relation} {low:g}" + (" or None" if allow_none else "")
    if value is None and allow_none:
        return None
    if not _is_real(value):
        raise TypeError(f"{argument}={value!r} has type {type(value).__name__}; allowed: {allowed}")
    number = float(value)  # type: ignore[arg-type]
    ok = math.isfinite(number) and (number > low if strict else number >= low)
    if not ok:
        raise ValueError(f"{argument}={value!r} is out of range; allowed: {allowed}")
    return number


def _check_positive_int(value: object, argument: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{argument}={value!r} has type {type(value).__name__}; allowed: a positive int"
        )
    if value < 1:
        raise ValueError(f"{argument}={value!r} is out of range; allowed: a positive int")
    return int(value)


def _check_seed(random_state: object) -> int | None:
    if random_state is None:
        return None
    if isinstance(random_state, bool | np.bool_) or not isinstance(random_state, numbers.Integral):
        raise TypeError(
            f"random_state={random_state!r} has type {type(random_state).__name__}; "
            "allowed: a non-negative int or None"
        )
    if not 0 <= random_state < 2**32:
        raise ValueError(
            f"random_state={random_state!r} is out of range; allowed: 0 <= random_state < 2**32"
        )
    return int(random_state)


def _check_target(X_target: object, n_features: int, *, min_samples: int = 1) -> np.ndarray:
    """Validate the unlabelled target sample against the source's number of features."""
    shape = np.shape(X_target)
    if len(shape) == 2 and shape[0] == 0:
        raise ValueError(
            f"X_target is empty (shape {shape}); allowed: at least {min_samples} target row(s)"
        )
    target = check_array(X_target, dtype=np.float64, input_name="X_target")
    if target.shape[1] != n_features:
        raise ValueError(
            f"X_target has {target.shape[1]} features but the source X has {n_features}; "
            "allowed: the same features in both domains"
        )
    if target.shape[0] < min_samples:
        raise ValueError(
            f"X_target has {target.shape[0]} sample(s); allowed: at least {min_samples}"
        )
    return target


# --------------------------------------------------------------------------- toy data


def make_rotated_moons(
    n_samples: int = 600,
    *,
    angle: float = 0.0,
    noise: float = 0.1,
    center: tuple[float, float] = MOONS_CENTER,
    shuffle: bool = True,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's moons), rotated about their centre.

    A sample with ``angle=0`` is plain :func:`sklearn.datasets.make_moons` output; with
    ``angle=a`` every point (label unchanged) is rotated by ``a`` degrees counter-clockwise about
    ``center``, by default the mean of the moons distribution, so the rotation leaves the mean
    of the data where it is. Drawing a source sample at 0 degrees and a target sample at
    ``a`` degrees (with another ``random_state``) gives the toy domain-adaptation problem of
    Ganin et al. (2016).

    Parameters
    ----------
    n_samples : int
        Number of points, split evenly between the two classes.
    angle : float
        Rotation in degrees (any finite number).
    noise : float
        Standard deviation of the Gaussian noise added by ``make_moons``, ``>= 0``.
    center : pair of floats
        The point the data are rotated about.
    shuffle : bool
        Shuffle the points (as ``make_moons`` does); ``False`` keeps the upper moon first.
    random_state : int or None
        Seed of the noise and of the shuffling.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64 (0 = upper moon, 1 = lower moon)

    Examples
    --------
    >>> X, y = make_rotated_moons(4, angle=90.0, noise=0.0, shuffle=False)
    >>> np.round(X, 2).tolist()
    [[0.75, 0.75], [0.75, -1.25], [0.25, -0.25], [0.25, 1.75]]
    >>> y.tolist()
    [0, 0, 1, 1]
    """
    n_samples = _check_positive_int(n_samples, "n_samples")
    angle = _check_real(angle, "angle", low=-math.inf, strict=True)  # any finite number
    noise = _check_real(noise, "noise", low=0.0, strict=False)
    centre = np.asarray(center, dtype=np.float64)
    if centre.shape != (2,) or not np.all(np.isfinite(centre)):
        raise ValueError(f"center={center!r} is not allowed; allowed: two finite numbers (x, y)")
    X, y = make_moons(
        n_samples, noise=noise, shuffle=bool(shuffle), random_state=_check_seed(random_state)
    )
    radians = np.deg2rad(angle)
    rotation = np.array([[np.cos(radians), -np.sin(radians)], [np.sin(radians), np.cos(radians)]])
    rotated = (X - centre) @ rotation.T + centre
    return rotated.astype(np.float32), y.astype(np.int64)


# --------------------------------------------------------------------------- importance weights


def effective_sample_size(weights: Any) -> float:
    """Kish's effective sample size :math:`(\\sum_i w_i)^2 / \\sum_i w_i^2` of weights.

    It equals ``n`` for ``n`` equal weights and falls towards 1 as a few weights dominate:
    a weighted average over ``n`` examples is then about as noisy as a plain average over
    this many.

    Examples
    --------
    >>> effective_sample_size([1.0, 1.0, 1.0, 1.0])
    4.0
    >>> round(effective_sample_size([10.0, 0.1, 0.1, 0.1]), 3)
    1.061
    >>> effective_sample_size([1.0, -1.0])
    Traceback (most recent call last):
    ...
    ValueError: weights contains a negative value (-1.0); allowed: finite numbers >= 0, not all 0
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(
            f"weights has shape {w.shape}; allowed: a non-empty 1-D array of weights >= 0"
        )
    allowed = "allowed: finite numbers >= 0, not all 0"
    if not np.all(np.isfinite(w)):
        raise ValueError(f"weights contains NaN or infinity; {allowed}")
    if np.any(w < 0):
        raise ValueError(f"weights contains a negative value ({float(w[w < 0][0])!r}); {allowed}")
    total_squares = float(np.sum(w**2))
    if total_squares == 0.0:
        raise ValueError(f"weights are all 0; {allowed}")
    return float(np.sum(w) ** 2 / total_squares)


class DomainClassifierWeighter(BaseEstimator):
    """Importance weights for source examples from a source-vs-target classifier.

    Under covariate shift (the labelling rule is the same in both domains, only the inputs
    are distributed differently) the target risk is the source risk with every source example
    weighted by the density ratio :math:`p_T(x) / p_S(x)`. A probabilistic classifier trained
    to tell target (label 1) from source (label 0) estimates it through Bayes' rule:

    .. math::

        w(x) = \\frac{p_T(x)}{p_S(x)}
             = \\frac{P(\\text{target} \\mid x)}{P(\\text{source} \\mid x)}
               \\cdot \\frac{n_S}{n_T}.

    The weights returned by :meth:`weights` are, in this order, raised to the power
    ``exponent`` (flattening, Shimodaira 2000: 1 = full correction, 0 = none), divided by their
    mean over the fitted source sample (``normalize=True``, so that the source sample has mean
    weight 1) and capped at ``clip`` (a multiple of that mean).

    Parameters
    ----------
    estimator : classifier or None
        Any scikit-learn classifier with ``predict_proba``; it is cloned. ``None`` uses
        ``LogisticRegression()``, which can only see a shift of the mean: pass a flexible model
        (e.g. a kernel or polynomial pipeline) when the shift keeps the mean, as a rotation
        about the centre does.
    clip : float or None
        Largest weight, ``> 0``, in units of the mean source weight when ``normalize``.
    normalize : bool
        Rescale so that the fitted source sample has mean weight 1.
    exponent : float
        Flattening exponent in ``[0, 1]``.
    random_state : int or None
        Passed to ``estimator`` if it has a ``random_state`` parameter.

    Attributes
    ----------
    estimator_ : classifier or None
        The fitted domain classifier (``None`` when fitted without ``X_target``).
    weights_ : ndarray of shape (n_source,)
        The weights of the source sample passed to :meth:`fit`.
    effective_sample_size_ : float
        :func:`effective_sample_size` of ``weights_``.
    n_source_, n_target_ : int
        Sizes of the two samples.
    exponent_, clip_ : float or None
        The ``exponent`` and ``clip`` used by this fit (changing the parameters afterwards has
        no effect until the next ``fit``).

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
        self.estimator = estimator
        self.clip = clip
        self.normalize = normalize
        self.exponent = exponent
        self.random_state = random_state

    def _check_params(self) -> None:
        _check_real(self.clip, "clip", low=0.0, strict=True, allow_none=True)
        exponent = _check_real(self.exponent, "exponent", low=0.0, strict=False)
        if exponent > 1.0:  # type: ignore[operator]
            raise ValueError(
                f"exponent={self.exponent!r} is out of range; allowed: 0 <= exponent <= 1"
            )
        if not isinstance(self.normalize, bool | np.bool_):
            raise TypeError(f"normalize={self.normalize!r} is not allowed; allowed: True or False")
        _check_seed(self.random_state)
        if self.estimator is not None and not hasattr(self.estimator, "predict_proba"):
            raise TypeError(
                f"estimator={self.estimator!r} has no predict_proba; allowed: a probabilistic "
                "classifier such as LogisticRegression()"
            )

    def _make_classifier(self) -> Any:
        classifier = LogisticRegression() if self.estimator is None else clone(self.estimator)
        if self.random_state is not None and "random_state" in classifier.get_params():
            classifier.set_params(random_state=self.random_state)
        return classifier

    def fit(self, X: Any, y: Any = None, *, X_target: Any = None) -> DomainClassifierWeighter:
        """Fit the domain classifier on ``X`` (source, label 0) and ``X_target`` (label 1).

        ``y`` is ignored (it is accepted so that the weighter fits in pipelines). Without
        ``X_target``, ``X`` is taken as its own target: the density ratio is 1 and all weights
        are 1.
        """
        self._check_params()
        X = validate_data(self, X, dtype=np.float64)
        self.n_source_ = X.shape[0]
        if X_target is None:
            self.estimator_ = None
            self.n_target_ = X.shape[0]
        else:
            target = _check_target(X_target, X.shape[1])
            self.n_target_ = target.shape[0]
            domains = np.r_[np.zeros(len(X), dtype=np.int64), np.ones(len(target), dtype=np.int64)]
            self.estimator_ = self._make_classifier().fit(np.vstack([X, target]), domains)
        self.exponent_ = float(self.exponent)
        self.clip_ = None if self.clip is None else float(self.clip)
        self.normalizer_ = 1.0
        raw = self._raw_weights(X)
        if self.normalize:
            self.normalizer_ = float(np.mean(raw))
        self.weights_ = self._finish(raw)
        self.effective_sample_size_ = effective_sample_size(self.weights_)
        return self

    def domain_probability(self, X: Any) -> np.ndarray:
        """The domain classifier's probability that each row of ``X`` comes from the target.

        Examples
        --------
        >>> weighter = DomainClassifierWeighter().fit([[0.0], [1.0]], X_target=[[2.0], [3.0]])
        >>> weighter.domain_probability([[-5.0], [8.0]]).round(2).tolist()
        [0.0, 1.0]
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.estimator_ is None:
            return np.full(X.shape[0], 0.5)
        classes = list(self.estimator_.classes_)
        return self.estimator_.predict_proba(X)[:, classes.index(1)]

    def _raw_weights(self, X: np.ndarray) -> np.ndarray:
        if self.estimator_ is None:
            return np.ones(X.shape[0])
        p_target = np.clip(self.domain_probability(X), 1e-12, 1.0 - 1e-12)
        odds = p_target / (1.0 - p_target)
        return (odds * (self.n_source_ / self.n_target_)) ** self.exponent_

    def _finish(self, raw: np.ndarray) -> np.ndarray:
        weights = raw / self.normalizer_
        if self.clip_ is not None:
            weights = np.minimum(weights, self.clip_)
        return weights

    def weights(self, X: Any) -> np.ndarray:
        """Importance weights of the rows of ``X`` (normally source examples).

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

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags


def _project_box_band(
    values: np.ndarray, upper: float, low_sum: float, high_sum: float
) -> np.ndarray:
    """Euclidean projection onto ``{b : 0 <= b <= upper, low_sum <= sum(b) <= high_sum}``.

    The projection is ``clip(values - tau, 0, upper)`` for the shift ``tau`` that brings the
    sum into the band (``tau = 0`` when it already is); ``tau`` is found by bisection.
    """
    clipped = np.clip(values, 0.0, upper)
    total = clipped.sum()
    if low_sum <= total <= high_sum:
        return clipped
    goal = high_sum if total > high_sum else low_sum
    low, high = values.min() - upper, values.max()  # the sum is monotone in tau
    for _ in range(100):
        tau = 0.5 * (low + high)
        if np.clip(values - tau, 0.0, upper).sum() > goal:
            low = tau
        else:
            high = tau
    return np.clip(values - 0.5 * (low + high), 0.0, upper)


def _rbf(X: np.ndarray, Y: np.ndarray, gamma: float) -> np.ndarray:
    squared = (X**2).sum(axis=1)[:, None] + (Y**2).sum(axis=1)[None, :] - 2.0 * X @ Y.T
    return np.exp(-gamma * np.maximum(squared, 0.0))


class KernelMeanMatching(BaseEstimator):
    """Importance weights by kernel mean matching (Huang et al., 2006).

    Instead of estimating densities, KMM chooses one weight :math:`\\beta_i` per source example
    so that the weighted source mean and the target mean coincide in the feature space of a
    Gaussian kernel :math:`k(x, x') = \\exp(-\\gamma \\lVert x - x' \\rVert^2)`. This is the
    quadratic programme

    .. math::

        \\min_{\\beta}\\; \\tfrac12 \\beta^\\top K \\beta - \\kappa^\\top \\beta
        \\quad\\text{s.t.}\\quad 0 \\le \\beta_i \\le B,\\;
        \\Big|\\sum_i \\beta_i - n_S\\Big| \\le n_S\\, \\epsilon,

    with :math:`K_{ii'} = k(x_i, x_{i'})` over the source and
    :math:`\\kappa_i = \\frac{n_S}{n_T} \\sum_j k(x_i, x_j)` over the target, solved here by
    accelerated projected gradient descent. The weights exist only for the fitted source
    sample (``weights_``): KMM is transductive.

    Parameters
    ----------
    gamma : float or "median"
        Kernel width :math:`\\gamma > 0`. ``"median"`` sets :math:`\\gamma = 1 / (2 \\sigma^2)`
        with :math:`\\sigma` the median distance in the pooled sample (the median heuristic,
        :func:`tlutils.divergence.median_heuristic`): a choice that needs no target labels.
    max_weight : float
        The bound :math:`B > 0` on every weight.
    epsilon : float or None
        Allowed relative deviation of the mean weight from 1, ``>= 0``; ``None`` uses
        :math:`(\\sqrt{n_S} - 1) / \\sqrt{n_S}`, the choice of Huang et al.
    max_iter : int
        Largest number of gradient steps.
    tol : float
        Stop when no weight moves by more than ``tol`` in one step.

    Attributes
    ----------
    weights_ : ndarray of shape (n_source,)
        The weights of the source sample, each in ``[0, max_weight]``.
    effective_sample_size_ : float
        :func:`effective_sample_size` of ``weights_``.
    gamma_ : float
        The kernel width used.
    n_iter_ : int
        Gradient steps taken.

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
        self.gamma = gamma
        self.max_weight = max_weight
        self.epsilon = epsilon
        self.max_iter = max_iter
        self.tol = tol

    def _check_params(self) -> None:
        if not (isinstance(self.gamma, str) and self.gamma == "median"):
            if isinstance(self.gamma, str):
                raise ValueError(
                    f"gamma={self.gamma!r} is not supported; allowed: a number > 0 or 'median'"
                )
            _check_real(self.gamma, "gamma", low=0.0, strict=True)
        _check_real(self.max_weight, "max_weight", low=0.0, strict=True)
        _check_real(self.epsilon, "epsilon", low=0.0, strict=False, allow_none=True)
        _check_positive_int(self.max_iter, "max_iter")
        _check_real(self.tol, "tol", low=0.0, strict=True)

    def _gamma_for(self, X: np.ndarray, target: np.ndarray) -> float:
        if isinstance(self.gamma, str):
            from tlutils.divergence import median_heuristic

            return 1.0 / (2.0 * median_heuristic(X, target) ** 2)
        return float(self.gamma)

    def fit(self, X: Any, y: Any = None, *, X_target: Any = None) -> KernelMeanMatching:
        """Solve for the weights of the source sample ``X`` that match ``X_target``.

        ``y`` is ignored. Without ``X_target`` the source is its own target and all weights
        are 1.
        """
        self._check_params()
        X = validate_data(self, X, dtype=np.float64)
        self.n_source_ = X.shape[0]
        if X_target is None or X.shape[0] < 2:
            self.n_target_ = X.shape[0] if X_target is None else len(X_target)
            self.gamma_ = float("nan") if isinstance(self.gamma, str) else float(self.gamma)
            self.weights_, self.n_iter_ = np.ones(X.shape[0]), 0
        else:
            target = _check_target(X_target, X.shape[1])
            self.n_target_ = target.shape[0]
            self.gamma_ = self._gamma_for(X, target)
            self.weights_ = self._solve(X, target)
        self.effective_sample_size_ = effective_sample_size(self.weights_)
        return self

    def _solve(self, X: np.ndarray, target: np.ndarray) -> np.ndarray:
        n = X.shape[0]
        K = _rbf(X, X, self.gamma_)
        kappa = (n / target.shape[0]) * _rbf(X, target, self.gamma_).sum(axis=1)
        eps = (math.sqrt(n) - 1.0) / math.sqrt(n) if self.epsilon is None else self.epsilon
        band = (n * (1.0 - eps), n * (1.0 + eps))
        step = 1.0 / max(float(np.linalg.eigvalsh(K)[-1]), 1e-12)
        beta = _project_box_band(np.ones(n), self.max_weight, *band)
        momentum, previous, t = beta.copy(), beta.copy(), 1.0
        for iteration in range(1, self.max_iter + 1):
            self.n_iter_ = iteration
            beta = _project_box_band(
                momentum - step * (K @ momentum - kappa), self.max_weight, *band
            )
            if np.max(np.abs(beta - previous)) <= self.tol:
                break
            t_next = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
            momentum = beta + ((t - 1.0) / t_next) * (beta - previous)
            previous, t = beta, t_next
        return beta

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags


# --------------------------------------------------------------------------- CORAL


def _matrix_power(covariance: np.ndarray, power: float) -> np.ndarray:
    """``covariance ** power`` for a symmetric positive definite matrix."""
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    return (eigenvectors * eigenvalues**power) @ eigenvectors.T


class CORAL(TransformerMixin, BaseEstimator):
    """CORrelation ALignment (Sun, Feng and Saenko, 2016) as a scikit-learn transformer.

    CORAL makes the second-order statistics of the source features equal to the target's.
    With :math:`C_S` and :math:`C_T` the covariance matrices of source and target plus
    :math:`\\lambda I` (``regularization``), a source row :math:`x` becomes

    .. math::

        x' = (x - \\mu_S)\\, C_S^{-1/2}\\, C_T^{1/2} + \\mu_T

    where :math:`C_S^{-1/2}` whitens the source and :math:`C_T^{1/2}` re-colours it with the
    target covariance. With ``align_mean=False`` the means are neither removed nor added
    (:math:`x' = x\\, C_S^{-1/2} C_T^{1/2}`, the map of the original paper).

    Train a classifier on ``transform(X_source)`` and apply it to the *untransformed* target:
    :meth:`transform` maps source data into the target's statistics.

    Parameters
    ----------
    regularization : float
        :math:`\\lambda \\ge 0`, added to both covariance diagonals. It keeps the inverse
        square root finite when a feature is (nearly) constant; 1.0 as in the paper for
        standardised features. It is in the units of the features' variance.
    align_mean : bool
        Also move the source mean onto the target mean.

    Attributes
    ----------
    mean_source_, mean_target_ : ndarray of shape (n_features,)
    transform_matrix_ : ndarray of shape (n_features, n_features)
        :math:`C_S^{-1/2} C_T^{1/2}`.
    n_features_in_ : int

    Notes
    -----
    ``fit(X)`` without ``X_target`` aligns ``X`` with itself: the map is the identity. This
    keeps the transformer usable in scikit-learn tools that call ``fit(X, y)``.

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
        self.regularization = regularization
        self.align_mean = align_mean

    def fit(self, X: Any, y: Any = None, *, X_target: Any = None) -> CORAL:
        """Learn the map from the source ``X`` to the target ``X_target``; ``y`` is ignored."""
        regularization = _check_real(self.regularization, "regularization", low=0.0, strict=False)
        if not isinstance(self.align_mean, bool | np.bool_):
            raise TypeError(
                f"align_mean={self.align_mean!r} is not allowed; allowed: True or False"
            )
        X = validate_data(self, X, dtype=np.float64)
        if X.shape[0] < 2:
            raise ValueError(
                "X has 1 sample; CORAL needs at least 2 source samples to estimate a covariance"
            )
        target = X if X_target is None else _check_target(X_target, X.shape[1], min_samples=2)
        identity = np.eye(X.shape[1])
        cov_source = np.atleast_2d(np.cov(X, rowvar=False)) + regularization * identity
        cov_target = np.atleast_2d(np.cov(target, rowvar=False)) + regularization * identity
        smallest = float(np.linalg.eigvalsh(cov_source)[0])
        if smallest <= 1e-10 * max(1.0, float(np.trace(cov_source))):
            raise ValueError(
                f"the source covariance plus regularization={self.regularization!r} times the "
                f"identity is singular (smallest eigenvalue {smallest:.3g}); allowed: a "
                "regularization > 0 when a feature is constant or features are collinear"
            )
        target_root = _matrix_power(cov_target, 0.5)
        self.transform_matrix_ = _matrix_power(cov_source, -0.5) @ target_root
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

    def fit_transform(self, X: Any, y: Any = None, *, X_target: Any = None) -> np.ndarray:
        """``fit(X, X_target=X_target).transform(X)``."""
        return self.fit(X, y, X_target=X_target).transform(X)


# --------------------------------------------------------------------------- DANN (Keras)


def dann_lambda_schedule(progress: Any, lambda_max: float = 1.0, gamma: float = 10.0) -> Any:
    """Ganin et al.'s ramp :math:`\\lambda_p = \\lambda_{max} (2 / (1 + e^{-\\gamma p}) - 1)`.

    ``progress`` ``p`` runs from 0 (start of training) to 1 (end); the weight of the domain
    loss grows smoothly from 0 to almost ``lambda_max``, so the domain classifier cannot disturb
    the features before they have learned anything about the labels.

    Examples
    --------
    >>> [round(float(dann_lambda_schedule(p)), 3) for p in (0.0, 0.1, 0.5, 1.0)]
    [0.0, 0.462, 0.987, 1.0]
    """
    return lambda_max * (2.0 / (1.0 + np.exp(-gamma * np.asarray(progress))) - 1.0)


@keras.saving.register_keras_serializable(package="tlutils")
class GradientReversal(keras.layers.Layer):
    """Identity on the forward pass; multiplies the gradient by ``-lambda_`` on the way back.

    Placed between a feature extractor and a domain classifier, it lets the domain
    classifier minimise its loss while the feature extractor *maximises* it (Ganin et al.,
    2016). ``lambda_`` (``lambda`` is a Python keyword) is stored in a non-trainable
    variable, so a training loop can change it without retracing.

    Examples
    --------
    >>> import keras, numpy as np, tensorflow as tf
    >>> layer = GradientReversal(lambda_=0.5)
    >>> x = tf.constant([1.0, -2.0])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = layer(x)
    >>> y.numpy().tolist(), tape.gradient(y, x).numpy().tolist()
    ([1.0, -2.0], [-0.5, -0.5])
    >>> GradientReversal(lambda_=-1.0)
    Traceback (most recent call last):
    ...
    ValueError: lambda_=-1.0 is out of range; allowed: a finite number >= 0
    """

    def __init__(self, lambda_: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        value = _check_real(lambda_, "lambda_", low=0.0, strict=False)
        self._lambda = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(value),
            trainable=False,
            name="lambda",
        )

    @property
    def lambda_(self) -> float:
        """The current factor of the reversed gradient."""
        return float(self._lambda.numpy())

    @lambda_.setter
    def lambda_(self, value: float) -> None:
        self._lambda.assign(_check_real(value, "lambda_", low=0.0, strict=False))

    def call(self, inputs: Any) -> Any:
        ops = keras.ops
        frozen = ops.stop_gradient(inputs)
        # Forward: frozen + 0 = inputs exactly. Backward: only the second term has a
        # gradient, -lambda times the incoming one.
        return frozen - ops.cast(self._lambda, inputs.dtype) * (inputs - frozen)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "lambda_": self.lambda_}


def _glorot(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)


def _check_units(value: object, argument: str, *, allow_empty: bool) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(
            f"{argument}={value!r} is not a sequence; allowed: a tuple of positive ints"
        )
    units = tuple(_check_positive_int(u, f"{argument}[{i}]") for i, u in enumerate(value))
    if not units and not allow_empty:
        raise ValueError(f"{argument}=() is empty; allowed: at least one positive int")
    return units


def _validated_training_data(
    X_source: Any, y_source: Any, X_target: Any, sample_weight: Any
) -> tuple[np.ndarray, np.ndarray, list[Any], np.ndarray, np.ndarray]:
    """Check DANN's training data; return source rows, class codes, classes, weights, target."""
    xs = check_array(X_source, dtype=np.float32, input_name="X_source")
    ys = np.asarray(y_source)
    if ys.ndim != 1 or len(ys) != len(xs):
        raise ValueError(
            f"y_source has shape {ys.shape}; allowed: one label per row of X_source "
            f"({len(xs)} rows)"
        )
    xt = _check_target(X_target, xs.shape[1]).astype(np.float32)
    weights = np.ones(len(xs)) if sample_weight is None else np.asarray(sample_weight)
    if weights.shape != (len(xs),):
        raise ValueError(
            f"sample_weight has shape {weights.shape}; allowed: ({len(xs)},), one "
            "weight per source row"
        )
    effective_sample_size(weights)  # raises for negative, non-finite or all-zero weights
    classes, codes = np.unique(ys, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            f"y_source has fewer than 2 classes ({classes.tolist()}); allowed: at least 2"
        )
    return xs, codes.astype(np.int32), classes.tolist(), weights.astype(np.float32), xt


@keras.saving.register_keras_serializable(package="tlutils")
class DANN(keras.Model):
    """Domain-adversarial neural network (Ganin et al., 2016) for tabular features.

    Three parts share one training loop:

    - a **feature extractor** :math:`G_f`: ``Dense(u, relu)`` for each ``u`` in
      ``hidden_units``;
    - a **label predictor** :math:`G_y`: ``Dense(n_classes)`` with softmax, trained on the
      labelled source;
    - a **domain classifier** :math:`G_d`: :class:`GradientReversal`, then
      ``Dense(u, relu)`` for ``u`` in ``domain_units`` and one logit, trained to tell
      source (0) from target (1) features.

    Every step minimises the label loss plus the domain loss; the gradient-reversal layer
    makes :math:`G_f` *maximise* the domain loss with weight :math:`\\lambda_p`, which
    ramps up from 0 to ``lambda_max`` (:func:`dann_lambda_schedule`). ``lambda_max=0``
    switches the adversary off: the same network trained on the source labels alone, the
    fair "source only" baseline; with ``sample_weight`` it is an importance-weighted
    network. (Training then skips the domain branch, which could not change the features
    anyway, so the domain classifier stays untrained and ``history_["domain_loss"]`` is 0.)

    ``fit`` starts from fresh weights drawn from ``random_state`` every time (like a
    scikit-learn estimator) but reuses the traced TensorFlow graph, so repeated fits of one
    instance (different seeds, data of the same width, ``lambda_max`` or
    ``learning_rate`` changed through attributes) are fast. ``batch_size=None`` trains
    full-batch, which suits small data sets; otherwise each step draws ``batch_size``
    source and ``batch_size`` target rows with replacement.

    Parameters
    ----------
    hidden_units, domain_units : tuple of int
        Widths of the feature extractor's and the domain classifier's hidden layers.
    lambda_max : float
        Final weight of the reversed domain gradient, ``>= 0``.
    gamma : float
        Steepness of the ramp of :math:`\\lambda_p`, ``> 0``.
    learning_rate : float
        Adam's initial step size :math:`\\mu_0`.
    learning_rate_decay : float
        :math:`\\alpha` of Ganin et al.'s annealing
        :math:`\\mu_p = \\mu_0 / (1 + \\alpha p)^{0.75}`, where :math:`p` is the training
        progress from 0 to 1; 0 keeps the step size constant.
    n_steps : int
        Number of gradient steps.
    batch_size : int or None
        Rows per domain in each step (``None``: all of them).
    random_state : int or None
        Seed of the initial weights and of the batches.
    n_features, classes
        Set by :meth:`fit` (and stored in the ``.keras`` file); leave them out.

    Examples
    --------
    >>> X_source, y_source = make_rotated_moons(200, angle=0.0, random_state=0)
    >>> X_target, y_target = make_rotated_moons(200, angle=30.0, random_state=1)
    >>> model = DANN(n_steps=200, random_state=0).fit(X_source, y_source, X_target)
    >>> model.predict_proba(X_target[:3]).shape
    (3, 2)
    >>> float(np.mean(model.predict(X_target) == y_target)) > 0.8
    True
    """

    def __init__(
        self,
        *,
        hidden_units: Sequence[int] = (32, 32),
        domain_units: Sequence[int] = (32,),
        lambda_max: float = 1.0,
        gamma: float = 10.0,
        learning_rate: float = 0.01,
        learning_rate_decay: float = 10.0,
        n_steps: int = 300,
        batch_size: int | None = None,
        random_state: int | None = None,
        n_features: int | None = None,
        classes: Sequence[Any] | None = None,
        name: str = "dann",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self.hidden_units = _check_units(hidden_units, "hidden_units", allow_empty=False)
        self.domain_units = _check_units(domain_units, "domain_units", allow_empty=True)
        self.lambda_max = lambda_max
        self.gamma = gamma
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.n_steps = n_steps
        self.batch_size = batch_size
        self.random_state = random_state
        self._check_hyperparameters()
        self.n_features = (
            None if n_features is None else _check_positive_int(n_features, "n_features")
        )
        self.classes = None if classes is None else list(classes)
        self._train: dict[bool, Any] = {}  # traced training loops, with and without adversary
        if self.n_features is not None and self.classes is not None:
            self._make_layers()

    # ---------------------------------------------------------------- construction

    def _check_hyperparameters(self) -> None:
        _check_real(self.lambda_max, "lambda_max", low=0.0, strict=False)
        _check_real(self.gamma, "gamma", low=0.0, strict=True)
        _check_real(self.learning_rate, "learning_rate", low=0.0, strict=True)
        _check_real(self.learning_rate_decay, "learning_rate_decay", low=0.0, strict=False)
        _check_positive_int(self.n_steps, "n_steps")
        if self.batch_size is not None:
            _check_positive_int(self.batch_size, "batch_size")
        _check_seed(self.random_state)

    def _make_layers(self) -> None:
        if len(self.classes) < 2:
            raise ValueError(
                f"classes={self.classes!r} has fewer than 2 classes; allowed: at least 2"
            )
        dense = keras.layers.Dense
        self.feature_layers = [
            dense(u, activation="relu", name=f"feature_{i}")
            for i, u in enumerate(self.hidden_units, start=1)
        ]
        self.label_layer = dense(len(self.classes), name="label_logits")
        self.reversal = GradientReversal(lambda_=0.0, name="gradient_reversal")
        self.domain_layers = [
            dense(u, activation="relu", name=f"domain_{i}")
            for i, u in enumerate(self.domain_units, start=1)
        ] + [dense(1, name="domain_logit")]
        width = self.n_features
        for layer in self.feature_layers:
            layer.build((None, width))
            width = layer.units
        self.label_layer.build((None, width))
        self.reversal.build((None, width))
        for layer in self.domain_layers:
            layer.build((None, width))
            width = layer.units
        self.optimizer_ = keras.optimizers.Adam(learning_rate=float(self.learning_rate))
        self.optimizer_.build(self.trainable_variables)
        self.built = True

    def build(self, input_shape: Any = None) -> None:  # layers are built in _make_layers
        self.built = True

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "hidden_units": list(self.hidden_units),
            "domain_units": list(self.domain_units),
            "lambda_max": float(self.lambda_max),
            "gamma": float(self.gamma),
            "learning_rate": float(self.learning_rate),
            "learning_rate_decay": float(self.learning_rate_decay),
            "n_steps": int(self.n_steps),
            "batch_size": self.batch_size,
            "random_state": self.random_state,
            "n_features": self.n_features,
            "classes": self.classes,
        }

    # ---------------------------------------------------------------- forward passes

    def _features(self, x: Any) -> Any:
        for layer in self.feature_layers:
            x = layer(x)
        return x

    def _domain_logit(self, features: Any) -> Any:
        h = self.reversal(features)
        for layer in self.domain_layers:
            h = layer(h)
        return keras.ops.squeeze(h, axis=-1)

    def call(self, inputs: Any, training: bool = False) -> Any:
        """Class probabilities, shape ``(n, n_classes)``."""
        return keras.ops.softmax(self.label_layer(self._features(inputs)), axis=-1)

    # ---------------------------------------------------------------- training

    def _reset(self, seed: int | None) -> None:
        rng = np.random.default_rng(seed)
        layers = [*self.feature_layers, self.label_layer, *self.domain_layers]
        for layer in layers:
            fan_in, fan_out = layer.kernel.shape
            layer.kernel.assign(_glorot(rng, int(fan_in), int(fan_out)))
            layer.bias.assign(np.zeros(int(fan_out), dtype=np.float32))
        for variable in self.optimizer_.variables:
            if variable.path.endswith("learning_rate"):
                variable.assign(float(self.learning_rate))
            else:
                variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
        self.reversal.lambda_ = 0.0

    def _make_train_function(self, adversarial: bool) -> Any:
        spec = tf.TensorSpec
        d = self.n_features
        signature = [
            spec([None, d], tf.float32),  # source features
            spec([None], tf.int32),  # source labels (class indices)
            spec([None], tf.float32),  # source weights
            spec([None, d], tf.float32),  # target features
            spec([], tf.int32),  # number of steps
            spec([], tf.int32),  # batch size per domain (0: full batch)
            spec([], tf.float32),  # lambda_max
            spec([], tf.float32),  # gamma
            spec([], tf.float32),  # initial learning rate
            spec([], tf.float32),  # learning-rate decay (alpha)
            spec([2], tf.int32),  # seed of the batches
        ]
        variables = self.trainable_variables
        if not adversarial:  # the domain classifier is not trained without an adversary
            domain = {id(v) for layer in self.domain_layers for v in layer.trainable_variables}
            variables = [v for v in variables if id(v) not in domain]
        optimizer = self.optimizer_

        def losses(xs: Any, ys: Any, ws: Any, xt: Any) -> tuple[Any, Any]:
            hs = self._features(xs)
            per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(ys, self.label_layer(hs))
            label_loss = tf.reduce_sum(ws * per_example) / tf.reduce_sum(ws)
            if not adversarial:  # lambda_max = 0: the domain branch cannot change the features
                return label_loss, tf.constant(0.0)
            ht = self._features(xt)
            logits = self._domain_logit(tf.concat([hs, ht], axis=0))
            domains = tf.concat([tf.zeros_like(ws), tf.ones(tf.shape(xt)[:1])], axis=0)
            domain_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(domains, logits))
            return label_loss, domain_loss

        @tf.function(input_signature=signature, jit_compile=False)
        def train(xs, ys, ws, xt, n_steps, batch, lambda_max, gamma, rate, decay, seed):  # noqa: ANN001
            label_history = tf.TensorArray(tf.float32, size=n_steps)
            domain_history = tf.TensorArray(tf.float32, size=n_steps)
            n_s, n_t = tf.shape(xs)[0], tf.shape(xt)[0]
            for step in tf.range(n_steps):
                progress = tf.cast(step, tf.float32) / tf.cast(n_steps, tf.float32)
                self.reversal._lambda.assign(
                    lambda_max * (2.0 / (1.0 + tf.exp(-gamma * progress)) - 1.0)
                )
                optimizer.learning_rate.assign(rate / (1.0 + decay * progress) ** 0.75)
                if batch > 0:
                    step_seed = seed + tf.stack([step, 0])
                    i_s = tf.random.stateless_uniform(
                        [batch], step_seed, maxval=n_s, dtype=tf.int32
                    )
                    i_t = tf.random.stateless_uniform(
                        [batch], step_seed + [0, 1], maxval=n_t, dtype=tf.int32
                    )
                    bxs, bys, bws = tf.gather(xs, i_s), tf.gather(ys, i_s), tf.gather(ws, i_s)
                    bxt = tf.gather(xt, i_t)
                else:
                    bxs, bys, bws, bxt = xs, ys, ws, xt
                with tf.GradientTape() as tape:
                    label_loss, domain_loss = losses(bxs, bys, bws, bxt)
                    total = label_loss + domain_loss
                gradients = tape.gradient(total, variables)
                optimizer.apply_gradients(zip(gradients, variables, strict=True))
                label_history = label_history.write(step, label_loss)
                domain_history = domain_history.write(step, domain_loss)
            return label_history.stack(), domain_history.stack()

        return train

    def fit(  # type: ignore[override]
        self,
        X_source: Any,
        y_source: Any,
        X_target: Any,
        *,
        sample_weight: Any = None,
    ) -> DANN:
        """Train on labelled source rows and unlabelled target rows; return ``self``.

        Parameters
        ----------
        X_source : array of shape (n_source, n_features)
        y_source : array of shape (n_source,)
            Class labels (any sortable values; at least two distinct ones).
        X_target : array of shape (n_target, n_features), n_target >= 1
        sample_weight : array of shape (n_source,) or None
            Weights of the source rows in the label loss (``>= 0``, not all 0), e.g.
            importance weights.

        After fitting, ``history_`` holds the per-step ``label_loss`` and ``domain_loss``
        and ``fit_seconds_`` the wall time.
        """
        self._check_hyperparameters()
        xs, codes, classes, weights, xt = _validated_training_data(
            X_source, y_source, X_target, sample_weight
        )
        self._bind_to(xs.shape[1], classes)
        adversarial = float(self.lambda_max) > 0.0
        if adversarial not in self._train:
            self._train[adversarial] = self._make_train_function(adversarial)
        self._reset(self.random_state)
        batch_seed = np.random.default_rng(self.random_state).integers(0, 2**31 - 1, size=2)
        start = time.perf_counter()
        label_loss, domain_loss = self._train[adversarial](
            tf.constant(xs),
            tf.constant(codes),
            tf.constant(weights),
            tf.constant(xt),
            tf.constant(int(self.n_steps), tf.int32),
            tf.constant(0 if self.batch_size is None else int(self.batch_size), tf.int32),
            tf.constant(float(self.lambda_max), tf.float32),
            tf.constant(float(self.gamma), tf.float32),
            tf.constant(float(self.learning_rate), tf.float32),
            tf.constant(float(self.learning_rate_decay), tf.float32),
            tf.constant(batch_seed.astype(np.int32)),
        )
        self.fit_seconds_ = time.perf_counter() - start
        self.history_ = {"label_loss": label_loss.numpy(), "domain_loss": domain_loss.numpy()}
        return self

    def _bind_to(self, n_features: int, classes: list[Any]) -> None:
        """Build the layers on the first fit; later fits must bring the same shapes."""
        if self.classes is None:
            self.n_features = int(n_features)
            self.classes = list(classes)
            self._make_layers()
        elif n_features != self.n_features or list(classes) != list(self.classes):
            raise ValueError(
                f"this DANN was built for {self.n_features} features and classes "
                f"{self.classes}; got {n_features} features and classes {list(classes)}; "
                "allowed: the same, or a new DANN"
            )

    # ---------------------------------------------------------------- prediction

    def _check_fitted_input(self, X: Any) -> Any:
        if self.classes is None:
            raise ValueError("this DANN is not fitted yet; call fit(X_source, y_source, X_target)")
        x = check_array(X, dtype=np.float32)
        if x.shape[1] != self.n_features:
            raise ValueError(
                f"X has {x.shape[1]} features, but this DANN expects {self.n_features}"
            )
        return tf.constant(x)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape ``(n, n_classes)``, columns in order of ``classes``."""
        return self(self._check_fitted_input(X)).numpy()

    def predict(self, X: Any, **kwargs: Any) -> np.ndarray:  # type: ignore[override]
        """Predicted class labels (values from ``classes``)."""
        if kwargs:
            raise TypeError(
                f"DANN.predict takes only X; got {sorted(kwargs)} (Keras' batch options do "
                "not apply)"
            )
        return np.asarray(self.classes)[np.argmax(self.predict_proba(X), axis=1)]

    def transform(self, X: Any) -> np.ndarray:
        """The learned features :math:`G_f(x)`, shape ``(n, hidden_units[-1])``."""
        return self._features(self._check_fitted_input(X)).numpy()

    def domain_probability(self, X: Any) -> np.ndarray:
        """The domain classifier's probability that each row comes from the target."""
        logits = self._domain_logit(self._features(self._check_fitted_input(X)))
        return tf.sigmoid(logits).numpy()

    def score(self, X: Any, y: Any) -> float:
        """Accuracy of :meth:`predict` on ``(X, y)``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))
