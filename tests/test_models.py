"""Tests for tlutils.models: one API for the MLP and the CNN (named base, replaceable head)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from collections.abc import Callable

import keras
import numpy as np
import pytest

from tlutils import models


@pytest.fixture(autouse=True)
def _seed() -> None:
    keras.utils.set_random_seed(1234)


def _mlp(n_outputs: int = 2) -> keras.Model:
    return models.build_mlp(8, hidden_units=(6, 5), n_outputs=n_outputs)


def _cnn(n_outputs: int = 2) -> keras.Model:
    return models.build_cnn((8, 8, 1), n_outputs, filters=(4, 6))


BUILDERS = [pytest.param(_mlp, id="mlp"), pytest.param(_cnn, id="cnn")]
Builder = Callable[..., keras.Model]


def _inputs(model: keras.Model, n: int = 5) -> np.ndarray:
    shape = (n, *model.input_shape[1:])
    return np.random.default_rng(0).random(shape).astype("float32")


@pytest.mark.parametrize("build", BUILDERS)
def test_the_same_keras_seed_gives_the_same_weights(build: Builder) -> None:
    keras.utils.set_random_seed(7)
    first = build().get_weights()
    keras.utils.set_random_seed(7)
    second = build().get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert not np.array_equal(first[0], build().get_weights()[0])  # the seed moved on


@pytest.mark.parametrize("build", BUILDERS)
def test_base_layers_come_before_the_head_and_outputs_are_probabilities(build: Builder) -> None:
    for n_outputs in (1, 3):
        model = build(n_outputs)
        names = [layer.name for layer in model.layers[1:]]
        assert names[-1] == models.HEAD_NAME
        assert models.base_layer_names(model) == names[:-1]
        p = np.asarray(model(_inputs(model), training=False))
        assert p.shape == (5, n_outputs) and np.all((p > 0) & (p < 1))
        if n_outputs > 1:
            np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)


def test_build_mlp_drops_units_only_in_training_mode() -> None:
    x = _inputs(_mlp())
    for dropout, differs in ((0.5, True), (0.0, False)):
        model = models.build_mlp(8, hidden_units=(32,), dropout=dropout)
        train, infer = model(x, training=True), model(x, training=False)
        assert (not np.allclose(train, infer)) is differs


@pytest.mark.parametrize("build", BUILDERS)
def test_feature_extractor_computes_what_the_head_reads(build: Builder) -> None:
    model = build()
    x = _inputs(model)
    features = models.feature_extractor(model)(x, training=False)
    np.testing.assert_allclose(
        model.get_layer("head")(features), model(x, training=False), rtol=1e-5
    )


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("train_base", [True, False])
def test_replace_head_copies_the_base_without_sharing_it(build: Builder, train_base: bool) -> None:
    source = build(10)
    before = source.get_weights()
    new = models.replace_head(source, 3, train_base=train_base)
    assert new.output_shape == (None, 3)
    for name in models.base_layer_names(source):
        assert new.get_layer(name) is not source.get_layer(name)
        for a, b in zip(
            new.get_layer(name).get_weights(), source.get_layer(name).get_weights(), strict=True
        ):
            np.testing.assert_array_equal(a, b)
    trainable = {w.path.split("/")[0] for w in new.trainable_weights}
    assert (trainable == {"head"}) is not train_base
    # Training the copy (base included) leaves the source as it was.
    x, y = _inputs(new, 8), np.arange(8) % 3
    models.unfreeze(new)
    models.compile_for(new, 0.1, metrics=None).fit(x, y, epochs=2, verbose=0)
    assert not np.array_equal(new.get_weights()[0], before[0])
    assert all(np.array_equal(a, b) for a, b in zip(source.get_weights(), before, strict=True))


def test_freeze_and_unfreeze_choose_the_trainable_weights() -> None:
    model = _cnn()
    assert models.freeze(model) == models.base_layer_names(model)
    assert [w.path for w in model.trainable_weights] == ["head/kernel", "head/bias"]
    assert models.unfreeze(model, "base_block2_bn") == ["base_block2_bn"]
    assert {w.path for w in model.trainable_weights} == {
        "base_block2_bn/gamma",
        "base_block2_bn/beta",
        "head/kernel",
        "head/bias",
    }
    models.unfreeze(model, up_to_depth=len(model.layers) - 1)
    assert len(model.trainable_weights) == len(_cnn().trainable_weights)
    mlp = _mlp()
    assert models.freeze(mlp, up_to_depth=2) == ["base_dense_1", "base_dropout_1"]
    assert [w.path for w in mlp.trainable_weights][0] == "base_dense_2/kernel"


def test_base_weights_are_copies_of_the_learnable_base_weights_even_when_frozen() -> None:
    model = _cnn()
    models.freeze(model)
    weights = models.base_weights(model)
    assert set(weights) == {
        "base_block1_conv/kernel",
        "base_block1_bn/gamma",
        "base_block1_bn/beta",
        "base_block2_conv/kernel",
        "base_block2_bn/gamma",
        "base_block2_bn/beta",
    }  # no head, no BatchNormalization running statistics
    kernel = model.get_layer("base_block1_conv").kernel
    kernel.assign(kernel + 1.0)
    assert not np.array_equal(weights["base_block1_conv/kernel"], kernel.numpy())


@pytest.mark.parametrize("build", BUILDERS)
def test_l2sp_penalty_is_zero_at_the_start_and_grows_as_the_base_moves(build: Builder) -> None:
    model = build()
    reference = models.base_weights(model)
    assert float(models.l2sp_penalty(model, reference, alpha=1.0, beta=0.0)) == 0.0
    path = next(iter(reference))
    values = []
    for shift in (0.1, 0.2, 0.4):
        model.get_layer(path.split("/")[0]).weights[0].assign(reference[path] + shift)
        values.append(float(models.l2sp_penalty(model, reference, alpha=2.0, beta=0.0)))
    size = reference[path].size
    np.testing.assert_allclose(values, [size * s**2 for s in (0.1, 0.2, 0.4)], rtol=1e-5)
    head = sum(float(np.sum(w**2)) for w in model.get_layer("head").get_weights())
    beta_only = float(models.l2sp_penalty(model, reference, alpha=0.0, beta=2.0))
    assert beta_only == pytest.approx(head, rel=1e-5)


@pytest.mark.parametrize("build", BUILDERS)
def test_weight_drift_is_zero_for_a_copy_and_exact_for_a_known_change(build: Builder) -> None:
    source = build()
    reference = models.base_weights(source)
    copy = models.replace_head(source, 4)
    assert models.weight_drift(copy, reference) == 0.0
    path = next(iter(reference))
    kernel = copy.get_layer(path.split("/")[0]).weights[0]
    kernel.assign(kernel + 0.5)  # every entry of one tensor moves by 0.5
    norm = np.sqrt(sum(np.sum(w.astype(np.float64) ** 2) for w in reference.values()))
    expected = 0.5 * np.sqrt(reference[path].size) / norm
    assert models.weight_drift(copy, reference) == pytest.approx(expected, rel=1e-5)


def test_compile_for_trains_only_the_trainable_weights_with_the_matching_loss() -> None:
    model = models.replace_head(_mlp(), 1, train_base=False)
    before = model.get_weights()
    model = models.compile_for(model, learning_rate=0.1)
    history = model.fit(_inputs(model, 8), np.arange(8) % 2, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    after = model.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before[:-2], after[:-2], strict=True))
    assert not np.array_equal(before[-2], after[-2])  # the head's kernel learned


def _plain_model() -> keras.Model:
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, name="dense")])


BAD_CALLS = [
    ("build_mlp", lambda m: models.build_mlp(8, dropout=1.0), ValueError, "dropout=1.0"),
    ("build_cnn", lambda m: models.build_cnn(filters=(4, 4, 4, 4)), ValueError, "filters"),
    ("base_layer_names", lambda m: models.base_layer_names(_plain_model()), ValueError, "model"),
    ("feature_extractor", lambda m: models.feature_extractor("mlp"), TypeError, "model"),
    ("replace_head", lambda m: models.replace_head(m, 0), ValueError, "n_outputs=0"),
    ("freeze", lambda m: models.freeze(m, ["base_conv"]), ValueError, "names"),
    ("unfreeze", lambda m: models.unfreeze(m, up_to_depth=99), ValueError, "up_to_depth=99"),
    ("base_weights", lambda m: models.base_weights(_plain_model()), ValueError, "model"),
    (
        "l2sp_penalty",
        lambda m: models.l2sp_penalty(m, {"nope/kernel": np.zeros(1)}, 1.0, 0.0),
        ValueError,
        "reference_weights",
    ),
    ("weight_drift", lambda m: models.weight_drift(m, {}), TypeError, "reference"),
    ("compile_for", lambda m: models.compile_for(m, learning_rate=0), ValueError, "learning_rate"),
]


@pytest.mark.parametrize(
    ("call", "error", "name"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS]
)
def test_bad_input_names_the_argument(call: Callable, error: type, name: str) -> None:
    with pytest.raises(error, match=rf"^{name}\b.*; allowed: "):
        call(_mlp())
