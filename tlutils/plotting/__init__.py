"""The book's plotting style and its two recurring figures.

- :func:`use_house_style` sets one small, consistent matplotlib style for every notebook.
- :data:`STRATEGY_COLORS` and :func:`colour_for` give each transfer strategy one colour
  throughout the book (colour-blind-safe Okabe--Ito palette).
- :func:`plot_domain_samples` shows a few source images above a few target images.
- :func:`plot_strategy_scores` compares strategies over seeds: one panel per metric, the mean
  with a standard-deviation bar, and each seed as a dot.

This module does not import TensorFlow.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure

if TYPE_CHECKING:  # only for type hints; plotting works with anything shaped like these
    from tlutils.data import DomainPair

__all__ = [
    "OKABE_ITO",
    "STRATEGY_ALIASES",
    "STRATEGY_COLORS",
    "colour_for",
    "house_style",
    "plot_domain_samples",
    "plot_strategy_scores",
    "use_house_style",
]

OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
"""The Okabe--Ito colour-blind-safe palette, in the order the house style cycles through it."""

STRATEGY_COLORS: dict[str, str] = {
    "source as is": OKABE_ITO["black"],
    "target only": OKABE_ITO["orange"],
    "fine-tune all": OKABE_ITO["blue"],
    "frozen base + new head": OKABE_ITO["bluish green"],
    "two stages": OKABE_ITO["vermillion"],
    "l2-sp": OKABE_ITO["yellow"],
    "continued training": OKABE_ITO["reddish purple"],
    "oracle": OKABE_ITO["sky blue"],
}
"""One colour per transfer strategy, used by every figure of the book.

Names are matched case-insensitively; unknown names get a stable colour from
:func:`colour_for`.
"""

STRATEGY_ALIASES: dict[str, str] = {"feature extraction": "frozen base + new head"}
"""Other names of a strategy in :data:`STRATEGY_COLORS`; an alias gets the same colour."""

_FALLBACK = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["orange"],
    OKABE_ITO["blue"],
)


def house_style() -> dict[str, Any]:
    """The matplotlib ``rcParams`` of the book's house style, as a dict.

    Examples
    --------
    >>> style = house_style()
    >>> style["axes.spines.top"], style["savefig.format"]
    (False, 'png')
    """
    return {
        "figure.dpi": 110,
        "figure.figsize": (6.4, 4.0),
        "figure.constrained_layout.use": True,
        "savefig.dpi": 150,
        "savefig.format": "png",
        "savefig.bbox": "tight",
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.6,
        "grid.linestyle": "-",
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=list(OKABE_ITO.values())),
        "image.cmap": "gray_r",
        "lines.linewidth": 1.8,
        "lines.markersize": 5,
    }


def use_house_style() -> None:
    """Apply the book's matplotlib style (fonts, light grid, no top/right spines, colours).

    Call it once at the top of a notebook. It only changes ``matplotlib.rcParams``.

    Examples
    --------
    >>> use_house_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["axes.spines.right"], mpl.rcParams["figure.dpi"]
    (False, 110.0)
    """
    mpl.rcParams.update(house_style())


def colour_for(name: str) -> str:
    """The colour (hex string) of a strategy, stable across figures and runs.

    Known names come from :data:`STRATEGY_COLORS` (case-insensitive); any other name gets a
    palette colour chosen by a checksum of the name, so it never changes between runs.

    Examples
    --------
    >>> colour_for("fine-tune all")
    '#0072B2'
    >>> colour_for("Target only") == STRATEGY_COLORS["target only"]
    True
    >>> colour_for("my idea") == colour_for("my idea")
    True
    >>> colour_for("feature extraction") == colour_for("frozen base + new head")
    True
    """
    if not isinstance(name, str):
        raise TypeError(f"name={name!r} has type {type(name).__name__}; allowed: a str")
    key = name.strip().lower()
    key = STRATEGY_ALIASES.get(key, key)
    if key in STRATEGY_COLORS:
        return STRATEGY_COLORS[key]
    return _FALLBACK[zlib.crc32(key.encode("utf-8")) % len(_FALLBACK)]


# --------------------------------------------------------------------------- domain samples


def _first_per_class(y: np.ndarray, n: int) -> np.ndarray:
    """Indices of ``n`` examples, cycling through the classes so that several appear."""
    classes = np.unique(y)
    queues = [list(np.flatnonzero(y == c)) for c in classes]
    chosen: list[int] = []
    while len(chosen) < n:
        for queue in queues:
            if queue and len(chosen) < n:
                chosen.append(int(queue.pop(0)))
    return np.asarray(chosen)


def plot_domain_samples(pair: DomainPair, n: int = 8) -> Figure:
    """Show ``n`` source images (top row) and ``n`` target images (bottom row).

    Examples are taken in order, cycling through the classes; each image is titled with its
    class name and each row is labelled with its domain's name.

    Parameters
    ----------
    pair
        A :class:`tlutils.data.DomainPair` (anything with ``source`` and ``target`` that have
        ``images()``, ``y``, ``class_names`` and ``name``).
    n
        Images per row, between 1 and the size of the smaller domain.

    Examples
    --------
    >>> from tlutils.data import load_binary_domains
    >>> fig = plot_domain_samples(load_binary_domains("rotation", 0.5), n=4)
    >>> len(fig.axes)
    8
    """
    for role in ("source", "target"):
        if not hasattr(pair, role):
            raise TypeError(
                f"pair has type {type(pair).__name__} without .{role}; allowed: a DomainPair"
            )
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"n={n!r} has type {type(n).__name__}; allowed: a positive int")
    smallest = min(len(pair.source.y), len(pair.target.y))
    if not 1 <= n <= smallest:
        raise ValueError(f"n={n} is out of range; allowed: 1 <= n <= {smallest}")
    fig, axes = plt.subplots(
        2, int(n), figsize=(1.0 * n + 0.8, 2.9), squeeze=False, layout="constrained"
    )
    for row, domain in enumerate((pair.source, pair.target)):
        images = domain.images()
        for col, idx in enumerate(_first_per_class(domain.y, int(n))):
            ax = axes[row, col]
            ax.imshow(images[idx], cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_title(domain.class_names[int(domain.y[idx])], fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[row, 0].set_ylabel(domain.name.replace(": ", ":\n", 1).replace(", ", "\n"), fontsize=9)
    fig.suptitle("Samples (8x8 pixels, darker = more ink)", fontsize=10)
    return fig


# --------------------------------------------------------------------------- strategy scores


def _check_results(results: Any, metrics: Any, by: Any) -> list[str]:
    if not isinstance(results, pd.DataFrame):
        raise TypeError(
            f"results has type {type(results).__name__}; allowed: a pandas DataFrame with one "
            "row per strategy and seed"
        )
    if results.empty:
        raise ValueError("results is empty; allowed: a DataFrame with at least one row")
    if not isinstance(by, str):
        raise TypeError(f"by={by!r} has type {type(by).__name__}; allowed: a column name (str)")
    if by not in results.columns:
        raise ValueError(
            f"by={by!r} is not a column of results; allowed: one of {list(results.columns)}"
        )
    if isinstance(metrics, str) or not isinstance(metrics, Sequence):
        raise TypeError(
            f"metrics={metrics!r} is not a list; allowed: a list of column names, e.g. ['f1']"
        )
    if not metrics:
        raise ValueError("metrics=[] is empty; allowed: a non-empty list of column names")
    missing = [m for m in metrics if m not in results.columns]
    if missing:
        raise ValueError(
            f"metrics={list(metrics)!r} names columns that results lacks: {missing}; "
            f"allowed: columns of results {list(results.columns)}"
        )
    for m in metrics:
        if not pd.api.types.is_numeric_dtype(results[m]):
            raise TypeError(f"metrics column {m!r} has dtype {results[m].dtype}; allowed: numeric")
    return list(metrics)


def _clip_to_unit_range(ax: Any, values: np.ndarray) -> None:
    """For scores that live in [0, 1], keep the axis there (std bars may overshoot it)."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0.0 and finite.max() <= 1.0:
        low, high = ax.get_xlim()
        ax.set_xlim(max(low, -0.02), min(high, 1.02))


def plot_strategy_scores(
    results: pd.DataFrame,
    metrics: list[str],
    *,
    by: str = "strategy",
    order: Sequence[str] | None = None,
    ncols: int | None = None,
) -> Figure:
    """Compare strategies on several metrics: one panel per metric.

    In each panel the strategies are rows (named on the y axis); a large marker with a
    horizontal bar shows the mean +/- standard deviation over the rows of that strategy
    (usually one per seed) and small dots show the individual rows. For a metric whose values
    all lie in [0, 1] the axis stays within that range, cutting off bars that overshoot it.

    Parameters
    ----------
    results
        A tidy DataFrame, one row per strategy and seed, with a column ``by`` and one numeric
        column per metric.
    metrics
        Metric columns to plot, one panel each (named by its x-axis label).
    by
        The column that names the strategy.
    order
        Strategies top to bottom (default: order of first appearance in ``results``).
    ncols
        Panels per row (default: all in one row, at most 3).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"strategy": ["a", "a", "b", "b"], "seed": [0, 1, 0, 1],
    ...                    "accuracy": [0.8, 0.82, 0.9, 0.91], "f1": [0.7, 0.75, 0.88, 0.9]})
    >>> fig = plot_strategy_scores(df, ["accuracy", "f1"])
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['accuracy', 'f1']
    """
    metrics = _check_results(results, metrics, by)
    present = list(pd.unique(results[by]))
    if order is None:
        strategies = present
    else:
        strategies = list(order)
        unknown = [s for s in strategies if s not in present]
        if unknown or not strategies:
            raise ValueError(
                f"order={strategies!r} names strategies not in results[{by!r}]: {unknown}; "
                f"allowed: values from {present}"
            )
    if ncols is None:
        ncols = min(len(metrics), 3)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols={ncols!r} is not allowed; allowed: a positive int")
    nrows = int(np.ceil(len(metrics) / ncols))
    height = 0.9 + 0.38 * len(strategies)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.1 * ncols + 1.4, height * nrows),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    positions = np.arange(len(strategies))[::-1]  # first strategy on top
    jitter = np.random.default_rng(0)
    flat = axes.ravel()
    for ax, metric in zip(flat, metrics, strict=False):
        for pos, strategy in zip(positions, strategies, strict=True):
            values = results.loc[results[by] == strategy, metric].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            if values.size == 0:
                continue
            colour = colour_for(str(strategy))
            offsets = jitter.uniform(-0.15, 0.15, size=values.size)
            ax.scatter(values, pos + offsets, s=12, color=colour, alpha=0.55, linewidths=0)
            std = float(values.std(ddof=1)) if values.size > 1 else 0.0
            mean_marker = ax.errorbar(
                float(values.mean()),
                pos,
                xerr=std,
                fmt="o",
                markersize=6,
                capsize=3,
                color=colour,
            )
            mean_marker.lines[0].set_gid(f"mean:{strategy}")
        ax.set_xlabel(metric)
        ax.grid(axis="y", visible=False)
        _clip_to_unit_range(ax, results[metric].to_numpy(dtype=float))
    for ax in flat[len(metrics) :]:
        fig.delaxes(ax)
    for row in axes:
        row[0].set_yticks(positions, [str(s) for s in strategies])
        row[0].set_ylabel(by)
    fig.suptitle("Mean \u00b1 standard deviation over seeds (dots: single seeds)", fontsize=10)
    return fig
