"""Tests for tlutils.adapt: importance weights, CORAL, gradient reversal and DANN."""

# ruff: noqa: N806  (X, X_target: scikit-learn's names for feature matrices)
from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.base import clone
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils.estimator_checks import parametrize_with_checks

from tlutils.adapt import (
    CORAL,
    DANN,
    MOONS_CENTER,
    DomainClassifierWeighter,
    GradientReversal,
    KernelMeanMatching,
    dann_lambda_schedule,
    effective_sample_size,
    make_rotated_moons,
)
from tlutils.divergence import median_heuristic


def _gaussians(shift: float = 1.0, n: int = 400, d: int = 1, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, size=(n, d)), rng.normal(shift, 1.0, size=(n, d))


# --------------------------------------------------------------------------- scikit-learn API


def _expected_failed_checks(estimator: object) -> dict[str, str]:
    # Both estimators pass every check of scikit-learn 1.9 (scikit-learn itself skips
    # check_array_api_input unless SCIPY_ARRAY_API is set). Keep the mechanism in place so that
    # a future check that cannot apply is listed here with its reason.
    return {}


@parametrize_with_checks(
    [
        CORAL(),
        CORAL(regularization=0.1, align_mean=False),
        DomainClassifierWeighter(clip=5.0),
        KernelMeanMatching(),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_scikit_learn_estimator_checks(estimator, check) -> None:
    check(estimator)


def test_estimators_clone_and_set_params_with_a_target() -> None:
    X, X_target = _gaussians(d=2)
    weighter = DomainClassifierWeighter(clip=3.0, random_state=1)
    assert weighter.get_params()["clip"] == 3.0
    fitted = clone(weighter).set_params(clip=2.0).fit(X, X_target=X_target)
    assert fitted.weights_.max() <= 2.0
    coral = CORAL(regularization=0.5).set_params(align_mean=False)
    assert clone(coral).get_params() == {"regularization": 0.5, "align_mean": False}


def test_coral_works_in_a_pipeline_with_routed_target() -> None:
    X, y = make_moons(200, noise=0.1, random_state=0)
    X_target = X * [2.0, 0.5] + 1.0
    pipe = make_pipeline(CORAL(regularization=1e-3), LogisticRegression())
    pipe.fit(X, y, coral__X_target=X_target)
    aligned = pipe[0].transform(X)
    np.testing.assert_allclose(aligned.mean(axis=0), X_target.mean(axis=0), atol=1e-10)


# --------------------------------------------------------------------------- importance weights


def test_effective_sample_size_values_and_bad_inputs() -> None:
    assert effective_sample_size(np.ones(7)) == pytest.approx(7.0)
    assert effective_sample_size([3.0, 0.0, 0.0]) == pytest.approx(1.0)
    assert effective_sample_size([1.0, 2.0]) == pytest.approx(9.0 / 5.0)
    with pytest.raises(ValueError, match="negative value"):
        effective_sample_size([1.0, -0.5])
    with pytest.raises(ValueError, match="all 0"):
        effective_sample_size([0.0, 0.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        effective_sample_size([1.0, np.nan])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        effective_sample_size([])


def test_weights_follow_the_true_density_ratio() -> None:
    # Source N(0, 1), target N(1, 1): p_T / p_S = exp(x - 1/2), exactly log-linear.
    X, X_target = _gaussians(shift=1.0, n=3000, seed=1)
    weighter = DomainClassifierWeighter(normalize=False).fit(X, X_target=X_target)
    grid = np.linspace(-1.5, 2.0, 8)[:, None]
    np.testing.assert_allclose(
        np.log(weighter.weights(grid)), grid[:, 0] - 0.5, atol=0.15
    )  # log-ratio within 0.15 of the truth
    probability = weighter.domain_probability(grid)
    assert np.all(np.diff(probability) > 0) and probability.min() > 0 and probability.max() < 1


def test_weights_are_normalised_clipped_and_flattened() -> None:
    X, X_target = _gaussians(shift=2.0, n=500, seed=2)
    plain = DomainClassifierWeighter().fit(X, X_target=X_target)
    assert plain.weights_.mean() == pytest.approx(1.0)
    assert plain.weights_.max() > 5.0  # a large shift: some weights are large
    clipped = DomainClassifierWeighter(clip=5.0).fit(X, X_target=X_target)
    assert clipped.weights_.max() == pytest.approx(5.0)
    np.testing.assert_allclose(clipped.weights_, np.minimum(plain.weights_, 5.0))
    assert clipped.effective_sample_size_ > plain.effective_sample_size_
    flat = DomainClassifierWeighter(exponent=0.0).fit(X, X_target=X_target)
    np.testing.assert_allclose(flat.weights_, 1.0)
    half = DomainClassifierWeighter(exponent=0.5).fit(X, X_target=X_target)
    assert plain.effective_sample_size_ < half.effective_sample_size_ < len(X)
    assert plain.n_source_ == plain.n_target_ == 500
    # parameters changed after fitting take effect at the next fit only
    clipped.set_params(clip=1.0, exponent=0.0)
    np.testing.assert_allclose(clipped.weights(X), np.minimum(plain.weights_, 5.0))
    assert clipped.fit(X, X_target=X_target).weights_.max() == pytest.approx(1.0)


def test_weights_account_for_unequal_sample_sizes() -> None:
    # Same distribution, twice as many target rows: the ratio n_s / n_t undoes the prior odds.
    rng = np.random.default_rng(3)
    X, X_target = rng.normal(size=(300, 2)), rng.normal(size=(600, 2))
    weighter = DomainClassifierWeighter(normalize=False).fit(X, X_target=X_target)
    assert abs(np.median(weighter.weights_) - 1.0) < 0.1


def test_weighter_without_target_gives_unit_weights_and_custom_estimator_is_used() -> None:
    X, X_target = _gaussians(d=2)
    alone = DomainClassifierWeighter().fit(X)
    assert alone.estimator_ is None
    np.testing.assert_array_equal(alone.weights(X_target), 1.0)
    poly = make_pipeline(PolynomialFeatures(2), LogisticRegression())
    fitted = DomainClassifierWeighter(poly).fit(X, X_target=X_target)
    assert fitted.estimator_ is not poly and hasattr(fitted.estimator_, "predict_proba")
    assert not hasattr(poly, "classes_")  # the given estimator is cloned, not fitted


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"clip": 0.0}, ValueError, r"clip=0.0 is out of range"),
        ({"clip": -1.0}, ValueError, r"clip=-1.0 is out of range"),
        ({"clip": "big"}, TypeError, r"clip='big'"),
        ({"exponent": 1.5}, ValueError, r"exponent=1.5 is out of range"),
        ({"exponent": -0.1}, ValueError, r"exponent=-0.1 is out of range"),
        ({"normalize": "yes"}, TypeError, r"normalize='yes'"),
        ({"random_state": -3}, ValueError, r"random_state=-3"),
        ({"estimator": object()}, TypeError, r"has no predict_proba"),
    ],
)
def test_weighter_rejects_bad_parameters(params, error, match) -> None:
    X, X_target = _gaussians()
    with pytest.raises(error, match=match):
        DomainClassifierWeighter(**params).fit(X, X_target=X_target)


def test_weighter_rejects_bad_target() -> None:
    X, _ = _gaussians(d=2)
    with pytest.raises(ValueError, match="X_target has 3 features but the source X has 2"):
        DomainClassifierWeighter().fit(X, X_target=np.zeros((5, 3)))
    with pytest.raises(ValueError, match="X_target is empty"):
        DomainClassifierWeighter().fit(X, X_target=np.zeros((0, 2)))
    fitted = DomainClassifierWeighter().fit(X, X_target=X + 1)
    with pytest.raises(ValueError, match="X has 3 features"):
        fitted.weights(np.zeros((2, 3)))


# --------------------------------------------------------------------------- CORAL


def test_coral_matches_target_mean_and_covariance() -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(500, 3)) @ rng.normal(size=(3, 3))
    X_target = rng.normal(size=(400, 3)) @ rng.normal(size=(3, 3)) + [1.0, -2.0, 3.0]
    coral = CORAL(regularization=0.0).fit(X, X_target=X_target)
    aligned = coral.transform(X)
    np.testing.assert_allclose(aligned.mean(axis=0), X_target.mean(axis=0), atol=1e-10)
    np.testing.assert_allclose(np.cov(aligned.T), np.cov(X_target.T), atol=1e-8)
    np.testing.assert_allclose(coral.fit_transform(X, X_target=X_target), aligned)


def test_coral_regularisation_shrinks_towards_the_identity() -> None:
    rng = np.random.default_rng(6)
    X = rng.normal(size=(300, 2)) * [1.0, 0.1]
    X_target = rng.normal(size=(300, 2)) * [0.1, 1.0]
    strong = CORAL(regularization=1e6).fit(X, X_target=X_target)
    np.testing.assert_allclose(strong.transform_matrix_, np.eye(2), atol=1e-4)
    weak = CORAL(regularization=1e-6).fit(X, X_target=X_target)
    assert np.abs(weak.transform_matrix_ - np.eye(2)).max() > 1.0


def test_coral_without_target_is_the_identity_and_align_mean_false_is_linear() -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(50, 4))
    np.testing.assert_allclose(CORAL().fit(X).transform(X), X, atol=1e-10)
    X_target = rng.normal(size=(60, 4)) * 2.0 + 5.0
    linear = CORAL(regularization=0.1, align_mean=False).fit(X, X_target=X_target)
    np.testing.assert_allclose(linear.transform(X), X @ linear.transform_matrix_)


# --------------------------------------------------------------------------- kernel mean matching


def test_kmm_weights_respect_the_constraints_and_match_the_target_mean() -> None:
    X, X_target = _gaussians(shift=1.0, n=300)
    kmm = KernelMeanMatching(max_weight=8.0, epsilon=0.1).fit(X, X_target=X_target)
    w = kmm.weights_
    assert w.shape == (300,) and w.min() >= 0.0 and w.max() <= 8.0 + 1e-9
    assert 0.9 - 1e-9 <= w.mean() <= 1.1 + 1e-9  # |sum(w) - n| <= n * epsilon
    # Points near the target mean (1) get far more weight than points on the far side.
    assert w[X[:, 0] > 1.0].mean() > 5 * w[X[:, 0] < -1.0].mean()
    weighted_mean = np.average(X[:, 0], weights=w)
    assert abs(weighted_mean - X_target.mean()) < abs(X.mean() - X_target.mean()) / 3
    assert kmm.effective_sample_size_ == pytest.approx(effective_sample_size(w))
    assert kmm.gamma_ == pytest.approx(1.0 / (2.0 * median_heuristic(X, X_target) ** 2))


def test_kmm_without_shift_keeps_weights_near_one() -> None:
    X, X_target = _gaussians(shift=0.0, n=300)
    kmm = KernelMeanMatching(gamma=0.5).fit(X, X_target=X_target)
    assert kmm.gamma_ == 0.5
    assert kmm.effective_sample_size_ > 0.7 * len(X)
    unfitted_target = KernelMeanMatching().fit(X)
    assert np.array_equal(unfitted_target.weights_, np.ones(len(X)))


def test_kmm_tighter_cap_gives_flatter_weights() -> None:
    X, X_target = _gaussians(shift=1.5, n=300)
    loose = KernelMeanMatching(max_weight=50.0).fit(X, X_target=X_target)
    tight = KernelMeanMatching(max_weight=2.0).fit(X, X_target=X_target)
    assert tight.weights_.max() <= 2.0 + 1e-9 < loose.weights_.max()
    assert tight.effective_sample_size_ > loose.effective_sample_size_


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"gamma": "auto"}, ValueError, "gamma='auto' is not supported; allowed: a number > 0"),
        ({"gamma": -1.0}, ValueError, "gamma=-1.0 is out of range"),
        ({"max_weight": 0.0}, ValueError, "max_weight=0.0 is out of range"),
        ({"epsilon": -0.1}, ValueError, "epsilon=-0.1 is out of range"),
        ({"max_iter": 0}, ValueError, "max_iter=0 is out of range"),
        ({"tol": "small"}, TypeError, "tol='small'"),
    ],
)
def test_kmm_rejects_bad_parameters(params, error, match) -> None:
    X, X_target = _gaussians()
    with pytest.raises(error, match=match):
        KernelMeanMatching(**params).fit(X, X_target=X_target)


def test_kmm_rejects_bad_target() -> None:
    X, _ = _gaussians(d=2)
    with pytest.raises(ValueError, match="X_target has 3 features but the source X has 2"):
        KernelMeanMatching().fit(X, X_target=np.zeros((5, 3)))
    with pytest.raises(ValueError, match="X_target is empty"):
        KernelMeanMatching().fit(X, X_target=np.zeros((0, 2)))


def test_coral_rejects_bad_inputs() -> None:
    X = np.random.default_rng(8).normal(size=(20, 3))
    with pytest.raises(ValueError, match="X_target has 2 features but the source X has 3"):
        CORAL().fit(X, X_target=np.zeros((5, 2)))
    with pytest.raises(ValueError, match="X_target is empty"):
        CORAL().fit(X, X_target=np.zeros((0, 3)))
    with pytest.raises(ValueError, match="X_target has 1 sample"):
        CORAL().fit(X, X_target=np.zeros((1, 3)))
    with pytest.raises(ValueError, match="regularization=-0.5 is out of range"):
        CORAL(regularization=-0.5).fit(X, X_target=X)
    with pytest.raises(TypeError, match="regularization='a lot'"):
        CORAL(regularization="a lot").fit(X, X_target=X)
    with pytest.raises(TypeError, match="align_mean=1"):
        CORAL(align_mean=1).fit(X, X_target=X)
    constant = np.column_stack([X[:, :2], np.zeros(20)])  # a pixel that is always blank
    with pytest.raises(ValueError, match="singular"):
        CORAL(regularization=0.0).fit(constant, X_target=X)
    CORAL(regularization=1e-3).fit(constant, X_target=X)  # regularisation fixes it
    with pytest.raises(ValueError, match="X has 2 features"):
        CORAL().fit(X, X_target=X).transform(np.zeros((4, 2)))


# --------------------------------------------------------------------------- rotated moons


def test_rotated_moons_rotate_about_the_centre() -> None:
    X0, y0 = make_rotated_moons(300, angle=0.0, random_state=3)
    X_ref, y_ref = make_moons(300, noise=0.1, random_state=3)
    np.testing.assert_allclose(X0, X_ref, atol=1e-6)
    np.testing.assert_array_equal(y0, y_ref)
    X90, y90 = make_rotated_moons(300, angle=90.0, random_state=3)
    np.testing.assert_array_equal(y90, y0)
    centre = np.asarray(MOONS_CENTER)
    np.testing.assert_allclose(
        np.linalg.norm(X90 - centre, axis=1), np.linalg.norm(X0 - centre, axis=1), atol=1e-5
    )
    # 90 degrees counter-clockwise maps (dx, dy) to (-dy, dx)
    np.testing.assert_allclose(X90 - centre, (X0 - centre)[:, ::-1] * [-1, 1], atol=1e-5)
    assert X0.dtype == np.float32 and y0.dtype == np.int64


def test_rotated_moons_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="n_samples=0"):
        make_rotated_moons(0)
    with pytest.raises(ValueError, match="noise=-0.1"):
        make_rotated_moons(10, noise=-0.1)
    with pytest.raises(ValueError, match="angle=nan"):
        make_rotated_moons(10, angle=float("nan"))
    with pytest.raises(ValueError, match="center="):
        make_rotated_moons(10, center=(0.0, 1.0, 2.0))


# --------------------------------------------------------------------------- gradient reversal


def test_gradient_reversal_is_identity_forward_and_flips_gradients() -> None:
    layer = GradientReversal(lambda_=2.5)
    x = tf.constant([[1.0, -3.0], [0.5, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), -2.5 * np.array([[1, 2], [3, 4]]))
    layer.lambda_ = 0.0
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x))
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), 0.0)


def test_gradient_reversal_serialises(tmp_path) -> None:
    layer = GradientReversal(lambda_=0.7, name="grl")
    clone_layer = GradientReversal.from_config(layer.get_config())
    assert clone_layer.lambda_ == pytest.approx(0.7) and clone_layer.name == "grl"
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(GradientReversal(lambda_=0.3)(inputs)))
    path = tmp_path / "grl.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.layers[1], GradientReversal)
    assert loaded.layers[1].lambda_ == pytest.approx(0.3)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def test_gradient_reversal_rejects_negative_lambda() -> None:
    with pytest.raises(ValueError, match="lambda_=-0.1 is out of range"):
        GradientReversal(lambda_=-0.1)
    layer = GradientReversal()
    with pytest.raises(ValueError, match="lambda_=-2"):
        layer.lambda_ = -2
    with pytest.raises(TypeError, match="lambda_='one'"):
        GradientReversal(lambda_="one")


def test_lambda_schedule_ramps_from_zero_to_lambda_max() -> None:
    values = dann_lambda_schedule(np.linspace(0, 1, 11), lambda_max=3.0)
    assert values[0] == 0.0 and np.all(np.diff(values) > 0) and 2.99 < values[-1] <= 3.0


# --------------------------------------------------------------------------- DANN


@pytest.fixture(scope="module")
def moons_problem():
    X_source, y_source = make_rotated_moons(200, angle=0.0, random_state=0)
    X_target, y_target = make_rotated_moons(200, angle=30.0, random_state=1)
    return X_source, y_source, X_target, y_target


@pytest.fixture(scope="module")
def fitted_dann(moons_problem):
    X_source, y_source, X_target, _ = moons_problem
    return DANN(n_steps=60, random_state=0).fit(X_source, y_source, X_target)


@pytest.fixture(scope="module")
def scratch_dann(moons_problem):
    """One more network for the tests that refit; each new DANN traces its graph once."""
    X_source, y_source, X_target, _ = moons_problem
    return DANN(n_steps=40, random_state=0).fit(X_source, y_source, X_target)


def test_dann_predicts_probabilities_and_labels(fitted_dann, moons_problem) -> None:
    _, _, X_target, _ = moons_problem
    proba = fitted_dann.predict_proba(X_target)
    assert proba.shape == (200, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(fitted_dann.predict(X_target), proba.argmax(axis=1))
    assert fitted_dann.transform(X_target).shape == (200, 32)
    assert fitted_dann.domain_probability(X_target).shape == (200,)
    assert fitted_dann.history_["label_loss"].shape == (60,)
    assert fitted_dann.history_["label_loss"][-1] < fitted_dann.history_["label_loss"][0]
    # after training the reversal layer holds the last lambda of the ramp (close to 1)
    assert 0.99 < fitted_dann.reversal.lambda_ <= 1.0


def test_dann_saves_and_loads_with_identical_predictions(fitted_dann, moons_problem, tmp_path):
    _, _, X_target, _ = moons_problem
    path = tmp_path / "dann.keras"
    fitted_dann.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, DANN)
    assert loaded.get_config() == fitted_dann.get_config()
    np.testing.assert_array_equal(
        loaded.predict_proba(X_target), fitted_dann.predict_proba(X_target)
    )
    np.testing.assert_array_equal(loaded.predict(X_target), fitted_dann.predict(X_target))


def test_dann_refit_is_reproducible_and_lambda_zero_ignores_the_target(
    moons_problem, scratch_dann
) -> None:
    X_source, y_source, X_target, _ = moons_problem
    model = scratch_dann
    model.lambda_max, model.random_state, model.batch_size = 0.0, 3, None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. Keras' "gradients do not exist" warning
        first = model.fit(X_source, y_source, X_target).predict_proba(X_target)
    np.testing.assert_array_equal(model.history_["domain_loss"], 0.0)  # no adversary trained
    second = model.fit(X_source, y_source, X_target).predict_proba(X_target)
    np.testing.assert_array_equal(first, second)  # fit restarts from the seeded weights
    other_target = model.fit(X_source, y_source, X_target[::-1] + 5.0).predict_proba(X_target)
    np.testing.assert_allclose(other_target, first, atol=1e-5)  # no adversary: no effect
    model.random_state = 4
    assert not np.allclose(model.fit(X_source, y_source, X_target).predict_proba(X_target), first)


def test_dann_keeps_original_labels_and_uses_sample_weights(moons_problem) -> None:
    X_source, y_source, X_target, _ = moons_problem
    names = np.array(["upper", "lower"])[y_source]
    model = DANN(n_steps=40, lambda_max=0.0, random_state=0).fit(X_source, names, X_target)
    assert model.classes == ["lower", "upper"]
    assert set(model.predict(X_source)) == {"lower", "upper"}
    assert model.score(X_source, names) > 0.8
    # weight only the "upper" examples: the network learns to call everything "upper"
    weights = (names == "upper").astype(float)
    model.fit(X_source, names, X_target, sample_weight=weights)
    assert np.mean(model.predict(X_source) == "upper") > 0.9


def test_dann_minibatches_are_seeded(moons_problem, scratch_dann) -> None:
    X_source, y_source, X_target, _ = moons_problem
    model = scratch_dann
    model.lambda_max, model.random_state, model.batch_size = 1.0, 0, 16
    try:
        first = model.fit(X_source, y_source, X_target).history_["domain_loss"]
        again = model.fit(X_source, y_source, X_target).history_["domain_loss"]
        model.batch_size = None
        full = model.fit(X_source, y_source, X_target).history_["domain_loss"]
    finally:
        model.batch_size = None
    assert np.isfinite(first).all()
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, full)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"lambda_max": -1.0}, ValueError, r"lambda_max=-1.0 is out of range"),
        ({"learning_rate": 0.0}, ValueError, r"learning_rate=0.0 is out of range"),
        ({"n_steps": 0}, ValueError, r"n_steps=0 is out of range"),
        ({"batch_size": 2.5}, TypeError, r"batch_size=2.5"),
        ({"hidden_units": ()}, ValueError, r"hidden_units=\(\) is empty"),
        ({"hidden_units": (8, 0)}, ValueError, r"hidden_units\[1\]=0"),
        ({"gamma": 0.0}, ValueError, r"gamma=0.0 is out of range"),
    ],
)
def test_dann_rejects_bad_hyperparameters(params, error, match) -> None:
    with pytest.raises(error, match=match):
        DANN(**params)


def test_dann_rejects_bad_data(moons_problem, fitted_dann) -> None:
    X_source, y_source, X_target, _ = moons_problem
    model = DANN(n_steps=5)
    with pytest.raises(ValueError, match="X_target has 3 features but the source X has 2"):
        model.fit(X_source, y_source, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X_target is empty"):
        model.fit(X_source, y_source, np.zeros((0, 2)))
    with pytest.raises(ValueError, match="y_source has shape"):
        model.fit(X_source, y_source[:10], X_target)
    with pytest.raises(ValueError, match="negative value"):
        model.fit(X_source, y_source, X_target, sample_weight=-np.ones(len(X_source)))
    with pytest.raises(ValueError, match="fewer than 2 classes"):
        model.fit(X_source, np.zeros(len(X_source), dtype=int), X_target)
    with pytest.raises(ValueError, match="not fitted yet"):
        DANN().predict(X_target)
    with pytest.raises(ValueError, match="X has 3 features, but this DANN expects 2"):
        fitted_dann.predict(np.zeros((2, 3)))
    fitted_dann.lambda_max = -0.5
    try:
        with pytest.raises(ValueError, match="lambda_max=-0.5"):
            fitted_dann.fit(X_source, y_source, X_target)
    finally:
        fitted_dann.lambda_max = 1.0
