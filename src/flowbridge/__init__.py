"""Flowbridge: cross-department collaboration, process engine and process mining."""

__version__ = "0.1.0"
