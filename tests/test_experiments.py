"""Tests for tlutils.experiments: the grid runner, its disk cache and the summaries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tlutils import experiments
from tlutils.data import load_digit_domains
from tlutils.experiments import (
    StrategySpec,
    first_meeting_budget,
    run_grid,
    summarize_grid,
    t_interval,
)


@pytest.fixture(scope="module")
def target():
    return load_digit_domains("none", 0.0, task="odd_even", random_state=0).target


class Counter:
    """A strategy that counts its calls and scores the majority class."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, split, seed):
        self.calls += 1
        guess = np.bincount(split.train.y).argmax()
        return {"accuracy": float(np.mean(split.test.y == guess)), "n": split.train.n_samples}


def test_rows_columns_and_shared_splits(target) -> None:
    seen = {}

    def remember(split, seed):
        seen.setdefault((split.train.n_samples, seed), []).append(split.test.y.sum())
        return {"accuracy": 0.5}

    table = run_grid(
        {"a": remember, "b": remember},
        [1, 3],
        [0, 1, 2],
        domain=target,
        cache_dir=False,
        verbose=False,
    )
    assert len(table) == 2 * 2 * 3
    assert list(table.columns[:6]) == [
        "strategy",
        "budget",
        "labels_per_class",
        "n_train",
        "seed",
        "cached",
    ]
    assert set(table["budget"]) == {"1", "3"}
    assert table.loc[table["budget"] == "3", "n_train"].eq(6).all()
    assert not table["cached"].any()
    # both strategies saw the same split for each (budget, seed)
    assert all(len(set(v)) == 1 and len(v) == 2 for v in seen.values())


def test_cache_is_reused_and_invalidated(target, tmp_path: Path) -> None:
    counter = Counter()
    spec = StrategySpec(counter, version="v1")
    kwargs = {"domain": target, "cache_dir": tmp_path, "verbose": False}
    first = run_grid({"maj": spec}, [1, None], [0, 1], **kwargs)
    assert counter.calls == 4
    second = run_grid({"maj": spec}, [1, None], [0, 1], **kwargs)
    assert counter.calls == 4  # nothing retrained
    assert second["cached"].all()
    pd.testing.assert_frame_equal(first.drop(columns="cached"), second.drop(columns="cached"))
    run_grid({"maj": spec}, [1, None], [0, 1, 2], **kwargs)
    assert counter.calls == 6  # only the new seed's two runs
    run_grid({"maj": StrategySpec(counter, version="v2")}, [1], [0], **kwargs)
    assert counter.calls == 7  # new version, new key
    run_grid({"maj": spec}, [1], [0], config={"epochs": 3}, **kwargs)
    assert counter.calls == 8  # new config, new key
    run_grid({"maj": spec}, [1], [0], n_val_per_class=4, **kwargs)
    assert counter.calls == 9  # new split settings, new key
    run_grid({"other name": spec}, [1], [0], **kwargs)
    assert counter.calls == 10


def test_cache_key_follows_source_code(target, tmp_path: Path) -> None:
    calls = []

    def strategy(split, seed, scale=1.0):
        calls.append(seed)
        return {"accuracy": scale}

    kwargs = {"domain": target, "cache_dir": tmp_path, "verbose": False}
    run_grid({"s": strategy}, [1], [0], **kwargs)
    run_grid({"s": strategy}, [1], [0], **kwargs)
    assert len(calls) == 1
    table = run_grid({"s": {"fn": strategy, "params": {"scale": 0.5}}}, [1], [0], **kwargs)
    assert len(calls) == 2 and table["accuracy"].iloc[0] == 0.5
    monkey_version = experiments._code_identity("s", StrategySpec(strategy))
    assert "calls.append(seed)" in monkey_version


def test_default_cache_dir_from_environment(target, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TLUTILS_CACHE_DIR", str(tmp_path))
    run_grid({"maj": StrategySpec(Counter(), version="1")}, [1], [0], domain=target, verbose=False)
    assert len(list((tmp_path / "run_grid").glob("*.json"))) == 1


def test_too_large_budget_fails_before_training(target) -> None:
    counter = Counter()
    with pytest.raises(ValueError, match="label_budgets contains 10000"):
        run_grid({"maj": counter}, [1, 10000], [0], domain=target, cache_dir=False)
    assert counter.calls == 0


@pytest.mark.parametrize(
    ("strategies", "budgets", "seeds", "error", "match"),
    [
        ({}, [1], [0], ValueError, "strategies=.* is empty"),
        ({"a": 3}, [1], [0], TypeError, r"strategies\['a'\] has type int"),
        ({"a": {"fn": print, "lr": 1}}, [1], [0], ValueError, "allowed: 'fn'"),
        ({"a": {"version": "1"}}, [1], [0], ValueError, "allowed: 'fn'"),
        ({"a": print}, [], [0], ValueError, "label_budgets=.* is empty"),
        ({"a": print}, [0], [0], ValueError, "label_budgets contains 0"),
        ({"a": print}, [1, 1], [0], ValueError, "duplicates"),
        ({"a": print}, [1], [], ValueError, "seeds=.* is empty"),
        ({"a": print}, [1], [-1], ValueError, "seeds contains -1"),
        ({"a": print}, "1", [0], TypeError, "label_budgets='1'"),
    ],
)
def test_bad_grids(target, strategies, budgets, seeds, error, match) -> None:
    with pytest.raises(error, match=match):
        run_grid(strategies, budgets, seeds, domain=target, cache_dir=False)


def test_bad_strategy_output_and_cache_dir(target) -> None:
    with pytest.raises(TypeError, match="strategy 'bad' returned"):
        run_grid({"bad": lambda split, seed: 0.5}, [1], [0], domain=target, cache_dir=False)
    with pytest.raises(TypeError, match="cache_dir=3"):
        run_grid({"a": Counter()}, [1], [0], domain=target, cache_dir=3)


def test_summarize_grid_t_interval() -> None:
    table = pd.DataFrame(
        {
            "strategy": ["a"] * 5 + ["b"] * 5,
            "budget": ["1"] * 10,
            "labels_per_class": [1.0] * 10,
            "seed": list(range(5)) * 2,
            "accuracy": [0.5, 0.6, 0.7, 0.6, 0.6, 0.9, 0.9, 0.9, 0.9, 0.9],
        }
    )
    summary = summarize_grid(table, "accuracy").set_index("strategy")
    half = 2.776445 * np.std([0.5, 0.6, 0.7, 0.6, 0.6], ddof=1) / np.sqrt(5)
    assert summary.loc["a", "mean"] == pytest.approx(0.6)
    assert summary.loc["a", "high"] - summary.loc["a", "mean"] == pytest.approx(half, rel=1e-5)
    assert summary.loc["b", "low"] == pytest.approx(0.9)
    assert first_meeting_budget(summary.reset_index(), "a", "b") is None
    with pytest.raises(ValueError, match="results lacks columns"):
        summarize_grid(table, "f1")
    with pytest.raises(ValueError, match="confidence=95"):
        summarize_grid(table, "accuracy", confidence=95)
    with pytest.raises(ValueError, match="strategy 'c' is not in summary"):
        first_meeting_budget(summary.reset_index(), "a", "c")


def test_t_interval_matches_scipy_and_handles_one_value() -> None:
    values = [0.81, 0.84, 0.79, 0.88, 0.83]
    mean, low, high = t_interval(values, confidence=0.9)
    expected = stats.t.interval(0.9, 4, loc=np.mean(values), scale=stats.sem(values))
    assert mean == pytest.approx(np.mean(values))
    assert (low, high) == pytest.approx(expected)
    single = t_interval([0.7])
    assert single[0] == 0.7 and np.isnan(single[1]) and np.isnan(single[2])


@pytest.mark.parametrize(
    ("values", "kwargs", "match"),
    [
        ([], {}, r"values has shape \(0,\); allowed: a non-empty 1-D sequence"),
        ([[0.1, 0.2]], {}, r"values has shape \(1, 2\)"),
        ([0.1, 0.2], {"confidence": 95}, "confidence=95 is not allowed"),
    ],
)
def test_t_interval_rejects_bad_input(values, kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        t_interval(values, **kwargs)
