"""One call to make a notebook's random numbers repeatable.

TensorFlow and Keras are imported inside :func:`set_seed`, so importing this module is cheap.

Examples
--------
>>> import numpy as np
>>> from tlutils.repro import set_seed
>>> set_seed(42)
>>> first = np.random.rand(3)
>>> set_seed(42)
>>> bool(np.all(first == np.random.rand(3)))
True
"""

from __future__ import annotations

import numbers
import os
import random

import numpy as np

__all__ = ["MAX_SEED", "set_seed"]

MAX_SEED: int = 2**32 - 1
"""Largest accepted seed (NumPy's legacy seeding takes 32-bit unsigned integers)."""


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed={seed!r} must be an int (got {type(seed).__name__}); allowed: 0..{MAX_SEED}"
        )
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(
            f"seed={seed!r} is out of range; allowed: 0..{MAX_SEED} (0 <= seed < 2**32)"
        )
    return int(seed)


def set_seed(seed: int, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, optionally forcing deterministic TF ops.

    The call

    - sets the environment variable ``PYTHONHASHSEED`` (this only affects Python processes
      started afterwards, such as data-loading workers; the running interpreter keeps its
      hash seed),
    - seeds :mod:`random` and NumPy's global generator (``np.random.seed``),
    - calls ``keras.utils.set_random_seed``, which also seeds TensorFlow (``tf.random``) and
      resets Keras' global seed generator, so unseeded weight initialisers, dropout masks and
      ``keras.random`` draws repeat,
    - and, when ``deterministic`` is true, calls
      ``tf.config.experimental.enable_op_determinism()`` so that TensorFlow ops pick
      deterministic kernels (slower on GPU, no noticeable cost on CPU). This setting is global
      and stays on for the rest of the process; ``deterministic=False`` leaves it as it is.

    Call it at the top of a notebook and again before each training run whose result should
    not depend on what ran before.

    Parameters
    ----------
    seed : int
        A seed in ``0 .. 2**32 - 1``.
    deterministic : bool, keyword-only
        Whether to switch on TensorFlow's op determinism.

    Raises
    ------
    TypeError
        If ``seed`` is not an int (``bool`` is rejected too) or ``deterministic`` is not a bool.
    ValueError
        If ``seed`` is negative or ``>= 2**32``.

    Examples
    --------
    >>> import random
    >>> set_seed(7, deterministic=False)
    >>> a = random.random()
    >>> set_seed(7, deterministic=False)
    >>> a == random.random()
    True
    >>> set_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed=-1 is out of range; allowed: 0..4294967295 (0 <= seed < 2**32)
    """
    value = _check_seed(seed)
    if not isinstance(deterministic, bool | np.bool_):
        raise TypeError(f"deterministic={deterministic!r} must be a bool (True or False)")

    os.environ["PYTHONHASHSEED"] = str(value)
    random.seed(value)
    np.random.seed(value)

    import keras  # imported here: loading TensorFlow takes seconds

    keras.utils.set_random_seed(value)
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
