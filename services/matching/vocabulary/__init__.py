"""The skilled-trades vocabulary as a domain: taxonomy look-ups, free-text enrichment, growth paths.

Pure functions over the data shipped in `services/matching/data/` (vocabulary.json, built by
scripts/build_vocabulary.py; growth_rules.json). Nothing here does I/O after the first load.
"""
