"""Reference data of the matching service (skill and trade synonyms)."""
