"""How far apart are two domains? Two discrepancy measures between samples of inputs.

Both look only at the *inputs* ``X`` of two domains, never at labels: that makes them cheap (no
labelled target data) and also limits them, since two domains with identical inputs but
different labelling rules are "identical" to both.

- :func:`mmd` estimates the squared **maximum mean discrepancy** with a Gaussian kernel
  (Gretton et al., 2012). scikit-learn has the kernel (:func:`~sklearn.metrics.pairwise.rbf_kernel`)
  but not the statistic; the kernel sums are taken tile by tile, so memory stays bounded.
- :func:`proxy_a_distance` turns the held-out error ``eps`` of a source-versus-target
  classifier into ``2 (1 - 2 eps)`` (Ben-David et al., 2007).
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

from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import euclidean_distances, rbf_kernel
from sklearn.model_selection import train_test_split

from tlutils import _validation as v

__all__ = ["median_heuristic", "mmd", "proxy_a_distance"]


def _rbf_kernel_sum(a: np.ndarray, b: np.ndarray, gamma: float, block_size: int) -> float:
    """Sum of ``exp(-gamma ||a_i - b_j||^2)`` over all pairs, one tile at a time.

    ``b is a`` sums only the tiles on and above the diagonal (the others count twice); the
    diagonal tiles are ``rbf_kernel(tile)``, whose diagonal is exactly 1.
    """
    same, total = b is a, 0.0
    for i in range(0, len(a), block_size):
        rows = a[i : i + block_size]
        for j in range(i if same else 0, len(b), block_size):
            if same and i == j:
                total += float(rbf_kernel(rows, gamma=gamma).sum())
            else:
                tile = rbf_kernel(rows, b[j : j + block_size], gamma=gamma)
                total += float(tile.sum()) * (2.0 if same else 1.0)
    return total


def median_heuristic(
    X: Any,  # noqa: N803 (scikit-learn's name for a feature matrix)
    Y: Any = None,  # noqa: N803
    *,
    max_samples: int = 1000,
    random_state: int | None = 0,
) -> float:
    """Median of the pairwise Euclidean distances in the pooled sample: an RBF bandwidth.

    The *median heuristic* sets the bandwidth ``sigma`` of ``k(x, y) = exp(-||x - y||^2 /
    (2 sigma^2))`` to the median distance between two distinct rows ``i < j`` of the pooled
    ``X`` and ``Y`` (Gretton et al., 2012), so the kernel is neither almost always 0 nor almost
    always 1. Above ``max_samples`` pooled rows (at least 2) a random subset of that size,
    drawn with ``random_state``, is used. A median of 0 (most pairs identical) is a ValueError.

    Examples
    --------
    >>> import numpy as np
    >>> median_heuristic(np.array([[0.0], [1.0], [3.0]]))   # distances 1, 2, 3
    2.0
    >>> median_heuristic(np.zeros((2, 3)), np.ones((2, 3)))  # doctest: +ELLIPSIS
    1.73...
    """
    pooled = v.check_array(X, "X", ndim=2, min_rows=1)
    if Y is not None:
        other = v.check_array(Y, "Y", ndim=2, min_rows=1, n_columns=pooled.shape[1])
        pooled = np.concatenate([pooled, other])
    max_samples = v.check_int(max_samples, "max_samples", min_value=2)
    if pooled.shape[0] < 2:
        raise v.invalid("X and Y", "hold 1 row in total", "at least 2 rows")
    if pooled.shape[0] > max_samples:
        rng = np.random.default_rng(v.check_random_state(random_state))
        pooled = pooled[rng.choice(pooled.shape[0], size=max_samples, replace=False)]
    distances = euclidean_distances(pooled)[np.triu_indices(pooled.shape[0], k=1)]
    median = float(np.median(distances))
    if median <= 0.0:
        problem = "have a median pairwise distance of 0 (most pairs are identical points)"
        raise v.invalid("X and Y", problem, "pass bandwidth=<a number > 0> explicitly")
    return median


def mmd(
    X: Any,  # noqa: N803 (scikit-learn's name for a feature matrix)
    Y: Any,  # noqa: N803
    *,
    bandwidth: float | str = "median",
    unbiased: bool = True,
    block_size: int = 1024,
) -> float:
    """Squared maximum mean discrepancy (MMD²) between two samples, with a Gaussian kernel.

    With ``k(x, y) = exp(-||x - y||^2 / (2 sigma^2))`` and samples ``x_1..x_m``, ``y_1..y_n``,
    the **unbiased** estimate (Gretton et al., 2012, eq. 3) is

    ``MMD²_u = mean_{i != j} k(x_i, x_j) + mean_{i != j} k(y_i, y_j) - 2 mean_{i, j} k(x_i, y_j)``

    and the **biased** one keeps the diagonal terms ``i = j`` in the first two means. The
    population value is 0 exactly when the distributions are equal and grows as they move
    apart (at most 2: a squared distance in the kernel's feature space). The unbiased estimate
    (at least 2 rows per sample) scatters around 0 for two samples of one distribution (it can
    be slightly negative); the biased one is ``>= 0`` and 0 for a sample with itself.
    ``bandwidth`` is the kernel width ``sigma > 0``, or ``"median"`` for
    :func:`median_heuristic`.

    The kernel matrices are never built whole: each tile of at most ``block_size x block_size``
    entries comes from :func:`~sklearn.metrics.pairwise.rbf_kernel` and is summed at once
    (symmetric ones only on and above the diagonal), so memory is ``O(block_size^2)``.

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
    ValueError: bandwidth=0.0 is out of range; allowed: a real number > 0
    """
    if isinstance(bandwidth, str):
        v.check_choice(bandwidth, "bandwidth", ("median",))
    else:
        bandwidth = v.check_real(bandwidth, "bandwidth", min_value=0, closed="neither")
    unbiased = v.check_bool(unbiased, "unbiased")
    block_size = v.check_int(block_size, "block_size", min_value=1)
    min_rows = 2 if unbiased else 1
    x = v.check_array(X, "X", ndim=2, min_rows=min_rows)
    y = v.check_array(Y, "Y", ndim=2, min_rows=min_rows, n_columns=x.shape[1])
    sigma = median_heuristic(x, y) if bandwidth == "median" else bandwidth
    gamma = 1.0 / (2.0 * sigma**2)
    # Distances do not change under a common shift; centring keeps the norms small, so the
    # expansion |a|^2 + |b|^2 - 2 a.b inside rbf_kernel loses less to cancellation.
    centre = np.concatenate([x, y]).mean(axis=0)
    x, y = x - centre, y - centre
    m, n = x.shape[0], y.shape[0]
    xx = _rbf_kernel_sum(x, x, gamma, block_size)
    yy = _rbf_kernel_sum(y, y, gamma, block_size)
    xy = _rbf_kernel_sum(x, y, gamma, block_size)
    if unbiased:  # drop the m (and n) diagonal entries, each exactly 1
        return (xx - m) / (m * (m - 1)) + (yy - n) / (n * (n - 1)) - 2.0 * xy / (m * n)
    return max(xx / m**2 + yy / n**2 - 2.0 * xy / (m * n), 0.0)  # >= 0 up to rounding


def proxy_a_distance(
    X_source: Any,  # noqa: N803
    X_target: Any,  # noqa: N803
    *,
    classifier: Any = None,
    test_size: float = 0.5,
    random_state: int | None = None,
) -> float:
    """Proxy A-distance ``2 (1 - 2 eps)`` from a source-versus-target domain classifier.

    Source rows (at least 2) get the domain label 0, target rows (at least 2) 1. A stratified
    fraction ``test_size`` of the pooled rows is held out (split seeded by ``random_state``, as
    is the default classifier), ``classifier`` (a scikit-learn classifier, cloned; default
    ``LogisticRegression(max_iter=2000)``) is trained on the rest, and ``eps`` is its
    **balanced** error on the held-out rows (the mean of the error rates on source and on
    target rows, so unequal sample sizes do not matter: guessing gives ``eps = 0.5``). The
    proxy A-distance (Ben-David et al., 2007) is about 0 when the domains cannot be told apart
    (it can be slightly negative) and 2 when they are perfectly separable. It depends on the
    classifier: a flexible one finds differences that a linear one misses.

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
    source = v.check_array(X_source, "X_source", ndim=2, min_rows=2)
    target = v.check_array(X_target, "X_target", ndim=2, min_rows=2, n_columns=source.shape[1])
    test_size = v.check_real(test_size, "test_size", min_value=0, max_value=1, closed="neither")
    seed = v.check_random_state(random_state)
    if classifier is None:
        model = LogisticRegression(max_iter=2000, random_state=seed)
    elif hasattr(classifier, "fit") and hasattr(classifier, "predict"):
        model = clone(classifier)
    else:
        kind = f"has type {type(classifier).__name__}"
        allowed = "a scikit-learn classifier with fit and predict, or None"
        raise v.invalid("classifier", kind, allowed, error=TypeError)
    features = np.concatenate([source, target])
    domains = np.concatenate([np.zeros(len(source), np.int64), np.ones(len(target), np.int64)])
    x_fit, x_held, d_fit, d_held = train_test_split(
        features, domains, test_size=test_size, stratify=domains, random_state=seed
    )
    predicted = np.asarray(model.fit(x_fit, d_fit).predict(x_held))
    balanced_error = float(np.mean([np.mean(predicted[d_held == d] != d) for d in (0, 1)]))
    return 2.0 * (1.0 - 2.0 * balanced_error)
