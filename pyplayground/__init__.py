"""pyplayground: an in-browser deep-learning playground with a pure-NumPy engine."""

__version__ = "0.1.0"

__all__ = ["__version__"]
