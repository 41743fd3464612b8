"""Source and target domains: scikit-learn's handwritten digits, and printed characters.

The book needs a transfer-learning setting that runs offline in seconds: the 1797 8x8 images of
:func:`sklearn.datasets.load_digits`, split into a *source* half and a *target* half distorted
by a controlled *domain shift* (:func:`apply_shift`). :func:`split_target` carves a few-label
training set, a validation set and a fixed test set out of the target domain;
:func:`make_rotated_moons` is the two-dimensional toy problem of the adaptation chapter.

The canonical case of transfer (pre-train on a large source, put a new head on the network,
fine-tune on a few labels of another task) needs a source far larger than 1797 images, and
none can be downloaded. :func:`load_printed_characters` generates one: letters or digits
rendered from the fonts that ship with matplotlib, deformed at random and reduced to 8x8 the
way the digits were made (32x32 binary bitmaps, each pixel of the 8x8 image counting the ink
of one 4x4 block). No library makes such images, hence the code here.

Splitting is scikit-learn's ``train_test_split`` and the geometric shifts are SciPy's
``ndimage``; this module adds what the experiments rely on: a test set that does not depend on
the number of labels, nested training sets, and names that say what was done. It does not
import TensorFlow (nor matplotlib, until printed characters are asked for).

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
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage
from sklearn.datasets import load_digits, make_moons
from sklearn.model_selection import train_test_split

from tlutils import _validation as v

__all__ = [
    "CHARACTER_SETS",
    "SHIFTS",
    "TASKS",
    "Domain",
    "DomainPair",
    "MOONS_CENTER",
    "TargetSplit",
    "apply_shift",
    "load_binary_domains",
    "load_digit_domains",
    "load_printed_characters",
    "make_rotated_moons",
    "split_target",
]

SHIFTS: tuple[str, ...] = ("none", "translation", "rotation", "noise", "contrast", "inversion")
"""Names of the domain shifts that :func:`apply_shift` can simulate."""

TASKS: tuple[str, ...] = ("digits", "odd_even")
"""Names of the labelling tasks (ten digit classes, or the binary label ``digit % 2``)."""

MOONS_CENTER: tuple[float, float] = (0.5, 0.25)
"""Mean of the distribution that :func:`sklearn.datasets.make_moons` samples from."""

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

CHARACTER_SETS: dict[str, str] = {
    "letters": string.ascii_uppercase + string.ascii_lowercase,
    "uppercase": string.ascii_uppercase,
    "lowercase": string.ascii_lowercase,
    "digits": string.digits,
}
"""The character sets of :func:`load_printed_characters` (class ``k`` is the ``k``-th one)."""

# The 22 text fonts that ship with matplotlib: DejaVu Sans, Sans Mono and Serif in 4 styles,
# STIX in 4 styles, Computer Modern in 6.
_FONTS = (
    *(f"DejaVuSans{s}" for s in ("", "-Bold", "-Oblique", "-BoldOblique")),
    *(f"DejaVuSansMono{s}" for s in ("", "-Bold", "-Oblique", "-BoldOblique")),
    *(f"DejaVuSerif{s}" for s in ("", "-Bold", "-Italic", "-BoldItalic")),
    *(f"STIXGeneral{s}" for s in ("", "Bol", "Italic", "BolIta")),
    *(f"cm{s}10" for s in ("r", "ss", "tt", "b", "ti", "mi")),
)
_CANVAS, _GLYPH_SIDE, _BITMAP = 48, 40, 32  # distance-field canvas, glyph's longest side, bitmap
_GROWTHS = np.arange(-1.0, 12.01, 0.25)  # outline growths tried (canvas pixels): stroke width
_INK = (0.25, 0.36)  # share of ink drawn per image; the digits have 0.31 (std 0.03)
_MAX_ANGLE, _SLANT, _WIDTH = 10.0, (-0.15, 0.35), (0.7, 1.05)  # degrees, shear, width factor


@dataclass(frozen=True)
class Domain:
    """A labelled set of examples from one domain.

    ``X`` (n_samples, n_features) is stored as float32 (for the digits, flattened 8x8 images in
    ``[0, 1]``), ``y`` (n_samples,) as int64 class indices: the name of class ``k`` is
    ``class_names[k]``. ``name`` describes the domain, e.g. ``"target: digits, rotation 0.5"``.

    Examples
    --------
    >>> d = Domain(np.zeros((3, 64)), np.array([0, 1, 1]), "toy", ("even", "odd"))
    >>> d.n_samples, d.n_features, d.n_classes, len(d)
    (3, 64, 2, 3)
    >>> d.X.dtype, d.y.dtype
    (dtype('float32'), dtype('int64'))
    >>> d.subset([2, 0]).y
    array([1, 0])
    >>> Domain(np.zeros((3, 64)), np.array([0, 1]), "bad", ("a", "b"))
    Traceback (most recent call last):
    ...
    ValueError: y has 2 entries but X has 3; allowed: one entry per example of X
    """

    X: np.ndarray
    y: np.ndarray
    name: str
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        features = v.check_array(self.X, "X", ndim=2, dtype=np.float32, finite=False)
        labels = v.check_array(self.y, "y", ndim=1, dtype=None)
        v.check_same_length(features, labels, ("X", "y"))
        if labels.size and labels.dtype.kind not in "iu":
            raise v.invalid("y", f"has dtype {labels.dtype}", "class indices", error=TypeError)
        if not isinstance(self.name, str):
            raise v.invalid("name", "is not a str", "a str", value=self.name, error=TypeError)
        names = self.class_names
        if isinstance(names, str) or not names or not all(isinstance(c, str) for c in names):
            problem, allowed = "is not a sequence of str", "a non-empty sequence, one per class"
            raise v.invalid("class_names", problem, allowed, value=names, error=TypeError)
        if labels.size and (labels.min() < 0 or labels.max() >= len(names)):
            problem = f"has labels from {labels.min()} to {labels.max()}"
            raise v.invalid("y", problem, f"class indices 0 .. {len(names) - 1}, one per name")
        object.__setattr__(self, "X", features)
        object.__setattr__(self, "y", labels.astype(np.int64, copy=False))
        object.__setattr__(self, "class_names", tuple(names))

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
        """Number of classes, ``len(class_names)`` (classes without examples count too)."""
        return len(self.class_names)

    def images(self, *, channel_axis: bool = False) -> np.ndarray:
        """``X`` as 8x8 images (a view): ``(n, 8, 8)``, or ``(n, 8, 8, 1)`` for a CNN.

        Examples
        --------
        >>> d = Domain(np.ones((2, 64)), np.array([0, 0]), "ones", ("a",))
        >>> d.images().shape, d.images(channel_axis=True).shape
        ((2, 8, 8), (2, 8, 8, 1))
        """
        channels = (1,) if v.check_bool(channel_axis, "channel_axis") else ()
        if self.n_features != N_PIXELS:
            problem = f"of {self.name!r} has {self.n_features} features"
            raise v.invalid("X", problem, f"{N_PIXELS} features (8x8 pixels)")
        return self.X.reshape(-1, *IMAGE_SHAPE, *channels)

    def subset(self, indices: np.ndarray | list[int], name: str | None = None) -> Domain:
        """A new :class:`Domain` with the rows at ``indices`` (positions or a boolean mask).

        ``name`` defaults to this domain's name; the class names are kept.

        Examples
        --------
        >>> d = Domain(np.zeros((4, 64)), np.array([0, 1, 0, 1]), "toy", ("a", "b"))
        >>> d.subset(np.array([True, False, False, True]), name="ends")
        Domain(name='ends', n_samples=2, n_features=64, n_classes=2)
        """
        index = np.asarray(indices)
        if index.size == 0:
            index = index.astype(np.intp)  # NumPy reads [] as a float array
        name = self.name if name is None else name
        return Domain(self.X[index], self.y[index], name, self.class_names)


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
            if not isinstance(part := getattr(self, role), Domain):
                kind = f"has type {type(part).__name__}"
                raise v.invalid(role, kind, "a tlutils.data.Domain", error=TypeError)
        if self.source.class_names != self.target.class_names:
            problem = f"has class_names {self.target.class_names}"
            raise v.invalid("target", problem, f"those of source, {self.source.class_names}")
        v.check_choice(self.shift, "shift", SHIFTS)
        v.check_choice(self.task, "task", TASKS)
        severity = v.check_real(self.severity, "severity", min_value=0, max_value=1)
        object.__setattr__(self, "severity", severity)


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


def apply_shift(
    X: np.ndarray,  # noqa: N803 (scikit-learn's name for a feature matrix)
    shift: str,
    severity: float,
    *,
    random_state: int | None = None,
) -> np.ndarray:
    """Simulate a domain shift on flattened 8x8 images ``X`` (n, 64) with values in [0, 1].

    ``severity`` in ``[0, 1]`` sets the strength (0 changes nothing); ``shift`` is one of
    :data:`SHIFTS`:

    - ``"none"``: a plain copy;
    - ``"translation"``: move right and down by ``3 * severity`` pixels (sub-pixel amounts by
      linear interpolation, zeros shifted in);
    - ``"rotation"``: rotate counter-clockwise by ``90 * severity`` degrees about the image
      centre (linear interpolation, zeros in the corners); at severity 1 this is ``np.rot90``;
    - ``"noise"``: add Gaussian noise of standard deviation ``0.5 * severity``, clip to [0, 1];
    - ``"contrast"``: pull every pixel towards 0.5: ``0.5 + (x - 0.5) * (1 - 0.9 * severity)``;
    - ``"inversion"``: invert (``1 - x``) ``round(severity * n)`` randomly chosen images.

    ``random_state`` seeds the random shifts (noise, inversion; None: fresh entropy). The result
    is a new float32 array (n, 64) in [0, 1]; ``X`` is not modified.

    Examples
    --------
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
    v.check_choice(shift, "shift", SHIFTS)
    strength = v.check_real(severity, "severity", min_value=0, max_value=1)
    seed = v.check_random_state(random_state)
    images = v.check_array(X, "X", ndim=2, n_columns=N_PIXELS, dtype=np.float32, low=0, high=1)
    shifted = images.copy()  # check_array returns float32 input itself
    if shift == "none" or shifted.shape[0] == 0:
        return shifted
    rng = np.random.default_rng(seed)
    grid = shifted.reshape(-1, *IMAGE_SHAPE)
    # "grid-constant" pads with zeros *and* interpolates across the border, so the image
    # changes continuously with severity ("constant" would blank a whole row at once).
    if shift == "translation":
        pixels = _MAX_TRANSLATION_PIXELS * strength
        shifted = ndimage.shift(grid, (0, pixels, pixels), order=1, mode="grid-constant")
    elif shift == "rotation":  # positive angles turn counter-clockwise on screen, like np.rot90
        angle = _MAX_ROTATION_DEGREES * strength
        shifted = ndimage.rotate(grid, angle, (1, 2), reshape=False, order=1, mode="grid-constant")
    elif shift == "noise":
        noise = rng.normal(0.0, _MAX_NOISE_STD * strength, size=shifted.shape)
        shifted = shifted + noise.astype(np.float32)
    elif shift == "contrast":
        shifted = 0.5 + (shifted - 0.5) * (1.0 - _MAX_CONTRAST_LOSS * strength)
    else:  # inversion
        inverted = rng.choice(len(shifted), size=round(strength * len(shifted)), replace=False)
        shifted[inverted] = 1.0 - shifted[inverted]
    flat = shifted.reshape(-1, N_PIXELS)
    return np.clip(flat, 0.0, 1.0).astype(np.float32, copy=False)


@functools.cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digit images scaled to [0, 1] (float32) and their labels (int64), read-only."""
    bunch = load_digits()
    images = (bunch.data / 16.0).astype(np.float32)
    digits = bunch.target.astype(np.int64)
    images.setflags(write=False)
    digits.setflags(write=False)
    return images, digits


def load_digit_domains(
    shift: str = "rotation",
    severity: float = 0.5,
    *,
    task: str = "digits",
    source_fraction: float = 0.5,
    random_state: int | None = 0,
) -> DomainPair:
    """Split scikit-learn's digits into an unshifted source and a shifted target domain.

    The 1797 images (pixel values 0..16, scaled to ``[0, 1]``) are split into two disjoint
    parts, stratified by digit: a fraction ``source_fraction`` becomes the source domain (as
    is), the rest the target domain, distorted by :func:`apply_shift`. Which images go where
    depends only on ``random_state`` (which also seeds the random shifts) and
    ``source_fraction`` (in ``(0, 1)``), not on ``shift``, ``severity`` or ``task``, so pairs
    made with the same seed hold the same images. ``task="digits"`` has ten classes named
    ``"0"`` to ``"9"``, ``"odd_even"`` the label ``digit % 2`` named ``("even", "odd")``.

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
    v.check_choice(shift, "shift", SHIFTS)
    strength = v.check_real(severity, "severity", min_value=0, max_value=1)
    v.check_choice(task, "task", TASKS)
    fraction = v.check_real(
        source_fraction, "source_fraction", min_value=0, max_value=1, closed="neither"
    )
    seed = v.check_random_state(random_state)

    images, digits = _digits()
    split_seed, shift_seed = np.random.default_rng(seed).integers(2**32, size=2)
    try:
        source, target = train_test_split(
            np.arange(len(digits)), train_size=fraction, stratify=digits, random_state=split_seed
        )
    except ValueError as error:
        problem = f"leaves too few images for a split stratified by digit ({error})"
        allowed = "a fraction that leaves every digit on both sides"
        raise v.invalid("source_fraction", problem, allowed, value=source_fraction) from error

    labels = digits % 2 if task == "odd_even" else digits.copy()
    names = _CLASS_NAMES[task]
    described = "no shift" if shift == "none" else f"{shift} {strength:g}"
    shifted = apply_shift(images[target], shift, strength, random_state=int(shift_seed))
    return DomainPair(
        source=Domain(images[source], labels[source], f"source: {task}", names),
        target=Domain(shifted, labels[target], f"target: {task}, {described}", names),
        shift=shift,
        severity=strength,
        task=task,
    )


def load_binary_domains(
    shift: str = "rotation", severity: float = 0.5, *, random_state: int | None = 0
) -> DomainPair:
    """Source and target domains for the binary odd/even task (one sigmoid output).

    Short for ``load_digit_domains(shift, severity, task="odd_even", random_state=...)``;
    class 0 is ``"even"`` and class 1 is ``"odd"``.

    Examples
    --------
    >>> pair = load_binary_domains("contrast", 0.8)
    >>> pair.task, pair.target.class_names, sorted(set(pair.target.y.tolist()))
    ('odd_even', ('even', 'odd'), [0, 1])
    """
    return load_digit_domains(shift, severity, task="odd_even", random_state=random_state)


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

    ``n_val_per_class=None`` means ``n_per_class`` (10 if that is None); ``test_size`` is in
    ``(0, 1)``; ``random_state`` seeds all three parts. The parts share no example; ``train``
    and ``val`` are shuffled (not grouped by class). A class with too few examples raises a
    ValueError.

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
    ValueError: n_per_class=100 with n_val_per_class=100 needs 200 examples of class '0', ...
    """
    if not isinstance(domain, Domain):
        kind = f"has type {type(domain).__name__}"
        raise v.invalid("domain", kind, "a tlutils.data.Domain", error=TypeError)
    n_train = v.check_int(n_per_class, "n_per_class", min_value=1, allow_none=True)
    n_val = v.check_int(n_val_per_class, "n_val_per_class", min_value=1, allow_none=True)
    if n_val is None:
        n_val = _DEFAULT_N_VAL_PER_CLASS if n_train is None else n_train
    fraction = v.check_real(test_size, "test_size", min_value=0, max_value=1, closed="neither")
    seed = v.check_random_state(random_state)

    rng = np.random.default_rng(seed)
    test_seed = int(rng.integers(2**32))  # drawn first: the test set ignores the counts
    try:
        rest, test = train_test_split(
            np.arange(len(domain)), test_size=fraction, stratify=domain.y, random_state=test_seed
        )
    except ValueError as error:
        counts = np.bincount(domain.y, minlength=domain.n_classes).tolist()
        problem = f"cannot carve a stratified test set out of class counts {counts} ({error})"
        allowed = "a fraction that leaves every class on both sides"
        raise v.invalid("test_size", problem, allowed, value=test_size) from error

    train_parts, val_parts = [], []
    for label in range(domain.n_classes):
        candidates = rng.permutation(rest[domain.y[rest] == label])
        if len(candidates) < (needed := n_val + (1 if n_train is None else n_train)):
            name = f"n_per_class={n_train} with n_val_per_class={n_val}"
            problem = (
                f"needs {needed} examples of class {domain.class_names[label]!r}, but "
                f"{domain.name!r} has only {len(candidates)} outside the test set"
            )
            allowed = f"n_per_class + n_val_per_class <= {len(candidates)}"
            raise v.invalid(name, problem, allowed + " (n_val_per_class defaults to n_per_class)")
        val_parts.append(candidates[:n_val])
        train_parts.append(candidates[n_val : None if n_train is None else n_val + n_train])
    train = rng.permutation(np.concatenate(train_parts))
    val = rng.permutation(np.concatenate(val_parts))

    per_class = "all remaining" if n_train is None else f"{n_train} per class"
    return TargetSplit(
        train=domain.subset(train, name=f"{domain.name} (train, {per_class})"),
        val=domain.subset(val, name=f"{domain.name} (val, {n_val} per class)"),
        test=domain.subset(test, name=f"{domain.name} (test)"),
    )


def make_rotated_moons(
    n_samples: int = 600,
    *,
    angle: float = 0.0,
    noise: float = 0.1,
    center: tuple[float, float] = MOONS_CENTER,
    shuffle: bool = True,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's moons), rotated about their centre.

    With ``angle=0`` this is plain :func:`sklearn.datasets.make_moons` output; with
    ``angle=a`` every point (label unchanged) is rotated by ``a`` degrees counter-clockwise
    about ``center``, by default the mean of the moons distribution, so the rotation leaves the
    mean of the data where it is. A source sample at 0 degrees and a target sample at ``a``
    degrees (another ``random_state``) make the toy domain-adaptation problem of Ganin et al.
    (2016).

    ``n_samples``, ``noise`` (standard deviation), ``shuffle`` and ``random_state`` are passed
    to ``make_moons``. Returns ``X`` (n_samples, 2) float32 and ``y`` (n_samples,) int64, with 0
    for the upper moon and 1 for the lower one.

    Examples
    --------
    >>> X, y = make_rotated_moons(4, angle=90.0, noise=0.0, shuffle=False)
    >>> np.round(X, 2).tolist()
    [[0.75, 0.75], [0.75, -1.25], [0.25, -0.25], [0.25, 1.75]]
    >>> y.tolist()
    [0, 0, 1, 1]
    """
    n_samples = v.check_int(n_samples, "n_samples", min_value=1)
    angle = v.check_real(angle, "angle")
    noise = v.check_real(noise, "noise", min_value=0)
    centre = np.asarray(center, dtype=np.float64)
    if centre.shape != (2,) or not np.all(np.isfinite(centre)):
        raise v.invalid("center", "is not a point", "two finite numbers (x, y)", value=center)
    X, y = make_moons(  # noqa: N806 (scikit-learn's name for a feature matrix)
        n_samples,
        noise=noise,
        shuffle=v.check_bool(shuffle, "shuffle"),
        random_state=v.check_random_state(random_state),
    )
    radians = np.deg2rad(angle)
    rotation = np.array([[np.cos(radians), -np.sin(radians)], [np.sin(radians), np.cos(radians)]])
    rotated = (X - centre) @ rotation.T + centre
    return rotated.astype(np.float32), y.astype(np.int64)


@functools.cache
def _glyph_fields(characters: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every font's glyphs as signed distance fields, with their outlines' extent and areas.

    Returns ``fields`` (fonts * characters, 48, 48), positive inside the outline (the glyph
    scaled to a longest side of 40 pixels, centred); ``supports`` (glyphs, 32, 2), the
    extreme corner of the ink in 32 directions (a polygon around the glyph, to find its box
    after an affine map); ``areas`` (glyphs, growths), the pixels inside the outline grown by
    each of ``_GROWTHS`` (``field > -growth``).
    """
    from matplotlib import get_data_path  # only here: importing data should stay light
    from matplotlib.ft2font import FT2Font

    folder = Path(get_data_path(), "fonts", "ttf")
    angles = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    directions = np.stack([np.cos(angles), np.sin(angles)])
    fields, supports = [], []
    for name in _FONTS:
        font = FT2Font(str(folder / f"{name}.ttf"))
        font.set_size(48, 72)
        for character in characters:
            font.set_text(character)
            font.draw_glyphs_to_bitmap()
            image = np.asarray(font.get_image(), np.float32)
            rows, cols = np.flatnonzero(image.max(1) > 127), np.flatnonzero(image.max(0) > 127)
            image = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
            image = ndimage.zoom(image, _GLYPH_SIDE / max(image.shape), order=1) > 127
            ink = np.zeros((_CANVAS, _CANVAS), bool)
            top, left = (_CANVAS - image.shape[0]) // 2, (_CANVAS - image.shape[1]) // 2
            ink[top : top + image.shape[0], left : left + image.shape[1]] = image
            inside = ndimage.distance_transform_edt(ink) - 0.5
            outside = 0.5 - ndimage.distance_transform_edt(~ink)
            fields.append(np.where(ink, inside, outside).astype(np.float32))
            y, x = np.nonzero(ink)
            corners = np.concatenate([np.c_[x + dx, y + dy] for dx in (0, 1) for dy in (0, 1)])
            supports.append(corners[(corners @ directions).argmax(0)])
    stacked, n_levels = np.stack(fields), len(_GROWTHS)
    # level[g, r, c]: the first growth whose outline contains the pixel; count, then add up
    level = np.ceil((-stacked - _GROWTHS[0]) / 0.25).clip(0, n_levels).astype(np.intp)
    level += np.arange(len(stacked))[:, None, None] * (n_levels + 1)
    counts = np.bincount(level.ravel(), minlength=len(stacked) * (n_levels + 1))
    areas = counts.reshape(len(stacked), -1).cumsum(1)[:, :n_levels].astype(np.float64)
    return stacked, np.stack(supports).astype(np.float64), areas


def load_printed_characters(
    n_samples: int = 30_000,
    *,
    characters: str = "letters",
    elastic: float = 2.0,
    random_state: int | None = None,
) -> Domain:
    """Random printed characters as 8x8 images, made like :func:`sklearn.datasets.load_digits`.

    Each image is a character of ``CHARACTER_SETS[characters]`` (classes balanced to within one
    image) in one of the 22 text fonts that ship with matplotlib, rotated by up to 10 degrees,
    slanted, narrowed or widened, drawn bolder or thinner to cover 25-36 % of its box with ink
    (the handwritten digits: 31 %), warped elastically (Simard et al., 2003: a 5x5 grid of
    displacements of standard deviation ``elastic`` pixels, interpolated in between), scaled
    to fit a 32x32 box (height 32 unless wider than tall), binarised, and reduced to 8x8 by
    counting the ink pixels of each 4x4 block, as the digits were made (Alpaydin and Kaynak,
    1998). Each glyph is rendered once (FreeType, through ``matplotlib.ft2font``) into a signed
    distance field; an image is then one sampling of that field, so 30,000 take seconds. The
    same ``random_state`` gives the same images with the same matplotlib (its FreeType version
    can move a few pixels).

    Parameters
    ----------
    n_samples : int
        Number of images.
    characters : {"letters", "uppercase", "lowercase", "digits"}, keyword-only
        The classes: A-Z then a-z (52), A-Z, a-z, or 0-9.
    elastic : float, keyword-only
        Strength of the elastic warp, in pixels of the 32x32 bitmap; 0 for affine maps only.
    random_state : int or None, keyword-only
        Seed of every random choice (None: fresh entropy).

    Returns
    -------
    Domain
        ``X`` (n_samples, 64) float32 in [0, 1] (ink counts / 16), ``y`` int64, the characters
        as ``class_names``, named ``"printed <characters>"``.

    Examples
    --------
    >>> source = load_printed_characters(520, characters="uppercase", random_state=0)
    >>> source
    Domain(name='printed uppercase', n_samples=520, n_features=64, n_classes=26)
    >>> source.class_names[:3], np.bincount(source.y).tolist() == [20] * 26
    (('A', 'B', 'C'), True)
    >>> bool(np.all(np.isin(source.X * 16, np.arange(17))))  # ink counts of 4x4 blocks
    True
    >>> 0.25 <= float(source.X.mean()) <= 0.36  # the share of ink
    True
    """
    n = v.check_int(n_samples, "n_samples", min_value=1)
    chars = CHARACTER_SETS[v.check_choice(characters, "characters", tuple(CHARACTER_SETS))]
    strength = v.check_real(elastic, "elastic", min_value=0)
    rng = np.random.default_rng(v.check_random_state(random_state))
    fields, supports, areas = _glyph_fields(chars)

    labels = rng.permutation(np.arange(n) % len(chars))
    glyph = rng.integers(len(_FONTS), size=n) * len(chars) + labels
    angle = np.deg2rad(rng.uniform(-_MAX_ANGLE, _MAX_ANGLE, n))
    slant, width = rng.uniform(*_SLANT, n), rng.uniform(*_WIDTH, n)
    cos, sin = np.cos(angle), np.sin(angle)  # affine = rotation @ shear @ diag(width, 1)
    affine = np.stack([cos * width, cos * slant - sin, sin * width, sin * slant + cos], 1)
    affine = affine.reshape(n, 2, 2)
    points = np.einsum("nij,nkj->nki", affine, supports[glyph])
    low, high = points.min(1), points.max(1)
    # Growing the outline by t moves the box's sides out by t * |row of affine|. The ink share
    # in the final box is area * |det| / (longest side) ** 2; interpolate the growth that
    # reaches the drawn share between the two growths of _GROWTHS around it.
    rows = np.linalg.norm(affine, axis=2)
    sides = (high - low)[:, None, :] + 2 * _GROWTHS[None, :, None] * rows[:, None, :]
    share = areas[glyph] * np.abs(np.linalg.det(affine))[:, None] / sides.max(2) ** 2
    wanted, everyone = rng.uniform(*_INK, n), np.arange(n)
    j = np.clip((share < wanted[:, None]).sum(1), 1, len(_GROWTHS) - 1)
    below, above = share[everyone, j - 1], share[everyone, j]
    fraction = np.clip((wanted - below) / np.maximum(above - below, 1e-9), 0, 1)
    grow = _GROWTHS[j - 1] + 0.25 * fraction
    scale = _BITMAP / (high - low + 2 * grow[:, None] * rows).max(1)
    shift = rng.uniform(-1, 1, (n, 2)) * (1.0, 0.5)  # position in the box, in bitmap pixels
    # field point = inverse @ ((bitmap point - shift) / scale + box centre), pixel centres
    inverse = np.linalg.inv(affine)
    linear = (inverse / scale[:, None, None]).astype(np.float32)
    centre = np.einsum("nij,nj->ni", inverse, (low + high) / 2 - shift / scale[:, None]) - 0.5
    nodes = rng.normal(0, strength, (n, 2, 5, 5)).astype(np.float32)

    grid = np.arange(_BITMAP, dtype=np.float32) + 0.5 - _BITMAP / 2
    # weights of the 5 nodes at the 32 positions (linear interpolation)
    spread = np.clip(1 - np.abs(np.linspace(0, 4, _BITMAP)[:, None] - np.arange(5)), 0, 1)
    spread, flat, side = spread.astype(np.float32), fields.reshape(-1), _CANVAS
    images = np.empty((n, N_PIXELS), np.float32)
    for start in range(0, n, 1024):  # chunks that fit in the processor's cache
        part = slice(start, min(start + 1024, n))
        m = part.stop - part.start
        warp = spread @ nodes[part] @ spread.T  # (m, 2, 32, 32) displacements
        qx, qy = grid + warp[:, 0], grid[:, None] + warp[:, 1]
        (a, b), (c, d) = linear[part, 0].T[..., None, None], linear[part, 1].T[..., None, None]
        px = np.clip(a * qx + b * qy + centre[part, 0, None, None], 0, side - 1.001)
        py = np.clip(c * qx + d * qy + centre[part, 1, None, None], 0, side - 1.001)
        x0, y0 = px.astype(np.int32), py.astype(np.int32)
        fx, fy = px - x0, py - y0
        at = (glyph[part, None, None] * side + y0) * side + x0  # bilinear interpolation
        upper = flat[at] + (flat[at + 1] - flat[at]) * fx
        lower = flat[at + side] + (flat[at + side + 1] - flat[at + side]) * fx
        ink = (upper + (lower - upper) * fy > -grow[part, None, None]).view(np.uint8)
        counts = ink.reshape(m, 8, 4, _BITMAP).sum(2, dtype=np.uint8).reshape(m, 8, 8, 4)
        images[part] = counts.sum(3, dtype=np.uint8).reshape(m, N_PIXELS) / np.float32(16)
    return Domain(images, labels, f"printed {characters}", tuple(chars))
