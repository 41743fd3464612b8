"""Figures for domain adaptation: decision boundaries, importance weights, accuracy vs shift.

Each adaptation method has one colour (:data:`METHOD_COLORS`, :func:`method_colour`). The
two-dimensional plots take a "model": anything with ``predict_proba``, or a function that
returns the probability of class 1. This module does not import TensorFlow.

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> X, y = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]), np.array([0, 1, 1, 0])
>>> plot_decision_boundary(LogisticRegression().fit(X, y), X, y, X + 0.5).get_xlabel()
'$x_1$'
"""

# ruff: noqa: N803  (X: scikit-learn's name for a feature matrix)
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tlutils._validation import check_array, check_callable, check_int, check_same_length, invalid
from tlutils.adapt.weighting import effective_sample_size
from tlutils.plotting import OKABE_ITO, _check_frame, _check_order, colour_for

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
    >>> method_colour("DANN") == METHOD_COLORS["dann"], method_colour("fine-tune all")
    (True, '#0072B2')
    """
    if not isinstance(name, str):
        raise invalid("name", "is not a str", "a method name", value=name, error=TypeError)
    return METHOD_COLORS.get(name.strip().lower()) or colour_for(name)


def _labels(y: Any, X: np.ndarray, name: str) -> np.ndarray:
    labels = check_array(y, name, ndim=1, dtype=None)
    check_same_length(X, labels, (name.replace("y_", "X_"), name))
    if extra := sorted(set(labels.tolist()) - {0, 1}):
        raise invalid(name, f"contains {extra}", "binary labels 0 and 1")
    return labels.astype(np.int64)


def _probability(model: Any, Z: np.ndarray) -> np.ndarray:
    """P(y = 1) at the points ``Z``: column 1 of ``predict_proba``, or ``model(Z)``."""
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(Z))
        return proba[:, 1] if proba.ndim == 2 else proba
    return np.asarray(model(Z)).reshape(len(Z))


def plot_decision_boundary(
    model: Any,
    X_source: Any,
    y_source: Any,
    X_target: Any,
    y_target: Any = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    resolution: int = 150,
    legend: bool = True,
) -> Axes:
    """Draw a binary classifier's probability map and 0.5 boundary over both domains.

    The background shows :math:`P(y = 1 \\mid x)` (light shading, ``resolution`` points per
    axis), the black line its 0.5 level, the decision boundary. Source points (n, 2) are small
    circles, target points crosses, coloured by their 0/1 labels (target points are grey when
    ``y_target`` is None, as they would be in practice).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> ax = plot_decision_boundary(lambda Z: (Z[:, 0] > 0.5).astype(float), X, [0, 1], X,
    ...                             resolution=20, title="a step")
    >>> ax.get_title(), ax.get_ylabel()
    ('a step', '$x_2$')
    """
    source = check_array(X_source, "X_source", ndim=2, min_rows=1, n_columns=2)
    source_labels = _labels(y_source, source, "y_source")
    target = check_array(X_target, "X_target", ndim=2, min_rows=1, n_columns=2)
    target_labels = None if y_target is None else _labels(y_target, target, "y_target")
    if not hasattr(model, "predict_proba"):
        check_callable(model, "model", "an object with predict_proba, or a function giving P(y=1)")
    resolution = check_int(resolution, "resolution", min_value=2)

    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6))
    both = np.vstack([source, target])
    low, high = both.min(axis=0), both.max(axis=0)
    margin = 0.1 * (high - low) + 1e-9
    grid_x, grid_y = np.linspace(low - margin, high + margin, resolution).T
    mesh_x, mesh_y = np.meshgrid(grid_x, grid_y)
    proba = _probability(model, np.column_stack([mesh_x.ravel(), mesh_y.ravel()]))
    proba = proba.reshape(mesh_x.shape)
    ax.contourf(mesh_x, mesh_y, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.25)
    if proba.min() < 0.5 < proba.max():
        ax.contour(mesh_x, mesh_y, proba, levels=[0.5], colors="black", linewidths=1.2)

    for k in (0, 1):
        ax.scatter(*source[source_labels == k].T, s=9, color=CLASS_COLORS[k], alpha=0.45)
    groups = [(target[target_labels == k], CLASS_COLORS[k]) for k in (0, 1)]
    for points, colour in [(target, "0.4")] if target_labels is None else groups:
        ax.scatter(*points.T, s=14, marker="x", color=colour, linewidths=0.8)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", xlim=grid_x[[0, -1]], ylim=grid_y[[0, -1]])
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(handles=_boundary_legend(target_labels is not None), loc="best", fontsize=7)
    return ax


def _boundary_legend(target_labelled: bool) -> list[Line2D]:
    marks = [("o", CLASS_COLORS[k], f"source, class {k}") for k in (0, 1)]
    if target_labelled:
        marks += [("x", CLASS_COLORS[k], f"target, class {k}") for k in (0, 1)]
    else:
        marks.append(("x", "0.4", "target (no label)"))
    handles = [Line2D([], [], marker=m, ls="", color=c, label=text) for m, c, text in marks]
    return [*handles, Line2D([], [], color="black", label="boundary $P = 0.5$")]


def plot_decision_boundaries(
    models: Mapping[str, Any],
    X_source: Any,
    y_source: Any,
    X_target: Any,
    y_target: Any = None,
    *,
    ncols: int = 3,
    resolution: int = 120,
    suptitle: str | None = None,
) -> Figure:
    """One :func:`plot_decision_boundary` panel per model, sharing axes; one legend below.

    ``models`` maps a panel title to a fitted model; ``ncols`` panels per row.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> models = {"left": lambda Z: (Z[:, 0] > 0.3) * 1.0, "right": lambda Z: (Z[:, 0] > 0.7) * 1.0}
    >>> fig = plot_decision_boundaries(models, X, [0, 1], X, resolution=10)
    >>> [ax.get_title() for ax in fig.axes]
    ['left', 'right']
    """
    if not isinstance(models, Mapping) or not models:
        kind = f"has type {type(models).__name__}" if models else "is empty"
        raise invalid("models", kind, "a non-empty dict of title -> fitted model", error=TypeError)
    ncols = min(check_int(ncols, "ncols", min_value=1), len(models))
    nrows = -(-len(models) // ncols)
    shared = {"sharex": True, "sharey": True, "squeeze": False, "layout": "constrained"}
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 3.0 * nrows + 0.6), **shared)
    flat = axes.ravel()
    data = (X_source, y_source, X_target, y_target)
    for ax, (name, model) in zip(flat, models.items(), strict=False):
        plot_decision_boundary(
            model, *data, ax=ax, title=str(name), resolution=resolution, legend=False
        )
    for ax in flat[len(models) :]:
        fig.delaxes(ax)
    handles = _boundary_legend(y_target is not None)
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return fig


def plot_importance_weights(
    X_source: Any, weights: Any, X_target: Any, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Source points with area proportional to their importance weight, over the target.

    The title (unless given) states the :func:`~tlutils.adapt.effective_sample_size` next to
    the number of source points.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> plot_importance_weights(X, [1.0, 3.0], X + 1.0).get_title()
    'importance weights (effective sample size 1.6 of 2)'
    """
    source = check_array(X_source, "X_source", ndim=2, min_rows=1, n_columns=2)
    target = check_array(X_target, "X_target", ndim=2, min_rows=1, n_columns=2)
    w = check_array(weights, "weights", ndim=1, low=0)
    check_same_length(source, w, ("X_source", "weights"))
    ess = effective_sample_size(w)  # raises if every weight is 0
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.6))
    ax.scatter(*target.T, s=10, marker="x", color="0.55", linewidths=0.7, label="target (no label)")
    style = {"color": OKABE_ITO["orange"], "alpha": 0.55, "edgecolors": "none"}
    ax.scatter(*source.T, s=30.0 * w / w.mean(), label="source, area ∝ weight", **style)
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title or f"importance weights (effective sample size {ess:.1f} of {len(source)})")
    return ax


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

    ``results`` has one row per method (column ``by``), shift size (``x``) and seed, with the
    score in column ``y``; ``order`` lists the methods in legend order.

    Examples
    --------
    >>> df = pd.DataFrame({"method": ["a"] * 4, "angle": [0, 0, 30, 30],
    ...                    "accuracy": [0.9, 0.92, 0.7, 0.72]})
    >>> [line.get_label() for line in plot_accuracy_vs_shift(df).get_lines()]
    ['a']
    """
    _check_frame(results, "results", [x, y, by], numeric=[x, y])
    methods = _check_order(order, list(pd.unique(results[by])))
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
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend(loc="best")
    return ax
