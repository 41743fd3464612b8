"""Tests for tlutils.models: the shared Keras MLP, feature extraction and new heads."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest

from tlutils import models
from tlutils.models import (
    CompactLogger,
    ValidationLoss,
    base_layer_names,
    build_mlp,
    compile_binary,
    compile_for,
    feature_extractor,
    with_new_head,
)

SEED_LAYER_NAMES = ["base_dense_1", "base_dropout_1", "base_dense_2", "base_dropout_2", "head"]


@pytest.fixture(autouse=True)
def _seed() -> None:
    keras.utils.set_random_seed(1234)


def _toy_data(n: int = 32, d: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.random((n, d), dtype=np.float32)
    y = (x[:, 0] > 0.5).astype("float32")
    return x, y


# --------------------------------------------------------------------------- build_mlp


def test_build_mlp_matches_the_seed_network() -> None:
    model = build_mlp(64)
    assert [layer.name for layer in model.layers[1:]] == SEED_LAYER_NAMES
    assert model.get_layer("base_dense_1").units == 64
    assert model.get_layer("base_dense_2").units == 64
    assert model.get_layer("base_dropout_1").rate == pytest.approx(0.5)
    assert model.get_layer("base_dropout_2").rate == pytest.approx(0.5)
    assert model.get_layer("base_dense_1").activation.__name__ == "relu"
    assert model.get_layer("head").activation.__name__ == "sigmoid"
    assert model.output_shape == (None, 1)
    # Dense(64) on 64 inputs, Dense(64) on 64, Dense(1) on 64: weights + biases.
    expected = (64 * 64 + 64) + (64 * 64 + 64) + (64 + 1)
    assert model.count_params() == expected == 8385
    assert not model.compiled


def test_build_mlp_softmax_head_and_custom_widths() -> None:
    model = build_mlp(10, hidden_units=(7, 5, 3), dropout=0.0, n_outputs=4, name="wide")
    assert model.name == "wide"
    assert model.get_layer("head").activation.__name__ == "softmax"
    assert model.output_shape == (None, 4)
    assert [model.get_layer(f"base_dense_{i}").units for i in (1, 2, 3)] == [7, 5, 3]
    probabilities = model.predict(np.ones((3, 10), "float32"), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"input_dim": 0}, ValueError, "input_dim=0"),
        ({"input_dim": -3}, ValueError, "input_dim=-3"),
        ({"input_dim": 6.0}, TypeError, "input_dim=6.0"),
        ({"input_dim": True}, TypeError, "input_dim=True"),
        ({"input_dim": 8, "dropout": 1.0}, ValueError, r"dropout=1\.0.*\[0, 1\)"),
        ({"input_dim": 8, "dropout": -0.1}, ValueError, r"dropout=-0\.1"),
        ({"input_dim": 8, "dropout": "half"}, TypeError, "dropout='half'"),
        ({"input_dim": 8, "n_outputs": 0}, ValueError, "n_outputs=0"),
        ({"input_dim": 8, "hidden_units": ()}, ValueError, r"hidden_units=\(\) is empty"),
        ({"input_dim": 8, "hidden_units": 64}, TypeError, "hidden_units=64"),
        ({"input_dim": 8, "hidden_units": (4, 0)}, ValueError, r"hidden_units\[1\]=0"),
    ],
)
def test_build_mlp_rejects_bad_input(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        build_mlp(**kwargs)


# --------------------------------------------------------------------------- feature_extractor


def test_feature_extractor_outputs_last_base_layer() -> None:
    model = build_mlp(64)
    features = feature_extractor(model)
    assert features.output_shape == (None, 64)
    assert features.layers[-1].name == "base_dropout_2"
    x = np.random.default_rng(1).random((5, 64), dtype=np.float32)
    # Same layers, same weights: the features equal the second hidden layer's activations.
    dense_1, dense_2 = model.get_layer("base_dense_1"), model.get_layer("base_dense_2")
    expected = dense_2(dense_1(x))
    np.testing.assert_allclose(features.predict(x, verbose=0), np.asarray(expected), rtol=1e-5)


def test_feature_extractor_rejects_foreign_models() -> None:
    inputs = keras.Input(shape=(4,))
    other = keras.Model(inputs, keras.layers.Dense(1, name="out")(inputs))
    with pytest.raises(ValueError, match="model .* has no layer named"):
        feature_extractor(other)
    with pytest.raises(TypeError, match="model has type str"):
        feature_extractor("mlp")


def test_base_layer_names_in_order() -> None:
    assert base_layer_names(build_mlp(8)) == SEED_LAYER_NAMES[:-1]


# --------------------------------------------------------------------------- with_new_head


def _weights(model: keras.Model) -> list[np.ndarray]:
    return [np.array(w) for w in model.get_weights()]


@pytest.mark.parametrize("train_base", [False, True])
def test_with_new_head_copies_base_and_reinitialises_head(train_base: bool) -> None:
    source = build_mlp(8, hidden_units=(6, 5))
    new = with_new_head(source, train_base=train_base)
    assert new is not source
    for name in ("base_dense_1", "base_dense_2"):
        for w_new, w_src in zip(
            new.get_layer(name).get_weights(), source.get_layer(name).get_weights(), strict=True
        ):
            np.testing.assert_array_equal(w_new, w_src)
    new_kernel = new.get_layer("head").get_weights()[0]
    src_kernel = source.get_layer("head").get_weights()[0]
    assert not np.allclose(new_kernel, src_kernel)
    # Frozen base: only the head's kernel and bias train; otherwise all 6 weight tensors do.
    assert len(new.trainable_weights) == (6 if train_base else 2)
    assert all(layer.trainable for layer in source.layers)


def test_with_new_head_changes_output_size() -> None:
    source = build_mlp(8, hidden_units=(4,))
    new = with_new_head(source, n_outputs=3, train_base=True)
    assert new.output_shape == (None, 3)
    assert new.get_layer("head").activation.__name__ == "softmax"


@pytest.mark.parametrize("train_base", [False, True])
def test_training_the_new_model_leaves_the_source_unchanged(train_base: bool) -> None:
    x, y = _toy_data()
    source = compile_binary(build_mlp(8, hidden_units=(6, 5)), learning_rate=1e-2)
    before = _weights(source)
    new = compile_binary(with_new_head(source, train_base=train_base), learning_rate=1e-1)
    new_before = _weights(new)
    new.fit(x, y, epochs=1, batch_size=16, verbose=0)
    for w_src, w_then in zip(_weights(source), before, strict=True):
        np.testing.assert_array_equal(w_src, w_then)
    base_changed = not np.array_equal(new.get_layer("base_dense_1").get_weights()[0], new_before[0])
    head_changed = not np.array_equal(new.get_layer("head").get_weights()[0], new_before[-2])
    assert head_changed
    assert base_changed is train_base
    # The source model still predicts (it was not consumed by the new one).
    assert source.predict(x[:2], verbose=0).shape == (2, 1)


def test_with_new_head_rejects_bad_input() -> None:
    source = build_mlp(8)
    with pytest.raises(TypeError, match="train_base=1"):
        with_new_head(source, train_base=1)
    with pytest.raises(ValueError, match="n_outputs=0"):
        with_new_head(source, n_outputs=0, train_base=True)
    inputs = keras.Input(shape=(8,))
    foreign = keras.Model(inputs, keras.layers.Dense(1, name="dense")(inputs))
    with pytest.raises(ValueError, match=r"has no layer named \['base_dense_1', 'head'\]"):
        with_new_head(foreign, train_base=False)


# --------------------------------------------------------------------------- compiling


def test_compile_for_picks_loss_from_head_and_sets_learning_rate() -> None:
    binary = compile_for(build_mlp(8), learning_rate=1e-4)
    assert binary.loss == "binary_crossentropy"
    assert float(binary.optimizer.learning_rate) == pytest.approx(1e-4)
    multi = compile_for(build_mlp(8, n_outputs=3), metrics=None, steps_per_execution=4)
    assert multi.loss == "sparse_categorical_crossentropy"
    assert float(multi.optimizer.learning_rate) == pytest.approx(1e-3)
    assert multi.steps_per_execution == 4
    assert binary.steps_per_execution == 1


@pytest.mark.parametrize("train_base", [False, True])
def test_compile_builds_optimizer_for_trainable_weights_only(train_base: bool) -> None:
    model = compile_binary(with_new_head(build_mlp(8), train_base=train_base))
    # Adam keeps two slots (m, v) per trainable tensor, plus its iteration count and rate.
    n_trainable = 6 if train_base else 2
    assert len(model.trainable_variables) == n_trainable
    assert len(model.optimizer.variables) == 2 + 2 * n_trainable


def test_compile_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="learning_rate=0"):
        compile_for(build_mlp(8), learning_rate=0)
    with pytest.raises(TypeError, match="learning_rate='fast'"):
        compile_for(build_mlp(8), learning_rate="fast")
    with pytest.raises(ValueError, match="2 output units"):
        compile_binary(build_mlp(8, n_outputs=2))
    with pytest.raises(ValueError, match="steps_per_execution=0"):
        compile_binary(build_mlp(8), steps_per_execution=0)


# --------------------------------------------------------------------------- CompactLogger


def test_compact_logger_prints_few_lines_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = _toy_data()
    model = compile_binary(build_mlp(8, hidden_units=(4,)))
    logger = CompactLogger(every=3, keys=["loss", "val_accuracy"], prefix="src")
    model.fit(x, y, epochs=7, validation_split=0.25, verbose=0, callbacks=[logger])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "src epoch 3/7",
        "src epoch 6/7",
        "src epoch 7/7",
    ]
    assert all("loss " in line and "val_accuracy " in line for line in lines)
    assert "accuracy 0" not in lines[0].replace("val_accuracy", "")
    assert captured.err == ""


def test_compact_logger_reports_early_stop(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = _toy_data()
    model = compile_binary(build_mlp(8, hidden_units=(4,)))
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    model.fit(x, y, epochs=20, verbose=0, callbacks=[CompactLogger(every=10), stop])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("epoch 2/20") and out[0].endswith("(stopped)")


def test_compact_logger_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="every=0"):
        CompactLogger(every=0)
    with pytest.raises(TypeError, match="keys='loss'"):
        CompactLogger(keys="loss")


# --------------------------------------------------------------------------- ValidationLoss


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_validation_loss_matches_keras_evaluation(n_outputs: int) -> None:
    x, y = _toy_data(n=24)
    labels = (y if n_outputs == 1 else (x[:, 1] * 3).astype(int).clip(0, 2)).astype(int)
    x_val, y_val = x[:10], labels[:10]
    model = compile_for(build_mlp(8, hidden_units=(5,), n_outputs=n_outputs), metrics=None)
    history = model.fit(
        x[10:], labels[10:], epochs=3, verbose=0, callbacks=[ValidationLoss(x_val, y_val)]
    )
    assert len(history.history["val_loss"]) == 3
    expected = model.evaluate(x_val, y_val, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(expected, rel=1e-5)
    with_keras = compile_for(build_mlp(8, hidden_units=(5,), n_outputs=n_outputs), metrics=None)
    with_keras.set_weights(model.get_weights())
    keras_history = with_keras.fit(
        x[10:], labels[10:], epochs=1, verbose=0, validation_data=(x_val, y_val)
    )
    ours = ValidationLoss(x_val, y_val)
    ours.set_model(with_keras)
    logs: dict = {}
    ours.on_epoch_end(0, logs)
    assert logs["val_loss"] == pytest.approx(keras_history.history["val_loss"][-1], rel=1e-5)


def test_validation_loss_drives_early_stopping() -> None:
    x, y = _toy_data(n=24)
    model = compile_binary(build_mlp(8, hidden_units=(4,)), learning_rate=1e-9, metrics=None)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=1.0)
    history = model.fit(x, y, epochs=20, verbose=0, callbacks=[ValidationLoss(x[:8], y[:8]), stop])
    assert len(history.history["loss"]) == 2  # no improvement of 1.0: stops after patience


def test_validation_loss_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match=r"x has shape \(0, 4\)"):
        ValidationLoss(np.zeros((0, 4)), np.zeros(0))
    with pytest.raises(ValueError, match=r"y has shape \(3,\); allowed: one label per row"):
        ValidationLoss(np.zeros((4, 2)), np.zeros(3))


# --------------------------------------------------------------------------- CNN, freezing, L2-SP


def test_build_cnn_named_base_with_batchnorm_and_head() -> None:
    model = models.build_cnn(n_outputs=4)
    names = [layer.name for layer in model.layers[1:]]
    assert names[-1] == "head" and all(n.startswith("base_") for n in names[:-1])
    assert "base_block1_conv" in names and "base_block2_bn" in names
    bn = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(bn) == 2 and bn[0].momentum == pytest.approx(0.9)
    assert model.output_shape == (None, 4)
    assert models.build_cnn(n_outputs=1).get_layer("head").activation.__name__ == "sigmoid"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_outputs": 0}, ValueError, "n_outputs=0"),
        ({"input_shape": (8, 8)}, ValueError, "input_shape=\\(8, 8\\)"),
        ({"filters": ()}, ValueError, "filters=\\(\\)"),
        ({"filters": (4, 4, 4, 4)}, ValueError, "at most 3 blocks"),
        ({"bn_momentum": 1.0}, ValueError, "bn_momentum=1.0"),
    ],
)
def test_build_cnn_rejects_bad_input(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        models.build_cnn(**kwargs)


def test_freeze_and_unfreeze_by_name_and_depth() -> None:
    model = models.build_cnn(n_outputs=3)
    assert models.freeze(model) == [layer.name for layer in model.layers[1:-1]]
    assert [w.path for w in model.trainable_weights] == ["head/kernel", "head/bias"]
    models.unfreeze(model, "base_block2_conv")
    assert "base_block2_conv/kernel" in [w.path for w in model.trainable_weights]
    models.unfreeze(model, up_to_depth=len(model.layers) - 1)
    assert len(model.trainable_weights) == len(models.build_cnn(n_outputs=3).trainable_weights)
    assert models.freeze(model, up_to_depth=0) == []


def test_freeze_bad_input_names_the_problem() -> None:
    model = models.build_cnn(n_outputs=3)
    with pytest.raises(
        ValueError, match=r"unknown layer name\(s\) \['base_conv'\].*base_block1_conv"
    ):
        models.freeze(model, ["base_conv"])
    with pytest.raises(ValueError, match="up_to_depth=99 is out of range; allowed: 0..10"):
        models.freeze(model, up_to_depth=99)
    with pytest.raises(ValueError, match="up_to_depth=-1"):
        models.unfreeze(model, up_to_depth=-1)
    with pytest.raises(TypeError, match="up_to_depth=1.5"):
        models.freeze(model, up_to_depth=1.5)
    with pytest.raises(ValueError, match="both given"):
        models.freeze(model, ["head"], up_to_depth=1)
    with pytest.raises(TypeError, match="model has type str"):
        models.freeze("model")


def test_replace_head_copies_base_and_leaves_source_untouched() -> None:
    source = models.build_cnn(n_outputs=10)
    before = [w.copy() for w in source.get_weights()]
    new = models.replace_head(source, 3, train_base=False)
    assert new.output_shape == (None, 3)
    for name in ("base_block1_conv", "base_block2_bn"):
        for a, b in zip(
            new.get_layer(name).get_weights(), source.get_layer(name).get_weights(), strict=True
        ):
            np.testing.assert_array_equal(a, b)
        assert new.get_layer(name) is not source.get_layer(name)
    assert [w.path for w in new.trainable_weights] == ["head/kernel", "head/bias"]
    new.get_layer("base_block1_conv").kernel.assign(np.zeros((3, 3, 1, 8), "float32"))
    for a, b in zip(source.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    mlp = models.replace_head(models.build_mlp(6, hidden_units=(4,)), 2)
    assert mlp.output_shape == (None, 2) and mlp.get_layer("head").activation.__name__ == "softmax"
    with pytest.raises(ValueError, match="n_outputs=0"):
        models.replace_head(source, 0)
    with pytest.raises(TypeError, match="train_base=1"):
        models.replace_head(source, 2, train_base=1)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="dense")])
    with pytest.raises(ValueError, match="needs 'base_\\*' layers and a 'head'"):
        models.replace_head(plain, 2)


def test_l2sp_penalty_is_zero_at_reference_and_grows_with_distance() -> None:
    model = models.build_cnn(n_outputs=2, filters=(2,))
    reference = models.base_weights(model)
    assert float(models.l2sp_penalty(model, reference, alpha=1.0, beta=0.0)) == 0.0
    kernel = model.get_layer("base_block1_conv").kernel
    values = []
    for step in (0.1, 0.2, 0.4):
        kernel.assign(reference["base_block1_conv/kernel"] + step)
        values.append(float(models.l2sp_penalty(model, reference, alpha=2.0, beta=0.0)))
    n = reference["base_block1_conv/kernel"].size
    np.testing.assert_allclose(values, [n * s**2 for s in (0.1, 0.2, 0.4)], rtol=1e-5)
    head = model.get_layer("head").kernel.numpy()
    beta_only = float(models.l2sp_penalty(model, reference, alpha=0.0, beta=2.0))
    assert beta_only == pytest.approx(float(np.sum(head**2)), rel=1e-5)
    with pytest.raises(ValueError, match="alpha=-1"):
        models.l2sp_penalty(model, reference, alpha=-1, beta=0.0)
    with pytest.raises(ValueError, match="reference_weights has \\['nope/kernel'\\]"):
        models.l2sp_penalty(model, {"nope/kernel": np.zeros(1)}, alpha=1.0, beta=0.0)


def _toy_task(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], 16)
    x = rng.normal(0.0, 0.3, (32, 8, 8, 1)).astype("float32")
    x[y == 1, :4] += 1.0  # class 1: bright top half
    return x, y


def test_fast_trainer_learns_resets_and_l2sp_keeps_weights_close() -> None:
    keras.utils.set_random_seed(0)
    x, y = _toy_task()
    start = models.build_cnn(n_outputs=2, filters=(4,))
    reference = models.base_weights(start)
    weights = start.get_weights()
    plain = models.FastTrainer(models.replace_head(start, 2), learning_rate=0.05)
    strong = models.FastTrainer(
        models.replace_head(start, 2), learning_rate=0.05, l2sp=(reference, 100.0, 0.0)
    )
    first = plain.reset(weights).fit(x, y, steps=1)
    last = plain.fit(x, y, steps=40)
    assert last < first
    assert np.mean(plain.predict(x).argmax(1) == y) > 0.9

    def drift(trainer):
        now = models.base_weights(trainer.model)
        return sum(float(np.sum((now[k] - reference[k]) ** 2)) for k in reference)

    plain.reset(weights).fit(x, y, steps=40)
    strong.reset(weights).fit(x, y, steps=40)
    assert drift(strong) < 0.5 * drift(plain)
    # reset really restarts: the same run twice gives the same loss
    assert plain.reset(weights).fit(x, y, steps=5) == pytest.approx(
        plain.reset(weights).fit(x, y, steps=5), rel=1e-4
    )


def test_fast_trainer_batchnorm_modes_and_frozen_layers() -> None:
    x, y = _toy_task(1)
    model = models.build_cnn(n_outputs=2, filters=(4,))
    bn = model.get_layer("base_block1_bn")
    stats = bn.moving_mean.numpy().copy()
    models.FastTrainer(model, bn_training=False, batch_size=4).fit(x, y, steps=5)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), stats)  # inference mode keeps them
    models.FastTrainer(model, bn_training=True, batch_size=4).fit(x, y, steps=5)
    assert not np.allclose(bn.moving_mean.numpy(), stats)  # training mode moves them
    frozen_kernel = model.get_layer("base_block1_conv").kernel.numpy().copy()
    models.freeze(model)
    models.FastTrainer(model, learning_rate=0.1).fit(x, y, steps=5)
    np.testing.assert_array_equal(model.get_layer("base_block1_conv").kernel.numpy(), frozen_kernel)


def test_fast_trainer_bad_input() -> None:
    model = models.build_cnn(n_outputs=2, filters=(4,))
    trainer = models.FastTrainer(model)
    x, y = _toy_task()
    with pytest.raises(ValueError, match="steps=0"):
        trainer.fit(x, y, steps=0)
    with pytest.raises(ValueError, match="x has shape \\(32, 64\\)"):
        trainer.fit(x.reshape(32, 64), y, steps=1)
    with pytest.raises(ValueError, match="x has 32 rows and y 3"):
        trainer.fit(x, y[:3], steps=1)
    with pytest.raises(ValueError, match="batch_size=0"):
        models.FastTrainer(model, batch_size=0)
    with pytest.raises(ValueError, match="learning_rate=0"):
        models.FastTrainer(model, learning_rate=0.0)
    with pytest.raises(TypeError, match="bn_training='no'"):
        models.FastTrainer(model, bn_training="no")
    models.freeze(model, up_to_depth=len(model.layers) - 1)
    with pytest.raises(ValueError, match="has no trainable weights"):
        models.FastTrainer(model)
