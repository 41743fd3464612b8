"""The headline claim of notebooks/06_adaptation_two_moons, on a reduced run (about 20 s).

On two moons rotated by 35 degrees (600 points per domain, noise 0.1), DANN closes at least
half of the gap between a source-only network and a target oracle (the same network trained on
target labels), averaged over five seeds. Importance weighting, honestly, does not: the rotation
changes P(y | x) and half of the target lies outside the source's support. Weights from a
domain classifier close none of the gap; kernel mean matching closes a real part of it, but
less than half. The reduced run
skips CORAL, the sweep over angles and the model-selection section of the notebook.
"""

# ruff: noqa: N803, N806  (X_*: scikit-learn's names for feature matrices)
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time

import numpy as np
import pytest
from sklearn.kernel_approximation import Nystroem
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from tlutils.adapt import DANN, DomainClassifierWeighter, KernelMeanMatching, make_rotated_moons

ANGLE, N_SAMPLES, NOISE, SEEDS = 35.0, 600, 0.1, [0, 1, 2, 3, 4]


def _domains(seed: int):
    X_s, y_s = make_rotated_moons(N_SAMPLES, angle=0.0, noise=NOISE, random_state=seed)
    X_t, y_t = make_rotated_moons(N_SAMPLES, angle=ANGLE, noise=NOISE, random_state=1000 + seed)
    X_te, y_te = make_rotated_moons(N_SAMPLES, angle=ANGLE, noise=NOISE, random_state=2000 + seed)
    return X_s, y_s, X_t, y_t, X_te, y_te


def _weights(X_s: np.ndarray, X_t: np.ndarray) -> np.ndarray:
    classifier = make_pipeline(
        Nystroem(gamma=2.0, n_components=100, random_state=0),
        LogisticRegression(C=10.0, max_iter=2000),
    )
    return DomainClassifierWeighter(classifier, clip=10.0).fit(X_s, X_target=X_t).weights_


@pytest.fixture(scope="module")
def accuracies() -> dict[str, np.ndarray]:
    net = DANN(hidden_units=(32, 32), domain_units=(32,), n_steps=300, learning_rate=0.01)
    scores: dict[str, list[float]] = {
        "source only": [],
        "importance weighting": [],
        "kernel mean matching": [],
        "DANN": [],
        "oracle": [],
    }
    fit_seconds = []
    with threadpool_limits(1):
        for seed in SEEDS:
            X_s, y_s, X_t, y_t, X_te, y_te = _domains(seed)
            net.random_state = seed
            net.lambda_max = 0.0
            scores["source only"].append(net.fit(X_s, y_s, X_t).score(X_te, y_te))
            weighted = net.fit(X_s, y_s, X_t, sample_weight=_weights(X_s, X_t))
            scores["importance weighting"].append(weighted.score(X_te, y_te))
            kmm = KernelMeanMatching(max_weight=10.0).fit(X_s, X_target=X_t)
            matched = net.fit(X_s, y_s, X_t, sample_weight=kmm.weights_)
            scores["kernel mean matching"].append(matched.score(X_te, y_te))
            scores["oracle"].append(net.fit(X_t, y_t, X_t).score(X_te, y_te))
            net.lambda_max = 1.0
            start = time.perf_counter()
            scores["DANN"].append(net.fit(X_s, y_s, X_t).score(X_te, y_te))
            fit_seconds.append(time.perf_counter() - start)
    result = {name: np.asarray(values) for name, values in scores.items()}
    result["dann_seconds"] = np.asarray(fit_seconds)
    return result


def _share_of_gap(accuracies: dict[str, np.ndarray], method: str) -> np.ndarray:
    source, oracle = accuracies["source only"], accuracies["oracle"]
    return (accuracies[method] - source) / (oracle - source)


def test_there_is_a_gap_to_close(accuracies) -> None:
    assert accuracies["oracle"].mean() > 0.98
    assert accuracies["source only"].mean() < 0.8


def test_dann_closes_at_least_half_of_the_gap(accuracies) -> None:
    closed = _share_of_gap(accuracies, "DANN")
    assert closed.mean() >= 0.5, f"DANN closed {closed.mean():.2f} ± {closed.std(ddof=1):.2f}"
    assert (accuracies["DANN"] > accuracies["source only"]).all()


def test_importance_weighting_does_not_close_the_gap(accuracies) -> None:
    # The notebook's honest negative result; if this starts failing, the text must change.
    closed = _share_of_gap(accuracies, "importance weighting")
    assert closed.mean() < 0.25, f"importance weighting closed {closed.mean():.2f}"


def test_kernel_mean_matching_helps_but_closes_less_than_half(accuracies) -> None:
    kmm = _share_of_gap(accuracies, "kernel mean matching")
    classifier_weights = _share_of_gap(accuracies, "importance weighting")
    assert 0.2 < kmm.mean() < 0.5, f"kernel mean matching closed {kmm.mean():.2f}"
    assert kmm.mean() > classifier_weights.mean() + 0.2


def test_one_dann_fit_is_fast(accuracies) -> None:
    assert accuracies["dann_seconds"].max() < 10.0
