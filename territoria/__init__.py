"""Territoria: a knowledge and cooperation hub for networks of local and regional governments."""

__version__ = "0.1.0"
