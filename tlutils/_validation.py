"""Argument checks for every ``tlutils`` function: one module, one message style.

Every check returns the cleaned value (a plain ``int``, ``float``, ``str`` or a NumPy array) or
raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong value) with the
message ``{name}={value!r} {problem}; allowed: {allowed}``; arrays are described by shape or
dtype instead. In the spirit of scikit-learn's ``check_scalar`` and ``check_random_state``, but
``bool`` is no number here (``n_bins=True`` is a mistake) and NaN or infinity is no real number.
Modules that need many checks import this module as ``v`` (``v.check_int(...)``).

Examples
--------
>>> check_int(3, "n_bins", min_value=1)
3
>>> check_int(0, "n_bins", min_value=1)
Traceback (most recent call last):
...
ValueError: n_bins=0 is out of range; allowed: an int >= 1
>>> check_real("0.5", "threshold", min_value=0, max_value=1)
Traceback (most recent call last):
...
TypeError: threshold='0.5' has type str; allowed: a real number in [0, 1]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "MAX_SEED",
    "check_array",
    "check_bool",
    "check_callable",
    "check_choice",
    "check_int",
    "check_random_state",
    "check_real",
    "check_same_length",
    "invalid",
]

MAX_SEED: int = 2**32 - 1
"""Largest seed or ``random_state`` (NumPy's legacy seeding takes 32-bit unsigned integers)."""


def invalid(
    name: str, problem: str, allowed: str, *, value: Any = ..., error: type = ValueError
) -> Exception:
    """Build (not raise) an error in the house style, for checks specific to one module.

    ``value`` is shown as ``name=value``; leave it out for arrays (say their shape in ``problem``).

    Examples
    --------
    >>> str(invalid("X", "has shape (3,)", "a 2-D array (n_samples, n_features)"))
    'X has shape (3,); allowed: a 2-D array (n_samples, n_features)'
    >>> raise invalid("shift", "is not supported", "'none', 'rotation'", value="blur")
    Traceback (most recent call last):
    ...
    ValueError: shift='blur' is not supported; allowed: 'none', 'rotation'
    """
    subject = name if value is ... else f"{name}={value!r}"
    return error(f"{subject} {problem}; allowed: {allowed}")


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool | np.bool_)


def _number(x: float) -> str:
    """1 and 1.0 as '1', 0.5 as '0.5', 2**32 - 1 in full."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _interval(low: float | None, high: float | None, closed: str) -> str:
    """Human-readable range: 'in [0, 1)', '>= 1', '> 0', or '' when unbounded."""
    if low is not None and high is not None:
        left = "[" if closed in ("both", "left") else "("
        right = "]" if closed in ("both", "right") else ")"
        return f"in {left}{_number(low)}, {_number(high)}{right}"
    if low is not None:
        return f"{'>=' if closed in ('both', 'left') else '>'} {_number(low)}"
    if high is not None:
        return f"{'<=' if closed in ('both', 'right') else '<'} {_number(high)}"
    return ""


def _inside(x: float, low: float | None, high: float | None, closed: str) -> bool:
    if low is not None and (x < low or (x == low and closed not in ("both", "left"))):
        return False
    return not (high is not None and (x > high or (x == high and closed not in ("both", "right"))))


def _check_number(
    value: Any,
    name: str,
    kind: type,
    noun: str,
    low: float | None,
    high: float | None,
    closed: str,
    allow_none: bool,
) -> Any:
    """The body of :func:`check_int` and :func:`check_real`: None, then the type, then the range."""
    allowed = " ".join(filter(None, [noun, _interval(low, high, closed)]))
    allowed += " or None" if allow_none else ""
    if value is None and allow_none:
        return None
    if _is_bool(value) or not isinstance(value, kind):
        problem = f"has type {type(value).__name__}"
        raise invalid(name, problem, allowed, value=value, error=TypeError)
    number = float(value)
    if not math.isfinite(number) or not _inside(number, low, high, closed):
        raise invalid(name, "is out of range", allowed, value=value)
    return value


def check_int(
    value: Any,
    name: str,
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    allow_none: bool = False,
) -> int | None:
    """An integer (not a ``bool``) in ``[min_value, max_value]``, as a plain ``int``.

    Examples
    --------
    >>> check_int(np.int64(5), "steps", min_value=1)
    5
    >>> check_int(None, "batch_size", min_value=1, allow_none=True) is None
    True
    >>> check_int(True, "steps", min_value=1)
    Traceback (most recent call last):
    ...
    TypeError: steps=True has type bool; allowed: an int >= 1
    """
    checked = _check_number(
        value, name, numbers.Integral, "an int", min_value, max_value, "both", allow_none
    )
    return None if checked is None else int(checked)


def check_real(
    value: Any,
    name: str,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    closed: str = "both",
    allow_none: bool = False,
) -> float | None:
    """A finite real number in a range, as a ``float``.

    ``closed`` names the ends that belong to the range: "both", "left", "right" or "neither".

    Examples
    --------
    >>> check_real(1, "alpha", min_value=0)
    1.0
    >>> check_real(0.0, "learning_rate", min_value=0, closed="neither")
    Traceback (most recent call last):
    ...
    ValueError: learning_rate=0.0 is out of range; allowed: a real number > 0
    >>> check_real(float("nan"), "confidence", min_value=0, max_value=1, closed="neither")
    Traceback (most recent call last):
    ...
    ValueError: confidence=nan is out of range; allowed: a real number in (0, 1)
    """
    checked = _check_number(
        value, name, numbers.Real, "a real number", min_value, max_value, closed, allow_none
    )
    return None if checked is None else float(checked)


def check_bool(value: Any, name: str) -> bool:
    """``True`` or ``False`` (NumPy's ``bool_`` too), as a plain ``bool``.

    Examples
    --------
    >>> check_bool(np.True_, "shuffle")
    True
    >>> check_bool(1, "shuffle")
    Traceback (most recent call last):
    ...
    TypeError: shuffle=1 has type int; allowed: True or False
    """
    if not _is_bool(value):
        raise invalid(
            name, f"has type {type(value).__name__}", "True or False", value=value, error=TypeError
        )
    return bool(value)


def check_choice(value: Any, name: str, allowed: Sequence[Any]) -> Any:
    """One of ``allowed`` (compared with ``==``, types checked first for strings).

    Examples
    --------
    >>> check_choice("macro", "average", ("micro", "macro"))
    'macro'
    >>> check_choice("mean", "average", ("micro", "macro", None))
    Traceback (most recent call last):
    ...
    ValueError: average='mean' is not supported; allowed: 'micro', 'macro', None
    """
    text = ", ".join(repr(option) for option in allowed)
    kinds = {type(option) for option in allowed if option is not None}
    if kinds == {str} and value is not None and not isinstance(value, str):
        raise invalid(name, f"has type {type(value).__name__}", text, value=value, error=TypeError)
    if not any(value is option or (value == option) is True for option in allowed):
        raise invalid(name, "is not supported", text, value=value)
    return value


def check_random_state(value: Any, name: str = "random_state") -> int | None:
    """A seed for NumPy, Python and TensorFlow: an int in ``0 .. 2**32 - 1``, or ``None``.

    It returns the seed, not a generator (unlike scikit-learn's): the book passes seeds on, so
    that every run can be named and repeated by its number.

    Examples
    --------
    >>> check_random_state(0), check_random_state(None)
    (0, None)
    >>> check_random_state(2**32)
    Traceback (most recent call last):
    ...
    ValueError: random_state=4294967296 is out of range; allowed: an int in [0, 4294967295] or None
    """
    return check_int(value, name, min_value=0, max_value=MAX_SEED, allow_none=True)


def check_callable(value: Any, name: str, allowed: str) -> Callable[..., Any]:
    """A callable; ``allowed`` describes its signature in the message.

    Examples
    --------
    >>> check_callable(len, "score", "score(y_true, y_pred) -> float") is len
    True
    >>> check_callable(0.5, "score", "score(y_true, y_pred) -> float")
    Traceback (most recent call last):
    ...
    TypeError: score=0.5 is not callable; allowed: score(y_true, y_pred) -> float
    """
    if not callable(value):
        raise invalid(name, "is not callable", allowed, value=value, error=TypeError)
    return value


def check_array(
    value: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_rows: int = 0,
    n_columns: int | None = None,
    dtype: Any = np.float64,
    finite: bool = True,
    low: float | None = None,
    high: float | None = None,
) -> np.ndarray:
    """A real NumPy array of ``dtype`` (``None``: kept) with the given dimensions, rows, columns.

    ``finite`` rejects NaN and infinity; ``low`` and ``high`` bound every entry (inclusive).

    Examples
    --------
    >>> check_array([[0.0, 1.0]], "X", ndim=2).shape
    (1, 2)
    >>> check_array([1.0, 2.0], "X", ndim=2)
    Traceback (most recent call last):
    ...
    ValueError: X has shape (2,); allowed: a 2-D array
    >>> check_array([0.5, 1.5], "y_prob", low=0, high=1)
    Traceback (most recent call last):
    ...
    ValueError: y_prob has a value 1.5 outside [0, 1]; allowed: numbers in [0, 1]
    """
    array = np.asarray(value)
    if array.dtype.kind not in "biuf" or array.dtype.kind == "b":
        raise invalid(name, f"has dtype {array.dtype}", "real numbers", error=TypeError)
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and array.ndim not in dims:
        shapes = " or ".join(f"a {d}-D array" for d in dims)
        raise invalid(name, f"has shape {array.shape}", shapes)
    if array.ndim and array.shape[0] < min_rows:
        raise invalid(name, f"has {array.shape[0]} row(s)", f"at least {min_rows}")
    if n_columns is not None and (array.ndim != 2 or array.shape[1] != n_columns):
        raise invalid(name, f"has shape {array.shape}", f"{n_columns} column(s)")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    if finite and not np.all(np.isfinite(array)):
        raise invalid(name, "contains NaN or infinity", "finite numbers")
    outside = np.zeros(array.shape, bool)
    if low is not None:
        outside |= array < low
    if high is not None:
        outside |= array > high
    if outside.any():
        lower = "-inf" if low is None else _number(low)
        upper = "inf" if high is None else _number(high)
        bounds = f"[{lower}, {upper}]"
        first = _number(array[outside].flat[0])
        raise invalid(name, f"has a value {first} outside {bounds}", f"numbers in {bounds}")
    return array


def check_same_length(first: Any, second: Any, names: tuple[str, str]) -> None:
    """Two arrays with one entry (or row) each per example.

    Examples
    --------
    >>> check_same_length([0, 1], [0.2, 0.9, 0.4], ("y_true", "y_score"))
    Traceback (most recent call last):
    ...
    ValueError: y_score has 3 entries but y_true has 2; allowed: one entry per example of y_true
    """
    n_first, n_second = len(first), len(second)
    if n_first != n_second:
        raise invalid(
            names[1],
            f"has {n_second} entries but {names[0]} has {n_first}",
            f"one entry per example of {names[0]}",
        )
