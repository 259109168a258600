"""Widgets of the reader app; each composes the pure core and talks to the app by messages."""
