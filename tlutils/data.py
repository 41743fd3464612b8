"""Source and target domains built from scikit-learn's bundled handwritten digits.

The book needs a transfer-learning setting that runs offline in seconds. We take the
1797 8x8 images of :func:`sklearn.datasets.load_digits`, split them into two disjoint,
stratified halves, keep one half as the *source* domain and distort the other half with a
controlled *domain shift* to obtain the *target* domain. :func:`split_target` then carves a
small labelled training set (a few labels per class), a validation set and a fixed test set out
of the target domain.

This module deliberately does not import TensorFlow: it only needs NumPy, SciPy and
scikit-learn.

Examples
--------
>>> from tlutils.data import load_digit_domains, split_target
>>> pair = load_digit_domains("rotation", 0.5, random_state=0)
>>> pair.source.name, pair.target.name
('source: digits', 'target: digits, rotation 0.5')
>>> len(pair.source) + len(pair.target)
1797
>>> split = split_target(pair.target, n_per_class=5, random_state=0)
>>> split.train.n_samples, split.val.n_samples
(50, 50)
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

__all__ = [
    "SHIFTS",
    "TASKS",
    "Domain",
    "DomainPair",
    "TargetSplit",
    "apply_shift",
    "load_binary_domains",
    "load_digit_domains",
    "split_target",
]

SHIFTS: tuple[str, ...] = ("none", "translation", "rotation", "noise", "contrast", "inversion")
"""Names of the domain shifts that :func:`apply_shift` can simulate."""

TASKS: tuple[str, ...] = ("digits", "odd_even")
"""Names of the labelling tasks (ten digit classes, or the binary label ``digit % 2``)."""

IMAGE_SHAPE: tuple[int, int] = (8, 8)
N_PIXELS: int = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]

_MAX_TRANSLATION_PIXELS = 3.0
_MAX_ROTATION_DEGREES = 90.0
_MAX_NOISE_STD = 0.5
_MAX_CONTRAST_LOSS = 0.9
_DEFAULT_N_VAL_PER_CLASS = 10
_CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "digits": tuple(str(digit) for digit in range(10)),
    "odd_even": ("even", "odd"),
}


# --------------------------------------------------------------------------------------------
# Containers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """A labelled set of examples from one domain.

    Attributes
    ----------
    X : numpy.ndarray
        Features, shape ``(n_samples, n_features)``, stored as float32. For domains built by
        this module these are flattened 8x8 images with values in ``[0, 1]``.
    y : numpy.ndarray
        Integer labels, shape ``(n_samples,)``, stored as int64, each in
        ``0 .. len(class_names) - 1``.
    name : str
        A human-readable description, e.g. ``"target: digits, rotation 0.5"``.
    class_names : tuple of str
        The name of class ``k`` is ``class_names[k]``.

    Examples
    --------
    >>> import numpy as np
    >>> d = Domain(np.zeros((3, 64)), np.array([0, 1, 1]), "toy", ("even", "odd"))
    >>> d.n_samples, d.n_features, d.n_classes, len(d)
    (3, 64, 2, 3)
    >>> d.X.dtype, d.y.dtype
    (dtype('float32'), dtype('int64'))
    >>> d.images().shape
    (3, 8, 8)
    >>> d.subset([2, 0]).y
    array([1, 0])
    >>> Domain(np.zeros((3, 64)), np.array([0, 1]), "bad", ("a", "b"))
    Traceback (most recent call last):
    ...
    ValueError: y has 2 labels but X has 3 rows; they must have the same length
    """

    X: np.ndarray
    y: np.ndarray
    name: str
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        features = np.asarray(self.X)
        labels = np.asarray(self.y)
        if features.ndim != 2:
            raise ValueError(
                f"X must be 2-D (n_samples, n_features); got an array of shape {features.shape}"
            )
        if not np.issubdtype(features.dtype, np.number) or np.issubdtype(
            features.dtype, np.complexfloating
        ):
            raise TypeError(f"X must hold real numbers; got dtype {features.dtype}")
        if labels.ndim != 1:
            raise ValueError(f"y must be 1-D (n_samples,); got an array of shape {labels.shape}")
        if len(labels) != len(features):
            raise ValueError(
                f"y has {len(labels)} labels but X has {len(features)} rows; "
                "they must have the same length"
            )
        if labels.size and not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(f"y must hold integer class indices; got dtype {labels.dtype}")
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str; got {self.name!r}")
        if isinstance(self.class_names, str):
            raise TypeError(
                f"class_names must be a sequence of str, not a single str; got {self.class_names!r}"
            )
        class_names = tuple(self.class_names)
        if not class_names or not all(isinstance(c, str) for c in class_names):
            raise TypeError(
                f"class_names must be a non-empty sequence of str; got {self.class_names!r}"
            )
        if labels.size and (labels.min() < 0 or labels.max() >= len(class_names)):
            raise ValueError(
                f"y must contain class indices in 0..{len(class_names) - 1} "
                f"(one per class name); got values from {labels.min()} to {labels.max()}"
            )
        object.__setattr__(self, "X", features.astype(np.float32, copy=False))
        object.__setattr__(self, "y", labels.astype(np.int64, copy=False))
        object.__setattr__(self, "class_names", class_names)

    def __repr__(self) -> str:
        return (
            f"Domain(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, n_classes={self.n_classes})"
        )

    def __len__(self) -> int:
        return self.n_samples

    @property
    def n_samples(self) -> int:
        """Number of examples (rows of ``X``)."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of features (columns of ``X``); 64 for 8x8 images."""
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes, i.e. ``len(class_names)`` (also counts classes with no examples)."""
        return len(self.class_names)

    def images(self) -> np.ndarray:
        """Return ``X`` reshaped to ``(n_samples, 8, 8)`` images (a view, not a copy).

        Examples
        --------
        >>> import numpy as np
        >>> Domain(np.ones((2, 64)), np.array([0, 0]), "ones", ("a",)).images().shape
        (2, 8, 8)
        """
        if self.n_features != N_PIXELS:
            raise ValueError(
                f"images() needs {N_PIXELS} features (8x8 pixels); "
                f"domain {self.name!r} has {self.n_features}"
            )
        return self.X.reshape(-1, *IMAGE_SHAPE)

    def subset(self, indices: np.ndarray | list[int], name: str | None = None) -> Domain:
        """Return a new :class:`Domain` with the rows selected by ``indices``.

        ``indices`` is an array of integer positions or a boolean mask; ``name`` defaults to
        this domain's name. The class names are kept, so labels keep their meaning.

        Examples
        --------
        >>> import numpy as np
        >>> d = Domain(np.zeros((4, 64)), np.array([0, 1, 0, 1]), "toy", ("a", "b"))
        >>> d.subset(np.array([True, False, False, True]), name="ends")
        Domain(name='ends', n_samples=2, n_features=64, n_classes=2)
        """
        index = np.asarray(indices)
        if index.ndim != 1:
            raise ValueError(f"indices must be 1-D; got an array of shape {index.shape}")
        if index.size == 0:
            index = index.astype(np.intp)
        elif not (np.issubdtype(index.dtype, np.integer) or index.dtype == np.bool_):
            raise TypeError(
                f"indices must be integer positions or a boolean mask; got dtype {index.dtype}"
            )
        return Domain(
            X=self.X[index],
            y=self.y[index],
            name=self.name if name is None else name,
            class_names=self.class_names,
        )


@dataclass(frozen=True)
class DomainPair:
    """A source domain and a shifted target domain that share the same label set.

    Examples
    --------
    >>> pair = load_digit_domains("noise", 0.25, task="odd_even", random_state=1)
    >>> pair.shift, pair.severity, pair.task
    ('noise', 0.25, 'odd_even')
    >>> pair.source.class_names == pair.target.class_names == ("even", "odd")
    True
    """

    source: Domain
    target: Domain
    shift: str
    severity: float
    task: str

    def __post_init__(self) -> None:
        for role in ("source", "target"):
            if not isinstance(getattr(self, role), Domain):
                raise TypeError(f"{role} must be a Domain; got {type(getattr(self, role))}")
        if self.source.class_names != self.target.class_names:
            raise ValueError(
                "source and target must share class_names; got "
                f"{self.source.class_names} and {self.target.class_names}"
            )
        _check_choice(self.shift, "shift", SHIFTS)
        _check_choice(self.task, "task", TASKS)
        object.__setattr__(self, "severity", _check_severity(self.severity))


@dataclass(frozen=True)
class TargetSplit:
    """The three disjoint parts of a target domain made by :func:`split_target`.

    Examples
    --------
    >>> pair = load_binary_domains("rotation", 0.5)
    >>> split = split_target(pair.target, n_per_class=20, random_state=0)
    >>> [part.n_samples for part in (split.train, split.val, split.test)]
    [40, 40, 270]
    """

    train: Domain
    val: Domain
    test: Domain


# --------------------------------------------------------------------------------------------
# Argument checks (each message names the argument, the value given and what is allowed)
# --------------------------------------------------------------------------------------------


def _check_choice(value: object, argument: str, allowed: tuple[str, ...]) -> str:
    allowed_text = ", ".join(repr(option) for option in allowed)
    if not isinstance(value, str):
        raise TypeError(f"{argument}={value!r} must be a str; allowed: {allowed_text}")
    if value not in allowed:
        raise ValueError(f"{argument}={value!r} is not supported; allowed: {allowed_text}")
    return value


def _is_real_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _check_severity(severity: object) -> float:
    if not _is_real_number(severity):
        raise TypeError(f"severity={severity!r} must be a real number in [0, 1]")
    value = float(severity)  # type: ignore[arg-type]
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"severity={severity!r} is out of range; allowed: a number in [0, 1]")
    return value


def _check_open_fraction(value: object, argument: str) -> float:
    if not _is_real_number(value):
        raise TypeError(f"{argument}={value!r} must be a real number strictly between 0 and 1")
    fraction = float(value)  # type: ignore[arg-type]
    if not 0.0 < fraction < 1.0:  # also rejects NaN
        raise ValueError(f"{argument}={value!r} is out of range; allowed: 0 < {argument} < 1")
    return fraction


def _check_random_state(random_state: object) -> int | None:
    if random_state is None:
        return None
    if not isinstance(random_state, numbers.Integral) or isinstance(random_state, bool | np.bool_):
        raise TypeError(f"random_state={random_state!r} must be an int or None")
    if random_state < 0:
        raise ValueError(f"random_state={random_state!r} must be a non-negative int or None")
    return int(random_state)


def _check_count(value: object, argument: str, *, allow_none: bool) -> int | None:
    if value is None and allow_none:
        return None
    allowed = "a positive int or None" if allow_none else "a positive int"
    if not isinstance(value, numbers.Integral) or isinstance(value, bool | np.bool_):
        raise TypeError(f"{argument}={value!r} must be {allowed}")
    if value < 1:
        raise ValueError(f"{argument}={value!r} is not allowed; it must be {allowed}")
    return int(value)


def _check_images(features: object) -> np.ndarray:
    array = np.asarray(features)
    if array.ndim != 2 or array.shape[1] != N_PIXELS:
        raise ValueError(
            f"X must have shape (n_samples, {N_PIXELS}) (flattened 8x8 images); "
            f"got shape {array.shape}"
        )
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"X must hold real numbers in [0, 1]; got dtype {array.dtype}")
    if array.size:
        finite = array[np.isfinite(array)]
        if finite.size < array.size or finite.min() < 0 or finite.max() > 1:
            value_range = (
                f"values from {finite.min()} to {finite.max()}"
                if finite.size
                else "no finite values"
            )
            non_finite = "" if finite.size == array.size else " and non-finite entries"
            raise ValueError(f"X must hold pixel values in [0, 1]; got {value_range}{non_finite}")
    return array.astype(np.float32)  # always a new array


# --------------------------------------------------------------------------------------------
# Domain shifts
# --------------------------------------------------------------------------------------------


def _translate(images: np.ndarray, severity: float) -> np.ndarray:
    pixels = _MAX_TRANSLATION_PIXELS * severity
    # "grid-constant" pads with zeros *and* interpolates across the border, so the result
    # changes continuously with severity (plain "constant" zeroes a whole row and column as
    # soon as the shift is above 0).
    return ndimage.shift(images, (0.0, pixels, pixels), order=1, mode="grid-constant", cval=0.0)


def _rotate(images: np.ndarray, severity: float) -> np.ndarray:
    # Positive angles rotate counter-clockwise as displayed by imshow, like np.rot90.
    return ndimage.rotate(
        images,
        _MAX_ROTATION_DEGREES * severity,
        axes=(1, 2),
        reshape=False,
        order=1,
        mode="grid-constant",
        cval=0.0,
    )


def apply_shift(
    X: np.ndarray,  # noqa: N803 (scikit-learn's name for a feature matrix)
    shift: str,
    severity: float,
    *,
    random_state: int | None = None,
) -> np.ndarray:
    """Simulate a domain shift on flattened 8x8 images.

    Parameters
    ----------
    X : array of shape (n_samples, 64)
        Flattened 8x8 images with values in ``[0, 1]``. It is not modified.
    shift : str
        One of :data:`SHIFTS`:

        - ``"none"``: a plain copy;
        - ``"translation"``: move right and down by ``3 * severity`` pixels (sub-pixel amounts
          by linear interpolation, zeros shifted in);
        - ``"rotation"``: rotate counter-clockwise by ``90 * severity`` degrees about the
          image centre (linear interpolation, zeros in the corners); at severity 1 this is
          ``np.rot90``;
        - ``"noise"``: add Gaussian noise with standard deviation ``0.5 * severity``, then clip
          to ``[0, 1]``;
        - ``"contrast"``: pull every pixel towards 0.5: ``0.5 + (x - 0.5) * (1 - 0.9 * severity)``;
        - ``"inversion"``: invert (``1 - x``) a randomly chosen fraction ``severity`` of the
          images (``round(severity * n_samples)`` of them).
    severity : float
        Strength of the shift in ``[0, 1]``; 0 leaves the images unchanged.
    random_state : int or None, keyword-only
        Seed for the random parts (``"noise"`` and ``"inversion"``); None draws fresh entropy.

    Returns
    -------
    numpy.ndarray
        A new float32 array of shape ``(n_samples, 64)`` with values in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 64)); X[0, 0] = 1.0          # one bright pixel, top-left corner
    >>> apply_shift(X, "translation", 1 / 3).reshape(8, 8)[1, 1]   # moved by one pixel
    np.float32(1.0)
    >>> apply_shift(X, "rotation", 1.0).reshape(8, 8)[7, 0]        # 90 degrees: bottom-left
    np.float32(1.0)
    >>> apply_shift(X, "contrast", 1.0)[0, :2]
    array([0.55, 0.45], dtype=float32)
    >>> apply_shift(X, "blur", 0.5)
    Traceback (most recent call last):
    ...
    ValueError: shift='blur' is not supported; allowed: 'none', 'translation', 'rotation', \
'noise', 'contrast', 'inversion'
    """
    _check_choice(shift, "shift", SHIFTS)
    strength = _check_severity(severity)
    seed = _check_random_state(random_state)
    shifted = _check_images(X)
    if shift == "none" or shifted.shape[0] == 0:
        return shifted
    rng = np.random.default_rng(seed)
    if shift == "translation":
        images = _translate(shifted.reshape(-1, *IMAGE_SHAPE), strength)
        shifted = images.reshape(-1, N_PIXELS)
    elif shift == "rotation":
        images = _rotate(shifted.reshape(-1, *IMAGE_SHAPE), strength)
        shifted = images.reshape(-1, N_PIXELS)
    elif shift == "noise":
        noise = rng.normal(0.0, _MAX_NOISE_STD * strength, size=shifted.shape)
        shifted = shifted + noise.astype(np.float32)
    elif shift == "contrast":
        shifted = 0.5 + (shifted - 0.5) * (1.0 - _MAX_CONTRAST_LOSS * strength)
    else:  # inversion
        n_inverted = round(strength * shifted.shape[0])
        inverted = rng.choice(shifted.shape[0], size=n_inverted, replace=False)
        shifted[inverted] = 1.0 - shifted[inverted]
    return np.clip(shifted, 0.0, 1.0).astype(np.float32, copy=False)


# --------------------------------------------------------------------------------------------
# Building the source and target domains
# --------------------------------------------------------------------------------------------


@functools.cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digit images scaled to [0, 1] (float32) and their labels (int64), read-only."""
    bunch = load_digits()
    images = (bunch.data / 16.0).astype(np.float32)
    digits = bunch.target.astype(np.int64)
    images.setflags(write=False)
    digits.setflags(write=False)
    return images, digits


def _task_labels(digits: np.ndarray, task: str) -> np.ndarray:
    return digits % 2 if task == "odd_even" else digits.copy()


def _target_name(task: str, shift: str, severity: float) -> str:
    if shift == "none":
        return f"target: {task}, no shift"
    return f"target: {task}, {shift} {severity:g}"


def load_digit_domains(
    shift: str = "rotation",
    severity: float = 0.5,
    *,
    task: str = "digits",
    source_fraction: float = 0.5,
    random_state: int | None = 0,
) -> DomainPair:
    """Split scikit-learn's digits into an unshifted source and a shifted target domain.

    The 1797 images of :func:`sklearn.datasets.load_digits` (pixel values 0..16, scaled to
    ``[0, 1]``) are split into two disjoint parts, stratified by digit: a fraction
    ``source_fraction`` becomes the source domain (left as is) and the rest becomes the target
    domain, distorted by :func:`apply_shift` with ``shift`` and ``severity``. Which images go
    where depends only on ``random_state`` and ``source_fraction`` (not on ``shift``,
    ``severity`` or ``task``), so pairs made with the same seed hold the same images and differ
    only in the distortion of the target and in the labels.

    Parameters
    ----------
    shift : str
        One of :data:`SHIFTS`; see :func:`apply_shift`.
    severity : float
        Strength of the shift, in ``[0, 1]``.
    task : str, keyword-only
        ``"digits"`` (10 classes, named ``"0"`` to ``"9"``) or ``"odd_even"`` (label
        ``digit % 2``, classes ``("even", "odd")``).
    source_fraction : float, keyword-only
        Fraction of the images that go to the source domain, strictly between 0 and 1.
    random_state : int or None, keyword-only
        Seed for the split and for the random shifts; the same seed gives the same domains.

    Returns
    -------
    DomainPair

    Examples
    --------
    >>> pair = load_digit_domains("translation", 1.0, source_fraction=0.25)
    >>> pair.source.n_samples, pair.target.n_samples, pair.source.n_classes
    (449, 1348, 10)
    >>> pair.target.name
    'target: digits, translation 1'
    >>> load_digit_domains(task="letters")
    Traceback (most recent call last):
    ...
    ValueError: task='letters' is not supported; allowed: 'digits', 'odd_even'
    """
    _check_choice(shift, "shift", SHIFTS)
    strength = _check_severity(severity)
    _check_choice(task, "task", TASKS)
    fraction = _check_open_fraction(source_fraction, "source_fraction")
    seed = _check_random_state(random_state)

    images, digits = _digits()
    split_seed, shift_seed = np.random.default_rng(seed).integers(2**32, size=2)
    try:
        source_index, target_index = train_test_split(
            np.arange(len(digits)),
            train_size=fraction,
            stratify=digits,
            random_state=int(split_seed),
        )
    except ValueError as error:
        raise ValueError(
            f"source_fraction={source_fraction!r} leaves too few images for a stratified split "
            f"of {len(digits)} images into 10 digits: {error}"
        ) from error

    labels = _task_labels(digits, task)
    class_names = _CLASS_NAMES[task]
    source = Domain(images[source_index], labels[source_index], f"source: {task}", class_names)
    target = Domain(
        apply_shift(images[target_index], shift, strength, random_state=int(shift_seed)),
        labels[target_index],
        _target_name(task, shift, strength),
        class_names,
    )
    return DomainPair(source=source, target=target, shift=shift, severity=strength, task=task)


def load_binary_domains(
    shift: str = "rotation",
    severity: float = 0.5,
    *,
    random_state: int | None = 0,
) -> DomainPair:
    """Source and target domains for the binary odd/even task (one sigmoid output).

    A shortcut for ``load_digit_domains(shift, severity, task="odd_even",
    random_state=random_state)``; class 0 is ``"even"`` and class 1 is ``"odd"``.

    Examples
    --------
    >>> pair = load_binary_domains("contrast", 0.8)
    >>> pair.task, pair.target.class_names, sorted(set(pair.target.y.tolist()))
    ('odd_even', ('even', 'odd'), [0, 1])
    """
    return load_digit_domains(shift, severity, task="odd_even", random_state=random_state)


# --------------------------------------------------------------------------------------------
# Splitting the target domain
# --------------------------------------------------------------------------------------------


def _carve_test(domain: Domain, test_size: float, test_seed: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        rest, test = train_test_split(
            np.arange(domain.n_samples),
            test_size=test_size,
            stratify=domain.y,
            random_state=test_seed,
        )
    except ValueError as error:
        raise ValueError(
            f"test_size={test_size!r} cannot carve a stratified test set out of "
            f"{domain.name!r} ({domain.n_samples} samples, class counts "
            f"{np.bincount(domain.y, minlength=domain.n_classes).tolist()}): {error}"
        ) from error
    return np.asarray(rest), np.asarray(test)


def _too_few_message(
    domain: Domain,
    label: int,
    available: int,
    n_train: int | None,
    n_val: int,
    val_is_default: bool,
) -> str:
    where = (
        f"class {domain.class_names[label]!r} of {domain.name!r} has only {available} "
        "examples outside the test set"
    )
    if n_train is None:
        return (
            f"n_per_class=None takes what is left after validation, but {where} and "
            f"n_val_per_class={n_val} of them go to validation, leaving none for training; "
            "pass a smaller n_val_per_class"
        )
    if val_is_default:
        return (
            f"n_per_class={n_train} is too large: {where}; as n_val_per_class defaults to "
            f"n_per_class, as many again go to validation, so at most {available // 2} are "
            "available per class (or pass a smaller n_val_per_class)"
        )
    if n_val >= available:
        return (
            f"n_val_per_class={n_val} is too large: {where}, and at least one must be left "
            "for training"
        )
    return (
        f"n_per_class={n_train} is too large: {where} and n_val_per_class={n_val} of them "
        f"go to validation, so at most {available - n_val} are available for training"
    )


def split_target(
    domain: Domain,
    n_per_class: int | None,
    *,
    n_val_per_class: int | None = None,
    test_size: float = 0.3,
    random_state: int | None = None,
) -> TargetSplit:
    """Split a (target) domain into a few-label training set, a validation set and a test set.

    1. A stratified test set with a fraction ``test_size`` of the examples is set aside. It
       depends only on ``random_state`` and ``test_size`` (not on the counts), so the points of
       a learning curve are all scored on the same test set.
    2. From the remaining examples of each class, ``n_val_per_class`` go to validation and
       the next ``n_per_class`` to training (``n_per_class=None``: all that are left). With a
       fixed ``n_val_per_class``, a smaller training set is a subset of a larger one.

    Parameters
    ----------
    domain : Domain
        The domain to split, typically ``pair.target``.
    n_per_class : int or None
        Labelled training examples per class; None takes all that remain after test and
        validation.
    n_val_per_class : int or None, keyword-only
        Validation examples per class; None means the same as ``n_per_class``, or 10 when
        ``n_per_class`` is None.
    test_size : float, keyword-only
        Fraction of the domain used as test set, strictly between 0 and 1.
    random_state : int or None, keyword-only
        Seed; the same seed gives the same three parts.

    Returns
    -------
    TargetSplit
        ``train``, ``val`` and ``test`` domains without shared examples; the examples of
        ``train`` and ``val`` are shuffled (not grouped by class).

    Raises
    ------
    ValueError
        If a class has too few examples for the requested counts (the message says how many
        are available), if a count is not positive, or if ``test_size`` is outside ``(0, 1)``.

    Examples
    --------
    >>> pair = load_digit_domains("rotation", 0.5)
    >>> split = split_target(pair.target, 3, n_val_per_class=5, random_state=0)
    >>> split.train.n_samples, split.val.n_samples, split.test.n_samples
    (30, 50, 270)
    >>> split.train.name
    'target: digits, rotation 0.5 (train, 3 per class)'
    >>> split_target(pair.target, 100, random_state=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: n_per_class=100 is too large: class '0' ... has only 62 examples outside ...
    """
    if not isinstance(domain, Domain):
        raise TypeError(f"domain must be a Domain; got {type(domain).__name__}")
    n_train = _check_count(n_per_class, "n_per_class", allow_none=True)
    n_val = _check_count(n_val_per_class, "n_val_per_class", allow_none=True)
    val_is_default = n_val is None
    if n_val is None:
        n_val = _DEFAULT_N_VAL_PER_CLASS if n_train is None else n_train
    fraction = _check_open_fraction(test_size, "test_size")
    seed = _check_random_state(random_state)

    rng = np.random.default_rng(seed)
    test_seed = int(rng.integers(2**32))  # drawn first: the test set ignores the counts
    rest, test = _carve_test(domain, fraction, test_seed)

    train_parts, val_parts = [], []
    for label in range(domain.n_classes):
        candidates = rng.permutation(rest[domain.y[rest] == label])
        needed = n_val + (1 if n_train is None else n_train)
        if len(candidates) < needed:
            raise ValueError(
                _too_few_message(domain, label, len(candidates), n_train, n_val, val_is_default)
            )
        val_parts.append(candidates[:n_val])
        train_end = None if n_train is None else n_val + n_train
        train_parts.append(candidates[n_val:train_end])
    train = rng.permutation(np.concatenate(train_parts))
    val = rng.permutation(np.concatenate(val_parts))

    per_class = "all remaining" if n_train is None else f"{n_train} per class"
    return TargetSplit(
        train=domain.subset(train, name=f"{domain.name} (train, {per_class})"),
        val=domain.subset(val, name=f"{domain.name} (val, {n_val} per class)"),
        test=domain.subset(test, name=f"{domain.name} (test)"),
    )
