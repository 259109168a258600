"""Where reader keeps its files and how it writes them without losing any (the lowest layer)."""
