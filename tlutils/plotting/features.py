"""What a network learned, visibly: first-layer filters and 2-D embeddings of features.

:func:`plot_filters` shows the kernels of a ``Conv2D`` layer, :func:`embed_2d` projects
features to two dimensions (scikit-learn's PCA or t-SNE) and :func:`plot_embedding` scatters
the projection by class or domain. No TensorFlow: pass kernels and features as NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tlutils._validation import check_array, check_choice, check_int, check_same_length, invalid
from tlutils.plotting import OKABE_ITO

__all__ = ["embed_2d", "plot_embedding", "plot_filters"]


def plot_filters(kernel: np.ndarray, *, ncols: int = 8, title: str | None = None) -> Figure:
    """Show each filter of a ``Conv2D`` kernel (shape ``(h, w, 1, n_filters)``) as an image.

    Each filter is drawn with a symmetric colour scale (blue negative, red positive) shared by
    all filters, so that their strengths can be compared.

    Examples
    --------
    >>> fig = plot_filters(np.random.default_rng(0).normal(size=(3, 3, 1, 8)), ncols=4)
    >>> len([ax for ax in fig.axes if ax.images])
    8
    """
    kernel = check_array(kernel, "kernel", ndim=4)
    if kernel.shape[2] != 1:
        problem = f"has shape {kernel.shape}"
        raise invalid("kernel", problem, "(height, width, 1, n_filters): one input channel")
    n = kernel.shape[-1]
    ncols = min(check_int(ncols, "ncols", min_value=1), n)
    nrows = -(-n // ncols)
    limit = float(np.abs(kernel).max()) or 1.0
    size = (0.9 * ncols + 0.8, 0.95 * nrows + 0.5)
    fig, axes = plt.subplots(nrows, ncols, figsize=size, squeeze=False)
    image = None
    for i, ax in enumerate(axes.ravel()):
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
        if i >= n:
            ax.set_visible(False)
            continue
        image = ax.imshow(kernel[:, :, 0, i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {i + 1}", fontsize=8)
    fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="weight")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def embed_2d(
    features: np.ndarray, *, method: str = "pca", random_state: int | None = 0
) -> np.ndarray:
    """Project ``features`` (n, d) to (n, 2) with PCA or t-SNE (scikit-learn).

    Examples
    --------
    >>> embed_2d(np.random.default_rng(0).normal(size=(20, 5))).shape
    (20, 2)
    >>> embed_2d(np.zeros((5, 3)), method="umap")
    Traceback (most recent call last):
    ...
    ValueError: method='umap' is not supported; allowed: 'pca', 'tsne'
    """
    check_choice(method, "method", ("pca", "tsne"))
    features = check_array(features, "features", ndim=2, min_rows=3)
    if method == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=2, random_state=random_state).fit_transform(features)
    from sklearn.manifold import TSNE

    perplexity = float(min(30, max(2, (len(features) - 1) // 3)))
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=random_state)
    return tsne.fit_transform(features)


def plot_embedding(
    points: np.ndarray,
    labels: np.ndarray,
    *,
    label_names: Sequence[str] | None = None,
    title: str = "",
    ax: Axes | None = None,
    axis_label: str = "component",
) -> Figure:
    """Scatter 2-D ``points`` coloured by integer ``labels`` (legend from ``label_names``).

    Examples
    --------
    >>> fig = plot_embedding(np.zeros((4, 2)), np.array([0, 1, 0, 1]), label_names=["a", "b"])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['a', 'b']
    """
    points = check_array(points, "points", ndim=2, n_columns=2)
    labels = check_array(labels, "labels", ndim=1, dtype=None)
    check_same_length(points, labels, ("points", "labels"))
    values = np.unique(labels)
    names = [str(v) if label_names is None else label_names[int(v)] for v in values]
    fig, ax = plt.subplots(figsize=(4.2, 3.8)) if ax is None else (ax.figure, ax)
    palette = list(OKABE_ITO.values()) + ["#999999", "#882255", "#44AA99"]
    for i, (value, name) in enumerate(zip(values, names, strict=True)):
        x, y = points[labels == value].T
        colour = palette[i % len(palette)]
        ax.scatter(x, y, s=10, alpha=0.7, color=colour, label=name, linewidths=0)
    ax.set_xlabel(f"{axis_label} 1")
    ax.set_ylabel(f"{axis_label} 2")
    ax.set_title(title)
    ax.legend(markerscale=1.5, fontsize=7, ncols=2 if len(values) > 5 else 1)
    return fig
