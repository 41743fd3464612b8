"""Tests for tlutils.repro (imports TensorFlow, so the first test takes a few seconds)."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

from tlutils.repro import set_seed

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


@pytest.fixture(autouse=True)
def _restore_hash_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """set_seed writes os.environ; let monkeypatch put the old value back afterwards."""
    monkeypatch.setenv("PYTHONHASHSEED", "unset-by-test")


def _draw_everything() -> dict[str, np.ndarray]:
    return {
        "random": np.array([random.random() for _ in range(3)]),
        "numpy": np.random.rand(3),
        "tf.random": tf.random.uniform([3]).numpy(),
        "keras.random": keras.random.uniform((3,)).numpy(),
        "initializer": keras.initializers.GlorotUniform()((4, 3)).numpy(),
        "dense_kernel": keras.layers.Dense(2)(np.ones((1, 3), np.float32)).numpy(),
    }


def test_same_seed_repeats_every_generator() -> None:
    set_seed(123)
    first = _draw_everything()
    set_seed(123)
    second = _draw_everything()
    for source, values in first.items():
        np.testing.assert_array_equal(values, second[source], err_msg=source)


def test_different_seeds_give_different_draws() -> None:
    set_seed(1)
    first = _draw_everything()
    set_seed(2)
    second = _draw_everything()
    for source, values in first.items():
        assert not np.array_equal(values, second[source]), source


def test_seed_is_exported_for_child_processes() -> None:
    set_seed(99, deterministic=False)
    assert os.environ["PYTHONHASHSEED"] == "99"


@pytest.mark.parametrize("deterministic", [True, False])
def test_op_determinism_is_enabled_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, deterministic: bool
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(True))
    set_seed(3, deterministic=deterministic)
    assert calls == ([True] if deterministic else [])


def test_set_seed_rejects_seeds_numpy_cannot_take() -> None:
    with pytest.raises(ValueError, match="seed=4294967296 is out of range"):
        set_seed(2**32)
