"""Tests for tlutils.data: shifts, source/target domains and the target split."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

import tlutils.data
from tlutils.data import (
    SHIFTS,
    TASKS,
    Domain,
    DomainPair,
    TargetSplit,
    apply_shift,
    load_binary_domains,
    load_digit_domains,
    split_target,
)

N_DIGITS = 1797
RANDOM_SHIFTS = ("noise", "inversion")
CHANGING_SHIFTS = tuple(shift for shift in SHIFTS if shift != "none")


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    bunch = load_digits()
    return (bunch.data / 16).astype(np.float32), bunch.target


@pytest.fixture(scope="module")
def images(digits: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """A few hundred real digit images, enough for stable averages."""
    return digits[0][:300]


@pytest.fixture(scope="module")
def target() -> Domain:
    return load_digit_domains("rotation", 0.5, random_state=0).target


def _sorted_rows(features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Rows (features + label) in lexicographic order: equal multisets give equal arrays."""
    table = np.column_stack([features, labels]).astype(np.float64)
    return table[np.lexsort(table.T[::-1])]


def _with_row_ids(domain: Domain) -> Domain:
    """The same domain with the row number appended as an extra feature."""
    ids = np.arange(domain.n_samples, dtype=np.float32)
    return Domain(np.column_stack([domain.X, ids]), domain.y, domain.name, domain.class_names)


def _row_ids(domain: Domain) -> np.ndarray:
    return domain.X[:, -1].astype(np.int64)


# --------------------------------------------------------------------------------------------
# Domain and DomainPair
# --------------------------------------------------------------------------------------------


def test_domain_coerces_dtypes_and_reports_its_size() -> None:
    domain = Domain(
        np.ones((5, 64), np.float64), np.array([0, 1, 2, 1, 0], np.int32), "d", ["a", "b", "c"]
    )
    assert domain.X.dtype == np.float32
    assert domain.y.dtype == np.int64
    assert domain.class_names == ("a", "b", "c")
    assert (domain.n_samples, domain.n_features, domain.n_classes, len(domain)) == (5, 64, 3, 5)
    assert domain.images().shape == (5, 8, 8)
    np.testing.assert_array_equal(domain.images()[2].ravel(), domain.X[2])
    assert repr(domain) == "Domain(name='d', n_samples=5, n_features=64, n_classes=3)"


def test_domain_rejects_a_single_string_as_class_names() -> None:
    with pytest.raises(TypeError, match="class_names must be a sequence of str, not a single"):
        Domain(np.zeros((1, 64)), np.array([0]), "d", "abc")


def test_domain_is_frozen() -> None:
    domain = Domain(np.zeros((1, 64)), np.array([0]), "d", ("a",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        domain.name = "other"  # type: ignore[misc]


def test_domain_subset_takes_positions_or_a_mask() -> None:
    features = np.arange(4 * 64, dtype=np.float32).reshape(4, 64)
    domain = Domain(features, np.array([0, 1, 0, 1]), "d", ("a", "b"))
    picked = domain.subset([3, 1])
    np.testing.assert_array_equal(picked.X, features[[3, 1]])
    np.testing.assert_array_equal(picked.y, [1, 1])
    assert picked.name == "d"
    assert picked.class_names == ("a", "b")
    masked = domain.subset(np.array([True, False, True, False]), name="evens")
    np.testing.assert_array_equal(masked.X, features[[0, 2]])
    assert masked.name == "evens"
    assert domain.subset([]).n_samples == 0


@pytest.mark.parametrize(
    ("features", "labels", "class_names", "error", "match"),
    [
        (np.zeros(64), np.array([0]), ("a",), ValueError, r"X must be 2-D"),
        (np.zeros((3, 64)), np.array([0, 0]), ("a",), ValueError, r"y has 2 labels but X has 3"),
        (np.zeros((2, 64)), np.zeros((2, 1), int), ("a",), ValueError, r"y must be 1-D"),
        (np.zeros((2, 64)), np.array([0.0, 1.0]), ("a", "b"), TypeError, r"y must hold integer"),
        (np.zeros((2, 64)), np.array([0, 2]), ("a", "b"), ValueError, r"y must contain class"),
        (np.zeros((2, 64)), np.array([-1, 0]), ("a", "b"), ValueError, r"y must contain class"),
        (np.zeros((1, 64)), np.array([0]), (), TypeError, r"class_names must be a non-empty"),
        (np.zeros((1, 64)), np.array([0]), (0, 1), TypeError, r"class_names must be"),
        (np.array([["a"] * 64]), np.array([0]), ("a",), TypeError, r"X must hold real numbers"),
    ],
)
def test_domain_rejects_inconsistent_data(
    features: np.ndarray,
    labels: np.ndarray,
    class_names: tuple,
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        Domain(features, labels, "bad", class_names)


def test_domain_images_needs_64_features() -> None:
    domain = Domain(np.zeros((2, 10)), np.array([0, 0]), "ten features", ("a",))
    with pytest.raises(ValueError, match=r"images\(\) needs 64 features.*has 10"):
        domain.images()


def test_domain_subset_rejects_float_indices() -> None:
    domain = Domain(np.zeros((2, 64)), np.array([0, 0]), "d", ("a",))
    with pytest.raises(TypeError, match="indices must be integer positions or a boolean mask"):
        domain.subset(np.array([0.0, 1.0]))


def test_domain_pair_checks_its_parts() -> None:
    pair = load_digit_domains("none", 0.0)
    binary = load_binary_domains("none", 0.0)
    with pytest.raises(ValueError, match="source and target must share class_names"):
        DomainPair(pair.source, binary.target, "none", 0.0, "digits")
    with pytest.raises(ValueError, match="shift='blur' is not supported"):
        DomainPair(pair.source, pair.target, "blur", 0.0, "digits")
    with pytest.raises(TypeError, match="target must be a Domain"):
        DomainPair(pair.source, pair.target.X, "none", 0.0, "digits")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# apply_shift
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shift", SHIFTS)
@pytest.mark.parametrize("severity", [0.0, 0.3, 1.0])
def test_shift_returns_a_new_float32_array_in_unit_range(
    images: np.ndarray, shift: str, severity: float
) -> None:
    original = images.copy()
    shifted = apply_shift(images, shift, severity, random_state=0)
    assert shifted.shape == images.shape
    assert shifted.dtype == np.float32
    assert shifted.min() >= 0.0
    assert shifted.max() <= 1.0
    assert not np.shares_memory(shifted, images)
    np.testing.assert_array_equal(images, original)  # the input is untouched


@pytest.mark.parametrize("shift", SHIFTS)
def test_severity_zero_changes_nothing(images: np.ndarray, shift: str) -> None:
    np.testing.assert_allclose(apply_shift(images, shift, 0.0, random_state=0), images, atol=1e-6)


def test_none_copies_whatever_the_severity(images: np.ndarray) -> None:
    np.testing.assert_array_equal(apply_shift(images, "none", 1.0), images)


@pytest.mark.parametrize("shift", CHANGING_SHIFTS)
def test_stronger_shift_moves_data_further(images: np.ndarray, shift: str) -> None:
    distances = [
        np.abs(apply_shift(images, shift, severity, random_state=0) - images).mean()
        for severity in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    assert distances[0] < 1e-6
    assert np.all(np.diff(distances) > 0), distances


@pytest.mark.parametrize("shift", ["translation", "rotation"])
def test_geometric_shifts_change_continuously(images: np.ndarray, shift: str) -> None:
    # Roughly linear for small severities: a tenth of the severity moves the pixels far less
    # (zero padding must not blank the border rows as soon as the shift is above zero).
    tiny = np.abs(apply_shift(images, shift, 0.01) - images).mean()
    small = np.abs(apply_shift(images, shift, 0.1) - images).mean()
    assert 0 < tiny < 0.25 * small


def test_full_rotation_is_rot90(images: np.ndarray) -> None:
    rotated = apply_shift(images, "rotation", 1.0).reshape(-1, 8, 8)
    expected = np.rot90(images.reshape(-1, 8, 8), k=1, axes=(1, 2))
    np.testing.assert_allclose(rotated, expected, atol=1e-5)


def test_half_rotation_is_between_nothing_and_rot90(images: np.ndarray) -> None:
    rotated = apply_shift(images, "rotation", 0.5)
    quarter_turn = np.rot90(images.reshape(-1, 8, 8), k=1, axes=(1, 2)).reshape(-1, 64)
    assert not np.allclose(rotated, images, atol=0.05)
    assert not np.allclose(rotated, quarter_turn, atol=0.05)


@pytest.mark.parametrize(("severity", "pixels"), [(1 / 3, 1), (2 / 3, 2), (1.0, 3)])
def test_translation_moves_right_and_down(images: np.ndarray, severity: float, pixels: int) -> None:
    moved = apply_shift(images, "translation", severity).reshape(-1, 8, 8)
    grid = images.reshape(-1, 8, 8)
    np.testing.assert_allclose(moved[:, pixels:, pixels:], grid[:, :-pixels, :-pixels], atol=1e-5)
    assert np.all(moved[:, :pixels, :] == 0)
    assert np.all(moved[:, :, :pixels] == 0)


def test_half_pixel_translation_interpolates_linearly() -> None:
    image = np.zeros((1, 8, 8), np.float32)
    image[0, 3, 3] = 1.0
    moved = apply_shift(image.reshape(1, 64), "translation", 0.5 / 3).reshape(8, 8)
    np.testing.assert_allclose(moved[3:5, 3:5], np.full((2, 2), 0.25), atol=1e-6)
    assert moved.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("severity", [0.2, 1.0])
def test_contrast_pulls_towards_grey(images: np.ndarray, severity: float) -> None:
    expected = 0.5 + (images - 0.5) * (1 - 0.9 * severity)
    np.testing.assert_allclose(apply_shift(images, "contrast", severity), expected, atol=1e-6)


def test_noise_has_the_promised_spread() -> None:
    grey = np.full((400, 64), 0.5, np.float32)  # far from the clipping bounds
    noisy = apply_shift(grey, "noise", 0.2, random_state=0)
    assert np.std(noisy - grey) == pytest.approx(0.1, rel=0.03)
    assert abs(np.mean(noisy - grey)) < 0.01


@pytest.mark.parametrize(("n_images", "severity"), [(300, 0.1), (300, 1.0), (7, 0.5), (9, 0.3)])
def test_inversion_flips_the_requested_fraction_of_images(
    images: np.ndarray, n_images: int, severity: float
) -> None:
    chosen = images[:n_images]
    flipped = apply_shift(chosen, "inversion", severity, random_state=0)
    unchanged = np.all(np.isclose(flipped, chosen), axis=1)
    inverted = np.all(np.isclose(flipped, 1 - chosen), axis=1)
    assert np.all(unchanged | inverted)
    assert inverted.sum() == round(severity * n_images)


@pytest.mark.parametrize("shift", RANDOM_SHIFTS)
def test_random_shifts_follow_random_state(images: np.ndarray, shift: str) -> None:
    first = apply_shift(images, shift, 0.5, random_state=1)
    np.testing.assert_array_equal(first, apply_shift(images, shift, 0.5, random_state=1))
    assert not np.array_equal(first, apply_shift(images, shift, 0.5, random_state=2))


def test_shift_accepts_integer_and_float64_input() -> None:
    binary = np.eye(8, 64, dtype=np.uint8)
    shifted = apply_shift(binary, "contrast", 1.0)
    assert shifted.dtype == np.float32
    np.testing.assert_allclose(shifted, 0.5 + (binary - 0.5) * 0.1, atol=1e-6)
    assert apply_shift(binary.astype(np.float64), "none", 0.0).dtype == np.float32


def test_shift_of_no_images_is_empty() -> None:
    assert apply_shift(np.zeros((0, 64)), "rotation", 0.5).shape == (0, 64)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"shift": "blur"}, ValueError, r"shift='blur' is not supported; allowed: 'none', "),
        ({"shift": "Rotation"}, ValueError, r"shift='Rotation' is not supported"),
        ({"shift": 3}, TypeError, r"shift=3 must be a str"),
        ({"severity": "0.5"}, TypeError, r"severity='0.5' must be a real number"),
        ({"severity": None}, TypeError, r"severity=None must be a real number"),
        ({"severity": True}, TypeError, r"severity=True must be a real number"),
        ({"severity": -0.1}, ValueError, r"severity=-0.1 is out of range; allowed: .*\[0, 1\]"),
        ({"severity": 1.5}, ValueError, r"severity=1.5 is out of range"),
        ({"severity": float("nan")}, ValueError, r"severity=nan is out of range"),
        ({"severity": float("inf")}, ValueError, r"severity=inf is out of range"),
        ({"random_state": -1}, ValueError, r"random_state=-1 must be a non-negative int"),
        ({"random_state": 1.5}, TypeError, r"random_state=1.5 must be an int or None"),
    ],
)
def test_shift_rejects_bad_arguments(
    images: np.ndarray, kwargs: dict, error: type[Exception], match: str
) -> None:
    arguments = {"shift": "noise", "severity": 0.5, "random_state": 0} | kwargs
    with pytest.raises(error, match=match):
        apply_shift(images, **arguments)


@pytest.mark.parametrize(
    ("features", "match"),
    [
        (np.zeros((4, 63)), r"X must have shape \(n_samples, 64\).*got shape \(4, 63\)"),
        (np.zeros(64), r"X must have shape .*got shape \(64,\)"),
        (np.zeros((4, 8, 8)), r"X must have shape .*got shape \(4, 8, 8\)"),
        (np.full((2, 64), 16.0), r"X must hold pixel values in \[0, 1\]; got values from 16"),
        (np.full((2, 64), -0.5), r"X must hold pixel values in \[0, 1\]"),
        (np.full((2, 64), np.nan), r"X must hold pixel values in \[0, 1\].*non-finite"),
    ],
)
def test_shift_rejects_bad_images(features: np.ndarray, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        apply_shift(features, "none", 0.0)


# --------------------------------------------------------------------------------------------
# load_digit_domains / load_binary_domains
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task", TASKS)
def test_domains_have_the_promised_shapes_and_types(task: str) -> None:
    pair = load_digit_domains("rotation", 0.5, task=task)
    assert isinstance(pair, DomainPair)
    assert (pair.shift, pair.severity, pair.task) == ("rotation", 0.5, task)
    assert isinstance(pair.severity, float)
    assert pair.source.n_samples + pair.target.n_samples == N_DIGITS
    assert abs(pair.source.n_samples - pair.target.n_samples) <= 1
    for domain in (pair.source, pair.target):
        assert domain.n_features == 64
        assert domain.X.dtype == np.float32
        assert domain.y.dtype == np.int64
        assert domain.X.min() >= 0.0
        assert domain.X.max() <= 1.0
        assert domain.n_classes == (10 if task == "digits" else 2)
    assert pair.source.name == f"source: {task}"
    assert pair.target.name == f"target: {task}, rotation 0.5"
    assert pair.source.X.max() == 1.0  # unshifted source: pixel 16 maps to 1


def test_class_names() -> None:
    assert load_digit_domains().source.class_names == tuple("0123456789")
    assert load_binary_domains().target.class_names == ("even", "odd")


def test_shift_none_names_the_target_plainly() -> None:
    assert load_digit_domains("none", 0.0).target.name == "target: digits, no shift"


@pytest.mark.parametrize("random_state", [0, 7])
def test_source_and_target_are_disjoint_and_cover_all_digits(
    digits: tuple[np.ndarray, np.ndarray], random_state: int
) -> None:
    pair = load_digit_domains("none", 0.0, random_state=random_state)
    together_x = np.concatenate([pair.source.X, pair.target.X])
    together_y = np.concatenate([pair.source.y, pair.target.y])
    # Equal multisets of (image, label): nothing lost, nothing used twice.
    np.testing.assert_array_equal(_sorted_rows(together_x, together_y), _sorted_rows(*digits))


@pytest.mark.parametrize("source_fraction", [0.2, 0.5, 0.8])
def test_split_is_stratified_by_digit(
    digits: tuple[np.ndarray, np.ndarray], source_fraction: float
) -> None:
    pair = load_digit_domains("none", 0.0, source_fraction=source_fraction)
    all_counts = np.bincount(digits[1], minlength=10)
    source_counts = np.bincount(pair.source.y, minlength=10)
    assert pair.source.n_samples == pytest.approx(source_fraction * N_DIGITS, abs=1)
    assert np.all(np.abs(source_counts - source_fraction * all_counts) <= 1.5)


@pytest.mark.parametrize("shift", CHANGING_SHIFTS)
def test_target_is_the_shifted_counterpart_and_source_is_untouched(shift: str) -> None:
    plain = load_digit_domains("none", 0.0, random_state=3)
    shifted = load_digit_domains(shift, 0.6, random_state=3)
    np.testing.assert_array_equal(shifted.source.X, plain.source.X)
    np.testing.assert_array_equal(shifted.target.y, plain.target.y)
    assert not np.allclose(shifted.target.X, plain.target.X)
    if shift not in RANDOM_SHIFTS:
        expected = apply_shift(plain.target.X, shift, 0.6)
        np.testing.assert_allclose(shifted.target.X, expected, atol=1e-6)


def test_odd_even_labels_are_digit_parity() -> None:
    digits_pair = load_digit_domains("rotation", 0.5, random_state=4)
    parity_pair = load_digit_domains("rotation", 0.5, task="odd_even", random_state=4)
    for digit_domain, parity_domain in [
        (digits_pair.source, parity_pair.source),
        (digits_pair.target, parity_pair.target),
    ]:
        np.testing.assert_array_equal(parity_domain.X, digit_domain.X)
        np.testing.assert_array_equal(parity_domain.y, digit_domain.y % 2)


def test_binary_shortcut_matches_odd_even_task() -> None:
    shortcut = load_binary_domains("noise", 0.4, random_state=5)
    full = load_digit_domains("noise", 0.4, task="odd_even", random_state=5)
    assert shortcut.task == "odd_even"
    np.testing.assert_array_equal(shortcut.source.X, full.source.X)
    np.testing.assert_array_equal(shortcut.target.X, full.target.X)
    np.testing.assert_array_equal(shortcut.target.y, full.target.y)


def test_domains_are_deterministic_per_random_state() -> None:
    first = load_digit_domains("noise", 0.5, random_state=11)
    again = load_digit_domains("noise", 0.5, random_state=11)
    other = load_digit_domains("noise", 0.5, random_state=12)
    for part in ("source", "target"):
        np.testing.assert_array_equal(getattr(first, part).X, getattr(again, part).X)
        np.testing.assert_array_equal(getattr(first, part).y, getattr(again, part).y)
        assert not np.array_equal(getattr(first, part).X, getattr(other, part).X)


def test_random_state_none_gives_fresh_splits() -> None:
    first = load_digit_domains("none", 0.0, random_state=None)
    second = load_digit_domains("none", 0.0, random_state=None)
    assert first.source.n_samples + first.target.n_samples == N_DIGITS
    assert not np.array_equal(first.source.X, second.source.X)


def test_returned_arrays_do_not_share_a_cache() -> None:
    first = load_digit_domains("none", 0.0)
    first.source.X[:] = 0.5
    assert load_digit_domains("none", 0.0).source.X.max() == 1.0


def test_data_module_imports_no_deep_learning_framework() -> None:
    tree = ast.parse(Path(tlutils.data.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    top_level = {name.split(".")[0] for name in imported if name}
    assert top_level <= {
        "__future__",
        "dataclasses",
        "functools",
        "numbers",
        "numpy",
        "scipy",
        "sklearn",
    }, top_level


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"shift": "blur"}, ValueError, r"shift='blur' is not supported; allowed: 'none', "),
        ({"severity": 2}, ValueError, r"severity=2 is out of range"),
        ({"severity": "high"}, TypeError, r"severity='high' must be a real number"),
        ({"task": "letters"}, ValueError, r"task='letters' is not supported; allowed: 'digits'"),
        ({"task": None}, TypeError, r"task=None must be a str"),
        ({"source_fraction": 0}, ValueError, r"source_fraction=0 is out of range; allowed: 0 <"),
        ({"source_fraction": 1.0}, ValueError, r"source_fraction=1.0 is out of range"),
        ({"source_fraction": -0.5}, ValueError, r"source_fraction=-0.5 is out of range"),
        ({"source_fraction": float("nan")}, ValueError, r"source_fraction=nan is out of range"),
        ({"source_fraction": "half"}, TypeError, r"source_fraction='half' must be a real"),
        ({"source_fraction": True}, TypeError, r"source_fraction=True must be a real"),
        ({"source_fraction": 0.001}, ValueError, r"source_fraction=0.001 leaves too few"),
        ({"random_state": -3}, ValueError, r"random_state=-3 must be a non-negative int"),
        ({"random_state": "0"}, TypeError, r"random_state='0' must be an int or None"),
    ],
)
def test_load_digit_domains_rejects_bad_arguments(
    kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        load_digit_domains(**kwargs)


def test_load_binary_domains_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"shift='blur' is not supported"):
        load_binary_domains("blur")
    with pytest.raises(ValueError, match=r"severity=-1 is out of range"):
        load_binary_domains("rotation", -1)


# --------------------------------------------------------------------------------------------
# split_target
# --------------------------------------------------------------------------------------------


def test_split_has_exact_per_class_counts(target: Domain) -> None:
    split = split_target(target, 5, n_val_per_class=7, random_state=0)
    assert isinstance(split, TargetSplit)
    np.testing.assert_array_equal(np.bincount(split.train.y, minlength=10), np.full(10, 5))
    np.testing.assert_array_equal(np.bincount(split.val.y, minlength=10), np.full(10, 7))
    for part in (split.train, split.val, split.test):
        assert part.class_names == target.class_names
        assert part.X.dtype == np.float32
        assert part.y.dtype == np.int64


def test_validation_count_defaults_to_training_count(target: Domain) -> None:
    split = split_target(target, 4, random_state=0)
    np.testing.assert_array_equal(np.bincount(split.val.y, minlength=10), np.full(10, 4))


def test_test_set_is_stratified(target: Domain) -> None:
    split = split_target(target, 2, test_size=0.3, random_state=0)
    class_counts = np.bincount(target.y, minlength=10)
    test_counts = np.bincount(split.test.y, minlength=10)
    assert split.test.n_samples == pytest.approx(0.3 * target.n_samples, abs=1)
    assert np.all(np.abs(test_counts - 0.3 * class_counts) <= 1.5)


@pytest.mark.parametrize("n_per_class", [1, 5, None])
def test_parts_do_not_overlap_and_keep_their_rows(target: Domain, n_per_class: int | None) -> None:
    tagged = _with_row_ids(target)
    split = split_target(tagged, n_per_class, random_state=0)
    parts = [_row_ids(split.train), _row_ids(split.val), _row_ids(split.test)]
    together = np.concatenate(parts)
    assert len(np.unique(together)) == len(together)  # no example in two parts
    for part, ids in zip((split.train, split.val, split.test), parts, strict=True):
        np.testing.assert_array_equal(part.X[:, :-1], target.X[ids])
        np.testing.assert_array_equal(part.y, target.y[ids])


def test_none_takes_everything_that_is_left(target: Domain) -> None:
    split = split_target(target, None, random_state=0)
    assert split.train.n_samples + split.val.n_samples + split.test.n_samples == len(target)
    np.testing.assert_array_equal(np.bincount(split.val.y, minlength=10), np.full(10, 10))
    left = np.bincount(target.y, minlength=10) - np.bincount(split.test.y, minlength=10) - 10
    np.testing.assert_array_equal(np.bincount(split.train.y, minlength=10), left)


def test_test_set_does_not_depend_on_the_counts(target: Domain) -> None:
    tagged = _with_row_ids(target)
    tests = [
        _row_ids(split_target(tagged, n, n_val_per_class=v, random_state=9).test)
        for n, v in [(1, None), (5, None), (20, 3), (None, None), (None, 2)]
    ]
    for other in tests[1:]:
        np.testing.assert_array_equal(other, tests[0])


def test_test_set_changes_with_test_size_and_random_state(target: Domain) -> None:
    base = split_target(target, 3, random_state=0).test
    bigger = split_target(target, 3, test_size=0.5, random_state=0).test
    other_seed = split_target(target, 3, random_state=1).test
    assert bigger.n_samples == pytest.approx(0.5 * target.n_samples, abs=1)
    assert not np.array_equal(other_seed.X, base.X)


def test_training_sets_are_nested_for_a_fixed_validation_size(target: Domain) -> None:
    tagged = _with_row_ids(target)
    small = split_target(tagged, 3, n_val_per_class=10, random_state=2)
    large = split_target(tagged, 8, n_val_per_class=10, random_state=2)
    assert set(_row_ids(small.train)) <= set(_row_ids(large.train))
    np.testing.assert_array_equal(np.sort(_row_ids(small.val)), np.sort(_row_ids(large.val)))


def test_split_is_deterministic_per_random_state(target: Domain) -> None:
    first = split_target(target, 5, random_state=4)
    again = split_target(target, 5, random_state=4)
    other = split_target(target, 5, random_state=5)
    for part in ("train", "val", "test"):
        np.testing.assert_array_equal(getattr(first, part).X, getattr(again, part).X)
        np.testing.assert_array_equal(getattr(first, part).y, getattr(again, part).y)
        assert not np.array_equal(getattr(first, part).X, getattr(other, part).X)


def test_training_examples_are_shuffled_across_classes(target: Domain) -> None:
    labels = split_target(target, 5, random_state=0).train.y
    assert np.any(np.diff(labels) < 0)  # not sorted by class


def test_split_of_the_binary_task() -> None:
    split = split_target(load_binary_domains().target, 25, random_state=0)
    np.testing.assert_array_equal(np.bincount(split.train.y), [25, 25])
    assert split.train.name == "target: odd_even, rotation 0.5 (train, 25 per class)"
    assert split.test.name == "target: odd_even, rotation 0.5 (test)"


def test_too_many_labels_per_class_names_the_class_and_the_supply(target: Domain) -> None:
    with pytest.raises(
        ValueError,
        match=r"n_per_class=60 is too large: class '\d' of 'target: digits, rotation 0.5' "
        r"has only \d+ examples outside the test set and n_val_per_class=5 .* at most \d+ are",
    ):
        split_target(target, 60, n_val_per_class=5, random_state=0)
    with pytest.raises(ValueError, match=r"n_per_class=40 is too large: .* at most \d+ are"):
        split_target(target, 40, random_state=0)  # validation defaults to 40 as well


def test_too_many_validation_labels_names_n_val_per_class(target: Domain) -> None:
    with pytest.raises(ValueError, match=r"n_val_per_class=200 is too large: class '\d'"):
        split_target(target, 1, n_val_per_class=200, random_state=0)
    with pytest.raises(ValueError, match=r"n_per_class=None .* n_val_per_class=200"):
        split_target(target, None, n_val_per_class=200, random_state=0)


@pytest.mark.parametrize(
    ("n_per_class", "kwargs", "error", "match"),
    [
        (0, {}, ValueError, r"n_per_class=0 is not allowed; it must be a positive int"),
        (-2, {}, ValueError, r"n_per_class=-2 is not allowed"),
        (2.5, {}, TypeError, r"n_per_class=2.5 must be a positive int or None"),
        ("5", {}, TypeError, r"n_per_class='5' must be a positive int"),
        (True, {}, TypeError, r"n_per_class=True must be a positive int"),
        (5, {"n_val_per_class": 0}, ValueError, r"n_val_per_class=0 is not allowed"),
        (5, {"n_val_per_class": 1.0}, TypeError, r"n_val_per_class=1.0 must be a positive int"),
        (5, {"test_size": 0.0}, ValueError, r"test_size=0.0 is out of range; allowed: 0 <"),
        (5, {"test_size": 1}, ValueError, r"test_size=1 is out of range"),
        (5, {"test_size": 30}, ValueError, r"test_size=30 is out of range"),
        (5, {"test_size": float("nan")}, ValueError, r"test_size=nan is out of range"),
        (5, {"test_size": "0.3"}, TypeError, r"test_size='0.3' must be a real number"),
        (5, {"test_size": 0.001}, ValueError, r"test_size=0.001 cannot carve a stratified"),
        (5, {"random_state": -1}, ValueError, r"random_state=-1 must be a non-negative int"),
    ],
)
def test_split_rejects_bad_arguments(
    target: Domain, n_per_class: object, kwargs: dict, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        split_target(target, n_per_class, **kwargs)  # type: ignore[arg-type]


def test_split_needs_a_domain(target: Domain) -> None:
    with pytest.raises(TypeError, match="domain must be a Domain; got ndarray"):
        split_target(target.X, 5)  # type: ignore[arg-type]
