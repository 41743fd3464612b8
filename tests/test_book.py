"""tlutils.book: the setup every notebook runs first, and glue_number."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tlutils import book

PROBE = """
import json, os, sys
from tlutils import book
book.setup(seed=3, tf_threads=1, blas_threads=1)
import numpy as np, tensorflow as tf
from threadpoolctl import threadpool_info
print(json.dumps({
    "intra": tf.config.threading.get_intra_op_parallelism_threads(),
    "inter": tf.config.threading.get_inter_op_parallelism_threads(),
    "blas": [pool["num_threads"] for pool in threadpool_info()],
    "numpy": float(np.random.rand()),
    "tf": float(tf.random.uniform(())),
}))
"""


def run_probe() -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if k not in book.QUIET_TENSORFLOW}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_setup_quiets_tensorflow_sets_threads_and_seeds() -> None:
    first, stderr = run_probe()
    assert stderr == "", f"TensorFlow wrote to stderr (the book build would fail):\n{stderr}"
    assert (first["intra"], first["inter"]) == (1, 1)
    assert set(first["blas"]) == {1}
    second, _ = run_probe()
    assert second == first, "the same seed must give the same NumPy and TensorFlow draws"


def test_glue_number_hands_plain_python_numbers_to_the_text() -> None:
    assert type(book.glue_number("count", np.int64(7))) is int
    assert type(book.glue_number("share", np.float32(0.25))) is float
    with pytest.raises(TypeError, match=r"^value=True has type bool"):
        book.glue_number("flag", True)
    with pytest.raises(ValueError, match=r"^name='' is not a non-empty str"):
        book.glue_number("", 1)
