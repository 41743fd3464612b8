"""How far apart are two domains? Two discrepancy measures between samples of inputs.

Both functions look only at the *inputs* ``X`` of two domains, never at labels, which is what
makes them cheap (no labelled target data needed) and also what limits them: two domains with
identical inputs but different labelling rules are "identical" to both.

- :func:`mmd` estimates the squared **maximum mean discrepancy** with a Gaussian (RBF) kernel
  (Gretton et al., 2012): the squared distance between the mean embeddings of the two samples
  in the kernel's feature space. It is 0 when the two distributions are equal. The kernel
  matrix is computed block by block, so memory stays bounded for large samples.
- :func:`proxy_a_distance` trains a classifier to tell the two domains apart and turns its
  held-out error ``eps`` into ``2 (1 - 2 eps)`` (Ben-David et al., 2007): about 0 when the
  domains cannot be told apart, 2 when they are perfectly separable.
- :func:`median_heuristic` gives the kernel bandwidth that :func:`mmd` uses by default.

This module does not import TensorFlow.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> a, b = rng.normal(size=(200, 5)), rng.normal(size=(200, 5))
>>> abs(mmd(a, b)) < 0.01                  # two draws of one distribution
True
>>> mmd(a, b + 1.0) > 0.1                  # a shifted mean
True
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = ["median_heuristic", "mmd", "proxy_a_distance"]

_DEFAULT_BLOCK_SIZE = 1024
_MEDIAN_MAX_SAMPLES = 1000


# --------------------------------------------------------------------------------------------
# argument checks (each message names the argument, the value given and what is allowed)
# --------------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _check_samples(values: Any, name: str, *, min_rows: int) -> np.ndarray:
    """A finite float64 matrix of shape (n_samples, n_features) with at least ``min_rows`` rows."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf" or array.dtype.kind == "b":
        raise TypeError(f"{name} has dtype {array.dtype}; allowed: real numbers")
    if array.ndim != 2:
        raise ValueError(
            f"{name} has shape {array.shape}; allowed: a 2-D array (n_samples, n_features) "
            "(reshape a single feature with .reshape(-1, 1))"
        )
    if array.shape[0] < min_rows:
        what = "is empty" if array.shape[0] == 0 else f"has {array.shape[0]} row(s)"
        raise ValueError(f"{name} {what} (shape {array.shape}); allowed: at least {min_rows} rows")
    if array.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {array.shape}); allowed: at least one")
    array = array.astype(np.float64, copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; allowed: finite numbers")
    return array


def _check_same_features(first: np.ndarray, second: np.ndarray, names: tuple[str, str]) -> None:
    if first.shape[1] != second.shape[1]:
        raise ValueError(
            f"{names[0]} has {first.shape[1]} features but {names[1]} has {second.shape[1]}; "
            "allowed: the same number of features (columns) in both"
        )


def _check_block_size(block_size: Any) -> int:
    if not _is_int(block_size):
        raise TypeError(
            f"block_size={block_size!r} has type {type(block_size).__name__}; "
            "allowed: a positive int"
        )
    if block_size < 1:
        raise ValueError(f"block_size={block_size!r} is not allowed; allowed: an int >= 1")
    return int(block_size)


def _check_bandwidth(bandwidth: Any) -> float | str:
    allowed = "'median' or a finite number > 0"
    if isinstance(bandwidth, str):
        if bandwidth != "median":
            raise ValueError(f"bandwidth={bandwidth!r} is not supported; allowed: {allowed}")
        return bandwidth
    if isinstance(bandwidth, bool | np.bool_) or not isinstance(bandwidth, numbers.Real):
        raise TypeError(
            f"bandwidth={bandwidth!r} has type {type(bandwidth).__name__}; allowed: {allowed}"
        )
    value = float(bandwidth)
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"bandwidth={bandwidth!r} is not allowed; allowed: {allowed}")
    return value


def _check_random_state(random_state: Any) -> int | None:
    if random_state is None:
        return None
    if not _is_int(random_state):
        raise TypeError(f"random_state={random_state!r} is not allowed; allowed: an int or None")
    if random_state < 0:
        raise ValueError(f"random_state={random_state!r} is negative; allowed: an int >= 0")
    return int(random_state)


# --------------------------------------------------------------------------------------------
# kernel sums, one block at a time
# --------------------------------------------------------------------------------------------


def _squared_distances(
    a: np.ndarray, b: np.ndarray, a_sq: np.ndarray, b_sq: np.ndarray
) -> np.ndarray:
    """||a_i - b_j||^2 for all pairs, from the expansion |a|^2 + |b|^2 - 2 a.b (clipped at 0)."""
    distances = a @ b.T
    distances *= -2.0
    distances += a_sq[:, None]
    distances += b_sq[None, :]
    return np.maximum(distances, 0.0, out=distances)


def _exponent_factors(a: np.ndarray, b: np.ndarray, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """float32 matrices whose product is the exponent ``-gamma ||a_i - b_j||^2``.

    Row by row, ``[2 gamma a, -gamma |a|^2, 1] . [b, 1, -gamma |b|^2]`` equals
    ``2 gamma a.b - gamma |a|^2 - gamma |b|^2``, so one matrix product yields the whole exponent
    of a kernel tile.
    """
    a_sq = np.einsum("ij,ij->i", a, a)
    b_sq = np.einsum("ij,ij->i", b, b)
    left = np.hstack([2.0 * gamma * a, -gamma * a_sq[:, None], np.ones((len(a), 1))])
    right = np.hstack([b, np.ones((len(b), 1)), -gamma * b_sq[:, None]])
    return left.astype(np.float32), right.astype(np.float32)


def _rbf_kernel_sum(
    a: np.ndarray, b: np.ndarray, gamma: float, block_size: int, *, same: bool
) -> float:
    """Sum of exp(-gamma ||a_i - b_j||^2) over all pairs (i, j), block by block.

    Each tile is one float32 matrix product (see :func:`_exponent_factors`), exponentiated in
    place and summed in float64, so one tile is the only kernel-sized array in memory. With
    ``same=True`` (``a`` is ``b``) only tiles on and above the diagonal are computed and the
    off-diagonal ones count twice; the diagonal entries are exactly 1.
    """
    left, right = _exponent_factors(a, b, gamma)
    total = 0.0
    for i in range(0, a.shape[0], block_size):
        rows = slice(i, i + block_size)
        for j in range(i if same else 0, b.shape[0], block_size):
            block = left[rows] @ right[j : j + block_size].T
            np.minimum(block, 0.0, out=block)  # an exponent is <= 0; remove rounding noise
            if same and i == j:
                np.fill_diagonal(block, 0.0)  # exact: k(x, x) = 1 without rounding error
            np.exp(block, out=block)
            total += float(block.sum(dtype=np.float64)) * (2.0 if same and i != j else 1.0)
    return total


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def median_heuristic(
    X: Any,  # noqa: N803 (scikit-learn's name for a feature matrix)
    Y: Any = None,  # noqa: N803
    *,
    max_samples: int = _MEDIAN_MAX_SAMPLES,
    random_state: int | None = 0,
) -> float:
    """Median of the pairwise Euclidean distances in the pooled sample: an RBF bandwidth.

    The *median heuristic* sets the bandwidth ``sigma`` of the Gaussian kernel
    ``k(x, y) = exp(-||x - y||^2 / (2 sigma^2))`` to the median distance between two points of
    the pooled sample ``X`` and ``Y`` (Gretton et al., 2012), so the kernel is neither almost
    always 0 nor almost always 1 on the data. Only pairs of distinct rows ``i < j`` count. When
    the pooled sample has more than ``max_samples`` rows, a random subset of that size is used
    (the same one for the same ``random_state``), which keeps the cost at
    ``O(max_samples^2)``.

    Parameters
    ----------
    X, Y : array-like of shape (n_samples, n_features)
        The two samples (``Y`` may be omitted).
    max_samples : int, keyword-only
        Largest number of pooled rows used, at least 2.
    random_state : int or None, keyword-only
        Seed of the subset drawn for large samples.

    Returns
    -------
    float
        The median distance, > 0.

    Raises
    ------
    ValueError
        For empty or non-finite samples, different feature counts, or when more than half of
        the pairs are identical points (the median is 0; pass a bandwidth explicitly).

    Examples
    --------
    >>> import numpy as np
    >>> median_heuristic(np.array([[0.0], [1.0], [3.0]]))   # distances 1, 2, 3
    2.0
    >>> median_heuristic(np.zeros((2, 3)), np.ones((2, 3)))  # doctest: +ELLIPSIS
    1.73...
    """
    pooled = _check_samples(X, "X", min_rows=1)
    if Y is not None:
        other = _check_samples(Y, "Y", min_rows=1)
        _check_same_features(pooled, other, ("X", "Y"))
        pooled = np.concatenate([pooled, other])
    if not _is_int(max_samples) or max_samples < 2:
        raise ValueError(f"max_samples={max_samples!r} is not allowed; allowed: an int >= 2")
    if pooled.shape[0] < 2:
        raise ValueError("X and Y hold a single row in total; allowed: at least 2 rows")
    if pooled.shape[0] > max_samples:
        rng = np.random.default_rng(_check_random_state(random_state))
        pooled = pooled[rng.choice(pooled.shape[0], size=max_samples, replace=False)]
    sq_norms = np.einsum("ij,ij->i", pooled, pooled)
    distances = np.sqrt(_squared_distances(pooled, pooled, sq_norms, sq_norms))
    median = float(np.median(distances[np.triu_indices(pooled.shape[0], k=1)]))
    if median <= 0.0:
        raise ValueError(
            "the median pairwise distance is 0 (more than half of the pairs are identical "
            "points); allowed: pass bandwidth=<a number > 0> explicitly"
        )
    return median


def mmd(
    X: Any,  # noqa: N803 (scikit-learn's name for a feature matrix)
    Y: Any,  # noqa: N803
    *,
    bandwidth: float | str = "median",
    unbiased: bool = True,
    block_size: int = _DEFAULT_BLOCK_SIZE,
) -> float:
    """Squared maximum mean discrepancy (MMD²) between two samples, with a Gaussian kernel.

    With the kernel ``k(x, y) = exp(-||x - y||^2 / (2 sigma^2))`` and samples
    ``x_1..x_m`` and ``y_1..y_n``, the **unbiased** estimate (Gretton et al., 2012, eq. 3) is

    ``MMD²_u = mean_{i != j} k(x_i, x_j) + mean_{i != j} k(y_i, y_j) - 2 mean_{i, j} k(x_i, y_j)``

    and the **biased** one includes the diagonal terms ``i = j`` in the first two means. The
    population value is 0 exactly when the two distributions are equal (the Gaussian kernel is
    characteristic) and grows as they move apart. The unbiased estimate is centred on the
    population value, so for two samples of one distribution it scatters around 0 and can be
    slightly negative; the biased one is always >= 0 and exactly 0 for a sample with itself.

    The ``m x m``, ``n x n`` and ``m x n`` kernel matrices are never built: they are summed in
    tiles of at most ``block_size x block_size`` entries (symmetric ones only on and above the
    diagonal), so memory is ``O(block_size^2)`` and the result does not depend on
    ``block_size`` beyond rounding.

    Parameters
    ----------
    X : array-like of shape (m, n_features)
        Sample of the first distribution (e.g. source inputs).
    Y : array-like of shape (n, n_features)
        Sample of the second distribution (e.g. target inputs).
    bandwidth : "median" or float, keyword-only
        The kernel width ``sigma``; ``"median"`` uses :func:`median_heuristic` on the pooled
        sample.
    unbiased : bool, keyword-only
        Unbiased (default, needs at least 2 rows per sample) or biased estimate.
    block_size : int, keyword-only
        Rows and columns of the largest kernel tile held in memory.

    Returns
    -------
    float
        The estimate of MMD² (a squared distance in the kernel's feature space, at most 2).

    Raises
    ------
    ValueError
        For empty, non-2-D or non-finite samples, different numbers of features, a bandwidth
        that is not positive and finite or not ``"median"``, or a ``block_size`` below 1.
    TypeError
        For non-numeric samples or arguments of the wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> mmd(X, X, unbiased=False)                       # a sample against itself
    0.0
    >>> round(mmd(X, X + 3.0, bandwidth=1.0), 4)        # far apart
    0.6964
    >>> mmd(X, X, bandwidth=0.0)
    Traceback (most recent call last):
    ...
    ValueError: bandwidth=0.0 is not allowed; allowed: 'median' or a finite number > 0
    """
    width = _check_bandwidth(bandwidth)
    if not isinstance(unbiased, bool | np.bool_):
        raise TypeError(f"unbiased={unbiased!r} is not allowed; allowed: True or False")
    size = _check_block_size(block_size)
    min_rows = 2 if unbiased else 1
    x = _check_samples(X, "X", min_rows=min_rows)
    y = _check_samples(Y, "Y", min_rows=min_rows)
    _check_same_features(x, y, ("X", "Y"))
    sigma = median_heuristic(x, y) if width == "median" else float(width)
    gamma = 1.0 / (2.0 * sigma**2)
    # Distances do not change under a common shift; centring keeps the norms small, so the
    # float32 expansion |a|^2 + |b|^2 - 2 a.b loses less to cancellation.
    centre = np.concatenate([x, y]).mean(axis=0)
    x, y = x - centre, y - centre

    m, n = x.shape[0], y.shape[0]
    xx = _rbf_kernel_sum(x, x, gamma, size, same=True)
    yy = _rbf_kernel_sum(y, y, gamma, size, same=True)
    xy = _rbf_kernel_sum(x, y, gamma, size, same=False)
    if unbiased:  # drop the m (and n) diagonal entries, each exactly 1
        return (xx - m) / (m * (m - 1)) + (yy - n) / (n * (n - 1)) - 2.0 * xy / (m * n)
    value = xx / m**2 + yy / n**2 - 2.0 * xy / (m * n)
    return max(value, 0.0)  # >= 0 in exact arithmetic; remove rounding noise


def _default_domain_classifier(random_state: int | None) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000, random_state=random_state)


def proxy_a_distance(
    X_source: Any,  # noqa: N803
    X_target: Any,  # noqa: N803
    *,
    classifier: Any = None,
    test_size: float = 0.5,
    random_state: int | None = None,
) -> float:
    """Proxy A-distance ``2 (1 - 2 eps)`` from a source-versus-target domain classifier.

    Each source row gets the domain label 0 and each target row the label 1. A stratified
    fraction ``test_size`` of the pooled rows is held out, ``classifier`` is trained on the
    rest, and ``eps`` is its **balanced** error on the held-out rows (the mean of the error
    rates on held-out source and on held-out target rows, so unequal sample sizes do not
    matter: guessing gives ``eps = 0.5``). The proxy A-distance (Ben-David et al., 2007)
    is then

    - about 0 when the classifier cannot tell the domains apart (``eps`` near 0.5);
    - 2 when it separates them perfectly (``eps = 0``).

    It is an estimate: for indistinguishable domains it scatters around 0 and can be slightly
    negative. It also depends on the classifier: a more flexible one finds differences that a
    linear one misses.

    Parameters
    ----------
    X_source, X_target : array-like of shape (n, n_features)
        Inputs of the two domains (no labels needed), at least 2 rows each.
    classifier : scikit-learn classifier or None, keyword-only
        An unfitted estimator with ``fit`` and ``predict``; it is cloned, not modified.
        Default: ``LogisticRegression(max_iter=2000)``.
    test_size : float, keyword-only
        Held-out fraction, strictly between 0 and 1.
    random_state : int or None, keyword-only
        Seed of the split (and of the default classifier).

    Returns
    -------
    float
        ``2 * (1 - 2 * eps)``, between -2 and 2.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(300, 4)), rng.normal(size=(300, 4))
    >>> abs(proxy_a_distance(a, b, random_state=0)) < 0.3    # one distribution
    True
    >>> proxy_a_distance(a, b + 10.0, random_state=0)        # separable
    2.0
    """
    from sklearn.base import clone
    from sklearn.model_selection import train_test_split

    source = _check_samples(X_source, "X_source", min_rows=2)
    target = _check_samples(X_target, "X_target", min_rows=2)
    _check_same_features(source, target, ("X_source", "X_target"))
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size={test_size!r} is not allowed; allowed: a float in (0, 1)")
    if not 0.0 < float(test_size) < 1.0:  # also rejects NaN
        raise ValueError(f"test_size={test_size!r} is out of range; allowed: 0 < test_size < 1")
    seed = _check_random_state(random_state)
    if classifier is None:
        model = _default_domain_classifier(seed)
    elif not (hasattr(classifier, "fit") and hasattr(classifier, "predict")):
        raise TypeError(
            f"classifier has type {type(classifier).__name__}; allowed: a scikit-learn "
            "classifier with fit and predict, or None"
        )
    else:
        model = clone(classifier)

    features = np.concatenate([source, target])
    domains = np.concatenate([np.zeros(len(source), np.int64), np.ones(len(target), np.int64)])
    try:
        x_fit, x_held, d_fit, d_held = train_test_split(
            features, domains, test_size=float(test_size), stratify=domains, random_state=seed
        )
    except ValueError as error:
        raise ValueError(
            f"test_size={test_size!r} cannot hold out rows of both domains from "
            f"{len(source)} source and {len(target)} target rows: {error}"
        ) from error
    predicted = np.asarray(model.fit(x_fit, d_fit).predict(x_held))
    error_per_domain = [np.mean(predicted[d_held == d] != d) for d in (0, 1)]
    balanced_error = float(np.mean(error_per_domain))
    return 2.0 * (1.0 - 2.0 * balanced_error)
