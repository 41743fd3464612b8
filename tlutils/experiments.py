"""Run a grid of transfer strategies over label budgets and seeds, with a disk cache.

A learning curve needs many small training runs: every strategy, at every number of labels per
class, for several seeds. :func:`run_grid` runs them on shared target splits and caches each
run's scores on disk under a key of everything that can change them (strategy code and
parameters, budget, seed, data, ``config``, ``tlutils.__version__``), so a rebuild of the book
retrains nothing unchanged. :func:`summarize_grid` gives means with Student-t intervals and
:func:`summarize_paired` the paired interval of the per-seed difference between two strategies
at every budget, with a verdict against an equivalence margin (two one-sided tests). No
TensorFlow here; the strategies load it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tlutils._validation import (
    MAX_SEED,
    check_bool,
    check_callable,
    check_choice,
    check_int,
    check_real,
    invalid,
)
from tlutils.data import Domain, TargetSplit, split_target
from tlutils.stats import t_interval

__all__ = [
    "CACHE_ENV_VAR",
    "StrategySpec",
    "default_cache_dir",
    "run_grid",
    "summarize_grid",
    "summarize_paired",
]

CACHE_ENV_VAR = "TLUTILS_CACHE_DIR"
"""Environment variable that overrides the default cache directory."""

ALL_LABELS = "all"
"""How the ``budget`` column names the budget ``None`` (every available label)."""

_ROW_KEYS = ("strategy", "budget", "labels_per_class", "n_train", "seed", "cached")
_STRATEGY = "a callable fn(split, seed, **params) -> {metric: number}"


@dataclass(frozen=True)
class StrategySpec:
    """A strategy: a callable plus what identifies its version for the cache.

    ``fn(split, seed, **params)`` trains on ``split.train`` (and may use ``split.val``), scores
    on ``split.test`` and returns ``{metric name: number}``. ``version`` names the code in the
    cache key (``None``: ``fn``'s source code); ``params`` (JSON-serialisable) are passed to
    ``fn`` and are part of the key.

    Examples
    --------
    >>> spec = StrategySpec(lambda split, seed, lr: {"accuracy": 1.0}, params={"lr": 0.1})
    >>> spec.params
    {'lr': 0.1}
    """

    fn: Callable[..., Mapping[str, float]]
    version: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


def _as_spec(name: Any, value: Any) -> StrategySpec:
    if not isinstance(name, str) or not name:
        raise invalid("strategy name", "is not allowed", "a non-empty str", value=name)
    where = f"strategies[{name!r}]"
    if isinstance(value, Mapping):
        if set(value) - {"fn", "version", "params"} or "fn" not in value:
            keys = f"has keys {sorted(value)}"
            raise invalid(where, keys, "'fn' (required), 'version', 'params'")
        value = StrategySpec(value["fn"], value.get("version"), dict(value.get("params") or {}))
    elif not isinstance(value, StrategySpec):
        value = StrategySpec(check_callable(value, where, _STRATEGY + ", a StrategySpec or dict"))
    check_callable(value.fn, f"{where}.fn", _STRATEGY)
    if not isinstance(value.params, Mapping):
        params = f"{where}.params"
        raise invalid(params, "is not a dict", "a dict", value=value.params, error=TypeError)
    return value


def _unique_ints(values: Any, name: str, allowed: str, **bounds: Any) -> list[Any]:
    """A non-empty list of distinct ints (each checked by ``check_int`` with ``bounds``)."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        kind = f"has type {type(values).__name__}"
        raise invalid(name, kind, allowed, value=values, error=TypeError)
    checked = [check_int(v, f"{name}[{i}]", **bounds) for i, v in enumerate(values)]
    if not checked or len(set(checked)) != len(checked):
        raise invalid(name, "is empty or has duplicates", allowed, value=values)
    return checked


def default_cache_dir() -> Path:
    """The cache directory used when ``cache_dir=None``.

    ``$TLUTILS_CACHE_DIR`` when that variable is set, otherwise ``~/.cache/tlutils``.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"TLUTILS_CACHE_DIR": "/tmp/somewhere"}):
    ...     str(default_cache_dir())
    '/tmp/somewhere'
    >>> with mock.patch.dict(os.environ):  # restores the environment afterwards
    ...     _ = os.environ.pop("TLUTILS_CACHE_DIR", None)
    ...     default_cache_dir().parts[-2:]
    ('.cache', 'tlutils')
    """
    return Path(os.environ.get(CACHE_ENV_VAR) or Path.home() / ".cache" / "tlutils").expanduser()


def _resolve_cache_dir(cache_dir: Any) -> Path | None:
    if cache_dir is False:
        return None
    if cache_dir is None:
        return default_cache_dir() / "run_grid"
    if isinstance(cache_dir, str | os.PathLike):
        return Path(cache_dir).expanduser()
    allowed = "a path, None (the default) or False (no cache)"
    raise invalid("cache_dir", "is not a path", allowed, value=cache_dir, error=TypeError)


def _code_identity(name: str, spec: StrategySpec) -> str:
    if spec.version is not None:
        return f"version:{spec.version}"
    try:
        return "source:" + inspect.getsource(spec.fn)
    except (OSError, TypeError) as error:
        problem = f"has no source code for the cache key ({spec.fn!r})"
        allowed = "StrategySpec(fn, version='...') or cache_dir=False"
        raise invalid(f"strategies[{name!r}]", problem, allowed) from error


def _domain_fingerprint(domain: Domain) -> str:
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(domain.X).tobytes())
    digest.update(np.ascontiguousarray(domain.y).tobytes())
    digest.update(repr((domain.name, domain.class_names, domain.X.shape)).encode())
    return digest.hexdigest()


def _cache_key(parts: Mapping[str, Any]) -> str:
    text = json.dumps(parts, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _load(path: Path | None) -> dict[str, float] | None:
    if path is None:
        return None
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return None  # missing or corrupt: run again


def _store(path: Path | None, scores: Mapping[str, float]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(dict(scores), sort_keys=True))
    os.replace(partial, path)  # atomic: a crash never leaves half a file behind


def _check_scores(name: str, scores: Any) -> dict[str, float]:
    if not isinstance(scores, Mapping) or not scores:
        problem = f"returned {type(scores).__name__}"
        raise invalid(f"strategy {name!r}", problem, "{metric: number}", error=TypeError)
    return {str(key): check_real(value, f"{name}: {key}") for key, value in scores.items()}


def _split(domain: Domain, budget: int | None, seed: int, n_val: int, size: float) -> TargetSplit:
    try:
        return split_target(
            domain, budget, n_val_per_class=n_val, test_size=size, random_state=seed
        )
    except ValueError as error:  # say which entry of the grid asked for too many labels
        error.add_note(f"run_grid: label_budgets entry {budget!r} with seed {seed}")
        raise


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
    :func:`tlutils.data.split_target` (``random_state=seed``) and every strategy gets that
    split; all budgets of one seed share its test set.

    A strategy is a callable ``fn(split, seed) -> {metric: value}``, a :class:`StrategySpec`
    or a dict ``{"fn": ..., "version": ..., "params": {...}}``. ``label_budgets`` are labels per
    class (``None``: all); a budget the data cannot supply raises a ``ValueError`` before any
    strategy runs. ``config`` holds anything else the results depend on (JSON values, part of
    the cache key); ``cache_dir=None`` caches in :func:`default_cache_dir` ``/ "run_grid"``,
    ``False`` not at all; ``verbose`` prints each strategy's mean first metric per budget.

    The table's columns: ``strategy``, ``budget`` (str: ``"1"``, ..., ``"all"``),
    ``labels_per_class`` (float: training examples / classes), ``n_train``, ``seed``,
    ``cached`` (bool), then one column per metric returned by the strategies.

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
    if not isinstance(strategies, Mapping) or not strategies:
        error = ValueError if isinstance(strategies, Mapping) else TypeError
        problem, allowed = "is not a non-empty dict", "{name: strategy}, at least one"
        raise invalid("strategies", problem, allowed, value=strategies, error=error)
    specs = {name: _as_spec(name, value) for name, value in strategies.items()}
    positive = "positive ints (labels per class) or None (all labels)"
    budgets = _unique_ints(label_budgets, "label_budgets", positive, min_value=1, allow_none=True)
    seed_list = _unique_ints(seeds, "seeds", "ints >= 0", min_value=0, max_value=MAX_SEED)
    if config is not None and not isinstance(config, Mapping):
        raise invalid("config", "is not a dict", "a dict or None", value=config, error=TypeError)
    verbose = check_bool(verbose, "verbose")
    directory = _resolve_cache_dir(cache_dir)
    # all splits first (split_target checks domain): an impossible budget fails before training
    splits = {
        (budget, seed): _split(domain, budget, seed, n_val_per_class, test_size)
        for budget in budgets
        for seed in seed_list
    }

    import tlutils  # the package version is part of every cache key

    common = {
        "domain": _domain_fingerprint(domain),
        "n_val_per_class": n_val_per_class,
        "test_size": test_size,
        "config": dict(config or {}),
        "tlutils": tlutils.__version__,
    }
    identities = {n: _code_identity(n, spec) if directory else "" for n, spec in specs.items()}
    rows: list[dict[str, Any]] = []
    for budget in budgets:
        label, n_new = ALL_LABELS if budget is None else str(budget), 0
        for name, spec in specs.items():
            for seed in seed_list:
                split = splits[budget, seed]
                parts = {"strategy": name, "code": identities[name], "params": dict(spec.params)}
                key = _cache_key(common | parts | {"budget": budget, "seed": seed})
                path = None if directory is None else directory / f"{key}.json"
                scores = _load(path)
                cached = scores is not None
                if not cached:
                    scores = _check_scores(name, spec.fn(split, seed, **spec.params))
                    n_new += 1
                    _store(path, scores)
                n_train = split.train.n_samples
                row = (name, label, n_train / domain.n_classes, n_train, seed)
                rows.append(dict(zip(_ROW_KEYS, (*row, cached), strict=True)) | scores)
        if verbose:
            _report(label, rows[len(rows) - len(specs) * len(seed_list) :], n_new)
    return pd.DataFrame(rows)


def _report(label: str, rows: list[dict[str, Any]], n_new: int) -> None:
    """Print each strategy's mean of its first metric over the ``rows`` of one budget."""
    means = []
    for name in dict.fromkeys(row["strategy"] for row in rows):
        mine = [row for row in rows if row["strategy"] == name]
        metric = next(key for key in mine[0] if key not in _ROW_KEYS)
        means.append(f"{name} {np.mean([row[metric] for row in mine]):.3f}")
    print(f"budget {label:>3}: {' | '.join(means)}  ({n_new}/{len(rows)} runs new)")


def _check_table(table: Any, name: str, columns: Sequence[str]) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        kind = f"has type {type(table).__name__}"
        raise invalid(name, kind, f"a DataFrame with columns {list(columns)}", error=TypeError)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise invalid(name, f"lacks columns {missing}", f"a DataFrame with columns {columns}")
    return table


def summarize_grid(results: pd.DataFrame, metric: str, *, confidence: float = 0.95) -> pd.DataFrame:
    """Mean and Student-t confidence interval of ``metric`` per strategy and budget.

    The interval is :func:`tlutils.stats.t_interval` over the seeds of a cell. The table has the
    columns ``strategy``, ``budget``, ``labels_per_class``, ``mean``, ``std``, ``low``,
    ``high``, ``n_seeds``, budgets in order of increasing labels per class.

    Examples
    --------
    >>> table = pd.DataFrame({"strategy": ["a"] * 3, "budget": ["1"] * 3,
    ...                       "labels_per_class": [1.0] * 3, "seed": [0, 1, 2],
    ...                       "accuracy": [0.5, 0.6, 0.7]})
    >>> row = summarize_grid(table, "accuracy").iloc[0]
    >>> [round(float(row[k]), 3) for k in ("mean", "low", "high")]
    [0.6, 0.352, 0.848]
    """
    _check_table(results, "results", ["strategy", "budget", "labels_per_class", metric])
    confidence = check_real(confidence, "confidence", min_value=0, max_value=1, closed="neither")
    rows = []
    for (strategy, budget), group in results.groupby(["strategy", "budget"], sort=False):
        values = group[metric].to_numpy(dtype=float)
        mean, low, high = t_interval(values, confidence=confidence)
        std = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        per_class = float(group["labels_per_class"].mean())
        rows.append((strategy, budget, per_class, mean, std, low, high, len(values)))
    columns = ["strategy", "budget", "labels_per_class", "mean", "std", "low", "high", "n_seeds"]
    summary = pd.DataFrame(rows, columns=columns)
    order = summary.sort_values(["labels_per_class", "strategy"], kind="stable")
    return order.reset_index(drop=True)


def summarize_paired(
    results: pd.DataFrame,
    metric: str,
    strategy_a: str,
    strategy_b: str,
    *,
    confidence: float = 0.95,
    margin: float | None = None,
) -> pd.DataFrame:
    """Mean and t interval of the per-seed difference ``a - b`` of two strategies, by budget.

    Both strategies of a :func:`run_grid` table were trained on the same split for each seed
    and budget, so their scores are *paired*: the interval is :func:`tlutils.stats.t_interval`
    of the differences ``a - b`` seed by seed, which cancels the variation from split to split
    that unpaired intervals of the two means both carry. Every budget needs both strategies on
    the same seeds, once each.

    With an equivalence ``margin`` the table gets a ``verdict`` per budget: ``"equivalent"``
    when the interval lies inside ``(-margin, margin)`` (two one-sided tests at level
    ``(1 - confidence) / 2``: a 90 % interval is TOST at 5 %), else ``f"{strategy_a} better"``
    when it lies above 0, ``f"{strategy_b} better"`` when below 0, and ``"undecided"``
    otherwise. A difference too small to matter is ``"equivalent"`` even when it is above 0.

    The columns: ``budget``, ``labels_per_class``, ``mean``, ``low``, ``high``, ``n_seeds``
    (and ``verdict``), budgets in order of increasing labels per class.

    Examples
    --------
    >>> a = {"1": [0.8, 0.7, 0.9], "9": [0.91, 0.81, 0.95]}  # three seeds per budget
    >>> b = {"1": [0.6, 0.5, 0.7], "9": [0.90, 0.81, 0.945]}
    >>> results = pd.DataFrame([
    ...     {"strategy": name, "budget": budget, "labels_per_class": float(budget),
    ...      "seed": seed, "accuracy": scores[budget][seed]}
    ...     for name, scores in (("a", a), ("b", b)) for budget in scores for seed in range(3)])
    >>> paired = summarize_paired(results, "accuracy", "a", "b", margin=0.02)
    >>> paired[["budget", "verdict"]].values.tolist()
    [['1', 'a better'], ['9', 'equivalent']]
    >>> [round(float(paired.loc[1, k]), 3) for k in ("mean", "low", "high")]
    [0.005, -0.007, 0.017]
    """
    columns = ["strategy", "budget", "labels_per_class", "seed", metric]
    _check_table(results, "results", columns)
    names = list(pd.unique(results["strategy"]))
    check_choice(strategy_a, "strategy_a", names)
    check_choice(strategy_b, "strategy_b", [n for n in names if n != strategy_a])
    confidence = check_real(confidence, "confidence", min_value=0, max_value=1, closed="neither")
    margin = check_real(margin, "margin", min_value=0, closed="neither", allow_none=True)
    pair = results[results["strategy"].isin([strategy_a, strategy_b])]
    if pair.duplicated(["strategy", "budget", "seed"]).any():
        raise invalid("results", "has a strategy twice for one budget and seed", "one row each")
    counts = pair.groupby(["budget", "seed"], sort=False)["strategy"].nunique()
    unpaired = counts[counts < 2].index.tolist()
    if unpaired:
        problem = f"lacks one of the two strategies at (budget, seed) {unpaired}"
        raise invalid("results", problem, "both strategies at every budget and seed")
    wide = pair.pivot(index=["budget", "seed"], columns="strategy", values=metric)
    difference = (wide[strategy_a] - wide[strategy_b]).astype(float)
    per_class = pair.groupby("budget")["labels_per_class"].mean()
    rows = []
    for budget in per_class.sort_values(kind="stable").index:
        values = difference.loc[budget].to_numpy()
        mean, low, high = t_interval(values, confidence=confidence)
        row = {"budget": budget, "labels_per_class": float(per_class[budget])}
        row |= {"mean": mean, "low": low, "high": high, "n_seeds": len(values)}
        if margin is not None:
            row["verdict"] = _verdict(low, high, margin, strategy_a, strategy_b)
        rows.append(row)
    return pd.DataFrame(rows)


def _verdict(low: float, high: float, margin: float, a: str, b: str) -> str:
    """What a paired interval ``[low, high]`` of ``a - b`` says, given an equivalence margin."""
    if -margin < low and high < margin:
        return "equivalent"
    if low > 0:
        return f"{a} better"
    if high < 0:
        return f"{b} better"
    return "undecided"
