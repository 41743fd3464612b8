"""The argument checks of tlutils/_validation.py: one parametrised test for every validator.

Each case gives a call, and either the value the check returns or the error type and the exact
message, so the house style "{name}={value!r} {problem}; allowed: {allowed}" is pinned once
here instead of in every module's tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from tlutils import _validation as v

ACCEPTED = [
    (v.check_int, (3, "n"), {"min_value": 1}, 3),
    (v.check_int, (np.int32(7), "n"), {}, 7),
    (v.check_int, (None, "n"), {"allow_none": True}, None),
    (v.check_int, (5, "n"), {"min_value": 5, "max_value": 5}, 5),
    (v.check_real, (1, "x"), {}, 1.0),
    (v.check_real, (np.float32(0.25), "x"), {"min_value": 0, "max_value": 1}, 0.25),
    (v.check_real, (0, "x"), {"min_value": 0, "max_value": 1, "closed": "left"}, 0.0),
    (v.check_real, (None, "x"), {"allow_none": True}, None),
    (v.check_bool, (np.False_, "flag"), {}, False),
    (v.check_choice, ("macro", "average", ("micro", "macro")), {}, "macro"),
    (v.check_choice, (None, "average", ("micro", None)), {}, None),
    (v.check_choice, (0.0, "zero_division", ("warn", 0.0, 1.0)), {}, 0.0),
    (v.check_random_state, (v.MAX_SEED,), {}, v.MAX_SEED),
    (v.check_random_state, (None,), {}, None),
]

REJECTED = [
    (v.check_int, (True, "n"), {}, TypeError, "n=True has type bool; allowed: an int"),
    (
        v.check_int,
        (2.0, "n"),
        {"min_value": 1},
        TypeError,
        "n=2.0 has type float; allowed: an int >= 1",
    ),
    (
        v.check_int,
        ("3", "n"),
        {"allow_none": True},
        TypeError,
        "n='3' has type str; allowed: an int or None",
    ),
    (
        v.check_int,
        (0, "n"),
        {"min_value": 1},
        ValueError,
        "n=0 is out of range; allowed: an int >= 1",
    ),
    (
        v.check_int,
        (9, "k"),
        {"min_value": 1, "max_value": 8},
        ValueError,
        "k=9 is out of range; allowed: an int in [1, 8]",
    ),
    (
        v.check_int,
        (9, "k"),
        {"max_value": 8},
        ValueError,
        "k=9 is out of range; allowed: an int <= 8",
    ),
    (
        v.check_real,
        (np.bool_(True), "x"),
        {},
        TypeError,
        "x=np.True_ has type bool; allowed: a real number",
    ),
    (
        v.check_real,
        (float("inf"), "x"),
        {},
        ValueError,
        "x=inf is out of range; allowed: a real number",
    ),
    (
        v.check_real,
        (1.0, "p"),
        {"min_value": 0, "max_value": 1, "closed": "left"},
        ValueError,
        "p=1.0 is out of range; allowed: a real number in [0, 1)",
    ),
    (
        v.check_real,
        (0, "rate"),
        {"min_value": 0, "closed": "neither"},
        ValueError,
        "rate=0 is out of range; allowed: a real number > 0",
    ),
    (
        v.check_real,
        (2.5, "x"),
        {"max_value": 2, "closed": "neither"},
        ValueError,
        "x=2.5 is out of range; allowed: a real number < 2",
    ),
    (
        v.check_bool,
        ("yes", "flag"),
        {},
        TypeError,
        "flag='yes' has type str; allowed: True or False",
    ),
    (
        v.check_choice,
        ("mean", "average", ("micro", "macro")),
        {},
        ValueError,
        "average='mean' is not supported; allowed: 'micro', 'macro'",
    ),
    (
        v.check_choice,
        (3, "shift", ("none", "rotation")),
        {},
        TypeError,
        "shift=3 has type int; allowed: 'none', 'rotation'",
    ),
    (
        v.check_choice,
        (0.5, "zero_division", ("warn", 0.0, 1.0)),
        {},
        ValueError,
        "zero_division=0.5 is not supported; allowed: 'warn', 0.0, 1.0",
    ),
    (
        v.check_random_state,
        (-1,),
        {},
        ValueError,
        "random_state=-1 is out of range; allowed: an int in [0, 4294967295] or None",
    ),
    (
        v.check_random_state,
        (1.5, "seed"),
        {},
        TypeError,
        "seed=1.5 has type float; allowed: an int in [0, 4294967295] or None",
    ),
    (
        v.check_callable,
        ("f1", "metric", "metric(y_true, y_pred)"),
        {},
        TypeError,
        "metric='f1' is not callable; allowed: metric(y_true, y_pred)",
    ),
]


@pytest.mark.parametrize(("check", "args", "kwargs", "expected"), ACCEPTED)
def test_valid_values_come_back_as_plain_python(check, args, kwargs, expected) -> None:
    result = check(*args, **kwargs)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(("check", "args", "kwargs", "error", "message"), REJECTED)
def test_invalid_values_name_the_argument_the_value_and_what_is_allowed(
    check, args, kwargs, error, message
) -> None:
    with pytest.raises(error) as raised:
        check(*args, **kwargs)
    assert str(raised.value) == message


ARRAYS = [
    ({"value": [[1, 2]], "ndim": 1}, ValueError, "X has shape (1, 2); allowed: a 1-D array"),
    (
        {"value": [1.0, 2.0], "ndim": (2, 3)},
        ValueError,
        "X has shape (2,); allowed: a 2-D array or a 3-D array",
    ),
    ({"value": np.zeros((1, 3)), "min_rows": 2}, ValueError, "X has 1 row(s); allowed: at least 2"),
    (
        {"value": np.zeros((2, 3)), "n_columns": 4},
        ValueError,
        "X has shape (2, 3); allowed: 4 column(s)",
    ),
    ({"value": ["a", "b"]}, TypeError, "X has dtype <U1; allowed: real numbers"),
    ({"value": [True, False]}, TypeError, "X has dtype bool; allowed: real numbers"),
    ({"value": [0.0, np.nan]}, ValueError, "X contains NaN or infinity; allowed: finite numbers"),
    (
        {"value": [0.2, -0.5], "low": 0},
        ValueError,
        "X has a value -0.5 outside [0, inf]; allowed: numbers in [0, inf]",
    ),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), ARRAYS)
def test_arrays_are_described_by_shape_and_dtype(kwargs, error, message) -> None:
    with pytest.raises(error) as raised:
        v.check_array(name="X", **kwargs)
    assert str(raised.value) == message


def test_a_valid_array_is_converted_to_the_requested_dtype_without_a_copy_when_possible() -> None:
    x = np.arange(6, dtype=np.float64).reshape(3, 2)
    assert v.check_array(x, "X", ndim=2, min_rows=3, n_columns=2) is x
    assert v.check_array([1, 2], "X", dtype=np.float32).dtype == np.float32
    assert v.check_array([np.nan], "X", finite=False, dtype=None).shape == (1,)


def test_same_length_names_both_arrays() -> None:
    v.check_same_length([1, 2], np.zeros((2, 5)), ("y", "X"))
    with pytest.raises(ValueError, match=r"^X has 3 entries but y has 2; allowed: one entry"):
        v.check_same_length([1, 2], [1, 2, 3], ("y", "X"))


def test_invalid_builds_an_error_of_the_requested_type_in_the_house_style() -> None:
    error = v.invalid("model", "has no 'head' layer", "a model built by build_mlp", error=TypeError)
    assert isinstance(error, TypeError)
    assert str(error) == "model has no 'head' layer; allowed: a model built by build_mlp"
    assert (
        str(v.invalid("k", "is odd", "an even int", value=3)) == "k=3 is odd; allowed: an even int"
    )
