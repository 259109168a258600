"""Finding words across a corpus, in any script, case and width."""
