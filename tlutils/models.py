"""The small Keras models the book's notebooks share.

The network is the multilayer perceptron of the book's worked example: two hidden
``Dense(relu)`` layers, each followed by ``Dropout``, and a one-unit sigmoid output (softmax
when there is more than one output). Every layer has a fixed name so that the *base* (the
layers that are transferred) and the *head* (the layer that is replaced) can be found again:

``base_dense_1``, ``base_dropout_1``, ``base_dense_2``, ``base_dropout_2``, ..., ``head``.

Functions:

- :func:`build_mlp` builds that network (not compiled).
- :func:`feature_extractor` cuts a model after its last base layer.
- :func:`with_new_head` copies the base into a new model with a freshly initialised head,
  optionally frozen; the source model is left untouched.
- :func:`compile_binary` and :func:`compile_for` compile with Adam and the matching loss.
- :class:`CompactLogger` prints one short line every few epochs instead of progress bars.
- :class:`ValidationLoss` logs the loss on a small validation set (as ``val_loss``) cheaply.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import keras
import numpy as np

__all__ = [
    "BASE_PREFIX",
    "HEAD_NAME",
    "CompactLogger",
    "ValidationLoss",
    "base_layer_names",
    "build_mlp",
    "compile_binary",
    "compile_for",
    "feature_extractor",
    "with_new_head",
]

BASE_PREFIX = "base_"
"""Name prefix of every transferable layer."""

HEAD_NAME = "head"
"""Name of the output layer that :func:`with_new_head` replaces."""


# --------------------------------------------------------------------------- validation


def _check_positive_int(value: Any, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{argument}={value!r} has type {type(value).__name__}; allowed: a positive int"
        )
    if value < 1:
        raise ValueError(f"{argument}={value!r} is not allowed; allowed: an int >= 1")
    return int(value)


def _check_dropout(dropout: Any) -> float:
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real):
        raise TypeError(
            f"dropout={dropout!r} has type {type(dropout).__name__}; allowed: a float in [0, 1)"
        )
    if not (0.0 <= float(dropout) < 1.0) or math.isnan(float(dropout)):
        raise ValueError(f"dropout={dropout!r} is out of range; allowed: a float in [0, 1)")
    return float(dropout)


def _check_hidden_units(hidden_units: Any) -> tuple[int, ...]:
    if isinstance(hidden_units, str | bytes) or not isinstance(hidden_units, Iterable):
        raise TypeError(
            f"hidden_units={hidden_units!r} is not a sequence; allowed: a non-empty tuple of "
            "positive ints, e.g. (64, 64)"
        )
    units = tuple(hidden_units)
    if not units:
        raise ValueError(
            "hidden_units=() is empty; allowed: a non-empty tuple of positive ints, e.g. (64, 64)"
        )
    for i, u in enumerate(units):
        _check_positive_int(u, f"hidden_units[{i}]")
    return tuple(int(u) for u in units)


def _check_model(model: Any) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model has type {type(model).__name__}; allowed: a keras.Model built by build_mlp"
        )
    names = [layer.name for layer in model.layers]
    missing = [n for n in ("base_dense_1", HEAD_NAME) if n not in names]
    if missing:
        raise ValueError(
            f"model {model.name!r} has no layer named {missing}; allowed: a model built by "
            f"build_mlp, with layers 'base_dense_1', ..., 'head' (it has {names})"
        )
    return model


def _check_learning_rate(learning_rate: Any) -> float:
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(
            f"learning_rate={learning_rate!r} has type {type(learning_rate).__name__}; "
            "allowed: a positive float"
        )
    if not (float(learning_rate) > 0.0 and math.isfinite(float(learning_rate))):
        raise ValueError(
            f"learning_rate={learning_rate!r} is not allowed; allowed: a finite float > 0"
        )
    return float(learning_rate)


# --------------------------------------------------------------------------- building


def _assemble(
    input_dim: int,
    hidden_units: Sequence[int],
    dropout_rates: Sequence[float],
    n_outputs: int,
    name: str,
) -> keras.Model:
    """Build the named-layer MLP from already validated pieces."""
    inputs = keras.Input(shape=(input_dim,), name="features")
    x = inputs
    for i, (units, rate) in enumerate(zip(hidden_units, dropout_rates, strict=True), start=1):
        x = keras.layers.Dense(units, activation="relu", name=f"base_dense_{i}")(x)
        x = keras.layers.Dropout(rate, name=f"base_dropout_{i}")(x)
    activation = "sigmoid" if n_outputs == 1 else "softmax"
    outputs = keras.layers.Dense(n_outputs, activation=activation, name=HEAD_NAME)(x)
    return keras.Model(inputs, outputs, name=name)


def build_mlp(
    input_dim: int,
    *,
    hidden_units: tuple[int, ...] = (64, 64),
    dropout: float = 0.5,
    n_outputs: int = 1,
    name: str = "mlp",
) -> keras.Model:
    """Build the book's multilayer perceptron (not compiled).

    ``Dense(u, relu) -> Dropout(dropout)`` for each ``u`` in ``hidden_units``, then a
    ``Dense(n_outputs)`` head with a sigmoid (``n_outputs == 1``) or softmax activation.

    Parameters
    ----------
    input_dim
        Number of input features (64 for the 8x8 digit images).
    hidden_units
        Width of each hidden layer; one ``base_dense_i``/``base_dropout_i`` pair per entry.
    dropout
        Dropout rate after every hidden layer, in ``[0, 1)``.
    n_outputs
        1 for a binary task (sigmoid output), ``k >= 2`` for ``k`` classes (softmax).
    name
        Name of the Keras model.

    Returns
    -------
    keras.Model
        A functional model with layers ``base_dense_1``, ``base_dropout_1``, ..., ``head``.

    Examples
    --------
    >>> model = build_mlp(64)
    >>> [layer.name for layer in model.layers[1:]]
    ['base_dense_1', 'base_dropout_1', 'base_dense_2', 'base_dropout_2', 'head']
    >>> model.count_params()
    8385
    >>> build_mlp(64, n_outputs=10).output_shape
    (None, 10)
    """
    input_dim = _check_positive_int(input_dim, "input_dim")
    units = _check_hidden_units(hidden_units)
    rate = _check_dropout(dropout)
    n_outputs = _check_positive_int(n_outputs, "n_outputs")
    if not isinstance(name, str) or not name:
        raise TypeError(f"name={name!r} is not allowed; allowed: a non-empty str")
    return _assemble(input_dim, units, [rate] * len(units), n_outputs, name)


def base_layer_names(model: keras.Model) -> list[str]:
    """Names of the transferable (``base_*``) layers of ``model``, in order.

    Examples
    --------
    >>> base_layer_names(build_mlp(8, hidden_units=(4,)))
    ['base_dense_1', 'base_dropout_1']
    """
    model = _check_model(model)
    return [layer.name for layer in model.layers if layer.name.startswith(BASE_PREFIX)]


def feature_extractor(model: keras.Model) -> keras.Model:
    """A model from ``model``'s input to the output of its last base layer.

    The returned model shares its layers (and so its weights) with ``model``; it is the
    representation that the head reads.

    Examples
    --------
    >>> features = feature_extractor(build_mlp(64))
    >>> features.output_shape
    (None, 64)
    >>> features.layers[-1].name
    'base_dropout_2'
    """
    model = _check_model(model)
    last_base = model.get_layer(base_layer_names(model)[-1])
    return keras.Model(model.inputs, last_base.output, name=f"{model.name}_features")


def _architecture(model: keras.Model) -> tuple[int, list[int], list[float]]:
    """Recover input size, hidden widths and dropout rates of a :func:`build_mlp` model."""
    input_dim = int(model.input_shape[-1])
    units: list[int] = []
    rates: list[float] = []
    i = 1
    while True:
        try:
            dense = model.get_layer(f"base_dense_{i}")
        except ValueError:
            break
        units.append(int(dense.units))
        try:
            rates.append(float(model.get_layer(f"base_dropout_{i}").rate))
        except ValueError:
            rates.append(0.0)
        i += 1
    return input_dim, units, rates


def with_new_head(model: keras.Model, n_outputs: int = 1, *, train_base: bool) -> keras.Model:
    """A new model with ``model``'s base weights (copied) and a freshly initialised head.

    ``model`` itself is not changed, so it can still be evaluated "as is" afterwards. The new
    model is not compiled; compile it *after* this call, because Keras reads the ``trainable``
    flags at compile time.

    Parameters
    ----------
    model
        A model built by :func:`build_mlp` (possibly trained).
    n_outputs
        Units of the new head (1: sigmoid, more: softmax).
    train_base
        ``False`` freezes every base layer (feature extraction: only the head learns);
        ``True`` leaves them trainable (fine-tuning of the whole network).

    Examples
    --------
    >>> source = build_mlp(16, hidden_units=(8,))
    >>> new = with_new_head(source, train_base=False)
    >>> [w.path for w in new.trainable_weights]
    ['head/kernel', 'head/bias']
    >>> import numpy as np
    >>> bool(np.array_equal(new.get_layer("base_dense_1").get_weights()[0],
    ...                     source.get_layer("base_dense_1").get_weights()[0]))
    True
    """
    model = _check_model(model)
    n_outputs = _check_positive_int(n_outputs, "n_outputs")
    if not isinstance(train_base, bool):
        raise TypeError(f"train_base={train_base!r} is not allowed; allowed: True or False")
    input_dim, units, rates = _architecture(model)
    new = _assemble(input_dim, units, rates, n_outputs, name=f"{model.name}_new_head")
    for i in range(1, len(units) + 1):
        layer_name = f"base_dense_{i}"
        new_layer = new.get_layer(layer_name)
        new_layer.set_weights([w.copy() for w in model.get_layer(layer_name).get_weights()])
        new_layer.trainable = train_base
    return new


# --------------------------------------------------------------------------- compiling


def compile_for(
    model: keras.Model,
    learning_rate: float = 1e-3,
    *,
    metrics: Sequence[Any] | None = ("accuracy",),
    steps_per_execution: int = 1,
) -> keras.Model:
    """Compile ``model`` with Adam and the loss that matches its head; return it.

    One output unit: ``binary_crossentropy`` (labels 0/1). More units:
    ``sparse_categorical_crossentropy`` (integer labels); ``metrics=None`` compiles without
    metrics (slightly faster training when only the loss is needed). ``steps_per_execution``
    is passed to Keras: that many batches run in one TensorFlow call, which saves Python
    overhead for tiny models. Call it again whenever you change ``trainable`` flags: Keras only
    picks them up when compiling.

    Examples
    --------
    >>> model = compile_for(build_mlp(8, n_outputs=3), learning_rate=1e-4)
    >>> model.loss
    'sparse_categorical_crossentropy'
    >>> round(float(model.optimizer.learning_rate), 8)
    0.0001
    """
    model = _check_model(model)
    learning_rate = _check_learning_rate(learning_rate)
    steps_per_execution = _check_positive_int(steps_per_execution, "steps_per_execution")
    n_outputs = int(model.output_shape[-1])
    loss = "binary_crossentropy" if n_outputs == 1 else "sparse_categorical_crossentropy"
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=loss,
        metrics=list(metrics) if metrics else None,
        steps_per_execution=steps_per_execution,
    )
    # Create Adam's slot variables now, for the trainable weights only: the same result as
    # Keras' lazy build inside the first training step, but much faster for small models.
    model.optimizer.build(model.trainable_variables)
    return model


def compile_binary(
    model: keras.Model,
    learning_rate: float = 1e-3,
    *,
    metrics: Sequence[Any] | None = ("accuracy",),
    steps_per_execution: int = 1,
) -> keras.Model:
    """Compile a one-output model with Adam and binary cross-entropy; return it.

    The options are those of :func:`compile_for`.

    Examples
    --------
    >>> model = compile_binary(build_mlp(8), learning_rate=1e-3)
    >>> model.loss
    'binary_crossentropy'
    >>> compile_binary(build_mlp(8, n_outputs=2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: model 'mlp' has 2 output units; allowed for compile_binary: 1 ...
    """
    model = _check_model(model)
    n_outputs = int(model.output_shape[-1])
    if n_outputs != 1:
        raise ValueError(
            f"model {model.name!r} has {n_outputs} output units; allowed for compile_binary: 1 "
            "(use compile_for for several classes)"
        )
    return compile_for(
        model, learning_rate, metrics=metrics, steps_per_execution=steps_per_execution
    )


# --------------------------------------------------------------------------- logging


def _format_logs(logs: dict[str, Any], keys: Sequence[str] | None) -> str:
    chosen = list(keys) if keys is not None else list(logs)
    parts = []
    for key in chosen:
        if key in logs and key != "learning_rate":
            parts.append(f"{key} {float(logs[key]):.3f}")
    return "  ".join(parts)


class CompactLogger(keras.callbacks.Callback):
    """Print one short line every ``every`` epochs (and at the last one) to stdout.

    Use it with ``verbose=0`` in ``fit`` to replace Keras' progress bars, e.g.
    ``epoch 10/40  loss 0.412  val_accuracy 0.861``. When training stops early, the last
    epoch run is printed too.

    Parameters
    ----------
    every
        Print every this many epochs.
    keys
        Which logged quantities to show, in this order (default: all that Keras logs).
    prefix
        Text put in front of every line, e.g. ``"source"``.

    Examples
    --------
    >>> import numpy as np
    >>> model = compile_binary(build_mlp(4, hidden_units=(4,)))
    >>> x, y = np.zeros((8, 4), "float32"), np.zeros(8)
    >>> _ = model.fit(x, y, epochs=4, verbose=0,  # doctest: +ELLIPSIS
    ...               callbacks=[CompactLogger(every=2, keys=["loss"], prefix="demo")])
    demo epoch 2/4  loss ...
    demo epoch 4/4  loss ...
    """

    def __init__(
        self, every: int = 1, *, keys: Sequence[str] | None = None, prefix: str = ""
    ) -> None:
        super().__init__()
        self.every = _check_positive_int(every, "every")
        if isinstance(keys, str):
            raise TypeError(f"keys={keys!r} is a str; allowed: a list of str, e.g. ['loss']")
        self.keys = None if keys is None else list(keys)
        self.prefix = f"{prefix} " if prefix else ""
        self._last_printed = -1
        self._last_seen = -1
        self._last_logs: dict[str, Any] = {}

    def _line(self, epoch: int, logs: dict[str, Any]) -> str:
        total = self.params.get("epochs", "?") if self.params else "?"
        body = _format_logs(logs, self.keys)
        return f"{self.prefix}epoch {epoch + 1}/{total}  {body}".rstrip()

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._last_printed = -1
        self._last_seen = -1
        self._last_logs = {}

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = dict(logs or {})
        self._last_seen, self._last_logs = epoch, logs
        total = self.params.get("epochs") if self.params else None
        if (epoch + 1) % self.every == 0 or (total is not None and epoch + 1 == total):
            print(self._line(epoch, logs))
            self._last_printed = epoch

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._last_seen >= 0 and self._last_seen != self._last_printed:
            print(self._line(self._last_seen, self._last_logs) + "  (stopped)")
            self._last_printed = self._last_seen


class ValidationLoss(keras.callbacks.Callback):
    """Add the loss on a small validation set to the epoch logs, as ``val_loss``.

    It gives the number that ``fit(..., validation_data=(x, y))`` would log, but computes it
    with one direct call of the model at the end of each epoch instead of Keras' separate
    evaluation loop. For tiny models and a few dozen validation examples that is several
    times cheaper. Put it *before* callbacks that read ``val_loss`` (``EarlyStopping``,
    :class:`CompactLogger`) in the ``callbacks`` list.

    The loss is the one :func:`compile_for` uses: binary cross-entropy for one output unit,
    sparse categorical cross-entropy for several.

    Parameters
    ----------
    x, y
        Validation inputs ``(n, d)`` and integer labels ``(n,)``; at least one example.

    Examples
    --------
    >>> import numpy as np
    >>> model = compile_binary(build_mlp(4, hidden_units=(4,)), metrics=None)
    >>> x, y = np.ones((6, 4), "float32"), np.array([0, 1, 0, 1, 0, 1])
    >>> history = model.fit(x, y, epochs=2, verbose=0, callbacks=[ValidationLoss(x, y)])
    >>> round(history.history["val_loss"][-1], 4) == round(model.evaluate(x, y, verbose=0), 4)
    True
    """

    def __init__(self, x: Any, y: Any) -> None:
        super().__init__()
        features = np.asarray(x, dtype="float32")
        labels = np.asarray(y)
        if features.ndim != 2 or len(features) == 0:
            raise ValueError(
                f"x has shape {features.shape}; allowed: a non-empty 2-D array (n_samples, "
                "n_features)"
            )
        if labels.shape != (len(features),):
            raise ValueError(
                f"y has shape {labels.shape}; allowed: one label per row of x, shape "
                f"({len(features)},)"
            )
        self.x = features
        self.y = labels

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is None:
            return
        n_outputs = int(self.model.output_shape[-1])
        if n_outputs == 1:
            loss = keras.losses.BinaryCrossentropy()
            labels = self.y.astype("float32").reshape(-1, 1)
        else:
            loss = keras.losses.SparseCategoricalCrossentropy()
            labels = self.y
        predictions = self.model(self.x, training=False)
        logs["val_loss"] = float(keras.ops.convert_to_numpy(loss(labels, predictions)))
