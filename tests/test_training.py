"""Tests for tlutils.training: the Trainer, its early stopping, and the Keras callbacks."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from collections.abc import Callable

import keras
import numpy as np
import pytest

from tlutils import models, training
from tlutils.training import Trainer


@pytest.fixture(autouse=True)
def _seed() -> None:
    keras.utils.set_random_seed(0)


def _binary_task(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 1.0).astype(int)


def _image_task(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], 16)
    x = rng.normal(0.0, 0.3, (32, 8, 8, 1)).astype("float32")
    x[y == 1, :4] += 1.0  # class 1: bright top half
    return x, y


def _mlp(**options: object) -> keras.Model:
    return models.build_mlp(4, hidden_units=(16,), dropout=0.0, **options)


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))


def test_trainer_lowers_the_loss_and_learns_the_task() -> None:
    x, y = _image_task()
    trainer = Trainer(models.build_cnn(n_outputs=2, filters=(4,)), learning_rate=0.05)
    first = trainer.fit(x, y, steps=1)
    last = trainer.fit(x, y, steps=40)
    assert last.loss < first.loss
    assert training.accuracy(trainer, x, y) > 0.9


def test_fit_without_validation_returns_the_last_steps_loss() -> None:
    x, y = _binary_task()
    trainer = Trainer(_mlp(), learning_rate=0.05)
    start = trainer.model.get_weights()
    result = trainer.fit(x, y, steps=5)
    assert (result.steps, result.best_step, result.best_score, result.history) == (
        5,
        None,
        None,
        [],
    )
    # The loss of step 5 is measured before its update: on the weights after 4 steps.
    trainer.reset(start).fit(x, y, steps=4)
    p = trainer.model(x, training=True)[:, 0]
    loss = keras.losses.BinaryCrossentropy()(y.astype("float32"), p)
    assert result.loss == pytest.approx(float(loss), rel=1e-5)


def test_reset_restarts_training_exactly() -> None:
    x, y = _binary_task()
    trainer = Trainer(_mlp(), learning_rate=0.05)
    start = trainer.model.get_weights()
    trainer.fit(x, y, steps=5)
    first = trainer.model.get_weights()
    trainer.reset(start).fit(x, y, steps=5)
    assert _same(trainer.model.get_weights(), first)


def test_mini_batches_follow_random_state() -> None:
    x, y = _binary_task()
    trainer = Trainer(_mlp(), learning_rate=0.05, batch_size=8)
    start = trainer.model.get_weights()
    runs = []
    for seed in (1, 1, 2):
        trainer.reset(start).fit(x, y, steps=6, random_state=seed)
        runs.append(trainer.model.get_weights())
    assert _same(runs[0], runs[1]) and not _same(runs[0], runs[2])


def test_checks_are_the_validation_loss_after_each_chunk_of_steps() -> None:
    x, y = _binary_task()
    x_val, y_val = _binary_task(20, seed=1)
    trainer = Trainer(_mlp(), learning_rate=0.05)
    start = trainer.model.get_weights()
    result = trainer.fit(x, y, steps=9, validation=(x_val, y_val), check_every=4)
    # By hand: chunks of 4, 4 and 1 steps, log-loss of the probabilities after each.
    trainer.reset(start)
    expected, kept = [], {}
    for done, chunk in ((4, 4), (8, 4), (9, 1)):
        trainer.fit(x, y, steps=chunk)
        p = np.clip(trainer.predict(x_val)[:, 0], 1e-7, 1 - 1e-7)
        expected.append((done, float(-np.mean(y_val * np.log(p) + (1 - y_val) * np.log(1 - p)))))
        kept[done] = trainer.model.get_weights()
    assert result.history == expected
    assert result.best_score == min(v for _, v in expected)
    assert result.steps == 9 and _same(trainer.model.get_weights(), kept[9])
    trainer.reset(start).fit(x, y, steps=9, validation=(x_val, y_val), check_every=4)
    assert _same(trainer.model.get_weights(), kept[result.best_step])


def test_early_stopping_stops_after_patience_and_restores_the_best_weights(
    capsys: pytest.CaptureFixture[str],
) -> None:
    x, y = _binary_task()
    trainer = Trainer(_mlp(), learning_rate=0.05)
    start = trainer.model.get_weights()
    # Validation labels flipped: the better the model learns, the worse its validation loss.
    result = trainer.fit(
        x, y, steps=100, validation=(x, 1 - y), check_every=5, patience=3, log="flipped"
    )
    scores = [value for _, value in result.history]
    assert result.best_step == 5 and scores[1:] == sorted(scores[1:])
    assert result.steps == 20 and len(result.history) == 4  # the best check, then 3 worse
    assert capsys.readouterr().out.splitlines()[0] == f"flipped: step   5  val_loss {scores[0]:.3f}"
    restored = trainer.model.get_weights()
    trainer.reset(start).fit(x, y, steps=5)
    assert _same(restored, trainer.model.get_weights())


def test_monitor_accuracy_keeps_the_most_accurate_checkpoint() -> None:
    x, y = _binary_task()
    x_val, y_val = x[:20], np.where(np.arange(20) < 10, y[:20], 1 - y[:20])  # half flipped
    trainer = Trainer(_mlp(), learning_rate=0.05)
    result = trainer.fit(
        x, y, steps=60, validation=(x_val, y_val), check_every=5, monitor="accuracy"
    )
    scores = [value for _, value in result.history]
    assert result.steps == 60 and len(scores) == 12  # no patience: every check runs
    assert result.best_score == max(scores) > scores[-1]
    assert result.best_step == 5 * (scores.index(max(scores)) + 1)  # the first of equals
    assert training.accuracy(trainer, x_val, y_val) == result.best_score
    # A tie is no improvement: two copies of one image, labelled 0 and 1, always score 0.5.
    start = trainer.model.get_weights()
    tie = (np.repeat(x[:1], 2, axis=0), np.array([0, 1]))
    result = trainer.reset(start).fit(
        x, y, steps=15, validation=tie, check_every=5, monitor="accuracy"
    )
    assert result.history == [(5, 0.5), (10, 0.5), (15, 0.5)] and result.best_step == 5
    restored = trainer.model.get_weights()
    trainer.reset(start).fit(x, y, steps=5)
    assert _same(restored, trainer.model.get_weights())


def test_validation_loss_clips_probabilities_so_a_sure_mistake_costs_about_16() -> None:
    x, y = _binary_task(8)
    trainer = Trainer(_mlp(), learning_rate=1e-6)
    head = trainer.model.get_layer("head")
    head.set_weights([np.zeros_like(head.kernel.numpy()), np.array([30.0], "float32")])
    result = trainer.fit(x, y, steps=1, validation=(x, np.zeros(8, int)), check_every=1)
    assert result.best_score == pytest.approx(-np.log(1e-7), abs=0.2)  # not infinite


def test_bn_training_false_keeps_batchnorm_statistics() -> None:
    x, y = _image_task()
    model = models.build_cnn(n_outputs=2, filters=(4,))
    bn = model.get_layer("base_block1_bn")
    stats, gamma = bn.moving_mean.numpy().copy(), bn.gamma.numpy().copy()
    Trainer(model, bn_training=False, batch_size=4).fit(x, y, steps=5, random_state=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), stats)
    assert not np.array_equal(bn.gamma.numpy(), gamma)  # trainable, in inference mode
    Trainer(model, bn_training=True, batch_size=4).fit(x, y, steps=5, random_state=0)
    assert not np.allclose(bn.moving_mean.numpy(), stats)  # training mode moves them
    stats, kernel = bn.moving_mean.numpy().copy(), model.get_layer("base_block1_conv").kernel
    models.freeze(model)
    before = kernel.numpy().copy()
    Trainer(model, learning_rate=0.1, bn_training=False).fit(x, y, steps=5)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), stats)
    np.testing.assert_array_equal(kernel.numpy(), before)


def test_l2sp_keeps_the_base_closer_to_the_start() -> None:
    x, y = _image_task()
    source = models.build_cnn(n_outputs=2, filters=(4,))
    reference, start = models.base_weights(source), source.get_weights()
    drift = {}
    for alpha in (0.0, 100.0):
        trainer = Trainer(
            models.replace_head(source, 2), learning_rate=0.05, l2sp=(reference, alpha, 0.0)
        )
        trainer.reset(start).fit(x, y, steps=30)
        drift[alpha] = models.weight_drift(trainer.model, reference)
    assert 0.0 < drift[100.0] < 0.5 * drift[0.0]


def test_accuracy_uses_argmax_or_a_half_threshold() -> None:
    x = np.random.default_rng(0).random((10, 4)).astype("float32")
    y = np.arange(10) % 3
    for n_outputs, favourite in ((1, 1), (3, 2)):  # p = 0.5 exactly counts as class 1
        model = _mlp(n_outputs=n_outputs)
        head = model.get_layer("head")
        bias = np.zeros(n_outputs, "float32")
        bias[-1] = 0.0 if n_outputs == 1 else 5.0
        head.set_weights([np.zeros_like(head.kernel.numpy()), bias])
        assert training.accuracy(model, x, y) == np.mean(y == favourite)
        assert training.accuracy(Trainer(model), x, y) == np.mean(y == favourite)


def test_compact_logger_prints_every_few_epochs_and_the_early_stop(
    capsys: pytest.CaptureFixture[str],
) -> None:
    x, y = _binary_task(16)
    model = models.compile_for(_mlp(), learning_rate=0.05)
    logger = training.CompactLogger(every=3, keys=["loss"], prefix="src")
    model.fit(x, y, epochs=7, verbose=0, callbacks=[logger])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "src epoch 3/7",
        "src epoch 6/7",
        "src epoch 7/7",
    ]
    stop = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: setattr(model, "stop_training", epoch == 1)
    )
    model.fit(x, y, epochs=7, verbose=0, callbacks=[logger, stop])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("src epoch 2/7  loss ") and lines[0].endswith("  (stopped)")


def test_validation_loss_matches_keras_and_drives_early_stopping() -> None:
    x, y = _binary_task(16)
    x_val, y_val = _binary_task(8, seed=1)
    for n_outputs in (1, 2):
        model = models.compile_for(_mlp(n_outputs=n_outputs), learning_rate=0.05, metrics=None)
        history = model.fit(
            x, y, epochs=2, verbose=0, callbacks=[training.ValidationLoss(x_val, y_val)]
        )
        evaluated = model.evaluate(x_val, y_val, verbose=0)
        assert history.history["val_loss"][-1] == pytest.approx(evaluated, rel=1e-5)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1)
    flipped = training.ValidationLoss(x, 1 - y)
    history = model.fit(x, y, epochs=50, verbose=0, callbacks=[flipped, stop])
    assert len(history.history["loss"]) < 50


BAD_CALLS = [
    ("Trainer", lambda t, x, y: Trainer(t.model, learning_rate=0.0), ValueError, "learning_rate"),
    (
        "Trainer.fit",
        lambda t, x, y: t.fit(x, y, steps=5, validation=(x, y), check_every=2, monitor="auc"),
        ValueError,
        "monitor",
    ),
    ("predict_proba", lambda t, x, y: training.predict_proba("model", x), TypeError, "model_or"),
    ("accuracy", lambda t, x, y: training.accuracy(t, x, y[:3]), ValueError, "y"),
    ("CompactLogger", lambda t, x, y: training.CompactLogger(every=0), ValueError, "every"),
    ("ValidationLoss", lambda t, x, y: training.ValidationLoss(x[:, 0], y), ValueError, "x"),
]


@pytest.mark.parametrize(
    ("call", "error", "name"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS]
)
def test_bad_input_names_the_argument(call: Callable, error: type, name: str) -> None:
    x, y = _binary_task(8)
    with pytest.raises(error, match=rf"^{name}\w*\b.*; allowed: "):
        call(Trainer(_mlp()), x, y)
