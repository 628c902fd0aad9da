"""Diogel: the community safety partnership platform."""

from diogel.errors import DiogelError

__version__ = "0.1.0"

__all__ = ["DiogelError", "__version__"]
