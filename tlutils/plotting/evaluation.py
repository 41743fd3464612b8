"""Figures for evaluating a classifier: confusion matrix, ROC and PR curves, reliability.

- :func:`plot_confusion_matrix` draws counts (or row/column/overall fractions) with numbers
  in the cells.
- :func:`plot_roc_pr_curves` draws the ROC curve and the precision-recall curve of one or
  several binary scorers side by side, with their areas in the legend and optional marks at
  chosen decision thresholds.
- :func:`plot_reliability_diagram` draws predicted probability against observed frequency
  (one curve per model, ECE in the legend) above a histogram of how many predictions fall
  in each bin.

Every figure is drawn in the book's house style (:func:`tlutils.plotting.house_style`)
without changing the global matplotlib settings. This module does not import TensorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tlutils.metrics import expected_calibration_error, reliability_curve
from tlutils.plotting import OKABE_ITO, STRATEGY_COLORS, colour_for, house_style

__all__ = ["plot_confusion_matrix", "plot_reliability_diagram", "plot_roc_pr_curves"]

_NORMALIZE = (None, "true", "pred", "all")


# --------------------------------------------------------------------------- helpers


def _as_named_scores(scores: Any, argument: str) -> dict[str, np.ndarray]:
    """One array -> {"model": array}; a mapping -> {name: array}, names as str."""
    if isinstance(scores, Mapping):
        if not scores:
            raise ValueError(f"{argument} is an empty mapping; allowed: at least one entry")
        return {str(name): np.asarray(value) for name, value in scores.items()}
    return {"model": np.asarray(scores)}


def _colours(names: Sequence[str]) -> dict[str, str]:
    """The book's strategy colour for known names; distinct palette colours for the others."""
    known = {name: colour_for(name) for name in names if name.strip().lower() in STRATEGY_COLORS}
    free = [c for c in OKABE_ITO.values() if c not in known.values()]
    others = [name for name in names if name not in known]
    return known | {name: free[i % len(free)] for i, name in enumerate(others)}


def _check_binary_scores(y_true: Any, y_score: np.ndarray, name: str) -> np.ndarray:
    true = np.asarray(y_true)
    if true.ndim != 1 or true.shape[0] == 0:
        raise ValueError(f"y_true has shape {true.shape}; allowed: a non-empty 1-D array of 0/1")
    if not np.isin(true, (0, 1)).all():
        raise ValueError(
            f"y_true contains {np.setdiff1d(true, (0, 1))[:3].tolist()}; allowed: labels 0 and 1"
        )
    if np.unique(true).shape[0] < 2:
        raise ValueError("y_true holds a single class; ROC and PR curves need both 0 and 1")
    score = y_score[:, 0] if y_score.ndim == 2 and y_score.shape[1] == 1 else y_score
    if score.ndim != 1 or score.shape[0] != true.shape[0]:
        raise ValueError(
            f"scores of {name!r} have shape {y_score.shape}; allowed: shape ({true.shape[0]},), "
            "one score of class 1 per example"
        )
    if score.dtype.kind not in "biuf" or not np.all(np.isfinite(score)):
        raise ValueError(f"scores of {name!r} must be finite numbers; got dtype {score.dtype}")
    return true.astype(int)


# --------------------------------------------------------------------------- confusion matrix


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Sequence[Any] | None = None,
    class_names: Sequence[str] | None = None,
    normalize: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Draw the confusion matrix: true class on the rows, predicted class on the columns.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        True and predicted class labels.
    labels : sequence, optional
        The classes, in display order (default: sorted union of both arrays).
    class_names : sequence of str, optional
        Tick labels, one per entry of ``labels`` (default: the labels themselves).
    normalize : {None, "true", "pred", "all"}, keyword-only
        ``None``: counts; ``"true"``: each row divided by its total (the diagonal is the
        per-class recall); ``"pred"``: each column divided by its total (the diagonal is the
        per-class precision); ``"all"``: divided by the number of examples.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_confusion_matrix([0, 1, 1, 0], [0, 1, 0, 0], class_names=["even", "odd"])
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel(), ax.get_ylabel(), [t.get_text() for t in ax.texts]
    ('predicted class', 'true class', ['2', '0', '1', '1'])
    """
    from sklearn.metrics import confusion_matrix

    if normalize not in _NORMALIZE:
        raise ValueError(
            f"normalize={normalize!r} is not supported; allowed: None, 'true', 'pred', 'all'"
        )
    true, pred = np.asarray(y_true), np.asarray(y_pred)
    if true.ndim != 1 or pred.ndim != 1 or true.shape != pred.shape or true.size == 0:
        raise ValueError(
            f"y_true has shape {true.shape} and y_pred has shape {pred.shape}; allowed: "
            "non-empty 1-D arrays of the same length"
        )
    order = np.union1d(true, pred) if labels is None else np.asarray(labels)
    names = [str(label) for label in order] if class_names is None else list(class_names)
    if len(names) != len(order):
        raise ValueError(
            f"class_names has {len(names)} entries but there are {len(order)} classes; "
            "allowed: one name per class"
        )
    counts = confusion_matrix(true, pred, labels=order)
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalize == "true":
            shown = counts / counts.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            shown = counts / counts.sum(axis=0, keepdims=True)
        elif normalize == "all":
            shown = counts / counts.sum()
        else:
            shown = counts.astype(float)
    shown = np.nan_to_num(shown)

    with mpl.rc_context(house_style()):
        if ax is None:
            size = 1.9 + 0.34 * len(order)  # inches; about 5 for ten classes
            fig, ax = plt.subplots(figsize=(size + 0.9, size))
        else:
            fig = ax.figure
        vmax = 1.0 if normalize else max(float(shown.max()), 1.0)
        image = ax.imshow(shown, cmap="Blues", vmin=0.0, vmax=vmax)
        for (row, col), value in np.ndenumerate(shown):
            text = f"{value:.2f}" if normalize else f"{int(value)}"
            dark = value > 0.6 * vmax
            ax.text(
                col,
                row,
                text,
                ha="center",
                va="center",
                fontsize=8 if len(order) <= 6 else 7,
                color="white" if dark else "black",
            )
        ax.set_xticks(range(len(order)), names)
        ax.set_yticks(range(len(order)), names)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        ax.grid(False)
        colour_label = {
            None: "number of examples",
            "true": "fraction of the true class (row)",
            "pred": "fraction of the predicted class (column)",
            "all": "fraction of all examples",
        }[normalize]
        fig.colorbar(image, ax=ax, shrink=0.8, label=colour_label)
        if title:
            ax.set_title(title)
    return fig


# --------------------------------------------------------------------------- ROC and PR


def _rates_at(true: np.ndarray, score: np.ndarray, threshold: float) -> tuple[float, ...]:
    """(FPR, TPR = recall, precision) when predicting class 1 for ``score >= threshold``."""
    predicted = score >= threshold
    tp = float(np.sum(predicted & (true == 1)))
    fp = float(np.sum(predicted & (true == 0)))
    positives, negatives = float(np.sum(true == 1)), float(np.sum(true == 0))
    precision = tp / (tp + fp) if tp + fp > 0 else 1.0
    return fp / negatives, tp / positives, precision


def plot_roc_pr_curves(
    y_true: Any,
    y_score: Any,
    *,
    thresholds: Sequence[float] = (),
    title: str | None = None,
) -> Figure:
    """ROC curve (left) and precision-recall curve (right) of one or several binary scorers.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, 0 or 1 (both must occur).
    y_score : array-like of shape (n,) or mapping of name -> array
        Scores of class 1 (e.g. predicted probabilities); a mapping draws one curve per model,
        with the book's strategy colours for known strategy names.
    thresholds : sequence of float, keyword-only
        Decision thresholds to mark on every curve (predict 1 when ``score >= threshold``).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; the legends give ROC AUC and average precision (AP). The dashed lines are
        chance: the diagonal (AUC 0.5) and the share of class 1 (AP of a random scorer).

    Examples
    --------
    >>> fig = plot_roc_pr_curves([0, 0, 1, 1], {"a": [0.1, 0.4, 0.35, 0.8]}, thresholds=[0.5])
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['false positive rate', 'recall']
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'a (AUC 0.750)'
    """
    from sklearn.metrics import (
        average_precision_score,
        precision_recall_curve,
        roc_auc_score,
        roc_curve,
    )

    named = _as_named_scores(y_score, "y_score")
    marks = [float(t) for t in thresholds]
    colours = _colours(list(named))
    with mpl.rc_context(house_style()):
        fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(9.0, 3.9))
        true = None
        for name, score in named.items():
            true = _check_binary_scores(y_true, score, name)
            score = score.reshape(-1).astype(float)
            fpr, tpr, _ = roc_curve(true, score)
            precision, recall, _ = precision_recall_curve(true, score)
            colour = colours[name]
            roc_ax.plot(
                fpr, tpr, color=colour, label=f"{name} (AUC {roc_auc_score(true, score):.3f})"
            )
            ap = average_precision_score(true, score)
            pr_ax.step(recall, precision, where="post", color=colour, label=f"{name} (AP {ap:.3f})")
            for k, threshold in enumerate(marks):
                x_fpr, y_tpr, y_precision = _rates_at(true, score, threshold)
                marker = "os^Dv"[k % 5]
                label = f"threshold {threshold:g}" if name == next(iter(named)) else None
                for ax, x, y in ((roc_ax, x_fpr, y_tpr), (pr_ax, y_tpr, y_precision)):
                    ax.plot(
                        x,
                        y,
                        marker,
                        color=colour,
                        markeredgecolor="black",
                        markersize=7,
                        label=label,
                        zorder=3,
                    )
        assert true is not None
        roc_ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="chance (AUC 0.5)")
        prevalence = float(np.mean(true))
        pr_ax.axhline(
            prevalence,
            linestyle="--",
            color="grey",
            linewidth=1,
            label=f"chance (AP {prevalence:.2f})",
        )
        roc_ax.set(
            xlabel="false positive rate",
            ylabel="true positive rate (recall)",
            xlim=(-0.02, 1.02),
            ylim=(-0.02, 1.02),
            title="ROC curve",
        )
        pr_ax.set(
            xlabel="recall",
            ylabel="precision",
            xlim=(-0.02, 1.02),
            ylim=(0.0, 1.02),
            title="Precision-recall curve",
        )
        roc_ax.legend(loc="lower right")
        pr_ax.legend(loc="lower left")
        if title:
            fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------- reliability


def plot_reliability_diagram(
    y_true: Any,
    y_prob: Any,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    title: str | None = None,
) -> Figure:
    """Reliability diagram (top) and histogram of predictions per bin (bottom).

    Each model's curve joins the bins of :func:`tlutils.metrics.reliability_curve`: mean
    predicted probability on the x axis, observed frequency on the y axis. Points below the
    diagonal are over-confident, points above it under-confident. The legend gives each
    model's expected calibration error (:func:`tlutils.metrics.expected_calibration_error`).

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True class indices.
    y_prob : array-like or mapping of name -> array-like
        Probabilities of class 1 (shape (n,)) or class probabilities (shape (n, k)); a mapping
        draws one curve per model.
    n_bins, strategy
        Binning, as in :func:`tlutils.metrics.reliability_curve`.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_reliability_diagram([0, 1, 1, 0], {"m": [0.2, 0.7, 0.9, 0.6]}, n_bins=5)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['perfectly calibrated', 'm (ECE 0.300)']
    >>> fig.axes[1].get_ylabel()
    'predictions per bin'
    """
    named = _as_named_scores(y_prob, "y_prob")
    curves = {
        name: reliability_curve(y_true, prob, n_bins=n_bins, strategy=strategy)
        for name, prob in named.items()
    }
    errors = {
        name: expected_calibration_error(y_true, prob, n_bins=n_bins, strategy=strategy)
        for name, prob in named.items()
    }
    binary = all(prob.ndim == 1 or prob.shape[1] == 1 for prob in named.values())
    colours = _colours(list(named))
    with mpl.rc_context(house_style()):
        fig, (top, bottom) = plt.subplots(
            2, 1, figsize=(5.2, 5.4), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
        )
        top.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="perfectly calibrated")
        width = 0.8 / len(named)
        for k, (name, curve) in enumerate(curves.items()):
            colour = colours[name]
            top.plot(
                curve["confidence"],
                curve["accuracy"],
                "o-",
                color=colour,
                label=f"{name} (ECE {errors[name]:.3f})",
            )
            centres = (curve["bin_lower"] + curve["bin_upper"]) / 2
            bin_width = (curve["bin_upper"] - curve["bin_lower"]).to_numpy()
            offset = (k - (len(named) - 1) / 2) * width * bin_width
            bottom.bar(
                centres + offset,
                curve["count"],
                width=width * bin_width,
                color=colour,
                alpha=0.8,
                label=name,
            )
        if binary:
            top.set_ylabel("observed fraction of class 1")
            bottom.set_xlabel("predicted probability of class 1 (bin mean)")
        else:
            top.set_ylabel("accuracy")
            bottom.set_xlabel("confidence: top-class probability (bin mean)")
        top.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
        top.legend(loc="upper left")
        bottom.set_ylabel("predictions per bin")
        if title:
            top.set_title(title)
    return fig
