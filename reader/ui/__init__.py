"""The Textual app: it composes the core and draws it (the only layer that imports Textual)."""
