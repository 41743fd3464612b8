"""Tests for tlutils.plotting: the house style and the book's two recurring figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from tlutils.data import Domain, DomainPair, load_binary_domains
from tlutils.plotting import (
    OKABE_ITO,
    STRATEGY_COLORS,
    colour_for,
    plot_domain_samples,
    plot_strategy_scores,
    use_house_style,
)

STRATEGIES = ["source as is", "target only", "fine-tune all"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def results() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for k, strategy in enumerate(STRATEGIES):
        for seed in range(4):
            rows.append(
                {
                    "strategy": strategy,
                    "seed": seed,
                    "accuracy": 0.6 + 0.1 * k + 0.01 * rng.standard_normal(),
                    "f1": 0.5 + 0.1 * k + 0.01 * rng.standard_normal(),
                    "roc_auc": 0.7 + 0.1 * k + 0.01 * rng.standard_normal(),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def toy_pair() -> DomainPair:
    rng = np.random.default_rng(0)
    names = ("even", "odd")
    source = Domain(rng.random((6, 64)), np.array([0, 1, 0, 1, 0, 1]), "source: toy", names)
    target = Domain(rng.random((5, 64)), np.array([1, 1, 0, 0, 1]), "target: toy", names)
    return DomainPair(source, target, shift="noise", severity=0.5, task="odd_even")


# --------------------------------------------------------------------------- style and colours


def test_use_house_style_sets_rcparams() -> None:
    with matplotlib.rc_context():
        use_house_style()
        rc = matplotlib.rcParams
        assert rc["axes.spines.top"] is False and rc["axes.spines.right"] is False
        assert rc["axes.grid"] is True
        assert rc["figure.dpi"] == pytest.approx(110)
        assert rc["savefig.format"] == "png"
        cycle = [to_hex(c["color"]).upper() for c in rc["axes.prop_cycle"]]
        assert cycle[:3] == [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish green"]]


def test_colour_for_is_stable_and_distinct_for_known_strategies() -> None:
    known = [colour_for(name) for name in STRATEGY_COLORS]
    assert len(set(known)) == len(known)  # no two known strategies share a colour
    assert colour_for("FINE-TUNE ALL ") == STRATEGY_COLORS["fine-tune all"]
    assert colour_for("something new") == colour_for("something new")
    assert colour_for("something new") in OKABE_ITO.values()
    with pytest.raises(TypeError, match="name=3"):
        colour_for(3)


# --------------------------------------------------------------------------- domain samples


def test_plot_domain_samples_two_rows_of_n(toy_pair: DomainPair) -> None:
    fig = plot_domain_samples(toy_pair, n=4)
    assert len(fig.axes) == 8
    assert fig.axes[0].get_ylabel().startswith("source:")
    assert fig.axes[4].get_ylabel().startswith("target:")
    titles = [ax.get_title() for ax in fig.axes]
    assert set(titles) <= {"even", "odd"}
    assert titles[:2] == ["even", "odd"]  # cycles through the classes
    shown = fig.axes[4].images[0].get_array()
    np.testing.assert_array_equal(shown, toy_pair.target.images()[2])  # first 'even' target


def test_plot_domain_samples_on_real_digits() -> None:
    fig = plot_domain_samples(load_binary_domains("rotation", 0.5, random_state=0), n=3)
    assert len(fig.axes) == 6
    assert all(ax.images[0].get_array().shape == (8, 8) for ax in fig.axes)


def test_plot_domain_samples_rejects_bad_input(toy_pair: DomainPair) -> None:
    with pytest.raises(ValueError, match=r"n=6 is out of range; allowed: 1 <= n <= 5"):
        plot_domain_samples(toy_pair, n=6)
    with pytest.raises(ValueError, match="n=0"):
        plot_domain_samples(toy_pair, n=0)
    with pytest.raises(TypeError, match="n=2.0"):
        plot_domain_samples(toy_pair, n=2.0)
    with pytest.raises(TypeError, match="pair has type str"):
        plot_domain_samples("pair")


# --------------------------------------------------------------------------- strategy scores


def test_plot_strategy_scores_one_panel_per_metric(results: pd.DataFrame) -> None:
    metrics = ["accuracy", "f1", "roc_auc"]
    fig = plot_strategy_scores(results, metrics)
    assert len(fig.axes) == 3
    assert [ax.get_xlabel() for ax in fig.axes] == metrics
    assert fig.axes[0].get_ylabel() == "strategy"
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(ticks) == sorted(STRATEGIES)
    # the first strategy is drawn at the top (largest y position)
    labels_by_pos = dict(zip(fig.axes[0].get_yticks(), ticks, strict=True))
    assert labels_by_pos[max(labels_by_pos)] == STRATEGIES[0]


def test_plot_strategy_scores_marks_mean_and_seeds(results: pd.DataFrame) -> None:
    fig = plot_strategy_scores(results, ["accuracy"])
    ax = fig.axes[0]
    # one scatter (the seeds) and one errorbar (the mean) per strategy
    seed_points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    assert seed_points >= len(results)
    means = {
        line.get_gid().removeprefix("mean:"): float(line.get_xdata()[0])
        for line in ax.lines
        if (line.get_gid() or "").startswith("mean:")
    }
    expected = results.groupby("strategy")["accuracy"].mean().to_dict()
    assert means.keys() == expected.keys()
    for strategy, mean in expected.items():
        assert means[strategy] == pytest.approx(mean)


def test_plot_strategy_scores_keeps_unit_range() -> None:
    wide = pd.DataFrame(
        {"strategy": ["a", "a", "b", "b"], "precision": [0.0, 1.0, 0.9, 0.95], "loss": [0, 3, 1, 2]}
    )
    fig = plot_strategy_scores(wide, ["precision", "loss"])
    low, high = fig.axes[0].get_xlim()
    assert -0.02 <= low < 0.0 and 1.0 < high <= 1.02  # std of a (0.71) would overshoot
    assert fig.axes[1].get_xlim()[1] > 3.0  # not a [0, 1] metric: left alone


def test_plot_strategy_scores_wraps_and_orders(results: pd.DataFrame) -> None:
    order = ["fine-tune all", "source as is"]
    fig = plot_strategy_scores(results, ["accuracy", "f1", "roc_auc"], order=order, ncols=2)
    assert len(fig.axes) == 3  # the unused fourth panel is removed
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(ticks) == sorted(order)


def test_plot_strategy_scores_rejects_bad_input(results: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"metrics=.*lacks: \['precision'\]"):
        plot_strategy_scores(results, ["accuracy", "precision"])
    with pytest.raises(ValueError, match="metrics=.* is empty"):
        plot_strategy_scores(results, [])
    with pytest.raises(TypeError, match="metrics='f1'"):
        plot_strategy_scores(results, "f1")
    with pytest.raises(ValueError, match="by='method' is not a column"):
        plot_strategy_scores(results, ["f1"], by="method")
    with pytest.raises(ValueError, match=r"order=.*\['magic'\]"):
        plot_strategy_scores(results, ["f1"], order=["magic"])
    with pytest.raises(ValueError, match="results is empty"):
        plot_strategy_scores(results.iloc[:0], ["f1"])
    with pytest.raises(TypeError, match="results has type dict"):
        plot_strategy_scores({"f1": [1.0]}, ["f1"])
