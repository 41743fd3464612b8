"""Figures for domain adaptation: decision boundaries, importance weights, accuracy vs shift.

- :data:`METHOD_COLORS` and :func:`method_colour` give each adaptation method one colour.
- :func:`plot_decision_boundary` draws one classifier's boundary over source and target
  points in two dimensions; :func:`plot_decision_boundaries` draws several side by side.
- :func:`plot_importance_weights` shows source points sized by their importance weight.
- :func:`plot_accuracy_vs_shift` plots a score against the size of the shift, one line per
  method (mean over seeds with a +/- std band, single seeds as dots).

The figures use the book's house style (:func:`tlutils.plotting.use_house_style`). This module
does not import TensorFlow: a "model" is anything with ``predict_proba`` (or a function that
returns the probability of class 1).

Examples
--------
>>> import numpy as np
>>> from sklearn.linear_model import LogisticRegression
>>> from tlutils.plotting.adaptation import plot_decision_boundary
>>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
>>> y = np.array([0, 1, 1, 0])
>>> ax = plot_decision_boundary(LogisticRegression().fit(X, y), X, y, X + 0.5)
>>> ax.get_xlabel()
'$x_1$'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tlutils.plotting import OKABE_ITO, colour_for

__all__ = [
    "CLASS_COLORS",
    "METHOD_COLORS",
    "method_colour",
    "plot_accuracy_vs_shift",
    "plot_decision_boundaries",
    "plot_decision_boundary",
    "plot_importance_weights",
]

METHOD_COLORS: dict[str, str] = {
    "source only": OKABE_ITO["black"],
    "importance weighting": OKABE_ITO["orange"],
    "coral": OKABE_ITO["bluish green"],
    "dann": OKABE_ITO["vermillion"],
    "target oracle": OKABE_ITO["sky blue"],
}
"""One colour per adaptation method (names matched case-insensitively)."""

CLASS_COLORS: tuple[str, str] = (OKABE_ITO["blue"], OKABE_ITO["orange"])
"""Colours of class 0 and class 1 in the two-dimensional plots."""


def method_colour(name: str) -> str:
    """The colour of an adaptation method; other names fall back to :func:`colour_for`.

    Examples
    --------
    >>> method_colour("DANN") == METHOD_COLORS["dann"]
    True
    >>> method_colour("fine-tune all")
    '#0072B2'
    """
    if not isinstance(name, str):
        raise TypeError(f"name={name!r} has type {type(name).__name__}; allowed: a str")
    return METHOD_COLORS.get(name.strip().lower()) or colour_for(name)


# --------------------------------------------------------------------------- checks


def _points(values: Any, argument: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] == 0:
        raise ValueError(
            f"{argument} has shape {array.shape}; allowed: a non-empty (n, 2) array "
            "(these plots are two-dimensional)"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{argument} contains NaN or infinity; allowed: finite numbers")
    return array


def _labels(y: Any, n: int, argument: str) -> np.ndarray:
    labels = np.asarray(y)
    if labels.shape != (n,):
        raise ValueError(f"{argument} has shape {labels.shape}; allowed: ({n},), one per point")
    unknown = sorted(set(labels.tolist()) - {0, 1})
    if unknown:
        raise ValueError(f"{argument} contains {unknown}; allowed: binary labels 0 and 1")
    return labels.astype(np.int64)


def _probability_function(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    if hasattr(model, "predict_proba"):

        def probability(X: np.ndarray) -> np.ndarray:  # noqa: N803
            proba = np.asarray(model.predict_proba(X))
            return proba[:, 1] if proba.ndim == 2 else proba

        return probability
    if callable(model):
        return lambda X: np.asarray(model(X)).reshape(len(X))  # noqa: N803
    raise TypeError(
        f"model has type {type(model).__name__}; allowed: an object with predict_proba or a "
        "function that maps an (n, 2) array to the probability of class 1"
    )


def _check_positive_int(value: Any, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{argument}={value!r} is not allowed; allowed: a positive int")
    return int(value)


# --------------------------------------------------------------------------- boundaries


def plot_decision_boundary(
    model: Any,
    X_source: Any,  # noqa: N803
    y_source: Any,
    X_target: Any,  # noqa: N803
    y_target: Any = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    resolution: int = 150,
    legend: bool = True,
) -> Axes:
    """Draw a binary classifier's probability map and 0.5 boundary over both domains.

    The background shows :math:`P(y = 1 \\mid x)` (light shading), the black line its 0.5
    level, i.e. the decision boundary. Source points are small circles and target points
    crosses, both coloured by class (target points are grey when ``y_target`` is None, as
    they would be in practice).

    Parameters
    ----------
    model
        An object with ``predict_proba`` (column 1 is used) or a function returning the
        probability of class 1 for an (n, 2) array.
    X_source, y_source
        Source points (n, 2) and their 0/1 labels.
    X_target, y_target
        Target points (m, 2) and, optionally, their labels (only for display).
    ax
        Axes to draw into (default: a new figure).
    title
        Panel title.
    resolution
        Grid points per axis for the probability map.
    legend
        Whether to add a legend.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> ax = plot_decision_boundary(lambda Z: (Z[:, 0] > 0.5).astype(float), X, [0, 1], X,
    ...                             resolution=20, title="a step")
    >>> ax.get_title(), ax.get_ylabel()
    ('a step', '$x_2$')
    """
    source = _points(X_source, "X_source")
    source_labels = _labels(y_source, len(source), "y_source")
    target = _points(X_target, "X_target")
    target_labels = None if y_target is None else _labels(y_target, len(target), "y_target")
    probability = _probability_function(model)
    resolution = _check_positive_int(resolution, "resolution")
    if resolution < 2:
        raise ValueError(f"resolution={resolution} is not allowed; allowed: an int >= 2")

    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6))
    both = np.vstack([source, target])
    low, high = both.min(axis=0), both.max(axis=0)
    margin = 0.1 * (high - low) + 1e-9
    grid_x = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    grid_y = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    mesh_x, mesh_y = np.meshgrid(grid_x, grid_y)
    grid = np.column_stack([mesh_x.ravel(), mesh_y.ravel()])
    proba = probability(grid).reshape(mesh_x.shape)
    ax.contourf(mesh_x, mesh_y, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.25)
    if proba.min() < 0.5 < proba.max():
        ax.contour(mesh_x, mesh_y, proba, levels=[0.5], colors="black", linewidths=1.2)

    for label in (0, 1):
        chosen = source[source_labels == label]
        ax.scatter(chosen[:, 0], chosen[:, 1], s=9, color=CLASS_COLORS[label], alpha=0.45)
    if target_labels is None:
        ax.scatter(target[:, 0], target[:, 1], s=14, marker="x", color="0.4", linewidths=0.8)
    else:
        for label in (0, 1):
            chosen = target[target_labels == label]
            ax.scatter(
                chosen[:, 0],
                chosen[:, 1],
                s=14,
                marker="x",
                color=CLASS_COLORS[label],
                linewidths=0.8,
            )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xlim(grid_x[0], grid_x[-1])
    ax.set_ylim(grid_y[0], grid_y[-1])
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(handles=_boundary_legend(target_labels is not None), loc="best", fontsize=7)
    return ax


def _boundary_legend(target_labelled: bool) -> list[Line2D]:
    handles = [
        Line2D([], [], marker="o", ls="", color=CLASS_COLORS[0], label="source, class 0"),
        Line2D([], [], marker="o", ls="", color=CLASS_COLORS[1], label="source, class 1"),
    ]
    if target_labelled:
        handles += [
            Line2D([], [], marker="x", ls="", color=CLASS_COLORS[0], label="target, class 0"),
            Line2D([], [], marker="x", ls="", color=CLASS_COLORS[1], label="target, class 1"),
        ]
    else:
        handles.append(Line2D([], [], marker="x", ls="", color="0.4", label="target (no label)"))
    handles.append(Line2D([], [], color="black", label="boundary $P = 0.5$"))
    return handles


def plot_decision_boundaries(
    models: Mapping[str, Any],
    X_source: Any,  # noqa: N803
    y_source: Any,
    X_target: Any,  # noqa: N803
    y_target: Any = None,
    *,
    ncols: int = 3,
    resolution: int = 120,
    suptitle: str | None = None,
) -> Figure:
    """One :func:`plot_decision_boundary` panel per model, sharing axes; one legend below.

    Parameters
    ----------
    models
        Panel title -> fitted model (see :func:`plot_decision_boundary`).
    X_source, y_source, X_target, y_target
        As in :func:`plot_decision_boundary`.
    ncols
        Panels per row.
    resolution
        Grid points per axis.
    suptitle
        Figure title.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> models = {"left": lambda Z: (Z[:, 0] > 0.3) * 1.0, "right": lambda Z: (Z[:, 0] > 0.7) * 1.0}
    >>> fig = plot_decision_boundaries(models, X, [0, 1], X, resolution=10)
    >>> [ax.get_title() for ax in fig.axes]
    ['left', 'right']
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError(
            f"models has type {type(models).__name__}; allowed: a non-empty dict of "
            "title -> fitted model"
        )
    ncols = min(_check_positive_int(ncols, "ncols"), len(models))
    nrows = math.ceil(len(models) / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.3 * ncols, 3.0 * nrows + 0.6),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    flat = axes.ravel()
    for ax, (name, model) in zip(flat, models.items(), strict=False):
        plot_decision_boundary(
            model,
            X_source,
            y_source,
            X_target,
            y_target,
            ax=ax,
            title=str(name),
            resolution=resolution,
            legend=False,
        )
    for ax in flat[len(models) :]:
        fig.delaxes(ax)
    handles = _boundary_legend(y_target is not None)
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return fig


# --------------------------------------------------------------------------- weights


def plot_importance_weights(
    X_source: Any,  # noqa: N803
    weights: Any,
    X_target: Any,  # noqa: N803
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Source points with area proportional to their importance weight, over the target.

    The title (unless given) states the effective sample size
    :math:`(\\sum w)^2 / \\sum w^2` next to the number of source points.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> ax = plot_importance_weights(X, [1.0, 3.0], X + 1.0)
    >>> ax.get_title()
    'importance weights (effective sample size 1.6 of 2)'
    """
    source = _points(X_source, "X_source")
    target = _points(X_target, "X_target")
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(source),):
        raise ValueError(f"weights has shape {w.shape}; allowed: ({len(source)},), one per point")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
        raise ValueError("weights must be finite and >= 0, not all 0")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.6))
    ess = float(w.sum() ** 2 / np.sum(w**2))
    ax.scatter(
        target[:, 0],
        target[:, 1],
        s=10,
        marker="x",
        color="0.55",
        linewidths=0.7,
        label="target (no label)",
    )
    sizes = 30.0 * w / w.mean()
    ax.scatter(
        source[:, 0],
        source[:, 1],
        s=sizes,
        color=OKABE_ITO["orange"],
        alpha=0.55,
        edgecolors="none",
        label="source, area ∝ weight",
    )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title or f"importance weights (effective sample size {ess:.1f} of {len(source)})")
    return ax


# --------------------------------------------------------------------------- accuracy vs shift


def plot_accuracy_vs_shift(
    results: pd.DataFrame,
    *,
    x: str = "angle",
    y: str = "accuracy",
    by: str = "method",
    order: Sequence[str] | None = None,
    xlabel: str = "rotation of the target (degrees)",
    ylabel: str = "target test accuracy",
    ax: Axes | None = None,
) -> Axes:
    """Score against shift size: one line per method (mean), a +/- std band, seeds as dots.

    Parameters
    ----------
    results
        One row per method, shift size and seed, with columns ``x``, ``y`` and ``by``.
    x, y, by
        Column names of the shift size, the score and the method.
    order
        Methods in legend order (default: order of first appearance).
    xlabel, ylabel
        Axis labels (give units).
    ax
        Axes to draw into (default: a new figure).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"method": ["a"] * 4, "angle": [0, 0, 30, 30],
    ...                    "accuracy": [0.9, 0.92, 0.7, 0.72]})
    >>> ax = plot_accuracy_vs_shift(df)
    >>> [line.get_label() for line in ax.get_lines()]
    ['a']
    """
    if not isinstance(results, pd.DataFrame) or results.empty:
        raise TypeError("results must be a non-empty pandas DataFrame (one row per run)")
    missing = [c for c in (x, y, by) if c not in results.columns]
    if missing:
        raise ValueError(
            f"results lacks column(s) {missing}; allowed: columns of results "
            f"{list(results.columns)}"
        )
    for column in (x, y):
        if not pd.api.types.is_numeric_dtype(results[column]):
            raise TypeError(
                f"column {column!r} has dtype {results[column].dtype}; allowed: numeric"
            )
    present = list(pd.unique(results[by]))
    methods = present if order is None else list(order)
    unknown = [m for m in methods if m not in present]
    if unknown:
        raise ValueError(f"order names {unknown}, which are not in results[{by!r}]: {present}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0))
    for method in methods:
        rows = results[results[by] == method]
        stats = rows.groupby(x)[y].agg(["mean", "std"]).sort_index()
        colour = method_colour(str(method))
        ax.plot(stats.index, stats["mean"], marker="o", color=colour, label=str(method))
        spread = stats["std"].fillna(0.0)
        ax.fill_between(
            stats.index, stats["mean"] - spread, stats["mean"] + spread, color=colour, alpha=0.15
        )
        ax.scatter(rows[x], rows[y], s=8, color=colour, alpha=0.4, linewidths=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best")
    return ax
