"""Tests for tlutils.experiments: the grid runner, its disk cache and the summaries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tlutils.data import load_digit_domains
from tlutils.experiments import StrategySpec, run_grid, summarize_grid, summarize_paired
from tlutils.stats import t_interval


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


def test_every_strategy_sees_the_same_split(target) -> None:
    seen: dict[tuple[int, int], list[bytes]] = {}

    def remember(split, seed):
        key = (split.train.n_samples, seed)
        seen.setdefault(key, []).append(split.train.X.tobytes() + split.test.X.tobytes())
        return {"accuracy": 0.5}

    options = {"domain": target, "cache_dir": False, "verbose": False}
    table = run_grid({"a": remember, "b": remember}, [1, 3], [0, 1, 2], **options)
    assert len(table) == 2 * 2 * 3
    assert table.loc[table["budget"] == "3", "n_train"].eq(6).all()  # 3 labels x 2 classes
    assert table.loc[table["budget"] == "3", "labels_per_class"].eq(3.0).all()
    assert not table["cached"].any()
    assert all(len(v) == 2 and v[0] == v[1] for v in seen.values())
    assert len({v[0] for v in seen.values()}) == len(seen)  # seeds and budgets differ


def test_cache_hits_and_misses(target, tmp_path: Path) -> None:
    counter = Counter()
    spec = StrategySpec(counter, version="v1")
    options = {"domain": target, "cache_dir": tmp_path, "verbose": False}
    first = run_grid({"maj": spec}, [1, None], [0, 1], **options)
    second = run_grid({"maj": spec}, [1, None], [0, 1], **options)
    assert counter.calls == 4  # the second grid came from the cache
    assert second["cached"].all()
    pd.testing.assert_frame_equal(first.drop(columns="cached"), second.drop(columns="cached"))
    run_grid({"maj": spec}, [1, None], [0, 1, 2], **options)
    assert counter.calls == 6  # only the new seed's two runs
    for changed in (
        {"strategies": {"maj": StrategySpec(counter, version="v2")}},
        {"strategies": {"other name": spec}},
        {"config": {"epochs": 3}},
        {"n_val_per_class": 4},
    ):
        grid = {"strategies": {"maj": spec}, "label_budgets": [1], "seeds": [0]} | changed
        before = counter.calls
        run_grid(**grid, **options)
        assert counter.calls == before + 1, changed


def test_cache_key_follows_source_code_and_params(target, tmp_path: Path) -> None:
    calls = []

    def strategy(split, seed, scale=1.0):
        calls.append(seed)
        return {"accuracy": scale}

    options = {"domain": target, "cache_dir": tmp_path, "verbose": False}
    run_grid({"s": strategy}, [1], [0], **options)
    run_grid({"s": strategy}, [1], [0], **options)
    assert len(calls) == 1
    table = run_grid({"s": {"fn": strategy, "params": {"scale": 0.5}}}, [1], [0], **options)
    assert len(calls) == 2 and table["accuracy"].iloc[0] == 0.5


def test_default_cache_dir_comes_from_the_environment(target, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TLUTILS_CACHE_DIR", str(tmp_path))
    run_grid({"maj": StrategySpec(Counter(), version="1")}, [1], [0], domain=target, verbose=False)
    assert len(list((tmp_path / "run_grid").glob("*.json"))) == 1


def test_verbose_prints_each_budgets_means(target, capsys) -> None:
    run_grid({"maj": Counter()}, [1, None], [0, 1], domain=target, cache_dir=False)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("budget   1: maj 0.") and lines[0].endswith("(2/2 runs new)")
    assert lines[1].startswith("budget all: maj ")


def test_a_budget_the_data_cannot_supply_fails_before_training(target) -> None:
    counter = Counter()
    with pytest.raises(ValueError, match="n_per_class=10000") as error:
        run_grid({"maj": counter}, [1, 10000], [0], domain=target, cache_dir=False)
    assert counter.calls == 0
    assert "label_budgets entry 10000" in error.value.__notes__[0]


def test_run_grid_rejects_duplicate_seeds(target) -> None:
    with pytest.raises(ValueError, match=r"seeds=\[0, 0\] is empty or has duplicates"):
        run_grid({"maj": Counter()}, [1], [0, 0], domain=target, cache_dir=False)


@pytest.fixture
def grid() -> pd.DataFrame:
    """Two strategies over two budgets (listed largest first) and five seeds."""
    a = [0.5, 0.6, 0.7, 0.6, 0.6, 0.80, 0.82, 0.84, 0.86, 0.88]
    b = [0.9, 0.9, 0.9, 0.9, 0.9, 0.85, 0.86, 0.87, 0.88, 0.89]
    return pd.DataFrame(
        {
            "strategy": ["a"] * 10 + ["b"] * 10,
            "budget": (["5"] * 5 + ["1"] * 5) * 2,
            "labels_per_class": ([5.0] * 5 + [1.0] * 5) * 2,
            "seed": list(range(5)) * 4,
            "accuracy": [*a[5:], *a[:5], *b[5:], *b[:5]],
        }
    )


def test_summarize_grid_gives_t_intervals_per_strategy_and_budget(grid) -> None:
    summary = summarize_grid(grid, "accuracy", confidence=0.9)
    assert summary[["strategy", "budget"]].values.tolist() == [
        ["a", "1"],
        ["b", "1"],
        ["a", "5"],
        ["b", "5"],
    ]  # in order of increasing labels per class
    cell = grid[(grid["strategy"] == "a") & (grid["budget"] == "1")]["accuracy"]
    row = summary.iloc[0]
    assert (row["mean"], row["low"], row["high"]) == t_interval(cell, confidence=0.9)
    assert row["std"] == pytest.approx(np.std(cell, ddof=1)) and row["n_seeds"] == 5


def test_summarize_grid_needs_the_metric_column(grid) -> None:
    with pytest.raises(ValueError, match=r"results lacks columns \['f1'\]"):
        summarize_grid(grid, "f1")


def test_summarize_paired_intervals_the_per_seed_differences(grid) -> None:
    paired = summarize_paired(grid, "accuracy", "a", "b", confidence=0.9)
    assert paired["budget"].tolist() == ["1", "5"]  # in order of increasing labels per class
    assert "verdict" not in paired  # no margin, no verdict
    a_5, b_5 = (grid[(grid["strategy"] == s) & (grid["budget"] == "5")] for s in "ab")
    differences = a_5["accuracy"].to_numpy() - b_5["accuracy"].to_numpy()
    row = paired.iloc[1]
    assert (row["mean"], row["low"], row["high"]) == t_interval(differences, confidence=0.9)
    # at 5 labels the intervals of the two means overlap, the paired one lies below 0
    unpaired = summarize_grid(grid, "accuracy", confidence=0.9).set_index(["strategy", "budget"])
    assert unpaired.loc[("a", "5"), "high"] > unpaired.loc[("b", "5"), "low"]
    assert row["high"] < 0


def test_summarize_paired_verdicts_follow_the_margin(grid) -> None:
    # a - b at 5 labels becomes -0.02, -0.01, 0, 0.01, 0.02: mean 0, 95 % interval +/- 0.0196
    shifted = grid.assign(accuracy=grid["accuracy"] + np.where(grid["strategy"] == "a", 0.03, 0))
    verdicts = {
        margin: summarize_paired(shifted, "accuracy", "a", "b", margin=margin)["verdict"].tolist()
        for margin in (0.01, 0.05)
    }
    assert verdicts == {0.01: ["b better", "undecided"], 0.05: ["b better", "equivalent"]}
    # the names follow the order of the strategies: b - a at 5 labels is in [0.010, 0.050]
    swapped = summarize_paired(grid, "accuracy", "b", "a", margin=0.02)
    assert swapped["verdict"].tolist() == ["b better", "b better"]
    assert summarize_paired(grid, "accuracy", "b", "a", margin=0.06)["verdict"].iloc[1] == (
        "equivalent"  # a difference smaller than the margin is equivalent, even if above 0
    )


def test_summarize_paired_needs_both_strategies_on_every_seed(grid) -> None:
    with pytest.raises(ValueError, match=r"lacks one of the two strategies at .* \[\('1', 4\)\]"):
        summarize_paired(grid.iloc[:-1], "accuracy", "a", "b")
