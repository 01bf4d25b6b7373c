"""TalentFlow matching service."""
