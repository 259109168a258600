"""The reader's notes on passages: the store that never loses one, anchoring, export."""
