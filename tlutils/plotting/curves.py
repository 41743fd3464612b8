"""Learning curves: a score against the number of labels per class, one line per strategy.

:func:`plot_learning_curves` draws the output of :func:`tlutils.experiments.summarize_grid`:
the mean over seeds as a line with markers and the confidence interval as a shaded band,
on a logarithmic x axis. Colours come from :func:`tlutils.plotting.colour_for`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tlutils.plotting import OKABE_ITO, colour_for

__all__ = ["plot_learning_curves"]

_NEEDED = ("strategy", "labels_per_class", "mean", "low", "high")


def plot_learning_curves(
    summary: pd.DataFrame,
    *,
    metric: str = "accuracy",
    order: Sequence[str] | None = None,
    interval: str = "95% t-interval",
    ax: Axes | None = None,
) -> Figure:
    """Mean score (line) and confidence interval (band) against labels per class (log scale).

    Parameters
    ----------
    summary
        One row per strategy and budget with columns ``strategy``, ``labels_per_class``,
        ``mean``, ``low`` and ``high`` (as returned by ``summarize_grid``).
    metric
        Name of the score, used in the y-axis label.
    order
        Strategies to draw, in legend order (default: order of first appearance).
    interval
        How the band was computed, for the legend title.
    ax
        Axes to draw on (default: a new figure).

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"strategy": ["a", "a", "b", "b"],
    ...                         "labels_per_class": [1.0, 10.0, 1.0, 10.0],
    ...                         "mean": [0.5, 0.9, 0.7, 0.9], "low": [0.4, 0.85, 0.6, 0.88],
    ...                         "high": [0.6, 0.95, 0.8, 0.92]})
    >>> fig = plot_learning_curves(summary)
    >>> ax = fig.axes[0]
    >>> ax.get_xscale(), ax.get_xlabel(), len(ax.get_lines())
    ('log', 'labelled target examples per class (log scale)', 2)
    """
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"summary has type {type(summary).__name__}; allowed: a DataFrame")
    missing = [c for c in _NEEDED if c not in summary.columns]
    if missing:
        raise ValueError(
            f"summary lacks columns {missing}; allowed: a table with columns {list(_NEEDED)}"
        )
    if summary.empty:
        raise ValueError("summary is empty; allowed: at least one row")
    present = list(pd.unique(summary["strategy"]))
    strategies = present if order is None else list(order)
    unknown = [s for s in strategies if s not in present]
    if unknown or not strategies:
        raise ValueError(
            f"order={strategies!r} has unknown strategies {unknown}; allowed: {present}"
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
    else:
        fig = ax.figure
    used: set[str] = set()
    for name in strategies:
        rows = summary[summary["strategy"] == name].sort_values("labels_per_class")
        colour = colour_for(str(name))
        if colour in used:  # two strategies must never share a colour in one figure
            colour = next(c for c in OKABE_ITO.values() if c not in used)
        used.add(colour)
        ax.fill_between(
            rows["labels_per_class"],
            rows["low"],
            rows["high"],
            color=colour,
            alpha=0.2,
            linewidth=0,
        )
        ax.plot(rows["labels_per_class"], rows["mean"], marker="o", color=colour, label=str(name))
    ax.set_xscale("log")
    ticks = sorted(summary["labels_per_class"].unique())
    ax.set_xticks(ticks, [f"{t:g}" if float(t).is_integer() else f"{t:.1f}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("labelled target examples per class (log scale)")
    ax.set_ylabel(f"test {metric} (mean over seeds)")
    ax.legend(title=f"line: mean, band: {interval}")
    return fig
