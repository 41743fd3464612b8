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
    "FastTrainer",
    "base_weights",
    "build_cnn",
    "freeze",
    "l2sp_penalty",
    "replace_head",
    "unfreeze",
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
    return replace_head(model, n_outputs, train_base=train_base)


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


# --------------------------------------------------------------------------- small CNN


def _check_keras_model(model: Any) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(f"model has type {type(model).__name__}; allowed: a keras.Model")
    return model


def _check_transfer_model(model: Any) -> keras.Model:
    """A model with ``base_*`` layers and a ``head`` (built by build_mlp or build_cnn)."""
    model = _check_keras_model(model)
    names = [layer.name for layer in model.layers]
    if HEAD_NAME not in names or not any(n.startswith(BASE_PREFIX) for n in names):
        raise ValueError(
            f"model {model.name!r} needs 'base_*' layers and a 'head' layer; allowed: a model "
            f"built by build_mlp or build_cnn (it has {names})"
        )
    return model


CNN_BLOCK_PARTS = ("conv", "bn", "relu", "pool")
"""The layers of one CNN block, in order: ``base_block{i}_{part}``."""


def build_cnn(
    input_shape: tuple[int, int, int] = (8, 8, 1),
    n_outputs: int = 10,
    *,
    filters: tuple[int, ...] = (8, 16),
    bn_momentum: float = 0.9,
    name: str = "cnn",
) -> keras.Model:
    """Build a small convolutional network with a named base and a ``head`` (not compiled).

    One block per entry of ``filters``: ``Conv2D(f, 3x3, same padding, no bias)`` ->
    ``BatchNormalization`` -> ``ReLU`` -> ``MaxPooling2D(2)``, with layers named
    ``base_block{i}_conv``, ``base_block{i}_bn``, ``base_block{i}_relu``, ``base_block{i}_pool``;
    then ``base_flatten`` and a ``Dense(n_outputs)`` head (softmax, or sigmoid for one output).

    ``bn_momentum`` is the BatchNormalization momentum of the running statistics. The Keras
    default, 0.99, needs hundreds of steps to forget its initial values; our runs are only a
    few dozen full-batch steps long, so the default here is 0.9.

    Examples
    --------
    >>> model = build_cnn(n_outputs=5)
    >>> [layer.name for layer in model.layers[1:5]]
    ['base_block1_conv', 'base_block1_bn', 'base_block1_relu', 'base_block1_pool']
    >>> model.output_shape, model.count_params()
    ((None, 5), 1645)
    """
    if (
        not isinstance(input_shape, tuple)
        or len(input_shape) != 3
        or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in input_shape)
    ):
        raise ValueError(
            f"input_shape={input_shape!r} is not allowed; allowed: (height, width, channels) "
            "positive ints"
        )
    n_outputs = _check_positive_int(n_outputs, "n_outputs")
    if not isinstance(filters, tuple | list) or not filters:
        raise ValueError(f"filters={filters!r} is not allowed; allowed: a non-empty tuple of ints")
    widths = [_check_positive_int(f, "filters") for f in filters]
    if 2 ** len(widths) > min(input_shape[:2]):
        raise ValueError(
            f"filters={filters!r} has {len(widths)} blocks; each halves the image, allowed: at "
            f"most {int(math.log2(min(input_shape[:2])))} blocks for input_shape={input_shape}"
        )
    if not (isinstance(bn_momentum, float) and 0.0 <= bn_momentum < 1.0):
        raise ValueError(f"bn_momentum={bn_momentum!r} is not allowed; allowed: a float in [0, 1)")
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for i, width in enumerate(widths, start=1):
        prefix = f"{BASE_PREFIX}block{i}_"
        x = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=prefix + "conv")(x)
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=prefix + "bn")(x)
        x = keras.layers.Activation("relu", name=prefix + "relu")(x)
        x = keras.layers.MaxPooling2D(2, name=prefix + "pool")(x)
    x = keras.layers.Flatten(name=f"{BASE_PREFIX}flatten")(x)
    activation = "sigmoid" if n_outputs == 1 else "softmax"
    outputs = keras.layers.Dense(n_outputs, activation=activation, name=HEAD_NAME)(x)
    return keras.Model(inputs, outputs, name=name)


# --------------------------------------------------------------------------- freezing


def _select_layers(
    model: keras.Model, names: Iterable[str] | str | None, up_to_depth: int | None
) -> list[keras.layers.Layer]:
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    valid = [layer.name for layer in layers]
    if names is not None and up_to_depth is not None:
        raise ValueError("names and up_to_depth were both given; allowed: at most one of them")
    if up_to_depth is not None:
        if isinstance(up_to_depth, bool) or not isinstance(up_to_depth, numbers.Integral):
            raise TypeError(f"up_to_depth={up_to_depth!r} is not allowed; allowed: an int")
        if not 0 <= up_to_depth <= len(layers):
            raise ValueError(
                f"up_to_depth={up_to_depth} is out of range; allowed: 0..{len(layers)} "
                f"(model {model.name!r} has {len(layers)} layers after the input)"
            )
        return layers[:up_to_depth]
    if names is None:
        return [layer for layer in layers if layer.name.startswith(BASE_PREFIX)]
    if isinstance(names, str):
        names = [names]
    names = list(names)
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise ValueError(f"unknown layer name(s) {unknown} in {model.name!r}; allowed: {valid}")
    return [layer for layer in layers if layer.name in names]


def freeze(
    model: keras.Model,
    names: Iterable[str] | str | None = None,
    *,
    up_to_depth: int | None = None,
) -> list[str]:
    """Mark layers as not trainable; return the names of the layers changed.

    Which layers: ``names`` (exact layer names), or the first ``up_to_depth`` layers after
    the input, or (neither given) every ``base_*`` layer. Remember to **compile again** (or
    build a new trainer) afterwards: Keras reads the ``trainable`` flags when compiling.

    In Keras 3, a frozen ``BatchNormalization`` layer also runs in inference mode: it
    normalises with its stored running statistics and stops updating them.

    Examples
    --------
    >>> model = build_cnn(n_outputs=3)
    >>> freeze(model, up_to_depth=2)
    ['base_block1_conv', 'base_block1_bn']
    >>> len(model.trainable_weights)  # block 2's kernel, gamma, beta; the head's two
    5
    >>> freeze(model, "block1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown layer name(s) ['block1'] in 'cnn'; allowed: ['base_block1_conv', ...
    """
    model = _check_keras_model(model)
    chosen = _select_layers(model, names, up_to_depth)
    for layer in chosen:
        layer.trainable = False
    return [layer.name for layer in chosen]


def unfreeze(
    model: keras.Model,
    names: Iterable[str] | str | None = None,
    *,
    up_to_depth: int | None = None,
) -> list[str]:
    """Mark layers as trainable again; the arguments are those of :func:`freeze`.

    Compile again (or build a new trainer) afterwards.

    Examples
    --------
    >>> model = build_cnn(n_outputs=3)
    >>> _ = freeze(model)
    >>> unfreeze(model, ["base_block2_conv", "base_block2_bn"])
    ['base_block2_conv', 'base_block2_bn']
    >>> [w.path for w in model.trainable_weights]  # doctest: +NORMALIZE_WHITESPACE
    ['base_block2_conv/kernel', 'base_block2_bn/gamma', 'base_block2_bn/beta',
     'head/kernel', 'head/bias']
    """
    model = _check_keras_model(model)
    chosen = _select_layers(model, names, up_to_depth)
    for layer in chosen:
        layer.trainable = True
    return [layer.name for layer in chosen]


def replace_head(
    model: keras.Model,
    n_outputs: int,
    *,
    train_base: bool = True,
    name: str | None = None,
) -> keras.Model:
    """A copy of ``model``'s base (weights included) topped with a new, freshly initialised head.

    Works for any model whose transferable layers are named ``base_*`` and whose output layer
    is ``head`` (:func:`build_mlp`, :func:`build_cnn`). ``model`` is not changed. The new head
    has ``n_outputs`` units (softmax, or sigmoid for one). With ``train_base=False`` the base
    is frozen. Not compiled.

    Examples
    --------
    >>> source = build_cnn(n_outputs=10)
    >>> target = replace_head(source, 4)
    >>> target.output_shape
    (None, 4)
    >>> import numpy as np
    >>> bool(np.array_equal(target.get_layer("base_block1_conv").get_weights()[0],
    ...                     source.get_layer("base_block1_conv").get_weights()[0]))
    True
    >>> target.get_layer("base_block1_conv") is source.get_layer("base_block1_conv")
    False
    """
    model = _check_transfer_model(model)
    n_outputs = _check_positive_int(n_outputs, "n_outputs")
    if not isinstance(train_base, bool):
        raise TypeError(f"train_base={train_base!r} is not allowed; allowed: True or False")
    last_base = [layer for layer in model.layers if layer.name.startswith(BASE_PREFIX)][-1]
    base = keras.Model(model.input, last_base.output)
    copy = keras.models.clone_model(base)
    copy.set_weights(base.get_weights())
    activation = "sigmoid" if n_outputs == 1 else "softmax"
    outputs = keras.layers.Dense(n_outputs, activation=activation, name=HEAD_NAME)(copy.output)
    new = keras.Model(copy.input, outputs, name=name or f"{model.name}_new_head")
    if not train_base:
        freeze(new)
    return new


# --------------------------------------------------------------------------- L2-SP


def _learnable_weights(layer: keras.layers.Layer) -> list[Any]:
    """Weights a layer trains when it is trainable (not e.g. BatchNormalization statistics)."""
    frozen = not layer.trainable
    layer.trainable = True
    weights = list(layer.trainable_weights)
    layer.trainable = not frozen
    return weights


def base_weights(model: keras.Model) -> dict[str, np.ndarray]:
    """Copies of the learnable base weights, keyed by variable path (``layer/weight``).

    Learnable means trained when the layer is trainable, whether or not it is frozen now;
    BatchNormalization's running statistics are not included. This is the reference point
    of :func:`l2sp_penalty`: take it from the pre-trained model before fine-tuning starts.

    Examples
    --------
    >>> sorted(base_weights(build_mlp(4, hidden_units=(2,))))
    ['base_dense_1/bias', 'base_dense_1/kernel']
    >>> sorted(base_weights(build_cnn(filters=(2,))))
    ['base_block1_bn/beta', 'base_block1_bn/gamma', 'base_block1_conv/kernel']
    """
    model = _check_transfer_model(model)
    return {
        v.path: np.array(v.numpy(), copy=True)
        for layer in model.layers
        if layer.name.startswith(BASE_PREFIX)
        for v in _learnable_weights(layer)
    }


def _check_penalty_weight(value: Any, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument}={value!r} is not allowed; allowed: a float >= 0")
    if not (math.isfinite(float(value)) and float(value) >= 0.0):
        raise ValueError(f"{argument}={value!r} is not allowed; allowed: a finite float >= 0")
    return float(value)


def l2sp_penalty(
    model: keras.Model,
    reference_weights: dict[str, np.ndarray],
    alpha: float,
    beta: float,
) -> Any:
    """The L2-SP penalty of Li et al. (2018) as a scalar tensor (differentiable).

    ``alpha / 2 * sum ||w - w0||^2`` over the base weights that appear in
    ``reference_weights`` (see :func:`base_weights`), plus ``beta / 2 * sum ||w||^2`` over the
    weights of the non-base layers (the new head), which have no pre-trained value.

    Examples
    --------
    >>> model = build_mlp(4, hidden_units=(2,))
    >>> reference = base_weights(model)
    >>> float(l2sp_penalty(model, reference, alpha=1.0, beta=0.0))
    0.0
    >>> kernel = model.get_layer("base_dense_1").kernel
    >>> _ = kernel.assign(kernel + 1.0)  # 8 entries, each moved by 1
    >>> float(l2sp_penalty(model, reference, alpha=1.0, beta=0.0))
    4.0
    """
    model = _check_transfer_model(model)
    alpha = _check_penalty_weight(alpha, "alpha")
    beta = _check_penalty_weight(beta, "beta")
    if not isinstance(reference_weights, dict) or not reference_weights:
        raise TypeError(
            "reference_weights is not allowed; allowed: a non-empty dict from base_weights()"
        )
    paths = {v.path: v for v in model.weights}
    missing = [p for p in reference_weights if p not in paths]
    if missing:
        raise ValueError(
            f"reference_weights has {missing}, which model {model.name!r} lacks; allowed: "
            "weights from base_weights() of a model with the same base"
        )
    total = keras.ops.convert_to_tensor(0.0)
    for path, start in reference_weights.items():
        diff = paths[path] - keras.ops.convert_to_tensor(start, dtype=paths[path].dtype)
        total = total + 0.5 * alpha * keras.ops.sum(keras.ops.square(diff))
    for layer in model.layers:
        if layer.name.startswith(BASE_PREFIX):
            continue
        for v in layer.trainable_weights:
            total = total + 0.5 * beta * keras.ops.sum(keras.ops.square(v))
    return total


# --------------------------------------------------------------------------- fast training


class FastTrainer:
    """Train a small classifier with Adam, many steps in a single TensorFlow call.

    For the book's many tiny experiments, ``model.fit`` spends most of its time in Python.
    This trainer runs a whole training run (``steps`` updates) inside one ``tf.function``,
    traced once per trainer; :meth:`reset` puts new weights in and clears Adam's state, so the
    same trainer (and its traced function) serves every seed. Build a new trainer after
    changing ``trainable`` flags (they are read when the trainer is created, like ``compile``).

    Parameters
    ----------
    model
        A model with a softmax (several classes; integer labels) or sigmoid head.
    learning_rate
        Adam's learning rate.
    batch_size
        ``None``: every step uses all training examples (full batch); otherwise each step uses
        ``batch_size`` examples drawn in shuffled passes over the data.
    bn_training
        ``True`` calls the model with ``training=True`` (BatchNormalization uses the batch's
        statistics and updates its running ones); ``False`` calls it with ``training=False``
        (running statistics are used and kept, as with ``base(x, training=False)``). The book's
        models have no dropout, so this flag only affects BatchNormalization.
    shuffle
        ``True``: mini-batches are drawn from shuffled passes; ``False``: consecutive slices of
        the data in its given order (only matters when ``batch_size`` is set).
    l2sp
        ``None`` or ``(reference_weights, alpha, beta)``: adds :func:`l2sp_penalty` to the loss.

    Examples
    --------
    >>> import numpy as np
    >>> model = build_cnn(n_outputs=2, filters=(4,))
    >>> trainer = FastTrainer(model, learning_rate=0.05)
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> y = np.array([0, 1] * 4)
    >>> first = trainer.fit(x, y, steps=1)
    >>> trainer.fit(x, y, steps=30) < first
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

        self.model = _check_keras_model(model)
        self.learning_rate = _check_learning_rate(learning_rate)
        self.batch_size = (
            None if batch_size is None else _check_positive_int(batch_size, "batch_size")
        )
        if not isinstance(bn_training, bool):
            raise TypeError(f"bn_training={bn_training!r} is not allowed; allowed: True or False")
        self.bn_training = bn_training
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle={shuffle!r} is not allowed; allowed: True or False")
        self.shuffle = shuffle
        if l2sp is not None:
            reference, alpha, beta = l2sp
            l2sp_penalty(self.model, reference, alpha, beta)  # validates early
        self.l2sp = l2sp
        n_outputs = int(self.model.output_shape[-1])
        self.loss = (
            keras.losses.BinaryCrossentropy()
            if n_outputs == 1
            else keras.losses.SparseCategoricalCrossentropy()
        )
        self.optimizer = keras.optimizers.Adam(learning_rate=self.learning_rate)
        self.variables = list(self.model.trainable_variables)
        if not self.variables:
            raise ValueError(f"model {self.model.name!r} has no trainable weights; unfreeze some")
        self.optimizer.build(self.variables)
        spec = [
            tf.TensorSpec([None, *self.model.input_shape[1:]], tf.float32),
            tf.TensorSpec([None], tf.float32 if n_outputs == 1 else tf.int64),
            tf.TensorSpec([None, None], tf.int32),
        ]
        self._run = tf.function(self._steps, input_signature=spec, jit_compile=False)

    def _objective(self, x: Any, y: Any) -> Any:
        predictions = self.model(x, training=self.bn_training)
        if int(self.model.output_shape[-1]) == 1:
            predictions = keras.ops.reshape(predictions, (-1,))
        loss = self.loss(y, predictions)
        if self.l2sp is not None:
            loss = loss + l2sp_penalty(self.model, *self.l2sp)
        return loss

    def _steps(self, x: Any, y: Any, batches: Any) -> Any:
        import tensorflow as tf

        loss = tf.constant(0.0)
        for step in tf.range(tf.shape(batches)[0]):
            index = batches[step]
            with tf.GradientTape() as tape:
                loss = self._objective(tf.gather(x, index), tf.gather(y, index))
            gradients = tape.gradient(loss, self.variables)
            self.optimizer.apply_gradients(zip(gradients, self.variables, strict=True))
        return loss

    def reset(self, weights: list[np.ndarray] | None = None) -> FastTrainer:
        """Load ``weights`` (as from ``model.get_weights()``) and clear Adam's state."""
        if weights is not None:
            self.model.set_weights(weights)
        for variable in self.optimizer.variables:
            variable.assign(keras.ops.zeros_like(variable))
        self.optimizer.learning_rate = self.learning_rate
        return self

    def _batches(self, n: int, steps: int, random_state: int | None) -> np.ndarray:
        if self.batch_size is None or self.batch_size >= n:
            return np.tile(np.arange(n, dtype=np.int32), (steps, 1))
        if not self.shuffle:  # consecutive slices, in the order of the data
            starts = (np.arange(steps) * self.batch_size) % (n - n % self.batch_size or n)
            return (starts[:, None] + np.arange(self.batch_size)).astype(np.int32) % n
        rng = np.random.default_rng(random_state)
        per_pass = n // self.batch_size
        passes = -(-steps // per_pass)
        order = np.concatenate([rng.permutation(n) for _ in range(passes)])
        usable = order[: steps * self.batch_size]
        return usable.reshape(steps, self.batch_size).astype(np.int32)

    def fit(
        self, x: np.ndarray, y: np.ndarray, *, steps: int, random_state: int | None = None
    ) -> float:
        """Run ``steps`` Adam updates on ``(x, y)``; return the last step's loss."""
        steps = _check_positive_int(steps, "steps")
        x = np.asarray(x, dtype=np.float32)
        if x.shape[1:] != tuple(self.model.input_shape[1:]):
            raise ValueError(
                f"x has shape {x.shape}; allowed: (n, *{tuple(self.model.input_shape[1:])})"
            )
        y = np.asarray(y)
        y = y.astype(np.float32) if int(self.model.output_shape[-1]) == 1 else y.astype(np.int64)
        if len(y) != len(x) or len(x) == 0:
            raise ValueError(f"x has {len(x)} rows and y {len(y)}; allowed: the same, > 0")
        batches = self._batches(len(x), steps, random_state)
        return float(self._run(x, y, batches))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities of ``x`` in inference mode, as a NumPy array."""
        return keras.ops.convert_to_numpy(self.model(np.asarray(x, np.float32), training=False))
