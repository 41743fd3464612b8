"""Tests for tlutils.adapt.dann: the gradient-reversal layer, the lambda ramp and DANN."""

# ruff: noqa: N806  (X, X_target: scikit-learn's names for feature matrices)
from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import tensorflow as tf

from tlutils.adapt import DANN, GradientReversal, dann_lambda_schedule
from tlutils.data import make_rotated_moons


@pytest.fixture(scope="module")
def moons():
    """Source at 0 degrees, unlabelled target and a target test set at 35 degrees."""
    X_source, y_source = make_rotated_moons(400, angle=0.0, random_state=0)
    X_target, _ = make_rotated_moons(400, angle=35.0, random_state=1000)
    X_test, y_test = make_rotated_moons(400, angle=35.0, random_state=2000)
    return X_source, y_source, X_target, X_test, y_test


@pytest.fixture(scope="module")
def trained(moons):
    """One network for every test: refits reuse its two traced training loops."""
    X_source, y_source, X_target, _, _ = moons
    return DANN(n_steps=200, random_state=0).fit(X_source, y_source, X_target)


@pytest.fixture
def net(trained):
    """The shared network, with its hyperparameters restored after each test."""
    params = trained.get_params()
    yield trained
    trained.set_params(**params)


def target_accuracy(net: DANN, moons, *, lambda_max: float, seed: int) -> float:
    X_source, y_source, X_target, X_test, y_test = moons
    net.set_params(lambda_max=lambda_max, random_state=seed).fit(X_source, y_source, X_target)
    return net.score(X_test, y_test)


# ------------------------------------------------------------------ gradient reversal


def test_gradient_reversal_is_the_identity_forward_and_scales_gradients_by_minus_lambda():
    layer = GradientReversal(lambda_=2.5)
    x = tf.constant([[1.0, -3.0], [0.5, 4.0]])
    upstream = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * upstream)
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), -2.5 * upstream.numpy())
    layer.lambda_ = 0.0
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x))
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), 0.0)


def test_gradient_reversal_round_trips_through_a_keras_file(tmp_path) -> None:
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(GradientReversal(lambda_=0.3)(inputs)))
    model.save(tmp_path / "grl.keras")
    loaded = keras.models.load_model(tmp_path / "grl.keras")
    assert isinstance(loaded.layers[1], GradientReversal)
    assert loaded.layers[1].lambda_ == pytest.approx(0.3)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def test_gradient_reversal_rejects_a_negative_lambda() -> None:
    with pytest.raises(ValueError, match="lambda_=-0.1 is out of range"):
        GradientReversal(lambda_=-0.1)


def test_lambda_schedule_ramps_from_zero_towards_lambda_max() -> None:
    values = dann_lambda_schedule(np.linspace(0, 1, 11), lambda_max=3.0, gamma=5.0)
    assert values[0] == 0.0 and np.all(np.diff(values) > 0) and 2.9 < values[-1] < 3.0


# ------------------------------------------------------------------ DANN


def test_dann_closes_part_of_the_gap_on_rotated_moons(net, moons) -> None:
    adapted = np.mean([target_accuracy(net, moons, lambda_max=1.0, seed=s) for s in (0, 1)])
    source_only = np.mean([target_accuracy(net, moons, lambda_max=0.0, seed=s) for s in (0, 1)])
    assert source_only < 0.85 and adapted > source_only + 0.05, (source_only, adapted)


def test_dann_trains_with_the_public_lambda_schedule(net, moons) -> None:
    X_source, y_source, X_target, _, _ = moons
    net.set_params(lambda_max=0.7, gamma=4.0, random_state=0).fit(X_source, y_source, X_target)
    last = dann_lambda_schedule((net.n_steps - 1) / net.n_steps, lambda_max=0.7, gamma=4.0)
    assert net.reversal.lambda_ == pytest.approx(last, rel=1e-6)
    losses = net.history_["label_loss"]
    assert losses.shape == (net.n_steps,) and losses[-1] < 0.5 * losses[0]


def test_dann_predicts_probabilities_labels_and_features(net, moons) -> None:
    _, _, X_target, _, _ = moons
    proba = net.predict_proba(X_target)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(net.predict(X_target), proba.argmax(axis=1))
    assert net.transform(X_target).shape == (len(X_target), net.hidden_units[-1])


def test_dann_refits_from_seeded_weights_without_retracing(net, moons) -> None:
    X_source, y_source, X_target, X_test, _ = moons
    net.set_params(lambda_max=1.0, random_state=3)
    first = net.fit(X_source, y_source, X_target).predict_proba(X_test)
    np.testing.assert_array_equal(
        net.fit(X_source, y_source, X_target).predict_proba(X_test), first
    )
    other = net.set_params(random_state=4).fit(X_source, y_source, X_target).predict_proba(X_test)
    assert not np.allclose(other, first)
    assert net._train[True].experimental_get_tracing_count() == 1


def test_dann_without_adversary_ignores_the_target(net, moons) -> None:
    X_source, y_source, X_target, X_test, _ = moons
    net.set_params(lambda_max=0.0, random_state=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. Keras' "gradients do not exist" warning
        first = net.fit(X_source, y_source, X_target).predict_proba(X_test)
    np.testing.assert_array_equal(net.history_["domain_loss"], 0.0)
    moved = net.fit(X_source, y_source, X_target[::-1] + 5.0).predict_proba(X_test)
    np.testing.assert_allclose(moved, first, atol=1e-5)


def test_dann_keeps_label_values_and_uses_sample_weights(net, moons) -> None:
    X_source, y_source, X_target, _, _ = moons
    names = np.array(["upper", "lower"])[y_source]
    model = DANN(n_steps=40, lambda_max=0.0, random_state=0).fit(X_source, names, X_target)
    assert model.classes == ["lower", "upper"] and model.score(X_source, names) > 0.8
    upper_only = (names == "upper").astype(float)  # weight only the upper moon
    model.fit(X_source, names, X_target, sample_weight=upper_only)
    assert np.mean(model.predict(X_source) == "upper") > 0.9


def test_dann_minibatches_are_seeded(net, moons) -> None:
    X_source, y_source, X_target, _, _ = moons
    net.set_params(lambda_max=1.0, random_state=0, batch_size=16)
    first = net.fit(X_source, y_source, X_target).history_["domain_loss"]
    again = net.fit(X_source, y_source, X_target).history_["domain_loss"]
    full = net.set_params(batch_size=None).fit(X_source, y_source, X_target).history_
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, full["domain_loss"])


def test_dann_round_trips_through_a_keras_file(net, moons, tmp_path) -> None:
    X_source, y_source, X_target, X_test, _ = moons
    net.set_params(lambda_max=1.0, random_state=0).fit(X_source, y_source, X_target)
    net.save(tmp_path / "dann.keras")
    loaded = keras.models.load_model(tmp_path / "dann.keras")
    assert isinstance(loaded, DANN) and loaded.get_config() == net.get_config()
    np.testing.assert_array_equal(loaded.predict_proba(X_test), net.predict_proba(X_test))
    copy = DANN.from_config(net.get_config())
    copy.set_weights(net.get_weights())
    np.testing.assert_array_equal(copy.predict(X_test), net.predict(X_test))


def test_dann_get_and_set_params_follow_scikit_learn(net) -> None:
    params = net.get_params()
    assert DANN(**params).get_params() == params
    assert net.set_params(n_steps=params["n_steps"]) is net


def test_dann_rejects_bad_parameters_and_data(net, moons) -> None:
    X_source, y_source, X_target, _, _ = moons
    with pytest.raises(ValueError, match="parameter='lambda' is not supported"):
        net.set_params(**{"lambda": 0.5})
    with pytest.raises(ValueError, match="X_target has shape \\(4, 3\\)"):
        net.fit(X_source, y_source, np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"domain_units\) is \(2, \[0, 1\], \(8,\)"):
        net.set_params(hidden_units=(8,)).fit(X_source, y_source, X_target)
