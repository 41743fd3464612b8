"""Figures for evaluating a classifier: confusion matrix, ROC and PR curves, reliability.

The numbers come from scikit-learn (``ConfusionMatrixDisplay``, ``roc_curve``,
``precision_recall_curve``) and :mod:`tlutils.calibration`; this module draws them in the
book's colours and house style (:func:`tlutils.plotting.house_style`), without changing the
global matplotlib settings. It does not import TensorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from sklearn import metrics

from tlutils._validation import check_array, check_choice, check_same_length, invalid
from tlutils.calibration import expected_calibration_error, reliability_curve
from tlutils.plotting import OKABE_ITO, STRATEGY_COLORS, colour_for, house_style

__all__ = ["plot_confusion_matrix", "plot_reliability_diagram", "plot_roc_pr_curves"]

_COLOUR_LABELS = {
    None: "number of examples",
    "true": "fraction of the true class (row)",
    "pred": "fraction of the predicted class (column)",
    "all": "fraction of all examples",
}


def _as_named(scores: Any, name: str) -> dict[str, np.ndarray]:
    """One array -> {"model": array}; a mapping -> {name: array}, names as str."""
    if not isinstance(scores, Mapping):
        return {"model": np.asarray(scores)}
    if not scores:
        raise invalid(name, "is an empty mapping", "at least one model", value=scores)
    return {str(model): np.asarray(value) for model, value in scores.items()}


def _colours(names: Sequence[str]) -> dict[str, str]:
    """The book's strategy colour for known names; distinct palette colours for the others."""
    known = {name: colour_for(name) for name in names if name.strip().lower() in STRATEGY_COLORS}
    free = [c for c in OKABE_ITO.values() if c not in known.values()]
    others = [name for name in names if name not in known]
    return known | {name: free[i % len(free)] for i, name in enumerate(others)}


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    *,
    class_names: Sequence[str] | None = None,
    normalize: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Draw the confusion matrix: true class on the rows, predicted class on the columns.

    The classes are the sorted union of the labels in ``y_true`` and ``y_pred``, named by
    ``class_names`` (default: the labels). ``normalize``: ``None`` shows counts; ``"true"``
    divides each row by its total (the diagonal is the per-class recall), ``"pred"`` each
    column (the diagonal is the per-class precision), ``"all"`` everything by the number of
    examples. ``ax`` is the axes to draw into (default: a new figure), ``title`` its title.

    Examples
    --------
    >>> fig = plot_confusion_matrix([0, 1, 1, 0], [0, 1, 0, 0], class_names=["even", "odd"])
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel(), ax.get_ylabel(), [t.get_text() for t in ax.texts]
    ('predicted class', 'true class', ['2', '0', '1', '1'])
    """
    check_choice(normalize, "normalize", tuple(_COLOUR_LABELS))
    check_same_length(y_true, y_pred, ("y_true", "y_pred"))
    n = len(np.union1d(y_true, y_pred))
    if class_names is not None and len(class_names) != n:
        raise invalid("class_names", f"has {len(class_names)} entries", f"{n}, one per class")
    with mpl.rc_context(house_style()):
        if ax is None:
            size = 1.9 + 0.34 * n  # inches; about 5 for ten classes
            _, ax = plt.subplots(figsize=(size + 0.9, size))
        options = {"values_format": ".2f" if normalize else "d", "cmap": "Blues", "colorbar": False}
        options["text_kw"] = {"fontsize": 8 if n <= 6 else 7}
        display = metrics.ConfusionMatrixDisplay.from_predictions(
            y_true, y_pred, normalize=normalize, display_labels=class_names, ax=ax, **options
        )
        shown = display.confusion_matrix
        vmax = 1.0 if normalize else max(float(shown.max()), 1.0)
        display.im_.set_clim(0.0, vmax)
        for (row, col), text in np.ndenumerate(display.text_):
            text.set_color("white" if shown[row, col] > 0.6 * vmax else "black")
        ax.set(xlabel="predicted class", ylabel="true class")
        ax.grid(False)
        ax.figure.colorbar(display.im_, ax=ax, shrink=0.8, label=_COLOUR_LABELS[normalize])
        if title:
            ax.set_title(title)
    return ax.figure


def _binary(y_true: Any, scores: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, Any]]:
    """Labels 0/1 (both present) and one finite score of class 1 per example and model."""
    true = check_array(y_true, "y_true", ndim=1, min_rows=1, dtype=None)
    if set(np.unique(true).tolist()) != {0, 1}:
        found = f"holds the labels {np.unique(true)[:5].tolist()}"
        raise invalid("y_true", found, "labels 0 and 1, both present (ROC and PR need both)")
    checked = {}
    for name, score in scores.items():
        score = check_array(score, f"scores of {name!r}", ndim=(1, 2))
        if score.ndim == 2 and score.shape[1] != 1:
            raise invalid(f"scores of {name!r}", f"have shape {score.shape}", "(n,) or (n, 1)")
        check_same_length(true, score, ("y_true", f"scores of {name!r}"))
        checked[name] = score.reshape(-1)
    return true.astype(int), checked


def plot_roc_pr_curves(
    y_true: Any, y_score: Any, *, thresholds: Sequence[float] = (), title: str | None = None
) -> Figure:
    """ROC curve (left) and precision-recall curve (right) of one or several binary scorers.

    ``y_score`` holds scores of class 1 (e.g. probabilities), or is ``{name: scores}`` for one
    curve per model; ``thresholds`` are marked on every curve (predict 1 when ``score >=
    threshold``). The legends give ROC AUC and average precision (AP); dashed lines are chance.

    Examples
    --------
    >>> fig = plot_roc_pr_curves([0, 0, 1, 1], {"a": [0.1, 0.4, 0.35, 0.8]}, thresholds=[0.5])
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['false positive rate', 'recall']
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'a (AUC 0.750)'
    """
    true, named = _binary(y_true, _as_named(y_score, "y_score"))
    colours = _colours(list(named))
    first = next(iter(named))
    with mpl.rc_context(house_style()):
        fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(9.0, 3.9))
        for name, score in named.items():
            colour = colours[name]
            fpr, tpr, _ = metrics.roc_curve(true, score)
            auc = metrics.roc_auc_score(true, score)
            roc_ax.plot(fpr, tpr, color=colour, label=f"{name} (AUC {auc:.3f})")
            precision, recall, _ = metrics.precision_recall_curve(true, score)
            ap = metrics.average_precision_score(true, score)
            pr_ax.step(recall, precision, where="post", color=colour, label=f"{name} (AP {ap:.3f})")
            for k, threshold in enumerate(float(t) for t in thresholds):
                predicted = score >= threshold
                x_fpr, y_tpr = predicted[true == 0].mean(), predicted[true == 1].mean()
                y_precision = true[predicted].mean() if predicted.any() else 1.0
                label = f"threshold {threshold:g}" if name == first else None
                mark = {"color": colour, "markeredgecolor": "black", "markersize": 7, "zorder": 3}
                for ax, x, y in ((roc_ax, x_fpr, y_tpr), (pr_ax, y_tpr, y_precision)):
                    ax.plot(x, y, "os^Dv"[k % 5], label=label, **mark)
        roc_ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="chance (AUC 0.5)")
        prevalence = float(np.mean(true))
        chance = f"chance (AP {prevalence:.2f})"
        pr_ax.axhline(prevalence, linestyle="--", color="grey", linewidth=1, label=chance)
        roc_ax.set(title="ROC curve", xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
        roc_ax.set(xlabel="false positive rate", ylabel="true positive rate (recall)")
        pr_ax.set(title="Precision-recall curve", xlim=(-0.02, 1.02), ylim=(0.0, 1.02))
        pr_ax.set(xlabel="recall", ylabel="precision")
        roc_ax.legend(loc="lower right")
        pr_ax.legend(loc="lower left")
        if title:
            fig.suptitle(title)
    return fig


def plot_reliability_diagram(
    y_true: Any,
    y_prob: Any,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    title: str | None = None,
) -> Figure:
    """Reliability diagram (top) and histogram of predictions per bin (bottom).

    Each model's curve joins the bins of :func:`tlutils.calibration.reliability_curve` (points
    below the diagonal are over-confident); the legend gives its expected calibration error.
    ``y_prob``: probabilities of class 1 (n,) or of each class (n, k), or ``{name: those}``.

    Examples
    --------
    >>> fig = plot_reliability_diagram([0, 1, 1, 0], {"m": [0.2, 0.7, 0.9, 0.6]}, n_bins=5)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['perfectly calibrated', 'm (ECE 0.300)']
    >>> fig.axes[1].get_ylabel()
    'predictions per bin'
    """
    named = _as_named(y_prob, "y_prob")
    binning = {"n_bins": n_bins, "strategy": strategy}
    curves = {name: reliability_curve(y_true, p, **binning) for name, p in named.items()}
    errors = {name: expected_calibration_error(y_true, p, **binning) for name, p in named.items()}
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
            label = f"{name} (ECE {errors[name]:.3f})"
            top.plot(curve["confidence"], curve["accuracy"], "o-", color=colour, label=label)
            centres = (curve["bin_lower"] + curve["bin_upper"]) / 2
            bin_width = (curve["bin_upper"] - curve["bin_lower"]).to_numpy()
            offset = (k - (len(named) - 1) / 2) * width * bin_width
            bar = {"width": width * bin_width, "color": colour, "alpha": 0.8, "label": name}
            bottom.bar(centres + offset, curve["count"], **bar)
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
