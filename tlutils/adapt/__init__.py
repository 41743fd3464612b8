"""Unsupervised domain adaptation: labelled source data, unlabelled target data.

One module per family of methods: :mod:`~tlutils.adapt.weighting` (instance weights:
:class:`DomainClassifierWeighter`, :class:`KernelMeanMatching`, :func:`effective_sample_size`),
:mod:`~tlutils.adapt.coral` (feature alignment: :class:`CORAL`) and :mod:`~tlutils.adapt.dann`
(adversarial features in Keras: :class:`GradientReversal`, :class:`DANN`,
:func:`dann_lambda_schedule`). The Keras names are loaded on first use (a module
``__getattr__``, PEP 562), so ``from tlutils.adapt import CORAL`` does not import TensorFlow.

Examples
--------
>>> import numpy as np
>>> from tlutils.data import make_rotated_moons
>>> X_source, y_source = make_rotated_moons(200, angle=0.0, random_state=0)
>>> X_target, _ = make_rotated_moons(200, angle=30.0, random_state=1)
>>> aligned = CORAL(regularization=1e-3).fit(X_source, X_target=X_target).transform(X_source)
>>> bool(np.allclose(np.cov(aligned.T), np.cov(X_target.T), atol=2e-3))
True
"""

from __future__ import annotations

import importlib
from typing import Any

from tlutils.adapt.coral import CORAL
from tlutils.adapt.weighting import (
    DomainClassifierWeighter,
    KernelMeanMatching,
    effective_sample_size,
)

_KERAS_NAMES = ["DANN", "GradientReversal", "dann_lambda_schedule"]  # in tlutils.adapt.dann
__all__ = ["CORAL", "DomainClassifierWeighter", "KernelMeanMatching", "effective_sample_size"]
__all__ += _KERAS_NAMES


def __getattr__(name: str) -> Any:
    if name in _KERAS_NAMES:
        return getattr(importlib.import_module("tlutils.adapt.dann"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
