"""Brug: a practical-information assistant for EU labour migrants."""

__version__ = "0.1.0"
