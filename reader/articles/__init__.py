"""Articles and where they come from: corpus files read, split and cached."""
