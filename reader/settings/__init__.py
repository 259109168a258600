"""What the user configures or the app remembers: the keymap and the reading state."""
