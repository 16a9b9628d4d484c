"""Metatarsalgia exercise service: versioned rehabilitation content and generated routines."""

__version__ = "1.0.0"
