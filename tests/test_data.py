"""Tests for tlutils.data: domains, shifts, the splits, and the printed-character source."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.neighbors import NearestCentroid

from tlutils.data import (
    CHARACTER_SETS,
    MOONS_CENTER,
    SHIFTS,
    Domain,
    DomainPair,
    apply_shift,
    load_binary_domains,
    load_digit_domains,
    load_printed_characters,
    make_rotated_moons,
    split_target,
)

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


# --------------------------------------------------------------------------- Domain


def test_domain_subset_takes_positions_or_a_mask_and_keeps_the_classes() -> None:
    features = np.arange(4 * 64, dtype=np.float64).reshape(4, 64)
    domain = Domain(features, np.array([0, 1, 2, 1], np.int32), "d", ["a", "b", "c"])
    picked = domain.subset([3, 1])
    np.testing.assert_array_equal(picked.X, features[[3, 1]])
    assert (picked.y.tolist(), picked.name, picked.class_names) == ([1, 1], "d", ("a", "b", "c"))
    masked = domain.subset(np.array([True, False, True, False]), name="evens")
    np.testing.assert_array_equal(masked.X, features[[0, 2]])
    assert masked.name == "evens"
    assert domain.subset([]).n_samples == 0


def test_images_are_the_rows_as_8x8_views_with_an_optional_channel_axis() -> None:
    domain = Domain(np.random.default_rng(0).random((5, 64)), np.zeros(5, int), "d", ("a",))
    grid, channels = domain.images(), domain.images(channel_axis=True)
    assert grid.shape == (5, 8, 8) and channels.shape == (5, 8, 8, 1)
    np.testing.assert_array_equal(grid[2].ravel(), domain.X[2])
    np.testing.assert_array_equal(channels[..., 0], grid)
    assert np.shares_memory(grid, domain.X) and np.shares_memory(channels, domain.X)


def test_domain_rejects_labels_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="y has 2 entries but X has 3"):
        Domain(np.zeros((3, 64)), np.array([0, 1]), "bad", ("a", "b"))
    with pytest.raises(ValueError, match="y has labels from 0 to 2"):
        Domain(np.zeros((2, 64)), np.array([0, 2]), "bad", ("a", "b"))


def test_domain_pair_needs_shared_class_names() -> None:
    digits, binary = load_digit_domains("none", 0.0), load_binary_domains("none", 0.0)
    with pytest.raises(ValueError, match="target has class_names"):
        DomainPair(digits.source, binary.target, "none", 0.0, "digits")


# --------------------------------------------------------------------------- apply_shift


@pytest.mark.parametrize("shift", SHIFTS)
@pytest.mark.parametrize("severity", [0.0, 0.3, 1.0])
def test_shift_returns_new_float32_images_in_unit_range(
    images: np.ndarray, shift: str, severity: float
) -> None:
    original = images.copy()
    shifted = apply_shift(images, shift, severity, random_state=0)
    assert shifted.shape == images.shape and shifted.dtype == np.float32
    assert shifted.min() >= 0.0 and shifted.max() <= 1.0
    assert not np.shares_memory(shifted, images)
    np.testing.assert_array_equal(images, original)  # the input is untouched


@pytest.mark.parametrize("shift", SHIFTS)
def test_severity_zero_changes_nothing(images: np.ndarray, shift: str) -> None:
    np.testing.assert_allclose(apply_shift(images, shift, 0.0, random_state=0), images, atol=1e-6)


@pytest.mark.parametrize("shift", CHANGING_SHIFTS)
def test_stronger_shift_moves_images_further(images: np.ndarray, shift: str) -> None:
    distances = [
        np.abs(apply_shift(images, shift, severity, random_state=0) - images).mean()
        for severity in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    assert np.all(np.diff(distances) > 0), distances


@pytest.mark.parametrize("shift", ["translation", "rotation"])
def test_geometric_shifts_change_continuously(images: np.ndarray, shift: str) -> None:
    # A tenth of the severity moves the pixels far less (zero padding must not blank the
    # border rows as soon as the shift is above zero).
    tiny = np.abs(apply_shift(images, shift, 0.01) - images).mean()
    small = np.abs(apply_shift(images, shift, 0.1) - images).mean()
    assert 0 < tiny < 0.25 * small


def test_rotation_at_severity_one_is_a_quarter_turn(images: np.ndarray) -> None:
    rotated = apply_shift(images, "rotation", 1.0).reshape(-1, 8, 8)
    expected = np.rot90(images.reshape(-1, 8, 8), k=1, axes=(1, 2))  # counter-clockwise
    np.testing.assert_allclose(rotated, expected, atol=1e-5)
    half = apply_shift(images, "rotation", 0.5).reshape(-1, 8, 8)
    assert not np.allclose(half, expected, atol=0.05)


@pytest.mark.parametrize(("severity", "pixels"), [(1 / 3, 1), (2 / 3, 2), (1.0, 3)])
def test_translation_moves_right_and_down(images: np.ndarray, severity: float, pixels: int) -> None:
    moved = apply_shift(images, "translation", severity).reshape(-1, 8, 8)
    grid = images.reshape(-1, 8, 8)
    np.testing.assert_allclose(moved[:, pixels:, pixels:], grid[:, :-pixels, :-pixels], atol=1e-5)
    assert np.all(moved[:, :pixels, :] == 0) and np.all(moved[:, :, :pixels] == 0)


@pytest.mark.parametrize("severity", [0.2, 1.0])
def test_contrast_pulls_every_pixel_towards_grey(images: np.ndarray, severity: float) -> None:
    shifted = apply_shift(images, "contrast", severity)
    np.testing.assert_allclose(shifted - 0.5, (images - 0.5) * (1 - 0.9 * severity), atol=1e-6)


def test_noise_has_the_promised_spread() -> None:
    grey = np.full((400, 64), 0.5, np.float32)  # far from the clipping bounds
    noisy = apply_shift(grey, "noise", 0.2, random_state=0)
    assert np.std(noisy - grey) == pytest.approx(0.5 * 0.2, rel=0.03)
    assert abs(np.mean(noisy - grey)) < 0.01


@pytest.mark.parametrize(("n_images", "severity"), [(300, 0.1), (300, 1.0), (7, 0.5)])
def test_inversion_flips_the_requested_share_of_images(
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


def test_apply_shift_rejects_pixels_outside_the_unit_range() -> None:
    with pytest.raises(ValueError, match=r"X has a value 16 outside \[0, 1\]"):
        apply_shift(np.full((2, 64), 16.0), "none", 0.0)


# --------------------------------------------------------------------------- source and target


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
def test_source_and_target_are_stratified_by_digit(
    digits: tuple[np.ndarray, np.ndarray], source_fraction: float
) -> None:
    pair = load_digit_domains("none", 0.0, source_fraction=source_fraction)
    expected = source_fraction * np.bincount(digits[1], minlength=10)
    assert np.all(np.abs(np.bincount(pair.source.y, minlength=10) - expected) <= 1.5)


@pytest.mark.parametrize("shift", CHANGING_SHIFTS)
def test_only_the_target_is_shifted(shift: str) -> None:
    plain = load_digit_domains("none", 0.0, random_state=3)
    shifted = load_digit_domains(shift, 0.6, random_state=3)
    np.testing.assert_array_equal(shifted.source.X, plain.source.X)
    np.testing.assert_array_equal(shifted.target.y, plain.target.y)
    assert not np.allclose(shifted.target.X, plain.target.X)
    if shift not in RANDOM_SHIFTS:
        expected = apply_shift(plain.target.X, shift, 0.6)
        np.testing.assert_allclose(shifted.target.X, expected, atol=1e-6)


def test_odd_even_task_labels_the_same_images_by_parity() -> None:
    digit_pair = load_digit_domains("rotation", 0.5, random_state=4)
    parity_pair = load_binary_domains("rotation", 0.5, random_state=4)
    assert parity_pair.target.class_names == ("even", "odd")
    for digit_domain, parity_domain in [
        (digit_pair.source, parity_pair.source),
        (digit_pair.target, parity_pair.target),
    ]:
        np.testing.assert_array_equal(parity_domain.X, digit_domain.X)
        np.testing.assert_array_equal(parity_domain.y, digit_domain.y % 2)


def test_domains_follow_random_state() -> None:
    first = load_digit_domains("noise", 0.5, random_state=11)
    again = load_digit_domains("noise", 0.5, random_state=11)
    other = load_digit_domains("noise", 0.5, random_state=12)
    for part in ("source", "target"):
        np.testing.assert_array_equal(getattr(first, part).X, getattr(again, part).X)
        assert not np.array_equal(getattr(first, part).X, getattr(other, part).X)


def test_returned_arrays_do_not_share_a_cache() -> None:
    load_digit_domains("none", 0.0).source.X[:] = 0.5
    assert load_digit_domains("none", 0.0).source.X.max() == 1.0


def test_load_digit_domains_rejects_an_unknown_task() -> None:
    with pytest.raises(ValueError, match="task='letters' is not supported"):
        load_digit_domains(task="letters")


def test_importing_data_loads_no_deep_learning_framework() -> None:
    code = "import sys, tlutils.data; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


# --------------------------------------------------------------------------- split_target


def test_train_and_val_have_exact_per_class_counts(target: Domain) -> None:
    split = split_target(target, 5, n_val_per_class=7, random_state=0)
    np.testing.assert_array_equal(np.bincount(split.train.y, minlength=10), np.full(10, 5))
    np.testing.assert_array_equal(np.bincount(split.val.y, minlength=10), np.full(10, 7))
    assert np.any(np.diff(split.train.y) < 0)  # shuffled, not grouped by class
    default = split_target(target, 4, random_state=0)  # validation as large as training
    np.testing.assert_array_equal(np.bincount(default.val.y, minlength=10), np.full(10, 4))


def test_test_set_is_stratified(target: Domain) -> None:
    split = split_target(target, 2, test_size=0.3, random_state=0)
    expected = 0.3 * np.bincount(target.y, minlength=10)
    assert np.all(np.abs(np.bincount(split.test.y, minlength=10) - expected) <= 1.5)


@pytest.mark.parametrize("n_per_class", [1, 5, None])
def test_parts_never_overlap_and_keep_their_rows(target: Domain, n_per_class: int | None) -> None:
    split = split_target(_with_row_ids(target), n_per_class, random_state=0)
    parts = [_row_ids(split.train), _row_ids(split.val), _row_ids(split.test)]
    together = np.concatenate(parts)
    assert len(np.unique(together)) == len(together)  # no example in two parts
    for part, ids in zip((split.train, split.val, split.test), parts, strict=True):
        np.testing.assert_array_equal(part.X[:, :-1], target.X[ids])
        np.testing.assert_array_equal(part.y, target.y[ids])


def test_all_remaining_labels_go_to_training_with_none(target: Domain) -> None:
    split = split_target(target, None, random_state=0)
    assert split.train.n_samples + split.val.n_samples + split.test.n_samples == len(target)


def test_test_set_is_independent_of_the_counts(target: Domain) -> None:
    tagged = _with_row_ids(target)
    tests = [
        _row_ids(split_target(tagged, n, n_val_per_class=v, random_state=9).test)
        for n, v in [(1, None), (5, None), (20, 3), (None, None), (None, 2)]
    ]
    for other in tests[1:]:
        np.testing.assert_array_equal(other, tests[0])
    other_seed = _row_ids(split_target(tagged, 1, random_state=10).test)
    assert not np.array_equal(np.sort(other_seed), np.sort(tests[0]))


def test_training_sets_are_nested_for_a_fixed_validation_size(target: Domain) -> None:
    tagged = _with_row_ids(target)
    small = split_target(tagged, 3, n_val_per_class=10, random_state=2)
    large = split_target(tagged, 8, n_val_per_class=10, random_state=2)
    assert set(_row_ids(small.train)) <= set(_row_ids(large.train))
    np.testing.assert_array_equal(np.sort(_row_ids(small.val)), np.sort(_row_ids(large.val)))


def test_too_many_labels_names_the_class_and_what_it_has(target: Domain) -> None:
    message = r"n_per_class=60 with n_val_per_class=5 needs 65 .* has only \d+ outside the test"
    with pytest.raises(ValueError, match=message):
        split_target(target, 60, n_val_per_class=5, random_state=0)


def test_split_target_rejects_a_count_below_one(target: Domain) -> None:
    with pytest.raises(ValueError, match="n_per_class=0 is out of range"):
        split_target(target, 0)


# --------------------------------------------------------------------------- rotated moons


def test_rotated_moons_turn_about_their_centre() -> None:
    plain, labels = make_rotated_moons(300, angle=0.0, noise=0.0, random_state=3)
    turned, turned_labels = make_rotated_moons(300, angle=90.0, noise=0.0, random_state=3)
    np.testing.assert_array_equal(turned_labels, labels)
    centre = np.asarray(MOONS_CENTER)
    # 90 degrees counter-clockwise maps an offset (dx, dy) from the centre to (-dy, dx)
    np.testing.assert_allclose(turned - centre, (plain - centre)[:, ::-1] * [-1, 1], atol=1e-5)
    # the centre is the mean of the noise-free moons, and the rotation keeps it there
    np.testing.assert_allclose(plain.mean(axis=0), centre, atol=1e-6)
    np.testing.assert_allclose(turned.mean(axis=0), centre, atol=1e-6)


def test_rotated_moons_at_zero_degrees_are_scikit_learns_moons() -> None:
    from sklearn.datasets import make_moons

    points, labels = make_rotated_moons(200, noise=0.1, random_state=5)
    expected_points, expected_labels = make_moons(200, noise=0.1, random_state=5)
    np.testing.assert_allclose(points, expected_points, atol=1e-6)
    np.testing.assert_array_equal(labels, expected_labels)


def test_make_rotated_moons_rejects_negative_noise() -> None:
    with pytest.raises(ValueError, match="noise=-0.1 is out of range"):
        make_rotated_moons(10, noise=-0.1)


# --------------------------------------------------------------------------- printed characters


def test_printed_characters_follow_random_state() -> None:
    first = load_printed_characters(300, characters="digits", random_state=3)
    again = load_printed_characters(300, characters="digits", random_state=3)
    other = load_printed_characters(300, characters="digits", random_state=4)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.X, other.X)


@pytest.mark.parametrize("characters", list(CHARACTER_SETS))
def test_printed_characters_are_ink_counts_with_balanced_classes(characters: str) -> None:
    n_classes = len(CHARACTER_SETS[characters])
    source = load_printed_characters(3 * n_classes + 1, characters=characters, random_state=0)
    assert source.X.shape == (3 * n_classes + 1, 64) and source.X.dtype == np.float32
    assert set(np.unique(source.X * 16)) <= set(range(17))  # ink pixels of a 4x4 block
    assert sorted(np.bincount(source.y, minlength=n_classes)) == [3] * (n_classes - 1) + [4]
    assert source.class_names == tuple(CHARACTER_SETS[characters])


def test_elastic_warp_changes_the_shapes_not_the_labels() -> None:
    rigid = load_printed_characters(200, elastic=0.0, random_state=1)
    warped = load_printed_characters(200, elastic=3.0, random_state=1)
    np.testing.assert_array_equal(rigid.y, warped.y)
    assert np.mean(np.any(rigid.X != warped.X, axis=1)) > 0.9


def test_printed_characters_have_the_statistics_of_the_digits(
    digits: tuple[np.ndarray, np.ndarray],
) -> None:
    handwritten = digits[0]
    printed = load_printed_characters(2000, characters="letters", random_state=0).X
    ink, real_ink = printed.mean(axis=1), handwritten.mean(axis=1)
    assert abs(np.median(ink) - np.median(real_ink)) < 0.03  # 0.31 for the digits
    assert np.mean((ink > 0.2) & (ink < 0.45)) > 0.95
    assert abs(np.mean(printed == 0) - np.mean(handwritten == 0)) < 0.03  # about half blank
    rows_used = (printed.reshape(-1, 8, 8).sum(axis=2) > 0).sum(axis=1)
    assert np.mean(rows_used == 8) > 0.9  # scaled to the full height, like the digits


def test_printed_digits_resemble_the_handwritten_ones(
    digits: tuple[np.ndarray, np.ndarray],
) -> None:
    printed = load_printed_characters(2000, characters="digits", random_state=0)
    nearest_mean = NearestCentroid().fit(printed.X, printed.y)
    assert nearest_mean.score(*digits) > 0.5  # chance is 0.1


@pytest.mark.parametrize(
    ("arguments", "name"),
    [({"n_samples": 0}, "n_samples"), ({"characters": "greek"}, "characters")],
)
def test_load_printed_characters_names_a_bad_argument(arguments: dict, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}="):
        load_printed_characters(**{"n_samples": 10, **arguments})
