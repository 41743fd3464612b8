"""What every notebook of the book does first, and how it hands numbers to the text.

A notebook starts with ``from tlutils import book`` and ``book.setup(seed=0)``, and only then
imports TensorFlow or Keras. :func:`setup` quiets TensorFlow (its start-up messages would land
in the output, and the book build treats stderr as a failure), turns off oneDNN's differently
rounding kernels (so every machine gets the book's numbers), limits threads, applies the house
plotting style and seeds every generator. :func:`glue_number` stores a number for the prose
(MyST's ``{glue:text}`` role), so no number in the text is typed by hand. Importing this module
imports neither TensorFlow nor matplotlib.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from tlutils._validation import check_int, invalid

__all__ = ["glue_number", "setup"]

QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
"""Environment variables :func:`setup` sets (unless already set) before TensorFlow loads."""


def setup(seed: int = 0, *, tf_threads: int | None = 1, blas_threads: int | None = None) -> None:
    """Prepare a notebook: quiet TensorFlow, set threads, plotting style and seeds.

    Call it before importing TensorFlow or Keras: :data:`QUIET_TENSORFLOW` only works if set
    before TensorFlow loads, thread counts only before its first operation. ``seed`` goes to
    :func:`tlutils.repro.set_seed`; ``tf_threads`` sets TensorFlow's intra- and inter-op threads
    (one is fastest for the book's tiny networks; ``None`` keeps the default); ``blas_threads``
    limits NumPy's and SciPy's BLAS through ``threadpoolctl`` (``None`` leaves it).

    Examples
    --------
    >>> setup(seed=0, tf_threads=None)
    >>> os.environ["TF_CPP_MIN_LOG_LEVEL"]
    '3'
    """
    tf_threads = check_int(tf_threads, "tf_threads", min_value=1, allow_none=True)
    blas_threads = check_int(blas_threads, "blas_threads", min_value=1, allow_none=True)
    for variable, value in QUIET_TENSORFLOW.items():
        os.environ.setdefault(variable, value)

    import tensorflow as tf

    from tlutils import plotting, repro

    tf.get_logger().setLevel("ERROR")  # e.g. the "retracing" notices of many small models
    if tf_threads is not None:
        tf.config.threading.set_intra_op_parallelism_threads(tf_threads)
        tf.config.threading.set_inter_op_parallelism_threads(tf_threads)
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(blas_threads)
    plotting.use_house_style()
    repro.set_seed(seed)


def glue_number(name: str, value: Any) -> int | float:
    """Store ``value`` under ``name`` for the text (``{glue:text}`name:.3f```); return it.

    NumPy scalars become plain ``int``/``float``, which render without a ``np.`` prefix.

    Examples
    --------
    >>> glue_number("n_seeds", np.int64(5))
    5
    >>> glue_number("accuracy", np.float32(0.5))
    0.5
    >>> glue_number("accuracy", "high")
    Traceback (most recent call last):
    ...
    TypeError: value='high' has type str; allowed: an int or a real number
    """
    if not isinstance(name, str) or not name:
        raise invalid("name", "is not a non-empty str", "a name such as 'accuracy'", value=name)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise invalid(
            "value",
            f"has type {type(value).__name__}",
            "an int or a real number",
            value=value,
            error=TypeError,
        )
    number = int(value) if isinstance(value, int | np.integer) else float(value)

    from myst_nb import glue

    glue(name, number, display=False)
    return number
