"""Learning curves: a score against the number of labels per class, one line per strategy.

The mean over seeds is a line with markers, the confidence interval a shaded band, the x axis
logarithmic; colours come from :func:`tlutils.plotting.colour_for`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tlutils.plotting import OKABE_ITO, _check_frame, _check_order, colour_for

__all__ = ["plot_learning_curves"]


def plot_learning_curves(
    summary: pd.DataFrame,
    *,
    metric: str = "accuracy",
    order: Sequence[str] | None = None,
    interval: str = "95% t-interval",
    ax: Axes | None = None,
) -> Figure:
    """Mean score (line) and confidence interval (band) against labels per class (log scale).

    ``summary`` is a table of :func:`tlutils.experiments.summarize_grid`; ``metric`` names the
    score, ``order`` the strategies to draw in legend order, ``interval`` the band (legend
    title) and ``ax`` the axes to draw on (default: a new figure).

    Examples
    --------
    >>> summary = pd.DataFrame({"strategy": ["a", "a", "b", "b"],
    ...                         "labels_per_class": [1.0, 10.0, 1.0, 10.0],
    ...                         "mean": [0.5, 0.9, 0.7, 0.9], "low": [0.4, 0.85, 0.6, 0.88],
    ...                         "high": [0.6, 0.95, 0.8, 0.92]})
    >>> ax = plot_learning_curves(summary).axes[0]
    >>> ax.get_xscale(), ax.get_xlabel(), len(ax.get_lines())
    ('log', 'labelled target examples per class (log scale)', 2)
    """
    columns = ["strategy", "labels_per_class", "mean", "low", "high"]
    _check_frame(summary, "summary", columns, numeric=columns[1:])
    strategies = _check_order(order, list(pd.unique(summary["strategy"])))
    fig, ax = plt.subplots(figsize=(6.4, 4.0)) if ax is None else (ax.figure, ax)
    used: set[str] = set()
    for name in strategies:
        rows = summary[summary["strategy"] == name].sort_values("labels_per_class")
        colour = colour_for(str(name))
        if colour in used:  # two strategies must never share a colour in one figure
            colour = next(c for c in OKABE_ITO.values() if c not in used)
        used.add(colour)
        x = rows["labels_per_class"]
        ax.fill_between(x, rows["low"], rows["high"], color=colour, alpha=0.2, linewidth=0)
        ax.plot(x, rows["mean"], marker="o", color=colour, label=str(name))
    ax.set_xscale("log")
    ticks = sorted(summary["labels_per_class"].unique())
    ax.set_xticks(ticks, [f"{t:g}" if float(t).is_integer() else f"{t:.1f}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("labelled target examples per class (log scale)")
    ax.set_ylabel(f"test {metric} (mean over seeds)")
    ax.legend(title=f"line: mean, band: {interval}")
    return fig
