"""pytest settings for the whole repository: unit tests, tlutils' doctests and nbval."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Kernels that nbval starts inherit this environment (--nbval-current-env). TensorFlow must
    # stay quiet (nbval compares stderr) and round the same way as in the book build.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    # Notebook 03 caches its grid of experiments on disk. An empty cache of its own makes the
    # nbval run recompute the grid instead of reading what the book build stored.
    cache = tempfile.mkdtemp(prefix="tlutils-test-cache-")
    os.environ["TLUTILS_CACHE_DIR"] = cache
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))
