"""tlutils: the small helper package behind the book *Transfer learning, hands-on*.

Modules, by purpose:

- :mod:`tlutils.repro`: one seed helper for Python, NumPy and TensorFlow.
- :mod:`tlutils.data`: source/target domain pairs built from scikit-learn's bundled data.
- :mod:`tlutils.metrics`: precision, recall, F1 (binary and averaged) and a score report.
- :mod:`tlutils.models`: the Keras models the notebooks share.
- :mod:`tlutils.plotting`: the house plotting style and the book's plots.

Submodules are imported lazily, so ``import tlutils`` does not import TensorFlow.
"""

__version__ = "0.1.0"
__all__ = ["data", "metrics", "models", "plotting", "repro"]
