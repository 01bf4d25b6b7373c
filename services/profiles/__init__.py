"""TalentFlow profiles service."""
