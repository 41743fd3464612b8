"""The book's plotting style (:func:`use_house_style`), colours and two recurring figures.

Each transfer strategy keeps one colour throughout the book (:func:`colour_for`, from the
colour-blind-safe Okabe--Ito palette). Submodules: ``curves`` (learning curves), ``features``
(filters, embeddings), ``evaluation`` (confusion matrix, ROC/PR, reliability) and
``adaptation``. No module imports TensorFlow.
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

from tlutils._validation import check_array, check_int, invalid

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
    "lp-ft": OKABE_ITO["vermillion"],
    "l2-sp": OKABE_ITO["yellow"],
    "continued training": OKABE_ITO["reddish purple"],
    "oracle": OKABE_ITO["sky blue"],
}
"""One colour per transfer strategy, for every figure of the book (see :func:`colour_for`)."""

STRATEGY_ALIASES: dict[str, str] = {
    "feature extraction": "frozen base + new head",
    "linear probe": "frozen base + new head",
    "two stages": "lp-ft",
}
"""Other names of a strategy in :data:`STRATEGY_COLORS`; an alias gets the same colour."""

_FALLBACK = tuple(OKABE_ITO[c] for c in ("vermillion", "sky blue", "yellow", "reddish purple"))
_FALLBACK += tuple(OKABE_ITO[c] for c in ("bluish green", "orange", "blue"))


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
    """Apply :func:`house_style` to ``matplotlib.rcParams``; call it once per notebook.

    Examples
    --------
    >>> use_house_style()
    >>> mpl.rcParams["axes.spines.right"], mpl.rcParams["figure.dpi"]
    (False, 110.0)
    """
    mpl.rcParams.update(house_style())


def colour_for(name: str) -> str:
    """The colour (hex string) of a strategy, stable across figures and runs.

    Known names and aliases (any case) get their :data:`STRATEGY_COLORS` entry; other names a
    palette colour chosen by a checksum of the name.

    Examples
    --------
    >>> colour_for("fine-tune all"), colour_for("Target only") == STRATEGY_COLORS["target only"]
    ('#0072B2', True)
    >>> colour_for("feature extraction") == colour_for("frozen base + new head")
    True
    """
    if not isinstance(name, str):
        raise invalid("name", "is not a str", "a strategy name", value=name, error=TypeError)
    key = name.strip().lower()
    key = STRATEGY_ALIASES.get(key, key)
    if key in STRATEGY_COLORS:
        return STRATEGY_COLORS[key]
    return _FALLBACK[zlib.crc32(key.encode("utf-8")) % len(_FALLBACK)]


def _check_frame(frame: Any, name: str, columns: Sequence[str], numeric: Sequence[str] = ()) -> Any:
    """A non-empty DataFrame with ``columns``; the ``numeric`` ones must hold numbers."""
    allowed = f"a non-empty DataFrame with columns {list(columns)}"
    if not isinstance(frame, pd.DataFrame):
        raise invalid(name, f"has type {type(frame).__name__}", allowed, error=TypeError)
    missing = [c for c in columns if c not in frame.columns]
    if missing or frame.empty:
        raise invalid(name, f"lacks columns {missing}" if missing else "is empty", allowed)
    for column in numeric:
        check_array(frame[column], f"{name}[{column!r}]", finite=False)
    return frame


def _check_order(order: Sequence[Any] | None, present: list[Any]) -> list[Any]:
    """``order`` (a non-empty list of values in ``present``), or ``present`` when None."""
    if order is None:
        return present
    unknown = [name for name in order if name not in present]
    if unknown or not list(order):
        problem = f"names {unknown}, not in the results" if unknown else "is empty"
        raise invalid("order", problem, f"values from {present}", value=list(order))
    return list(order)


def _first_per_class(y: np.ndarray, n: int) -> np.ndarray:
    """Indices of ``n`` examples, cycling through the classes so that several appear."""
    rank = pd.Series(y).groupby(y).cumcount().to_numpy()  # k for the k-th example of a class
    return np.lexsort((y, rank))[:n]


def plot_domain_samples(pair: DomainPair, n: int = 8) -> Figure:
    """Show ``n`` source images (top row) and ``n`` target images (bottom row).

    Examples are taken in order, cycling through the classes, titled by class name; each row
    is labelled with its domain's name.

    Examples
    --------
    >>> from tlutils.data import load_binary_domains
    >>> fig = plot_domain_samples(load_binary_domains("rotation", 0.5), n=4)
    >>> len(fig.axes)
    8
    """
    if not (hasattr(pair, "source") and hasattr(pair, "target")):
        kind = f"has type {type(pair).__name__}"
        raise invalid("pair", kind, "a DomainPair (with .source and .target)", error=TypeError)
    n = check_int(n, "n", min_value=1, max_value=min(len(pair.source.y), len(pair.target.y)))
    fig, axes = plt.subplots(
        2, n, figsize=(1.0 * n + 0.8, 2.9), squeeze=False, layout="constrained"
    )
    for row, domain in enumerate((pair.source, pair.target)):
        images = domain.images()
        for ax, idx in zip(axes[row], _first_per_class(domain.y, n), strict=True):
            ax.imshow(images[idx], cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_title(domain.class_names[int(domain.y[idx])], fontsize=9)
            ax.set(xticks=[], yticks=[])
            ax.grid(False)
            ax.spines[:].set_visible(False)
        axes[row, 0].set_ylabel(domain.name.replace(": ", ":\n", 1).replace(", ", "\n"), fontsize=9)
    fig.suptitle("Samples (8x8 pixels, darker = more ink)", fontsize=10)
    return fig


def plot_strategy_scores(
    results: pd.DataFrame,
    metrics: list[str],
    *,
    by: str = "strategy",
    order: Sequence[str] | None = None,
    ncols: int | None = None,
) -> Figure:
    """Compare strategies on several metrics: one panel per metric.

    ``results`` has a row per strategy (column ``by``) and seed and a column per metric. The
    strategies are rows (``order``: top to bottom); a large marker with a bar shows the mean
    +/- standard deviation over seeds, dots the single seeds. Scores in [0, 1] keep the axis
    there. ``ncols``: panels per row (default: one row, at most 3).

    Examples
    --------
    >>> df = pd.DataFrame({"strategy": ["a", "a", "b", "b"], "seed": [0, 1, 0, 1],
    ...                    "accuracy": [0.8, 0.82, 0.9, 0.91], "f1": [0.7, 0.75, 0.88, 0.9]})
    >>> fig = plot_strategy_scores(df, ["accuracy", "f1"])
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['accuracy', 'f1']
    """
    if isinstance(metrics, str) or not isinstance(metrics, Sequence) or not metrics:
        allowed = "a non-empty list of column names, e.g. ['f1']"
        raise invalid("metrics", "is not a list", allowed, value=metrics, error=TypeError)
    _check_frame(results, "results", [by, *metrics], numeric=metrics)
    strategies = _check_order(order, list(pd.unique(results[by])))
    ncols = check_int(ncols, "ncols", min_value=1, allow_none=True) or min(len(metrics), 3)
    nrows = -(-len(metrics) // ncols)
    height = 0.9 + 0.38 * len(strategies)
    size, grid = (3.1 * ncols + 1.4, height * nrows), {"squeeze": False, "layout": "constrained"}
    fig, axes = plt.subplots(nrows, ncols, figsize=size, sharey=True, **grid)
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
            mean = ax.errorbar(
                float(values.mean()), pos, xerr=std, fmt="o", markersize=6, capsize=3, color=colour
            )
            mean.lines[0].set_gid(f"mean:{strategy}")
        ax.set_xlabel(metric)
        ax.grid(axis="y", visible=False)
        every = results[metric].to_numpy(dtype=float)
        every = every[np.isfinite(every)]
        if every.size and every.min() >= 0.0 and every.max() <= 1.0:  # keep scores in [0, 1]
            low, high = ax.get_xlim()
            ax.set_xlim(max(low, -0.02), min(high, 1.02))
    for ax in flat[len(metrics) :]:
        fig.delaxes(ax)
    for row in axes:
        row[0].set_yticks(positions, [str(s) for s in strategies])
        row[0].set_ylabel(by)
    fig.suptitle("Mean \u00b1 standard deviation over seeds (dots: single seeds)", fontsize=10)
    return fig
