"""Alliance Monitor: measurement-based care for psychotherapy."""

__version__ = "0.1.0"
