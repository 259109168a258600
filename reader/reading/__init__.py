"""A reading session without a screen: article layout, cursor movement, stepping through hits."""
