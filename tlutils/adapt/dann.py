# ruff: noqa: N803  (X, X_source, X_target: scikit-learn's names for feature matrices)
"""Adversarial features: the gradient-reversal layer and DANN (Ganin et al., 2016), in Keras.

Keras has neither, and they are the lesson of the adaptation chapters. This module imports
TensorFlow: import it before ``keras.models.load_model`` reads a saved DANN.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from sklearn.exceptions import NotFittedError

from tlutils import _validation as v

__all__ = ["DANN", "GradientReversal", "dann_lambda_schedule"]


def dann_lambda_schedule(progress: Any, lambda_max: float = 1.0, gamma: float = 10.0) -> Any:
    """Ganin et al.'s ramp :math:`\\lambda_p = \\lambda_{max} (2 / (1 + e^{-\\gamma p}) - 1)`.

    As the progress ``p`` runs from 0 to 1 the weight of the domain loss grows from 0 to almost
    ``lambda_max``: the adversary cannot disturb features that know nothing about labels yet.

    Examples
    --------
    >>> [round(float(dann_lambda_schedule(p)), 3) for p in (0.0, 0.1, 0.5, 1.0)]
    [0.0, 0.462, 0.987, 1.0]
    """
    return lambda_max * (2.0 / (1.0 + np.exp(-gamma * np.asarray(progress))) - 1.0)


@keras.saving.register_keras_serializable(package="tlutils")
class GradientReversal(keras.layers.Layer):
    """Identity on the forward pass; multiplies the gradient by ``-lambda_`` on the way back.

    Between a feature extractor and a domain classifier it lets the classifier minimise its
    loss while the feature extractor *maximises* it. ``lambda_`` (``lambda`` is a keyword) is a
    non-trainable variable, so a training loop can change it without retracing.

    Examples
    --------
    >>> layer = GradientReversal(lambda_=0.5)
    >>> x = tf.constant([1.0, -2.0])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = layer(x)
    >>> y.numpy().tolist(), tape.gradient(y, x).numpy().tolist()
    ([1.0, -2.0], [-0.5, -0.5])
    """

    def __init__(self, lambda_: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        value = v.check_real(lambda_, "lambda_", min_value=0)
        self._lambda = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(value), trainable=False, name="lambda"
        )

    @property
    def lambda_(self) -> float:
        """The current factor of the reversed gradient."""
        return float(self._lambda.numpy())

    @lambda_.setter
    def lambda_(self, value: float) -> None:
        self._lambda.assign(v.check_real(value, "lambda_", min_value=0))

    def call(self, inputs: Any) -> Any:
        frozen = keras.ops.stop_gradient(inputs)  # forward: inputs + 0; backward: -lambda * grad
        return frozen - keras.ops.cast(self._lambda, inputs.dtype) * (inputs - frozen)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "lambda_": self.lambda_}


def _units(value: Any, name: str, *, allow_empty: bool) -> tuple[int, ...]:
    allowed = "a tuple of ints >= 1" + ("" if allow_empty else ", not empty")
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise v.invalid(name, "is not a sequence", allowed, value=value, error=TypeError)
    if not value and not allow_empty:
        raise v.invalid(name, "is empty", allowed, value=value)
    return tuple(v.check_int(u, f"{name}[{i}]", min_value=1) for i, u in enumerate(value))


@keras.saving.register_keras_serializable(package="tlutils")
class DANN(keras.Model):
    """Domain-adversarial neural network (Ganin et al., 2016) for tabular features.

    A feature extractor :math:`G_f` (``Dense(u, relu)`` per ``hidden_units``) feeds a label
    predictor :math:`G_y` (softmax, trained on the labelled source) and, through
    :class:`GradientReversal`, a domain classifier :math:`G_d` (``Dense(u, relu)`` per
    ``domain_units``, then one logit: source 0, target 1). Every step minimises label loss plus
    domain loss; the reversed gradient makes :math:`G_f` *maximise* the domain loss with the
    weight :math:`\\lambda_p` of :func:`dann_lambda_schedule`, while Adam's step size decays
    as :math:`\\mu_0 / (1 + \\alpha p)^{0.75}` over the progress :math:`p`. ``lambda_max=0``
    gives the same network trained on the source labels alone (the domain branch is skipped,
    ``history_["domain_loss"]`` is 0): the fair "source only" baseline, or with
    ``sample_weight`` an importance-weighted network.

    ``fit`` starts from fresh weights (as in scikit-learn), drawn like the batches from
    ``random_state``, but reuses the traced TensorFlow graph: a refit after ``set_params``
    takes a fraction of a second.

    Parameters
    ----------
    lambda_max, gamma : float
        Final weight of the reversed gradient (``>= 0``) and steepness of its ramp (``> 0``).
    learning_rate, learning_rate_decay : float
        Adam's initial step size :math:`\\mu_0 > 0` and its decay :math:`\\alpha \\ge 0`.
    n_steps, batch_size : int, int or None
        Gradient steps; rows per domain drawn (with replacement) per step (``None``: all).
    n_features, classes
        Set by :meth:`fit` (and stored in the ``.keras`` file); leave them out.

    Examples
    --------
    >>> from tlutils.data import make_rotated_moons
    >>> X_source, y_source = make_rotated_moons(200, angle=0.0, random_state=0)
    >>> X_target, y_target = make_rotated_moons(200, angle=30.0, random_state=1)
    >>> model = DANN(n_steps=200, random_state=0).fit(X_source, y_source, X_target)
    >>> model.predict_proba(X_target[:3]).shape
    (3, 2)
    >>> model.score(X_target, y_target) > 0.8
    True
    >>> refit = model.set_params(lambda_max=0.3, random_state=1).fit(X_source, y_source, X_target)
    >>> refit is model and model.fit_seconds_ < 2.0  # the traced graph is reused
    True
    """

    def __init__(
        self,
        *,
        hidden_units: Sequence[int] = (32, 32),
        domain_units: Sequence[int] = (32,),
        lambda_max: float = 1.0,
        gamma: float = 10.0,
        learning_rate: float = 0.01,
        learning_rate_decay: float = 10.0,
        n_steps: int = 300,
        batch_size: int | None = None,
        random_state: int | None = None,
        n_features: int | None = None,
        classes: Sequence[Any] | None = None,
        name: str = "dann",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self.hidden_units, self.domain_units = hidden_units, domain_units
        self.lambda_max, self.gamma = lambda_max, gamma
        self.learning_rate, self.learning_rate_decay = learning_rate, learning_rate_decay
        self.n_steps, self.batch_size, self.random_state = n_steps, batch_size, random_state
        self._check_params()
        self.n_features = v.check_int(n_features, "n_features", min_value=1, allow_none=True)
        self.classes = None if classes is None else list(classes)
        self._train: dict[bool, Any] = {}  # traced training loops, with and without adversary
        if self.n_features is not None and self.classes is not None:
            self._make_layers()

    def _check_params(self) -> None:
        self.hidden_units = _units(self.hidden_units, "hidden_units", allow_empty=False)
        self.domain_units = _units(self.domain_units, "domain_units", allow_empty=True)
        self.lambda_max = v.check_real(self.lambda_max, "lambda_max", min_value=0)
        self.gamma = v.check_real(self.gamma, "gamma", min_value=0, closed="neither")
        rate = v.check_real(self.learning_rate, "learning_rate", min_value=0, closed="neither")
        decay = v.check_real(self.learning_rate_decay, "learning_rate_decay", min_value=0)
        self.learning_rate, self.learning_rate_decay = rate, decay
        self.n_steps = v.check_int(self.n_steps, "n_steps", min_value=1)
        self.batch_size = v.check_int(self.batch_size, "batch_size", min_value=1, allow_none=True)
        self.random_state = v.check_random_state(self.random_state)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyperparameters (the arguments before ``n_features``), as in scikit-learn."""
        names = list(inspect.signature(DANN).parameters)
        return {name: getattr(self, name) for name in names[: names.index("n_features")]}

    def set_params(self, **params: Any) -> DANN:
        """Change hyperparameters (checked at once) and return ``self``, as in scikit-learn.

        The widths of a fitted network stay fixed: build a new DANN for other widths.
        """
        for name, value in params.items():
            setattr(self, v.check_choice(name, "parameter", tuple(self.get_params())), value)
        self._check_params()
        return self

    def get_config(self) -> dict[str, Any]:
        extra = {"name": self.name, "n_features": self.n_features, "classes": self.classes}
        return {**self.get_params(), **extra}

    def _make_layers(self) -> None:
        dense = keras.layers.Dense

        def relu(units: tuple[int, ...], part: str) -> list[Any]:
            return [dense(u, activation="relu", name=f"{part}_{i}") for i, u in enumerate(units, 1)]

        self.feature_layers = relu(self.hidden_units, "feature")
        self.label_layer = dense(len(self.classes), name="label_logits")
        self.reversal = GradientReversal(lambda_=0.0, name="gradient_reversal")
        self.domain_layers = [*relu(self.domain_units, "domain"), dense(1, name="domain_logit")]
        features = self._features(keras.ops.zeros((1, self.n_features)))  # builds the layers
        self.label_layer(features), self._domain_logit(features)
        self.optimizer_ = keras.optimizers.Adam(learning_rate=float(self.learning_rate))
        self.optimizer_.build(self.trainable_variables)
        self._built_for = (self.n_features, self.classes, self.hidden_units, self.domain_units)
        self.built = True

    def _bind_to(self, n_features: int, classes: list[Any]) -> None:
        """Build the layers on the first fit; later fits must bring the same shapes."""
        if self.classes is None:
            self.n_features, self.classes = n_features, classes
            self._make_layers()
        wanted = (n_features, classes, self.hidden_units, self.domain_units)
        if wanted != self._built_for:
            what = "(n_features, classes, hidden_units, domain_units)"
            allowed = f"{self._built_for}, as built, or a new DANN"
            raise v.invalid(what, f"is {wanted}", allowed)

    def _features(self, x: Any) -> Any:
        for layer in self.feature_layers:
            x = layer(x)
        return x

    def _domain_logit(self, features: Any) -> Any:
        h = self.reversal(features)
        for layer in self.domain_layers:
            h = layer(h)
        return keras.ops.squeeze(h, axis=-1)

    def call(self, inputs: Any, training: bool = False) -> Any:
        """Class probabilities, shape ``(n, n_classes)``."""
        return keras.ops.softmax(self.label_layer(self._features(inputs)), axis=-1)

    def _reset(self, rng: np.random.Generator) -> None:
        """Fresh Glorot-uniform kernels, zero biases, a zeroed optimizer; no new layers."""
        for layer in [*self.feature_layers, self.label_layer, *self.domain_layers]:
            initializer = keras.initializers.GlorotUniform(seed=int(rng.integers(2**31 - 1)))
            layer.kernel.assign(initializer(layer.kernel.shape))
            layer.bias.assign(keras.ops.zeros(layer.bias.shape))
        for variable in self.optimizer_.variables:
            variable.assign(keras.ops.zeros(variable.shape, variable.dtype))
        self.reversal.lambda_ = 0.0

    def _make_train_function(self, adversarial: bool) -> Any:
        # source features, source weights, target features, lambda and learning rate of each
        # step; source labels (class indices), batch size per domain (0: full), batches' seed
        matrix, vector = tf.TensorSpec([None, self.n_features]), tf.TensorSpec([None])
        labels, batch, seed = (tf.TensorSpec(shape, tf.int32) for shape in ([None], [], [2]))
        signature = [matrix, vector, matrix, vector, vector, labels, batch, seed]
        variables = self.trainable_variables
        if not adversarial:  # the domain classifier is not trained without an adversary
            domain = {id(v) for layer in self.domain_layers for v in layer.trainable_variables}
            variables = [v for v in variables if id(v) not in domain]
        optimizer, uniform = self.optimizer_, tf.random.stateless_uniform

        def losses(xs: Any, ys: Any, ws: Any, xt: Any) -> tuple[Any, Any]:
            hs = self._features(xs)
            per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(ys, self.label_layer(hs))
            label_loss = tf.reduce_sum(ws * per_example) / tf.reduce_sum(ws)
            if not adversarial:  # lambda_max = 0: the domain branch cannot change the features
                return label_loss, tf.constant(0.0)
            logits = self._domain_logit(tf.concat([hs, self._features(xt)], axis=0))
            domains = tf.concat([tf.zeros_like(ws), tf.ones(tf.shape(xt)[:1])], axis=0)
            domain_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(domains, logits))
            return label_loss, domain_loss

        @tf.function(input_signature=signature, jit_compile=False)
        def train(xs, ws, xt, lambdas, rates, ys, batch, seed):  # noqa: ANN001, ANN202
            n_steps = tf.shape(lambdas)[0]
            label_history = tf.TensorArray(tf.float32, size=n_steps)
            domain_history = tf.TensorArray(tf.float32, size=n_steps)
            n_s, n_t = tf.shape(xs)[0], tf.shape(xt)[0]
            for step in tf.range(n_steps):
                self.reversal._lambda.assign(lambdas[step])
                optimizer.learning_rate.assign(rates[step])
                if batch > 0:  # rows drawn with replacement, from a seed per step
                    step_seed = seed + tf.stack([step, 0])
                    i_s = uniform([batch], step_seed, maxval=n_s, dtype=tf.int32)
                    i_t = uniform([batch], step_seed + [0, 1], maxval=n_t, dtype=tf.int32)
                    bxs, bys, bws = tf.gather(xs, i_s), tf.gather(ys, i_s), tf.gather(ws, i_s)
                    bxt = tf.gather(xt, i_t)
                else:
                    bxs, bys, bws, bxt = xs, ys, ws, xt
                with tf.GradientTape() as tape:
                    label_loss, domain_loss = losses(bxs, bys, bws, bxt)
                    total = label_loss + domain_loss  # inside the tape, to be differentiated
                gradients = tape.gradient(total, variables)
                optimizer.apply_gradients(zip(gradients, variables, strict=True))
                label_history = label_history.write(step, label_loss)
                domain_history = domain_history.write(step, domain_loss)
            return label_history.stack(), domain_history.stack()

        return train

    def fit(  # type: ignore[override]
        self, X_source: Any, y_source: Any, X_target: Any, *, sample_weight: Any = None
    ) -> DANN:
        """Train on labelled source rows and unlabelled target rows; return ``self``.

        ``y_source``: class labels (at least two distinct ones); ``sample_weight``: one weight
        ``>= 0`` per source row for the label loss (e.g. importance weights). Afterwards
        ``history_`` holds the per-step ``label_loss`` and ``domain_loss``, ``fit_seconds_``
        the time of the training loop.
        """
        self._check_params()
        xs = v.check_array(X_source, "X_source", ndim=2, min_rows=1, dtype=np.float32)
        d = xs.shape[1]
        xt = v.check_array(X_target, "X_target", ndim=2, min_rows=1, n_columns=d, dtype=np.float32)
        ys = np.asarray(y_source)
        if ys.ndim != 1:
            raise v.invalid("y_source", f"has shape {ys.shape}", "a 1-D array of labels")
        v.check_same_length(xs, ys, ("X_source", "y_source"))
        weights = np.ones(len(xs), np.float32)
        if sample_weight is not None:
            weights = v.check_array(sample_weight, "sample_weight", ndim=1, low=0, dtype=np.float32)
            v.check_same_length(xs, weights, ("X_source", "sample_weight"))
            if not weights.any():
                raise v.invalid("sample_weight", "is all 0", "weights >= 0, not all 0")
        classes, codes = np.unique(ys, return_inverse=True)
        if len(classes) < 2:
            raise v.invalid("y_source", f"has {len(classes)} class", "at least 2 classes")
        self._bind_to(d, classes.tolist())
        adversarial = self.lambda_max > 0.0
        if adversarial not in self._train:
            self._train[adversarial] = self._make_train_function(adversarial)
        rng = np.random.default_rng(self.random_state)
        batch_seed = rng.integers(0, 2**31 - 1, size=2)
        self._reset(rng)
        progress = np.arange(self.n_steps) / self.n_steps
        lambdas = dann_lambda_schedule(progress, self.lambda_max, self.gamma)
        rates = self.learning_rate / (1.0 + self.learning_rate_decay * progress) ** 0.75
        floats = (tf.constant(v, tf.float32) for v in (xs, weights, xt, lambdas, rates))
        ints = (tf.constant(v, tf.int32) for v in (codes, self.batch_size or 0, batch_seed))
        start = time.perf_counter()
        label_loss, domain_loss = self._train[adversarial](*floats, *ints)
        self.fit_seconds_ = time.perf_counter() - start
        self.history_ = {"label_loss": label_loss.numpy(), "domain_loss": domain_loss.numpy()}
        return self

    def _input(self, X: Any) -> Any:
        if self.classes is None:
            raise NotFittedError("this DANN is not fitted yet; call fit first")
        return tf.constant(
            v.check_array(X, "X", ndim=2, n_columns=self.n_features, dtype="float32")
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape ``(n, n_classes)``, columns in order of ``classes``."""
        return self(self._input(X)).numpy()

    def predict(self, X: Any) -> np.ndarray:  # type: ignore[override]
        """Predicted class labels (values from ``classes``)."""
        return np.asarray(self.classes)[np.argmax(self.predict_proba(X), axis=1)]

    def transform(self, X: Any) -> np.ndarray:
        """The learned features :math:`G_f(x)`, shape ``(n, hidden_units[-1])``."""
        return self._features(self._input(X)).numpy()

    def score(self, X: Any, y: Any) -> float:
        """Accuracy of :meth:`predict` on ``(X, y)``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))
