"""Named entities: the mention types, the gazetteer and model that find them."""
