"""Training the book's small models: one trainer with early stopping, and two Keras callbacks.

Why a trainer at all: the book trains hundreds of tiny networks (a few thousand weights, a few
dozen images), and for those ``model.fit`` spends most of its time in Python, not arithmetic.
:class:`Trainer` runs a whole training run inside one ``tf.function``, traced once per trainer
and reused for every seed. It is plumbing, not the lesson (which weights start, which are
frozen, how the result is measured). :class:`CompactLogger` and :class:`ValidationLoss` serve
the chapters that use ``model.fit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from tlutils import _validation as v
from tlutils.models import l2sp_penalty

__all__ = ["CompactLogger", "FitResult", "Trainer", "ValidationLoss", "accuracy", "predict_proba"]

_EPS = 1e-7  # probabilities are clipped to [_EPS, 1 - _EPS] before the log


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy of probabilities ``p`` (n, k) against labels ``y``."""
    p = np.clip(p, _EPS, 1 - _EPS)
    if p.shape[1] == 1:
        p = p[:, 0]
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return float(-np.mean(np.log(p[np.arange(len(y)), y.astype(np.intp)])))


def _keras_model(value: Any, name: str) -> keras.Model:
    if not isinstance(value, keras.Model):
        raise v.invalid(name, f"has type {type(value).__name__}", "a keras.Model", error=TypeError)
    return value


def _accuracy(p: np.ndarray, y: np.ndarray) -> float:
    predicted = (p[:, 0] >= 0.5) if p.shape[1] == 1 else p.argmax(axis=1)
    return float(np.mean(predicted == y))


@dataclass(frozen=True)
class FitResult:
    """What :meth:`Trainer.fit` did.

    ``loss`` is the training loss of the last step run (L2-SP penalty included), ``steps`` the
    number of steps run (fewer than asked when stopped early). With validation, ``best_step``
    and ``best_score`` say which check's weights were kept and ``history`` lists
    ``(step, score)`` for every check; without, they are ``None``, ``None`` and ``[]``.

    Examples
    --------
    >>> FitResult(loss=0.25, steps=100, best_step=None, best_score=None, history=[]).steps
    100
    """

    loss: float
    steps: int
    best_step: int | None
    best_score: float | None
    history: list[tuple[int, float]]


class Trainer:
    """Train a small classifier with Adam, many steps in one TensorFlow call.

    :meth:`reset` loads new weights and clears Adam's state, so one trainer (and its traced
    function) serves every seed. Build a new trainer after changing ``trainable`` flags: they
    are read when the trainer is created, as by ``compile``.

    Parameters
    ----------
    model
        A Keras model with a softmax head (integer labels) or a one-unit sigmoid head (0/1).
    learning_rate, batch_size
        Adam's learning rate; examples per step (``None``: all of them, full batch).
    bn_training
        ``True`` calls the model with ``training=True`` while training: Dropout is active
        (:func:`~tlutils.models.build_mlp` has ``Dropout(0.5)`` by default) and
        BatchNormalization uses, and updates, batch statistics. ``False`` trains in inference
        mode: no dropout, and BatchNormalization uses and keeps its running statistics.
    shuffle
        ``True``: mini-batches come from shuffled passes over the data; ``False``: consecutive
        slices in the given order. Only matters with ``batch_size``.
    l2sp
        ``(reference_weights, alpha, beta)`` adds :func:`~tlutils.models.l2sp_penalty` to the loss.

    Examples
    --------
    >>> from tlutils.models import build_cnn
    >>> trainer = Trainer(build_cnn(n_outputs=2, filters=(4,)), learning_rate=0.05)
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> y = np.array([0, 1] * 4)
    >>> first = trainer.fit(x, y, steps=1)
    >>> trainer.fit(x, y, steps=30).loss < first.loss
    True
    """

    def __init__(
        self,
        model: keras.Model,
        *,
        learning_rate: float = 1e-3,
        batch_size: int | None = None,
        bn_training: bool = True,
        shuffle: bool = True,
        l2sp: tuple[dict[str, np.ndarray], float, float] | None = None,
    ) -> None:
        import tensorflow as tf

        self.model = model = _keras_model(model, "model")
        rate = v.check_real(learning_rate, "learning_rate", min_value=0, closed="neither")
        self.learning_rate = rate
        self.batch_size = v.check_int(batch_size, "batch_size", min_value=1, allow_none=True)
        self.bn_training = v.check_bool(bn_training, "bn_training")
        self.shuffle = v.check_bool(shuffle, "shuffle")
        if l2sp is not None:
            if not isinstance(l2sp, tuple) or len(l2sp) != 3:
                raise v.invalid("l2sp", "is not a 3-tuple", "(reference, alpha, beta)", value=l2sp)
            l2sp_penalty(model, *l2sp)  # checks its arguments now, not at the first step
        self.l2sp = l2sp
        self._binary = int(model.output_shape[-1]) == 1
        losses = keras.losses
        self._loss = (
            losses.BinaryCrossentropy() if self._binary else losses.SparseCategoricalCrossentropy()
        )
        self.optimizer = keras.optimizers.Adam(learning_rate=self.learning_rate)
        self._variables = list(model.trainable_variables)
        if not self._variables:
            raise v.invalid("model", f"{model.name!r} has no trainable weights", "unfrozen layers")
        self.optimizer.build(self._variables)
        spec = [
            tf.TensorSpec([None, *model.input_shape[1:]], tf.float32),
            tf.TensorSpec([None], tf.float32 if self._binary else tf.int64),
            tf.TensorSpec([None, None], tf.int32),
        ]
        self._run = tf.function(self._steps, input_signature=spec, jit_compile=False)
        # Traced once too: an eager call costs a few milliseconds, paid at every validation check.
        self._infer = tf.function(lambda x: model(x, training=False), input_signature=spec[:1])

    def _steps(self, x: Any, y: Any, batches: Any) -> Any:
        import tensorflow as tf

        loss = tf.constant(0.0)
        for step in tf.range(tf.shape(batches)[0]):
            index = batches[step]
            with tf.GradientTape() as tape:
                predictions = self.model(tf.gather(x, index), training=self.bn_training)
                if self._binary:
                    predictions = keras.ops.reshape(predictions, (-1,))
                loss = self._loss(tf.gather(y, index), predictions)
                if self.l2sp is not None:
                    loss = loss + l2sp_penalty(self.model, *self.l2sp)
            gradients = tape.gradient(loss, self._variables)
            self.optimizer.apply_gradients(zip(gradients, self._variables, strict=True))
        return loss

    def reset(self, weights: list[np.ndarray] | None = None) -> Trainer:
        """Load ``weights`` (as from ``model.get_weights()``) and clear Adam's state."""
        if weights is not None:
            self.model.set_weights(weights)
        for variable in self.optimizer.variables:
            variable.assign(keras.ops.zeros_like(variable))
        self.optimizer.learning_rate = self.learning_rate
        return self

    def _batches(self, n: int, steps: int, random_state: int | None) -> np.ndarray:
        """Row indices of every step's batch, shape ``(steps, batch)``."""
        if self.batch_size is None or self.batch_size >= n:
            return np.tile(np.arange(n, dtype=np.int32), (steps, 1))
        if not self.shuffle:  # consecutive slices, in the order of the data
            starts = (np.arange(steps) * self.batch_size) % (n - n % self.batch_size or n)
            return (starts[:, None] + np.arange(self.batch_size)).astype(np.int32) % n
        rng = np.random.default_rng(random_state)
        passes = -(-steps // (n // self.batch_size))
        order = np.concatenate([rng.permutation(n) for _ in range(passes)])
        return order[: steps * self.batch_size].reshape(steps, self.batch_size).astype(np.int32)

    def _data(self, x: Any, y: Any, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        shape = tuple(self.model.input_shape[1:])
        x = v.check_array(x, names[0], ndim=len(shape) + 1, min_rows=1, dtype=np.float32)
        if x.shape[1:] != shape:
            raise v.invalid(names[0], f"has shape {x.shape}", f"(n, *{shape})")
        y = v.check_array(y, names[1], ndim=1, dtype=None)
        v.check_same_length(x, y, names)
        return x, y

    def fit(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        steps: int,
        random_state: int | None = None,
        validation: tuple[np.ndarray, np.ndarray] | None = None,
        check_every: int | None = None,
        patience: int | None = None,
        monitor: str = "loss",
        log: str | None = None,
    ) -> FitResult:
        """Run ``steps`` Adam updates on ``(x, y)``, with early stopping if ``validation`` is given.

        The batches of all ``steps`` are drawn once from ``random_state`` (mini-batches only).
        With ``validation=(x_val, y_val)``, training runs in chunks of ``check_every`` steps,
        each followed by a check of ``monitor`` on the validation data: ``"loss"`` (the mean
        cross-entropy of :meth:`predict`'s probabilities clipped to ``[1e-7, 1 - 1e-7]``, lower
        is better) or ``"accuracy"``. A check improves only if strictly better than all before.
        Training stops after ``patience`` checks without improvement (``None``: never early),
        and the model keeps the best check's weights. ``log`` (a name) prints every check.

        Examples
        --------
        >>> from tlutils.models import build_mlp
        >>> trainer = Trainer(build_mlp(2, hidden_units=(8,), dropout=0.0), learning_rate=0.05)
        >>> x, y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 4), np.array([0, 1, 1, 1] * 4)
        >>> result = trainer.fit(x, y, steps=40, validation=(x[:4], y[:4]), check_every=20,
        ...                      patience=1, log="demo")  # doctest: +ELLIPSIS
        demo: step  20  val_loss ...
        demo: step  40  val_loss ...
        >>> result.steps, [step for step, _ in result.history]
        (40, [20, 40])
        >>> result.best_score == min(value for _, value in result.history)
        True
        """
        steps = v.check_int(steps, "steps", min_value=1)
        random_state = v.check_random_state(random_state)
        x, y = self._data(x, y, ("x", "y"))
        labels = y.astype(np.float32 if self._binary else np.int64)
        batches = self._batches(len(x), steps, random_state)
        if validation is None:
            for name, value in (("check_every", check_every), ("patience", patience), ("log", log)):
                if value is not None:
                    raise v.invalid(name, "was given without validation", "None", value=value)
            loss = float(self._run(x, labels, batches))
            return FitResult(loss, steps, None, None, [])
        if not isinstance(validation, tuple) or len(validation) != 2:
            raise v.invalid(
                "validation", "is not a pair", "None or (x_val, y_val)", error=TypeError
            )
        x_val, y_val = self._data(*validation, ("validation[0]", "validation[1]"))
        check_every = v.check_int(check_every, "check_every", min_value=1)
        patience = v.check_int(patience, "patience", min_value=1, allow_none=True)
        monitor = v.check_choice(monitor, "monitor", ("loss", "accuracy"))
        score, sign = (_log_loss, 1.0) if monitor == "loss" else (_accuracy, -1.0)  # sign: lower
        if log is not None and not isinstance(log, str):
            raise v.invalid(
                "log", f"has type {type(log).__name__}", "None or a str", error=TypeError
            )
        best, best_step, best_weights, waited, history, done = np.inf, None, None, 0, [], 0
        while done < steps and (patience is None or waited < patience):
            loss = float(self._run(x, labels, batches[done : done + check_every]))
            done = min(done + check_every, steps)
            value = score(self.predict(x_val), y_val)
            history.append((done, value))
            if log is not None:
                print(f"{log}: step {done:3d}  val_{monitor} {value:.3f}")
            if sign * value < best:
                best, best_step, waited = sign * value, done, 0
                best_weights = self.model.get_weights()
            else:
                waited += 1
        self.model.set_weights(best_weights)
        return FitResult(loss, done, best_step, sign * best, history)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities of ``x`` in inference mode, as a NumPy array ``(n, outputs)``."""
        return self._infer(np.asarray(x, np.float32)).numpy()


def predict_proba(model_or_trainer: keras.Model | Trainer, x: np.ndarray) -> np.ndarray:
    """Probabilities from a model or a :class:`Trainer`, in inference mode, as a NumPy array.

    Examples
    --------
    >>> from tlutils.models import build_mlp
    >>> model = build_mlp(4)
    >>> x = np.ones((3, 4))
    >>> bool(np.array_equal(predict_proba(model, x), predict_proba(Trainer(model), x)))
    True
    """
    if isinstance(model_or_trainer, Trainer):
        return model_or_trainer.predict(x)
    model = _keras_model(model_or_trainer, "model_or_trainer")
    return keras.ops.convert_to_numpy(model(np.asarray(x, np.float32), training=False))


def accuracy(model_or_trainer: keras.Model | Trainer, x: np.ndarray, y: np.ndarray) -> float:
    """Share of ``y`` predicted right: the argmax, or probability >= 0.5 for a single output.

    Examples
    --------
    >>> from tlutils.models import build_mlp
    >>> model = build_mlp(4, n_outputs=3)
    >>> x = np.ones((2, 4))
    >>> accuracy(model, x, predict_proba(model, x).argmax(axis=1))
    1.0
    """
    p = predict_proba(model_or_trainer, x)
    y = v.check_array(y, "y", ndim=1, dtype=None)
    v.check_same_length(p, y, ("x", "y"))
    return _accuracy(p, y)


class CompactLogger(keras.callbacks.Callback):
    """Print one short line every ``every`` epochs (and at the last one) instead of progress bars.

    Use it with ``fit(..., verbose=0)``: ``epoch 10/40  loss 0.412  val_accuracy 0.861``.
    ``keys`` chooses the logged quantities shown, in order (default: all); ``prefix`` goes in
    front of every line. When training stops early, the last epoch run is printed too.

    Examples
    --------
    >>> from tlutils.models import build_mlp, compile_for
    >>> model = compile_for(build_mlp(4, hidden_units=(4,)))
    >>> x, y = np.zeros((8, 4), "float32"), np.zeros(8)
    >>> _ = model.fit(x, y, epochs=4, verbose=0,  # doctest: +ELLIPSIS
    ...               callbacks=[CompactLogger(every=2, keys=["loss"], prefix="demo")])
    demo epoch 2/4  loss ...
    demo epoch 4/4  loss ...
    """

    def __init__(self, every: int = 1, *, keys: list[str] | None = None, prefix: str = "") -> None:
        super().__init__()
        self.every = v.check_int(every, "every", min_value=1)
        if isinstance(keys, str):
            raise v.invalid("keys", "is a str", "a list of str", value=keys, error=TypeError)
        self.keys = None if keys is None else list(keys)
        self.prefix = f"{prefix} " if prefix else ""
        self._printed, self._seen, self._logs = -1, -1, {}

    def _line(self, epoch: int, logs: dict[str, Any]) -> str:
        total = (self.params or {}).get("epochs", "?")
        keys = [k for k in (logs if self.keys is None else self.keys) if k in logs]
        body = "  ".join(f"{k} {float(logs[k]):.3f}" for k in keys if k != "learning_rate")
        return f"{self.prefix}epoch {epoch + 1}/{total}  {body}".rstrip()

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._printed, self._seen, self._logs = -1, -1, {}

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._seen, self._logs = epoch, dict(logs or {})
        if (epoch + 1) % self.every == 0 or epoch + 1 == (self.params or {}).get("epochs"):
            print(self._line(epoch, self._logs))
            self._printed = epoch

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._seen >= 0 and self._seen != self._printed:
            print(self._line(self._seen, self._logs) + "  (stopped)")
            self._printed = self._seen


class ValidationLoss(keras.callbacks.Callback):
    """Add the loss on a small validation set to the epoch logs, as ``val_loss``.

    The number ``fit(..., validation_data=(x, y))`` would log, from one direct call of the model
    per epoch instead of Keras' separate evaluation loop: several times cheaper for tiny models
    and a few dozen examples. Put it *before* the callbacks that read ``val_loss``
    (``EarlyStopping``, :class:`CompactLogger`). The loss is :func:`~tlutils.models.compile_for`'s.

    Examples
    --------
    >>> from tlutils.models import build_mlp, compile_for
    >>> model = compile_for(build_mlp(4, hidden_units=(4,)), metrics=None)
    >>> x, y = np.ones((6, 4), "float32"), np.array([0, 1, 0, 1, 0, 1])
    >>> history = model.fit(x, y, epochs=2, verbose=0, callbacks=[ValidationLoss(x, y)])
    >>> round(history.history["val_loss"][-1], 4) == round(model.evaluate(x, y, verbose=0), 4)
    True
    """

    def __init__(self, x: Any, y: Any) -> None:
        super().__init__()
        self.x = v.check_array(x, "x", ndim=2, min_rows=1, dtype=np.float32)
        self.y = v.check_array(y, "y", ndim=1, dtype=None)
        v.check_same_length(self.x, self.y, ("x", "y"))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is None:
            return
        losses, binary = keras.losses, int(self.model.output_shape[-1]) == 1
        loss = losses.BinaryCrossentropy() if binary else losses.SparseCategoricalCrossentropy()
        labels = self.y.astype("float32").reshape(-1, 1) if binary else self.y
        predictions = self.model(self.x, training=False)
        logs["val_loss"] = float(keras.ops.convert_to_numpy(loss(labels, predictions)))
