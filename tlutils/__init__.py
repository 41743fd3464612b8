"""tlutils: the small helper package behind the book *Transfer learning, hands-on*.

Modules, by purpose:

- :mod:`tlutils.repro`: one seed helper for Python, NumPy and TensorFlow.
- :mod:`tlutils.data`: source/target domain pairs built from scikit-learn's bundled data.
- :mod:`tlutils.metrics`: precision, recall, F1 (binary and averaged), a score report,
  bootstrap intervals and calibration error.
- :mod:`tlutils.models`: the Keras models the notebooks share (MLP, small CNN, freezing,
  new heads, L2-SP, a fast trainer).
- :mod:`tlutils.experiments`: run strategy × label-budget × seed grids with a disk cache.
- :mod:`tlutils.divergence`: how far apart two domains are (MMD, proxy A-distance).
- :mod:`tlutils.adapt`: domain adaptation without target labels (importance weights, CORAL,
  DANN with a gradient-reversal layer).
- :mod:`tlutils.plotting`: the house plotting style and the book's plots, with
  submodules ``curves``, ``features``, ``evaluation`` and ``adaptation``.

``import tlutils`` imports no submodule (and so no TensorFlow); import the ones you need.
"""

__version__ = "0.1.0"
__all__ = [
    "adapt",
    "data",
    "divergence",
    "experiments",
    "metrics",
    "models",
    "plotting",
    "repro",
]
