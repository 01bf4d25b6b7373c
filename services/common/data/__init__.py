"""Reference data shipped with the platform (see OCCUPATIONS-README.md for source and licence)."""
