"""One call to make a notebook's random numbers repeatable.

Python, NumPy and TensorFlow each keep their own random state; :func:`set_seed` seeds them all
through Keras. TensorFlow is imported inside the call, so importing this module is cheap.

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

import os

from tlutils._validation import MAX_SEED, check_bool, check_int

__all__ = ["set_seed"]


def set_seed(seed: int, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, optionally forcing deterministic TF ops.

    ``seed`` is an int in ``0 .. 2**32 - 1``. The call sets ``PYTHONHASHSEED`` (for processes
    started later; the running interpreter keeps its hash seed), calls
    ``keras.utils.set_random_seed`` (``random``, ``np.random``, ``tf.random``, and Keras'
    unseeded initialisers, dropout and ``keras.random``) and, if ``deterministic``,
    ``tf.config.experimental.enable_op_determinism()``, which stays on for the rest of the
    process (no noticeable cost on CPU). Call it at the top of a notebook and before each
    training run whose result should not depend on what ran before.

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
    ValueError: seed=-1 is out of range; allowed: an int in [0, 4294967295]
    """
    seed = check_int(seed, "seed", min_value=0, max_value=MAX_SEED)
    deterministic = check_bool(deterministic, "deterministic")
    os.environ["PYTHONHASHSEED"] = str(seed)

    import keras  # imported here: loading TensorFlow takes seconds

    keras.utils.set_random_seed(seed)  # seeds random, np.random and tf.random too
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
