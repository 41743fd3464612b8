"""The book's small Keras models, and the tools that move their weights from task to task.

Both networks, :func:`build_mlp` (the worked example's perceptron) and :func:`build_cnn`, name
every transferable layer ``base_*`` and the output layer ``head``, so that the *base* (what is
transferred) and the *head* (what is replaced) can be found by name. Every other function takes
either: :func:`replace_head`, :func:`freeze`/:func:`unfreeze`, :func:`feature_extractor`,
:func:`base_weights` with :func:`l2sp_penalty` and :func:`weight_drift`, :func:`compile_for`.
The training loop lives in :mod:`tlutils.training`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import keras
import numpy as np

from tlutils._validation import check_bool, check_int, check_real, invalid

__all__ = [
    "BASE_PREFIX",
    "HEAD_NAME",
    "base_layer_names",
    "base_weights",
    "build_cnn",
    "build_mlp",
    "compile_for",
    "feature_extractor",
    "freeze",
    "l2sp_penalty",
    "replace_head",
    "unfreeze",
    "weight_drift",
]

BASE_PREFIX = "base_"
"""Name prefix of every transferable layer."""

HEAD_NAME = "head"
"""Name of the output layer that :func:`replace_head` replaces."""


def _check_model(model: Any) -> keras.Model:
    allowed = "a keras.Model with 'base_*' layers and a 'head' (build_mlp, build_cnn)"
    if not isinstance(model, keras.Model):
        raise invalid("model", f"has type {type(model).__name__}", allowed, error=TypeError)
    names = [layer.name for layer in model.layers]
    if HEAD_NAME not in names or not any(name.startswith(BASE_PREFIX) for name in names):
        raise invalid("model", f"{model.name!r} has the layers {names}", allowed)
    return model


def _int_tuple(value: Any, name: str, size: int | None = None) -> tuple[int, ...]:
    """A non-empty sequence (of ``size`` entries if given) of positive ints, as a tuple."""
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise invalid(name, "is not a non-empty sequence", "a tuple of ints >= 1", value=value)
    if size is not None and len(value) != size:
        raise invalid(name, f"has {len(value)} entries", f"{size} ints >= 1", value=value)
    return tuple(check_int(v, f"{name}[{i}]", min_value=1) for i, v in enumerate(value))


def _head(n_outputs: int) -> keras.layers.Dense:
    activation = "sigmoid" if n_outputs == 1 else "softmax"
    return keras.layers.Dense(n_outputs, activation=activation, name=HEAD_NAME)


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
    ``Dense(n_outputs)`` head: sigmoid for one output (labels 0/1), softmax for more (integer
    labels). Note the dropout: with the default rate of 0.5, half of the hidden units are
    dropped at random whenever the model is called with ``training=True`` (as
    :class:`tlutils.training.Trainer` does by default); ``dropout=0.0`` turns it off.

    Examples
    --------
    >>> model = build_mlp(64)
    >>> [layer.name for layer in model.layers[1:]]
    ['base_dense_1', 'base_dropout_1', 'base_dense_2', 'base_dropout_2', 'head']
    >>> model.count_params(), build_mlp(64, n_outputs=10).output_shape
    (8385, (None, 10))
    """
    input_dim = check_int(input_dim, "input_dim", min_value=1)
    units = _int_tuple(hidden_units, "hidden_units")
    rate = check_real(dropout, "dropout", min_value=0, max_value=1, closed="left")
    n_outputs = check_int(n_outputs, "n_outputs", min_value=1)
    if not isinstance(name, str) or not name:
        raise invalid("name", "is not a non-empty str", "a model name", value=name)
    inputs = keras.Input(shape=(input_dim,), name="features")
    x = inputs
    for i, width in enumerate(units, start=1):
        x = keras.layers.Dense(width, activation="relu", name=f"{BASE_PREFIX}dense_{i}")(x)
        x = keras.layers.Dropout(rate, name=f"{BASE_PREFIX}dropout_{i}")(x)
    return keras.Model(inputs, _head(n_outputs)(x), name=name)


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
    ``BatchNormalization`` -> ``ReLU`` -> ``MaxPooling2D(2)``, named ``base_block{i}_conv``,
    ``_bn``, ``_relu`` and ``_pool``; then ``base_flatten`` and a ``Dense(n_outputs)`` head
    (softmax, or sigmoid for one output). There is no dropout.

    ``bn_momentum`` is the BatchNormalization momentum of the running statistics. The Keras
    default, 0.99, needs hundreds of steps to forget its initial values; the book's runs are a
    few dozen full-batch steps long, so the default here is 0.9.

    Examples
    --------
    >>> model = build_cnn(n_outputs=5)
    >>> [layer.name for layer in model.layers[1:5]]
    ['base_block1_conv', 'base_block1_bn', 'base_block1_relu', 'base_block1_pool']
    >>> model.output_shape, model.count_params()
    ((None, 5), 1645)
    """
    input_shape = _int_tuple(input_shape, "input_shape", size=3)  # (height, width, channels)
    n_outputs = check_int(n_outputs, "n_outputs", min_value=1)
    widths = _int_tuple(filters, "filters")
    max_blocks = min(input_shape[:2]).bit_length() - 1  # each block halves the image
    if len(widths) > max_blocks:
        raise invalid("filters", f"has {len(widths)} blocks", f"at most {max_blocks} blocks")
    bn_momentum = check_real(bn_momentum, "bn_momentum", min_value=0, max_value=1, closed="left")
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for i, width in enumerate(widths, start=1):
        prefix = f"{BASE_PREFIX}block{i}_"
        x = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=prefix + "conv")(x)
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=prefix + "bn")(x)
        x = keras.layers.Activation("relu", name=prefix + "relu")(x)
        x = keras.layers.MaxPooling2D(2, name=prefix + "pool")(x)
    x = keras.layers.Flatten(name=f"{BASE_PREFIX}flatten")(x)
    return keras.Model(inputs, _head(n_outputs)(x), name=name)


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
    """The part of ``model`` up to its last base layer (what the head reads), sharing its layers.

    Examples
    --------
    >>> features = feature_extractor(build_mlp(64))
    >>> features.output_shape, features.layers[-1].name
    ((None, 64), 'base_dropout_2')
    >>> feature_extractor(build_cnn()).output_shape  # base_flatten: 2 x 2 pixels x 16 filters
    (None, 64)
    """
    model = _check_model(model)
    last_base = model.get_layer(base_layer_names(model)[-1])
    return keras.Model(model.input, last_base.output, name=f"{model.name}_features")


def replace_head(
    model: keras.Model, n_outputs: int, *, train_base: bool = True, name: str | None = None
) -> keras.Model:
    """A copy of ``model``'s base (weights included) topped with a new, freshly initialised head.

    ``model`` is not changed (the base is copied, not shared). The head has ``n_outputs`` units
    (sigmoid for one, else softmax). ``train_base=False`` freezes the base (feature extraction:
    only the head learns). Not compiled: compile it, or build a trainer, after freezing.

    Examples
    --------
    >>> source = build_cnn(n_outputs=10)
    >>> target = replace_head(source, 4, train_base=False)
    >>> target.output_shape, [w.path for w in target.trainable_weights]
    ((None, 4), ['head/kernel', 'head/bias'])
    >>> bool(np.array_equal(target.get_layer("base_block1_conv").get_weights()[0],
    ...                     source.get_layer("base_block1_conv").get_weights()[0]))
    True
    >>> target.get_layer("base_block1_conv") is source.get_layer("base_block1_conv")
    False
    """
    model = _check_model(model)
    n_outputs = check_int(n_outputs, "n_outputs", min_value=1)
    train_base = check_bool(train_base, "train_base")
    base = feature_extractor(model)
    copy = keras.models.clone_model(base)
    copy.set_weights(base.get_weights())
    outputs = _head(n_outputs)(copy.output)
    new = keras.Model(copy.input, outputs, name=name or f"{model.name}_new_head")
    if not train_base:
        freeze(new)
    return new


_LayerNames = Iterable[str] | str | None


def _set_trainable(
    model: keras.Model, names: _LayerNames, up_to_depth: int | None, trainable: bool
) -> list[str]:
    model = _check_model(model)
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    if names is not None and up_to_depth is not None:
        raise invalid("names", "and up_to_depth were both given", "at most one of them")
    if up_to_depth is not None:
        chosen = layers[: check_int(up_to_depth, "up_to_depth", min_value=0, max_value=len(layers))]
    elif names is None:
        chosen = [layer for layer in layers if layer.name.startswith(BASE_PREFIX)]
    else:
        names = [names] if isinstance(names, str) else list(names)
        valid = [layer.name for layer in layers]
        unknown = [n for n in names if n not in valid]
        if unknown:
            raise invalid("names", f"has unknown layer name(s) {unknown}", f"{valid}")
        chosen = [layer for layer in layers if layer.name in names]
    for layer in chosen:
        layer.trainable = trainable
    return [layer.name for layer in chosen]


def freeze(
    model: keras.Model, names: _LayerNames = None, *, up_to_depth: int | None = None
) -> list[str]:
    """Mark layers as not trainable; return the names of the layers changed.

    Which layers: ``names``, or the first ``up_to_depth`` layers after the input, or (neither
    given) every ``base_*`` layer. **Compile again** (or build a new trainer) afterwards: Keras
    reads ``trainable`` when compiling. In Keras 3 a frozen ``BatchNormalization`` layer also
    runs in inference mode: it normalises with its running statistics and keeps them.

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
    ValueError: names has unknown layer name(s) ['block1']; allowed: ['base_block1_conv', ...
    """
    return _set_trainable(model, names, up_to_depth, trainable=False)


def unfreeze(
    model: keras.Model, names: _LayerNames = None, *, up_to_depth: int | None = None
) -> list[str]:
    """Mark layers as trainable again; the arguments (and the advice) are those of :func:`freeze`.

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
    return _set_trainable(model, names, up_to_depth, trainable=True)


def _learnable_weights(layer: keras.layers.Layer) -> list[Any]:  # see base_weights
    frozen = not layer.trainable
    layer.trainable = True
    weights = list(layer.trainable_weights)
    layer.trainable = not frozen
    return weights


def base_weights(model: keras.Model) -> dict[str, np.ndarray]:
    """Copies of the learnable base weights, keyed by variable path (``layer/weight``).

    Learnable means trained when the layer is trainable, frozen now or not (BatchNormalization's
    running statistics are not). Take it from the pre-trained model before fine-tuning: it is
    the reference of :func:`l2sp_penalty` and :func:`weight_drift`.

    Examples
    --------
    >>> sorted(base_weights(build_mlp(4, hidden_units=(2,))))
    ['base_dense_1/bias', 'base_dense_1/kernel']
    >>> sorted(base_weights(build_cnn(filters=(2,))))
    ['base_block1_bn/beta', 'base_block1_bn/gamma', 'base_block1_conv/kernel']
    """
    model = _check_model(model)
    return {
        v.path: np.array(v.numpy(), copy=True)
        for layer in model.layers
        if layer.name.startswith(BASE_PREFIX)
        for v in _learnable_weights(layer)
    }


def _model_variables(model: Any, reference: Any, name: str) -> dict[str, Any]:
    """``model``'s variables by path, after checking ``reference`` (called ``name``) on them."""
    model = _check_model(model)
    allowed = "a non-empty dict from base_weights() of a model with the same base"
    if not isinstance(reference, dict) or not reference:
        raise invalid(name, f"has type {type(reference).__name__}", allowed, error=TypeError)
    variables = {v.path: v for v in model.weights}
    for path, start in reference.items():
        if path not in variables or np.shape(start) != tuple(variables[path].shape):
            raise invalid(name, f"has {path!r} {np.shape(start)}, unlike {model.name!r}", allowed)
    return variables


def l2sp_penalty(
    model: keras.Model, reference_weights: dict[str, np.ndarray], alpha: float, beta: float
) -> Any:
    """The L2-SP penalty of Li et al. (2018) as a scalar tensor (differentiable).

    ``alpha / 2 * sum ||w - w0||^2`` over the base weights that appear in
    ``reference_weights`` (see :func:`base_weights`), plus ``beta / 2 * sum ||w||^2`` over the
    trainable weights of the non-base layers (the new head), which have no pre-trained value.

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
    variables = _model_variables(model, reference_weights, "reference_weights")
    alpha = check_real(alpha, "alpha", min_value=0)
    beta = check_real(beta, "beta", min_value=0)
    total = keras.ops.convert_to_tensor(0.0)
    for path, start in reference_weights.items():
        diff = variables[path] - keras.ops.convert_to_tensor(start, dtype=variables[path].dtype)
        total = total + 0.5 * alpha * keras.ops.sum(keras.ops.square(diff))
    for layer in model.layers:
        if not layer.name.startswith(BASE_PREFIX):
            for v in layer.trainable_weights:
                total = total + 0.5 * beta * keras.ops.sum(keras.ops.square(v))
    return total


def weight_drift(model: keras.Model, reference: dict[str, np.ndarray]) -> float:
    """How far the base moved from ``reference``: ``||w - w0|| / ||w0||``.

    Both norms run over the weights named in ``reference`` (a :func:`base_weights` dict taken
    before fine-tuning) as one vector: 0 for a base that did not move, 0.1 for a tenth of its size.

    Examples
    --------
    >>> model = build_mlp(4, hidden_units=(2,))
    >>> reference = base_weights(model)
    >>> weight_drift(model, reference)
    0.0
    >>> for layer in model.layers:
    ...     layer.set_weights([2 * w for w in layer.get_weights()])
    >>> weight_drift(model, reference)  # every base weight doubled: moved by its own size
    1.0
    """
    variables = _model_variables(model, reference, "reference")
    moved = np.sqrt(sum(np.sum((variables[k].numpy() - reference[k]) ** 2) for k in reference))
    return float(moved / np.sqrt(sum(np.sum(v**2) for v in reference.values())))


def compile_for(
    model: keras.Model,
    learning_rate: float = 1e-3,
    *,
    metrics: Sequence[Any] | None = ("accuracy",),
    steps_per_execution: int = 1,
) -> keras.Model:
    """Compile ``model`` with Adam and the loss that matches its head; return it.

    Binary cross-entropy for one output unit, sparse categorical cross-entropy (integer labels)
    for more. ``steps_per_execution`` batches run in one TensorFlow call (less Python overhead
    for tiny models). Compile again whenever ``trainable`` flags change: Keras reads them here.

    Examples
    --------
    >>> compile_for(build_mlp(8), 1e-3).loss
    'binary_crossentropy'
    >>> model = compile_for(build_mlp(8, n_outputs=3), learning_rate=1e-4)
    >>> model.loss, round(float(model.optimizer.learning_rate), 8)
    ('sparse_categorical_crossentropy', 0.0001)
    """
    model = _check_model(model)
    learning_rate = check_real(learning_rate, "learning_rate", min_value=0, closed="neither")
    steps_per_execution = check_int(steps_per_execution, "steps_per_execution", min_value=1)
    binary = int(model.output_shape[-1]) == 1
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
        metrics=list(metrics) if metrics else None,
        steps_per_execution=steps_per_execution,
    )
    # Adam's slots for the trainable weights, now: as Keras' lazy build would, but much faster.
    model.optimizer.build(model.trainable_variables)
    return model
