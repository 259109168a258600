"""reader: a terminal app for reading Chinese news articles."""

__version__ = "0.1.0"
