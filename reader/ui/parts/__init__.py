"""Parts of the reading screen that are features of their own: the screen routes their keys and
messages to them, they use its widgets and the core."""
