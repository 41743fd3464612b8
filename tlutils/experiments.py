"""Run a grid of transfer strategies over label budgets and seeds, with a disk cache.

A learning curve needs many small training runs: every strategy, at every number of labels
per class, for several seeds. :func:`run_grid` runs them all on the same target splits and
returns one tidy table. Each run's scores are cached on disk under a key built from
everything that can change the result (the strategy's name, source code or version string
and parameters, the budget, the seed, the data and split settings, any extra ``config``
and ``tlutils.__version__``), so rebuilding the book does not retrain unchanged runs.

- :func:`run_grid` runs (or loads) the grid and returns a DataFrame.
- :func:`summarize_grid` turns it into means with a Student-t confidence interval.
- :func:`first_meeting_budget` finds the smallest budget at which two curves meet.
- :func:`default_cache_dir` says where results go when no directory is given.

This module does not import TensorFlow; the strategies do.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from tlutils.data import Domain, TargetSplit, split_target

__all__ = [
    "CACHE_ENV_VAR",
    "StrategySpec",
    "default_cache_dir",
    "first_meeting_budget",
    "run_grid",
    "summarize_grid",
    "t_interval",
]

CACHE_ENV_VAR = "TLUTILS_CACHE_DIR"
"""Environment variable that overrides the default cache directory."""

ALL_LABELS = "all"
"""How the ``budget`` column names the budget ``None`` (every available label)."""

_SPEC_KEYS = ("fn", "version", "params")


@dataclass(frozen=True)
class StrategySpec:
    """A strategy: a callable plus what identifies its version for the cache.

    ``fn(split, seed, **params)`` trains on ``split.train`` (and may use ``split.val``),
    scores on ``split.test`` and returns a mapping ``{metric name: number}``.

    Attributes
    ----------
    fn
        The training-and-scoring function.
    version
        An explicit version string for the cache key; ``None`` uses ``fn``'s source code.
    params
        Keyword arguments passed to ``fn``; part of the cache key (JSON-serialisable).

    Examples
    --------
    >>> spec = StrategySpec(lambda split, seed, lr: {"accuracy": 1.0}, params={"lr": 0.1})
    >>> spec.params
    {'lr': 0.1}
    """

    fn: Callable[..., Mapping[str, float]]
    version: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- validation


def _as_spec(name: Any, value: Any) -> StrategySpec:
    if not isinstance(name, str) or not name:
        raise TypeError(f"strategy name {name!r} is not allowed; allowed: a non-empty str")
    if isinstance(value, StrategySpec):
        spec = value
    elif callable(value):
        spec = StrategySpec(value)
    elif isinstance(value, Mapping):
        unknown = sorted(set(value) - set(_SPEC_KEYS))
        if unknown or "fn" not in value:
            raise ValueError(
                f"strategies[{name!r}] has keys {sorted(value)}; allowed: 'fn' (required), "
                "'version', 'params'"
            )
        spec = StrategySpec(value["fn"], value.get("version"), dict(value.get("params") or {}))
    else:
        raise TypeError(
            f"strategies[{name!r}] has type {type(value).__name__}; allowed: a callable, a "
            "StrategySpec or a dict with keys 'fn', 'version', 'params'"
        )
    if not callable(spec.fn):
        raise TypeError(f"strategies[{name!r}]['fn'] is not callable; allowed: a function")
    if spec.version is not None and not isinstance(spec.version, str):
        raise TypeError(f"strategies[{name!r}] version={spec.version!r}; allowed: a str or None")
    if not isinstance(spec.params, Mapping):
        raise TypeError(f"strategies[{name!r}] params={spec.params!r}; allowed: a dict")
    return spec


def _check_strategies(strategies: Any) -> dict[str, StrategySpec]:
    if not isinstance(strategies, Mapping):
        raise TypeError(
            f"strategies has type {type(strategies).__name__}; allowed: a dict mapping a name "
            "to a callable or a StrategySpec"
        )
    if not strategies:
        raise ValueError("strategies={} is empty; allowed: at least one strategy")
    return {name: _as_spec(name, value) for name, value in strategies.items()}


def _check_budgets(label_budgets: Any) -> list[int | None]:
    if isinstance(label_budgets, str) or not isinstance(label_budgets, Sequence):
        raise TypeError(
            f"label_budgets={label_budgets!r} is not a list; allowed: a list of positive ints "
            "or None (all labels)"
        )
    if not label_budgets:
        raise ValueError("label_budgets=[] is empty; allowed: at least one budget")
    budgets: list[int | None] = []
    for budget in label_budgets:
        if budget is None:
            budgets.append(None)
            continue
        if isinstance(budget, bool) or not isinstance(budget, numbers.Integral) or budget < 1:
            raise ValueError(
                f"label_budgets contains {budget!r}; allowed: positive ints (labels per class) "
                "or None (all labels)"
            )
        budgets.append(int(budget))
    if len(set(budgets)) != len(budgets):
        raise ValueError(f"label_budgets={list(label_budgets)!r} has duplicates; allowed: unique")
    return budgets


def _check_seeds(seeds: Any) -> list[int]:
    if isinstance(seeds, str) or not isinstance(seeds, Sequence):
        raise TypeError(f"seeds={seeds!r} is not a list; allowed: a list of ints >= 0")
    if not seeds:
        raise ValueError("seeds=[] is empty; allowed: at least one seed")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"seeds contains {seed!r}; allowed: ints >= 0")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds={list(seeds)!r} has duplicates; allowed: unique seeds")
    return [int(seed) for seed in seeds]


# --------------------------------------------------------------------------- cache


def default_cache_dir() -> Path:
    """The cache directory used when ``cache_dir=None``.

    ``$TLUTILS_CACHE_DIR`` when that variable is set, otherwise ``~/.cache/tlutils``.

    Examples
    --------
    >>> import os
    >>> os.environ["TLUTILS_CACHE_DIR"] = "/tmp/somewhere"
    >>> str(default_cache_dir())
    '/tmp/somewhere'
    >>> del os.environ["TLUTILS_CACHE_DIR"]
    >>> default_cache_dir().parts[-2:]
    ('.cache', 'tlutils')
    """
    configured = os.environ.get(CACHE_ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "tlutils"


def _resolve_cache_dir(cache_dir: Any) -> Path | None:
    if cache_dir is False:
        return None
    if cache_dir is None:
        return default_cache_dir() / "run_grid"
    if isinstance(cache_dir, str | os.PathLike):
        return Path(cache_dir).expanduser()
    raise TypeError(
        f"cache_dir={cache_dir!r} is not allowed; allowed: a path, None (default) or False (off)"
    )


def _code_identity(name: str, spec: StrategySpec) -> str:
    if spec.version is not None:
        return f"version:{spec.version}"
    try:
        return "source:" + inspect.getsource(spec.fn)
    except (OSError, TypeError) as error:
        raise ValueError(
            f"strategies[{name!r}]: the source code of {spec.fn!r} is not available for the "
            "cache key; allowed: pass StrategySpec(fn, version='...') or cache_dir=False"
        ) from error


def _domain_fingerprint(domain: Domain) -> str:
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(domain.X).tobytes())
    digest.update(np.ascontiguousarray(domain.y).tobytes())
    digest.update(repr((domain.name, domain.class_names, domain.X.shape)).encode())
    return digest.hexdigest()


def _cache_key(parts: Mapping[str, Any]) -> str:
    text = json.dumps(parts, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _load(path: Path) -> dict[str, float] | None:
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return None  # missing or corrupt: run again


def _store(path: Path, scores: Mapping[str, float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(dict(scores), sort_keys=True))
    os.replace(partial, path)  # atomic: a crash never leaves half a file behind


def _check_scores(name: str, scores: Any) -> dict[str, float]:
    if not isinstance(scores, Mapping) or not scores:
        raise TypeError(
            f"strategy {name!r} returned {type(scores).__name__}; allowed: a non-empty dict "
            "{metric name: number}"
        )
    checked: dict[str, float] = {}
    for key, value in scores.items():
        if not isinstance(key, str) or isinstance(value, bool):
            raise TypeError(f"strategy {name!r} returned {key!r}: {value!r}; allowed: str: number")
        if not isinstance(value, numbers.Real):
            raise TypeError(f"strategy {name!r} returned {key!r}: {value!r}; allowed: str: number")
        checked[key] = float(value)
    return checked


# --------------------------------------------------------------------------- the grid


def _make_splits(
    domain: Domain,
    budgets: list[int | None],
    seeds: list[int],
    n_val_per_class: int,
    test_size: float,
) -> dict[tuple[int | None, int], TargetSplit]:
    """All splits up front, so that an impossible budget fails before any training."""
    splits = {}
    for budget in budgets:
        for seed in seeds:
            try:
                splits[budget, seed] = split_target(
                    domain,
                    budget,
                    n_val_per_class=n_val_per_class,
                    test_size=test_size,
                    random_state=seed,
                )
            except ValueError as error:
                raise ValueError(
                    f"label_budgets contains {budget!r}, which the data cannot supply "
                    f"(seed {seed}): {error}"
                ) from error
    return splits


def _budget_label(budget: int | None) -> str:
    return ALL_LABELS if budget is None else str(budget)


def run_grid(
    strategies: Mapping[str, Any],
    label_budgets: Sequence[int | None],
    seeds: Sequence[int],
    *,
    domain: Domain,
    n_val_per_class: int = 5,
    test_size: float = 0.3,
    config: Mapping[str, Any] | None = None,
    cache_dir: str | os.PathLike[str] | bool | None = None,
    verbose: bool = True,
) -> pd.DataFrame:
    """Run every strategy at every label budget for every seed; return one row per run.

    For each ``(budget, seed)`` the target ``domain`` is split once with
    :func:`tlutils.data.split_target` (``random_state=seed``), and every strategy gets that
    same split, so strategies are compared on identical data. The test set depends only on
    the seed, so all budgets of one seed share it.

    Parameters
    ----------
    strategies
        ``{name: strategy}``; a strategy is a callable ``fn(split, seed) -> {metric: value}``,
        a :class:`StrategySpec`, or a dict ``{"fn": ..., "version": ..., "params": {...}}``.
    label_budgets
        Labelled training examples per class, e.g. ``[1, 5, None]``; ``None`` = all available.
    seeds
        Seeds (non-negative ints); each gives a different split (and is passed to ``fn``).
    domain
        The target domain to split.
    n_val_per_class, test_size
        Passed to :func:`tlutils.data.split_target` (the validation size is the same at
        every budget).
    config
        Anything else the results depend on (e.g. the source model's training recipe);
        JSON-serialisable values; part of the cache key.
    cache_dir
        Directory of the result cache; ``None``: :func:`default_cache_dir` ``/ "run_grid"``;
        ``False``: no caching.
    verbose
        Print one line per budget with the mean of each strategy's first metric.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``budget`` (str: ``"1"``, ..., ``"all"``), ``labels_per_class``
        (float: training examples / classes), ``n_train``, ``seed``, ``cached`` (bool), then
        one column per metric returned by the strategies.

    Raises
    ------
    ValueError
        For empty or duplicated grids, an invalid strategy spec, or a budget larger than the
        data can supply (raised before any strategy runs).

    Examples
    --------
    >>> from tlutils.data import load_digit_domains
    >>> target = load_digit_domains("none", 0.0, task="odd_even").target
    >>> def majority(split, seed):
    ...     guess = np.bincount(split.train.y).argmax()
    ...     return {"accuracy": float(np.mean(split.test.y == guess))}
    >>> table = run_grid({"majority": majority}, [1, None], [0, 1], domain=target,
    ...                  cache_dir=False, verbose=False)
    >>> table[["strategy", "budget", "seed", "n_train"]].values.tolist()
    [['majority', '1', 0, 2], ['majority', '1', 1, 2], ['majority', 'all', 0, 619], \
['majority', 'all', 1, 619]]
    """
    specs = _check_strategies(strategies)
    budgets = _check_budgets(label_budgets)
    seed_list = _check_seeds(seeds)
    if not isinstance(domain, Domain):
        raise TypeError(f"domain has type {type(domain).__name__}; allowed: a tlutils Domain")
    if config is not None and not isinstance(config, Mapping):
        raise TypeError(f"config={config!r} is not allowed; allowed: a dict or None")
    directory = _resolve_cache_dir(cache_dir)
    splits = _make_splits(domain, budgets, seed_list, n_val_per_class, test_size)

    import tlutils  # the package version is part of every cache key

    common = {
        "domain": _domain_fingerprint(domain),
        "n_val_per_class": n_val_per_class,
        "test_size": test_size,
        "config": dict(config or {}),
        "tlutils": tlutils.__version__,
    }
    identities = {
        name: _code_identity(name, spec) if directory is not None else ""
        for name, spec in specs.items()
    }
    rows: list[dict[str, Any]] = []
    for budget in budgets:
        n_new = 0
        for name, spec in specs.items():
            for seed in seed_list:
                split = splits[budget, seed]
                key = _cache_key(
                    {
                        **common,
                        "strategy": name,
                        "code": identities[name],
                        "params": dict(spec.params),
                        "budget": budget,
                        "seed": seed,
                    }
                )
                path = None if directory is None else directory / f"{key}.json"
                scores = None if path is None else _load(path)
                cached = scores is not None
                if scores is None:
                    scores = _check_scores(name, spec.fn(split, seed, **spec.params))
                    n_new += 1
                    if path is not None:
                        _store(path, scores)
                rows.append(
                    {
                        "strategy": name,
                        "budget": _budget_label(budget),
                        "labels_per_class": split.train.n_samples / domain.n_classes,
                        "n_train": split.train.n_samples,
                        "seed": seed,
                        "cached": cached,
                        **scores,
                    }
                )
        if verbose:
            _print_budget_line(rows, budget, specs, n_new, len(specs) * len(seed_list))
    return pd.DataFrame(rows)


def _print_budget_line(
    rows: list[dict[str, Any]],
    budget: int | None,
    specs: Mapping[str, StrategySpec],
    n_new: int,
    n_runs: int,
) -> None:
    label = _budget_label(budget)
    parts = []
    for name in specs:
        mine = [r for r in rows if r["strategy"] == name and r["budget"] == label]
        metric = next(k for k in mine[0] if k not in _ROW_KEYS)
        parts.append(f"{name} {np.mean([r[metric] for r in mine]):.3f}")
    print(f"budget {label:>3}: " + " | ".join(parts) + f"  ({n_new}/{n_runs} runs new)")


_ROW_KEYS = ("strategy", "budget", "labels_per_class", "n_train", "seed", "cached")


# --------------------------------------------------------------------------- summaries


def t_interval(values: Any, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval ``(mean, low, high)`` of a few values.

    The interval is ``mean +/- t_{n-1} * std / sqrt(n)``: for scores over ``n`` seeds, an
    interval for the mean over seeds (seeds treated as independent draws). With one value
    the interval is ``(nan, nan)``.

    Examples
    --------
    >>> [round(v, 3) for v in t_interval([0.5, 0.6, 0.7])]
    [0.6, 0.352, 0.848]
    """
    if not (isinstance(confidence, float) and 0.0 < confidence < 1.0):
        raise ValueError(f"confidence={confidence!r} is not allowed; allowed: a float in (0, 1)")
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"values has shape {array.shape}; allowed: a non-empty 1-D sequence")
    n, mean = array.size, float(array.mean())
    if n == 1:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * array.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def summarize_grid(results: pd.DataFrame, metric: str, *, confidence: float = 0.95) -> pd.DataFrame:
    """Mean and Student-t confidence interval of ``metric`` per strategy and budget.

    The interval is ``mean +/- t_{n-1} * std / sqrt(n)`` over the ``n`` seeds of a cell,
    i.e. an interval for the mean over seeds (seeds treated as independent draws).

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``budget``, ``labels_per_class``, ``mean``, ``std``, ``low``,
        ``high``, ``n_seeds``; budgets in order of increasing labels per class.

    Examples
    --------
    >>> table = pd.DataFrame({"strategy": ["a"] * 3, "budget": ["1"] * 3,
    ...                       "labels_per_class": [1.0] * 3, "seed": [0, 1, 2],
    ...                       "accuracy": [0.5, 0.6, 0.7]})
    >>> row = summarize_grid(table, "accuracy").iloc[0]
    >>> [round(float(row[k]), 3) for k in ("mean", "low", "high")]
    [0.6, 0.352, 0.848]
    """
    needed = ["strategy", "budget", "labels_per_class", metric]
    if not isinstance(results, pd.DataFrame):
        raise TypeError(f"results has type {type(results).__name__}; allowed: a DataFrame")
    missing = [c for c in needed if c not in results.columns]
    if missing:
        raise ValueError(f"results lacks columns {missing}; allowed: the output of run_grid")
    if not (isinstance(confidence, float) and 0.0 < confidence < 1.0):
        raise ValueError(f"confidence={confidence!r} is not allowed; allowed: a float in (0, 1)")
    rows = []
    for (strategy, budget), group in results.groupby(["strategy", "budget"], sort=False):
        values = group[metric].to_numpy(dtype=float)
        n = len(values)
        mean, low, high = t_interval(values, confidence=confidence)
        std = float(values.std(ddof=1)) if n > 1 else math.nan
        rows.append(
            {
                "strategy": strategy,
                "budget": budget,
                "labels_per_class": float(group["labels_per_class"].mean()),
                "mean": mean,
                "std": std,
                "low": low,
                "high": high,
                "n_seeds": n,
            }
        )
    summary = pd.DataFrame(rows)
    return summary.sort_values(["labels_per_class", "strategy"], kind="stable").reset_index(
        drop=True
    )


def first_meeting_budget(
    summary: pd.DataFrame, strategy_a: str, strategy_b: str, *, min_gap: float | None = None
) -> str | None:
    """The smallest budget at which two learning curves meet, or None if they never do.

    "Meet" means: the confidence intervals of the two strategies overlap
    (``min_gap=None``), or the absolute difference of their means is below ``min_gap``.

    Examples
    --------
    >>> summary = pd.DataFrame({
    ...     "strategy": ["a", "b", "a", "b"], "budget": ["1", "1", "5", "5"],
    ...     "labels_per_class": [1.0, 1.0, 5.0, 5.0], "mean": [0.5, 0.8, 0.85, 0.86],
    ...     "low": [0.45, 0.75, 0.8, 0.82], "high": [0.55, 0.85, 0.9, 0.9]})
    >>> first_meeting_budget(summary, "a", "b")
    '5'
    >>> first_meeting_budget(summary, "a", "b", min_gap=0.001) is None
    True
    """
    for name in (strategy_a, strategy_b):
        if name not in set(summary["strategy"]):
            raise ValueError(
                f"strategy {name!r} is not in summary; allowed: {sorted(set(summary['strategy']))}"
            )
    a = summary[summary["strategy"] == strategy_a].set_index("budget")
    b = summary[summary["strategy"] == strategy_b].set_index("budget")
    for budget in a.sort_values("labels_per_class").index:
        if budget not in b.index:
            continue
        if min_gap is None:
            meets = (
                a.at[budget, "low"] <= b.at[budget, "high"]
                and b.at[budget, "low"] <= a.at[budget, "high"]
            )
        else:
            meets = abs(a.at[budget, "mean"] - b.at[budget, "mean"]) < min_gap
        if meets:
            return str(budget)
    return None
