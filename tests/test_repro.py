"""Tests for tlutils.repro (imports TensorFlow, so the first test takes a few seconds)."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

from tlutils.repro import MAX_SEED, set_seed

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


def test_seed_is_exported_to_the_environment() -> None:
    set_seed(99, deterministic=False)
    assert os.environ["PYTHONHASHSEED"] == "99"


def test_numpy_integer_and_extreme_seeds_are_accepted() -> None:
    set_seed(np.int64(5), deterministic=False)
    after_numpy_int = np.random.rand()
    set_seed(5, deterministic=False)
    assert np.random.rand() == after_numpy_int
    set_seed(0, deterministic=False)
    set_seed(MAX_SEED, deterministic=False)


@pytest.mark.parametrize("deterministic", [True, False])
def test_op_determinism_is_enabled_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, deterministic: bool
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(True))
    set_seed(3, deterministic=deterministic)
    assert calls == ([True] if deterministic else [])


@pytest.mark.parametrize("seed", [1.0, "1", None, True, False, np.bool_(True), [1]])
def test_non_integer_seed_is_a_type_error(seed: object) -> None:
    with pytest.raises(TypeError, match=r"seed=.* must be an int"):
        set_seed(seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [-1, 2**32, 2**40])
def test_out_of_range_seed_is_a_value_error(seed: int) -> None:
    with pytest.raises(ValueError, match=rf"seed={seed} is out of range; allowed: 0\.\."):
        set_seed(seed)


@pytest.mark.parametrize("deterministic", [1, "yes", None])
def test_non_bool_deterministic_is_a_type_error(deterministic: object) -> None:
    with pytest.raises(TypeError, match="deterministic=.* must be a bool"):
        set_seed(0, deterministic=deterministic)  # type: ignore[arg-type]
