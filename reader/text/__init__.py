"""Chinese text on its own: decoding bytes, Simplified/Traditional conversion, paragraphs, line breaking."""
