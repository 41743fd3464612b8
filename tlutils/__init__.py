"""tlutils: the small helper package behind the book *Transfer learning, hands-on*.

The notebooks show the ideas; this package holds the plumbing. Modules, by purpose:

- :mod:`tlutils.book`: what every notebook does first (``setup``) and ``glue_number``.
- :mod:`tlutils.repro`: one seed helper for Python, NumPy and TensorFlow.
- :mod:`tlutils.data`: source/target domains from scikit-learn's digits, shifts, target
  splits, rotated two moons.
- :mod:`tlutils.models`: the Keras networks of the notebooks (MLP, small CNN), freezing, new
  heads, L2-SP.
- :mod:`tlutils.training`: one fast trainer with early stopping on validation data, callbacks.
- :mod:`tlutils.metrics`: precision, recall and F1 (from counts, and averaged), score reports,
  decision thresholds.
- :mod:`tlutils.stats`: intervals over seeds (Student t, bootstrap) and summaries.
- :mod:`tlutils.calibration`: reliability curves and expected calibration error.
- :mod:`tlutils.experiments`: strategy x label-budget x seed grids with a disk cache.
- :mod:`tlutils.divergence`: how far apart two domains are (MMD, proxy A-distance).
- :mod:`tlutils.adapt`: adaptation without target labels (importance weights, CORAL, DANN).
- :mod:`tlutils.plotting`: the house plotting style and the book's plots.

Every argument check lives in ``tlutils._validation``. ``import tlutils`` imports no submodule
(and so no TensorFlow); import the ones you need.
"""

__version__ = "0.2.0"
__all__ = [
    "adapt",
    "book",
    "calibration",
    "data",
    "divergence",
    "experiments",
    "metrics",
    "models",
    "plotting",
    "repro",
    "stats",
    "training",
]
