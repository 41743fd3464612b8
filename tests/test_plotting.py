"""Tests for tlutils.plotting: the house style, strategy colours and the two shared figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tlutils.data import Domain, DomainPair
from tlutils.plotting import (
    OKABE_ITO,
    STRATEGY_ALIASES,
    STRATEGY_COLORS,
    colour_for,
    house_style,
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
    rows = [
        {
            "strategy": strategy,
            "seed": seed,
            "accuracy": 0.6 + 0.1 * k + 0.01 * rng.standard_normal(),
            "f1": 0.5 + 0.1 * k + 0.01 * rng.standard_normal(),
            "loss": 2.0 - k + rng.standard_normal(),
        }
        for k, strategy in enumerate(STRATEGIES)
        for seed in range(4)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def toy_pair() -> DomainPair:
    rng = np.random.default_rng(0)
    names = ("even", "odd")
    source = Domain(rng.random((6, 64)), np.array([0, 1, 0, 1, 0, 1]), "source: toy", names)
    target = Domain(rng.random((5, 64)), np.array([1, 1, 0, 0, 1]), "target: toy, noise", names)
    return DomainPair(source, target, shift="noise", severity=0.5, task="odd_even")


def test_use_house_style_applies_every_setting() -> None:
    expected = matplotlib.RcParams(house_style())  # validated as rcParams stores them
    with matplotlib.rc_context():
        use_house_style()
        assert {key: matplotlib.rcParams[key] for key in expected} == dict(expected)
        assert not matplotlib.rcParams["axes.spines.top"]


def test_colour_for_is_stable_distinct_and_case_insensitive() -> None:
    known = [colour_for(name) for name in STRATEGY_COLORS]
    assert len(set(known)) == len(known)  # no two known strategies share a colour
    assert colour_for("  FINE-TUNE ALL ") == STRATEGY_COLORS["fine-tune all"]
    for alias, name in STRATEGY_ALIASES.items():
        assert colour_for(alias.title()) == colour_for(name)
    assert colour_for("something new") == colour_for("something new")
    assert colour_for("something new") in OKABE_ITO.values()


def test_colour_for_needs_a_name() -> None:
    with pytest.raises(TypeError, match="name=3 is not a str"):
        colour_for(3)


def test_domain_samples_show_two_rows_cycling_through_the_classes(toy_pair) -> None:
    fig = plot_domain_samples(toy_pair, n=4)
    assert len(fig.axes) == 8
    assert fig.axes[0].get_ylabel() == "source:\ntoy"
    assert fig.axes[4].get_ylabel() == "target:\ntoy\nnoise"
    assert [ax.get_title() for ax in fig.axes[4:]] == ["even", "odd", "even", "odd"]
    shown = [ax.images[0].get_array() for ax in fig.axes[4:]]
    np.testing.assert_array_equal(shown, toy_pair.target.images()[[2, 0, 3, 1]])  # y: 1 1 0 0 1


def test_domain_samples_cannot_show_more_images_than_a_domain_has(toy_pair) -> None:
    with pytest.raises(ValueError, match=r"n=6 is out of range; allowed: an int in \[1, 5\]"):
        plot_domain_samples(toy_pair, n=6)


def test_strategy_scores_draw_one_panel_per_metric_with_means(results) -> None:
    fig = plot_strategy_scores(results, ["accuracy", "f1", "loss"])
    assert [ax.get_xlabel() for ax in fig.axes] == ["accuracy", "f1", "loss"]
    ax = fig.axes[0]
    assert ax.get_ylabel() == "strategy"
    labels_by_position = {
        tick: t.get_text() for tick, t in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }
    assert labels_by_position[max(labels_by_position)] == STRATEGIES[0]  # first on top
    means = {
        line.get_gid().removeprefix("mean:"): float(line.get_xdata()[0])
        for line in ax.lines
        if (line.get_gid() or "").startswith("mean:")
    }
    assert means == pytest.approx(results.groupby("strategy")["accuracy"].mean().to_dict())
    assert sum(len(c.get_offsets()) for c in ax.collections) >= len(results)  # single seeds


def test_strategy_scores_keep_unit_scores_in_the_unit_range() -> None:
    wide = pd.DataFrame(
        {"strategy": ["a", "a", "b", "b"], "precision": [0.0, 1.0, 0.9, 0.95], "loss": [0, 3, 1, 2]}
    )
    fig = plot_strategy_scores(wide, ["precision", "loss"])
    low, high = fig.axes[0].get_xlim()
    assert -0.02 <= low < 0.0 and 1.0 < high <= 1.02  # the std bar of a (0.71) would overshoot
    assert fig.axes[1].get_xlim()[1] > 3.0  # not a [0, 1] metric: left alone


def test_strategy_scores_wrap_panels_and_follow_the_order(results) -> None:
    order = ["fine-tune all", "source as is"]
    fig = plot_strategy_scores(results, ["accuracy", "f1", "loss"], order=order, ncols=2)
    assert len(fig.axes) == 3  # the unused fourth panel is removed
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == order


def test_strategy_scores_name_a_missing_metric(results) -> None:
    with pytest.raises(ValueError, match=r"results lacks columns \['precision'\]"):
        plot_strategy_scores(results, ["accuracy", "precision"])
